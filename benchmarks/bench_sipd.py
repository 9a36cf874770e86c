"""SIPD-RI exports at pemda scale: ingest + reconcile against ``pandas.read_excel(engine="calamine")``
of the same files, timed in the same run, with peak memory.

Makes (once, cached in ``benchmarks/_work/``) a RAK export, a data anggaran export and a realisasi
export of S SKPD × L account lines each (default 50 × 3.000 = 150.000 lines a file; headers from
``tests/made_exports.py``, i.e. docs/formats.md), amounts a quarter as ``1.234.567,89`` text. Then,
best of K rounds:

* baseline: ``pandas.read_excel(f, engine="calamine")`` of the three files;
* ``lkjip_helpers.ingest.ingest`` of the three files and ``reconcile`` of the result (plan baseline,
  findings) — the whole path from the files to the findings.

Both the wall-clock time and the CPU time of this process are given (best of K each): the machine
is shared, and the CPU time is what other programs' load does not inflate. Everything runs in this
one process (three files are read without worker processes). Peak memory: the resident set of a
fresh process doing each once (untimed).
Run: ``python benchmarks/bench_sipd.py [--skpd 50] [--lines 3000] [--rounds 2]``.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from made_exports import DATA_ANGGARAN_SLUG, RAK_HEADER, REALISASI_HEADER  # noqa: E402


def _text(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + ",00"


def make_exports(work: Path, n_skpd: int, n_lines: int, year: int = 2022) -> list[Path]:
    """Three exports with the same lines: sub kegiatan of ~10 account lines, 3 kegiatan a
    program; the plan spread over the months, realisasi to the end of June."""
    from openpyxl import Workbook

    rnd = random.Random(12)
    books = {name: Workbook(write_only=True) for name in ("rak", "anggaran", "realisasi")}
    sheets = {name: wb.create_sheet("Sheet1") for name, wb in books.items()}
    sheets["rak"].append(RAK_HEADER)
    sheets["anggaran"].append(DATA_ANGGARAN_SLUG)
    sheets["realisasi"].append(REALISASI_HEADER)
    line_id = 0
    for s in range(n_skpd):
        skpd = f"1.{s % 20 + 1:02d}.0.00.0.00.{s // 20 + 1:02d}.0000"
        unit = skpd[:-4] + ("0001" if s % 5 == 0 else "0000")
        name = f"Dinas Contoh {s + 1}"
        for i in range(n_lines):
            sub_no = i // 10
            prog = f"1.{s % 20 + 1:02d}.{sub_no // 30 + 1:02d}"
            keg = f"{prog}.2.{(sub_no // 10) % 3 + 1:02d}"
            sub = f"{keg}.{sub_no % 10 + 1:04d}"
            akun = f"5.1.02.01.01.{i % 10 + 1:04d}"
            months = [rnd.randint(0, 500) * 1000 for _ in range(12)]
            pagu = sum(months)
            spent = sum(months[:6]) * rnd.randint(50, 110) // 100 // 1000 * 1000
            text = i % 4 == 0
            line_id += 1
            common = [prog, f"Program {prog}", keg, f"Kegiatan {keg}", sub, f"Sub Kegiatan {sub}"]
            sheets["rak"].append([year, "Kab. Contoh", "1", "Urusan", skpd[:4], "Bidang", skpd, name,
                                  unit, name, *common, akun, "Belanja",
                                  _text(pagu) if text else pagu, pagu,
                                  *[_text(m) if text else m for m in months]])
            sheets["anggaran"].append([year, "1", "Urusan", skpd, name, unit, name, skpd[:4],
                                       "Bidang", *common, "1.1.01", "DAU", akun, "Belanja",
                                       "SH.1", "Barang", _text(pagu) if text else pagu])
            sheets["realisasi"].append([line_id, unit, name, skpd[:17], name, "1", "Urusan",
                                        skpd[:4], "Bidang", *common, akun, "Belanja",
                                        _text(spent) if text else spent])
    paths = {"rak": work / "rak_murni.xlsx", "anggaran": work / "data_anggaran_murni.xlsx",
             "realisasi": work / f"{year}-06-30.xlsx"}
    for name, wb in books.items():
        wb.save(paths[name])
    return sorted(paths.values())


def best_of(fn, rounds: int) -> tuple[float, float]:
    """(best wall-clock seconds, best CPU seconds of this process) over ``rounds`` runs."""
    wall = cpu = float("inf")
    for _ in range(rounds):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall = min(wall, time.perf_counter() - t)
        cpu = min(cpu, time.process_time() - c)
    return wall, cpu


def peak_mib(which: str, work: Path) -> float:
    """Peak resident memory of a fresh process that does ``which`` ("bare" or "ours") once."""
    import subprocess

    out = subprocess.run([sys.executable, __file__, "--child", which, "--work", str(work)],
                         capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1]) / 1024


def _child(which: str, work: Path) -> int:
    import resource

    files = sorted(work.glob("*.xlsx"))
    if which == "bare":
        import pandas as pd
        for f in files:
            pd.read_excel(f, engine="calamine")
    else:
        from lkjip_helpers.ingest import ingest
        from lkjip_helpers.reconcile import reconcile
        reconcile(ingest(files))
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # KiB on Linux
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skpd", type=int, default=50)
    ap.add_argument("--lines", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--child", choices=["bare", "ours"], help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return _child(args.child, args.work)

    import pandas as pd

    from lkjip_helpers.ingest import ingest
    from lkjip_helpers.reconcile import reconcile

    work = HERE / "_work" / f"sipd-{args.skpd}x{args.lines}"
    if not work.exists() or len(list(work.glob("*.xlsx"))) != 3:
        work.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        make_exports(work, args.skpd, args.lines)
        print(f"made the exports in {time.perf_counter() - t:.1f} s")
    files = sorted(work.glob("*.xlsx"))

    def bare():
        for f in files:
            pd.read_excel(f, engine="calamine")

    def ours():
        return reconcile(ingest(files))

    rec = ours()  # warm up, and show what was read
    (w_bare, c_bare), (w_ours, c_ours) = best_of(bare, args.rounds), best_of(ours, args.rounds)
    rows = args.skpd * args.lines
    print(f"{len(files)} exports x {rows} lines ({args.skpd} SKPD x {args.lines}), "
          f"best of {args.rounds}")
    print(f"  plan rows: {len(rec.plan)}; findings: {len(rec.findings)}")
    print("                                   wall       CPU")
    print(f"  pandas.read_excel (calamine)   {w_bare:7.2f} s {c_bare:7.2f} s")
    print(f"  lkjip ingest + reconcile       {w_ours:7.2f} s {c_ours:7.2f} s")
    print(f"  ratio = {w_ours / w_bare:.2f}x wall, {c_ours / c_bare:.2f}x CPU  (aim: <= 1.5x)")
    m_bare, m_ours = peak_mib("bare", work), peak_mib("ours", work)
    print(f"  peak memory (RSS of a fresh process): read_excel {m_bare:.0f} MiB, "
          f"ingest + reconcile {m_ours:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
