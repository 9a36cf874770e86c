"""Limits against hostile workbooks, checked before a file reaches the Excel reader and while it is
read, so that no workbook can exhaust memory or time, or abort the interpreter inside the reader.

A real agency workbook is far below every limit (the sample year: under 30 KB, a few hundred cells);
a whole pemda's SIPD-RI export (50 SKPD x 3.000 lines x 32 columns, 22 MB) is within them too.
Each limit can be raised with an environment variable, e.g. ``LKJIP_LIMIT_CELLS=20000000``:

=================  ===========  ==========================================================
variable           default      what it bounds
=================  ===========  ==========================================================
``FILE_MB``        100          size of the .xlsx file
``PART_MB``        256          uncompressed size of one part (a sheet's XML, shared strings)
``TOTAL_MB``       512          uncompressed size of all parts together
``RATIO``          250          compression ratio of a part over ``RATIO_ABOVE_MB`` (zip bomb)
``RATIO_ABOVE_MB`` 16           parts smaller than this are not held to ``RATIO``
``CELLS``          10000000     cells in one sheet (a pemda's SIPD-RI RAK: ~5 million)
``GRID``           10000000     rows × columns from A1 to the last cell (the reader's grid)
``SECONDS``        120          time to read one workbook (and for the report's worker)
=================  ===========  ==========================================================

A sheet that declares ``<dimension ref="A1:XFD1048576"/>`` but holds a few cells is read (the
declared size is not trusted; the cells' own positions are counted); one whose cells really reach
that far is refused before the reader would allocate the grid.
"""
from __future__ import annotations

import os
import re
import time
import zipfile
import zlib
from dataclasses import dataclass, fields
from pathlib import Path

from .errors import WorkbookError

MB = 1024 * 1024
_CHUNK = MB


@dataclass(frozen=True)
class Limits:
    file_mb: float = 100
    part_mb: float = 256
    total_mb: float = 512
    ratio: float = 250
    ratio_above_mb: float = 16
    cells: int = 10_000_000   # a pemda's SIPD-RI export: 150.000 lines x 32 columns = 4,8 M
    grid: int = 10_000_000
    seconds: float = 120


def limits() -> Limits:
    """The limits in force: the defaults, each replaced by ``LKJIP_LIMIT_<NAME>`` when set."""
    values = {}
    for f in fields(Limits):
        env = os.environ.get(f"LKJIP_LIMIT_{f.name.upper()}")
        if env:
            try:
                values[f.name] = type(f.default)(float(env))
            except ValueError:
                raise WorkbookError(f"LKJIP_LIMIT_{f.name.upper()}={env!r} bukan angka") from None
    return Limits(**values)


class Budget:
    """The time budget of one workbook, checked between steps of reading it."""

    def __init__(self, path: Path, seconds: float):
        self.path, self.seconds = path, seconds
        self.deadline = time.monotonic() + seconds

    def check(self, sheet=None) -> None:
        """``sheet``: its name, or a function giving it (called only when the time is up)."""
        if time.monotonic() > self.deadline:
            raise WorkbookError(f"pembacaan melewati batas waktu {self.seconds:g} detik "
                                "(LKJIP_LIMIT_SECONDS)", self.path,
                                sheet() if callable(sheet) else sheet)


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


_CELL_COL = re.compile(rb'<c r="([A-Z]{1,3})')
_WIDE = re.compile(rb'<c r="[A-Z]{2}')
_WIDE_COL = re.compile(rb'<c r="([A-Z]{2,3})\d')
_CELL_AT = re.compile(rb'<c r="[A-Z]{1,3}(\d{1,7})"')
_ANY_CELL_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*?\sr="([A-Z]{1,3})(\d{1,7})"')
_ROW_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row\b[^>]*?\sr="(\d{1,7})"')
# an error value (t="e": #DIV/0!, #N/A, #VALUE!, #REF!...) and a formula saved without its value
_ERROR_CELL = re.compile(rb'<c r="([A-Z]{1,3}\d{1,7})"[^>]*?\st="e"[^>]*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?'
                         rb'<v>([^<]{0,40})</v>')
_NO_CACHE = re.compile(rb'<c r="([A-Z]{1,3}\d{1,7})"[^>/]*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)(?:<v\s*/>|<v></v>)?'
                       rb'</c>')
NO_CACHE = "rumus tanpa nilai tersimpan"
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref="([^"]{1,40})"')


_TAG_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_TAG_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_ATTR = re.compile(rb'\b([\w:]+)="([^"]*)"')


def sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part -> sheet name, from the workbook's XML and relationships."""
    import html

    try:
        wb = z.read("xl/workbook.xml")
        rels = z.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {}
    for attrs in _TAG_REL.findall(rels):
        a = dict(_ATTR.findall(attrs))
        if b"Id" in a and b"Target" in a:
            targets[a[b"Id"]] = a[b"Target"]
    out = {}
    for attrs in _TAG_SHEET.findall(wb):
        a = {k.rsplit(b":", 1)[-1]: v for k, v in _ATTR.findall(attrs)}
        target = targets.get(a.get(b"id", b""))
        if target is None or b"name" not in a:
            continue
        target = target.decode("utf-8", "replace").lstrip("/")
        part = target if target.startswith("xl/") else f"xl/{target}"
        out[part] = html.unescape(a[b"name"].decode("utf-8", "replace"))
    return out


def check_workbook(path: Path, lim: Limits | None = None, budget: Budget | None = None
                   ) -> dict[str, dict[str, str]]:
    """Refuse (:class:`WorkbookError`, naming the file and sheet) a workbook beyond the limits,
    before the reader sees it. A zip it cannot open is left to the reader's own message.

    Returns, per sheet, the cells whose value the reader would give as empty although they are
    not: error values (``#DIV/0!``...) and formulas saved without a value (:data:`NO_CACHE`)."""
    lim = lim or limits()
    budget = budget or Budget(path, lim.seconds)
    size = path.stat().st_size
    if size > lim.file_mb * MB:
        raise WorkbookError(f"file {size / MB:.0f} MB, lebih dari batas {lim.file_mb:g} MB "
                            "(LKJIP_LIMIT_FILE_MB)", path)
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return {}
    problems: dict[str, dict[str, str]] = {}
    with z:
        cache: dict = {}

        def name(part: str) -> str | None:  # the sheet's name, read only when it must be said
            if "names" not in cache:
                cache["names"] = sheet_parts(z)
            return cache["names"].get(part)

        total = 0
        for info in z.infolist():
            where = f"bagian {info.filename}"
            if info.file_size > lim.part_mb * MB:
                raise WorkbookError(f"{where} mengembang menjadi {info.file_size / MB:.0f} MB, "
                                    f"lebih dari batas {lim.part_mb:g} MB (LKJIP_LIMIT_PART_MB)",
                                    path, name(info.filename))
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > lim.ratio_above_mb * MB and ratio > lim.ratio:
                raise WorkbookError(f"{where} dimampatkan {ratio:.0f}:1, lebih dari batas "
                                    f"{lim.ratio:g}:1 (bom zip; LKJIP_LIMIT_RATIO)", path,
                                    name(info.filename))
            total += info.file_size
            if total > lim.total_mb * MB:
                raise WorkbookError(f"isi file mengembang lebih dari {lim.total_mb:g} MB "
                                    "(LKJIP_LIMIT_TOTAL_MB)", path)
        for part in worksheet_parts(z):
            try:
                info = z.getinfo(part)
            except KeyError:
                continue
            found = _check_sheet(z, info, path, lambda p=part: name(p), lim, budget)
            if found:
                problems[name(part)] = found
    return problems


def worksheet_parts(z: zipfile.ZipFile) -> list[str]:
    """The parts the workbook's relationships name as worksheets (wherever they are)."""
    try:
        rels = z.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return []
    out = []
    for attrs in _TAG_REL.findall(rels):
        a = dict(_ATTR.findall(attrs))
        if a.get(b"Type", b"").endswith(b"/worksheet") and b"Target" in a:
            target = a[b"Target"].decode("utf-8", "replace").lstrip("/")
            out.append(target if target.startswith("xl/") else f"xl/{target}")
    return out


def _check_sheet(z: zipfile.ZipFile, info, path: Path, sheet, lim: Limits,
                 budget: Budget) -> dict[str, str]:
    """(``sheet()`` gives the sheet's name.) Stream the sheet's XML once: its real size, its cells and how far they reach, and the
    cells holding an error value or a formula without its value."""
    cells = rows_max = cols_max = read = 0
    simple = True
    problems: dict[str, str] = {}
    declared = None
    tail = b""
    try:
        fh = z.open(info)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError):
        return problems  # the reader will say what is wrong
    with fh:
        while True:
            try:
                chunk = fh.read(_CHUNK)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
                raise WorkbookError(f"sheet rusak ({exc})", path, sheet()) from None
            if not chunk:
                break
            read += len(chunk)
            if read > lim.part_mb * MB:
                raise WorkbookError(f"isi sheet lebih dari {lim.part_mb:g} MB "
                                    "(LKJIP_LIMIT_PART_MB)", path, sheet())
            data = tail + chunk
            cut = data.rfind(b"</row>")  # a row cut at the chunk's end is seen whole next time
            cut = cut + 6 if cut >= 0 and len(data) - cut < 262144 else data.rfind(b"<")
            if cut < 0 or len(data) - cut > 262144:
                cut = len(data)
            body, tail = data[:cut], data[cut:]
            if declared is None:
                m = _DIMENSION.search(body)
                declared = m.group(1).decode("ascii", "replace") if m else ""
                # a namespace prefix on the elements (<x:c>) takes the slower, general path
                simple = b":worksheet" not in body[:2048]
            cells += body.count(b"<c")  # also <col>, <cfRule>...: a few more, never fewer
            if simple:  # the usual form, <c r="K5" ...>, rows in order: two scans, no lists
                last = body.rfind(b'<c r="')
                if last >= 0:
                    m = _CELL_AT.match(body, last)
                    rows_max = max(rows_max, int(m.group(1)) if m else 0)
                    cols_max = max(cols_max, 26)
                    # a column beyond Z, or a cell claiming a row beyond the last one's digits
                    digits = min(len(str(rows_max)) + 1, 7)
                    if _WIDE.search(body):  # columns beyond Z (a SIPD-RI export has 32): each
                        letters = set(_WIDE_COL.findall(body))  # distinct letters counted once
                        cols_max = max(cols_max, max(_col_number(c) for c in letters))
                    far = re.findall(rb'<c r="[A-Z]{1,3}(\d{%d,7})"' % digits, body)
                    if far:  # rare: a cell claiming a row far beyond the last one's
                        rows_max = max(rows_max, max(int(r) for r in far))
            else:
                refs = _ANY_CELL_REF.findall(body)
                if refs:
                    cols_max = max(cols_max, max(_col_number(c) for c in {c for c, _ in refs}))
                    rows_max = max(rows_max, max(int(r) for _, r in refs))
                for r in _ROW_REF.findall(body):
                    rows_max = max(rows_max, int(r))
            if not simple:
                cells += len(re.findall(rb"<[A-Za-z_][\w.-]*:c[\s>]", body))
            if b't="e"' in body:
                for ref, value in _ERROR_CELL.findall(body):
                    problems[ref.decode()] = value.decode("utf-8", "replace") or "#ERROR"
            if b"<f" in body:
                for ref in _NO_CACHE.findall(body):
                    problems.setdefault(ref.decode(), NO_CACHE)
            if cells > lim.cells:
                raise WorkbookError(f"lebih dari {lim.cells:,} sel (LKJIP_LIMIT_CELLS)".replace(
                    ",", "."), path, sheet())
            budget.check(sheet)
    grid = rows_max * cols_max
    if grid > lim.grid and cols_max == 26:  # the bound was a guess: count exactly to say it
        with z.open(info) as fh:
            cols = set(_CELL_COL.findall(fh.read()))
        cols_max = max((_col_number(c) for c in cols), default=cols_max)
        grid = rows_max * cols_max
    if grid > lim.grid:
        from .excel.workbook import cell_name

        last = cell_name(rows_max - 1, cols_max - 1)
        said = f" (dimensi tertulis {declared})" if declared else ""
        raise WorkbookError(f"sel terjauh {last}{said}: kisi A1:{last} berisi {grid:,} sel, lebih "
                            f"dari batas {lim.grid:,} (LKJIP_LIMIT_GRID)".replace(",", "."),
                            path, sheet())
    return problems
