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


def test_a_sheet_whose_title_names_another_quarter_than_its_file_is_a_warning(tmp_path):
    """TRIWULAN III in the title of pengukuran_kinerja_2020_TW1.xlsx (sheet 'TW I'): read as the
    title says, and the disagreement is a PERIOD_MISMATCH naming the title's cell."""
    from conftest import SAMPLE
    from openpyxl import load_workbook

    from lkjip_helpers.reconcile import reconcile

    wb = load_workbook(SAMPLE / "pengukuran_kinerja_2020_TW1.xlsx")
    cell = wb.worksheets[0]["A4"]
    assert cell.value == "TRIWULAN I"
    cell.value = "TRIWULAN III"
    wb.save(tmp_path / "pengukuran_kinerja_2020_TW1.xlsx")
    data = ingest([tmp_path / "pengukuran_kinerja_2020_TW1.xlsx"])
    assert data.periods == [Period.quarterly(2020, 3)]
    w = [w for w in data.warnings if w.code == "PERIOD_MISMATCH"]
    assert len(w) == 1 and w[0].cell == cell.coordinate
    assert "judul TW III" in w[0].message and "nama file TW I" in w[0].message
    f = reconcile(data).findings
    f = f[f["code"] == "PERIOD_MISMATCH"]
    assert f.loc[f["source_cell"] == cell.coordinate, "severity"].tolist() == ["warning"]


def test_a_manifest_month_other_than_the_periode_line_is_a_warning(tmp_path):
    path = lra_workbook(tmp_path / "lra.xlsx", periode="periode 1 Januari s.d 31 Maret 2022")
    data = ingest([path], month=6)
    assert data.periods == [Period.monthly(2022, 6)]          # the manifest / --month rules
    w = [w for w in data.warnings if w.code == "PERIOD_MISMATCH"]
    assert len(w) == 1 and w[0].cell == "E5" and "Maret 2022" in w[0].message \
        and "Juni 2022" in w[0].message
    assert not [w for w in ingest([path], month=3).warnings if w.code == "PERIOD_MISMATCH"]


@pytest.mark.parametrize("bulan, read", [(6, 6), ("06", 6), ("Juni", 6), ("Nopember", 11),
                                         (10.5, None), ("13", None), ("Q2", None)])
def test_a_long_table_month_is_a_whole_month_or_refused_with_its_cell(tmp_path, bulan, read):
    """A mapped long table's month: 10.5 was read as October (int(float(...)))."""
    from conftest import write_xlsx

    from lkjip_helpers.errors import CellError

    rows = [["Tahun", "Bulan", "Kegiatan", "Pagu", "Realisasi"],
            [2022, bulan, "Kegiatan A", 1_000_000, 250_000]]
    book = write_xlsx(tmp_path / "long.xlsx", {"Data": rows})
    mapping = tmp_path / "long.yaml"
    mapping.write_text("layout: long\ncolumns:\n  year: Tahun\n  month: Bulan\n"
                       "  kegiatan: Kegiatan\n  pagu: Pagu\n  realisasi: Realisasi\n")
    if read is None:
        with pytest.raises(CellError, match="bukan bulan") as exc:
            ingest([book], mapping=mapping)
        assert (exc.value.sheet, exc.value.cell) == ("Data", "B2")
    else:
        assert [p.month for p in ingest([book], mapping=mapping).periods] == [read]


@pytest.mark.parametrize("text, quarter", [
    ("PENGUKURAN KINERJA TRIWULAN I S/D III TAHUN 2020", 3), ("TRIWULAN I s.d. TRIWULAN III", 3),
    ("KUMULATIF TW I-III", 3), ("TW III", 3), ("pengukuran_kinerja_2020_TW3.xlsx", 3),
    ("TW1-2020", 1), ("Triwulan 2", 2), ("PENGUKURAN KINERJA TW I - TW IV 2020", 4),
    ("Triwulan 1-4 Tahun 2020", 4), ("SEMESTER I (TW I-II) 2020", 2)])
def test_a_cumulative_title_names_the_quarter_it_closes_on(text, quarter):
    """'TRIWULAN I S/D III' was read as TW I."""
    from lkjip_helpers.excel.period import quarter_in

    assert quarter_in(text) == quarter


@pytest.mark.parametrize("text, year", [
    ("Sesuai Peraturan Walikota Nomor 45 Tahun 2019 TRIWULAN III TAHUN 2020", 2020),
    ("RENSTRA 2019-2023 / PENGUKURAN KINERJA TRIWULAN III TAHUN 2020", 2020),
    ("PENGUKURAN KINERJA TRIWULAN III (RPJMD 2019-2023) Tahun Anggaran 2021", 2021),
    ("pengukuran_kinerja_2020_TW3.xlsx", 2020), ("2022-06-30.xlsx", 2022),
    ("PENGUKURAN KINERJA TW II 2020 Berdasarkan Permendagri 86 Tahun 2017", 2020),
    ("TRIWULAN II 2020 (PermenPAN RB 53 Tahun 2014)", 2020), ("Sesuai PP 8 Tahun 2006", None),
    ("DPA Nomor 1.02.01 Tahun 2020", 2020), ("TW I - TW IV 2020", 2020)])
def test_the_year_is_the_sheets_not_a_cited_regulations_or_a_plans_span(text, year):
    from lkjip_helpers.excel.period import year_in

    assert year_in(text) == year


def test_a_title_year_other_than_the_files_is_a_warning(tmp_path):
    from conftest import CLEAN, quarter_sheet, write_xlsx

    rows = quarter_sheet([list(r) for r in CLEAN], title="TRIWULAN II TAHUN 2019")
    data = ingest([write_xlsx(tmp_path / "kinerja_2020_TW2.xlsx", {"TW II": rows})])
    assert data.periods == [Period.quarterly(2019, 2)]       # the title, as before
    w = [w for w in data.warnings if w.code == "PERIOD_MISMATCH"]
    assert len(w) == 1 and w[0].cell == "A1"
    assert "tahun tidak tunggal: judul 2019, nama file 2020" in w[0].message


def test_an_lra_periode_across_two_years_is_read_at_its_end(tmp_path):
    path = lra_workbook(tmp_path / "lra.xlsx",
                        periode="periode 1 Desember 2022 s.d 28 Februari 2023")
    assert ingest([path]).periods == [Period.monthly(2023, 2)]


@pytest.mark.parametrize("periode, month", [("periode 1 Januari s.d 30 Juni 2021", None),
                                            ("periode …. s.d …. 2021", 6)])
def test_a_year_option_other_than_the_sheets_is_a_warning(tmp_path, periode, month):
    """--year 2022 for a sheet saying 2021 was taken unsaid (a month was compared, a year not)."""
    data = ingest([lra_workbook(tmp_path / "lra.xlsx", periode=periode)], year=2022, month=month)
    assert [p.year for p in data.periods] == [2022]
    w = [w for w in data.warnings if w.code == "PERIOD_MISMATCH"]
    assert len(w) == 1 and w[0].cell == "E5"
    assert "menyebut tahun 2021, dibaca sebagai 2022" in w[0].message
