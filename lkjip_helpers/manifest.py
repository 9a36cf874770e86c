"""A manifest: which agency and period each file is, where the sheet is silent (CSV or xlsx).

Columns (any order; names folded to lower case with ``_`` for spaces), with the aliases a real
app's export uses, so that it works unedited (``toba-2022/manifest.csv``: ``file, kode_skpd,
nama_skpd, tahun, bulan, tanggal_data, tanggal_upload``):

=============== ====================================================== ==========
field           aliases                                                 required
=============== ====================================================== ==========
file            berkas, nama_file, filename                             yes
agency_code     kode_skpd, id_skpd, kode_opd, kode_unit                 code or name
agency_name     nama_skpd, nama_opd, nama_unit                          code or name
year            tahun                                                   yes
month           bulan                                                   month or quarter
quarter         triwulan, tw                                            month or quarter
as_of           tanggal_data (the date the figures stand at)            no
uploaded_at     tanggal_upload (decides between two files of a period)  no
basis           dasar (SP2D or SPJ)                                      no
version         versi (murni, perubahan, pergeseran N)                  no
=============== ====================================================== ==========

A bad row (month 0, an impossible date such as ``0000-00-00``, a file not found, a file listed
twice) is reported with its row number and never stops the other rows: it becomes a refusal
(``FILE_REFUSED``). A manifest without the required columns is refused whole.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import ConfigError
from .period import Agency, Period

ALIASES = {
    "file": ("file", "berkas", "nama_file", "filename", "file_name"),
    "agency_code": ("agency_code", "kode_skpd", "id_skpd", "kode_opd", "kode_unit"),
    "agency_name": ("agency_name", "nama_skpd", "nama_opd", "nama_unit"),
    "year": ("year", "tahun"),
    "month": ("month", "bulan"),
    "quarter": ("quarter", "triwulan", "tw"),
    "as_of": ("as_of", "tanggal_data"),
    "uploaded_at": ("uploaded_at", "tanggal_upload"),
    "basis": ("basis", "dasar"),
    "version": ("version", "versi"),
}
_LOOKUP = {a: k for k, names in ALIASES.items() for a in names}
_VERSION = re.compile(r"^(murni|perubahan|pergeseran(\s*(ke)?\s*\d+)?)$", re.I)


@dataclass(frozen=True)
class Entry:
    """One good row of the manifest."""

    row: int                      # 1-based row in the manifest (the header is row 1)
    file: str
    agency: Agency
    period: Period
    as_of: dt.date | None = None
    uploaded_at: dt.datetime | None = None
    basis: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class BadRow:
    row: int
    file: str
    message: str
    agency: Agency | None = None
    period: Period | None = None


@dataclass
class Manifest:
    path: Path
    entries: dict[str, Entry] = field(default_factory=dict)   # by file name
    bad: list[BadRow] = field(default_factory=list)


def _key(text) -> str:
    return re.sub(r"\s+", "_", str(text or "").strip().lower())


def _rows(path: Path) -> list[list]:
    if path.suffix.lower() == ".csv":
        try:
            with open(path, newline="", encoding="utf-8-sig") as fh:
                sample = fh.read(4096)
                fh.seek(0)
                delim = ";" if sample.count(";") > sample.count(",") else ","
                return [row for row in csv.reader(fh, delimiter=delim)]
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"manifest tidak dapat dibaca ({exc})", path) from None
    from .excel.workbook import open_workbook, text_of

    grids = open_workbook(path)
    return [[text_of(v) if not isinstance(v, (dt.date, dt.datetime)) else v for v in row]
            for row in (grids[0].rows if grids else [])]


def _date(text, with_time: bool):
    """A date (or date-time) from ``2022-11-30``, ``2022-11-30 12:30:26``, ``30/11/2022``; None
    when empty; ValueError for an impossible date (``0000-00-00``, ``2022-02-30``)."""
    if isinstance(text, dt.datetime):
        return text if with_time else text.date()
    if isinstance(text, dt.date):
        return dt.datetime.combine(text, dt.time()) if with_time else text
    t = str(text or "").strip()
    if not t:
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d",
                "%d/%m/%Y %H:%M:%S", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            value = dt.datetime.strptime(t, fmt)
        except ValueError:
            continue
        return value if with_time else value.date()
    raise ValueError(f"{t!r} bukan tanggal")


def _int(text) -> int | None:
    t = str(text or "").strip()
    if not t:
        return None
    if re.fullmatch(r"\d+(\.0+)?", t):
        return int(float(t))
    raise ValueError(f"{t!r} bukan angka")


def _month(text) -> int | None:
    """A month number, or its name as the apps write it ("Juni", "Nopember")."""
    from .excel.period import month_in

    try:
        return _int(text)
    except ValueError:
        month = month_in(str(text))
        if month is None:
            raise ValueError(f"bulan {str(text).strip()!r} tidak dikenal") from None
        return month


def load_manifest(path: Path | str, folders: list[Path] | None = None) -> Manifest:
    """Read a manifest; files are looked for beside it and in ``folders``."""
    path = Path(path)
    if not path.exists():
        raise ConfigError("manifest tidak ada", path)
    rows = [r for r in _rows(path)]
    header_at = next((i for i, r in enumerate(rows) if any(str(v or "").strip() for v in r)), None)
    if header_at is None:
        raise ConfigError("manifest kosong", path)
    cols: dict[str, int] = {}
    for c, v in enumerate(rows[header_at]):
        name = _LOOKUP.get(_key(v))
        if name and name not in cols:
            cols[name] = c
    missing = [f for f in ("file", "year") if f not in cols]
    if "agency_code" not in cols and "agency_name" not in cols:
        missing.append("agency_code/agency_name")
    if "month" not in cols and "quarter" not in cols:
        missing.append("month/quarter")
    if missing:
        raise ConfigError(f"manifest tidak memuat kolom {', '.join(missing)} (nama lain: lihat "
                          f"lkjip_helpers/manifest.py)", path)
    where = [path.parent] + [Path(f) if Path(f).is_dir() else Path(f).parent
                             for f in (folders or [])]
    out = Manifest(path)
    for i in range(header_at + 1, len(rows)):
        raw = rows[i]
        if not any(str(v or "").strip() for v in raw):
            continue
        get = lambda k: (raw[cols[k]] if k in cols and cols[k] < len(raw) else None)  # noqa
        n = i + 1
        name = str(get("file") or "").strip()
        agency = Agency(str(get("agency_code") or "").strip(), str(get("agency_name") or "").strip())
        try:
            entry = _entry(n, name, agency, get)
        except ValueError as exc:
            out.bad.append(BadRow(n, name or f"(baris {n})", f"manifest {path.name} baris {n}: "
                                  f"{exc}", agency))
            continue
        if name in out.entries:
            out.bad.append(BadRow(n, name, f"manifest {path.name} baris {n}: {name} juga tercantum "
                                  f"di baris {out.entries[name].row}; baris ini diabaikan",
                                  agency, entry.period))
            continue
        if not any((d / name).is_file() for d in where):
            out.bad.append(BadRow(n, name, f"manifest {path.name} baris {n}: berkas {name} tidak "
                                  f"ditemukan", agency, entry.period))
            continue
        out.entries[name] = entry
    _one_code_spelling(out)
    return out


def _one_code_spelling(manifest: Manifest) -> None:
    """One agency code typed "014" in one row and 14 in another (a spreadsheet drops the leading
    zeros of a number cell) is one agency: every row takes the longest spelling."""
    spellings: dict[int, str] = {}
    for e in manifest.entries.values():
        code = e.agency.code
        if code.isdigit() and len(code) > len(spellings.get(int(code), "")):
            spellings[int(code)] = code
    for name, e in manifest.entries.items():
        code = e.agency.code
        if code.isdigit() and spellings[int(code)] != code:
            manifest.entries[name] = replace(e, agency=replace(e.agency, code=spellings[int(code)]))


def _entry(n: int, name: str, agency: Agency, get) -> Entry:
    if not name:
        raise ValueError("kolom file kosong")
    if not (agency.code or agency.name):
        raise ValueError("kode/nama SKPD kosong")
    year = _int(get("year"))
    if year is None or not 1990 <= year <= 2100:
        raise ValueError(f"tahun {get('year')!r} tidak sah")
    month, quarter = _month(get("month")), _int(get("quarter"))
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"bulan {month} tidak sah (1–12)")
    if quarter is not None and not 1 <= quarter <= 4:
        raise ValueError(f"triwulan {quarter} tidak sah (1–4)")
    if month is None and quarter is None:
        raise ValueError("bulan/triwulan kosong")
    period = Period.monthly(year, month) if month is not None else Period.quarterly(year, quarter)
    try:
        as_of = _date(get("as_of"), with_time=False)
        uploaded = _date(get("uploaded_at"), with_time=True)
    except ValueError as exc:
        raise ValueError(f"tanggal tidak sah: {exc}") from None
    basis = str(get("basis") or "").strip().upper() or None
    if basis is not None and basis not in ("SP2D", "SPJ"):
        raise ValueError(f"basis {basis!r} bukan SP2D atau SPJ")
    version = str(get("version") or "").strip() or None
    if version is not None and not _VERSION.match(version):
        raise ValueError(f"versi {version!r} bukan murni, perubahan atau pergeseran N")
    return Entry(n, name, agency, period, as_of, uploaded, basis, version)
