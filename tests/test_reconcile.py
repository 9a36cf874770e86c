"""Each finding code on a small workbook made here (one error each), and a clean one with none."""
from decimal import Decimal as D

from conftest import CLEAN, quarter_sheet, write_xlsx

from lkjip_helpers.ingest import ingest
from lkjip_helpers.reconcile import reconcile
from lkjip_helpers.reconcile.matching import match_names, normalise

TOTAL = (1300, 400)
FOOTER = ("Jumlah Anggaran Tahun 2020 : Rp. 1.300", "Realisasi Pagu Anggaran Triwulan II Tahun 2020 : Rp. 400")


def sheet(rows=None, title="TRIWULAN II Tahun Anggaran 2020", total=TOTAL, footer=FOOTER):
    return quarter_sheet(rows if rows is not None else [list(r) for r in CLEAN], title, total, footer)


def findings_of(tmp_path, sheets_by_file):
    paths = [write_xlsx(tmp_path / name, sheets) for name, sheets in sheets_by_file.items()]
    return reconcile(ingest(paths)).findings


def codes(f):
    return sorted(f["code"])


def test_clean_workbook_has_no_findings(tmp_path):
    q1 = [list(r) for r in CLEAN]
    q1[1][2], q1[2][2], q1[0][2] = 0, 0, 0
    for r in q1[:3]:
        r[3] = "0,00%"
    q1_sheet = sheet(q1, title="TRIWULAN I Tahun Anggaran 2020", total=(1300, 250),
                     footer=("Jumlah Anggaran Tahun 2020 : Rp. 1.300",
                             "Realisasi Pagu Anggaran Triwulan I Tahun 2020 : Rp. 250"))
    f = findings_of(tmp_path, {"TW1.xlsx": {"TW I": q1_sheet}, "TW2.xlsx": {"TW II": sheet()}})
    assert len(f) == 0, f[["code", "message"]].to_string()


def test_subtotal_mismatch(tmp_path):
    rows = [list(r) for r in CLEAN]
    rows[3][2] = 260  # Program B's realisasi: its kegiatan spent 250
    rows[3][3] = "26,00%"
    f = findings_of(tmp_path, {"a.xlsx": {"S": sheet(rows)}})
    assert codes(f) == ["SUBTOTAL_MISMATCH"]
    r = f.iloc[0]
    assert (r["field"], r["stated"], r["computed"], r["difference"]) == ("realisasi", 260, 250, 10)
    assert (r["source_file"], r["source_sheet"], r["source_cell"]) == ("a.xlsx", "S", "I8")
    assert "Program B" in r["message"] and "Rp 260" in r["message"]


def test_wrong_pagu_subtotal_is_found_and_the_split_holds(tmp_path):
    rows = [list(r) for r in CLEAN]
    rows[3][1] = 999
    rows[3][3] = "25,03%"
    f = findings_of(tmp_path, {"a.xlsx": {"S": sheet(rows)}})
    assert codes(f) == ["SUBTOTAL_MISMATCH"]
    assert (f.iloc[0]["field"], f.iloc[0]["stated"], f.iloc[0]["computed"]) == ("pagu", 999, 1000)


def test_total_mismatch(tmp_path):
    f = findings_of(tmp_path, {"a.xlsx": {"S": sheet(total=(1300, 410), footer=FOOTER)}})
    assert list(zip(f["code"], f["severity"])) == [("TOTAL_MISMATCH", "error"),
                                                   ("FOOTER_MISMATCH", "info")]
    assert (f.iloc[0]["stated"], f.iloc[0]["computed"], f.iloc[0]["source_cell"]) == (410, 400, "I11")
    # the footer states the true sum: only noted, the Total row is the cell to fix
    assert "baris Total menulis Rp 410" in f.iloc[1]["message"]


def test_footer_mismatch(tmp_path):
    footer = ("Jumlah Anggaran Tahun 2020 : Rp. 1.300",
              "Realisasi Pagu Anggaran Triwulan II Tahun 2020 : Rp. 420")
    f = findings_of(tmp_path, {"a.xlsx": {"S": sheet(footer=footer)}})
    assert codes(f) == ["FOOTER_MISMATCH"]
    assert (f.iloc[0]["severity"], f.iloc[0]["stated"], f.iloc[0]["source_cell"]) == ("error", 420, "A14")


def test_period_mismatch(tmp_path):
    footer = ("Jumlah Anggaran Tahun 2020 : Rp. 1.300",
              "Realisasi Pagu Anggaran Triwulan IV Tahun 2019 : Rp. 400")
    f = findings_of(tmp_path, {"a.xlsx": {"S": sheet(footer=footer)}})
    assert codes(f) == ["PERIOD_MISMATCH"]
    assert "TW IV 2019" in f.iloc[0]["message"]


def test_percent_mismatch_but_rounding_and_truncation_pass(tmp_path):
    rows = [list(r) for r in CLEAN]
    rows[1][3] = "50,10%"   # wrong
    rows[2][3] = "50%"      # right at 0 decimals
    f = findings_of(tmp_path, {"a.xlsx": {"S": sheet(rows)}})
    assert codes(f) == ["PERCENT_MISMATCH"]
    assert (f.iloc[0]["stated"], f.iloc[0]["computed"], f.iloc[0]["unit"]) == (D("50.10"), 50, "%")
    assert f.iloc[0]["source_cell"] == "J6"


def test_realisasi_exceeds_pagu(tmp_path):
    rows = [list(r) for r in CLEAN]
    rows[1][2], rows[1][3] = 120, "120,00%"
    rows[0][2], rows[0][3] = 220, "73,33%"
    f = findings_of(tmp_path, {"a.xlsx": {"S": sheet(rows, total=(1300, 470), footer=())}})
    assert codes(f) == ["REALISASI_EXCEEDS_PAGU"]
    assert f.iloc[0]["difference"] == 0 or f.iloc[0]["stated"] == 120


def test_realisasi_decreased_pagu_changed_reverted_and_unmatched(tmp_path):
    q1 = [list(r) for r in CLEAN]
    q2 = [list(r) for r in CLEAN]
    q3 = [list(r) for r in CLEAN]
    # TW II: the refocusing cuts Kegiatan B2 from 600 to 500, realisasi of A1 goes down
    q2[3][1], q2[5][1] = 900, 500
    q2[3][3], q2[5][3] = "27,78%", "30,00%"
    q2[1][2], q2[1][3], q2[0][2], q2[0][3] = 40, "40,00%", 140, "46,67%"
    # TW III: B2 back to 600 (the version TW II replaced); A2 renamed beyond recognition
    q3[2][0] = "Belanja sesuatu yang lain sama sekali"
    files = {"TW1.xlsx": {"TW I": sheet(q1, "TRIWULAN I 2020", total=None, footer=())},
             "TW2.xlsx": {"TW II": sheet(q2, "TRIWULAN II 2020", total=None, footer=())},
             "TW3.xlsx": {"TW III": sheet(q3, "TRIWULAN III 2020", total=None, footer=())}}
    f = findings_of(tmp_path, files)
    got = sorted(zip(f["code"], f["quarter"]))
    assert got == [("PAGU_CHANGED", 2), ("PAGU_REVERTED", 3), ("REALISASI_DECREASED", 2),
                   ("UNMATCHED_KEGIATAN", 2), ("UNMATCHED_KEGIATAN", 3)]
    changed = f[f["code"] == "PAGU_CHANGED"].iloc[0]
    assert (changed["stated"], changed["computed"], changed["difference"]) == (500, 600, -100)
    assert changed["severity"] == "info"
    assert f[f["code"] == "PAGU_REVERTED"].iloc[0]["severity"] == "warning"


def test_missing_value_and_ambiguous_number(tmp_path):
    rows = [list(r) for r in CLEAN]
    rows[4][3] = None
    footer = ("Jumlah Anggaran Tahun 2020 : Rp. 1.300,000", FOOTER[1])
    f = findings_of(tmp_path, {"a.xlsx": {"S": sheet(rows, footer=footer)}})
    assert codes(f) == ["AMBIGUOUS_NUMBER", "FOOTER_MISMATCH", "MISSING_VALUE"]
    # 1.300,000 was read as 1 300 000 (three digits after a comma are grouping): flagged twice
    assert f[f["code"] == "FOOTER_MISMATCH"].iloc[0]["stated"] == 1300000


def test_name_matching_variants():
    assert normalise("Pelayanan  dan\nRehabilitasi-Sosial ") == "pelayanan dan rehabilitasi sosial"
    prev = [("P", "Pelebagaan Pengarusutamaan Gender (PUG)"), ("P", "Penanganan Fakir Miskin"),
            ("Q", "Pembinaan bagi Penyandang Disabilitas"), ("Q", "Pembinaan bagi Masyarakat")]
    cur = [("P", "Penanganan fakir miskin."), ("P", "Pelembagaan Pengarusutamaan Gender (PUG)"),
           ("Q", "Pembinaan Bagi Masyarakat"), ("Q", "Pembinaan bagi Penyandang\nDisabilitas")]
    pairs = {i: j for i, (j, _) in match_names(prev, cur).items()}
    assert pairs == {0: 1, 1: 0, 2: 3, 3: 2}
    assert match_names(prev, [("P", "Belanja Modal Tanah")]) == {}


def test_same_name_in_two_programs_follows_the_program():
    prev = [("Program A", "Koordinasi"), ("Program B", "Koordinasi")]
    cur = [("Program B", "Koordinasi"), ("Program A", "Koordinasi")]
    pairs = {i: j for i, (j, _) in match_names(prev, cur).items()}
    assert pairs == {0: 1, 1: 0}
