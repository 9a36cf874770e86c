"""A made kabupaten: 50 SKPD × 12 monthly LRA workbooks (untidy as the real uploads: merged header
and value cells, title and signature rows, akun levels 4 … 5.1.02.01.01.0024), with a manifest.

Each variant runs in a fresh process (so that its memory is its own):

* baseline: ``pandas.read_excel(f, sheet_name=None, header=None, engine="calamine")`` of every file;
* ``ingest`` (manifest, one process) + ``reconcile`` of the tables (one process);
* ``ingest`` over the machine's cores (processes) + ``reconcile`` over them too.

It prints, best of K rounds, the wall-clock time and the CPU time (the process and its worker
processes: on a shared machine the CPU time is what the others' load does not inflate), per file
and in total, with their ratios against the baseline (goal ≤ 1.5×); the split ingest / reconcile;
the peak resident memory (ru_maxrss; the workers' largest beside it) and how it grows per workbook:
each process first does the same work on a quarter of the files (a folder of hard links with its
own manifest), and (peak over all − peak over a quarter) / (files − a quarter) is the growth.
Run: ``python benchmarks/bench_lra.py [--skpd 50] [--rounds 2]``.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
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
        w.writerow(MANIFEST_HEADER)
        for s in range(1, skpd + 1):
            for m in range(1, 13):
                name = f"{s}_lra_2022{m:02d}.xlsx"
                make_lra(work / name, s, m)
                w.writerow([name, s, f"Dinas {s}", 2022, m, f"2022-{m:02d}-01",
                            f"2022-{m:02d}-05 10:00:00"])
    return manifest


MANIFEST_HEADER = ["file", "kode_skpd", "nama_skpd", "tahun", "bulan", "tanggal_data",
                   "tanggal_upload"]


def make_part(work: Path) -> Path:
    """A quarter of the kabupaten (its first SKPD, all their months) in a folder of hard links
    beside it, with its own manifest: the run that memory growth is measured from."""
    part = work.with_name(work.name + "-part")
    with open(work / "manifest.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))[1:]
    keep = rows[:max(12, len(rows) // 4 // 12 * 12)]
    if part.exists() and len(list(part.glob("*.xlsx"))) == len(keep):
        return part
    shutil.rmtree(part, ignore_errors=True)
    part.mkdir(parents=True)
    for r in keep:
        try:
            os.link(work / r[0], part / r[0])
        except OSError:  # no hard links here: a copy
            shutil.copy(work / r[0], part / r[0])
    with open(part / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([MANIFEST_HEADER] + keep)
    return part


def cpu_seconds() -> float:
    """CPU time of this process and of its worker processes that have ended."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def peaks_kib() -> tuple[int, int]:
    """(peak resident memory of this process, of its largest ended worker), KiB on Linux."""
    return (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def one(variant: str, work: Path, rounds: int) -> dict:
    """Run one variant in this process: first over a quarter of the files (its peak memory), then
    ``rounds`` times over all of them (best wall-clock and CPU time, peak memory)."""
    part = make_part(work)

    if variant == "calamine":
        import pandas as pd

        def run(folder: Path, split: dict):
            for f in sorted(folder.glob("*.xlsx")):
                pd.read_excel(f, sheet_name=None, header=None, engine="calamine")
    else:
        from lkjip_helpers.ingest import ingest
        from lkjip_helpers.reconcile import reconcile

        workers = 1 if variant == "ingest" else None

        def run(folder: Path, split: dict):
            t0, c0 = time.perf_counter(), cpu_seconds()
            data = ingest([folder], manifest=folder / "manifest.csv", workers=workers)
            t1, c1 = time.perf_counter(), cpu_seconds()
            reconcile(data, workers=workers)
            t2, c2 = time.perf_counter(), cpu_seconds()
            for k, v in (("ingest", t1 - t0), ("ingest_cpu", c1 - c0),
                         ("reconcile", t2 - t1), ("reconcile_cpu", c2 - c1)):
                split[k] = min(split.get(k, float("inf")), v)

    run(part, {})  # a quarter of the files; warms up imports and caches too
    part_peak, part_kids = peaks_kib()
    split: dict = {}
    wall = cpu = float("inf")
    for _ in range(rounds):
        t, c = time.perf_counter(), cpu_seconds()
        run(work, split)
        wall, cpu = min(wall, time.perf_counter() - t), min(cpu, cpu_seconds() - c)
    peak, kids = peaks_kib()
    files = len(list(work.glob("*.xlsx")))
    part_files = len(list(part.glob("*.xlsx")))
    return {"variant": variant, "seconds": wall, "cpu": cpu, "files": files, **split,
            "peak_mb": peak / 1024, "workers_peak_mb": kids / 1024,
            "growth_kb": (peak - part_peak) / (files - part_files) if files > part_files else 0.0,
            "part_files": part_files}


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
    base, base_cpu = res["calamine"]["seconds"], res["calamine"]["cpu"]
    print(f"{args.skpd} SKPD x 12 monthly LRA = {n} workbooks, best of {args.rounds}, "
          f"each variant in its own process (load average before: {os.getloadavg()[0]:.1f})")
    for v, label in (("calamine", "pandas.read_excel (calamine)"),
                     ("ingest", "lkjip ingest + reconcile, 1 process"),
                     ("ingest-processes", "lkjip ingest + reconcile, processes")):
        r = res[v]
        print(f"  {label:<38} wall {r['seconds']:6.2f} s ({r['seconds'] / n * 1000:5.1f} ms/file, "
              f"{r['seconds'] / base:4.2f}x)  CPU {r['cpu']:6.2f} s "
              f"({r['cpu'] / n * 1000:5.1f} ms/file, {r['cpu'] / base_cpu:4.2f}x)")
        if "ingest" in r:
            print(f"    of which ingest wall {r['ingest']:5.2f} s ({r['ingest'] / base:4.2f}x), "
                  f"CPU {r['ingest_cpu']:5.2f} s ({r['ingest_cpu'] / base_cpu:4.2f}x); reconcile "
                  f"wall {r['reconcile']:5.2f} s, CPU {r['reconcile_cpu']:5.2f} s")
        kids = f", workers' largest {r['workers_peak_mb']:.0f} MB" if r["workers_peak_mb"] else ""
        print(f"    peak memory {r['peak_mb']:.0f} MB{kids}; growth "
              f"{r['growth_kb']:.0f} KB per workbook (peak over {n} files against "
              f"{r['part_files']})")
    print("  goal: ingest + reconcile <= 1.5x read_excel(calamine)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
