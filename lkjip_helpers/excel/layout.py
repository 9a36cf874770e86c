"""Finding the Pengukuran Kinerja table in a sheet: its header rows and what each column holds.

The table may start anywhere (title rows above, empty columns to the left); its header is one or two
rows, the second under a merged *Anggaran* cell, optionally followed by a ``1 2 3 … 12`` numbering row.
Money is never read from a column whose meaning was guessed: without a *Pagu* header the sheet is refused.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from ..errors import LayoutError
from .workbook import SheetGrid, cell_name, text_of

ROLE_PATTERNS = {
    "name": re.compile(r"^(program\s*/\s*kegiatan|program\s*,?\s*kegiatan|program|kegiatan|"
                       r"sub\s*kegiatan|uraian|nama\s+(program|kegiatan))\b", re.I),
    "pagu": re.compile(r"^pagu\b", re.I),
    "realisasi": re.compile(r"^realisasi\b", re.I),
    "capaian": re.compile(r"^(capaian|persentase|prosentase|%)", re.I),
    "no": re.compile(r"^no\.?$", re.I),
    "tujuan": re.compile(r"^tujuan\b", re.I),
    "sasaran": re.compile(r"^sasaran\b", re.I),
    "indikator": re.compile(r"^indikator\b", re.I),
    "formulasi": re.compile(r"^formulasi\b", re.I),
    "target": re.compile(r"^target\b", re.I),
    "kode": re.compile(r"^kode(\s+(rekening|program|kegiatan))?\b", re.I),
}
ANGGARAN = re.compile(r"^anggaran\b", re.I)
BUDGET_ROLES = ("pagu", "realisasi", "capaian")
INDICATOR_ROLES = ("no", "tujuan", "sasaran", "indikator", "formulasi", "target",
                   "ind_realisasi", "ind_capaian")
MAX_HEADER_SEARCH = 200


def norm(text) -> str:
    """Text with runs of white space (line breaks included) folded to one space."""
    return " ".join(text_of(text).split())


@dataclass
class Layout:
    """Where the table is: header rows, first body row, and column spans per role.

    ``columns[role]`` is a list of 0-based columns; money roles may span two cells
    (``Rp`` | ``1.234``), whose texts are joined."""

    header_rows: list[int]
    body_start: int
    columns: dict[str, list[int]] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)  # column -> header text (for repeats)
    group: tuple[int, int] | None = None  # the columns under a merged *Anggaran* header

    def col(self, role: str) -> int | None:
        cols = self.columns.get(role)
        return cols[0] if cols else None


_NUMBERING = re.compile(r"^\(?\s*(\d{1,2})\s*\)?(?:\s*=\s*[\d()+\-x×*/:.%\s]+)?$")


def _is_numbering_row(row: list) -> bool:
    """A column-numbering row under the header: ``1 2 3 … 12``, ``(1) (2) …`` or
    ``1 2 3 4 5=3-4`` (a column defined by others), numbers rising by one from 0 or 1."""
    nums = [v for v in row if v is not None]
    if len(nums) < 3:
        return False
    ints = []
    for v in nums:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if float(v) != int(v):
                return False
            ints.append(int(v))
            continue
        m = _NUMBERING.match(text_of(v).strip())
        if not m:
            return False
        ints.append(int(m.group(1)))
    return ints == list(range(ints[0], ints[0] + len(ints))) and ints[0] in (0, 1)


def _spans(row: list, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """Labelled spans of a header row between columns lo..hi-1: each label runs right until the
    next label (merged header cells hold their text in the first cell only)."""
    starts = [(c, norm(row[c])) for c in range(lo, hi) if c < len(row) and row[c] is not None]
    out = []
    for k, (c, text) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else hi
        out.append((c, end, text))
    return out


def _role(text: str) -> str | None:
    for role, pat in ROLE_PATTERNS.items():
        if pat.search(text):
            return role
    return None


def find_layout(grid: SheetGrid) -> Layout | None:
    """The table's layout, or None when the sheet holds no Pengukuran Kinerja table.

    Raises :class:`LayoutError` when a header is found but a needed column is missing.
    """
    width = grid.width
    for r in range(min(len(grid.rows), MAX_HEADER_SEARCH)):
        row = grid.rows[r]
        name_cols = [c for c, v in enumerate(row) if isinstance(v, str)
                     and ROLE_PATTERNS["name"].search(norm(v)) and len(norm(v)) < 60]
        if not name_cols:
            continue
        has_pagu_here = any(isinstance(v, str) and ROLE_PATTERNS["pagu"].search(norm(v)) for v in row)
        anggaran = [c for c, v in enumerate(row) if isinstance(v, str) and ANGGARAN.search(norm(v))]
        nxt = grid.rows[r + 1] if r + 1 < len(grid.rows) else []
        nxt_has_pagu = any(isinstance(v, str) and ROLE_PATTERNS["pagu"].search(norm(v)) for v in nxt)
        if not (has_pagu_here or anggaran or nxt_has_pagu):
            continue
        return _build_layout(grid, r, name_cols[0], has_pagu_here, anggaran, width)
    return None


def _build_layout(grid: SheetGrid, r: int, name_col: int, single: bool, anggaran: list[int],
                  width: int) -> Layout:
    row = grid.rows[r]
    columns: dict[str, list[int]] = {}
    money: dict[str, list[tuple[int, int, str, int]]] = {}   # role -> (start, end, label, row)
    labels: dict[int, str] = {}
    header_rows = [r]
    top = _spans(row, 0, width)
    for start, end, text in top:
        labels[start] = text
        if ANGGARAN.search(text) and not single:
            continue
        role = _role(text)
        if role in ("realisasi", "capaian") and start < name_col:
            role = f"ind_{role}"  # the indicator's own Realisasi / Capaian, left of the budget
        if role in ("pagu", "realisasi"):
            money.setdefault(role, []).append((start, end, text, r))
            continue
        if role is None or role in columns:
            continue
        columns[role] = [start]
    if not single:
        sub = grid.rows[r + 1] if r + 1 < len(grid.rows) else []
        header_rows.append(r + 1)
        if anggaran:
            g0 = anggaran[0]
            g_end = next((s for s, _, _ in top if s > g0), width)
            group_label = cell_name(r, g0)
        else:
            g0, g_end, group_label = 0, width, None
        for start, end, text in _spans(sub, g0, g_end):
            labels[start] = text
            role = _role(text)
            if role in ("pagu", "realisasi"):
                money.setdefault(role, []).append((start, end, text, r + 1))
            elif role == "capaian" and role not in columns:
                columns[role] = [start]
    # an indicator's columns (Indikator, Target) right of the name column and of the first
    # money column: the money columns after them are the indicator's
    first_money = min((f[0] for fs in money.values() for f in fs), default=None)
    marks = [c for rr in header_rows[:2] for c, _, text in
             _spans(grid.rows[rr] if rr < len(grid.rows) else [], 0, width)
             if _role(text) in ("target", "indikator") and c > name_col and
             first_money is not None and c > first_money]
    for role, found in money.items():
        # under a merged "Anggaran" the budget's own columns, not a Realisasi beside it
        grouped = [f for f in found if f[3] == r + 1] if not single and anggaran else []
        columns[role] = _money_column(grid, role, grouped or found, min(marks, default=None))
    if not single:
        if "pagu" not in columns:
            where = f"di bawah 'Anggaran' ({group_label})" if group_label else f"di baris {r + 2}"
            raise LayoutError(f"tidak ada kolom 'Pagu' {where}: uang tidak dibaca dari kolom "
                              "yang artinya tidak dinyatakan", grid.file, grid.name,
                              cell_name(r + 1, g0))
    body = header_rows[-1] + 1
    if body < len(grid.rows) and _is_numbering_row(grid.rows[body]):
        header_rows.append(body)
        body += 1
    for role in ("pagu", "realisasi"):
        if role not in columns:
            raise LayoutError(f"tidak ada kolom '{role.capitalize()}' pada baris judul",
                              grid.file, grid.name, cell_name(r, name_col))
    columns["name"] = [name_col]
    group = (g0, g_end) if not single and anggaran else None
    return Layout(header_rows=header_rows, body_start=body, columns=columns, labels=labels,
                  group=group)


# not this quarter's money: physical progress or a percent, an indicator's (kinerja, output), a
# plan for later (indikatif), an earlier period's (lalu, sebelumnya)
_NOT_MONEY = re.compile(r"\b(fisik|kinerja|output|outcome|indikatif|lalu|sebelum\w*)\b|%", re.I)
_TO_DATE = re.compile(r"\b(s\s*[./]?\s*d|sampai|hingga|kumulatif|komulatif|total)\b", re.I)
_EARLIER = re.compile(r"\b(lalu|sebelum\w*)\b", re.I)
_OLD_PAGU = re.compile(r"\b(murni|awal|semula|induk|sebelum\w*)\b", re.I)
_NEW_PAGU = re.compile(r"\b(perubahan|pergeseran|refocusing|setelah|menjadi|akhir)\b", re.I)


def _money_column(grid: SheetGrid, role: str, found: list[tuple[int, int, str, int]],
                  indicator_from: int | None = None) -> list[int]:
    """The column (span) of the pagu or the realisasi among the headers that name it: the one
    money column; of several, the cumulative realisasi to this quarter ("Realisasi s.d. Triwulan
    Ini", not "… Lalu" nor "… Triwulan Ini" alone) or the pagu of the latest version ("Pagu
    Perubahan", not "Pagu Murni"); refused, naming them, when that cannot be told (the first was
    taken: last quarter's realisasi, or the Murni pagu)."""
    money = [f for f in found if not _NOT_MONEY.search(f[2])] or found
    if indicator_from is not None:   # an indicator's Target | Realisasi right of the budget
        money = [f for f in money if f[0] < indicator_from] or money
    if len(money) > 1:
        if role == "realisasi":
            pick = [f for f in money if _TO_DATE.search(f[2]) and not _EARLIER.search(f[2])]
        else:
            pick = [f for f in money if _NEW_PAGU.search(f[2]) and not _OLD_PAGU.search(f[2])]
        if len(pick) != 1:
            names = ", ".join(f"{cell_name(row, c)} {text!r}" for c, _, text, row in money[:4])
            raise LayoutError(
                f"beberapa kolom {role.capitalize()} ({names}): kolom "
                + ("realisasi kumulatif sampai triwulan ini" if role == "realisasi" else
                   "pagu yang berlaku") + " tidak dapat ditentukan; beri judul yang jelas (mis. "
                + ("'Realisasi s.d. Triwulan Ini'" if role == "realisasi" else
                   "'Pagu Perubahan'") + ") atau pakai mapping", grid.file, grid.name,
                cell_name(money[1][3], money[1][0]))
        money = pick
    start, end, _, _ = money[0]
    return list(range(start, end))


def is_header_repeat(row: list, layout: Layout) -> bool:
    """A header or numbering row repeated further down (page breaks)."""
    return header_repeat_test(layout)(row)


def header_repeat_test(layout: Layout) -> Callable[[list], bool]:
    """:func:`is_header_repeat` for one layout, its labels prepared once for a sheet's rows."""
    name_col = layout.columns["name"][0]
    pagu_col = layout.columns["pagu"][-1]
    labels = [(c, label.lower()) for c, label in layout.labels.items()]

    def test(row: list) -> bool:
        name = row[name_col] if name_col < len(row) else None
        if (not isinstance(name, str) or _NUMBERING.match(name)) and _is_numbering_row(row):
            return True
        if isinstance(name, str):
            if pagu_col < len(row) and type(row[pagu_col]) in (float, int):
                return False  # a budget line: a name and a number under Pagu
        hits = 0
        for c, label in labels:
            v = row[c] if c < len(row) else None
            if isinstance(v, str) and len(v) < 80 and norm(v).lower() == label:
                hits += 1
        return hits >= 2 or (hits == 1 and sum(v is not None for v in row) == 1)

    return test
