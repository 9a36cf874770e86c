"""The unit a sheet states its amounts in: "dalam ribuan rupiah", "(Rp 000)", "Rp. Juta", "dalam
jutaan", "(Dalam Rp 1.000)", "(Rp x 1000)", "Rp '000", "(Ribu Rp)". Read from the sheet's head (the title rows above the table) and its header cells; a unit in
a money column's header applies to that column, one in the title rows to every amount of the sheet.

The rule: an amount is multiplied by its unit (10³ for ribu/ribuan/000, 10⁶ for juta/jutaan/000.000,
10⁹ for miliar/milyar), with a warning naming the cell that states it. A statement of a unit that is not
one of these ("dalam ratusan", "dalam dolar", "Satuan: paket") refuses the sheet, naming the cell, as do
two different units for the same amounts: money is never read at a scale that was guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..errors import LayoutError
from .workbook import SheetGrid, cell_name, text_of

_WORDS = {"ribu": 3, "ribuan": 3, "juta": 6, "jutaan": 6, "miliar": 9, "milyar": 9,
          "miliaran": 9, "milyaran": 9, "triliun": 12, "triliunan": 12, "rupiah": 0}
_ZEROS = {"000": 3, "000.000": 6, "000,000": 6, "000.000.000": 9, "000,000,000": 9}
# a statement of a unit, and what it states (group "u")
_STATEMENTS = [
    re.compile(r"\bdalam\s+(?:satuan\s+)?(?P<u>[a-z$]+(?:\s+rupiah)?)", re.I),
    re.compile(r"\bsatuan\s*(?:nilai|anggaran|uang)?\s*:\s*(?P<u>[a-z$]+)", re.I),
    re.compile(r"\b(?:rp|idr)\.?\s*(?P<u>000(?:[.,]000)*|ribu|ribuan|juta|jutaan|miliar|milyar)\b",
               re.I),
    re.compile(r"\(\s*(?P<u>000(?:[.,]000)*)\s*(?:rp\.?|rupiah)?\s*\)", re.I),
    re.compile(r"\b(?P<u>ribu|ribuan|juta|jutaan|miliar|milyar)\s+rupiah\b", re.I),
    # "(Dalam Rp 1.000)", "(Rp x 1000)", "Rp '000", "(Ribu Rp)"
    # (the unit closes the bracket or the text: "(Rp 1.000.000 per paket)" is a price)
    re.compile(r"(?:\(\s*(?:dalam\s+)?|\bdalam\s+)(?:rp|idr)\.?\s*(?:x\s*)?"
               r"(?P<u>1[.,]?000(?:[.,]?000)*)(?=\s*(?:\)|$))", re.I),
    re.compile(r"\b(?:rp|idr)\.?\s*(?:x\s*|')(?P<u>1?[.,]?000(?:[.,]?000)*)(?=\s*(?:\)|$))",
               re.I),
    re.compile(r"\(\s*(?P<u>ribu|ribuan|juta|jutaan|miliar|milyar)\s*(?:rp\.?|rupiah)\s*\)",
               re.I),
]
_MONEY_WORD = re.compile(r"\b(rp|idr|rupiah)\b", re.I)
# words after "dalam" that are no unit at all ("dalam rangka", "dalam proses")
_QUANTITY = re.compile(r"^(ratus|puluh|ribu|juta|miliar|milyar|triliun|rupiah|dolar|dollar|usd|"
                       r"us\$|\$|satuan)", re.I)


@dataclass(frozen=True)
class Unit:
    factor: Decimal
    text: str
    cell: str
    row: int
    col: int

    @property
    def label(self) -> str:
        return {3: "ribuan rupiah", 6: "jutaan rupiah", 9: "miliaran rupiah",
                12: "triliunan rupiah"}.get(self.factor.adjusted(), "rupiah")

    @property
    def note(self) -> str:
        """The UNIT_SCALED warning's text (every reader that scales says the same)."""
        return (f"angka ditulis dalam {self.label} ({self.text!r}): setiap jumlah dikalikan "
                f"{int(self.factor):,}".replace(",", ".") +
                "; selisih sebesar pembulatan satuan itu bukan kesalahan")


def too_large(value, factor: Decimal) -> str:
    """Why a cell is refused when its stated unit takes it past :data:`MAX_AMOUNT`."""
    return (f"{text_of(value)!r} × {int(factor):,} (satuan yang tertulis) terlalu besar untuk "
            "jumlah rupiah (batas Rp 10^15)").replace(",", ".")


def stated_unit(text: str) -> tuple[int | None, str] | None:
    """``(power of ten, phrase)`` of a unit stated in ``text``; ``(None, phrase)`` when a unit is
    stated but cannot be read; None when the text states no unit."""
    for pat in _STATEMENTS:
        for m in pat.finditer(text):
            u = " ".join(m.group("u").lower().split())
            phrase = m.group(0).strip() + (")" if m.group(0).startswith("(") and
                                           not m.group(0).rstrip().endswith(")") else "")
            if pat is _STATEMENTS[0] and not _QUANTITY.match(u):
                continue  # "dalam rangka": not a unit
            word = u.replace(" rupiah", "") if u != "rupiah" else u
            digits = re.sub(r"[.,]", "", word)
            if re.fullmatch(r"1?(?:000)+", digits) and any(ch.isdigit() for ch in word):
                return 3 * (len(digits) // 3), phrase   # "1.000", "1000", "'000"
            if word in _ZEROS:
                return _ZEROS[word], phrase
            if word in _WORDS and (u == word or u.endswith("rupiah") or
                                   pat is _STATEMENTS[-1]):
                return _WORDS[word], phrase
            return None, phrase
    return None


def sheet_units(grid: SheetGrid, title_rows: list[int], header_rows: list[int],
                money_cols: list[list[int]], group: tuple[int, int] | None,
                budget_from: int = 0) -> tuple[Unit | None, dict[int, Unit]]:
    """(the unit of the whole sheet, the unit of each money column). Title rows state the sheet's
    unit; a header cell over a money column (or over the *Anggaran* group) states that column's;
    another header cell from column ``budget_from`` on (the budget's side: "Program / Kegiatan
    (dalam ribuan rupiah)", a note right of REALISASI) states the sheet's; header cells left of
    it (the indicator's) are not about money. Raises :class:`LayoutError` naming the cell for a
    unit that cannot be read or two that disagree."""
    sheet: Unit | None = None
    cols: dict[int, Unit] = {}
    for r in list(title_rows) + list(header_rows):
        for c, v in enumerate(grid.rows[r] if r < len(grid.rows) else []):
            if not isinstance(v, str):
                continue
            got = stated_unit(v)
            if got is None:
                continue
            power, phrase = got
            if r in header_rows:
                if group and group[0] <= c < group[1] and r == header_rows[0]:
                    targets = money_cols  # over the merged *Anggaran* header: all its columns
                else:
                    targets = [cs for cs in money_cols if c in cs]
                if not targets and (c < budget_from or not _MONEY_WORD.search(phrase)):
                    continue  # an indicator column's unit ("Jumlah Penduduk (ribuan)")
            else:
                targets = None
            where = cell_name(r, c)
            if power is None:
                raise LayoutError(f"satuan {phrase!r} tidak dapat dibaca (yang dikenal: ribuan, "
                                  "jutaan, miliar, rupiah): angka tidak dibaca dengan skala "
                                  "tebakan",
                                  grid.file, grid.name, where)
            unit = Unit(Decimal(10) ** power, phrase, where, r, c)
            if targets:
                for col in {col for cs in targets for col in cs}:
                    cols[col] = _agree(cols.get(col), unit, grid)
            else:
                sheet = _agree(sheet, unit, grid)
    if sheet is not None:
        for unit in cols.values():
            _agree(sheet, unit, grid)
    return sheet, cols


def _agree(old: Unit | None, new: Unit, grid: SheetGrid) -> Unit:
    if old is not None and old.factor != new.factor:
        raise LayoutError(f"dua satuan untuk angka yang sama: {old.text!r} ({old.cell}) dan "
                          f"{new.text!r}; nyatakan satu saja", grid.file, grid.name, new.cell)
    return old or new


__all__ = ["Unit", "sheet_units", "stated_unit", "text_of", "too_large"]
