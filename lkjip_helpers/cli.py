"""The ``lkjip`` command: a thin shell over the package's functions.

Exit statuses: 0 done; 2 bad input, bad arguments or a hostile environment (one line on stderr
naming file, sheet and cell, or the path: permissions, disk full, file size limit, missing folder);
3 ``reconcile --fail-on`` met a finding of that severity; 4 the report could not be made (a cell
failed, the kernel died); 128+n stopped by signal n (SIGINT 130, SIGTERM 143, SIGHUP 129), after
cleaning up; 1 an internal error (a bug: set LKJIP_DEBUG=1 for the traceback).

Everything printed passes through :class:`_OneLine`: text from workbooks and file names is shown
with its control characters escaped, one line per message.
"""
from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
from pathlib import Path

from .config import project_root
from .errors import LkjipError
from .safe import json_printable, printable

YEARS = (1990, 2100)  # the years a sheet may be for (as the tables' schema checks)


def _year(text: str) -> int:
    try:
        y = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} bukan tahun") from None
    if not YEARS[0] <= y <= YEARS[1]:
        raise argparse.ArgumentTypeError(f"tahun {y} di luar {YEARS[0]}-{YEARS[1]}")
    return y


def _input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", type=Path, metavar="BERKAS",
                   help="workbook (.xlsx) atau folder berisi workbook (boleh kosong bila ada "
                   "--manifest)")
    p.add_argument("--manifest", type=Path,
                   help="CSV atau xlsx yang menyebut SKPD dan periode tiap file (file, kode_skpd, "
                   "nama_skpd, tahun, bulan|triwulan, tanggal_data, tanggal_upload, ...)")
    p.add_argument("--strict", action="store_true",
                   help="file atau isi folder yang tidak terbaca menghentikan proses (status 2), "
                   "juga untuk banyak SKPD (tanpa opsi ini: peringatan, atau temuan)")
    p.add_argument("--year", type=_year, metavar="TAHUN",
                   help="tahun, bila lembar kerjanya tidak menyebutnya")
    p.add_argument("--quarter", type=int, choices=[1, 2, 3, 4],
                   help="triwulan, bila lembar kerjanya tidak menyebutnya")
    p.add_argument("--month", type=int, choices=range(1, 13), metavar="1-12",
                   help="bulan, untuk sumber bulanan yang lembarnya tidak menyebutnya")
    p.add_argument("--agency", metavar="SKPD", help="SKPD untuk lembar yang tidak menyebutnya, "
                   "mis. '1.02.0.00.0.00.01.0000 Dinas Kesehatan'")
    p.add_argument("--mapping", type=Path, metavar="YAML",
                   help="pemetaan YAML untuk tabel panjang (satu baris per rincian per triwulan)")


def build_parser() -> argparse.ArgumentParser:
    from importlib.metadata import PackageNotFoundError, version

    from .arguments import VERSION, Parser

    ap = Parser(prog="lkjip", description="Buku kerja LKjIP: membaca (ingest), memeriksa "
                "(reconcile) dan melaporkan (report) realisasi anggaran dan kinerja SKPD.")
    try:
        ours = version("lkjip")
    except PackageNotFoundError:  # run from a checkout that was not installed
        ours = "(versi tidak diketahui)"
    ap.add_argument("--version", action="version", version=f"lkjip {ours}", help=VERSION)
    sub = ap.add_subparsers(dest="command", required=True, metavar="PERINTAH", title="perintah")

    p = sub.add_parser("ingest", help="membaca workbook triwulanan menjadi tabel rapi (Parquet)")
    _input_options(p)
    p.add_argument("--out", type=Path, metavar="FOLDER",
                   help="folder keluaran (bawaan: data/processed/<tahun>/)")
    p.add_argument("--json", action="store_true", help="cetak ringkasan per triwulan sebagai JSON")

    p = sub.add_parser("reconcile", help="memeriksa total, persentase dan triwulan yang tertulis")
    _input_options(p)
    p.add_argument("--json", action="store_true", help="cetak temuan dan ringkasan sebagai JSON")
    p.add_argument("--xlsx", type=Path, help="tulis workbook temuan untuk analis")
    p.add_argument("--force", action="store_true",
                   help="timpa file --xlsx yang sudah ada walau bukan buatan lkjip")
    p.add_argument("--fail-on", choices=["error", "warning"],
                   help="status 3 bila ada temuan setingkat ini atau lebih berat ('error': "
                   "kesalahan; 'warning': perlu diperiksa)")
    p.add_argument("--bands", type=Path, metavar="YAML",
                   help="tabel YAML batas penyerapan per triwulan")
    p.add_argument("--plan-tolerance", type=_points, metavar="POIN",
                   help="selisih realisasi terhadap rencana kas, dalam poin persen pagu, sebelum "
                        "menjadi BEHIND_PLAN / AHEAD_OF_PLAN (bawaan 10)")
    p.add_argument("--processed", type=Path, metavar="FOLDER", help="folder tulisan `lkjip "
                   "ingest` (mis. data/processed/2022): dibaca sebagai ganti berkas mentah "
                   "selama berkas mentahnya masih sama")

    p = sub.add_parser("report", help="membuat laporan satu triwulan (HTML, PDF, temuan)")
    p.add_argument("--year", type=_year, required=True, metavar="TAHUN", help="tahun laporan")
    p.add_argument("--quarter", default="auto", metavar="TRIWULAN",
                   help="1-4 atau auto (triwulan terakhir yang ada datanya)")
    p.add_argument("--month", type=int, choices=range(1, 13), metavar="1-12",
                   help="sumber bulanan (LRA, SIPD-RI): laporan bulan ini, ke "
                   "reports/<tahun>/B<MM>/ (sebagai ganti --quarter)")
    p.add_argument("--raw", type=Path, metavar="FOLDER", help="folder workbook tahun itu "
                   "(bawaan: data/raw/<tahun>)")
    p.add_argument("--out", type=Path, metavar="FOLDER",
                   help="folder laporan (bawaan: reports/)")
    p.add_argument("--format", default="html,pdf", metavar="FORMAT", help="html, pdf atau html,pdf")
    p.add_argument("--agency", default="", metavar="SKPD", help="SKPD yang dilaporkan bila "
                   "datanya memuat beberapa (kode atau nama); untuk satu SKPD: namanya di judul "
                   "(bawaan: dari workbook tahunan)")
    p.add_argument("--strict", action="store_true",
                   help="status 2 bila isi folder mentah ada yang tidak terbaca (tanpa opsi ini: "
                   "catatan)")

    from .batch.command import add_parser as add_batch_parser

    add_batch_parser(sub)

    p = sub.add_parser("renja", help="menulis formulir evaluasi Renja (Permendagri 86/2017) "
                       "satu triwulan sebagai evaluasi_renja.xlsx")
    p.add_argument("--year", type=_year, required=True, metavar="TAHUN", help="tahun Renja")
    p.add_argument("--quarter", type=int, required=True, choices=[1, 2, 3, 4], help="triwulan")
    p.add_argument("--raw", type=Path, metavar="FOLDER", help="folder workbook tahun itu "
                   "(bawaan: data/raw/<tahun>)")
    p.add_argument("--out", type=Path, metavar="FILE", help="file yang ditulis "
                   "(bawaan: reports/<tahun>/evaluasi_renja_TW<triwulan>.xlsx)")
    p.add_argument("--force", action="store_true",
                   help="timpa file yang sudah ada walau bukan tulisan lkjip renja")

    p = sub.add_parser("template", help="menulis workbook tahunan kosong kinerja_<tahun>.xlsx")
    p.add_argument("--year", type=_year, required=True, metavar="TAHUN", help="tahun workbook")
    p.add_argument("--out", type=Path, metavar="FILE",
                   help="file yang ditulis (bawaan: data/raw/<tahun>/kinerja_<tahun>.xlsx)")
    p.add_argument("--force", action="store_true", help="timpa file yang sudah ada")
    return ap


def cmd_ingest(args) -> int:
    from .ingest import ingest, write_tables

    from .files import check_output

    if args.out is not None:
        check_output(args.out, args.paths, folder=True)
    data = ingest(args.paths, args.year, args.quarter, args.mapping, args.month, args.agency,
                  manifest=args.manifest, strict=args.strict)
    written = write_tables(data, args.out, project_root())
    summary = data.summary()
    if args.json:
        _print_json(summary)
        return 0
    from .period import period_of

    print(printable(f"{len(data.files)} workbook dibaca" +
                    (f"; disisihkan: {', '.join(data.skipped)}" if data.skipped else "")))
    for p in summary["periods"]:
        period = period_of(p["year"], p["month"], p["quarter"])
        who = f"{p['agency_code']} {p['agency_name']}".strip()
        print(f"{who + '  ' if who else ''}{p['year']} {period.label:<9}  "
              f"{p['programs']} program, {p['kegiatan']} kegiatan"
              f"{', %d sub kegiatan' % p['sub_kegiatan'] if p['sub_kegiatan'] else ''}  "
              f"pagu {_rupiah(p['pagu']):>20}  realisasi {_rupiah(p['realisasi']):>20}")
    for w in summary["warnings"]:
        print(f"peringatan: {printable(w)}")
    for r in summary["refused"]:
        print(f"tidak dibaca: {printable(r)}")
    for d in data.duplicates:
        print(printable(f"periode ganda: {d.agency.label} {d.period.long_label}: dipakai {d.used} "
                        f"({d.why}); tidak dipakai {'; '.join(d.others)}"))
    folders = sorted({str(w.parent) for w in written})
    print(printable(f"tabel ditulis ke {', '.join(folders)}"))
    return 0


def _rupiah(amount) -> str:
    """A period's sum, or why there is none (an unknown amount, see lkjip_helpers.unknown)."""
    from .numbers import format_rupiah

    return "tidak diketahui" if amount is None else format_rupiah(amount)


def _points(text: str):
    """A tolerance in percentage points: a number from 0 to 100 (``7,5`` or ``7.5``)."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} bukan angka poin persen") from None
    if not value.is_finite() or not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} di luar 0-100 poin")
    return value


def _plan_settings(tolerance):
    from .plan import Settings

    return Settings(tolerance=tolerance) if tolerance is not None else None


def cmd_reconcile(args) -> int:
    import dataclasses

    from .ingest import ingest
    from .pipeline import analyse
    from .reconcile import load_bands, reconcile

    if args.xlsx:
        from .files import check_output, is_findings_workbook

        check_output(args.xlsx, args.paths, args.force, ours=is_findings_workbook)
    data = None
    if args.processed is not None:  # what ingest wrote, while the raw files are the same
        from .ingest import ingest_options
        from .processed import fresh_tables

        data = fresh_tables(args.processed, args.paths, args.manifest, args.mapping,
                            ingest_options(args.year, args.quarter, args.month, args.agency))
        if data is None:
            print(f"catatan: tabel di {args.processed} tidak dibuat dari berkas mentah ini (atau "
                  f"berkas sudah berubah); berkas mentah dibaca ulang", file=sys.stderr)
    if data is None:
        data = ingest(args.paths, args.year, args.quarter, args.mapping, args.month,
                      args.agency, manifest=args.manifest, strict=args.strict)
    for u in data.unread:
        print(f"lkjip: peringatan: {printable(u)}", file=sys.stderr)
    years = sorted({int(y) for y in data.budget_lines["year"]})
    if len(years) == 1:  # one year: the annual workbook's findings join in, when it is there
        an = analyse(args.paths, years[0], data=data, bands=args.bands,
                     plan_tolerance=args.plan_tolerance, partial=True)
        rec = dataclasses.replace(an.rec, findings=an.findings)
    else:
        rec = reconcile(data, load_bands(args.bands) if args.bands else None,
                        _plan_settings(args.plan_tolerance))
    findings = rec.findings
    if args.xlsx:
        from .reconcile.export import write_findings_workbook

        write_findings_workbook(rec, data, args.xlsx)
    summary = rec.summary()
    if args.json:
        from .reconcile.findings import findings_json

        records = findings_json(findings)
        _print_json({"findings": records, "summary": summary})
    else:
        from .present import SEVERITY_WORDS

        counts = summary["findings_by_severity"]
        print(f"temuan: {counts['error']} kesalahan, {counts['warning']} perlu diperiksa, "
              f"{counts['info']} catatan")
        for r in rec.findings.itertuples(index=False):
            if r.severity != "info":
                where = f"{r.source_file}, sheet {r.source_sheet!r}, sel {r.source_cell}"
                print(printable(f"[{SEVERITY_WORDS[r.severity]}] {where}: {r.message} ({r.code})"))
        if args.xlsx:
            print(printable(f"workbook temuan: {args.xlsx}"))
    order = {"error": 0, "warning": 1}
    if args.fail_on and any(order.get(s, 9) <= order[args.fail_on]
                            for s in rec.findings["severity"]):
        return 3
    return 0


def cmd_report(args) -> int:
    from .report import make_report

    q = args.quarter
    if str(q).lower() != "auto" and q not in ("1", "2", "3", "4"):
        print("lkjip: --quarter harus 1, 2, 3, 4 atau auto", file=sys.stderr)
        return 2
    formats = tuple(f.strip() for f in args.format.split(",") if f.strip())
    bad = [f for f in formats if f not in ("html", "pdf")]
    if bad or not formats:
        print(f"lkjip: --format menerima html, pdf atau html,pdf (bukan {args.format!r})",
              file=sys.stderr)
        return 2
    if args.month is not None and str(q).lower() != "auto":
        print("lkjip: --month dan --quarter tidak dipakai bersama", file=sys.stderr)
        return 2
    rep = make_report(args.year, q, args.raw, args.out, formats, args.agency, args.strict,
                      args.month)
    for note in rep.notes:
        print(f"catatan: {printable(note)}", file=sys.stderr)
    print(printable(f"laporan: {rep.folder}"))
    for f in rep.files:
        print(f"  {printable(f.name)}")
    return 0


def cmd_template(args) -> int:
    from .annual import write_template
    from .errors import LkjipError

    from .files import check_output

    out = args.out or project_root() / "data" / "raw" / str(args.year) / f"kinerja_{args.year}.xlsx"
    if out.exists() and not args.force:
        raise LkjipError("sudah ada; tidak ditimpa (file mentah tidak pernah ditulis ulang; pakai "
                         "--force untuk file yang memang hendak diganti)", out)
    check_output(out, force=True)  # never a device, a FIFO or through a symbolic link
    write_template(out, args.year)
    print(printable(f"ditulis: {out}"))
    return 0


def cmd_batch(args) -> int:
    from .batch.command import run

    return run(args)


def cmd_renja(args) -> int:
    from .files import check_output
    from .pipeline import analyse
    from .renja_section import forms_of
    from .renja_xlsx import created_by_us, write

    raw = args.raw or project_root() / "data" / "raw" / str(args.year)
    out = args.out or project_root() / "reports" / str(args.year) / \
        f"evaluasi_renja_TW{args.quarter}.xlsx"
    check_output(out, [raw], args.force, ours=created_by_us)
    an = analyse([raw], args.year, args.quarter)
    forms = forms_of(an)
    write(forms, out, force=args.force)
    for note in [n for f in forms for n in f.notes] + an.missing:
        print(f"catatan: {note}", file=sys.stderr)
    print(f"ditulis: {out} ({len(forms)} perangkat daerah, "
          f"{sum(len(f.rows) for f in forms)} baris formulir)")
    return 0


COMMANDS = {"ingest": cmd_ingest, "reconcile": cmd_reconcile, "report": cmd_report,
            "template": cmd_template, "batch": cmd_batch, "renja": cmd_renja}


class _OneLine:
    """A text stream that shows control characters as escapes (``\\x1b``, ``\\a``): nothing
    printed can drive the terminal. Line breaks and carriage returns pass (tables, progress bars);
    each message that carries text from a workbook or a file name is made one line with
    :func:`~lkjip_helpers.safe.printable` where it is printed."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write("\n".join(
            "\r".join(printable(part) for part in line.split("\r"))
            for line in text.split("\n")))

    def __getattr__(self, name):
        return getattr(self.stream, name)


class _OneLineFormatter:
    """A logging formatter whose records come out as one line (see :func:`printable`)."""

    def __init__(self, fmt: str):
        import logging

        self.formatter = logging.Formatter(fmt)

    def format(self, record) -> str:
        return printable(self.formatter.format(record))


def _print_json(obj) -> None:
    """JSON on stdout: valid JSON whose strings have every control character escaped."""
    from .numbers import json_text

    text = json_text(obj, ensure_ascii=False, indent=1)
    stream = sys.stdout.stream if isinstance(sys.stdout, _OneLine) else sys.stdout
    stream.write(json_printable(text) + "\n")


class Stopped(BaseException):
    """SIGTERM or SIGHUP: unwinds like Ctrl-C, so every ``finally`` cleans up."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _stop(signum, frame):
    raise Stopped(signum)


# errno -> what the user must fix; these are the machine's state, not a bug (exit 2)
_ENVIRONMENT = {
    errno.EACCES: "tidak ada izin (permission denied)",
    errno.EPERM: "tidak diizinkan (operation not permitted)",
    errno.ENOSPC: "disk penuh (no space left on device)",
    errno.EDQUOT: "kuota disk habis (disk quota exceeded)",
    errno.EFBIG: "melebihi batas ukuran file (file too large)",
    errno.EROFS: "sistem file hanya-baca (read-only file system)",
    errno.ENOENT: "tidak ada (no such file or folder)",
    errno.ENOTDIR: "bukan folder (not a directory)",
    errno.EISDIR: "adalah folder (is a directory)",
    errno.EEXIST: "sudah ada (file exists)",
    errno.ENAMETOOLONG: "nama terlalu panjang (file name too long)",
    errno.ELOOP: "link simbolik berputar (too many levels of symbolic links)",
    errno.EMFILE: "terlalu banyak file terbuka (too many open files)",
    errno.ENOMEM: "kehabisan memori (out of memory)",
    errno.EIO: "galat masukan/keluaran disk (input/output error)",
}


def environment_message(exc: BaseException) -> str | None:
    """One line for an error of the machine (disk full, permissions...), or None for a bug."""
    if isinstance(exc, MemoryError):
        return "kehabisan memori (out of memory)"
    if isinstance(exc, OSError) and exc.errno in _ENVIRONMENT:
        where = exc.filename if exc.filename is not None else ""
        return (f"{Path(str(where)).name or where}: " if where else "") + _ENVIRONMENT[exc.errno]
    return None


def _quiet(unraisable) -> None:
    """Errors in finalizers (after the one-line message was printed) stay quiet."""


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGXFSZ)}
    streams = sys.stdout, sys.stderr
    try:
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGHUP, _stop)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a file size limit: EFBIG, not a kill
    except ValueError:  # not the main thread (called as a library): leave signals alone
        saved = {}
    if not os.environ.get("LKJIP_DEBUG"):  # e.g. a half-written zip closed at exit: said once
        sys.unraisablehook = _quiet
    sys.stdout, sys.stderr = _OneLine(sys.stdout), _OneLine(sys.stderr)
    try:
        return _run(args)
    finally:
        sys.stdout, sys.stderr = streams
        for s, h in saved.items():
            signal.signal(s, h)


def _run(args) -> int:
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLineFormatter("lkjip: peringatan: %(message)s"))
    log = logging.getLogger("lkjip")
    log.addHandler(handler)
    try:
        return COMMANDS[args.command](args)
    except LkjipError as exc:
        print(f"lkjip: {printable(exc)}", file=sys.stderr)
        return exc.exit_status
    except BrokenPipeError:  # e.g. piped into `head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("lkjip: dihentikan (SIGINT)", file=sys.stderr)
        return 128 + signal.SIGINT
    except Stopped as exc:
        print(f"lkjip: dihentikan ({signal.Signals(exc.signum).name})", file=sys.stderr)
        return 128 + exc.signum
    except Exception as exc:  # a bug, not bad input: one line unless debugging
        if os.environ.get("LKJIP_DEBUG"):
            raise
        reason = environment_message(exc)
        if reason:
            print(f"lkjip: {printable(reason)}", file=sys.stderr)
            return 2
        print(f"lkjip: kesalahan internal: {type(exc).__name__}: {printable(exc)} "
              f"(set LKJIP_DEBUG=1 untuk melihat traceback)", file=sys.stderr)
        return 1
    finally:
        log.removeHandler(handler)


def run() -> None:
    """The ``lkjip`` command: :func:`main`, then out at once when nothing of this process still
    runs (no thread but daemons, no child process) — the interpreter's teardown would free what
    papermill, nbconvert and jupyter_client imported one object at a time, 0,1–0,2 s of a report
    run. Log handlers and the output streams are flushed first; when they cannot be, or something
    still runs, the exit is the ordinary one."""
    import logging
    import multiprocessing
    import threading

    status = main()
    logging.shutdown()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # e.g. a closed pipe: let Python say nothing more, as usual
        sys.exit(status)
    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    if multiprocessing.active_children() or any(not t.daemon for t in others):
        sys.exit(status)
    os._exit(status)


if __name__ == "__main__":
    run()
