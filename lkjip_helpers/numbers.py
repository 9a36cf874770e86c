"""Reading and writing rupiah amounts and percentages, in Indonesian and US styles.

Money is exact: amounts are :class:`decimal.Decimal` with at most two decimals (sen).

Styles that real agency sheets contain (see ``docs/domain`` notes in the README):

* ``Rp 2.501.951.000`` (Indonesian grouping), ``Rp 1,009,235,000`` (US grouping)
* ``Rp -``, ``-`` and blank for zero
* ``Rp. 7.338.201.108,-`` (trailing ``,-``); ``600.000,00-`` is read the same way, with a warning
  (it may be an accounting minus)
* ``21,276,070,424,00`` (commas for grouping *and* decimals)
* ``6.671.923,749``: three digits after a comma are read as grouping, with a warning
* ``(1.500)``, ``-1.500`` and the typographic minus ``−1.500`` negative; ``+1.500`` positive
* ``35,38%``, ``35.71%``, ``100%`` and fractions such as ``0.3538`` in a percent-formatted cell
"""
from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

SEN = Decimal("0.01")
ZERO = Decimal(0)

_ZERO_TEXTS = {"", "-", "–", "—", "rp-", "rp.-", "rp", "rp.", "nihil", "0,-", "-,-"}
_CURRENCY = re.compile(r"^(?:rp\.?|idr)\s*", re.IGNORECASE)
_TRAILER = re.compile(r"(?:[.,]-|,00-|\.-)$")
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*$")
_SPACES_AND_MINUS = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ",
                                   "\u2212": "-"})
# the common text cell, ``Rp 1.234.567`` / ``1,234,567`` / ``1234567``: one grouping mark, whole
# rupiah; anything else takes the full reading below (a test checks that both agree)
_PLAIN = re.compile(r"(?:[Rr][Pp]\.?\s*)?(\d{1,3}(?:([.,])\d{3}(?:\2\d{3})*)?|\d+)")


class NumberError(ValueError):
    """A text that is not an amount or a percentage. The message quotes the text."""


class TooLarge(NumberError):
    """A number beyond any real budget (the message says the limit)."""


class Parsed(NamedTuple):
    """A parsed number; ``note`` says why the reading was a guess (None when it was not)."""

    value: Decimal
    note: str | None = None


def _from_float(x: float) -> Decimal:
    if math.isnan(x) or math.isinf(x):
        raise NumberError(f"{x!r} bukan angka")
    # repr gives the shortest decimal that round-trips, so 0.1 stays 0.1
    return Decimal(repr(x))


def _digits(body: str, original: str, max_decimals: int) -> Parsed:
    """Turn ``1.234.567,89`` / ``1,234,567.89`` / ``21,276,070,424,00`` into a Decimal."""
    if not _NUMBER.match(body):
        raise NumberError(f"{original!r} bukan jumlah rupiah")
    seps = [(m.start(), m.group()) for m in re.finditer(r"[.,]", body)]
    if not seps:
        return Parsed(Decimal(body))
    groups = re.split(r"[.,]", body)
    last_pos, last_sep = seps[-1]
    tail = groups[-1]
    note = None
    if len(tail) <= max_decimals and len(tail) != 3:
        # the last separator is the decimal point
        int_groups, frac = groups[:-1], tail
        grouping = {s for _, s in seps[:-1]}
        if last_sep == "." and grouping == {"."}:   # "2.501.951.00": points for both
            note = f"{original!r}: titik terakhir dibaca sebagai tanda desimal"
    elif len(tail) == 3:
        int_groups, frac = groups, ""
        grouping = {s for _, s in seps}
        if len(grouping) > 1:
            # e.g. 6.671.923,749: a comma where a point belongs; read as grouping
            note = f"{original!r}: tiga angka setelah koma dibaca sebagai ribuan"
    else:
        raise NumberError(f"{original!r} bukan jumlah rupiah")
    if len(grouping) > 1 and note is None:
        raise NumberError(f"{original!r} bukan jumlah rupiah")
    if len(int_groups) > 1:
        if not 1 <= len(int_groups[0]) <= 3 or any(len(g) != 3 for g in int_groups[1:]):
            raise NumberError(f"{original!r} bukan jumlah rupiah")
    return Parsed(Decimal("".join(int_groups) + ("." + frac if frac else "")), note)


MAX_AMOUNT = Decimal(10) ** 15  # Rp 1.000 triliun: no budget line is larger; sums stay exact
_MAX_FLOAT = float(MAX_AMOUNT)  # exactly 10^15


def parse_amount(value: object) -> Parsed:
    """Read a rupiah amount from a cell value (number, text or empty).

    Returns the exact amount, rounded to sen only when a float cell carries binary noise;
    ``note`` is set when the reading was a guess. Raises :class:`NumberError` otherwise, also for
    an amount of :data:`MAX_AMOUNT` or more (a typo or a hostile cell, which would overflow the
    exact money type)."""
    if type(value) is float and value.is_integer() and -_MAX_FLOAT < value < _MAX_FLOAT:
        return Parsed(Decimal(int(value)))  # the common case: a whole-rupiah number cell
    parsed = _parse_amount(value)
    if abs(parsed.value) >= MAX_AMOUNT:
        raise TooLarge(f"{value!r} terlalu besar untuk jumlah rupiah (batas Rp 10^15)")
    return parsed


def is_amount(value, dash: bool = True) -> bool:
    """Whether a cell holds an amount: a number, or a text :func:`parse_amount` reads
    ('1.234.567', 'Rp 0'; with ``dash`` also '-' and other zero texts) — not a name, a date, a
    NIP too long for money, a blank or a boolean."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        return False
    if isinstance(value, str) and (not value.strip() or
                                   (not dash and not any(ch.isdigit() for ch in value))):
        return False
    try:
        parse_amount(value)
    except NumberError:
        return False
    return True


def _parse_amount(value: object) -> Parsed:
    if isinstance(value, float) and abs(value) >= MAX_AMOUNT:
        raise TooLarge(f"{value!r} terlalu besar untuk jumlah rupiah (batas Rp 10^15)")
    if value is None:
        return Parsed(ZERO)
    if type(value) is float and value.is_integer() and abs(value) < 2 ** 53:
        return Parsed(Decimal(int(value)))  # the common case: a whole-rupiah number cell
    if isinstance(value, bool):
        raise NumberError(f"{value!r} bukan jumlah rupiah")
    if isinstance(value, int):
        return Parsed(Decimal(value))
    if isinstance(value, float):
        d = _from_float(value)
        q = d.quantize(SEN)
        if abs(d - q) > Decimal("1e-6"):
            return Parsed(q, f"{value!r} lebih dari dua desimal; dibulatkan menjadi {q}")
        return Parsed(q if q != q.to_integral() else q.quantize(Decimal(1)))
    if isinstance(value, Decimal):
        return Parsed(value)
    if not isinstance(value, str):
        raise NumberError(f"{value!r} bukan jumlah rupiah")
    plain = _PLAIN.fullmatch(value)
    if plain is not None:
        sep = plain.group(2)
        return Parsed(Decimal(plain.group(1).replace(sep, "") if sep else plain.group(1)))
    return _parse_text(value)


def _parse_text(value: str) -> Parsed:
    """Any amount written as text (see the module docstring for the styles read)."""
    # no-break and thin spaces as spaces; the typographic minus (U+2212) as "-"
    text = value.strip().translate(_SPACES_AND_MINUS).strip()
    if text.lower().replace(" ", "") in _ZERO_TEXTS:
        return Parsed(ZERO)
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    text = _CURRENCY.sub("", text).strip()
    if text.startswith("-") and len(text) > 1:
        negative, text = True, text[1:].strip()
    elif text.startswith("+") and text[1:].lstrip()[:1].isdigit() and not negative:
        text = text[1:].strip()   # "+600.000": a plain sign (not "+-", nor "+62 812 …")
        if " " in text:
            raise NumberError(f"{value.strip()!r} bukan jumlah rupiah")
    # "600.000,00-": the ",-" of "Rp 600.000,-" after the sen, or an accounting minus
    doubt = text.endswith(",00-") and text[:-4].strip()[-1:].isdigit()
    text = _TRAILER.sub("", text).replace(" ", "")
    if text.lower() in _ZERO_TEXTS:
        return Parsed(ZERO)
    parsed = _digits(text, value.strip(), max_decimals=2)
    note = parsed.note
    if doubt and parsed.value and not negative:
        note = (f"{value.strip()!r}: tanda '-' di akhir dibaca sebagai penutup ',-' (jumlah "
                "positif), bukan tanda minus")
    return Parsed(-parsed.value if negative else parsed.value, note)


MAX_PERCENT = Decimal(10) ** 7  # what the tables' percent type holds


def parse_percent(value: object) -> tuple[Decimal, int] | None:
    """See :func:`_parse_percent`; a percentage of 10^7 or more is refused (:class:`TooLarge`)."""
    got = _parse_percent(value)
    if got is not None and abs(got[0]) >= MAX_PERCENT:
        raise TooLarge(f"{value!r} terlalu besar untuk persentase")
    return got


def _parse_percent(value: object) -> tuple[Decimal, int] | None:
    """Read a percentage: ``35,38%``, ``35.71%``, ``100%``, ``35,38`` (text: percent as written) or a
    fraction in a % cell.

    Returns ``(percent, decimals printed)``, e.g. ``(Decimal('35.38'), 2)``, or None when
    the cell is empty. A number cell is a fraction (Excel's percent format) when its magnitude is
    at most 10 (1000%), otherwise a number already in percent.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise NumberError(f"{value!r} bukan persentase")
    if isinstance(value, float) and not abs(value) < float(MAX_PERCENT):
        raise TooLarge(f"{value!r} terlalu besar untuk persentase")
    if isinstance(value, (int, float, Decimal)):
        d = value if isinstance(value, Decimal) else (
            Decimal(value) if isinstance(value, int) else _from_float(round(value, 10)))
        pct = d * 100 if abs(d) <= 10 else d
        pct = pct.normalize()
        exp = pct.as_tuple().exponent
        decimals = max(0, -exp) if isinstance(exp, int) else 0
        return pct, decimals
    if not isinstance(value, str):
        raise NumberError(f"{value!r} bukan persentase")
    text = value.strip().replace("\u00a0", "").replace(" ", "")
    if text in ("", "-", "–"):
        return None
    body = text[:-1] if text.endswith("%") else text  # "35,38" in a % column: percent as written
    negative = body.startswith("-")
    body = body.lstrip("-")
    if not re.fullmatch(r"\d+(?:[.,]\d+)?", body):
        raise NumberError(f"{value!r} bukan persentase")
    decimals = len(body) - body.replace(",", ".").index(".") - 1 if re.search(r"[.,]", body) else 0
    pct = Decimal(body.replace(",", "."))
    return (-pct if negative else pct), decimals


MAX_PERCENT_DECIMALS = 4  # the tidy tables keep stated percentages at four decimals


def percent_of_number(value, as_fraction: bool, decimals: int | None) -> tuple[Decimal, int]:
    """A numeric percent cell as (percent, decimals printed). ``as_fraction``: Excel's percent
    (0.9972 shows 99,72%). ``decimals``: what its number format prints (None: General, then the
    digits the value has, an unrounded formula result counting as four). The value is rounded
    (half up) to what is printed, never beyond four decimals."""
    d = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
    pct = d * 100 if as_fraction else d
    if decimals is None:
        exp = pct.normalize().as_tuple().exponent
        decimals = max(0, -exp) if isinstance(exp, int) else 0
    decimals = min(decimals, MAX_PERCENT_DECIMALS)
    step = _STEPS[decimals] if decimals >= 0 else Decimal(1).scaleb(-decimals)
    return pct.quantize(step, ROUND_HALF_UP), decimals


_STEPS = tuple(Decimal(1).scaleb(-d) for d in range(MAX_PERCENT_DECIMALS + 1))  # 1, 0.1, …


def percent_matches(stated: Decimal, decimals: int, numerator: Decimal, denominator: Decimal) -> bool:
    """True when ``stated`` (printed with ``decimals`` places) is numerator/denominator×100
    rounded half-up or truncated at that precision. Exact: no float involved."""
    from decimal import ROUND_DOWN, ROUND_HALF_UP

    if denominator == 0:
        return stated == 0 and numerator == 0
    exact = numerator * 100 / denominator
    q = Decimal(1).scaleb(-decimals)
    return stated in (exact.quantize(q, ROUND_HALF_UP), exact.quantize(q, ROUND_DOWN))


def is_missing(value) -> bool:
    """None, NaN or pandas' NA: a value that is not there (a missing amount is never zero)."""
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    if isinstance(value, Decimal):
        return value.is_nan()
    return type(value).__name__ in ("NAType", "NaTType")


def within_rounding(stated: Decimal, computed: Decimal, rows: int, unit) -> bool:
    """Amounts rounded to a stated unit (1000 for "dalam ribuan"): a stated sum of ``rows`` rounded
    rows agrees with their sum when the two differ by no more than the rounding they carry, half a
    unit for each row and for the stated sum itself. Without a unit (rupiah) only equality agrees."""
    if stated == computed:
        return True
    if unit is None or is_missing(unit) or int(unit) <= 1:
        return False
    return abs(Decimal(stated) - Decimal(computed)) * 2 <= (rows + 1) * int(unit)


def percent_within_rounding(stated: Decimal, decimals: int, numerator: Decimal,
                            denominator: Decimal, unit) -> bool:
    """A stated percentage of two amounts each rounded to ``unit``: agrees when some pair of true
    amounts within half a unit of the stated ones gives it at the printed precision."""
    if unit is None or is_missing(unit) or int(unit) <= 1:
        return False
    h = Decimal(int(unit)) / 2
    lo_den, hi_den = denominator + h, denominator - h
    if hi_den <= 0:
        return True  # a pagu below its own rounding: any percentage can be true
    lo = max(numerator - h, Decimal(0)) * 100 / lo_den
    hi = (numerator + h) * 100 / hi_den
    half = Decimal(1).scaleb(-decimals)  # truncation or rounding at the printed precision
    return lo - half <= Decimal(stated) <= hi + half


# ---------------------------------------------------------------- formatting (Babel, id_ID)

def format_rupiah(value: Decimal | int | float | None, prefix: str = "Rp ") -> str:
    """``Rp 1.234.567`` (sen shown only when there are any: ``Rp 1.234,50``).

    The same text as Babel's ``id_ID`` pattern ``#,##0`` / ``#,##0.00`` (a test checks that);
    written directly because findings format tens of thousands of amounts."""
    if is_missing(value):
        return "–"
    d = Decimal(str(value)) if not isinstance(value, Decimal) else value
    d = d.quantize(SEN) if d != d.to_integral() else d.to_integral()
    return ("-" if d < 0 else "") + prefix + format_amount_id(abs(d))


def format_percent(value: Decimal | float | None, decimals: int = 2) -> str:
    """``12,34%``; None gives an en dash."""
    from babel.numbers import format_decimal

    if is_missing(value):
        return "–"
    from decimal import ROUND_HALF_UP

    fmt = "#,##0" + ("." + "0" * decimals if decimals else "")
    d = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return format_decimal(d, format=fmt, locale="id_ID") + "%"


def format_amount_us(value: Decimal) -> str:
    """``1,234,567.50``: the US style, for tests and for writing sample sheets."""
    return f"{value:,.2f}" if value != value.to_integral() else f"{int(value):,}"


def format_amount_id(value: Decimal) -> str:
    """``1.234.567,50``: the Indonesian style, for tests and for writing sample sheets."""
    return format_amount_us(value).translate(str.maketrans(",.", ".,"))


def money_json(value: Decimal) -> int | Decimal:
    """An amount for JSON: an int for whole rupiah; otherwise the Decimal in sen, which
    :func:`json_text` writes as the exact number literal (a float is inexact above about Rp 90
    triliun)."""
    if value == value.to_integral():
        return int(value)
    return value.quantize(SEN)


def json_text(obj, **options) -> str:
    """``json.dumps`` with every Decimal written as its exact number literal (``12.50``), not
    as a string nor through a float."""
    import json
    import secrets

    mark = f"lkjip-exact-{secrets.token_hex(8)}:"

    def exact(o):
        if isinstance(o, Decimal) and o.is_finite():
            return mark + format(o, "f")
        return str(o)
    return re.sub(rf'"{mark}(-?[0-9]+(?:\.[0-9]+)?)"', r"\1",
                  json.dumps(obj, default=exact, **options))


_WRITTEN = re.compile(r"^(-?)(\d+)(?:([.,])(\d+))?\s*(%?)$")


def format_as_written(value) -> str:
    """A value copied from a sheet, shown in the Indonesian style at the precision it was written
    with: ``49.48%`` → ``49,48%``, ``95 %`` → ``95%``, ``161.5%`` → ``161,5%``, 0.86 → ``0,86``.
    Text that is not a plain number (``Madya``) stays as written; so does ``1.200`` without a %
    sign (grouping or decimals cannot be told apart): nothing is guessed. Empty gives an en dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        d = Decimal(repr(round(value, 10))) if isinstance(value, float) else Decimal(value)
        exp = d.normalize().as_tuple().exponent
        decimals = max(0, -exp) if isinstance(exp, int) else 0
        return format_percent(d, decimals)[:-1]
    text = str(value).strip()
    if text in ("", "-", "–"):
        return "–"
    m = _WRITTEN.match(text.replace("\u00a0", " "))
    if not m:
        return text
    sign, whole, sep, frac, pct = m.groups()
    if sep and len(frac) == 3 and not pct:
        return text
    d = Decimal(f"{sign}{whole}.{frac}" if sep else f"{sign}{whole}")
    out = format_percent(d, len(frac) if sep else 0)
    return out if pct else out[:-1]
