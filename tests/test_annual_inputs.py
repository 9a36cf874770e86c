"""The annual workbook as agencies really fill it (found by an adversarial pass): percents typed
into %-formatted cells, targets that are no number, a pagu of 0. Each is exact, or its doubt is a
finding; never an internal error (the report's chapter III failed with a TypeError)."""
import shutil
from decimal import Decimal as D

import pytest
from conftest import SAMPLE
from openpyxl import load_workbook

from lkjip_helpers.annual import read_annual
from lkjip_helpers.kinerja import evaluate
from lkjip_helpers.tables import indicator_tables, tabel_3_2


def annual(tmp_path, edit):
    path = tmp_path / "kinerja_2020.xlsx"
    shutil.copy(SAMPLE / "kinerja_2020.xlsx", path)
    wb = load_workbook(path)
    edit(wb)
    wb.save(path)
    return read_annual(path)


def test_a_percent_typed_into_a_percent_cell_is_that_percent(tmp_path):
    """Excel stores '86%' typed into a %-formatted cell as 0.86: read as 86%, not 0,86."""
    def edit(wb):
        for sheet, cell, value in (("PK", "F2", 0.86), ("Indikator", "C2", 0.92)):
            wb[sheet][cell] = value
            wb[sheet][cell].number_format = "0%"
    k = evaluate(annual(tmp_path, edit), 2020)
    row = k.indicators.iloc[0]
    assert (row["target"], row["realisasi"]) == ("86%", "92%")
    assert round(row["capaian"], 2) == D("106.98")          # 92 / 86, as with text cells


@pytest.mark.parametrize("target", [0, "≥ 80%", "80-90", "delapan puluh"])
def test_a_target_that_gives_no_capaian_is_said_and_chapter_iii_is_made(tmp_path, target):
    k = evaluate(annual(tmp_path, lambda wb: wb["PK"].__setitem__("F2", target)), 2020)
    row = k.indicators.iloc[0]
    assert row["capaian"] is None or row["capaian"] != row["capaian"]     # None or NaN
    note = row["capaian_catatan"]
    assert ("bukan angka" in note) if isinstance(target, str) else ("target nol" in note)
    said = [f for f in k.findings if f.code == "MISSING_VALUE" and f.source_cell == "F2"]
    assert len(said) == 1 and said[0].severity == "warning" and said[0].source_sheet == "PK"
    tabs = indicator_tables(k, 2020)                         # no TypeError
    a = tabs["3.1.1.A"].iloc[0]
    assert a["Capaian (dihitung)"].startswith("–") and a["Kategori"].startswith("–")


def test_a_pagu_of_zero_in_tabel_3_2_is_a_finding_not_an_error(tmp_path):
    k = evaluate(annual(tmp_path, lambda wb: wb["Anggaran"].__setitem__("D2", 0)), 2020)
    f = [x for x in k.findings if x.code == "PERCENT_MISMATCH" and x.source_cell == "F2"]
    assert len(f) == 1 and "pagunya Rp 0" in f[0].message and f[0].computed is None
    assert len(tabel_3_2(k)) > 0


def test_a_pk_program_missing_from_tabel_3_2_is_not_compared_with_rp_0(tmp_path):
    """Program 8 deleted from Tabel 3.2: the finding said the quarterly pagu was 'TW I Rp 0, …'
    though the sheets state Rp 195.822.750; now it says the program cannot be compared."""
    from lkjip_helpers.ingest import ingest

    def edit(wb):
        wb["Anggaran"].delete_rows(20)
    quarters = ingest(sorted(SAMPLE.glob("pengukuran_*.xlsx"))).budget_lines
    k = evaluate(annual(tmp_path, edit), 2020, quarters=quarters)
    pk = [f for f in k.findings if f.code == "PK_BUDGET_MISMATCH" and f.program_no == 8]
    assert len(pk) == 1 and "Rp 0" not in pk[0].message
    assert "tidak punya kegiatan di Tabel 3.2" in pk[0].message and pk[0].computed is None


@pytest.mark.parametrize("value", [0, "", None])
def test_an_agency_budget_of_zero_leaves_the_stated_shares_unchecked_and_says_so(tmp_path, value):
    """Anggaran Perangkat Daerah 0 (Ringkasan B4): the check of the stated '% anggaran terhadap
    PD' (23% for indicator 1, a CAPAIAN_MISMATCH) vanished without a word."""
    def edit(wb):
        ws = wb["Ringkasan"]
        row = next(r for r in range(1, ws.max_row + 1)
                   if str(ws.cell(r, 1).value).strip().lower() == "anggaran perangkat daerah")
        if value is None:       # no such row
            ws.cell(row, 1).value = None
        else:                   # 0, or the cell left blank
            ws.cell(row, 2).value = value if value != "" else None
        return row
    base = evaluate(read_annual(SAMPLE / "kinerja_2020.xlsx"), 2020)
    assert not [f for f in base.findings if f.field == "persen_anggaran_pd"
                and f.code == "MISSING_VALUE"]
    k = evaluate(annual(tmp_path, edit), 2020)
    assert not [f for f in k.findings if f.field == "persen_anggaran_pd"
                and f.code == "CAPAIAN_MISMATCH"]
    said = [f for f in k.findings if f.code == "MISSING_VALUE" and f.field == "persen_anggaran_pd"]
    stated = k.indicators["persen_anggaran_pd_tertulis"].notna().sum()
    assert len(said) == 1 and said[0].severity == "warning" and stated > 0
    assert f"pada {stated} indikator tidak dapat diperiksa" in said[0].message
    if value is not None:
        assert (said[0].source_sheet, said[0].source_cell) == ("Ringkasan", "B4")
        assert f"Ringkasan {'Rp 0' if value == 0 else 'kosong'}:" in said[0].message
    else:
        assert said[0].source_sheet == "Indikator" and said[0].source_cell


def test_the_kemajuan_finding_of_a_negative_indicator_names_its_formula(tmp_path):
    """The figure followed the negative formula, the message the positive one."""
    k = evaluate(annual(tmp_path, lambda wb: wb["PK"].__setitem__("E2", "negatif")), 2020)
    f = [x for x in k.findings if x.field == "kemajuan" and x.source_cell == "G2"]
    # (2 × 75 − 92) / 75 = 77,33%
    assert len(f) == 1 and "padahal (2 × target akhir Renstra 75% − realisasi 92%) / target " \
        "akhir Renstra 75% = 77,33%" in f[0].message


def test_a_negative_amount_in_tabel_3_2_is_named_as_such(tmp_path):
    """A negative realisasi (E2) or pagu (D3) in Tabel 3.2 only showed as mismatches elsewhere."""
    def edit(wb):
        wb["Anggaran"]["E2"] = -43_332_500
        wb["Anggaran"]["D3"] = -1
    k = evaluate(annual(tmp_path, edit), 2020)
    got = sorted((f.source_cell, f.severity, f.message.split(" (")[0]) for f in k.findings
                 if f.code == "NEGATIVE_AMOUNT")
    assert got == [("D3", "error", "pagu negatif: -Rp 1"),
                   ("E2", "warning", "realisasi negatif: -Rp 43.332.500")]


@pytest.mark.parametrize("target, cap", [("0.8", "11.500,00%"), ("1.000", "9.200,00%"),
                                         (0.8, "11.500,00%")])
def test_a_fraction_beside_a_percent_is_a_doubt_said_at_its_cell(tmp_path, target, cap):
    """Target '0.8' (a number cell without the % format, or text) beside realisasi '92%': the
    capaian 11.500% is what the text says, but nothing said it might mean 80%."""
    base = evaluate(read_annual(SAMPLE / "kinerja_2020.xlsx"), 2020)
    assert not [f for f in base.findings if f.code == "AMBIGUOUS_NUMBER"]
    k = evaluate(annual(tmp_path, lambda wb: wb["PK"].__setitem__("F2", target)), 2020)
    f = [x for x in k.findings if x.code == "AMBIGUOUS_NUMBER"]
    assert [(x.source_sheet, x.source_cell, x.severity) for x in f] == [("PK", "F2", "warning")]
    assert f"sedangkan realisasi 92%: capaian dihitung dari angka yang tertulis ({cap}); jika " \
        f"maksudnya {'80' if '8' in str(target) else '100'}%, perbaiki selnya." in f[0].message
