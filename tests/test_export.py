"""The findings workbook and the CLI of reconcile: highlighted cells, formula neutralisation,
exit statuses."""
import csv
import json

from conftest import CLEAN, SAMPLE, quarter_sheet, write_xlsx
from openpyxl import load_workbook

from lkjip_helpers.cli import main
from lkjip_helpers.ingest import ingest
from lkjip_helpers.reconcile import reconcile, write_findings_csv
from lkjip_helpers.reconcile.export import write_findings_workbook
from lkjip_helpers.safe import neutralise


def test_findings_workbook_of_the_sample_year(tmp_path):
    data = ingest([SAMPLE])
    rec = reconcile(data)
    path = write_findings_workbook(rec, data, tmp_path / "temuan.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Temuan", "TW I 2020", "TW II 2020", "TW III 2020", "TW IV 2020",
                             "Refocusing", "Pagu per kegiatan"]
    ws = wb["Temuan"]
    assert ws.max_row == len(rec.findings) + 1
    assert ws.auto_filter.ref == f"A1:O{len(rec.findings) + 1}"
    assert ws["A2"].value == "error" and ws["A2"].fill.fgColor.rgb.endswith("F4B6B6")
    # TW IV: program 7's realisasi (source cell L33) is highlighted, with the message
    tw4 = wb["TW IV 2020"]
    row = next(r for r in range(2, tw4.max_row + 1) if tw4.cell(r, 9).value == "I33")
    cell = tw4.cell(row, 5)
    assert cell.value == 7387500
    assert cell.fill.fgColor.rgb.endswith("F4B6B6")
    assert "SUBTOTAL_MISMATCH" in cell.comment.text
    assert tw4.cell(row, 4).fill.fgColor.rgb in (None, "00000000")  # pagu is fine
    # the refocusing sheet: eight programs at TW II
    ref = wb["Refocusing"]
    assert sum(1 for r in range(2, ref.max_row + 1) if ref.cell(r, 2).value == "TW II") == 8


def test_formulas_are_neutralised(tmp_path):
    rows = [list(r) for r in CLEAN]
    evil = ['=HYPERLINK("http://x","klik")', "+SUM(1,2)", "-2+3", "@SUM(A1)"]
    for i, name in zip((1, 2, 4, 5), evil):
        rows[i][0] = name
    path = write_xlsx(tmp_path / "evil.xlsx", {"TW I 2020": quarter_sheet(rows, "TW I 2020")})
    data = ingest([path])
    assert list(data.budget_lines["kegiatan"]) == evil
    out = write_findings_workbook(reconcile(data), data, tmp_path / "out.xlsx")
    ws = load_workbook(out)["TW I 2020"]
    names = [ws.cell(r, 3) for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "kegiatan"]
    assert [c.value for c in names] == evil
    assert all(c.data_type == "s" for c in names)
    # CSV: a leading apostrophe keeps them text
    assert [neutralise(e) for e in evil] == ["'" + e for e in evil]
    assert neutralise("Pelayanan") == "Pelayanan" and neutralise(5) == 5


def test_findings_csv_is_neutralised(tmp_path):
    rows = [list(r) for r in CLEAN]
    rows[1][0] = "=1+1"
    rows[1][3] = "99%"
    data = ingest([write_xlsx(tmp_path / "a.xlsx", {"TW I 2020": quarter_sheet(rows, "TW I 2020")})])
    rec = reconcile(data)
    write_findings_csv(rec.findings, tmp_path / "f.csv")
    with open(tmp_path / "f.csv", newline="") as fh:
        rec_rows = list(csv.DictReader(fh))
    assert rec_rows[0]["kegiatan"] == "'=1+1"


def test_cli_reconcile_json_and_fail_on(tmp_path, capsys):
    quarterly = sorted(str(p) for p in SAMPLE.glob("pengukuran_kinerja_*.xlsx"))
    assert main(["reconcile", *quarterly, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["findings_by_severity"] == {"error": 6, "warning": 16, "info": 15}
    # with the annual workbook (the whole folder) its findings join in
    assert main(["reconcile", str(SAMPLE), "--json", "--xlsx", str(tmp_path / "t.xlsx")]) == 0
    out = json.loads(capsys.readouterr().out)
    # (4 of the warnings: AGGREGATION_INFERRED, the seed states no indicator's aggregation type)
    assert out["summary"]["findings_by_severity"] == {"error": 14, "warning": 35, "info": 15}
    first = out["findings"][0]
    assert set(first) >= {"code", "severity", "year", "quarter", "program_no", "program",
                          "kegiatan", "field", "stated", "computed", "difference",
                          "source_file", "source_sheet", "source_cell", "message"}
    assert isinstance(first["stated"], int)
    assert (tmp_path / "t.xlsx").exists()
    assert main(["reconcile", str(SAMPLE), "--fail-on", "error"]) == 3
    assert main(["reconcile", str(SAMPLE), "--fail-on", "warning"]) == 3
    capsys.readouterr()
    clean = write_xlsx(tmp_path / "c.xlsx", {"TW I 2020": quarter_sheet(
        [[n, p, 0, "0,00%"] for n, p, _, _ in CLEAN], "TW I 2020", total=(1300, 0))})
    assert main(["reconcile", str(clean), "--fail-on", "warning"]) == 0
