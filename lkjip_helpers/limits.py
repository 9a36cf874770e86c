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

import io
import os
import re
import time
import zipfile
import zlib
from dataclasses import dataclass, fields
from pathlib import Path

from .errors import WorkbookError
from .extent import Extent, bound_extent, fast_extent
from .package import Package, parse

MB = 1024 * 1024
_CHUNK = 512 * 1024   # pieces this size keep numpy's arrays in reused memory
IN_MEMORY = 16 * MB  # files up to this size are read into memory once
_LONGEST = 16 * MB   # one element (a tag, a cell's text) of a sheet's XML: Excel's are < 1 MB


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


_VARIABLES = [(f.name, f"LKJIP_LIMIT_{f.name.upper()}", type(f.default)) for f in fields(Limits)]
_KNOWN: dict[tuple, Limits] = {}


def limits() -> Limits:
    """The limits in force: the defaults, each replaced by ``LKJIP_LIMIT_<NAME>`` when set
    (read for every workbook: the environment may change between two)."""
    get = os.environ.get
    said = tuple(get(var) for _, var, _ in _VARIABLES)
    known = _KNOWN.get(said)
    if known is not None:
        return known
    values = {}
    for (name, var, kind), env in zip(_VARIABLES, said):
        if env:
            try:
                values[name] = kind(float(env))
            except ValueError:
                raise WorkbookError(f"{var}={env!r} bukan angka") from None
    if len(_KNOWN) > 64:
        _KNOWN.clear()
    _KNOWN[said] = Limits(**values)
    return _KNOWN[said]


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


class Checked:
    """What the checks read of a package held in memory, kept for the reader's own look at the
    XML (the number formats of percent cells, :mod:`lkjip_helpers.excel.formats`): the parsed
    package and each worksheet's XML that was inflated whole — the same bytes that were checked
    and that the reader reads, so nothing is inflated twice."""

    def __init__(self, package):
        self.package = package
        self.sheets: dict[str, bytes] = {}


def check_workbook(path: Path, lim: Limits | None = None, budget: Budget | None = None,
                   data: bytes | None = None, keep: list | None = None
                   ) -> dict[str, dict[str, str]]:
    """Refuse (:class:`WorkbookError`, naming the file and sheet) a workbook beyond the limits,
    before the reader sees it. A zip it cannot open is left to the reader's own message.
    ``data``: the file's bytes, when the caller has read them (:func:`read_small`).
    ``keep``: a list that receives a :class:`Checked` when the package was parsed from ``data``.

    Returns, per sheet, the cells whose value the reader would give as empty although they are
    not: error values (``#DIV/0!``...) and formulas saved without a value (:data:`NO_CACHE`)."""
    lim = lim or limits()
    budget = budget or Budget(path, lim.seconds)
    if data is None:
        try:
            data = read_small(path)
        except OSError:
            pass   # left to the reader's own message, as a zip that cannot be opened
    size = len(data) if data is not None else path.stat().st_size
    if size > lim.file_mb * MB:
        raise WorkbookError(f"file {size / MB:.0f} MB, lebih dari batas {lim.file_mb:g} MB "
                            "(LKJIP_LIMIT_FILE_MB)", path)
    try:
        z = open_package(path, data)
    except (zipfile.BadZipFile, OSError):
        return {}
    checked = None
    if keep is not None and isinstance(z, Package):
        checked = Checked(z)
    try:
        with z:
            problems = _check_package(z, path, lim, budget, checked)
    except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError, RuntimeError) as exc:
        # a damaged part the sheets are found by (the workbook, its relationships)
        raise WorkbookError(f"paket xlsx rusak ({exc})", path) from None
    if checked is not None:
        keep.append(checked)
    return problems


def _check_package(z, path: Path, lim: Limits, budget: Budget, checked: Checked | None = None
                   ) -> dict[str, dict[str, str]]:
    """:func:`check_workbook` on the opened package."""
    problems: dict[str, dict[str, str]] = {}
    cache: dict = {}

    def name(part: str) -> str | None:  # the sheet's name, read only when it must be said
        if "names" not in cache:
            cache["names"] = sheet_parts(z)
        return cache["names"].get(part)

    total, part_max, above = 0, lim.part_mb * MB, lim.ratio_above_mb * MB
    for info in z.infolist():
        size = info.file_size
        if size > part_max:
            raise WorkbookError(f"bagian {info.filename} mengembang menjadi "
                                f"{size / MB:.0f} MB, lebih dari batas {lim.part_mb:g} MB "
                                "(LKJIP_LIMIT_PART_MB)", path, name(info.filename))
        if size > above and size / max(info.compress_size, 1) > lim.ratio:
            raise WorkbookError(f"bagian {info.filename} dimampatkan "
                                f"{size / max(info.compress_size, 1):.0f}:1, lebih dari "
                                f"batas {lim.ratio:g}:1 (bom zip; LKJIP_LIMIT_RATIO)", path,
                                name(info.filename))
        total += size
        if total > lim.total_mb * MB:
            raise WorkbookError(f"isi file mengembang lebih dari {lim.total_mb:g} MB "
                                "(LKJIP_LIMIT_TOTAL_MB)", path)
    for part in worksheet_parts(z):
        try:
            info = z.getinfo(part)
        except KeyError:
            continue
        found = _check_sheet(z, info, path, lambda p=part: name(p), lim, budget,
                             checked.sheets if checked is not None else None, part)
        if found:
            problems[name(part)] = found
    return problems


def read_small(path: Path) -> bytes | None:
    """The bytes of a file up to :data:`IN_MEMORY` (a real agency workbook), read once for both
    the checks and the reader; ``None`` for a larger one (read from the disk as it goes)."""
    with open(path, "rb", buffering=0) as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > IN_MEMORY:
            return None
        data = fh.read(size + 1)    # a buffer of the file's size (not of the limit's)
    return data if len(data) <= size else None   # grown meanwhile: read from the disk


def open_package(path: Path, data: bytes | None):
    """The zip: parsed from ``data`` (:mod:`lkjip_helpers.package`), else by :mod:`zipfile`."""
    package = parse(data) if data is not None else None
    if package is not None:
        return package
    return zipfile.ZipFile(io.BytesIO(data) if data is not None else path)


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


class _Inexact(Exception):
    """A sheet the bounds of :func:`~lkjip_helpers.extent.bound_extent` cannot clear."""


def _check_sheet(z: zipfile.ZipFile, info, path: Path, sheet, lim: Limits,
                 budget: Budget, whole: dict | None = None, part: str = "") -> dict[str, str]:
    """(``sheet()`` gives the sheet's name.) Stream the sheet's XML: its real size, its cells
    and how far they reach, and the cells holding an error value or a formula without its value.
    A sheet of one piece (up to 512 KB, a real agency sheet) first with its farthest cell only
    bounded from above (a few searches): cleared at once, unless the bound passes the GRID limit
    or the sheet is written in another form; then, as a larger sheet, measured exactly.
    ``whole``: receives ``{part: XML}`` when the sheet was read in one piece."""
    if info.file_size > _CHUNK:   # a large sheet: measured at once
        return _scan_sheet(z, info, path, sheet, lim, budget, bounded=False)
    try:
        return _scan_sheet(z, info, path, sheet, lim, budget, bounded=True, whole=whole,
                           part=part)
    except _Inexact:
        return _scan_sheet(z, info, path, sheet, lim, budget, bounded=False, whole=whole,
                           part=part)


def _scan_sheet(z: zipfile.ZipFile, info, path: Path, sheet, lim: Limits, budget: Budget,
                bounded: bool, whole: dict | None = None, part: str = "") -> dict[str, str]:
    """``bounded``: the farthest row and column only bounded (:class:`_Inexact` when the bound
    is not enough), else measured (:mod:`lkjip_helpers.extent`: every form of reference the
    reader accepts)."""
    cells = rows_max = cols_max = read = 0
    problems: dict[str, str] = {}
    first = None
    tail = b""
    extent = Extent()
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
            if whole is not None:   # the sheet's XML, when it comes in one piece
                if read:
                    whole.pop(part, None)
                    whole = None
                else:
                    whole[part] = chunk
            read += len(chunk)
            if read > lim.part_mb * MB:
                raise WorkbookError(f"isi sheet lebih dari {lim.part_mb:g} MB "
                                    "(LKJIP_LIMIT_PART_MB)", path, sheet())
            data = tail + chunk
            cut = data.rfind(b"</row>")  # a row cut at the chunk's end is seen whole next time
            # (else at the last element: an element is never seen in two pieces)
            cut = cut + 6 if cut >= 0 and len(data) - cut < 262144 else max(data.rfind(b"<"), 0)
            body, tail = data[:cut], data[cut:]
            if len(tail) > _LONGEST:
                raise WorkbookError(f"sheet memuat satu elemen XML lebih dari {_LONGEST // MB} MB "
                                    "(bom)", path, sheet())
            if first is None:
                first = body   # its declared dimension is read only to be said
            if bounded:
                # a cell is at least 4 bytes (<c/>): counted only where the piece could pass
                # the CELLS limit, else that many at most
                counted = len(body) // 4 > lim.cells - cells
                got = bound_extent(body, counted)
                if got is None or max(rows_max, got[1]) * max(cols_max, got[2]) > lim.grid:
                    raise _Inexact
                if not counted:
                    got = (len(body) // 4, *got[1:])
            else:
                got = fast_extent(body)
            odd = got is None or got[3]
            if got is not None:   # the usual form: bounded, or measured as arrays
                n, rows, cols, _ = got
                cells += n
                rows_max, cols_max = max(rows_max, rows), max(cols_max, cols)
                extent.after_plain(rows_max)
            else:                 # any other form, element by element
                before = extent.cells
                extent.feed(body)
                cells += extent.cells - before
                rows_max, cols_max = max(rows_max, extent.rows), max(cols_max, extent.cols)
            if odd and b't="e"' in body:
                for ref, value in _ERROR_CELL.findall(body):
                    problems[ref.decode()] = value.decode("utf-8", "replace") or "#ERROR"
            if odd and b"<f" in body:
                for ref in _NO_CACHE.findall(body):
                    problems.setdefault(ref.decode(), NO_CACHE)
            if cells > lim.cells:
                raise WorkbookError(f"lebih dari {_id(lim.cells)} sel (LKJIP_LIMIT_CELLS)", path,
                                    sheet())
            budget.check(sheet)
        if tail:   # after the last row: measured all the same
            before, row = extent.cells, extent.row
            extent.feed(tail)
            if bounded and (extent.cells, extent.row) != (before, row):
                raise _Inexact   # a cell or row placed after the bounded ones
            cells += extent.cells - before
            rows_max, cols_max = max(rows_max, extent.rows), max(cols_max, extent.cols)
    grid = rows_max * cols_max
    if grid > lim.grid:
        from .excel.workbook import cell_name

        last = cell_name(rows_max - 1, cols_max - 1)
        m = _DIMENSION.search(first or b"")
        said = f" (dimensi tertulis {m.group(1).decode('ascii', 'replace')})" if m else ""
        raise WorkbookError(f"sel terjauh {last}{said}: kisi A1:{last} berisi {_id(grid)} sel, "
                            f"lebih dari batas {_id(lim.grid)} (LKJIP_LIMIT_GRID)", path, sheet())
    return problems


def _id(n: int) -> str:
    """A count as written in Indonesian: 10.000.000."""
    return f"{n:,}".replace(",", ".")
