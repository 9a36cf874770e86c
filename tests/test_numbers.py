from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lkjip_helpers.numbers import (NumberError, format_amount_id, format_amount_us, format_percent,
                                   format_rupiah, parse_amount, parse_percent, percent_matches)


@pytest.mark.parametrize("text,value", [
    ("Rp 2.501.951.000", D(2501951000)),
    ("Rp 1,009,235,000", D(1009235000)),
    ("Rp -", D(0)), ("-", D(0)), (None, D(0)), ("Rp", D(0)),
    ("Rp. 7.338.201.108,-", D(7338201108)),
    ("21,276,070,424,00", D("21276070424.00")),
    ("21,198,274,724,57", D("21198274724.57")),
    ("1.234.567,89", D("1234567.89")),
    ("1,234,567.89", D("1234567.89")),
    ("83.323.000", D(83323000)),
    ("(1.500)", D(-1500)),
    (83324000.0, D(83324000)),
    (1234.5, D("1234.5")),
    (7, D(7)),
    ("\u221210.424.000", D(-10424000)),           # the typographic minus
    ("215\u202f870\u202f718", D(215870718)),      # narrow no-break spaces as grouping
    ("+600.000", D(600000)), ("Rp +1.500,50", D("1500.50")),   # a plain sign (was refused)
])
def test_amounts(text, value):
    parsed = parse_amount(text)
    assert parsed.value == value
    assert parsed.note is None


def test_three_digits_after_comma_is_grouping_with_a_warning():
    parsed = parse_amount("6.671.923,749")
    assert parsed.value == D(6671923749)
    assert "tiga angka setelah koma" in parsed.note


@pytest.mark.parametrize("text", ["Rp 2.91,1.88,000x", "abc", "1.2345", "12,34,567", "1.23.456",
                                  True, "1,5%", "+-600", "-+600", "(+600)x", "+", "+-", "+Rp -",
                                  "+62 812 3456 7890"])
def test_not_amounts(text):
    with pytest.raises(NumberError):
        parse_amount(text)


@pytest.mark.parametrize("value,pct,decimals", [
    ("35,38%", D("35.38"), 2), ("35.71%", D("35.71"), 2), ("100%", D(100), 0),
    ("0,00%", D(0), 2), (0.3538, D("35.38"), 2), (0.0523, D("5.23"), 2),
    (0.05230000000000001, D("5.23"), 2), (1, D(100), 0), ("-5,5 %", D("-5.5"), 1),
])
def test_percents(value, pct, decimals):
    assert parse_percent(value) == (pct, decimals)


def test_percent_blank_and_bad():
    assert parse_percent(None) is None
    assert parse_percent("-") is None
    assert parse_percent("35,38") == (D("35.38"), 2)  # text without %: percent as written
    with pytest.raises(NumberError):
        parse_percent("lima%")


def test_percent_matches_rounding_and_truncation():
    # 100.693.000 / 100.700.000 = 99.993%: printed "100%" is right at 0 decimals
    assert percent_matches(D(100), 0, D(100693000), D(100700000))
    # 49.858.500 / 50.000.000 = 99.717%: "100,00%" is neither rounding nor truncation
    assert not percent_matches(D("100.00"), 2, D(49858500), D(50000000))
    # truncation accepted: 2/3 = 66.666.. -> 66.66 (truncated) and 66.67 (rounded)
    assert percent_matches(D("66.66"), 2, D(2), D(3))
    assert percent_matches(D("66.67"), 2, D(2), D(3))
    assert not percent_matches(D("66.65"), 2, D(2), D(3))


def test_formatting_indonesian():
    assert format_rupiah(D(1234567)) == "Rp 1.234.567"
    assert format_rupiah(D("1234.5")) == "Rp 1.234,50"
    assert format_rupiah(D(-5000)) == "-Rp 5.000"
    assert format_percent(D("12.345")) == "12,35%"
    assert format_percent(None) == "–"


sen = st.decimals(min_value=0, max_value=D("999999999999.99"), places=2,
                  allow_nan=False, allow_infinity=False)


@given(sen, st.sampled_from(["id", "us"]), st.booleans())
def test_format_then_parse_round_trips(value, style, prefix):
    text = (format_amount_id if style == "id" else format_amount_us)(value)
    if prefix:
        text = "Rp " + text
    parsed = parse_amount(text)
    assert parsed.value == value
    # grouping with three digits after a single comma/point is not ambiguous on its own
    assert parsed.note is None


@given(st.integers(min_value=0, max_value=10 ** 13))
def test_whole_rupiah_from_number_cells(n):
    assert parse_amount(float(n)).value == n if n < 2 ** 53 else True


@given(st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False),
       st.sampled_from([",", "."]))
def test_percent_text_round_trips(value, sep):
    text = f"{value:.2f}".replace(".", sep) + "%"
    assert parse_percent(text) == (value, 2)


@given(st.decimals(min_value=-10 ** 12, max_value=10 ** 12, places=2, allow_nan=False,
                   allow_infinity=False))
def test_format_rupiah_is_babels_id_format(value):
    from babel.numbers import format_decimal
    fmt = "#,##0" if value == value.to_integral() else "#,##0.00"
    babel = format_decimal(abs(value), format=fmt, locale="id_ID")
    assert format_rupiah(value) == ("-" if value < 0 else "") + "Rp " + babel


@given(st.lists(st.sampled_from(["Rp", "rp", "RP.", " ", "\u00a0", "1", "23", "456", "0", "7890",
                                 ".", ",", "-", "(", ")", ",-"]), min_size=1, max_size=9))
def test_plain_amount_shortcut_agrees_with_the_full_reading(parts):
    """The shortcut for ``Rp 1.234.567`` gives what the full reading of any text gives."""
    from lkjip_helpers.numbers import _parse_amount, _parse_text

    text = "".join(parts)
    try:
        full = _parse_text(text)
    except NumberError:
        full = None
    try:
        got = _parse_amount(text)
    except NumberError:
        got = None
    if got is None or full is None:
        assert got is None and full is None, text
    else:
        assert (got.value, str(got.value), got.note) == (full.value, str(full.value), full.note), text


@pytest.mark.parametrize("value,ok", [(999_999_999_999_999.0, True), (-999_999_999_999_999.0, True),
                                      (1e15, False), (-1e15, False), (1e16, False), (-0.0, True)])
def test_number_cells_at_the_amount_limit(value, ok):
    """Whole-rupiah number cells take a shortcut; the limit of 10^15 holds on it all the same."""
    from lkjip_helpers.numbers import TooLarge

    if ok:
        assert parse_amount(value).value == D(int(value))
    else:
        with pytest.raises(TooLarge):
            parse_amount(value)


@pytest.mark.parametrize("amount", ["90071992547409.93", "999999999999999.99", "0.01", "-12.50",
                                    "6671923749"])
def test_json_money_is_the_exact_literal(amount):
    """--json wrote sen amounts through a float: inexact above about Rp 90 triliun."""
    import json

    from lkjip_helpers.numbers import json_text, money_json

    value = money_json(D(amount))
    text = json_text({"pagu": value, "nama": "Rp 1,50", "list": [value]}, indent=1)
    back = json.loads(text, parse_float=D)
    assert back["pagu"] == back["list"][0] == D(amount) and back["nama"] == "Rp 1,50"
    assert isinstance(back["pagu"], int) == ("." not in amount)
    assert f'"pagu": {format(D(amount).quantize(D("0.01")) if "." in amount else int(amount))}' \
        in text


def test_a_trailing_minus_after_the_sen_is_read_positive_and_said():
    """'600.000,00-': the ',-' closing of 'Rp 600.000,-' after the sen, or an accounting minus;
    read as positive (as before) but now with the doubt, which becomes AMBIGUOUS_NUMBER."""
    parsed = parse_amount("600.000,00-")
    assert parsed.value == D(600000) and "bukan tanda minus" in parsed.note
    for text in ("Rp 600.000,-", "600.000.-", "0,00-", "-600.000,00-"):
        assert parse_amount(text).note is None
    assert parse_amount("-600.000,00-").value == D(-600000)


@pytest.mark.parametrize("text, value", [("2.501.951.00", "2501951.00"), ("10.424.00", "10424.00"),
                                         ("1.234.56", "1234.56")])
def test_points_for_grouping_and_decimals_are_read_with_a_note(text, value):
    """Read as the comma style '21,276,070,424,00' is (a real file's), but with the doubt said."""
    parsed = parse_amount(text)
    assert parsed.value == D(value) and "titik terakhir dibaca sebagai tanda desimal" in parsed.note
    assert parse_amount("21,276,070,424,00").note is None
