"""``lkjip batch``: its options and the thin shell over :func:`lkjip_helpers.batch.run.run_batch`
(argparse only here: Dask is imported when the command runs, not when the parser is built)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("batch", help="every agency's report and the pemda report, on Dask workers",
                       description="Render one report per agency (folders of workbooks, or a "
                       "manifest) and one for the whole pemda, on a Dask cluster. Exit status 0 "
                       "when every report was made, 4 when some failed (the outcomes table says "
                       "which and why).")
    p.add_argument("paths", nargs="+", type=Path, metavar="RAW",
                   help="a folder of one agency's workbooks, or a folder of such folders")
    p.add_argument("--manifest", type=Path,
                   help="CSV naming each file's agency (file, kode_skpd, nama_skpd)")
    p.add_argument("--year", type=int, required=True)
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--month", type=int, choices=range(1, 13), metavar="M",
                      help="monthly sources (LRA, SIPD-RI): every report as of this month, into "
                      "<out>/<year>/B<MM>/")
    when.add_argument("--quarter", help="1-4 or auto (the latest quarter any agency has)")
    p.add_argument("--out", type=Path, help="reports folder (default reports/)")
    p.add_argument("--workers", type=int, help="local worker processes (default: the cores)")
    p.add_argument("--scheduler", help="address of an existing Dask scheduler "
                   "(tcp://HOST:8786); its workers must see the RAW and --out folders")
    p.add_argument("--memory-limit", default="4GiB", help="memory limit per local worker")
    p.add_argument("--format", default="html,pdf", help="html, pdf or html,pdf")
    p.add_argument("--history", type=Path, help="CSV of earlier years' monthly series (agency, "
                   "year, month, pagu, realisasi): references for the year-end projection")
    return p


def run(args) -> int:
    from .run import run_batch

    q = "auto" if args.month is not None else str(args.quarter).lower()
    if q != "auto" and q not in ("1", "2", "3", "4"):
        print("lkjip: --quarter harus 1, 2, 3, 4 atau auto", file=sys.stderr)
        return 2
    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    if not formats or any(f not in ("html", "pdf") for f in formats):
        print("lkjip: --format menerima html, pdf atau html,pdf (bukan "
              f"{args.format!r})", file=sys.stderr)
        return 2
    if args.workers is not None and args.workers < 1:
        print("lkjip: --workers paling sedikit 1", file=sys.stderr)
        return 2
    result = run_batch(args.paths, args.year, q, args.out, args.workers, args.scheduler,
                       formats, args.manifest, args.history, args.memory_limit,
                       month=args.month)
    print(f"indeks: {result.folder / 'index.html'}")
    return result.exit_status
