"""The monthly LRA reader, akun levels and LEVEL_SUM_MISMATCH, revenue kept apart."""
from decimal import Decimal as D

import pytest
from lra_sheets import LINES, lra_workbook
from openpyxl import load_workbook

from lkjip_helpers.errors import CellError, LayoutError
from lkjip_helpers.ingest import ingest
from lkjip_helpers.period import Agency, Period
from lkjip_helpers.reconcile import reconcile


def test_lra_read_without_a_mapping(tmp_path):
    path = lra_workbook(tmp_path / "lra.xlsx", unit="1.02.0.00.0.00.01.0000 Dinas Kesehatan")
    data = ingest([path], month=3)
    bl = data.budget_lines
    # leaves are the lines; 4 and 5 are stated parents
    assert list(bl["akun"]) == ["4.1", "5.1", "5.2"]
    assert list(bl["jenis"]) == ["pendapatan", "belanja", "belanja"]
    assert list(bl["pagu"]) == [D(0), D(1000), D(500)]
    assert list(bl["realisasi"]) == [D(0), D(500), D(100)]
    # ANGGARAN sits under its header (Q), REALISASI in R, merged R:S under the ANGGARAN span
    assert list(bl["pagu_cell"]) == ["Q19", "Q21", "Q22"]
    assert list(bl["realisasi_cell"]) == ["R19", "R21", "R22"]
    assert data.periods == [Period.monthly(2022, 3)]  # year from the blank periode line
    assert data.agencies == [Agency("1.02.0.00.0.00.01.0000", "Dinas Kesehatan")]
    st = data.stated_totals
    assert list(zip(st["kind"], st["kode"], st["pagu"])) == [("akun", "4", D(0)),
                                                            ("akun", "5", D(1500))]
    roles = dict(zip(data.row_roles["row"], data.row_roles["role"]))
    assert roles[3] == "title" and roles[14] == "header" and roles[18] == "line"
    assert roles[25] == roles[28] == "signature"
    p = data.summary()["periods"][0]
    # pagu and realisasi over spending only; no programs or kegiatan in an LRA
    assert (p["pagu"], p["realisasi"], p["programs"], p["kegiatan"]) == (1500, 600, 0, 0)
    assert (p["month"], p["quarter"]) == (3, 1)
    assert set(reconcile(data).findings["code"]) <= {"MISSING_PERIOD"}


def test_a_row_without_a_code_never_ends_the_table(tmp_path):
    """Headings, wrapped names, a 'JUMLAH' row with '-' or text amounts, even a signature-like
    line between the tables: every coded line after them is still read, and a code-less row that
    holds an amount is reported with its cell (the real uploads have all of these)."""
    lines = [("4", "PENDAPATAN DAERAH", 0, 0), ("4.1", "PENDAPATAN ASLI DAERAH (PAD)", 0, 0),
             (None, "JUMLAH PENDAPATAN", "-", "-"),
             (None, "BELANJA", None, None),
             ("5", "BELANJA DAERAH", 1500, 600), ("5.1", "BELANJA OPERASI", 1000, 500),
             (None, "(lanjutan uraian yang terbungkus)", None, None),
             (None, "Mengetahui, Kepala Dinas", None, None),
             ("5.2", "BELANJA MODAL", 500, 100),
             (None, "Jumlah", "1.500", "600")]
    data = ingest([lra_workbook(tmp_path / "lra.xlsx", lines=lines)], month=6)
    bl = data.budget_lines
    assert list(bl["akun"]) == ["4.1", "5.1", "5.2"]
    p = data.summary()["periods"][0]
    assert (p["pagu"], p["realisasi"]) == (1500, 600)
    unread = [(w.cell, w.message) for w in data.warnings if w.code == "UNREAD_ROW"]
    assert [c for c, _ in unread] == ["H20", "H27"]          # the rows with amounts, by cell
    assert "JUMLAH PENDAPATAN" in unread[0][1] and "Jumlah" in unread[1][1]
    roles = dict(zip(data.row_roles["row"], data.row_roles["role"]))
    assert roles[21] == roles[24] == "title" and roles[25] == "signature"
    assert roles[26] == "line" and roles[27] == "reported"


@pytest.mark.parametrize("anggaran, realisasi", [
    ("ANGGARAN SETELAH PERGESERAN", "REALISASI"), ("JUMLAH ANGGARAN", "JUMLAH REALISASI"),
    ("ANGGARAN (Rp)", "REALISASI (Rp)"), ("PAGU SETELAH PERUBAHAN", "REALISASI (Rupiah)")])
def test_header_wordings_of_the_real_exports(tmp_path, anggaran, realisasi):
    path = lra_workbook(tmp_path / "lra.xlsx")
    wb = load_workbook(path)
    wb.active["Q14"], wb.active["S14"] = anggaran, realisasi
    wb.save(path)
    p = ingest([path], month=6).summary()["periods"][0]
    assert (p["pagu"], p["realisasi"]) == (1500, 600)


@pytest.mark.parametrize("where, text", [("E6", "(Dalam Ribuan Rupiah)"),
                                         ("Q14", "ANGGARAN (Rp 000)"),
                                         # the spellings found by an adversarial pass, read as
                                         # rupiah (1.000 times too small) before
                                         ("E6", "(Dalam Rp 1.000)"), ("E6", "(Ribu Rp)"),
                                         ("E6", "(dalam Rp x 1.000)"), ("E6", "(ribuan rupiah)"),
                                         ("Q14", "ANGGARAN (Rp '000)"),
                                         ("Q14", "ANGGARAN (Rp x 1000)")])
def test_amounts_in_thousands_are_scaled_with_a_warning(tmp_path, where, text):
    """An LRA 'dalam ribuan': every amount × 1.000, never read 1.000 times too small; a unit over
    one column only, or one that cannot be read, refuses the sheet naming the cell."""
    path = lra_workbook(tmp_path / "lra.xlsx")
    wb = load_workbook(path)
    wb.active[where] = text
    if where == "Q14":
        wb.active["S14"] = text.replace("ANGGARAN", "REALISASI")
    wb.save(path)
    data = ingest([path], month=6)
    p = data.summary()["periods"][0]
    assert (p["pagu"], p["realisasi"]) == (1_500_000, 600_000)
    assert list(data.budget_lines["pagu"]) == [D(0), D(1_000_000), D(500_000)]
    scaled = [w for w in data.warnings if w.code == "UNIT_SCALED"]
    assert scaled and scaled[0].cell == where and "1.000" in scaled[0].message
    assert set(reconcile(data).findings["code"]) <= {"MISSING_PERIOD", "UNIT_SCALED"}


def test_in_thousands_a_parent_agrees_within_its_rounding(tmp_path):
    """5.1 = 1.000 + 0,4 + 0,4 ribu rounds to 1.001 ribu: no LEVEL_SUM_MISMATCH; 1.003 is one."""
    for stated, found in ((1001, False), (1003, True)):
        lines = [("5", "BELANJA DAERAH", stated, 0), ("5.1", "A", 1000, 0), ("5.2", "B", 0.4, 0),
                 ("5.3", "C", 0.4, 0)]
        path = lra_workbook(tmp_path / f"lra{stated}.xlsx", lines=lines)
        wb = load_workbook(path)
        wb.active["E6"] = "(Dalam Ribuan Rupiah)"
        wb.save(path)
        codes = set(reconcile(ingest([path], month=6)).findings["code"])
        assert ("LEVEL_SUM_MISMATCH" in codes) is found


def test_a_unit_over_one_amount_column_only_is_refused(tmp_path):
    path = lra_workbook(tmp_path / "lra.xlsx")
    wb = load_workbook(path)
    wb.active["Q14"] = "ANGGARAN (Rp 000)"
    wb.save(path)
    with pytest.raises(LayoutError) as exc:
        ingest([path], month=6)
    assert exc.value.cell == "Q14" and "satuan" in str(exc.value)


def test_periode_line_gives_the_month(tmp_path):
    path = lra_workbook(tmp_path / "lra.xlsx", periode="periode 1 Januari s.d 31 Mei 2023")
    assert ingest([path]).periods == [Period.monthly(2023, 5)]


def test_without_a_period_the_lra_is_refused_in_one_line(tmp_path):
    path = lra_workbook(tmp_path / "lra.xlsx", periode="periode …. s.d ….")
    with pytest.raises(LayoutError, match="--manifest"):
        ingest([path])


def test_level_sum_mismatch_names_both_cells(tmp_path):
    lines = LINES[:2] + [("5", "BELANJA DAERAH", 1600, 600), ("5.1", "BELANJA OPERASI", 1000, 500),
                         ("5.1.02", "BELANJA BARANG DAN JASA", 1000, 450),
                         ("5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", 1000, 450),
                         ("5.2", "BELANJA MODAL", 500, 100)]
    data = ingest([lra_workbook(tmp_path / "lra.xlsx", lines)], month=6)
    assert list(data.budget_lines["akun"]) == ["4.1", "5.1.02.01.01.0024", "5.2"]
    f = reconcile(data).findings
    lvl = f[f["code"] == "LEVEL_SUM_MISMATCH"].set_index(["source_cell"])
    # 5 states 1600 but 5.1 + 5.2 = 1500; 5.1 states realisasi 500 but 5.1.02 holds 450
    assert lvl.loc["Q20", "stated"] == D(1600) and lvl.loc["Q20", "computed"] == D(1500)
    assert "Q21, Q24" in lvl.loc["Q20", "message"]
    assert lvl.loc["R21", "difference"] == D(50)
    assert len(lvl) == 2 and set(lvl["severity"]) == {"error"}
    assert set(lvl["month"]) == {6}


def test_revenue_is_kept_apart_from_spending(tmp_path):
    lines = [("4", "PENDAPATAN DAERAH", 100, 150), ("4.1", "PAD", 100, 150),
             ("5", "BELANJA DAERAH", 1000, 400), ("5.1", "BELANJA OPERASI", 1000, 400)]
    data = ingest([lra_workbook(tmp_path / "lra.xlsx", lines)], month=9)
    rec = reconcile(data)
    # revenue above target is no REALISASI_EXCEEDS_PAGU, and not in absorption
    assert "REALISASI_EXCEEDS_PAGU" not in set(rec.findings["code"])
    t = rec.totals.iloc[0]
    assert (t["pagu"], t["realisasi"], round(t["penyerapan"], 2)) == (D(1000), D(400), 40.0)


def test_lone_amounts_are_placed_by_their_header(tmp_path):
    lines = [("5", "BELANJA DAERAH", 1000, None), ("5.1", "BELANJA OPERASI", 1000, None),
             ("5.2", "BELANJA MODAL", None, 70)]
    data = ingest([lra_workbook(tmp_path / "lra.xlsx", lines)], month=1)
    bl = data.budget_lines.set_index("akun")
    assert bl.loc["5.1", "pagu"] == D(1000) and bl.loc["5.1", "realisasi"] == D(0)
    assert bl.loc["5.2", "pagu"] == D(0) and bl.loc["5.2", "realisasi"] == D(70)
    codes = [w.code for w in data.warnings]
    assert codes.count("MISSING_VALUE") == 3  # every empty amount is told, with its cell
    assert {w.cell for w in data.warnings} == {"R18", "R19", "Q20"}


def test_three_amounts_in_a_row_are_refused(tmp_path):
    from openpyxl import load_workbook
    path = lra_workbook(tmp_path / "lra.xlsx")
    wb = load_workbook(path)
    wb.active.unmerge_cells("R21:S21")
    wb.active["S21"] = 5
    wb.save(path)
    with pytest.raises(CellError, match="3 angka") as exc:
        ingest([path], month=2)
    assert exc.value.cell == "S21"


def test_the_quarterly_matrix_still_goes_to_its_reader():
    from conftest import SAMPLE
    data = ingest([SAMPLE])
    assert set(data.budget_lines["level"]) == {"kegiatan"} and len(data.budget_lines) == 76


def test_an_lra_of_revenue_only_is_refused_for_a_report_in_one_line(tmp_path):
    """No spending line (akun 5): no absorption to report, said in one line naming the file (the
    batch's agency failed with 'galat internal: KeyError')."""
    from lkjip_helpers.errors import LkjipError
    from lkjip_helpers.pipeline import analyse

    path = lra_workbook(tmp_path / "lra.xlsx", lines=[("4", "PENDAPATAN", 100, 50),
                                                       ("4.1", "PAD", 100, 50)],
                        periode="periode 1 Januari s.d 30 Juni 2022")
    with pytest.raises(LkjipError) as exc:
        analyse([path], 2022, month=6)
    assert str(exc.value).startswith("lra.xlsx: tidak ada baris belanja (akun 5) sampai Juni 2022")
    assert analyse([path], 2022, month=6, partial=True).findings is not None  # reconcile reads it


def test_a_parent_formula_without_its_value_is_not_checked_a_lines_refuses(tmp_path):
    """A formula saved without its value (openpyxl writes none) is never read as 0: in a parent
    row (5 = 5.1 + 5.2) it is a stated total that cannot be checked, a MISSING_VALUE warning; in
    a line it refuses the sheet naming the cell, as before."""
    path = lra_workbook(tmp_path / "lra.xlsx")
    wb = load_workbook(path)
    wb.active["Q20"] = "=Q21+Q22"
    wb.save(path)
    data = ingest([path], month=6)
    p = data.summary()["periods"][0]
    assert (p["pagu"], p["realisasi"]) == (1500, 600)
    miss = [w for w in data.warnings if w.code == "MISSING_VALUE"]
    assert [w.cell for w in miss] == ["Q20"] and "akun induk 5" in miss[0].message
    assert "LEVEL_SUM_MISMATCH" not in set(reconcile(data).findings["code"])
    wb.active["Q21"] = "=100*10"
    wb.save(path)
    with pytest.raises(CellError) as exc:
        ingest([path], month=6)
    assert exc.value.cell == "Q21"


def test_a_sheet_summed_past_the_amount_limit_is_refused_at_the_crossing_line(tmp_path):
    """Leaves each below Rp 10^15 whose sum is not: reconcile failed with an internal Arrow error
    once the sum passed 10^18; now any sheet past 10^15 is refused at the line that crosses it."""
    big = 999_999_999_999_999
    lines = [("5.1", "BELANJA OPERASI", big, 0), ("5.2", "BELANJA MODAL", big, 0)]
    with pytest.raises(CellError, match=r"pagu lembar ini dijumlah sampai baris ini melebihi "
                                        r"batas jumlah rupiah \(Rp 10\^15\)") as exc:
        ingest([lra_workbook(tmp_path / "lra.xlsx", lines=lines)], month=6)
    assert exc.value.cell == "Q19"


@pytest.mark.parametrize("given, said", [
    ("1.01.0.00.0.00.01.0000 Dinas Pendidikan", True),
    ("1.02.0.00.0.00.01.0000 Dinas Kesehatan Kota", False)])     # the same code: no doubt
def test_an_agency_option_other_than_the_sheets_is_a_warning(tmp_path, given, said):
    """--agency (or a manifest row) for a sheet naming another SKPD: its figures were reported
    under the given agency, unsaid."""
    path = lra_workbook(tmp_path / "lra.xlsx", unit="1.02.0.00.0.00.01.0000 Dinas Kesehatan")
    data = ingest([path], month=6, agency=given)
    assert [a.label for a in data.agencies] == [given]
    w = [w for w in data.warnings if w.code == "AGENCY_MISMATCH"]
    assert [(x.cell, "menyebut 1.02.0.00.0.00.01.0000 Dinas Kesehatan" in x.message)
            for x in w] == ([("D9", True)] if said else [])
    if said:
        f = reconcile(data).findings
        assert list(f.loc[f["code"] == "AGENCY_MISMATCH", "severity"]) == ["warning"]


@pytest.mark.parametrize("title_unit", ["1.02.0.00.0.00.01.0000 Dinas Kesehatan"])
def test_a_second_agencys_block_in_one_sheet_is_refused_not_summed(tmp_path, title_unit):
    """Below Dinas Kesehatan's lines, 'Unit Organisasi : Dinas B', the header again and B's own
    lines (no code repeated): they were summed into the first agency."""
    path = lra_workbook(tmp_path / "lra.xlsx", unit=title_unit, signature=False)
    wb = load_workbook(path)
    ws = wb.active
    last = ws.max_row
    assert ws.cell(last, 4).value == "5.2"       # the last line
    ws.cell(last + 2, 4, "Unit Organisasi")
    ws.cell(last + 2, 10, ":")
    ws.cell(last + 2, 11, "1.03.0.00.0.00.01.0000 Dinas B")
    ws.cell(last + 3, 4, "5.3")
    ws.cell(last + 3, 9, "BELANJA TIDAK TERDUGA")
    ws.cell(last + 3, 17, 100)
    ws.cell(last + 3, 18, 10)
    wb.save(path)
    with pytest.raises(LayoutError, match="menyebut instansi lain .*Dinas B.* di tengah tabel") \
            as exc:
        ingest([path], month=6)
    assert exc.value.cell == f"D{last + 2}"
    # the same agency's line repeated (a page header) is no other agency
    ws.cell(last + 2, 11, title_unit)
    ws.delete_rows(last + 3)
    wb.save(path)
    assert ingest([path], month=6).summary()["periods"][0]["pagu"] == 1500
    # a title naming no agency: a line naming one below is not refused (a review found a
    # single-agency sheet refused)
    ws["K9"] = "……"
    ws.cell(last + 2, 11, "1.03.0.00.0.00.01.0000 Dinas B")
    wb.save(path)
    assert ingest([path], month=6).summary()["periods"][0]["pagu"] == 1500
