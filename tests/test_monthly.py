"""Monthly series: the manifest, the real Toba LRA series, and the findings across months."""
import csv
import json
import shutil
from decimal import Decimal as D

import pytest
from conftest import FIXTURES
from lra_sheets import lra_workbook
from openpyxl import load_workbook

from lkjip_helpers.cli import main
from lkjip_helpers.errors import ConfigError, LkjipError
from lkjip_helpers.ingest import ingest
from lkjip_helpers.manifest import load_manifest
from lkjip_helpers.period import Agency, Period
from lkjip_helpers.reconcile import reconcile

TOBA = FIXTURES / "lra-kabupaten" / "toba-2022"
# as the outside README states them: akun 5 ANGGARAN per month
TOBA_PAGU = {m: D("6907210900") for m in range(2, 13)} | {
    7: D("4954888645"), 11: D("4955219800"), 12: D("4955219800")}


def akun5_as_the_file_states_it(path):
    """ANGGARAN and REALISASI of the row coded 5, read with openpyxl (not our reader)."""
    ws = load_workbook(path, data_only=True).active
    for row in ws.iter_rows():
        if str(row[3].value).strip() == "5":
            return D(str(row[16].value)), D(str(row[17].value)), row[16].coordinate
    raise AssertionError(path)


@pytest.fixture(scope="module")
def toba():
    data = ingest([], manifest=TOBA / "manifest.csv")
    return data, reconcile(data)


def test_toba_series_as_the_files_state_it(toba):
    data, rec = toba
    assert data.agencies == [Agency("14", "Dinas Ketahanan Pangan Dan Perikanan")]
    assert [p.month for p in data.periods] == list(range(2, 13))
    st = data.stated_totals
    akun5 = st[st["kode"] == "5"].set_index("month")
    files = {int(r["bulan"]): r["file"] for r in csv.DictReader(open(TOBA / "manifest.csv"))}
    for month, name in files.items():
        pagu, real, cell = akun5_as_the_file_states_it(TOBA / name)
        assert akun5.loc[month, "pagu"] == pagu == TOBA_PAGU[month]
        assert akun5.loc[month, "realisasi"] == real
        assert akun5.loc[month, "pagu_cell"] == cell
    # the sums over the spending lines agree with the stated akun 5 row every month
    periods = {p["month"]: p for p in data.summary()["periods"]}
    assert {m: D(p["pagu"]) for m, p in periods.items()} == TOBA_PAGU
    assert all(D(periods[m]["realisasi"]) == akun5.loc[m, "realisasi"] for m in periods)
    assert periods[2]["realisasi"] == 0  # dated 1 February: nothing spent yet
    assert "LEVEL_SUM_MISMATCH" not in set(rec.findings["code"])  # the level sums were checked


def test_toba_pagu_switches_in_july_and_november(toba):
    _, rec = toba
    f = rec.findings
    changed = f[f["code"] == "PAGU_CHANGED"]
    reverted = f[f["code"] == "PAGU_REVERTED"]
    assert sorted(set(changed["month"])) == [7, 11]
    assert 8 in set(reverted["month"])  # back to the 6.907.210.900 version in August
    assert set(f["agency_code"]) == {"14"}
    assert not {"REALISASI_DECREASED", "STALE_REPEAT", "MISSING_PERIOD", "FILE_REFUSED"} \
        & set(f["code"])
    t = rec.totals.set_index("month")
    assert t.loc[7, "pagu"] == TOBA_PAGU[7] and t.loc[12, "pagu"] == TOBA_PAGU[12]


def test_cli_json_periods_for_the_toba_manifest(capsys, tmp_path):
    assert main(["ingest", "--manifest", str(TOBA / "manifest.csv"), "--out", str(tmp_path),
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["periods"][5] == {
        "agency_code": "14", "agency_name": "Dinas Ketahanan Pangan Dan Perikanan", "year": 2022,
        "month": 7, "quarter": 3, "programs": 0, "kegiatan": 0, "sub_kegiatan": 0,
        "pagu": 4954888645, "realisasi": 1321231839}


def write_manifest(path, rows, header=("file", "kode_skpd", "nama_skpd", "tahun", "bulan",
                                       "tanggal_data", "tanggal_upload")):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_manifest_aliases_and_xlsx(tmp_path):
    lra_workbook(tmp_path / "a.xlsx")
    m = write_manifest(tmp_path / "m.csv", [["a.xlsx", "7", "Dinas A", "2022", "4", "2022-04-01",
                                             "2022-05-02 10:00:00"]])
    e = load_manifest(m).entries["a.xlsx"]
    assert (e.agency, e.period, str(e.as_of), str(e.uploaded_at)) == (
        Agency("7", "Dinas A"), Period.monthly(2022, 4), "2022-04-01", "2022-05-02 10:00:00")
    from openpyxl import Workbook
    wb = Workbook()
    for row in (["File", "Agency Code", "Agency Name", "Year", "Quarter", "Version", "Basis"],
                ["a.xlsx", "7", "Dinas A", 2022, 2, "pergeseran 2", "SP2D"]):
        wb.active.append(row)
    wb.save(tmp_path / "m.xlsx")
    e = load_manifest(tmp_path / "m.xlsx").entries["a.xlsx"]
    assert (e.period, e.version, e.basis) == (Period.quarterly(2022, 2), "pergeseran 2", "SP2D")
    write_manifest(tmp_path / "bad.csv", [["a.xlsx", "2022"]], header=("file", "tahun"))
    with pytest.raises(ConfigError, match="agency_code/agency_name, month/quarter"):
        load_manifest(tmp_path / "bad.csv")


def test_one_agency_code_with_and_without_its_leading_zeros_is_one_agency(tmp_path):
    """'014' in one row, 14 in another (a number cell drops the zeros): it was two agencies, each
    with half the months."""
    for n in ("a.xlsx", "b.xlsx"):
        lra_workbook(tmp_path / n)
    m = write_manifest(tmp_path / "m.csv", [["a.xlsx", "014", "Dinas A", "2022", "3", "", ""],
                                            ["b.xlsx", "14", "Dinas A", "2022", "4", "", ""]])
    entries = load_manifest(m).entries
    assert {e.agency.code for e in entries.values()} == {"014"}
    data = ingest([tmp_path], manifest=m)
    assert data.agencies == [Agency("014", "Dinas A")]
    assert [p.month for p in data.periods] == [3, 4]


def test_bad_manifest_rows_are_reported_and_the_others_go_on(tmp_path):
    for n in ("a.xlsx", "b.xlsx", "c.xlsx"):
        lra_workbook(tmp_path / n)
    m = write_manifest(tmp_path / "m.csv", [
        ["a.xlsx", "1", "Dinas A", "2022", "3", "2022-03-01", "2022-04-01 08:00:00"],
        ["b.xlsx", "2", "Dinas B", "2022", "0", "0000-00-00", ""],          # row 3: month 0
        ["c.xlsx", "3", "Dinas C", "2022", "3", "0000-00-00", ""],          # row 4: bad date
        ["gone.xlsx", "4", "Dinas D", "2022", "3", "", ""],                 # row 5: no file
        ["a.xlsx", "1", "Dinas A", "2022", "4", "", ""],                    # row 6: twice
    ])
    data = ingest([tmp_path], manifest=m)
    assert data.agencies == [Agency("1", "Dinas A")]
    msgs = {r.file: r.message for r in data.refused}
    assert "baris 3" in msgs["b.xlsx"] and "bulan 0" in msgs["b.xlsx"]
    assert "baris 4" in msgs["c.xlsx"] and "0000-00-00" in msgs["c.xlsx"]
    assert "baris 5" in msgs["gone.xlsx"] and "tidak ditemukan" in msgs["gone.xlsx"]
    assert any("baris 6" in r.message and "baris 2" in r.message for r in data.refused)
    f = reconcile(data).findings
    assert (f["code"] == "FILE_REFUSED").sum() == 4 and set(f["severity"]) >= {"error"}
    # --strict: any refusal exits 2, in one line
    with pytest.raises(LkjipError, match="baris 3"):
        ingest([tmp_path], manifest=m, strict=True)


def test_a_refused_file_is_a_finding_and_the_other_agencies_go_on(tmp_path, capsys):
    lra_workbook(tmp_path / "a.xlsx")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    m = write_manifest(tmp_path / "m.csv", [["a.xlsx", "1", "Dinas A", "2022", "3", "", ""],
                                            ["broken.xlsx", "2", "Dinas B", "2022", "3", "", ""]])
    assert main(["reconcile", str(tmp_path), "--manifest", str(m), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    refused = [f for f in out["findings"] if f["code"] == "FILE_REFUSED"]
    assert len(refused) == 1 and refused[0]["source_file"] == "broken.xlsx"
    assert refused[0]["agency_code"] == "2" and refused[0]["month"] == 3
    assert [p["agency_code"] for p in out["summary"]["periods"]] == ["1"]
    status = main(["reconcile", str(tmp_path), "--manifest", str(m), "--strict"])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(err) == 1 and "broken.xlsx" in err[0]


def series(tmp_path, months, agency=("1", "Dinas A"), uploads=None):
    """One agency's monthly LRA files: months -> (pagu 5.1, realisasi 5.1)."""
    rows = []
    for m, (pagu, real) in months.items():
        name = f"{agency[0]}_{m}.xlsx"
        lra_workbook(tmp_path / name, [("5", "BELANJA", pagu, real), ("5.1", "OPERASI", pagu, real)])
        rows.append([name, *agency, "2022", str(m), "", (uploads or {}).get(m, "")])
    return rows


def test_realisasi_decreased_stale_repeat_and_missing_period(tmp_path):
    rows = series(tmp_path, {1: (1000, 100), 2: (1000, 300), 3: (1000, 300), 5: (1000, 250)})
    rows += series(tmp_path, {m: (500, 10 * m) for m in (1, 2, 3, 4, 5, 6)}, ("2", "Dinas B"))
    rec = reconcile(ingest([], manifest=write_manifest(tmp_path / "m.csv", rows)))
    f = rec.findings
    a = f[f["agency_code"] == "1"]
    dec = a[a["code"] == "REALISASI_DECREASED"]
    assert list(dec["month"]) == [5] and dec.iloc[0]["stated"] == D(250)
    assert list(a.loc[a["code"] == "STALE_REPEAT", "month"]) == [3]
    # April: between months it has; June: Dinas B has it
    assert sorted(a.loc[a["code"] == "MISSING_PERIOD", "month"]) == [4, 6]
    b = f[f["agency_code"] == "2"]
    assert not {"REALISASI_DECREASED", "STALE_REPEAT", "MISSING_PERIOD"} & set(b["code"])


def test_duplicate_period_uses_the_later_upload(tmp_path):
    rows = series(tmp_path, {3: (1000, 300)}, uploads={3: "2022-04-02 09:00:00"})
    lra_workbook(tmp_path / "revisi.xlsx", [("5", "BELANJA", 1000, 320), ("5.1", "OP", 1000, 320)])
    rows.append(["revisi.xlsx", "1", "Dinas A", "2022", "3", "", "2022-04-05 10:00:00"])
    data = ingest([], manifest=write_manifest(tmp_path / "m.csv", rows))
    assert list(data.budget_lines["realisasi"]) == [D(320)]
    f = reconcile(data).findings
    dup = f[f["code"] == "DUPLICATE_PERIOD"].iloc[0]
    assert dup["source_file"] == "revisi.xlsx" and dup["difference"] == D(20)
    assert "1_3.xlsx" in dup["message"] and "unggahan terakhir" in dup["message"]


def test_two_agencies_in_one_folder_are_kept_apart_without_reading_twice(tmp_path):
    """Two agencies' sheets for the same months in one folder: separated, not refused."""
    for code, name, real in (("1.01.0.00.0.00.01.0000", "Dinas Pendidikan", 900),
                             ("1.02.0.00.0.00.01.0000", "Dinas Kesehatan", 100)):
        for m in (1, 2):
            lra_workbook(tmp_path / f"{code}_{m}.xlsx", [("5", "B", 1000, real * m),
                                                         ("5.1", "O", 1000, real * m)],
                         unit=f"{code} {name}", periode=f"periode 1 Januari s.d 28 "
                         f"{['Januari', 'Februari'][m - 1]} 2022")
    data = ingest([tmp_path])
    assert len(data.agencies) == 2
    f = reconcile(data).findings
    assert "REALISASI_DECREASED" not in set(f["code"])


def test_the_lra_templates_are_read_for_their_layout(tmp_path):
    tpl = FIXTURES / "lra-kabupaten" / "templates"
    for name in ("Format_LRA.xlsx", "54_lra_20241010-100421.xlsx"):
        data = ingest([tpl / name], year=2024, month=9)
        assert list(data.budget_lines["akun"]) == ["4.1", "4.2", "4.3", "5.1", "5.2", "5.3", "5.4"]
        assert list(data.stated_totals["kode"]) == ["4", "5"]
        assert list(data.budget_lines["pagu_cell"]) == [f"Q{r}" for r in (19, 20, 21, 23, 24, 25, 26)]
        assert list(data.budget_lines["realisasi_cell"]) == \
            [f"R{r}" for r in (19, 20, 21, 23, 24, 25, 26)]
        assert "LEVEL_SUM_MISMATCH" not in set(reconcile(data).findings["code"])
    with pytest.raises(LkjipError, match="period"):
        ingest([tpl / "Format_LRA.xlsx"])  # "periode …. s.d ….": no year, no month


def test_simalungun_serapan_through_a_mapping(tmp_path):
    """The app's long table (CSV: saved as .xlsx, as a user would) read through a mapping."""
    from openpyxl import Workbook
    from conftest import ROOT
    src = FIXTURES / "lra-kabupaten" / "serapan_skpd_simalungun_2023.csv"
    rows = list(csv.reader(open(src, encoding="utf-8")))
    wb = Workbook()
    for i, row in enumerate(rows):
        wb.active.append(row if i == 0 else [int(row[0]), int(row[1]), row[2], float(row[3]),
                                              float(row[4]), int(row[5]), int(row[6])])
    wb.save(tmp_path / "serapan.xlsx")
    data = ingest([tmp_path / "serapan.xlsx"], mapping=ROOT / "mappings" / "serapan_skpd.yaml")
    expected = {}  # SKPD 54, akun 5, per month, straight from the CSV
    for r in rows[1:]:
        if r[1] == "54" and r[2] == "5":
            expected[int(r[6])] = D(r[3])
    st = data.stated_totals
    got = st[(st["agency_code"] == "54") & (st["kode"] == "5")].set_index("month")["realisasi"]
    assert {int(m): v for m, v in got.items()} == expected
    assert len(data.agencies) == len({r[1] for r in rows[1:]})
    lines = data.budget_lines
    assert set(lines["akun"]) <= {"4.1", "4.2", "4.3", "5.1", "5.2", "5.3", "5.4"}
    assert lines["pagu_cell"].isna().all()  # no pagu in this table: none is invented
    f = reconcile(data).findings
    assert not {"REALISASI_EXCEEDS_PAGU", "PERCENT_MISMATCH"} & set(f["code"])
