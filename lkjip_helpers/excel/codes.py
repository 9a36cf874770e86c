"""Permendagri 90/2019 codes as the SIPD-RI exports write them.

Sub kegiatan ``1.06.02.2.01.0001`` → kegiatan ``1.06.02.2.01`` → program ``1.06.02``; the variant
``1.06.02.02.01.0001`` (kegiatan segment ``02.01`` for ``2.01``) is the same sub kegiatan.
Unit codes ``1.02.0.00.0.00.01.0000``: the SKPD is the first seven segments, the eighth the sub unit.
"""
from __future__ import annotations

import re

from ..errors import CellError
from .workbook import SheetGrid, cell_name

_SUB = re.compile(r"^([0-9X])\.([0-9X]{2})\.(\d{2})\.(\d{1,2})\.(\d{2})\.(\d{4})$", re.I)
_KEG = re.compile(r"^([0-9X])\.([0-9X]{2})\.(\d{2})\.(\d{1,2})\.(\d{2})$", re.I)
_UNIT = re.compile(r"^(\d+(?:\.\d+){6})(?:\.(\d+))?$")


def hierarchy(sub_code: str) -> tuple[str, str, str] | None:
    """(program, kegiatan, sub kegiatan) codes of a sub kegiatan code, normalised; None if the
    text is not one."""
    m = _SUB.match(sub_code.strip().replace(" ", ""))
    if not m:
        return None
    u, b, p, k1, k2, s = m.groups()
    u, b = u.upper(), b.upper()
    program = f"{u}.{b}.{p}"
    kegiatan = f"{program}.{int(k1)}.{k2}"
    return program, kegiatan, f"{kegiatan}.{s}"


def normalise_code(sub_code: str, kegiatan_code: str | None, grid: SheetGrid, r: int, c: int
                   ) -> tuple[str, str, str]:
    """The three codes of a row; a sub kegiatan column holding only the last segment (``0001``) is
    joined to the kegiatan code. Refuses, naming the cell, a code that is neither."""
    got = hierarchy(sub_code)
    if got is None and kegiatan_code and re.fullmatch(r"\d{4}", sub_code.strip()):
        k = _KEG.match(kegiatan_code.strip())
        if k:
            got = hierarchy(f"{kegiatan_code.strip()}.{sub_code.strip()}")
    if got is None:
        raise CellError(f"{sub_code!r} bukan kode sub kegiatan (seperti 1.06.02.2.01.0001)",
                        grid.file, grid.name, cell_name(r, c))
    return got


def split_unit_code(code: str, grid: SheetGrid, r: int, c: int | None) -> tuple[str, str]:
    """(SKPD code ending ``.0000``, sub-unit segment) of a unit code; refuses an empty or
    malformed one, naming the cell."""
    m = _UNIT.match(code.strip().replace(" ", ""))
    if not m:
        raise CellError(f"{code!r} bukan kode unit (seperti 1.02.0.00.0.00.01.0000)",
                        grid.file, grid.name, cell_name(r, c) if c is not None else None)
    return m.group(1) + ".0000", m.group(2) or "0000"


def sub_kegiatan_rows(codes: list[str | None], parent: list[int | None]) -> dict[int, int]:
    """``{sub kegiatan row: its kegiatan row}`` in a sheet whose Kode column places three levels
    (program ``1.06.02`` › kegiatan ``1.06.02.2.01`` › sub kegiatan ``1.06.02.2.01.0001``):
    under each program (``parent``), the rows with the fewest segments are kegiatan and a deeper
    row belongs to the kegiatan above whose code it extends. Empty for a two-level sheet, or when
    a deeper row extends no kegiatan above it (the rows then stay as two levels)."""
    def depth(c: str) -> int:
        return len(re.split(r"[.\s]+", c.strip(". ")))

    under: dict[int, list[int]] = {}
    for i, p in enumerate(parent):
        if p is not None and p != i and codes[i]:
            under.setdefault(p, []).append(i)
    out: dict[int, int] = {}
    for rows in under.values():
        top = min(depth(codes[i]) for i in rows)
        current = None
        for i in rows:
            if depth(codes[i]) == top:
                current = i
            elif current is not None and _extends(codes[i], codes[current]):
                out[i] = current
            else:
                return {}
    return out


def _extends(child: str, parent: str) -> bool:
    """Does ``child`` sit under ``parent`` (the variant ``1.06.02.02.01.0001`` under
    ``1.06.02.2.01`` too)?"""
    c, p = child.strip(". "), parent.strip(". ")
    if c.startswith(p + "."):
        return True
    sub, keg = hierarchy(c), hierarchy(p + ".0000")
    return sub is not None and keg is not None and sub[1] == keg[1]
