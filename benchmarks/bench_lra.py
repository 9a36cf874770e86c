"""A made kabupaten: 50 SKPD × 12 monthly LRA workbooks (untidy as the real uploads: merged header
and value cells, title and signature rows, akun levels 4 … 5.1.02.01.01.0024), with a manifest.

Times, best of K rounds, each variant in a fresh process (so that peak memory is its own):

* baseline: ``pandas.read_excel(f, sheet_name=None, header=None, engine="calamine")`` of every file;
* ``ingest`` (manifest, one process) + ``reconcile`` of the tables (one process);
* ``ingest`` over the machine's cores (processes) + ``reconcile`` over them too;

and prints per file and total times, the ratio against the baseline (goal ≤ 1.5×) and each
variant's peak resident memory (ru_maxrss). Run: ``python benchmarks/bench_lra.py [--skpd 50]``.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def make_lra(path: Path, seed: int, month: int) -> None:
    """One SKPD's LRA of one month: 4, 4.1–4.3, 5, 5.1 (with 5.1.01/5.1.02 and leaves), 5.2–5.4."""
    from openpyxl import Workbook

    rnd = random.Random(seed)
    leaves = {f"5.1.02.01.01.{k:04d}": rnd.randint(1, 900) * 1_000_000 for k in range(1, 16)}
    leaves |= {f"5.1.01.01.01.{k:04d}": rnd.randint(1, 900) * 1_000_000 for k in range(1, 6)}
    leaves |= {"5.2": rnd.randint(0, 500) * 1_000_000, "5.3": 0, "5.4": 0}
    share = month / 12 * rnd.uniform(0.5, 0.95)
    real = {k: int(v * share) for k, v in leaves.items()}

    def total(prefix, d):
        return sum(v for k, v in d.items() if k.startswith(prefix + "."))

    rows = [("4", "PENDAPATAN DAERAH", 0, 0), ("4.1", "PENDAPATAN ASLI DAERAH (PAD)", 0, 0),
            ("4.2", "PENDAPATAN TRANSFER", 0, 0), ("4.3", "LAIN-LAIN PENDAPATAN", 0, 0),
            ("5", "BELANJA DAERAH", total("5", leaves), total("5", real)),
            ("5.1", "BELANJA OPERASI", total("5.1", leaves), total("5.1", real))]
    for group in ("5.1.01", "5.1.02"):
        rows.append((group, f"BELANJA {group}", total(group, leaves), total(group, real)))
        rows += [(k, f"Belanja rincian {k}", v, real[k]) for k, v in leaves.items()
                 if k.startswith(group + ".")]
    rows += [(k, f"BELANJA {k}", leaves[k], real[k]) for k in ("5.2", "5.3", "5.4")]
    wb = Workbook()
    ws = wb.active
    ws["E3"] = "PEMERINTAH KABUPATEN CONTOH"
    ws["E4"] = "LAPORAN REALISASI ANGGARAN PENDAPATAN DAN BELANJA DAERAH"
    ws["E5"] = "periode …………. s.d ………….. 2022"
    for r, label in ((8, "Urusan Pemerintahan"), (9, "Unit Organisasi"), (10, "Sub Unit Organisasi")):
        ws.cell(r, 4, label)
        ws.cell(r, 10, ":")
        ws.cell(r, 11, "……")
    ws["B14"], ws["G14"], ws["Q14"], ws["S14"] = "KODE REKENING", "URAIAN", "ANGGARAN", "REALISASI"
    for rng in ("B14:F15", "G14:O15", "Q14:R15"):
        ws.merge_cells(rng)
    for r, (kode, name, ang, rl) in enumerate(rows, start=18):
        ws.cell(r, 4, kode)
        ws.merge_cells(start_row=r, start_column=4, end_row=r, end_column=6)
        ws.cell(r, 8 if "." not in kode else 9, name)
        ws.cell(r, 17, ang)
        ws.cell(r, 18, rl)
        ws.merge_cells(start_row=r, start_column=18, end_row=r, end_column=19)
    ws.cell(len(rows) + 20, 17, "Kepala Dinas")
    ws.cell(len(rows) + 24, 17, "NIP. 19700101 199001 1 001")
    wb.save(path)


def make_kabupaten(work: Path, skpd: int) -> Path:
    manifest = work / "manifest.csv"
    if manifest.exists() and len(list(work.glob("*.xlsx"))) == skpd * 12:
        return manifest
    work.mkdir(parents=True, exist_ok=True)
    with open(manifest, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "kode_skpd", "nama_skpd", "tahun", "bulan", "tanggal_data",
                    "tanggal_upload"])
        for s in range(1, skpd + 1):
            for m in range(1, 13):
                name = f"{s}_lra_2022{m:02d}.xlsx"
                make_lra(work / name, s, m)
                w.writerow([name, s, f"Dinas {s}", 2022, m, f"2022-{m:02d}-01",
                            f"2022-{m:02d}-05 10:00:00"])
    return manifest


def one(variant: str, work: Path, rounds: int) -> dict:
    """Run one variant in this process: best time and peak memory."""
    files = sorted(work.glob("*.xlsx"))
    manifest = work / "manifest.csv"
    if variant == "calamine":
        import pandas as pd

        def run():
            for f in files:
                pd.read_excel(f, sheet_name=None, header=None, engine="calamine")
    else:
        from lkjip_helpers.ingest import ingest
        from lkjip_helpers.reconcile import reconcile

        workers = 1 if variant == "ingest" else None
        split = {"ingest": float("inf"), "reconcile": float("inf")}

        def run():
            t0 = time.perf_counter()
            data = ingest([work], manifest=manifest, workers=workers)
            t1 = time.perf_counter()
            reconcile(data, workers=workers)
            split["ingest"] = min(split["ingest"], t1 - t0)
            split["reconcile"] = min(split["reconcile"], time.perf_counter() - t1)
    run()  # warm up imports and caches
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = {"variant": variant, "seconds": best, "files": len(files), "peak_mb": peak_kb / 1024}
    if variant != "calamine":
        out.update(split)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skpd", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    work = HERE / "_work" / f"lra-{args.skpd}x12"
    if args.one:
        print(json.dumps(one(args.one, work, args.rounds)))
        return 0
    make_kabupaten(work, args.skpd)
    res = {}
    for variant in ("calamine", "ingest", "ingest-processes"):
        out = subprocess.run([sys.executable, __file__, "--skpd", str(args.skpd), "--rounds",
                              str(args.rounds), "--one", variant], capture_output=True, text=True,
                             check=True, cwd=ROOT)
        res[variant] = json.loads(out.stdout.strip().splitlines()[-1])
    n = res["calamine"]["files"]
    base = res["calamine"]["seconds"]
    print(f"{args.skpd} SKPD x 12 monthly LRA = {n} workbooks, best of {args.rounds}, "
          f"each variant in its own process")
    for v, label in (("calamine", "pandas.read_excel (calamine)"),
                     ("ingest", "lkjip ingest + reconcile, 1 process"),
                     ("ingest-processes", "lkjip ingest + reconcile, processes")):
        r = res[v]
        print(f"  {label:<38} {r['seconds']:7.2f} s  {r['seconds'] / n * 1000:6.1f} ms/file  "
              f"peak {r['peak_mb']:6.0f} MB  ratio {r['seconds'] / base:4.2f}x")
        if "ingest" in r:
            print(f"    of which ingest {r['ingest']:6.2f} s ({r['ingest'] / base:4.2f}x), "
                  f"reconcile {r['reconcile']:6.2f} s")
    print("  goal: ingest + reconcile <= 1.5x read_excel(calamine)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
