"""Which columns hold the pagu and the realisasi, and which row is the Total, on quarterly sheets as
agencies lay them out (found by an adversarial pass: each case below gave a wrong total with exit 0
and no warning — last quarter's realisasi, the Murni pagu, two cells' digits joined, the Total
summed as one more program)."""
import pytest
from conftest import CLEAN, quarter_sheet, write_xlsx
from openpyxl import Workbook

from lkjip_helpers.errors import CellError, LayoutError
from lkjip_helpers.ingest import ingest
from lkjip_helpers.reconcile import reconcile

TITLE = "PENGUKURAN KINERJA TRIWULAN IV Tahun Anggaran 2020"


def grouped(tmp_path, labels, rows, hidden=None):
    """No | Program / Kegiatan | a merged "Anggaran" over ``labels``; one row per (name, *amounts)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "TW IV"
    ws["A1"] = TITLE
    ws["A3"], ws["B3"], ws["C3"] = "NO", "Program / Kegiatan", "Anggaran"
    ws.merge_cells(start_row=3, start_column=3, end_row=3, end_column=2 + len(labels))
    for j, label in enumerate(labels):
        if label is not None:
            ws.cell(4, 3 + j, label)
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            ws.cell(5 + i, 2 + j, v)
    if hidden:
        ws.column_dimensions[hidden].hidden = True
    path = tmp_path / "tw4.xlsx"
    wb.save(path)
    return path


def sums(path):
    p = ingest([path]).summary()["periods"][0]
    return p["pagu"], p["realisasi"], p["programs"], p["kegiatan"]


# (name, pagu, realisasi) of two programs with two kegiatan each: pagu 1.300, realisasi 400
LINES = [(n, p, r) for n, p, r, _ in CLEAN]


def test_the_cumulative_realisasi_to_this_quarter_is_taken(tmp_path):
    """'Realisasi s.d. Triwulan Lalu | Triwulan Ini | s.d. Triwulan Ini' (the Permendagri form): the
    first was taken, last quarter's figure."""
    rows = [(n, p, r - 10 * (k % 3 != 0), 10 * (k % 3 != 0), r) for k, (n, p, r) in
            enumerate(LINES)]
    rows[0] = (rows[0][0], 300, 130, 20, 150)
    rows[3] = (rows[3][0], 1000, 230, 20, 250)
    path = grouped(tmp_path, ["Pagu", "Realisasi s.d. Triwulan Lalu", "Realisasi Triwulan Ini",
                              "Realisasi s.d. Triwulan Ini"], rows)
    assert sums(path) == (1300, 400, 2, 4)


def test_the_pagu_of_the_latest_version_is_taken(tmp_path):
    rows = [(n, p + 200 * (k in (0, 1)), p, r) for k, (n, p, r) in enumerate(LINES)]
    path = grouped(tmp_path, ["Pagu Murni", "Pagu Perubahan", "Realisasi"], rows)
    assert sums(path) == (1300, 400, 2, 4)


@pytest.mark.parametrize("labels, role", [
    (["Pagu", "Realisasi TW I", "Realisasi TW II"], "Realisasi"),
    (["Pagu 2020", "Pagu DPA", "Realisasi"], "Pagu")])
def test_several_money_columns_that_cannot_be_told_apart_are_refused(tmp_path, labels, role):
    rows = [(n, p, r, r) for n, p, r in LINES]
    with pytest.raises(LayoutError, match=f"beberapa kolom {role} \\(") as exc:
        ingest([grouped(tmp_path, labels, rows)])
    # the second of them named as the cell, both in the text
    assert exc.value.cell == ("E4" if role == "Realisasi" else "D4")
    assert labels[1] in str(exc.value) and labels[2 if role == "Realisasi" else 0] in str(exc.value)


def test_realisasi_fisik_beside_the_money_is_not_a_second_realisasi(tmp_path):
    rows = [(n, p, r, "50%") for n, p, r in LINES]
    path = grouped(tmp_path, ["Pagu", "Realisasi Keuangan", "Realisasi Fisik (%)"], rows)
    assert sums(path) == (1300, 400, 2, 4)


def test_two_amounts_under_one_heading_are_refused_not_joined(tmp_path):
    """A hidden, unlabelled column right of Pagu holding the old pagu: '300' and '330' were read
    as 300330."""
    rows = [(n, p, p + p // 10, r) for n, p, r in LINES]
    with pytest.raises(CellError, match="dua jumlah di bawah satu judul kolom \\(C5 '300', "
                                        "D5 '330'\\)") as exc:
        ingest([grouped(tmp_path, ["Pagu", None, "Realisasi"], rows, hidden="D")])
    assert exc.value.cell == "D5"


@pytest.mark.parametrize("label", ["Total (Rp)", "JUMLAH TOTAL BELANJA",
                                   "Jumlah Program dan Kegiatan", "Total Anggaran Dinas",
                                   "Total Belanja Urusan Sosial",
                                   "JUMLAH BELANJA LANGSUNG DAN TIDAK LANGSUNG"])
def test_more_total_labels_are_the_total(tmp_path, label):
    rows = quarter_sheet([list(r) for r in CLEAN])
    rows.insert(-1, [None] * 6 + [label, 1300, 400, None])
    assert sums(write_xlsx(tmp_path / "tw2.xlsx", {"TW II": rows})) == (1300, 400, 2, 4)


@pytest.mark.parametrize("label", ["Jumlah Penerima Bantuan Sosial", "Total Quality Management"])
def test_a_kegiatan_named_like_a_total_is_a_kegiatan(tmp_path, label):
    lines = [list(r) for r in CLEAN]
    lines[2][0] = label
    rows = quarter_sheet(lines, total=(1300, 400))
    assert sums(write_xlsx(tmp_path / "tw2.xlsx", {"TW II": rows})) == (1300, 400, 2, 4)


@pytest.mark.parametrize("at", ["top", "bottom"])
def test_a_row_carrying_the_whole_table_is_its_total_not_a_program(tmp_path, at):
    """'BELANJA LANGSUNG' above the programs with the grand sum (or an unknown total label below
    them): summed as a program without kegiatan, the total doubled with only an info finding."""
    lines = [list(r) for r in CLEAN]
    grand = ["BELANJA LANGSUNG" if at == "top" else "Rekapitulasi", 1300, 400, "30,77%"]
    lines = [grand] + lines if at == "top" else lines + [grand]
    data = ingest([write_xlsx(tmp_path / "tw2.xlsx", {"TW II": quarter_sheet(lines)})])
    p = data.summary()["periods"][0]
    assert (p["pagu"], p["realisasi"], p["programs"], p["kegiatan"]) == (1300, 400, 2, 4)
    said = [w for w in data.warnings if w.code == "AMBIGUOUS_HIERARCHY"]
    assert len(said) == 1 and f"'{grand[0]}' dibaca sebagai jumlah seluruh tabel" in said[0].message
    assert said[0].cell == ("G5" if at == "top" else "G11")
    f = reconcile(data).findings
    assert not f["code"].isin(["TOTAL_MISMATCH", "NO_KEGIATAN"]).any()


# ---- read as before (a review of the rules above found each refused or misread)
@pytest.mark.parametrize("labels", [
    ["Pagu", "Realisasi Keuangan", "Realisasi Kinerja"],
    ["Pagu", "Realisasi Anggaran", "Realisasi Output"],
    ["Pagu", "Realisasi", "Realisasi Tahun Lalu"],
    ["Pagu", "Realisasi", "Pagu Indikatif Tahun 2021"],
    ["Pagu", "Realisasi TW I", "Realisasi TW II", "Realisasi Total"]])
def test_other_columns_named_like_money_do_not_make_a_sheet_ambiguous(tmp_path, labels):
    rows = [(n, p, r, *([r] * (len(labels) - 2))) for n, p, r in LINES]
    if labels[-1] == "Realisasi Total":        # TW I, TW II, then the cumulative total
        rows = [(n, p, r // 2, r - r // 2, r) for n, p, r in LINES]
    assert sums(grouped(tmp_path, labels, rows)) == (1300, 400, 2, 4)


def test_an_indicators_target_and_realisasi_right_of_the_budget_are_not_money(tmp_path):
    rows = [["PENGUKURAN KINERJA TRIWULAN IV Tahun Anggaran 2020"], [],
            ["No", "Program / Kegiatan", "Pagu", "Realisasi", "Capaian (%)", "Indikator Kinerja",
             "Target", "Realisasi", "Capaian"]]
    rows += [[None, n, p, r, None, "ind", 10, 5, "50%"] for n, p, r in LINES]
    assert sums(write_xlsx(tmp_path / "tw4.xlsx", {"TW IV": rows})) == (1300, 400, 2, 4)


@pytest.mark.parametrize("name", ["Jumlah Anggaran Bantuan Sosial Tunai",
                                  "Total Belanja Pegawai Non ASN"])
def test_a_kegiatan_named_with_total_words_in_mid_table_does_not_end_it(tmp_path, name):
    lines = [list(r) for r in CLEAN]
    lines[1][0] = name
    rows = quarter_sheet(lines, total=(1300, 400))
    assert sums(write_xlsx(tmp_path / "tw2.xlsx", {"TW II": rows})) == (1300, 400, 2, 4)


def test_a_last_program_equal_to_the_rest_with_nothing_spent_stays_a_program(tmp_path):
    """TW I, realisasi 0 everywhere: a program without kegiatan equal to the others' sum is no
    evidence of a Total (it was dropped as one)."""
    lines = [["Program A", 300, 0, None], ["Kegiatan A1", 100, 0, None],
             ["Kegiatan A2", 200, 0, None], ["Program B Tanpa Kegiatan", 300, 0, None]]
    rows = quarter_sheet(lines)
    assert sums(write_xlsx(tmp_path / "tw2.xlsx", {"TW II": rows})) == (600, 0, 2, 3)
