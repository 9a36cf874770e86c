"""Error values and formulas without a value in money cells (issue 9, point 3): never 0, never a
neighbouring cell, never a refusal only: a MISSING_VALUE finding of error severity naming the cell,
and no total computed over the unknown amount (see lkjip_helpers.unknown)."""
import re
import shutil
import zipfile

import pytest
from conftest import SAMPLE, CLEAN, quarter_sheet, write_xlsx
from hostile import patch_xlsx
from test_hostile import one_line, run, with_cell

from lkjip_helpers.errors import LkjipError
from lkjip_helpers.ingest import ingest
from lkjip_helpers.pipeline import analyse
from lkjip_helpers.reconcile import reconcile


def missing(findings, cell):
    return findings[(findings["code"] == "MISSING_VALUE") & (findings["source_cell"] == cell)]


@pytest.mark.parametrize("xml,words", [
    (b'<c r="H6" t="e"><f>1/0</f><v>#DIV/0!</v></c>', "#DIV/0!"),
    (b'<c r="H6" t="e"><v>#N/A</v></c>', "#N/A"),
    (b'<c r="H6" t="e"><f>A1+"x"</f><v>#VALUE!</v></c>', "#VALUE!"),
    (b'<c r="H6" t="e"><f>#REF!</f><v>#REF!</v></c>', "#REF!"),
    (b'<c r="H6"><f>SUM(H7:H8)</f></c>', "rumus tanpa nilai tersimpan"),
    (b'<c r="H6"><f>SUM(H7:H8)</f><v></v></c>', "rumus tanpa nilai tersimpan"),
])
def test_an_unknown_pagu_is_an_error_finding_never_a_number(xml, words, tmp_path, capsys):
    path = with_cell(tmp_path, b"H6", xml)
    status, out, err = run(["ingest", path, "--out", tmp_path / "o"], capsys)
    assert status == 0, err
    period = next(line for line in out.splitlines() if "TW I" in line)
    assert "pagu      tidak diketahui" in period and "Rp 1.300" not in period  # not 1.400 - 100
    assert any("sel H6" in line and words in line for line in out.splitlines())
    data = ingest([path])
    a1 = data.budget_lines[data.budget_lines["kegiatan"] == "Kegiatan A1"].iloc[0]
    assert a1.isna()["pagu"] and a1["realisasi"] == 50 and a1["pagu_cell"] == "H6"
    rec = reconcile(data)
    hit = missing(rec.findings, "H6")
    assert list(hit["severity"]) == ["error"] and words in hit["message"].iloc[0]
    # nothing summed over it: no subtotal blamed, no total, absorption or band for the quarter
    assert set(rec.findings["code"]) <= {"MISSING_VALUE"}, rec.findings[["code", "message"]]
    assert len(rec.totals) == 0 and len(rec.programs) == 0


def test_an_unknown_realisasi_is_an_error_finding(tmp_path):
    path = with_cell(tmp_path, b"I9", b'<c r="I9" t="e"><f>I7/0</f><v>#DIV/0!</v></c>')
    rec = reconcile(ingest([path]))
    hit = missing(rec.findings, "I9")
    assert list(hit["severity"]) == ["error"] and "realisasi" in hit["message"].iloc[0]
    assert len(rec.totals) == 0


def test_an_error_in_a_stated_total_leaves_only_that_figure_unknown(tmp_path):
    src = write_xlsx(tmp_path / "t.xlsx", {"TW I": quarter_sheet(CLEAN, title="TW I 2020",
                                                                  total=(1300, 400))})
    sheet = zipfile.ZipFile(src).read("xl/worksheets/sheet1.xml")
    old = re.search(rb'<c r="H11"[^>]*>.*?</c>', sheet).group(0)
    path = patch_xlsx(src, tmp_path / "galat.xlsx", {old: b'<c r="H11" t="e"><v>#N/A</v></c>'})
    rec = reconcile(ingest([path]))
    assert list(missing(rec.findings, "H11")["severity"]) == ["error"]
    assert [str(v) for v in rec.totals["pagu"]] == ["1300.00"]  # the lines are exact
    assert "TOTAL_MISMATCH" not in set(rec.findings["code"])


@pytest.fixture
def sample_with_error(tmp_path):
    """The sample year, TW IV's K10 (pagu 291.188.000 beside an ``Rp`` cell in J10) an error."""
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLE, raw)
    src = SAMPLE / "pengukuran_kinerja_2020_TW4.xlsx"
    sheet = next(n for n in zipfile.ZipFile(src).namelist() if n.startswith("xl/worksheets/"))
    old = re.search(rb'<c r="K10"[^>]*?(?:/>|>.*?</c>)', zipfile.ZipFile(src).read(sheet)).group(0)
    patch_xlsx(src, raw / src.name, {old: b'<c r="K10" t="e"><f>K11/0</f><v>#DIV/0!</v></c>'})
    return raw


def test_the_sample_tw4_with_an_error_beside_an_rp_cell(sample_with_error, capsys):
    """The issue's case: pagu came out Rp 6.380.735.749 instead of 6.671.923.749 (K10 read as the
    ``Rp`` cell beside it, i.e. 0) and reconcile blamed the sheet."""
    raw = sample_with_error
    status, out, err = run(["reconcile", raw], capsys)
    assert status == 0, err
    assert "6.380.735.749" not in out
    line = next(x for x in out.splitlines() if "(MISSING_VALUE)" in x and "TW4" in x)
    assert "sel K10" in line and "#DIV/0!" in line and line.startswith("[kesalahan]")
    assert "J10" not in out
    data = ingest([raw])
    assert data.summary()["periods"][3]["pagu"] is None
    an = analyse([raw], 2020, data=data, partial=True)
    tw4 = [f for f in an.findings.itertuples() if f.source_file.endswith("TW4.xlsx")]
    assert {f.code for f in tw4 if f.severity == "error"} == {"MISSING_VALUE"}
    assert 4 not in set(an.rec.totals["quarter"]) and 3 in set(an.rec.totals["quarter"])
    assert any("K10" in m for m in an.missing)
    for quarter in (None, 4):  # the report of TW IV (also as the latest): refused, naming K10
        with pytest.raises(LkjipError, match="K10.*MISSING_VALUE"):
            analyse([raw], 2020, quarter, data=data)
    assert analyse([raw], 2020, 3, data=data).missing == []


def test_an_earlier_quarter_with_an_unknown_amount_is_left_out_with_a_note(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    bad = with_cell(tmp_path, b"H6", b'<c r="H6" t="e"><v>#N/A</v></c>')
    shutil.copy(bad, raw / "TW1.xlsx")
    write_xlsx(raw / "TW2.xlsx", {"TW II": quarter_sheet(CLEAN, title="TW II 2020")})
    an = analyse([raw], 2020, 2)
    assert list(an.rec.totals["quarter"]) == [2]
    assert an.data.budget_lines["pagu"].notna().all()
    assert any("TW1.xlsx" in m and "H6" in m for m in an.missing)
    assert list(missing(an.findings, "H6")["severity"]) == ["error"]


def test_the_processed_stage_and_the_findings_workbook_keep_the_unknown_amount(
        sample_with_error, tmp_path, capsys):
    """ingest --out writes the line with its empty pagu; reconcile over the processed tables finds
    the same MISSING_VALUE (not a 0 read back from Parquet), and writes the findings workbook."""
    import openpyxl

    from lkjip_helpers.processed import read_processed

    raw, out, book = sample_with_error, tmp_path / "processed", tmp_path / "temuan.xlsx"
    status, _, err = run(["ingest", raw, "--out", out], capsys)
    assert status == 0, err
    back = read_processed(out)
    lines = back.budget_lines
    k10 = lines[(lines["pagu_cell"] == "K10") & lines["source_file"].str.endswith("TW4.xlsx")]
    assert len(k10) == 1 and k10["pagu"].isna().all()
    assert lines["pagu"].isna().sum() == 1
    assert [w.cell for w in back.warnings if w.code == "MISSING_VALUE"
            and w.file.endswith("TW4.xlsx")] == ["K10"]
    status, text, err = run(["reconcile", raw, "--processed", out, "--xlsx", book], capsys)
    assert status == 0 and "dibaca ulang" not in err, err
    line = next(x for x in text.splitlines() if "(MISSING_VALUE)" in x and "TW4" in x)
    assert "sel K10" in line and line.startswith("[kesalahan]")
    cells = [c.value for ws in openpyxl.load_workbook(book) for row in ws.iter_rows()
             for c in row]
    assert any(isinstance(v, str) and "#DIV/0!" in v for v in cells)


def test_agencies_reconciled_over_processes_hold_out_the_same_sheet(tmp_path):
    """The records-based reconcile, in one process or shared among processes: the agency whose
    sheet has an unknown amount gets its MISSING_VALUE error and no total; the others are whole."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for x in "ABC":
        write_xlsx(tmp_path / f"{x}.xlsx", {"TW I": [[f"SKPD : Dinas {x}"]] +
                                            quarter_sheet(CLEAN, title="TRIWULAN I 2020")})
        shutil.copy(tmp_path / f"{x}.xlsx", raw / f"{x}.xlsx")
    sheet = zipfile.ZipFile(tmp_path / "B.xlsx").read("xl/worksheets/sheet1.xml")
    old = re.search(rb'<c r="H7"[^>]*>.*?</c>', sheet).group(0)
    patch_xlsx(tmp_path / "B.xlsx", raw / "B.xlsx", {old: b'<c r="H7" t="e"><v>#N/A</v></c>'})
    data = ingest([raw])
    assert sorted(a.name for a in data.agencies) == ["Dinas A", "Dinas B", "Dinas C"]
    found = []
    for workers in (1, 2):
        rec = reconcile(data, workers=workers)
        hit = missing(rec.findings, "H7")
        assert list(zip(hit["severity"], hit["agency_name"])) == [("error", "Dinas B")]
        assert sorted(rec.totals["agency_name"]) == ["Dinas A", "Dinas C"]
        assert [str(v) for v in rec.totals["pagu"]] == ["1300.00", "1300.00"]
        found.append(sorted(zip(rec.findings["code"], rec.findings["agency_name"],
                                rec.findings["source_cell"])))
    assert found[0] == found[1]


def test_lkjip_report_of_that_quarter_exits_2_naming_the_cell(sample_with_error, tmp_path,
                                                               capsys):
    """The command a user runs: one line naming TW IV's K10, no report folder, no traceback."""
    out = tmp_path / "r"
    status, _, err = run(["report", "--year", 2020, "--quarter", 4, "--raw", sample_with_error,
                          "--out", out, "--format", "html"], capsys)
    assert status == 2
    line = one_line(err)
    assert "TW IV 2020" in line and "K10" in line and "MISSING_VALUE" in line
    assert not (out / "2020" / "TW4").exists()
