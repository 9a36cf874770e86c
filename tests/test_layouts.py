"""Layouts that must never give a silent wrong answer: stated units, rounding at the unit,
column-numbering rows, percent cells (number formats, unrounded fractions, plain-number columns),
amounts held as formulas with cached values."""
import re
import shutil
import zipfile
from decimal import Decimal as D

import pytest
from conftest import CLEAN, HEADER, budget_rows, write_xlsx
from openpyxl import Workbook

from lkjip_helpers.cli import main
from lkjip_helpers.errors import CellError, LayoutError
from lkjip_helpers.ingest import ingest
from lkjip_helpers.reconcile import reconcile

TITLE = ["PENGUKURAN KINERJA TRIWULAN I Tahun Anggaran 2020"]


def sheet(rows, head=(), header=HEADER, total=None):
    out = [TITLE, *[[h] for h in head], []] + [list(h) for h in header] + budget_rows(rows)
    if total:
        out.append([None] * 6 + ["Total", *total, None])
    return out


def read(tmp_path, rows, **kw):
    write_xlsx(tmp_path / "tw1.xlsx", {"TW I": sheet(rows, **kw)})
    data = ingest([tmp_path])
    return data, reconcile(data).findings


# ------------------------------------------------------------------ units
@pytest.mark.parametrize("phrase,factor", [("(dalam ribuan rupiah)", 1000), ("Dalam Jutaan", 10**6),
                                           ("Nilai: Rp. Juta", 10**6), ("(Rp 000)", 1000),
                                           ("(Juta Rp)", 10**6), ("(Rp x 1.000.000)", 10**6),
                                           ("(000 Rp)", 1000)])
def test_a_unit_in_the_head_scales_every_amount_with_a_warning(tmp_path, phrase, factor):
    data, f = read(tmp_path, CLEAN, head=[phrase], total=(1300, 400))
    bl = data.budget_lines
    assert list(bl["pagu"]) == [D(v * factor) for v in (100, 200, 400, 600)]
    assert sum(bl["realisasi"]) == D(400 * factor)
    unit = f[f["code"] == "UNIT_SCALED"]
    assert list(unit["source_cell"]) == ["A2"] and list(unit["severity"]) == ["warning"]
    assert f"{factor:,}".replace(",", ".") in unit.iloc[0]["message"]
    assert set(f["code"]) == {"UNIT_SCALED"}  # the Total (in the same unit) agrees


def test_a_unit_in_a_money_header_scales_that_column(tmp_path):
    header = [list(HEADER[0]), list(HEADER[1])]
    header[1][7] = "Pagu (Rp 000)"
    data, f = read(tmp_path, [("Program A", 300, 150000, "50%"), ("Kegiatan A1", 100, 50000, "50%"),
                              ("Kegiatan A2", 200, 100000, "50%")], header=header)
    assert list(data.budget_lines["pagu"]) == [D(100000), D(200000)]
    assert list(data.budget_lines["realisasi"]) == [D(50000), D(100000)]
    assert list(f.loc[f["code"] == "UNIT_SCALED", "source_cell"]) == ["H4"]
    assert "PERCENT_MISMATCH" not in set(f["code"])


@pytest.mark.parametrize("phrase", ["(dalam ratusan rupiah)", "Satuan: paket", "dalam USD"])
def test_a_unit_that_cannot_be_read_refuses_the_sheet(tmp_path, capsys, phrase):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_xlsx(raw / "tw1.xlsx", {"TW I": sheet(CLEAN, head=[phrase])})
    with pytest.raises(LayoutError) as err:
        ingest([raw])
    assert err.value.cell == "A2"
    assert main(["ingest", str(raw), "--out", str(tmp_path / "out")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "tw1.xlsx, sheet 'TW I', sel A2" in lines[0]


def test_two_units_for_the_same_amounts_refuse(tmp_path):
    write_xlsx(tmp_path / "tw1.xlsx", {"TW I": sheet(CLEAN, head=["dalam ribuan rupiah",
                                                                  "dalam jutaan rupiah"])})
    with pytest.raises(LayoutError, match="dua satuan"):
        ingest([tmp_path])


def test_a_unit_in_the_name_columns_header_scales_the_sheet(tmp_path):
    """'Program / Kegiatan (dalam ribuan rupiah)': it was ignored as an indicator column's."""
    header = [list(HEADER[0]), list(HEADER[1])]
    header[0][6] = "Program / Kegiatan (dalam ribuan rupiah)"
    data, f = read(tmp_path, CLEAN, header=header, total=(1300, 400))
    assert sum(data.budget_lines["pagu"]) == D(1_300_000)
    assert list(f.loc[f["code"] == "UNIT_SCALED", "source_cell"]) == ["G3"]


def test_a_unit_stated_only_below_the_table_is_refused(tmp_path):
    """'Keterangan: nilai anggaran dalam ribuan rupiah' under the table: the amounts were read as
    rupiah. Refused naming the cell; the same unit stated in the head too is no news."""
    rows = sheet(CLEAN, total=(1300, 400)) + [[], ["Keterangan: nilai anggaran dalam ribuan rupiah"]]
    write_xlsx(tmp_path / "tw1.xlsx", {"TW I": rows})
    with pytest.raises(CellError, match="'dalam ribuan rupiah' disebut di bawah tabel") as exc:
        ingest([tmp_path])
    assert exc.value.cell == f"A{len(rows)}"
    rows = sheet(CLEAN, head=["(dalam ribuan rupiah)"], total=(1300, 400)) + \
        [[], ["Keterangan: nilai anggaran dalam ribuan rupiah"]]
    write_xlsx(tmp_path / "tw1.xlsx", {"TW I": rows})
    assert sum(ingest([tmp_path]).budget_lines["pagu"]) == D(1_300_000)


@pytest.mark.parametrize("head", ["Disusun dalam rangka evaluasi triwulan",
                                  "Bantuan sosial (Rp 1.000.000 per paket)",
                                  "Biaya makan dalam Rp 1.000 per orang per hari",
                                  "SHS (Rp x 1000 per unit)", "Dibulatkan (ribuan) rupiah"])
def test_text_that_only_looks_like_a_unit_is_not_one(tmp_path, head):
    data, f = read(tmp_path, CLEAN, head=[head])
    assert list(data.budget_lines["pagu"]) == [D(100), D(200), D(400), D(600)]
    assert "UNIT_SCALED" not in set(f["code"])


def test_rounding_at_the_unit_is_not_an_error_but_more_is(tmp_path):
    rows = [list(r) for r in CLEAN]
    rows[0][1] = 301  # 2 rows rounded to thousands: up to 1.500 apart is rounding
    rows[3][2] = 253  # 3.000 apart: more than rounding can make
    rows[3][3] = "25,30%"
    data, f = read(tmp_path, rows, head=["dalam ribuan rupiah"], total=(1301, 401))
    errors = f[f["severity"] == "error"]
    assert list(zip(errors["code"], errors["field"])) == [("SUBTOTAL_MISMATCH", "realisasi")]
    assert errors.iloc[0]["difference"] == D(3000)
    # the same in rupiah: every difference is an error
    data, f = read(tmp_path, rows, total=(1301, 401))
    assert set(f.loc[f["severity"] == "error", "code"]) == {"SUBTOTAL_MISMATCH", "TOTAL_MISMATCH",
                                                            "PERCENT_MISMATCH"}  # 150/301


# ------------------------------------------------------------------ numbering rows
@pytest.mark.parametrize("numbering", [
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10=9/8"],
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)"],
    [None, None, None, None, None, None, "1", "2", "3", "4=3/2"],
])
def test_a_column_numbering_row_is_not_a_program(tmp_path, numbering):
    header = [list(HEADER[0]), list(HEADER[1]), numbering]
    data, f = read(tmp_path, CLEAN, header=header, total=(1300, 400))
    assert list(data.budget_lines["kegiatan"]) == ["Kegiatan A1", "Kegiatan A2", "Kegiatan B1",
                                                   "Kegiatan B2"]
    assert sum(data.budget_lines["pagu"]) == D(1300)
    assert len(f) == 0
    roles = data.row_roles
    assert list(roles.loc[roles["row"] == 5, "role"]) == ["header"]


# ------------------------------------------------------------------ percent cells
def _numeric_percent_sheet(path, cells, fmt):
    """CLEAN's amounts with numeric capaian cells of a number format."""
    wb = Workbook()
    ws = wb.active
    ws.title = "TW I"
    for r, row in enumerate(sheet([(n, p, r_, None) for n, p, r_, _ in CLEAN]), start=1):
        for c, v in enumerate(row, start=1):
            if v is not None:
                ws.cell(row=r, column=c, value=v)
    for i, v in enumerate(cells):
        cell = ws.cell(row=5 + i, column=10, value=v)
        if fmt:
            cell.number_format = fmt
    wb.save(path)


def test_a_numeric_percent_cell_is_judged_at_its_formats_precision(tmp_path):
    # 100,00% printed for 150/300 = 50%: judged at two decimals, not at none
    _numeric_percent_sheet(tmp_path / "tw1.xlsx", [1.0, 0.5, 0.5, 0.25, 0.25, 0.25], "0.00%")
    data = ingest([tmp_path])
    st = data.stated_totals
    prog = st[st["kind"] == "program"].iloc[0]
    assert (prog["capaian"], prog["capaian_decimals"]) == (D("100.00"), 2)
    f = reconcile(data).findings
    assert list(f["code"]) == ["PERCENT_MISMATCH"] and list(f["source_cell"]) == ["J5"]
    assert "100,00%" in f.iloc[0]["message"]


def test_unrounded_fractions_are_read_at_full_precision_without_crashing(tmp_path):
    # what a =I7/H7 formula stores: 1/3 unrounded
    rows = [("Program A", 300, 100, None), ("Kegiatan A1", 100, 33, None),
            ("Kegiatan A2", 200, 67, None)]
    wb = Workbook()
    ws = wb.active
    ws.title = "TW I"
    for r, row in enumerate(sheet(rows), start=1):
        for c, v in enumerate(row, start=1):
            if v is not None:
                ws.cell(row=r, column=c, value=v)
    for i, (_, p, r_, _) in enumerate(rows):
        ws.cell(row=5 + i, column=10, value=r_ / p)  # General format, full float precision
    wb.save(tmp_path / "tw1.xlsx")
    data = ingest([tmp_path])
    caps = list(data.budget_lines["capaian"])
    assert caps == [D("33.0000"), D("33.5000")]
    st = data.stated_totals
    assert st[st["kind"] == "program"].iloc[0]["capaian"] == D("33.3333")
    assert len(reconcile(data).findings) == 0


@pytest.mark.parametrize("fmt", [None, "0.00"])
def test_a_plain_number_percent_column_is_read_as_written(tmp_path, fmt):
    # 5.23 meaning 5,23%: values below 10 must not be taken for fractions (523%)
    rows = [("Program A", 10000, 523, 5.23), ("Kegiatan A1", 5000, 23, 0.46),
            ("Kegiatan A2", 5000, 500, 10.0), ("Program B", 1000, 357.1, 35.71),
            ("Kegiatan B1", 400, 100, 25.0), ("Kegiatan B2", 600, 257.1, 42.85)]
    wb = Workbook()
    ws = wb.active
    ws.title = "TW I"
    for r, row in enumerate(sheet(rows), start=1):
        for c, v in enumerate(row, start=1):
            if v is not None:
                cell = ws.cell(row=r, column=c, value=v)
                if c == 10 and r > 4 and fmt:
                    cell.number_format = fmt
    wb.save(tmp_path / "tw1.xlsx")
    data = ingest([tmp_path])
    assert list(data.budget_lines["capaian"]) == [D("0.46"), D("10.00"), D("25.00"), D("42.85")]
    assert len(reconcile(data).findings) == 0


def test_a_fraction_column_without_percent_format_stays_fractions(tmp_path):
    rows = [("Program A", 300, 150, 0.5), ("Kegiatan A1", 100, 50, 0.5),
            ("Kegiatan A2", 200, 100, 0.5), ("Program B", 1000, 250, 0.25),
            ("Kegiatan B1", 400, 100, 0.25), ("Kegiatan B2", 600, 150, 0.25)]
    write_xlsx(tmp_path / "tw1.xlsx", {"TW I": sheet(rows)})
    data = ingest([tmp_path])
    assert list(data.budget_lines["capaian"]) == [D(50), D(50), D(25), D(25)]
    assert len(reconcile(data).findings) == 0


# ------------------------------------------------------------------ formulas with cached values
def with_cached_values(path, values: dict[str, float]):
    """openpyxl writes formulas without a cached value; add one, as Excel does on saving."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = data.decode()
                for ref, v in values.items():
                    text, n = re.subn(rf'(<c r="{ref}"[^>]*>)<f>([^<]*)</f>(?:<v\s*/>|<v></v>)?',
                                      rf"\1<f>\2</f><v>{v}</v>", text)
                    assert n == 1, ref
                data = text.encode()
            zout.writestr(item, data)
    shutil.move(tmp, path)


def test_amounts_held_as_formulas_are_read_from_their_cached_values(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "TW I"
    for r, row in enumerate(sheet(CLEAN, total=(None, None)), start=1):
        for c, v in enumerate(row, start=1):
            if v is not None:
                ws.cell(row=r, column=c, value=v)
    ws["H5"], ws["I5"] = "=SUM(H6:H7)", "=SUM(I6:I7)"
    ws["H8"], ws["I8"] = "=SUM(H9:H10)", "=SUM(I9:I10)"
    ws["H11"], ws["I11"] = "=H5+H8", "=I5+I8"
    ws["J6"] = "=I6/H6"
    path = tmp_path / "tw1.xlsx"
    wb.save(path)
    with_cached_values(path, {"H5": 300, "I5": 150, "H8": 1000, "I8": 250, "H11": 1300,
                              "I11": 400, "J6": 0.5})
    data = ingest([tmp_path])
    st = data.stated_totals
    assert list(st.loc[st["kind"] == "program", "pagu"]) == [D(300), D(1000)]
    assert list(st.loc[st["kind"] == "total", "realisasi"]) == [D(400)]
    assert data.budget_lines.iloc[0]["capaian"] == D(50)
    assert len(reconcile(data).findings) == 0


# ------------------------------------------------------------------ the Kode column
def _coded(rows):
    header = [["NO", "Kode", "Sasaran strategis", "Indikator Kinerja", "Target", "Realisasi",
               "Program / Kegiatan", "Anggaran", None, None], list(HEADER[1])]
    body = [[None, code, None, None, None, None, n, p, r, c] for code, n, p, r, c in rows]
    return [TITLE, []] + header + body


def test_codes_place_the_rows_and_the_numbers_are_checked_against_them(tmp_path):
    # program A's subtotal forgot A3: by the numbers alone A3 would pass for a program of its own
    rows = [("1.06.01", "Program A", 300, 150, None), ("1.06.01.2.01", "Kegiatan A1", 100, 50, None),
            ("1.06.01.2.02", "Kegiatan A2", 200, 100, None),
            ("1.06.01.2.03", "Kegiatan A3", 50, 10, None),
            ("1.06.02", "Program B", 1000, 250, None), ("1.06.02.2.01", "Kegiatan B1", 400, 100, None),
            ("1.06.02.2.02", "Kegiatan B2", 600, 150, None)]
    write_xlsx(tmp_path / "tw1.xlsx", {"TW I": _coded(rows)})
    data = ingest([tmp_path])
    bl = data.budget_lines
    assert list(zip(bl["program_no"], bl["kegiatan"], bl["kode"])) == [
        (1, "Kegiatan A1", "1.06.01.2.01"), (1, "Kegiatan A2", "1.06.01.2.02"),
        (1, "Kegiatan A3", "1.06.01.2.03"), (2, "Kegiatan B1", "1.06.02.2.01"),
        (2, "Kegiatan B2", "1.06.02.2.02")]
    f = reconcile(data).findings
    got = sorted(zip(f["code"], f["source_cell"], f["field"].fillna("")))
    assert ("CODE_HIERARCHY_MISMATCH", "B5", "") in got
    assert ("SUBTOTAL_MISMATCH", "H5", "pagu") in got and ("SUBTOTAL_MISMATCH", "I5", "realisasi") in got
    # without the code column the numbers alone would read A3 as a program without kegiatan
    write_xlsx(tmp_path / "tw1.xlsx", {"TW I": sheet([r[1:] for r in rows])})
    assert "NO_KEGIATAN" in set(reconcile(ingest([tmp_path])).findings["code"])


def test_codes_that_make_no_hierarchy_leave_the_numbers_in_charge(tmp_path):
    rows = [("1.06.01", "Program A", 300, 150, None), ("1.06.01.2.01", "Kegiatan A1", 100, 50, None),
            ("1.07.09.2.02", "Kegiatan A2", 200, 100, None)]
    write_xlsx(tmp_path / "tw1.xlsx", {"TW I": _coded(rows)})
    data = ingest([tmp_path])
    assert list(data.budget_lines["kegiatan"]) == ["Kegiatan A1", "Kegiatan A2"]
    f = reconcile(data).findings
    assert "CODE_HIERARCHY_MISMATCH" in list(f["code"])
    # the codes themselves say program 1.06.01 holds only A1: the coded sums disagree too
    assert set(f["code"]) <= {"CODE_HIERARCHY_MISMATCH", "LEVEL_SUM_MISMATCH", "MISSING_VALUE"}
    assert set(f.loc[f["code"] == "MISSING_VALUE", "field"]) == {"capaian"}  # left blank here


@pytest.mark.parametrize("text, power", [
    ("(Dalam Rp 1.000)", 3), ("(dalam Rp x 1.000)", 3), ("ANGGARAN (Rp '000)", 3),
    ("ANGGARAN (Rp x 1000)", 3), ("(Ribu Rp)", 3), ("(Juta Rp)", 6), ("(000 Rp)", 3),
    ("Pagu (Rp 1.000.000,00)", None), ("(Rp 1.000.000 per paket)", None), ("(Rp)", None),
    ("Dibulatkan (ribuan) rupiah", None)])
def test_the_unit_spellings(text, power):
    from lkjip_helpers.excel.units import stated_unit

    got = stated_unit(text)
    assert (got[0] if got else None) == power


def test_a_unit_below_the_table_that_the_money_headers_state_is_no_news(tmp_path):
    header = [list(HEADER[0]), list(HEADER[1])]
    header[1][7], header[1][8] = "Pagu (Rp 000)", "Realisasi (Rp 000)"
    rows = sheet(CLEAN, header=header, total=(1300, 400)) + \
        [[], ["Keterangan: nilai anggaran dalam ribuan rupiah"]]
    write_xlsx(tmp_path / "tw1.xlsx", {"TW I": rows})
    assert sum(ingest([tmp_path]).budget_lines["pagu"]) == D(1_300_000)
