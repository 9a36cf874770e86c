"""Pemda aggregation: pagu-weighted totals, rankings, data quality and the early-warning list."""
from decimal import Decimal as D

import pandas as pd

from lkjip_helpers.pemda import (absorption_table, early_warning, pemda_projection, quality,
                                 ranking, stale_months, totals)
from lkjip_helpers.projection import MonthlySeries, project


def s(agency, pagu, real: dict, plan=None, pagu_by_month=None):
    return MonthlySeries(agency, 2024, pagu_by_month or {m: D(pagu) for m in real},
                         {m: D(v) for m, v in real.items()}, {m: D(v) for m, v in (plan or {}).items()})


def test_pemda_absorption_is_pagu_weighted_not_a_mean_of_percentages():
    hospital = s("RSUD", 200_000_000_000, {6: 180_000_000_000})       # 90%
    kecamatan = s("Kecamatan", 2_000_000_000, {6: 200_000_000})       # 10%
    t = totals(absorption_table([hospital, kecamatan], 6))
    # Σ realisasi / Σ pagu = 180,2 / 202 miliar
    assert t["absorption"] == D("89.21")
    mean_of_percentages = (D(90) + D(10)) / 2
    assert mean_of_percentages == D(50) and t["absorption"] != mean_of_percentages
    assert (t["pagu"], t["realisasi"]) == (D(202_000_000_000), D(180_200_000_000))


def test_against_plan_or_band_deviation_and_ranking():
    a = s("A", 1000, {6: 300}, plan={6: 400, 12: 1000})    # 30% against a plan of 40%: behind
    b = s("B", 1000, {6: 250})                             # no plan: June band 10-30, midpoint 20
    c = s("C", 1000, {6: 50})                              # 5%, below the band's lower bound 10
    d = s("D", 1000, {})                                   # nothing uploaded
    t = absorption_table([a, b, c, d], 6)
    by = t.set_index("agency")
    assert by.loc["A", "basis"] == "rencana kas" and by.loc["A", "target"] == D("40.00")
    assert by.loc["A", "against_plan"] == D("75.00") and by.loc["A", "deviation"] == D("25.00")
    assert bool(by.loc["A", "behind"])
    assert by.loc["B", "basis"] == "rentang toleransi" and by.loc["B", "target"] == D("20.00")
    assert by.loc["B", "against_plan"] == D("125.00") and by.loc["B", "deviation"] == D("-25.00")
    assert not by.loc["B", "behind"] and by.loc["C", "behind"]
    assert by.loc["D", "missing_months"] == [1, 2, 3, 4, 5, 6]
    r = ranking(t)
    assert list(r["agency"]) == ["B", "A", "C", "D"]
    assert list(r["rank"]) == [1, 2, 3, None]


def test_stale_months_and_pagu_shifts():
    x = s("X", 0, {1: 0, 2: 0, 3: 10, 4: 10, 5: 20, 6: 20},
          pagu_by_month={1: D(100), 2: D(100), 3: D(100), 4: D(100), 5: D(100), 6: D(120)})
    assert stale_months(x) == [4]          # zeros at the start and a pagu change are no repeat
    row = absorption_table([x], 6).iloc[0]
    assert (row.pagu_first, row.pagu_latest, row.pagu_change, row.pagu_changes) == \
        (D(100), D(120), D(20), 1)


def test_quality_ranking_puts_the_unknown_first():
    a = s("A", 100, {1: 5, 2: 10})
    b = s("B", 100, {2: 10})
    c = s("C", 100, {1: 5, 2: 10})
    t = absorption_table([a, b, c], 2)
    findings = pd.DataFrame({"agency": ["C", "B", "B"], "severity": ["error", "warning", "info"],
                             "code": ["TOTAL_MISMATCH", "PAGU_CHANGED", "PAGU_CHANGED"]})
    q = quality(t, findings, refused={"A": 1}, duplicates={"B": [2]})
    assert list(q["agency"]) == ["A", "C", "B"]
    by = q.set_index("agency")
    assert by.loc["A", "unknown"] and by.loc["C", "unknown"] and not by.loc["B", "unknown"]
    assert (by.loc["B", "missing"], by.loc["B", "duplicate"], by.loc["B", "warning"]) == (1, 1, 1)


def test_early_warning_names_the_reasons():
    plan = {4: 30, 5: 35, 6: 40, 12: 100}
    # stopped uploading after April: 4% against a plan of 30%, pace 4/30 of the remaining 70%
    late = s("Late", 100, {1: 1, 2: 2, 3: 3, 4: 4}, plan=plan)
    slow = s("Slow", 100, {5: 5, 6: 6})                          # no plan: below the June band
    stale = s("Stale", 100, {4: 30, 5: 35, 6: 35}, plan=plan)    # June repeats May
    fine = s("Fine", 100, {5: 35, 6: 40}, plan=plan)             # on plan
    series = [late, slow, stale, fine]
    t = absorption_table(series, 6)
    refs = [s(f"R{i}", 100, {6: 6, 12: 60 + i}) for i in range(5)]   # 2023-like references
    projections = [project(x, 6, refs if x.agency == "Slow" else ()) for x in series]
    by = {p.agency: p for p in projections}
    # Late: 4 + 70 × 4/30 = 13,33 up to 4 + 70 = 74; Stale: 35 + 60 × 35/40 = 87,5 up to 95
    assert (by["Late"].value, by["Late"].high) == (D("13.33"), D("74.00"))
    assert (by["Stale"].value, by["Stale"].high) == (D("87.50"), D("95.00"))
    # Slow: 6 + 94 × (54..58)/94 -> 60..64 at the quantiles 0,1 and 0,9: 60,4 .. 63,6
    assert (by["Slow"].low, by["Slow"].high) == (D("60.40"), D("63.60"))
    w = early_warning(t, projections, threshold=90, month=6).set_index("agency")
    assert list(w.index) == ["Slow", "Late"]                      # lowest upper bound first
    assert w.loc["Late", "reasons"][0] == "di bawah rencana kas (4,00% dari 40,00%)"
    assert "tidak mengunggah sejak bulan 4" in w.loc["Late", "reasons"]
    assert w.loc["Slow", "reasons"] == ["di bawah rentang toleransi (6,00% dari 20,00%)"]
    w95 = early_warning(t, projections, threshold="95.5", month=6).set_index("agency")
    assert list(w95.index) == ["Slow", "Late", "Stale"]
    assert w95.loc["Stale", "reasons"][-1] == \
        "bulan yang mengulang angka bulan sebelumnya: 6"


def test_pemda_projection_weights_by_pagu():
    big = s("Big", 900, {3: 90, 6: 180})        # 20% in June -> straight line 40%, up to 100%
    small = s("Small", 100, {3: 30, 6: 60})      # 60% in June -> 100%
    t = absorption_table([big, small], 6)
    p = pemda_projection(t, [project(x, 6) for x in (big, small)])
    # (0,40 × 900 + 1 × 100) / 1000; the mean of 40% and 100% would be 70%
    assert (p["value"], p["low"], p["high"]) == (D("46.00"), D("46.00"), D("100.00"))
