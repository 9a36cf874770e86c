"""The SIPD-RI exports and the anggaran kas template through the one dispatch: ingest gives tidy
tables with agency and period, reconcile judges absorption against the plan."""
import shutil
from decimal import Decimal as D

import pandas as pd
import pytest
from conftest import FIXTURES, write_xlsx
from made_exports import data_anggaran, rak, realisasi

from lkjip_helpers.errors import LayoutError, WorkbookError
from lkjip_helpers.ingest import ingest, write_tables
from lkjip_helpers.plan import Settings
from lkjip_helpers.reconcile import reconcile
from lkjip_helpers.schema import read_parquet

SOSIAL, KESEHATAN = "1.06.0.00.0.00.01.0000", "1.02.0.00.0.00.01.0000"
BUDGET = [("S1", "DAU", "5.1.02.01.01.0024", 1_200_000),
          ("S2", "DAK", "5.1.02.01.01.0024", 600_000),        # sub unit, variant code
          ("K1", "DAK", "5.2.03.01.01.0001", "2.400.000,00")]
PLAN = [("S1", "5.1.02.01.01.0024", 1_200_000, 1_200_000, [100_000] * 12),
        ("S2", "5.1.02.01.01.0024", 600_000, 600_000, [0] * 5 + [600_000] + [0] * 6),
        ("K1", "5.2.03.01.01.0001", 2_400_000, 2_400_000, [200_000] * 12)]


def _folder(tmp_path, plan=PLAN, budget=BUDGET):
    d = tmp_path / "sipd"
    d.mkdir()
    write_xlsx(d / "data_anggaran_murni.xlsx", {"Sheet1": data_anggaran(budget)})
    write_xlsx(d / "rak_murni.xlsx", {"Sheet1": rak(plan)})
    write_xlsx(d / "2022-03-31.xlsx", {"Sheet1": realisasi([
        ("S1", "5.1.02.01.01.0024", 150_000, None), ("K1", "5.2.03.01.01.0001", "600.000", None)])})
    write_xlsx(d / "2022-06-30.xlsx", {"Sheet1": realisasi([
        ("S1", "5.1.02.01.01.0024", 600_000, "Penyediaan Permakanan Lansia"),
        ("S2", "5.1.02.01.01.0024", 150_000, None),
        ("K1", "5.2.03.01.01.0001", "1.200.000", None)])})
    return d


def test_exports_become_tidy_tables_with_agency_and_period(tmp_path):
    data = ingest([_folder(tmp_path)])
    bl = data.budget_lines
    assert set(bl["agency_code"]) == {SOSIAL, KESEHATAN}
    assert sorted(set(zip(bl["year"], bl["month"], bl["quarter"]))) == [(2022, 3, 1), (2022, 6, 2)]
    march = bl[(bl["month"] == 3) & (bl["agency_code"] == SOSIAL)].set_index("kode")
    # the sub kegiatan that spent nothing by March is there, with its pagu from the data anggaran
    assert march.loc["1.06.02.2.01.0002", "pagu"] == D(600000)
    assert march.loc["1.06.02.2.01.0002", "realisasi"] == 0
    assert march.loc["1.06.02.2.01.0001", ["pagu", "realisasi"]].tolist() == [D(1200000),
                                                                           D(150000)]
    assert set(bl["level"]) == {"sub_kegiatan"} and set(bl["jenis"]) == {"belanja"}
    june = bl[(bl["month"] == 6) & (bl["agency_code"] == SOSIAL)].set_index("kode")
    assert june.loc["1.06.02.2.01.0001", "sub_kegiatan"] == "Penyediaan Permakanan Lansia"
    cp = data.cash_plan
    assert len(cp) == 3 * 12 and set(cp["version"]) == {"Murni"}
    assert cp[(cp["sub_kegiatan_code"] == "1.06.02.2.01.0002") & (cp["month"] == 6)]["plan"] \
        .tolist() == [D(600000)]


def test_reconcile_judges_absorption_against_the_plan(tmp_path):
    rec = reconcile(ingest([_folder(tmp_path)]))
    skpd = rec.plan[(rec.plan["level"] == "skpd") & (rec.plan["agency_code"] == SOSIAL)] \
        .set_index("month")
    # June: plan 600.000 + 600.000 of 1.800.000 = 66,67%; realisasi 750.000 = 41,67%
    assert skpd.loc[6, "plan_cum"] == D(1200000) and skpd.loc[6, "realisasi_cum"] == D(750000)
    assert skpd.loc[6, "rak_pct"] == pytest.approx(200 / 3)
    assert skpd.loc[6, "capaian_pct"] == pytest.approx(125 / 3)
    assert skpd.loc[6, "deviasi_rfk"] == pytest.approx(37.5)     # (66,67 − 41,67) / 66,67
    assert set(rec.plan["level"]) == {"skpd", "program", "kegiatan", "sub_kegiatan"}
    f = rec.findings
    behind = f[f["code"] == "BEHIND_PLAN"]
    assert list(behind["agency_code"]) == [SOSIAL] and "Juni" in behind.iloc[0]["message"]
    assert behind.iloc[0]["source_file"] == "2022-06-30.xlsx"
    from lkjip_helpers.ingest import ingest as _ingest
    from lkjip_helpers.reconcile.export import write_findings_workbook
    write_findings_workbook(rec, _ingest([tmp_path / "sipd"]), tmp_path / "temuan.xlsx")
    assert (tmp_path / "temuan.xlsx").stat().st_size > 0
    # Dinas Kesehatan is on its plan (25% and 50%): no finding
    assert (f[f["agency_code"] == KESEHATAN]["code"].isin(["BEHIND_PLAN", "AHEAD_OF_PLAN"])
            ).sum() == 0
    k = rec.plan_curve[rec.plan_curve["agency_code"] == KESEHATAN]
    assert list(k["rak_pct"])[:3] == pytest.approx([100 / 12, 200 / 12, 25])
    ikpa = rec.ikpa[(rec.ikpa["level"] == "skpd")].set_index("agency_code")
    assert ikpa.loc[KESEHATAN, "deviasi_ikpa"] == 0 and ikpa.loc[KESEHATAN, "nilai_ikpa"] == 100


def test_the_tolerance_is_a_setting(tmp_path):
    rec = reconcile(ingest([_folder(tmp_path)]), plan_settings=Settings(tolerance=D(30)))
    assert not rec.findings["code"].isin(["BEHIND_PLAN"]).any()


def test_a_plan_against_the_pagu_of_the_same_version(tmp_path):
    plan = [PLAN[0], ("S2", "5.1.02.01.01.0024", 500_000, 500_000,
                      [0] * 5 + [500_000] + [0] * 6), PLAN[2]]
    rec = reconcile(ingest([_folder(tmp_path, plan=plan)]))
    pm = rec.findings[rec.findings["code"] == "PLAN_MISMATCH"]
    assert len(pm) == 1
    r = pm.iloc[0]
    assert (r["stated"], r["computed"], r["source_file"], r["source_cell"]) == \
        (D(500000), D(600000), "rak_murni.xlsx", "O3")
    assert "data_anggaran_murni.xlsx" in r["message"] and r["severity"] == "error"


def test_a_later_version_of_the_plan_replaces_the_murni(tmp_path):
    d = _folder(tmp_path)
    write_xlsx(d / "rak_pergeseran_ke_1.xlsx", {"Sheet1": rak(
        [("S1", "5.1.02.01.01.0024", 1_200_000, 1_200_000, [0] * 6 + [200_000] * 6)])})
    data = ingest([d])
    cp = data.cash_plan
    assert set(cp[cp["agency_code"] == SOSIAL]["version"]) == {"Pergeseran ke 1"}
    assert set(cp[cp["agency_code"] == KESEHATAN]["version"]) == {"Murni"}


def test_the_cash_plan_is_written_with_the_other_tables(tmp_path):
    data = ingest([_folder(tmp_path)])
    written = write_tables(data, tmp_path / "out", tmp_path)
    assert tmp_path / "out" / "cash_plan.parquet" in written
    back = read_parquet(tmp_path / "out" / "cash_plan.parquet", "cash_plan")
    assert back["plan"].tolist() == data.cash_plan["plan"].tolist()


def test_the_plans_findings_survive_the_processed_stage(tmp_path):
    """What the plans' readers measured (a plan off its pagu, a guessed amount of the RAK) is
    written with the tables: reconcile of the processed tables finds the same as of the raw."""
    from lkjip_helpers.processed import read_processed
    plan = [("S1", "5.1.02.01.01.0024", 1_200_000, 1_200_000, [100_000.004] + [100_000] * 11),
            ("S2", "5.1.02.01.01.0024", 500_000, 500_000, [0] * 5 + [500_000] + [0] * 6),
            PLAN[2]]
    data = ingest([_folder(tmp_path, plan=plan)])
    write_tables(data, tmp_path / "out", tmp_path)
    back = read_processed(tmp_path / "out")

    def plan_findings(rec):
        f = rec.findings[rec.findings["code"].isin(["PLAN_MISMATCH", "AMBIGUOUS_NUMBER"])]
        return sorted(zip(f["code"], f["source_file"], f["source_cell"], f["agency_code"],
                          f["stated"].astype(object), f["message"]))

    raw = plan_findings(reconcile(data))
    assert [(c, cell) for c, _, cell, *_ in raw] == [("AMBIGUOUS_NUMBER", "U2"),
                                                      ("PLAN_MISMATCH", "O3")]
    assert plan_findings(reconcile(back)) == raw


def test_the_xls_template_through_ingest(tmp_path):
    d = tmp_path / "kas"
    d.mkdir()
    shutil.copy(FIXTURES / "anggaran-kas" / "anggaran_kas_54_20241002-132014.xls", d)
    data = ingest([d], agency="Dinas Contoh")
    bl = data.budget_lines
    assert len(bl) == 1 and bl.iloc[0]["program"] == "BELANJA"
    assert (bl.iloc[0]["year"], bl.iloc[0]["month"], bl.iloc[0]["agency_name"]) == \
        (2022, 2, "Dinas Contoh")
    # pagu = Σ Target (no Total Anggaran written); realisasi Jan + Feb = 38.000.000
    assert bl.iloc[0]["pagu"] == D(40897000 * 11 + 40897453) and bl.iloc[0]["realisasi"] == \
        D(38000000)
    rec = reconcile(data)
    t = rec.plan.set_index("month")
    assert list(t.index) == [2] and t.loc[2, "plan_cum"] == D(81794000)
    assert rec.findings[rec.findings["code"] == "PLAN_MISMATCH"].empty


def test_an_xls_that_is_not_the_template_is_refused(tmp_path):
    with pytest.raises(WorkbookError, match="simpan sebagai .xlsx"):
        ingest([FIXTURES / "peer-corpus" / "base.xls"])


def test_the_sample_year_has_no_plan():
    from conftest import SAMPLE
    rec = reconcile(ingest([SAMPLE]))
    assert rec.plan.empty and rec.plan_curve.empty
    assert not rec.findings["code"].isin(["PLAN_MISMATCH", "BEHIND_PLAN", "AHEAD_OF_PLAN"]).any()


def test_the_report_part_against_the_plan_and_its_fallback(tmp_path):
    from conftest import SAMPLE

    from lkjip_helpers import plan_report
    rec = reconcile(ingest([_folder(tmp_path)]))
    html = plan_report.block(rec, 2022)
    assert "Juni" in html and "Deviasi RFK" in html and "sesuai rencana" in html  # Kesehatan
    assert "deviasi RFK = (RAK % − capaian %) / RAK % × 100" in html
    assert plan_report.NO_PLAN not in html
    fig = plan_report.figure(rec, 2022)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()][0] == \
        "Rencana kas (anggaran kas)"
    sample = reconcile(ingest([SAMPLE]))
    fallback = plan_report.block(sample, 2020)
    assert fallback.count("<p") == 1 and plan_report.NO_PLAN in fallback


def test_the_command_line_takes_the_tolerance(tmp_path, capsys):
    import json

    from lkjip_helpers.cli import main
    d = _folder(tmp_path)
    assert main(["reconcile", str(d), "--json"]) == 0
    codes = [f["code"] for f in json.loads(capsys.readouterr().out)["findings"]]
    assert codes.count("BEHIND_PLAN") == 1
    assert main(["reconcile", str(d), "--json", "--plan-tolerance", "30"]) == 0
    codes = [f["code"] for f in json.loads(capsys.readouterr().out)["findings"]]
    assert "BEHIND_PLAN" not in codes
    with pytest.raises(SystemExit) as e:
        main(["reconcile", str(d), "--plan-tolerance", "banyak"])
    assert e.value.code == 2 and "'banyak' bukan angka poin persen" in capsys.readouterr().err


def test_realisasi_without_any_pagu_is_refused(tmp_path):
    from lkjip_helpers.errors import LayoutError
    d = tmp_path / "r"
    d.mkdir()
    write_xlsx(d / "2022-03-31.xlsx", {"Sheet1": realisasi([("S1", "5.1", 150_000, None)])})
    with pytest.raises(LayoutError) as e:
        ingest([d])
    assert "2022-03-31.xlsx" in str(e.value) and "tanpa pagu" in str(e.value)


def test_spending_outside_the_budget_is_one_warning(tmp_path):
    data = ingest([_folder(tmp_path, budget=BUDGET[:1] + BUDGET[2:])])   # S2 not budgeted
    notes = [w for w in data.warnings if w.code == "MISSING_VALUE"]
    assert [(w.file, w.message[:40]) for w in notes] == \
        [("2022-06-30.xlsx", "1 sub kegiatan tidak ada di data anggara")]
    bl = data.budget_lines
    s2 = bl[(bl["kode"] == "1.06.02.2.01.0002") & (bl["month"] == 6)]
    assert s2[["pagu", "realisasi"]].values.tolist() == [[D(0), D(150000)]]


def test_a_batch_goes_on_without_the_unpriced_realisasi(tmp_path):
    from lkjip_helpers.excel.readers import ReadContext
    from lkjip_helpers.ingest import collect, read_file
    d = tmp_path / "r"
    d.mkdir()
    path = write_xlsx(d / "2022-03-31.xlsx", {"Sheet1": realisasi([("S1", "5.1", 1, None)])})
    data = collect([read_file(path, ReadContext())], many=True)
    assert len(data.budget_lines) == 0
    assert [r.file for r in data.refused] == ["2022-03-31.xlsx"]
    assert data.refused[0].agency.code == SOSIAL


def test_guessed_amounts_of_the_exports_are_findings(tmp_path):
    """A reading that guessed, in the data anggaran, the RAK or the realisasi, is an
    AMBIGUOUS_NUMBER finding with its file, sheet, cell and SKPD: in reconcile, its JSON, the
    findings workbook and the report's analysis."""
    from openpyxl import load_workbook

    from lkjip_helpers.pipeline import analyse
    from lkjip_helpers.reconcile.export import write_findings_workbook
    from lkjip_helpers.reconcile.findings import findings_json

    budget = [BUDGET[0], ("S2", "DAK", "5.1.02.01.01.0024", "600,000"),  # the column writes
              BUDGET[2]]                                                # "2.400.000,00"
    plan = [("S1", "5.1.02.01.01.0024", 1_200_000, 1_200_000, [100_000.004] + [100_000] * 11),
            *PLAN[1:]]
    d = _folder(tmp_path, plan=plan, budget=budget)
    write_xlsx(d / "2022-06-30.xlsx", {"Sheet1": realisasi([
        ("S1", "5.1.02.01.01.0024", "600.000", None),       # the column writes "150000.00"
        ("S2", "5.1.02.01.01.0024", "150000.00", None),
        ("K1", "5.2.03.01.01.0001", "1.200.000", None)])})
    data = ingest([d])
    bl = data.budget_lines
    june = bl[bl["month"] == 6].set_index("kode")
    assert june.loc["1.06.02.2.01.0001", "realisasi"] == D(600000)      # read as thousands
    assert june.loc["1.06.02.2.01.0002", "pagu"] == D(600000)
    rec = reconcile(data)
    f = rec.findings[rec.findings["code"] == "AMBIGUOUS_NUMBER"]
    got = sorted(zip(f["source_file"], f["source_sheet"], f["source_cell"], f["agency_code"],
                     f["severity"], f["month"].astype(object)))
    assert got == [("2022-06-30.xlsx", "Sheet1", "R2", SOSIAL, "warning", 6),
                   ("data_anggaran_murni.xlsx", "Sheet1", "V3", SOSIAL, "warning", pd.NA),
                   ("rak_murni.xlsx", "Sheet1", "U2", SOSIAL, "warning", pd.NA)]
    by_file = dict(zip(f["source_file"], f["message"]))
    assert by_file["2022-06-30.xlsx"] == (
        "Angka dibaca dengan menebak: '600.000' dibaca Rp 600.000 (tanda titik sebagai ribuan), "
        "padahal kolom ini juga memakai titik sebagai tanda desimal")
    assert by_file["data_anggaran_murni.xlsx"].startswith("Angka dibaca dengan menebak: "
                                                          "'600,000' dibaca Rp 600.000")
    assert "100000.004" in by_file["rak_murni.xlsx"]
    assert {r["source_cell"] for r in findings_json(rec.findings)
            if r["code"] == "AMBIGUOUS_NUMBER"} == {"R2", "V3", "U2"}
    # the March file's "600.000" sits in a column of plain numbers: no doubt there
    assert "2022-03-31.xlsx" not in set(f["source_file"])
    out = tmp_path / "temuan.xlsx"
    write_findings_workbook(rec, data, out)
    ws = load_workbook(out).worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    head = rows[0]
    listed = [r for r in rows[1:] if "AMBIGUOUS_NUMBER" in r]
    assert sorted(r[head.index("Sel")] for r in listed) == ["R2", "U2", "V3"]
    an = analyse([d], 2022)      # the report's analysis keeps them (plan files hold no lines)
    assert set(an.findings.loc[an.findings["code"] == "AMBIGUOUS_NUMBER", "source_cell"]) \
        == {"R2", "U2", "V3"}


def test_a_realisasi_export_with_its_period_in_a_manifest_keeps_its_skpd(tmp_path):
    """The period of a realisasi export not named by its date comes from the manifest; the SKPD
    of each line stays the export's own (a manifest row names one agency, the export holds two)."""
    import csv
    d = _folder(tmp_path)
    (d / "2022-06-30.xlsx").rename(d / "realisasi_sipd.xlsx")
    with open(d / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([("file", "kode_skpd", "nama_skpd", "tahun", "bulan"),
                                  ("realisasi_sipd.xlsx", SOSIAL, "Dinas Sosial", "2022", "6")])
    data = ingest([d], manifest=d / "manifest.csv")
    june = data.budget_lines[data.budget_lines["month"] == 6]
    got = {(a, k): r for a, k, r in zip(june["agency_code"], june["kode"], june["realisasi"])}
    assert got == {(SOSIAL, "1.06.02.2.01.0001"): D(600000), (SOSIAL, "1.06.02.2.01.0002"): D(150000),
                   (KESEHATAN, "1.02.02.2.01.0001"): D(1200000)}
    assert set(june["source_file"]) == {"realisasi_sipd.xlsx"} and not data.duplicates


def test_rows_without_a_sub_kegiatan_code_are_findings_not_lost(tmp_path):
    """A row of an export without its sub kegiatan code (a total row, a slip) is not summed, and
    not silently dropped: an UNREAD_ROW warning names its file, sheet, cell and, where the row says
    it, its SKPD. An export with no coded row at all is refused in one line."""
    d = _folder(tmp_path)
    budget = data_anggaran(BUDGET)
    total = [None] * len(budget[0])
    total[budget[0].index("nama_sub_kegiatan")] = "JUMLAH"
    total[budget[0].index("pagu")] = 4_200_000
    budget.append(total)                                    # row 5: a total row, no SKPD
    write_xlsx(d / "data_anggaran_murni.xlsx", {"Sheet1": budget})
    spent = realisasi([("S1", "5.1.02.01.01.0024", 600_000, None),
                       ("K1", "5.2.03.01.01.0001", "1.200.000", None)])
    slip = list(spent[2])
    slip[spent[0].index("kode sub kegiatan")] = None        # row 4: Dinas Kesehatan's, no code
    slip[-1] = 50_000
    spent.append(slip)
    write_xlsx(d / "2022-06-30.xlsx", {"Sheet1": spent})
    data = ingest([d])
    june = data.budget_lines[data.budget_lines["month"] == 6]
    assert june.groupby("agency_code")["realisasi"].sum().to_dict() == {
        SOSIAL: D(600000), KESEHATAN: D(1200000)}          # the slip's 50.000 is not counted
    assert june["pagu"].sum() == D(4200000)                # nor the total row's pagu twice
    f = reconcile(data).findings
    u = f[f["code"] == "UNREAD_ROW"].sort_values("source_file")
    assert list(zip(u["source_file"], u["source_sheet"], u["source_cell"], u["severity"])) == [
        ("2022-06-30.xlsx", "Sheet1", "N4", "warning"),
        ("data_anggaran_murni.xlsx", "Sheet1", "N5", "warning")]
    assert u.iloc[0]["agency_code"] == KESEHATAN and u.iloc[0]["month"] == 6
    assert u.iloc[0]["message"].startswith("baris 4 tanpa kode sub kegiatan tidak dibaca: ")
    assert u.iloc[0]["message"].endswith("jumlahnya (R4) tidak dihitung")
    assert "'JUMLAH" in u.iloc[1]["message"] and "(V5)" in u.iloc[1]["message"]
    empty = [budget[0], total]
    write_xlsx(d / "data_anggaran_murni.xlsx", {"Sheet1": empty})
    with pytest.raises(LayoutError, match="sel N2: ekspor SIPD-RI tanpa satu pun baris berkode "
                       "sub kegiatan"):
        ingest([d / "data_anggaran_murni.xlsx"])
