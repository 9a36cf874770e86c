"""The month a period's text closes on, as the exports write it (found by an adversarial pass:
a range read at its start, "Desa" read as Desember, "Nopember" not read)."""
import pytest
from lra_sheets import lra_workbook

from lkjip_helpers.excel.kas import _months_in_name
from lkjip_helpers.excel.period import month_in
from lkjip_helpers.excel.sipd import month_of
from lkjip_helpers.errors import LayoutError
from lkjip_helpers.ingest import ingest
from lkjip_helpers.period import Period


@pytest.mark.parametrize("text, month", [
    ("periode 1 Januari s.d 31 Maret 2022", 3), ("Januari s.d Juni 2022", 6),
    ("Januari - Juni", 6), ("2022-01-01 s.d 2022-06-30", 6),
    ("realisasi_2022-01-01_sd_2022-06-30", 6), ("1 Januari sampai dengan 30 November 2022", 11),
    ("periode 1 Januari S/D 30 Juni 2022", 6), ("30 Juni 2022 (dicetak 2 Mei)", 6),
    ("Nopember", 11), ("Pebruari", 2), ("Agust", 8), ("Sept", 9), ("30/06/2022", 6),
    ("s.d. 31 Mar 2022", 3),
    # nothing, or two months without a range: no guess
    ("periode …. s.d …. 2022", None), ("Data Desa", None), ("Meiliana", None),
    ("Juni 2022, dicetak Mei", None)])
def test_month_in(text, month):
    assert month_in(text) == month


def test_a_sipd_month_that_cannot_be_read_is_refused_naming_the_sheet_and_cell(tmp_path):
    assert month_of("Januari s.d Juni 2022", "S2") == 6
    assert month_of("Nopember", "S2") == 11

    class Grid:
        file, name = tmp_path / "realisasi.xlsx", "Sheet1"
    with pytest.raises(LayoutError) as exc:
        month_of("triwulan kedua", "S2", Grid())
    assert (exc.value.sheet, exc.value.cell) == ("Sheet1", "S2")


@pytest.mark.parametrize("name, month", [("JAN-NOP", 11), ("JAN-FEB", 2), ("Data Desa", None),
                                         ("Januari s.d Juni", 6)])
def test_the_cash_plan_sheet_name_gives_its_last_month(name, month):
    assert _months_in_name(name) == month


@pytest.mark.parametrize("periode, month", [
    ("periode 1 Januari s.d 30 Nopember 2022", 11), ("periode 01/01/2022 s.d 30/06/2022", 6)])
def test_the_lra_periode_line_in_the_spellings_of_the_uploads(tmp_path, periode, month):
    data = ingest([lra_workbook(tmp_path / "lra.xlsx", periode=periode)])
    assert data.periods == [Period.monthly(2022, month)]
