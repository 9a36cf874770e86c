"""Where the quarterly table ends is what the rows below say, never a guess that drops lines.

Each case is the bundled TW I sheet (data/raw/2020) with one edit an agency really makes; its lines
sum to pagu Rp 6.671.923.749 and realisasi Rp 433.442.277 whatever the edit (found by an
adversarial pass: before, each edit below gave a wrong total with exit 0 and no warning)."""
import pytest
from conftest import SAMPLE, quarter_sheet, write_xlsx
from openpyxl import load_workbook

from lkjip_helpers.errors import CellError
from lkjip_helpers.ingest import ingest
from lkjip_helpers.reconcile import reconcile

PAGU, REALISASI = 6_671_923_749, 433_442_277


def edited(tmp_path, edit):
    wb = load_workbook(SAMPLE / "pengukuran_kinerja_2020_TW1.xlsx")
    ws = wb.worksheets[0]
    ws["A34"] = ws["A35"] = None  # the sample's footers would catch some edits: test without
    edit(ws)
    path = tmp_path / "pengukuran_kinerja_2020_TW1.xlsx"
    wb.save(path)
    return path


def insert_row(ws, r):
    ws.insert_rows(r)
    for m in list(ws.merged_cells.ranges):
        if m.min_row >= r:
            ws.merged_cells.remove(m)
            m.shift(0, 1)
            ws.merged_cells.add(m)


def totals(data):
    p = data.summary()["periods"][0]
    return p["pagu"], p["realisasi"], p["programs"], p["kegiatan"]


@pytest.mark.parametrize("label", ["JUMLAH BELANJA", "Total Belanja Langsung", "T O T A L",
                                   "TOTAL BELANJA DINAS", "Jumlah Seluruh Program"])
def test_a_total_row_labelled_in_the_name_column_is_the_total(tmp_path, label):
    def edit(ws):
        ws["A32"], ws["I32"] = None, label
    data = ingest([edited(tmp_path, edit)])
    assert totals(data) == (PAGU, REALISASI, 8, 19)           # not a ninth program
    st = data.stated_totals
    assert list(st.loc[st["kind"] == "total", "pagu_cell"]) == ["J32"]


@pytest.mark.parametrize("cell, text", [("I20", "Pemberdayaan Kepala Keluarga Miskin"),
                                        ("I20", "Sekretaris Dinas"),
                                        ("D20", "Jumlah kasus kekerasan yang ditangani")])
def test_a_row_that_looks_like_a_signature_or_footer_does_not_end_the_table(tmp_path, cell, text):
    def edit(ws):
        insert_row(ws, 20)
        ws[cell] = text
        if cell == "D20":
            ws["F20"] = 25  # an indicator with its target: label and one number, like a footer
    data = ingest([edited(tmp_path, edit)])
    assert totals(data) == (PAGU, REALISASI, 8, 19)
    assert not set(reconcile(data).findings["code"]) & {"TOTAL_MISMATCH", "FOOTER_MISMATCH"}


def test_a_sections_jumlah_above_the_total_is_checked_and_ends_nothing(tmp_path):
    def edit(ws):
        insert_row(ws, 20)
        ws["I20"], ws["J20"], ws["K20"] = "Jumlah", 4_263_652_000, 150_216_059
    data = ingest([edited(tmp_path, edit)])
    assert totals(data) == (PAGU, REALISASI, 8, 19)
    f = reconcile(data).findings
    assert sorted(f.loc[f["code"] == "TOTAL_MISMATCH", "source_cell"]) == ["J20", "K20"]


def test_amounts_below_the_total_are_reported_never_counted_or_dropped_unseen(tmp_path):
    def edit(ws):
        ws["I33"], ws["J33"], ws["K33"] = "Kegiatan Susulan", 7000, 700
    data = ingest([edited(tmp_path, edit)])
    assert totals(data) == (PAGU, REALISASI, 8, 19)
    unread = [w for w in data.warnings if w.code == "UNREAD_ROW"]
    assert [w.cell for w in unread] == ["J33"] and "Kegiatan Susulan" in unread[0].message
    f = reconcile(data).findings
    assert f.loc[f["code"] == "UNREAD_ROW", "severity"].tolist() == ["warning"]


def test_a_unit_that_takes_an_amount_past_the_limit_is_refused_with_the_cell(tmp_path):
    path = edited(tmp_path, lambda ws: ws.__setitem__("A6", "(dalam miliar rupiah)"))
    with pytest.raises(CellError) as exc:
        ingest([path])
    assert exc.value.cell == "J10" and "10^15" in str(exc.value)


def test_a_kegiatan_row_copied_is_summed_as_written_and_named(tmp_path):
    """Program A's subtotal counts the copy (so the sheet adds up): both rows are summed, as the
    sheet says, and the copy is a DUPLICATE_LINE naming both cells."""
    rows = [("Program A", 450, 225, "50,00%"), ("Kegiatan A1", 100, 50, "50,00%"),
            ("Kegiatan A2", 200, 100, "50,00%"), ("Kegiatan A1", 50, 25, "50,00%"),
            ("Kegiatan A1", 100, 50, "50,00%")]          # row 9: row 6 copied (row 8 is not)
    path = write_xlsx(tmp_path / "pengukuran_kinerja_2020_TW2.xlsx",
                      {"TW II": quarter_sheet(rows, total=(450, 225))})
    data = ingest([path])
    assert totals(data) == (450, 225, 1, 4)
    f = reconcile(data).findings
    dup = f[f["code"] == "DUPLICATE_LINE"]
    assert dup["source_cell"].tolist() == ["H9"] and "H6 dan H9" in dup["message"].iloc[0]
    assert dup["severity"].tolist() == ["warning"]
    assert not set(f["code"]) & {"SUBTOTAL_MISMATCH", "TOTAL_MISMATCH"}


def test_a_second_table_below_the_total_is_reported_not_summed(tmp_path):
    """A Total, then the header again and a second table (a recap): the first table's figures
    stand, the second's amounts are UNREAD_ROW with their cells."""
    from conftest import HEADER, budget_rows

    rows = [("Program A", 300, 150, "50,00%"), ("Kegiatan A1", 100, 50, "50,00%"),
            ("Kegiatan A2", 200, 100, "50,00%")]
    sheet = quarter_sheet(rows, total=(300, 150))
    sheet += HEADER + budget_rows([("Program A", 300, 150, "50,00%")])
    data = ingest([write_xlsx(tmp_path / "pengukuran_kinerja_2020_TW2.xlsx", {"TW II": sheet})])
    assert totals(data) == (300, 150, 1, 2)
    unread = [w for w in data.warnings if w.code == "UNREAD_ROW"]
    assert [w.cell for w in unread] == ["H12"]
