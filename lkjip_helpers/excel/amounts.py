"""Amounts of the flat exports and the anggaran kas template, read in sen (exact), with every
reading that was a guess remembered by its cell (``AMBIGUOUS_NUMBER`` downstream):

* what :func:`lkjip_helpers.numbers.parse_amount` notes (``6.671.923,749``: three digits after a
  comma read as thousands; a number cell with more than two decimals);
* a text amount with one separator and three digits after it (``1.234``, ``1,234``: read as
  thousands, as rupiah has at most two decimals) in a column whose other text cells write that
  same separator as the decimal point (``1234.5``, ``12,50``): the column says the reading may be
  wrong. One note per column and separator, at its first such cell, with the count.

Whole numbers and plain ``1.234.567,89`` text (the bulk of an export) are read here directly.
"""
from __future__ import annotations

import re
from decimal import Decimal

from ..errors import CellError
from ..numbers import NumberError, format_rupiah, parse_amount
from ..unknown import unreadable_text
from .workbook import SheetGrid, Unreadable, cell_name

MAX = _MAX = 10 ** 15   # numbers.MAX_AMOUNT: parse_amount refuses an amount that large
_ID_AMOUNT = re.compile(r"(\d{1,3}(?:\.\d{3})*)(?:,(\d\d?))?")
_TAIL = re.compile(r"([.,])(\d+)$")
_SHORT = re.compile(r"\d{1,3}[.,]\d{3}")
_SEP_NAME = {".": "titik", ",": "koma"}


def rupiah(sen: int) -> Decimal:
    """Sen, as the readers sum them, to rupiah, exactly."""
    return Decimal(sen).scaleb(-2)


class Amounts:
    """One sheet's amount reader: :meth:`sen` reads a cell, :meth:`guesses` tells afterwards which
    readings were guesses, as ``(row, col, note)`` (0-based; notes in Bahasa Indonesia)."""

    def __init__(self, grid: SheetGrid):
        self.grid = grid
        self._notes: list[tuple[int, int, str]] = []
        self._short: dict[tuple[int, str], list] = {}   # (col, sep) -> [first r, text, count]
        self._decimal: set[tuple[int, str]] = set()     # (col, sep) written as a decimal point

    def sen(self, value, r: int, c: int) -> int:
        """The amount of a cell in sen; refuses a cell that is not an amount, naming it."""
        if type(value) is float and value.is_integer() and -_MAX < value < _MAX:
            return int(value) * 100
        if type(value) is int and -_MAX < value < _MAX:
            return value * 100
        if type(value) is str:
            m = _ID_AMOUNT.fullmatch(value)
            if m:
                whole, frac = m.group(1), m.group(2)
                n = int(whole.replace(".", ""))
                if n < _MAX:
                    if frac:
                        self._decimal.add((c, ","))
                        return n * 100 + int(frac.ljust(2, "0"))
                    if 5 <= len(whole) <= 7 and whole.count(".") == 1:   # 1.234 … 123.456
                        self._short_form(r, c, ".", value)
                    return n * 100
            self._separators(value, r, c)
        try:
            parsed = parse_amount(value)
        except NumberError as exc:  # an error value or a formula without its value: never 0
            why = unreadable_text(value) if isinstance(value, Unreadable) else \
                f"bukan jumlah uang: {exc}"
            raise CellError(why, self.grid.file, self.grid.name, cell_name(r, c)) from None
        if parsed.note:
            self._notes.append((r, c, parsed.note))
        return int(parsed.value * 100)

    def _separators(self, text: str, r: int, c: int) -> None:
        body = re.sub(r"[^\d.,]", "", text)
        m = _TAIL.search(body)
        if m is None:
            return
        if len(m.group(2)) <= 2:
            self._decimal.add((c, m.group(1)))
        elif _SHORT.fullmatch(body):
            self._short_form(r, c, m.group(1), text)

    def _short_form(self, r: int, c: int, sep: str, text: str) -> None:
        got = self._short.get((c, sep))
        if got is None:
            self._short[(c, sep)] = [r, text, 1]
        else:
            got[2] += 1

    def guesses(self) -> list[tuple[int, int, str]]:
        """The readings that were guesses, in sheet order."""
        out = list(self._notes)
        for (c, sep), (r, text, n) in self._short.items():
            if (c, sep) in self._decimal:
                value = int(re.sub(r"\D", "", text))
                more = f" (dan {n - 1} sel lain seperti itu di kolom ini)" if n > 1 else ""
                out.append((r, c, f"{text!r} dibaca {format_rupiah(Decimal(value))} (tanda "
                                  f"{_SEP_NAME[sep]} sebagai ribuan), padahal kolom ini juga "
                                  f"memakai {_SEP_NAME[sep]} sebagai tanda desimal{more}"))
        return sorted(out)
