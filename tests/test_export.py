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
                             "Tahunan PK", "Tahunan Indikator", "Tahunan Anggaran",
                             "Tahunan Anggaran PK", "Refocusing", "Pagu per kegiatan"]
    ws = wb["Temuan"]
    assert ws.max_row == len(rec.findings) + 1
    assert ws.auto_filter.ref == f"A1:P{len(rec.findings) + 1}"
    assert ws["A2"].value == "Kesalahan" and ws["A2"].fill.fgColor.rgb.endswith("F4B6B6")
    # TW IV: program 7's realisasi (source cell L33) is highlighted, with the message
    tw4 = wb["TW IV 2020"]
    row = next(r for r in range(2, tw4.max_row + 1) if tw4.cell(r, 9).value == "I33")
    cell = tw4.cell(row, 5)
    assert cell.value == 7387500
    assert cell.fill.fgColor.rgb.endswith("F4B6B6")
    assert "Subtotal program tidak sama dengan jumlah kegiatannya: Realisasi program" in \
        cell.comment.text
    assert tw4.cell(row, 4).fill.fgColor.rgb in (None, "00000000")  # pagu is fine
    # the refocusing sheet: eight programs at TW II
    ref = wb["Refocusing"]
    assert sum(1 for r in range(2, ref.max_row + 1) if ref.cell(r, 2).value == "TW II") == 8


def test_findings_sheet_reads_indonesian_with_keterangan_after_where(tmp_path):
    import dataclasses
    import shutil

    from lkjip_helpers.pipeline import analyse
    from lkjip_helpers.reconcile.findings import CODES

    raw = tmp_path / "raw"
    shutil.copytree(SAMPLE, raw)
    an = analyse([raw], 2020)
    rec = dataclasses.replace(an.rec, findings=an.findings)
    # beside the sources: each finding links to its workbook's sheet and cell
    wb = load_workbook(write_findings_workbook(rec, an.data, raw / "temuan.xlsx"))
    ws = wb["Temuan"]
    head = [c.value for c in ws[1]]
    assert head[:7] == ["Tingkat", "Jenis", "TW", "File", "Sheet", "Sel", "Keterangan"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in rows} == {"Kesalahan", "Perlu diperiksa", "Catatan"}
    assert all(r[1] == CODES[r[-1]] for r in rows)           # the kind in words; code last
    assert all(ws.cell(r, 7).alignment.wrap_text for r in range(2, ws.max_row + 1))
    sub = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 16).value == "SUBTOTAL_MISMATCH")
    assert ws.cell(sub, 6).value == "L33"
    assert ws.cell(sub, 6).hyperlink.target == "pengukuran_kinerja_2020_TW4.xlsx#'TW IV'!L33"
    stacked = next(r for r in range(2, ws.max_row + 1) if "(baris ke-" in str(ws.cell(r, 6).value))
    assert ws.cell(stacked, 6).hyperlink.target.endswith(f"!{ws.cell(stacked, 6).value.split()[0]}")
    # the annual findings' cells highlighted in the annual sheets, at the same address
    annual = [r for r in rows if r[2] == "tahunan"]
    assert annual
    for r in annual:
        cell = wb[f"Tahunan {r[4]}"][r[5]]
        assert cell.fill.fgColor.rgb.endswith(("F4B6B6", "FBE3A6", "D6E6F5")), r[5]
        assert r[6] in cell.comment.text
    assert wb["Tahunan Indikator"]["G2"].fill.fgColor.rgb.endswith("F4B6B6")
    # elsewhere (not beside the sources): no links that would lead nowhere
    ws = load_workbook(write_findings_workbook(rec, an.data, tmp_path / "t.xlsx"))["Temuan"]
    assert all(ws.cell(r, 6).hyperlink is None for r in range(2, ws.max_row + 1))


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
    # (4 of the warnings: AGGREGATION_INFERRED, the seed states no indicator's aggregation type;
    # 3 the annual rows' own checks: 2 RENSTRA_TARGET_PASSED, 1 POLARITY_SUSPECT; one info: the
    # blank stated efficiency of indicator 3, computed)
    assert out["summary"]["findings_by_severity"] == {"error": 14, "warning": 38, "info": 16}
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


def test_workbooks_styled_through_the_memo_are_those_styled_by_openpyxl(tmp_path, monkeypatch):
    """cellstyle.style sets the style index openpyxl gave a style object the first time: the
    findings workbook and the Renja form have every cell's value and style as when each is
    assigned through openpyxl."""
    from lkjip_helpers import cellstyle
    from lkjip_helpers.renja_section import save_renja_workbook
    from lkjip_helpers.sections import load, save_findings_workbook

    an = load(2020, 4, str(SAMPLE))

    def cells(folder):
        out = {}
        for name in ("temuan.xlsx", "evaluasi_renja.xlsx"):
            wb = load_workbook(folder / name)
            for ws in wb:
                for row in ws.iter_rows():
                    for c in row:
                        out[(name, ws.title, c.coordinate)] = (
                            c.value, c.number_format, repr(c.font), repr(c.fill), repr(c.border),
                            repr(c.alignment), c.hyperlink.target if c.hyperlink else None,
                            c.comment.text if c.comment else None)
        return out

    memo, plain = tmp_path / "memo", tmp_path / "plain"
    for folder in (memo, plain):
        folder.mkdir()
    save_findings_workbook(an, str(memo), force=True)
    save_renja_workbook(an, str(memo), force=True)

    def assign(cell, **styles):
        for attr, value in styles.items():
            setattr(cell, attr, value)

    monkeypatch.setattr(cellstyle, "style", assign)
    import lkjip_helpers.reconcile.export as export

    monkeypatch.setattr(export, "style", assign)
    save_findings_workbook(an, str(plain), force=True)
    save_renja_workbook(an, str(plain), force=True)
    got, want = cells(memo), cells(plain)
    assert len(got) > 1000 and got == want
    fills = {v[3] for v in got.values()}
    assert any("F4B6B6" in f for f in fills)   # the highlighted cells are there
