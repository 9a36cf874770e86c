"""The quarter (triwulan) and year a sheet reports on: from its title rows, else its sheet name,
else its file name (``TW III``, ``Triwulan 3``, ``TW3``, ``Q3``)."""
from __future__ import annotations

import re

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
_QUARTER = re.compile(
    r"(?<![A-Za-z])(?:TW|TRIWULAN|TRW|TRIW|KUARTAL|Q)[\s._-]*(IV|III|II|I|[1-4])(?![A-Za-z0-9])",
    re.IGNORECASE)
# "TRIWULAN I S/D III", "TW I s.d. TW III", "KUMULATIF TW I-III": a range, read at its end
_QUARTER_RANGE = re.compile(
    r"(?<![A-Za-z])(?:TW|TRIWULAN|TRW|TRIW|KUARTAL|Q)[\s._-]*(?:IV|III|II|I|[1-4])\s*"
    r"(?:-|–|s\s*[./]?\s*d\.?|sampai(?:\s+dengan)?|hingga)\s*"
    r"(?:(?:TW|TRIWULAN|TRW|TRIW|KUARTAL|Q)[\s._-]*)?(IV|III|II|I|[1-4])(?![A-Za-z0-9])",
    re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
_BUDGET_YEAR = re.compile(r"(?:tahun\s+anggaran|t\.?a\.?)\s*(20\d\d)", re.IGNORECASE)
_SPAN = re.compile(r"(?<!\d)20\d\d\s*(?:-|–|s\s*[./]?\s*d\.?|sampai)\s*20\d\d(?!\d)", re.IGNORECASE)
# a regulation cited in a title ("Peraturan Walikota Nomor 45 Tahun 2019", "Permendagri 86 Tahun
# 2017", "PP 8 Tahun 2006"): not the sheet's year (a "DPA Nomor 1.02.01 Tahun 2020" is)
_CITED = re.compile(r"\b(?:peraturan|permen\w*|perpres|pp|perda|perwal\w*|perbup|pergub|"
                    r"keputusan|kepmen\w*|keppres|undang-undang|uu|instruksi|inpres|inmendagri|"
                    r"surat\s+edaran|se)\b[^,;()]*?\d[\w./-]*\s+tahun\s+20\d\d(?!\d)",
                    re.IGNORECASE)


def quarter_in(text: str) -> int | None:
    """The quarter named in ``text`` (1..4), the end of a range ("TRIWULAN I S/D III" → 3), or
    None."""
    m = _QUARTER_RANGE.search(text or "") or _QUARTER.search(text or "")
    if not m:
        return None
    token = m.group(1).upper()
    return ROMAN.get(token) or int(token)


def year_in(text: str) -> int | None:
    """The year named in ``text``: 'Tahun Anggaran 2020' first, else the first 20xx; never a cited
    regulation's ("Permendagri 86 Tahun 2017") nor a plan's span ("Renstra 2019-2023")."""
    text = _SPAN.sub(" ", _CITED.sub(" ", text or ""))
    m = _BUDGET_YEAR.search(text) or _YEAR.search(text)
    return int(m.group(1)) if m else None


# month words as the exports write them: Indonesian names and their old spellings (Pebruari,
# Nopember), the usual abbreviations, English names; matched as whole words only ("Desa" is no
# "Des", "Meiliana" no "Mei")
_MONTH_WORDS = {w: i for i, ws in enumerate((
    "januari jan january", "februari pebruari feb peb february", "maret mar march",
    "april apr", "mei may", "juni jun june", "juli jul july",
    "agustus agust agu agt ags aug august", "september sept sep",
    "oktober okt oct october", "november nopember nov nop", "desember des dec december"),
    start=1) for w in ws.split()}
MONTH_WORDS = _MONTH_WORDS   # word -> month, for headers that name their month columns
_DATE = re.compile(r"(?<!\d)(?:(20\d\d)[-/.](\d{1,2})[-/.](\d{1,2})|(\d{1,2})[-/.](\d{1,2})[-/.](20\d\d))"
                   r"(?!\d)")
_RANGE = re.compile(r"(?<![a-z])s\s*[./]?\s*d(?![a-z])\.?|\bsampai\b|\bhingga\b|\bto\b|\s[-–]\s", re.I)


def months_named(text: str) -> list[int]:
    """Every month ``text`` names, in order: month words and dates (``30/06/2022``,
    ``2022-06-30``); what stands in brackets ("(dicetak 2 Mei)") left out."""
    text = re.sub(r"\([^)]*\)", " ", str(text or ""))
    found: list[tuple[int, int]] = []
    for m in _DATE.finditer(text):
        month = int(m.group(2) or m.group(5))
        if 1 <= month <= 12:
            found.append((m.start(), month))
    rest = _DATE.sub(lambda m: " " * len(m.group(0)), text)
    for m in re.finditer(r"[a-z]+", rest.lower()):
        if m.group(0) in _MONTH_WORDS:
            found.append((m.start(), _MONTH_WORDS[m.group(0)]))
    return [month for _, month in sorted(found)]


def year_at_end(text: str) -> int | None:
    """The year a period's text closes on: after a range's "s.d", the year named there ("1
    Desember 2022 s.d 28 Februari 2023" → 2023); else :func:`year_in`."""
    parts = _RANGE.split(re.sub(r"\([^)]*\)", " ", str(text or "")))
    return (year_in(parts[-1]) if len(parts) > 1 else None) or year_in(text)


def month_in(text: str) -> int | None:
    """The month a period's text closes on: after a range's "s.d" / "sampai" / " - ", the month
    named there ("1 Januari s.d 30 Juni 2022", "Januari - Juni", "2022-01-01 s.d 2022-06-30" →
    6); without a range, the one month named. None when no month is named, or several without a
    range (the caller refuses rather than guess)."""
    text = re.sub(r"\([^)]*\)", " ", str(text or ""))
    parts = _RANGE.split(text)
    if len(parts) > 1:
        after = months_named(parts[-1])
        return after[0] if after else None
    named = set(months_named(text))
    return named.pop() if len(named) == 1 else None


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


def quarters_named(title_texts: list[str], sheet_name: str, file_name: str
                   ) -> list[tuple[str, int, int | None]]:
    """Each place that names a quarter: (where, quarter, the title row's index or None)."""
    out = [("judul", q, r) for r, t in enumerate(title_texts) if (q := quarter_in(t))][:1]
    out += [(label, q, None) for text, label in ((sheet_name, "nama sheet"),
                                                 (file_name, "nama file"))
            if (q := quarter_in(text))]
    return out


def roman(quarter: int) -> str:
    return {v: k for k, v in ROMAN.items()}[quarter]
