"""Ingest speed against a bare ``pandas.read_excel`` of the same files, timed in the same run.

Generates N workbooks of R budget rows (matrix layout, programs and kegiatan, numeric and text cells),
then times, alternating, best of K rounds:

* baseline A: ``pandas.read_excel(f, sheet_name=None, header=None)`` (pandas' default engine, openpyxl)
* baseline B: the same with ``engine="calamine"``
* ``lkjip_helpers.ingest.ingest`` on the folder (layout, parsing, hierarchy, schemas)
* ``lkjip_helpers.reconcile.reconcile`` on the ingested tables (when the module exists)

and prints the ratios, of wall-clock time and of CPU time (this process and the processes ingest
reads with: on a machine shared with other work the wall-clock ratio of a run over several processes
says more about the load than about the code; the CPU ratio does not).
Run: ``python benchmarks/bench_ingest.py [--files 200] [--rows 60] [--workers N]``.
"""
from __future__ import annotations

import argparse
import random
import resource
import shutil
import sys
import time
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent


def make_workbook(path: Path, rows: int, seed: int, quarter: int, year: int) -> None:
    rnd = random.Random(seed)
    wb = Workbook()
    ws = wb.active
    ws.title = f"TW {['I', 'II', 'III', 'IV'][quarter - 1]}"
    ws.append(["PENGUKURAN KINERJA DINAS CONTOH"])
    ws.append([f"TRIWULAN {['I', 'II', 'III', 'IV'][quarter - 1]}"])
    ws.append([f"Tahun Anggaran {year}"])
    ws.append([])
    ws.append(["NO", "Sasaran strategis", "Indikator Kinerja", "Target", "Realisasi", "Capaian (%)",
               "Program / Kegiatan", "Anggaran", None, None])
    ws.append([None] * 7 + ["Pagu", "Realisasi", "Capaian (%)"])
    ws.append(list(range(1, 11)))
    written, p = 0, 0
    total_p = total_r = 0
    while written < rows:
        p += 1
        k = min(rnd.randint(1, 5), max(1, rows - written - 1))
        keg = [(rnd.randint(1, 900_000) * 1000, 0) for _ in range(k)]
        keg = [(pg, rnd.randint(0, pg // 1000) * 1000) for pg, _ in keg]
        pp, pr = sum(x for x, _ in keg), sum(y for _, y in keg)
        ws.append([p, None, None, None, None, None, f"Program {p}", pp, pr, round(pr / pp, 4)])
        for i, (pg, rl) in enumerate(keg):
            text = i % 2 == 1  # half the kegiatan as Indonesian text
            ws.append([None] * 6 + [f"Kegiatan {p}.{i + 1}",
                                    f"Rp {pg:,}".replace(",", ".") if text else pg,
                                    f"Rp {rl:,}".replace(",", ".") if text else rl,
                                    f"{rl / pg * 100:.2f}%".replace(".", ",") if text
                                    else round(rl / pg, 4)])
        written += k + 1
        total_p += pp
        total_r += pr
    ws.append([None] * 6 + ["Total", total_p, total_r, None])
    ws.append([])
    ws.append([f"Jumlah Anggaran Tahun {year} : Rp. {total_p:,}".replace(",", ".")])
    ws.append([None] * 6 + ["Kepala Dinas"])
    wb.save(path)


def best_of(fn, rounds: int) -> float:
    return timed(fn, rounds)[0]


def cpu_seconds() -> float:
    """CPU time of this process and of its finished child processes (ingest's readers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn, rounds: int) -> tuple[float, float]:
    """(best wall-clock seconds, best CPU seconds) over ``rounds`` runs."""
    wall = cpu = float("inf")
    for _ in range(rounds):
        t, c = time.perf_counter(), cpu_seconds()
        fn()
        wall, cpu = min(wall, time.perf_counter() - t), min(cpu, cpu_seconds() - c)
    return wall, cpu


def checks_cost(folder: Path, rounds: int) -> dict[str, list[tuple[float, float]]]:
    """Per round, the (wall-clock, CPU) seconds of ingest in this process with the limits
    checks (``"on"``) and without them (``"off"``: ``check_workbook`` a no-op, the limits not
    read from the environment, and the file no longer read into memory for the checks: the
    reader opens it by its path, as it would without them), the two alternating so that both
    see the same load."""
    import lkjip_helpers.limits as limits_module
    from lkjip_helpers.ingest import ingest

    names = ("check_workbook", "read_small", "limits")
    variants = {"on": [getattr(limits_module, n) for n in names],
                "off": [lambda *a, **k: {}, lambda path: None, limits_module.Limits]}
    runs: dict[str, list[tuple[float, float]]] = {k: [] for k in variants}
    try:
        for _ in range(rounds):
            for variant, functions in variants.items():
                for n, fn in zip(names, functions):
                    setattr(limits_module, n, fn)
                runs[variant].append(timed(lambda: ingest([folder], workers=1), 1))
    finally:
        for n, fn in zip(names, variants["on"]):
            setattr(limits_module, n, fn)
    return runs


def paired_cost(folder: Path, rounds: int) -> list[tuple[float, float, float]]:
    """Per round, the CPU seconds of reading every workbook (``read_file``: the checks, the
    reader, the layout and the rows; not the folder's tables) with the limits checks and
    without them, the two run back to back for each file (in turn first): on a machine whose
    speed drifts from one second to the next (a shared virtual machine) a pair a millisecond
    apart sees the same speed, where two runs of the whole folder do not. The third figure of
    each round: the CPU seconds spent inside the checks (``check_workbook``, ``read_small``,
    ``limits``), before what they read is reused by the reader is counted against them."""
    import lkjip_helpers.limits as limits_module
    from lkjip_helpers.excel.readers import ReadContext
    from lkjip_helpers.ingest import read_file

    names = ("check_workbook", "read_small", "limits")
    real = [getattr(limits_module, n) for n in names]
    files, ctx, clock = sorted(folder.glob("*.xlsx")), ReadContext(), time.process_time
    inside = [0.0]   # the CPU seconds spent inside the checks themselves (their gross cost)

    def timed_inside(fn):
        def run(*a, **k):
            t = clock()
            try:
                return fn(*a, **k)
            finally:
                inside[0] += clock() - t
        return run

    on = [timed_inside(fn) for fn in real]
    off = [lambda *a, **k: {}, lambda path: None, limits_module.Limits]
    out = []
    try:
        for r in range(rounds):
            spent = {"on": 0.0, "off": 0.0}
            for i, f in enumerate(files):
                pair = (("on", on), ("off", off)) if (i + r) % 2 == 0 else (("off", off), ("on", on))
                for key, functions in pair:
                    for n, fn in zip(names, functions):
                        setattr(limits_module, n, fn)
                    t = clock()
                    read_file(f, ctx)
                    spent[key] += clock() - t
            out.append((spent["on"], spent["off"], inside[0]))
            inside[0] = 0.0
    finally:
        for n, fn in zip(names, real):
            setattr(limits_module, n, fn)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--rows", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workers", type=int, default=None,
                    help="ingest's reading processes (default: as ingest chooses)")
    ap.add_argument("--checks-only", action="store_true",
                    help="only the limits checks' cost (ingest with and without them)")
    args = ap.parse_args(argv)

    import pandas as pd

    from lkjip_helpers.ingest import ingest

    work = HERE / "_work" / f"v2-{args.files}x{args.rows}"
    if not work.exists() or len(list(work.glob("*.xlsx"))) != args.files:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        # one agency's year is four workbooks; each further year is another agency's sheets
        for i in range(args.files):
            make_workbook(work / f"dinas_{i:03d}_TW{i % 4 + 1}.xlsx", args.rows, i // 4, i % 4 + 1,
                          2000 + i // 4)
    files = sorted(work.glob("*.xlsx"))

    def bare(engine=None):
        for f in files:
            pd.read_excel(f, sheet_name=None, header=None, engine=engine)

    if args.checks_only:
        ingest([work], workers=1)  # warm up imports and caches
        report_checks(work, len(files), args)
        return 0
    # warm up imports and caches once
    bare("calamine")
    data = ingest([work], workers=args.workers)
    n_lines = len(data.budget_lines)

    t_openpyxl = best_of(lambda: bare("openpyxl"), args.rounds)
    t_calamine, c_calamine = timed(lambda: bare("calamine"), args.rounds)
    t_ingest, c_ingest = timed(lambda: ingest([work], workers=args.workers), args.rounds)
    print(f"{len(files)} workbooks x {args.rows} rows ({n_lines} budget lines), best of {args.rounds}")
    print(f"  pandas.read_excel (openpyxl)  {t_openpyxl:7.3f} s")
    print(f"  pandas.read_excel (calamine)  {t_calamine:7.3f} s")
    print(f"  lkjip ingest                  {t_ingest:7.3f} s")
    print(f"  ratio ingest / read_excel(openpyxl) = {t_ingest / t_openpyxl:.2f}x")
    print(f"  ratio ingest / read_excel(calamine) = {t_ingest / t_calamine:.2f}x  (aim: <= 1.5x)")
    print(f"  CPU seconds: read_excel(calamine) {c_calamine:.3f} s, ingest {c_ingest:.3f} s "
          f"(with its reading processes): ratio {c_ingest / c_calamine:.2f}x")
    # the limits checked before the reader sees a file (zip parts, cells, grid, error cells):
    # ingest in this process with and without them, alternating (aim: a few percent)
    report_checks(work, len(files), args)
    try:
        from lkjip_helpers.reconcile import reconcile
    except ImportError:
        return 0
    t_rec = best_of(lambda: reconcile(data), args.rounds)
    print(f"  lkjip reconcile (on the ingested tables) {t_rec:7.3f} s")
    print(f"  ratio reconcile / ingest = {t_rec / t_ingest:.2f}x")
    return 0


def report_checks(work: Path, n_files: int, args) -> None:
    import statistics

    runs = checks_cost(work, args.rounds)
    (w_on, c_on), (w_off, c_off) = ((min(w for w, _ in runs[k]), min(c for _, c in runs[k]))
                                    for k in ("on", "off"))
    print(f"{n_files} workbooks x {args.rows} rows, best of {args.rounds}, one process")
    print(f"  ingest with the limits checks     wall {w_on:7.3f} s   CPU {c_on:7.3f} s")
    print(f"  ingest without them               wall {w_off:7.3f} s   CPU {c_off:7.3f} s")
    print(f"  ratio with / without: wall {w_on / w_off:.3f}x, CPU {c_on / c_off:.3f}x: the checks "
          f"cost {100 * (c_on - c_off) / c_off:.1f}% of ingest's CPU time "
          f"({100 * (w_on - w_off) / w_off:.1f}% wall; aim: a few percent)")
    # on a loaded machine the best of each may come from different minutes: each round's pair
    # (on, then off, a second apart) compared too
    wall = statistics.median(on[0] / off[0] for on, off in zip(runs["on"], runs["off"]))
    cpu = statistics.median(on[1] / off[1] for on, off in zip(runs["on"], runs["off"]))
    print(f"  median of the {args.rounds} rounds' ratios: wall {wall:.3f}x, CPU {cpu:.3f}x "
          f"({100 * (cpu - 1):.1f}% of ingest's CPU time)")
    # each file read with and without them back to back: what the checks cost a file, against
    # ingest's CPU time a file (the folder's tables included) in this run
    pairs = paired_cost(work, args.rounds)
    extra = statistics.median((on - off) / n_files for on, off, _ in pairs)
    gross = statistics.median(inside / n_files for _, _, inside in pairs)
    whole = c_on / n_files   # ingest's CPU time a workbook, with the checks, best of the rounds
    print(f"  paired file by file ({args.rounds} rounds, median): the checks cost "
          f"{1000 * extra:.3f} ms of CPU a workbook against {1000 * whole:.3f} ms of ingest a "
          f"workbook: {100 * extra / whole:.1f}% of ingest's CPU time; inside the checks "
          f"themselves {1000 * gross:.3f} ms ({100 * gross / whole:.1f}%), part of it read once "
          "for the reader too (the file's bytes, the package, the sheet's XML)")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    sys.exit(main())
