"""``lkjip batch``: its options and the thin shell over :func:`lkjip_helpers.batch.run.run_batch`
(argparse only here: Dask is imported when the command runs, not when the parser is built)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub) -> argparse.ArgumentParser:
    p = sub.add_parser("batch", help="laporan setiap SKPD dan laporan pemda, di worker Dask",
                       description="Membuat satu laporan per SKPD (folder workbook, atau "
                       "manifest) dan satu laporan untuk seluruh pemda, di kluster Dask. Status 0 "
                       "bila setiap laporan jadi, 4 bila ada yang gagal (tabel hasilnya menyebut "
                       "yang mana dan mengapa).")
    p.add_argument("paths", nargs="+", type=Path, metavar="MENTAH",
                   help="folder workbook satu SKPD, atau folder berisi folder-folder itu")
    p.add_argument("--manifest", type=Path,
                   help="CSV yang menyebut SKPD tiap file (file, kode_skpd, nama_skpd)")
    p.add_argument("--year", type=int, required=True, metavar="TAHUN", help="tahun laporan")
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--month", type=int, choices=range(1, 13), metavar="BULAN",
                      help="sumber bulanan (LRA, SIPD-RI): setiap laporan per bulan ini, ke "
                      "<out>/<tahun>/B<MM>/")
    when.add_argument("--quarter", metavar="TRIWULAN",
                      help="1-4 atau auto (triwulan terakhir yang dimiliki suatu SKPD)")
    p.add_argument("--out", type=Path, metavar="FOLDER",
                   help="folder laporan (bawaan: reports/)")
    p.add_argument("--workers", type=int, metavar="N",
                   help="jumlah proses worker lokal (bawaan: jumlah inti prosesor)")
    p.add_argument("--scheduler", metavar="ALAMAT", help="alamat scheduler Dask yang sudah "
                   "berjalan (tcp://HOST:8786); workernya harus dapat membuka folder MENTAH dan "
                   "--out")
    p.add_argument("--memory-limit", default="4GiB", metavar="BATAS",
                   help="batas memori per worker lokal (bawaan 4GiB)")
    p.add_argument("--format", default="html,pdf", metavar="FORMAT",
                   help="html, pdf atau html,pdf")
    p.add_argument("--history", type=Path, metavar="CSV", help="CSV deret bulanan tahun-tahun "
                   "sebelumnya (agency, year, month, pagu, realisasi): acuan proyeksi akhir tahun")
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
