"""Number formats of chosen cells of an .xlsx sheet, read from the package itself (calamine gives
values, not formats): how many decimals a percent cell prints, and whether it is formatted as a
percent at all. Read only for the cells that need it (numeric percent cells), once per sheet."""
from __future__ import annotations

import contextlib
import re
import zipfile
import zlib
from functools import lru_cache
from pathlib import Path, PurePosixPath

_BUILTIN = {9: "0%", 10: "0.00%", 2: "0.00", 4: "#,##0.00", 1: "0", 3: "#,##0", 0: "General"}
_STYLE = re.compile(rb'\bs="(\d+)"')
_REF = re.compile(r"^([A-Z]+)(\d+)$")


def _styles(z: zipfile.ZipFile) -> tuple[dict[int, str], list[int]]:
    try:
        xml = z.read("xl/styles.xml").decode("utf-8", "replace")
    except KeyError:
        return {}, []
    fmts = {int(i): c for i, c in re.findall(r'<numFmt\b[^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"',
                                               xml)}
    fmts.update({int(i): c for c, i in re.findall(
        r'<numFmt\b[^>]*formatCode="([^"]*)"[^>]*numFmtId="(\d+)"', xml)})
    m = re.search(r"<cellXfs\b[^>]*>(.*?)</cellXfs>", xml, re.S)
    xfs = [int(x) for x in re.findall(r'<xf\b[^>]*?numFmtId="(\d+)"', m.group(1))] if m else []
    return {k: v.replace("&quot;", '"').replace("&amp;", "&") for k, v in fmts.items()}, xfs


def _sheet_path(z: zipfile.ZipFile, sheet: str) -> str | None:
    wb = z.read("xl/workbook.xml").decode("utf-8", "replace")
    rid = None
    for attrs in re.findall(r"<sheet\b([^>]*)/?>", wb):
        name = re.search(r'\bname="([^"]*)"', attrs)
        if name and _unescape(name.group(1)) == sheet:
            rid = re.search(r'\br:id="([^"]*)"', attrs) or re.search(r'\bid="([^"]*)"', attrs)
            rid = rid.group(1) if rid else None
            break
    if rid is None:
        return None
    rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    for attrs in re.findall(r"<Relationship\b([^>]*)/?>", rels):
        if re.search(rf'\bId="{re.escape(rid)}"', attrs):
            target = re.search(r'\bTarget="([^"]*)"', attrs).group(1)
            return target.lstrip("/") if target.startswith("/") else \
                str(PurePosixPath("xl") / target)
    return None


def _package(path: Path, checked):
    """The package: the one the checks parsed, else the file's bytes parsed once (as the checks
    do, :mod:`lkjip_helpers.package`), else :mod:`zipfile` (a large or unusual package)."""
    if checked is not None:
        return contextlib.nullcontext(checked.package)
    from ..limits import IN_MEMORY
    from ..package import parse

    with open(path, "rb") as fh:
        data = fh.read(IN_MEMORY + 1)
    package = parse(data) if len(data) <= IN_MEMORY else None
    return contextlib.nullcontext(package) if package is not None else zipfile.ZipFile(path)


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def cell_formats(path: Path, sheet: str, cells: set[str], checked=None) -> dict[str, str]:
    """``{"J10": "0.00%", ...}`` for the named cells (those without a style are left out).
    An unreadable package gives ``{}``: the caller then reads the value as it is.
    ``checked``: the package as the limits checks read it (:class:`lkjip_helpers.limits.Checked`:
    the same bytes the reader read; its worksheets' XML already inflated), else the file is read
    here."""
    try:
        with _package(path, checked) as z:
            name = _sheet_path(z, sheet)
            if name is None:
                return {}
            xml = checked.sheets.get(name) if checked is not None else None
            if xml is None:
                xml = z.read(name)
            tags = _cell_tags(xml, cells)
            fmts, xfs = _styles(z) if any(_STYLE.search(t) for t in tags.values()) else ({}, [])
    except (OSError, KeyError, EOFError, zlib.error, zipfile.BadZipFile):
        return {}
    out = {}
    for ref, tag in tags.items():
        style = _STYLE.search(tag)
        if style is not None:
            i = int(style.group(1))
            fid = xfs[i] if i < len(xfs) else 0
            out[ref] = fmts.get(fid) or _BUILTIN.get(fid, "General")
    return out


def _cell_tags(xml: bytes, cells: set[str]) -> dict[str, bytes]:
    """The opening tag of each wanted cell that the sheet's XML holds."""
    columns = tuple(sorted({c.rstrip("0123456789") for c in cells}))
    wanted = {c.encode() for c in cells}
    found = {}
    # the usual form first (``<c r="J10" s="3">``: a literal to look for, C speed), then the
    # general one (attributes in another order) for any wanted cell not found that way
    for pattern in (_usual_cells_of(columns), _cells_of(columns)):
        for m in pattern.finditer(xml):
            if m.group(1) in wanted:
                found[m.group(1)] = m.group(0)
        wanted -= set(found)
        if not wanted:
            break
    return {ref.decode(): tag for ref, tag in found.items()}


@lru_cache(maxsize=64)
def _usual_cells_of(columns: tuple[str, ...]) -> re.Pattern:
    letters = b"|".join(c.encode() for c in columns)
    return re.compile(rb'<c r="((?:' + letters + rb')\d+)"[^>]*>')


@lru_cache(maxsize=64)
def _cells_of(columns: tuple[str, ...]) -> re.Pattern:
    """The opening tags of the cells in these columns (``<c r="J10" s="3" t="n">``)."""
    letters = b"|".join(c.encode() for c in columns)
    return re.compile(rb'<c\b[^>]*?\br="((?:' + letters + rb')\d+)"[^>]*>')


@lru_cache(maxsize=256)
def percent_decimals(fmt: str | None) -> tuple[bool, int | None]:
    """(formatted as a percent, decimals it prints) of a number format code; decimals None for
    General (no fixed precision)."""
    if not fmt or fmt == "General":
        return False, None
    section = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", fmt.split(";")[0])
    m = re.search(r"0(?:\.(0+))?", section)
    decimals = len(m.group(1) or "") if m else None
    return "%" in section, decimals
