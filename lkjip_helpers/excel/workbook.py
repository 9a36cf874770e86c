"""Opening workbooks. Only .xlsx/.xlsm are read; everything else is refused in one line."""
from __future__ import annotations

import datetime as dt
import io
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import WorkbookError

READABLE = {".xlsx", ".xlsm"}
SPREADSHEET_SUFFIXES = READABLE | {".xls", ".xlsb", ".ods", ".csv"}
_REFUSED = {
    ".xls": "format .xls lama hanya dibaca untuk templat anggaran kas; buka di Excel atau "
            "LibreOffice lalu simpan sebagai .xlsx",
    ".xlsb": "format biner .xlsb tidak dibaca; simpan sebagai .xlsx",
    ".ods": "lembar OpenDocument (.ods) tidak dibaca; simpan sebagai .xlsx",
    ".csv": "file CSV tidak dibaca (angka kehilangan selnya); simpan lembarnya sebagai .xlsx",
}


@lru_cache(maxsize=4096)
def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """0-based row/column -> ``K14``."""
    return f"{column_letter(col)}{row + 1}"


def clean(value):
    """Normalise a cell value: '' and whitespace-only text become None, text is stripped."""
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").strip()
        return value or None
    return value


def _clean_row(row: list) -> list:
    # most cells of a sheet are empty (""): they are tested first
    return [None if v == "" else (clean(v) if ("\r" in v or "\xa0" in v) else (v.strip() or None))
            if type(v) is str else v for v in row]


@dataclass
class SheetGrid:
    """A sheet's values from A1, rows padded to one width, with its merged ranges."""

    file: Path
    name: str
    rows: list[list]
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    visible: bool = True
    # the package as the limits checks read it (:class:`lkjip_helpers.limits.Checked`), for the
    # number formats of percent cells; dropped once the workbook's sheets are read
    package: object = field(default=None, repr=False, compare=False)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def get(self, r: int, c: int):
        row = self.rows[r] if 0 <= r < len(self.rows) else ()
        return row[c] if 0 <= c < len(row) else None


@dataclass(frozen=True)
class Unreadable:
    """A cell whose value cannot be used: an error value (``#DIV/0!``, ``#N/A``...) or a formula
    saved without its value. The reader would give it as empty; it stands in the grid instead, so
    it is never read as 0 and never makes a neighbouring cell be taken for it."""

    what: str

    def __str__(self) -> str:
        return self.what


def cell_index(ref: str) -> tuple[int, int]:
    """``K14`` -> 0-based (row, column)."""
    letters = ref.rstrip("0123456789")
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters):]) - 1, col - 1


def refuse_reason(path: Path) -> str | None:
    """Why ``path`` cannot be read (None if it may be)."""
    suffix = path.suffix.lower()
    if suffix in _REFUSED:
        return _REFUSED[suffix]
    if suffix not in READABLE:
        return f"{suffix or 'file tanpa ekstensi'} bukan workbook Excel (.xlsx)"
    return None


def open_workbook(path: Path, xls: bool = False) -> list[SheetGrid]:
    """Every worksheet of an .xlsx file as a :class:`SheetGrid` (chart sheets are left out).
    ``xls``: also open an old .xls (for the formats that come as .xls, e.g. the anggaran kas
    template; the caller refuses it when it holds none of them).

    Raises :class:`WorkbookError` for anything that is not a readable .xlsx workbook.
    """
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    path = Path(path)
    old = xls and path.suffix.lower() == ".xls"
    reason = None if old else refuse_reason(path)
    if reason:
        raise WorkbookError(reason, path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise WorkbookError(f"tidak dapat dibaca ({exc.strerror or exc})", path) from None
    if size == 0:
        raise WorkbookError("file kosong (0 byte), bukan workbook", path)
    from ..limits import Budget, check_workbook, limits, read_small

    data = None if old else read_small(path)   # read once, for the checks and the reader
    if data is not None:
        magic = data[:8]
    else:
        with open(path, "rb") as fh:
            magic = fh.read(8)
    if old and not magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise WorkbookError("bukan workbook .xls; mungkin rusak atau berjenis lain", path)
    if magic.startswith(b"\xd0\xcf\x11\xe0") and not old:
        raise WorkbookError("workbook dilindungi kata sandi (terenkripsi) atau .xls lama yang "
                            "disimpan dengan nama .xlsx; hapus kata sandinya dan simpan sebagai "
                            ".xlsx", path)
    if not old and not magic.startswith(b"PK"):
        raise WorkbookError("bukan workbook .xlsx (file bukan paket zip); "
                            "mungkin rusak atau berjenis lain", path)
    lim = limits()
    budget = Budget(path, lim.seconds)
    kept: list = []   # the package as the checks parsed it, for the number formats' reader
    problems = check_workbook(path, lim, budget, data, kept)  # before the reader sees it
    try:
        wb = (CalamineWorkbook.from_path(str(path)) if data is None else
              CalamineWorkbook.from_filelike(io.BytesIO(data)))
        grids = []
        for meta in wb.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            rows = [_clean_row(r) for r in sheet.to_python(skip_empty_area=False)]
            _mark_unreadable(rows, problems.get(meta.name, {}))
            merged = list(sheet.merged_cell_ranges or [])
            grids.append(SheetGrid(path, meta.name, rows, merged,
                                   meta.visible == SheetVisibleEnum.Visible,
                                   kept[0] if kept else None))
            budget.check(meta.name)
        wb.close()
    except WorkbookError:
        raise
    except MemoryError:
        raise WorkbookError("kehabisan memori saat membaca workbook", path) from None
    except BaseException as exc:  # calamine raises several types (a Rust panic among them)
        if isinstance(exc, (KeyboardInterrupt, SystemExit)) or type(exc).__name__ == "Stopped":
            raise
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "password" in text.lower():
            raise WorkbookError("workbook dilindungi kata sandi; hapus kata sandinya", path) \
                from None
        raise WorkbookError(f"tidak dapat dibaca sebagai workbook ({text})", path) from None
    return grids


def _mark_unreadable(rows: list[list], cells: dict[str, str]) -> None:
    for ref, what in cells.items():
        r, c = cell_index(ref)
        if r < len(rows) and c < len(rows[r]) and rows[r][c] is None:
            rows[r][c] = Unreadable(what)


def text_of(value) -> str:
    """A cell value as text, for labels (numbers without a trailing .0)."""
    if value is None:
        return ""
    if type(value) is str:
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return str(value)
