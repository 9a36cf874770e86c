"""The sample year (data/raw/2020): every error a careful reader finds in the seed's quarterly
tables, and no false ones. The README lists the same findings under "What the sample year shows"."""
from decimal import Decimal as D

import pytest
from conftest import FIXTURES, ROOT, SAMPLE, SEED

from lkjip_helpers.ingest import ingest
from lkjip_helpers.reconcile import reconcile

TW1, TW3, TW4 = (f"pengukuran_kinerja_2020_TW{q}.xlsx" for q in (1, 3, 4))


@pytest.fixture(scope="module")
def rec():
    return reconcile(ingest([SAMPLE]))


def test_errors_and_warnings_are_exactly_these(rec):
    f = rec.findings
    serious = f[f["severity"] != "info"]
    got = sorted(zip(serious["code"], serious["source_file"], serious["source_cell"],
                     serious["field"].fillna("")))
    seed_tw2 = {r["kegiatan_id"]: r["pagu"] for r in SEED["quarters"]["TW2"]["rows"]
                if r["level"] == "kegiatan"}
    seed_tw3 = {r["kegiatan_id"]: r["pagu"] for r in SEED["quarters"]["TW3"]["rows"]
                if r["level"] == "kegiatan"}
    reverted = sum(1 for k in seed_tw3 if seed_tw3[k] != seed_tw2[k])
    expected = sorted([
        ("FOOTER_MISMATCH", TW1, "A34", "pagu"),         # 7.338.201.108 vs 6.671.923.749
        ("PERIOD_MISMATCH", TW1, "A35", "realisasi"),    # "Triwulan IV Tahun 2019" in TW I 2020
        ("PERCENT_MISMATCH", TW4, "M19", "capaian"),     # 100,00% for 99,72%
        ("SUBTOTAL_MISMATCH", TW4, "L33", "realisasi"),  # program 7: 7.387.500 vs 129.814.800
        ("TOTAL_MISMATCH", TW4, "L39", "realisasi"),     # 2.935.162.410 vs 3.057.589.710
        ("FOOTER_MISMATCH", TW4, "A42", "realisasi"),    # 2.955.162.410
        ("AMBIGUOUS_NUMBER", TW3, "B41", ""),            # 6.671.923,749
        ("AMBIGUOUS_NUMBER", TW4, "A41", ""),
    ] + [("PAGU_REVERTED", TW3, c, "pagu") for c in
         serious.loc[serious["code"] == "PAGU_REVERTED", "source_cell"]])
    assert got == expected
    assert (serious["code"] == "PAGU_REVERTED").sum() == reverted == 14
    assert set(serious.loc[serious["code"] != "AMBIGUOUS_NUMBER", "severity"]) >= {"error"}


def test_amounts_of_the_errors(rec):
    f = rec.findings.set_index(["code", "source_cell"])
    tw4 = SEED["quarters"]["TW4"]
    true_real = sum(r["realisasi"] for r in tw4["rows"] if r["level"] == "kegiatan")
    t = f.loc[("TOTAL_MISMATCH", "L39")]
    assert (t["stated"], t["computed"]) == (tw4["total_row"]["realisasi"], true_real)
    s = f.loc[("SUBTOTAL_MISMATCH", "L33")]
    assert (s["stated"], s["computed"], s["difference"]) == (7387500, 129814800, -122427300)
    ft = f.loc[("FOOTER_MISMATCH", "A42")]
    assert (ft["stated"], ft["computed"]) == (tw4["footer"][1]["amount"], true_real)
    p = f.loc[("PERCENT_MISMATCH", "M19")]
    assert (p["stated"], p["computed"]) == (D(100), D("99.7170"))


def test_info_findings(rec):
    info = rec.findings[rec.findings["severity"] == "info"]
    assert sorted(set(info["code"])) == ["MISSING_VALUE", "PAGU_CHANGED"]
    changed = info[info["code"] == "PAGU_CHANGED"]
    assert set(changed["quarter"]) == {2} and len(changed) == 14
    missing = info[info["code"] == "MISSING_VALUE"].iloc[0]
    assert (missing["quarter"], missing["program"], missing["field"]) == \
        (1, "Keberdayaan Masyarakat", "capaian")


def test_refocusing_figures(rec):
    tw1 = {r["kegiatan_id"]: r for r in SEED["quarters"]["TW1"]["rows"] if r["level"] == "kegiatan"}
    tw2 = {r["kegiatan_id"]: r for r in SEED["quarters"]["TW2"]["rows"] if r["level"] == "kegiatan"}
    cut = sum(tw2[k]["pagu"] - tw1[k]["pagu"] for k in tw1)
    totals = rec.totals.set_index("quarter")
    assert totals.loc[2, "pagu_change"] == cut == -3264923539
    changes = rec.program_changes[rec.program_changes["quarter"] == 2]
    assert changes["change"].sum() == cut
    assert abs(changes["share_of_change_pct"].sum() - 100) < 1e-9
    rehab = changes[changes["program"].str.startswith("Pelayanan Rehabilitasi")].iloc[0]
    assert rehab["change"] == 1009235000 - 2501951000
    assert round(rehab["share_of_change_pct"], 2) == 45.72
    # two versions: the original (TW I, III, IV) and the refocused one stated only by TW II
    v = rec.versions
    assert list(v["quarters"]) == ["TW I, TW III, TW IV", "TW II"]
    assert list(v["pagu"]) == [6671923749, 3407000210]
    pefa = rec.pefa.set_index("quarter")
    assert pefa.loc[1, "variance_pct"] == 0 and pefa.loc[2, "score"] == "D"
    assert round(pefa.loc[2, "variance_pct"], 1) == 37.6


def test_spending_quarter_by_quarter(rec):
    t = rec.totals.set_index("quarter")
    q = SEED["quarters"]
    real = {n: sum(r["realisasi"] for r in q[f"TW{n}"]["rows"] if r["level"] == "kegiatan")
            for n in (1, 2, 3, 4)}
    assert t.loc[1, "realisasi_increment"] == real[1]
    assert t.loc[4, "realisasi_increment"] == real[4] - real[3]
    assert round(t.loc[4, "penyerapan"], 2) == round(real[4] / 6671923749 * 100, 2) == 45.83
    # TW II against its own (refocused) pagu and against the latest pagu
    assert round(t.loc[2, "penyerapan"], 2) == round(real[2] / 3407000210 * 100, 2)
    assert round(t.loc[2, "penyerapan_latest"], 2) == round(real[2] / 6671923749 * 100, 2)
    assert t.loc[4, "kategori"] == "Sangat Rendah"  # 45.8% at TW IV, far below 88%


def test_absorption_is_never_capped():
    from lkjip_helpers.reconcile.across import band, load_bands
    bands = load_bands()
    assert band(130.0, 4, bands) == "Sangat Tinggi"
    assert band(23.0, 1, bands) == "Sangat Tinggi" and band(22.99, 1, bands) == "Tinggi"
    assert band(12.0, 1, bands) == "Sangat Rendah"
    other = load_bands(table="permendagri_18_2016")
    assert band(91.0, 4, other) == "Sangat Tinggi"
    assert "18/2016" in other["source"]


def test_outside_long_table_findings():
    rec = reconcile(ingest([FIXTURES / "realisasi_belanja.xlsx"],
                           mapping=ROOT / "mappings" / "realisasi_belanja.yaml"))
    f = rec.findings
    dec = f[f["code"] == "REALISASI_DECREASED"]
    # the BLU goods line falls from trillions to the text amounts '21,198,274,724,57' etc.
    assert sorted(dec["source_cell"]) == ["H102", "H54"]
    assert dec.set_index("source_cell").loc["H54", "stated"] == D("21198274724.57")
    # 3, not 5: 'Belanja Modal BLU' renamed 'Belanja Modal Lainnya - BLU' keeps its code 5371
    # and is followed by it (codes first, then names)
    unmatched = f[f["code"] == "UNMATCHED_KEGIATAN"]
    assert len(unmatched) == 3 and not unmatched["kegiatan"].str.contains("BLU").any()
    assert (f["code"] == "PERCENT_MISMATCH").sum() == 0


def test_each_quarters_report_as_the_readme_says():
    """README "The report of each quarter": the headline on the budget basis, the other bases,
    and the counts of findings; early quarters carry no year-end finding."""
    from decimal import Decimal as D

    from lkjip_helpers import sections
    from lkjip_helpers.pipeline import analyse

    real = {q: sum(r["realisasi"] for r in SEED["quarters"][f"TW{q}"]["rows"]
                   if r["level"] == "kegiatan") for q in (1, 2, 3, 4)}
    final = sum(r["pagu"] for r in SEED["annual_3_2"])
    refocused = sum(r["pagu"] for r in SEED["quarters"]["TW2"]["rows"] if r["level"] == "kegiatan")
    assert (final, refocused) == (3531680129, 3407000210)
    want = {1: (6671923749, "pagu lembar TW I", [], "Sangat Rendah", (2, 6, 1)),
            2: (refocused, "pagu lembar TW II", [], "Rendah", (2, 6, 15)),
            3: (refocused, "pagu berlaku", [6671923749], "Sangat Rendah", (2, 21, 15)),
            4: (final, "pagu akhir (Tabel 3.2)", [6671923749, refocused], "Sangat Rendah",
                (14, 38, 16))}
    for q, (pagu, label, others, band, counts) in want.items():
        an = analyse([SAMPLE], 2020, q)
        head = sections._headline(an)
        assert (head.pagu, head.realisasi) == (D(pagu), D(real[q])), q
        assert head.label.startswith(label) and head.kategori == band, q
        assert [o.pagu for o in head.others] == [D(x) for x in others], q
        assert round(head.penyerapan, 1) == round(real[q] / pagu * 100, 1)
        f = an.findings
        assert tuple(int((f["severity"] == s).sum()) for s in ("error", "warning", "info")) == counts
        if q < 4:  # no year-end table compared with an early quarter's sheet
            assert not f["code"].isin(["CROSS_TABLE_MISMATCH", "PK_BUDGET_MISMATCH",
                                       "CAPAIAN_MISMATCH", "POLARITY_SUSPECT"]).any()
            assert set(f.loc[f["severity"] == "error", "code"]) == {"FOOTER_MISMATCH",
                                                                     "PERIOD_MISMATCH"}
