"""`lkjip report` for one quarter, end to end, against the floor: papermill plus nbconvert on a
notebook that only imports pandas and matplotlib, timed in the same run (best of N, alternating).

Both are timed as the user runs them, cold: a new process each (`lkjip report --format html` against
`python -c` that executes the floor notebook with papermill and exports it with nbconvert), so each
pays the interpreter, papermill/nbformat and nbconvert start-up once, as a scheduled run does.

It also times both inside one warm process (papermill, nbconvert and the package already imported),
which shows the work itself without the start-up costs.

Run: ``python benchmarks/bench_report.py [--rounds 5]``."""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

FLOOR = r'''
import sys, nbformat, papermill as pm
from nbconvert import HTMLExporter
from nbformat.v4 import new_code_cell, new_notebook
d = sys.argv[1]
nb = new_notebook(cells=[new_code_cell("import pandas as pd\nimport matplotlib\n"
                                       "matplotlib.use('Agg')\nimport matplotlib.pyplot as plt")])
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nbformat.write(nb, d + "/floor.ipynb")
pm.execute_notebook(d + "/floor.ipynb", d + "/floor.out.ipynb", kernel_name="python3",
                    progress_bar=False, extra_arguments=["--IPKernelApp.log_level=ERROR"])
html, _ = HTMLExporter(template_name="lab").from_notebook_node(nbformat.read(d + "/floor.out.ipynb", 4))
open(d + "/floor.html", "w").write(html)
'''


def timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    py = sys.executable
    lkjip = str(Path(py).with_name("lkjip"))
    with tempfile.TemporaryDirectory() as d:
        floor = [py, "-c", FLOOR, d]
        report = [lkjip, "report", "--year", "2020", "--quarter", "4", "--format", "html",
                  "--out", str(Path(d) / "reports")]
        timed(floor), timed(report)  # warm the disk caches
        t_floor, t_report = [], []
        for _ in range(args.rounds):
            t_floor.append(timed(floor))
            t_report.append(timed(report))
        size = (Path(d) / "reports" / "2020" / "TW4" / "laporan.html").stat().st_size
        w_floor, w_report = warm(Path(d), args.rounds)
    print(f"best of {args.rounds}, cold processes: floor (papermill + nbconvert, pandas + "
          f"matplotlib) {min(t_floor):.2f} s; lkjip report 2020 TW IV (html) {min(t_report):.2f} s")
    print(f"ratio report / floor = {min(t_report) / min(t_floor):.2f}x  (aim: <= 1.5x)")
    print(f"in one warm process: floor {w_floor:.2f} s; report {w_report:.2f} s; "
          f"ratio {w_report / w_floor:.2f}x")
    print(f"laporan.html {size / 1024:.0f} KiB (limit 1536 KiB)")
    return 0


def warm(d: Path, rounds: int) -> tuple[float, float]:
    """Best of ``rounds`` of both inside this process, after one warm-up each."""
    sys.path.insert(0, str(ROOT))
    from lkjip_helpers.report import make_report

    ns: dict = {}
    code = compile(FLOOR, "floor", "exec")
    sys.argv = ["floor", str(d)]

    def floor():
        exec(code, ns)

    def report():
        make_report(2020, 4, None, d / "warm", ("html",))

    floor(), report()
    tf, tr = [], []
    for _ in range(rounds):
        for fn, acc in ((floor, tf), (report, tr)):
            t = time.perf_counter()
            fn()
            acc.append(time.perf_counter() - t)
    return min(tf), min(tr)


if __name__ == "__main__":
    sys.exit(main())
