"""The quarter (triwulan) and year a sheet reports on: from its title rows, else its sheet name,
else its file name (``TW III``, ``Triwulan 3``, ``TW3``, ``Q3``)."""
from __future__ import annotations

import re

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
_QUARTER = re.compile(
    r"(?<![A-Za-z])(?:TW|TRIWULAN|TRW|TRIW|KUARTAL|Q)[\s._-]*(IV|III|II|I|[1-4])(?![A-Za-z0-9])",
    re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
_BUDGET_YEAR = re.compile(r"(?:tahun\s+anggaran|t\.?a\.?)\s*(20\d\d)", re.IGNORECASE)


def quarter_in(text: str) -> int | None:
    """The quarter named in ``text`` (1..4), or None."""
    m = _QUARTER.search(text or "")
    if not m:
        return None
    token = m.group(1).upper()
    return ROMAN.get(token) or int(token)


def year_in(text: str) -> int | None:
    """The year named in ``text``: 'Tahun Anggaran 2020' first, else the first 20xx."""
    m = _BUDGET_YEAR.search(text or "") or _YEAR.search(text or "")
    return int(m.group(1)) if m else None


def detect_period(title_texts: list[str], sheet_name: str, file_name: str
                  ) -> tuple[int | None, int | None, str]:
    """Return (year, quarter, where) from the first place that names them."""
    title = " ".join(title_texts)
    year = year_in(title)
    quarter = quarter_in(title)
    where = "judul"
    for text, label in ((sheet_name, "nama sheet"), (file_name, "nama file")):
        if quarter is None:
            quarter = quarter_in(text)
            where = label
        if year is None:
            year = year_in(text)
    return year, quarter, where


def roman(quarter: int) -> str:
    return {v: k for k, v in ROMAN.items()}[quarter]
