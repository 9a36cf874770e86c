"""The anggaran kas + realisasi template ("TARGET (MENURUT ANGGARAN KAS) DAN REALISASI KEUANGAN"):
per account group (PENDAPATAN, BELANJA, PEMBIAYAAN) a Target row and a Realisasi row, months
Januari … Desember with a Triwulan I … IV subtotal after every third month. Both rows are monthly,
not cumulative. The Triwulan columns and the Total Anggaran are stated figures, checked; the notes
below the table ("Catatan", "Format Salah / Format Benar") and the signature blocks are set aside.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import CellError, LayoutError
from .amounts import Amounts, rupiah
from .period import MONTH_WORDS, months_named, year_in
from .sipd import _key  # one header normalisation for the flat exports and this template
from .workbook import SheetGrid, cell_name, text_of

MONTHS = ("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus",
          "september", "oktober", "november", "desember")
_TRIWULAN = re.compile(r"^triwulan(iv|iii|ii|i|[1-4])$")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
TITLE = "anggaran kas"


@dataclass
class KasHeader:
    row: int
    rincian: int                     # column of Target / Realisasi
    label: int                       # column of the account group (under "Total Anggaran")
    total: int | None                # column of the stated Total Anggaran amount
    months: dict[int, int]           # month -> column
    triwulan: dict[int, int]         # quarter -> column


def find_kas_header(grid: SheetGrid, scan: int = 15) -> KasHeader | None:
    """The template's header row (``Rincian`` and the twelve month names), or None."""
    for r in range(min(scan, len(grid.rows))):
        row = grid.rows[r]
        if len(row) - row.count(None) < 13 or sum(isinstance(v, str) for v in row) < 13:
            continue  # Rincian and the twelve months are text (cheap tests first)
        # the months as the template spells them ("Pebruari", "Nopember") under one name each
        keys = [MONTHS[MONTH_WORDS[k] - 1] if k in MONTH_WORDS else k
                for k in (_key(v) for v in grid.rows[r])]
        if "rincian" not in keys or not all(m in keys for m in MONTHS):
            continue
        months = {i: keys.index(m) for i, m in enumerate(MONTHS, start=1)}
        tw = {}
        for c, k in enumerate(keys):
            m = _TRIWULAN.match(k)
            if m:
                tw[_ROMAN.get(m.group(1)) or int(m.group(1))] = c
        total = keys.index("totalanggaran") if "totalanggaran" in keys else None
        label = total if total is not None else max(0, keys.index("rincian") - 1)
        # the amount sits right of the group's name, under the header's merged (or empty) cell
        span = _merged_end(grid, r, label)
        if span is None and total is not None and label + 1 < keys.index("rincian") \
                and not keys[label + 1]:
            span = label + 1
        return KasHeader(r, keys.index("rincian"), label,
                         span if span is not None and span != label else None, months, tw)
    return None


def _merged_end(grid: SheetGrid, r: int, c: int) -> int | None:
    for (r0, c0), (r1, c1) in grid.merged:
        if r0 <= r <= r1 and c0 == c:
            return c1
    return None


@dataclass
class KasResult:
    file: str
    sheet: str
    year: int | None
    agency_name: str | None
    month: int | None                # the last month the realisasi covers
    groups: list[dict] = field(default_factory=list)   # {group, target[12], realisasi[12], …}
    checks: list[dict] = field(default_factory=list)
    set_aside: list[dict] = field(default_factory=list)  # {row, role, text}


def read_kas(grid: SheetGrid, header: KasHeader) -> KasResult:
    """Target and Realisasi per group (amounts in sen), the Triwulan and Total Anggaran checks."""
    titles = [text_of(v) for row in grid.rows[:header.row] for v in row if v is not None]
    res = KasResult(grid.file.name, grid.name, year_in(" ".join(titles)), _opd(titles, grid,
                                                                              header), None)
    group, group_row = None, None
    last_seen = 0
    amounts = Amounts(grid)
    for r in range(header.row + 1, len(grid.rows)):
        row = grid.rows[r]
        kind = _kind(row[header.rincian]) if header.rincian < len(row) else ""
        if kind not in ("target", "realisasi"):
            text = " ".join(text_of(v) for v in row if v is not None)
            if text:
                res.set_aside.append({"row": r, "role": _role(text), "text": text})
            continue
        label = row[header.label]
        if isinstance(label, str) and label.strip():
            group, group_row = label.strip().upper(), r
        if group is None:
            raise LayoutError("baris Target/Realisasi tanpa kelompoknya (BELANJA, PENDAPATAN…)",
                              grid.file, grid.name, cell_name(r, header.label))
        rec = next((g for g in res.groups if g["group"] == group), None)
        if rec is not None and rec[kind] is not None:   # a second block of the same group
            raise CellError(f"kelompok {group} punya dua baris {kind.capitalize()} (juga di baris "
                            f"{rec['rows'][kind] + 1}); satukan dalam satu blok", grid.file,
                            grid.name, cell_name(r, header.rincian))
        if rec is None:
            rec = {"group": group, "source_file": res.file, "source_sheet": res.sheet,
                   "source_cell": cell_name(group_row, header.label), "total": None,
                   "target": None, "realisasi": None, "cells": {}, "rows": {}}
            res.groups.append(rec)
            if header.total is not None:
                rec["total"] = _amount(amounts, row[header.total], r, header.total, blank=None)
                rec["cells"]["total"] = cell_name(r, header.total)
                if rec["total"] is not None and rec["total"] < 0:
                    res.checks.append({"kind": "negative_amount", "field": "total",
                                       "group": group, "row": r, "year": res.year,
                                       "stated": rec["total"], "computed": 0,
                                       "cell": rec["cells"]["total"]})
        monthly = [_amount(amounts, row[header.months[m]], r, header.months[m], blank=0)
                   for m in range(1, 13)]
        rec[kind] = monthly
        rec["rows"][kind] = r
        rec["cells"][kind] = {m: cell_name(r, header.months[m]) for m in range(1, 13)}
        where = {"group": group, "rincian": kind, "row": r, "year": res.year}
        for m, v in enumerate(monthly, start=1):
            if v < 0 and kind == "target":
                res.checks.append({**where, "kind": "negative", "month": m, "stated": v,
                                   "computed": 0, "cell": cell_name(r, header.months[m])})
            elif v < 0:
                res.checks.append({**where, "kind": "negative_amount", "field": "realisasi",
                                   "month": m, "stated": v, "computed": 0,
                                   "cell": cell_name(r, header.months[m])})
        for q, c in sorted(header.triwulan.items()):
            stated = _amount(amounts, row[c], r, c, blank=None)
            want = sum(monthly[3 * q - 3:3 * q])
            if stated is not None and stated != want:
                res.checks.append({**where, "kind": "triwulan", "quarter": q, "stated": stated,
                                   "computed": want, "cell": cell_name(r, c)})
        if kind == "realisasi" and group.startswith("BELANJA"):  # revenue does not date it
            nonzero = [m for m, v in enumerate(monthly, start=1) if v]
            last_seen = max([last_seen] + nonzero)
    for rec in res.groups:
        if rec["total"] is not None and rec["target"] is not None and \
                rec["total"] != sum(rec["target"]):
            res.checks.append({"kind": "total_anggaran", "group": rec["group"], "rincian": "target",
                               "year": res.year, "stated": sum(rec["target"]),
                               "computed": rec["total"], "cell": rec["cells"]["total"]})
    # the sheet's name says the months it covers ("JAN-JUN": a quiet May and June included); a
    # realisasi filled beyond them is not dropped: the month is then the last one filled
    res.month = max(_months_in_name(grid.name) or 0, last_seen) or None
    res.checks += [{"kind": "ambiguous", "row": r, "cell": cell_name(r, c), "note": note,
                    "year": res.year} for r, c, note in amounts.guesses()]
    for rec in res.groups:
        for k in ("target", "realisasi"):
            if rec[k] is not None:
                rec[k] = [rupiah(v) for v in rec[k]]
        rec["total"] = None if rec["total"] is None else rupiah(rec["total"])
    for c in res.checks:
        if "stated" in c:
            c["stated"], c["computed"] = rupiah(c["stated"]), rupiah(c["computed"])
    return res


def _amount(amounts: Amounts, value, r: int, c: int, blank):
    """Sen, or ``blank`` for an empty cell or a bare "Rp."; refuses a non-amount naming the cell."""
    if value is None or (isinstance(value, str) and re.fullmatch(r"\s*(rp\.?)?\s*", value, re.I)):
        return blank
    return amounts.sen(value, r, c)


def _opd(titles: list[str], grid: SheetGrid, header: KasHeader) -> str | None:
    """The agency's name from the "OPD …" title or the "Nama OPD" column; None if left blank."""
    for t in titles:
        m = re.match(r"^\s*(?:nama\s+)?opd\s*:?\s*(.*)$", t, re.I)
        if m:
            name = re.sub(r"[.…:\s]+$", "", m.group(1)).strip(" .…:")
            if name:
                return name
    first = grid.get(header.row + 1, 0)
    return text_of(first).strip() or None if first is not None else None


def _kind(value) -> str:
    """"target" or "realisasi" for the Rincian cell of a money row ("Realisasi", "Realisasi (Rp)",
    "Realisasi Keuangan", "Target Rp"); anything else (a "Realisasi Fisik" in %) as its key."""
    key = _key(value)
    for kind in ("target", "realisasi"):
        if key == kind or (key.startswith(kind) and key[len(kind):] in ("rp", "keuangan",
                                                                         "anggaran", "rupiah")):
            return kind
    return key


def _role(text: str) -> str:
    low = text.lower()
    if "format salah" in low or "format benar" in low or "catatan" in low:
        return "note"
    return "signature"


def _months_in_name(name: str) -> int | None:
    """``JAN-FEB`` → 2 (the last month a sheet named by its months covers)."""
    found = months_named(name)  # whole words: "JAN-NOP" → 11, "Data Desa" → none
    return max(found) if found else None


def is_kas_template(grid: SheetGrid) -> bool:
    return find_kas_header(grid) is not None
