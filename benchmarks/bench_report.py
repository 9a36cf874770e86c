"""`lkjip report` for one quarter, end to end, against the floor: papermill plus nbconvert on a
notebook that only imports pandas and matplotlib, timed in the same run (best of N, alternating).

Run: ``python benchmarks/bench_report.py [--rounds 3] [--format html]``."""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def floor(tmp: Path) -> None:
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(cells=[new_code_cell("import pandas as pd\nimport matplotlib\n"
                                           "matplotlib.use('Agg')\nimport matplotlib.pyplot as plt")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    src, out = tmp / "floor.ipynb", tmp / "floor.out.ipynb"
    nbformat.write(nb, str(src))
    pm.execute_notebook(str(src), str(out), kernel_name="python3", progress_bar=False,
                        extra_arguments=["--IPKernelApp.log_level=ERROR"])
    html, _ = HTMLExporter(template_name="lab").from_notebook_node(nbformat.read(str(out), 4))
    (tmp / "floor.html").write_text(html)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--format", default="html", help="html or html,pdf for lkjip report")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(HERE.parent))
    from lkjip_helpers.report import make_report

    formats = tuple(args.format.split(","))
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        floor(tmp)  # warm up
        make_report(2020, 4, None, tmp / "reports", formats)
        t_floor, t_report = [], []
        for _ in range(args.rounds):
            t = time.perf_counter()
            floor(tmp)
            t_floor.append(time.perf_counter() - t)
            t = time.perf_counter()
            rep = make_report(2020, 4, None, tmp / "reports", formats)
            t_report.append(time.perf_counter() - t)
        size = (rep.folder / "laporan.html").stat().st_size
    print(f"best of {args.rounds}: floor (papermill + nbconvert, pandas + matplotlib) "
          f"{min(t_floor):.2f} s; lkjip report 2020 TW IV ({args.format}) {min(t_report):.2f} s")
    print(f"ratio report / floor = {min(t_report) / min(t_floor):.2f}x  (aim: <= 1.5x)")
    print(f"laporan.html {size / 1024:.0f} KiB (limit 1536 KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
