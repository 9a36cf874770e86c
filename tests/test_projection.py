"""The year-end projection on toy series whose answer is worked out by hand."""
from decimal import Decimal as D

import pandas as pd
import pytest

from lkjip_helpers.projection import (MonthlySeries, project, quantile, reference_pool,
                                      series_from_frame)


def series(agency, absorption: dict, pagu=100, year=2024, plan=None):
    """A series with a constant pagu and the given cumulative absorption (% = rupiah when pagu 100)."""
    return MonthlySeries(agency, year, {m: D(pagu) for m in absorption},
                         {m: D(str(a)) * pagu / 100 for m, a in absorption.items()},
                         {m: D(str(p)) for m, p in (plan or {}).items()})


def test_own_cash_plan_at_own_pace():
    # pagu 1.000; plan 400 by June, 1.000 by December; 300 spent by June: 75% of the plan so far.
    s = series("A", {6: 30}, pagu=1000, plan={6: 400, 12: 1000})
    p = project(s, 6)
    assert p.method == "rencana_kas"
    # 300 + 0,75 × 600 = 750 (own pace); 300 + 600 = 900 (the plan holds)
    assert (p.value, p.low, p.high) == (D("75.00"), D("75.00"), D("90.00"))


def test_cash_plan_with_references_takes_their_fulfilment_of_the_rest():
    refs = [series(f"R{i}", {6: 40, 12: 40 + 50 * f}, pagu=1000, plan={6: 500, 12: 1000})
            for i, f in enumerate([0.5, 0.6, 0.7, 0.8, 0.9])]
    s = series("A", {6: 30}, pagu=1000, plan={6: 400, 12: 1000})
    p = project(s, 6, refs)
    # fulfilment quantiles 0,54 / 0,7 / 0,86 of the remaining 600
    assert p.method == "rencana_kas" and p.references == 5
    assert (p.low, p.value, p.high) == (D("62.40"), D("72.00"), D("81.60"))


def test_empirical_pattern_remaining_share():
    # shares of what was left in June: 0,25 0,5 0,5 0,75 1
    refs = [series(f"R{i}", {6: 40, 12: a}, year=2023) for i, a in enumerate([55, 70, 70, 85, 100])]
    p = project(series("A", {6: 20}), 6, refs)
    # 20 + 80 × share: 40 60 60 80 100 -> median 60, 10th 48, 90th 92
    assert p.method == "pola_empiris" and p.references == 5
    assert (p.low, p.value, p.high) == (D("48.00"), D("60.00"), D("92.00"))


def test_empirical_pattern_ratio():
    refs = [series(f"R{i}", {6: 40, 12: a}, year=2023) for i, a in enumerate([55, 70, 70, 85, 100])]
    p = project(series("A", {6: 20}), 6, refs, kind="ratio")
    # 20 × 1,375 1,75 1,75 2,125 2,5 = 27,5 35 35 42,5 50
    assert (p.low, p.value, p.high) == (D("30.50"), D("35.00"), D("47.00"))


def test_straight_line_is_the_last_resort_and_labelled():
    s = series("A", {3: 12, 6: 30})
    refs = [series("R", {6: 40, 12: 80}, year=2023)]          # one reference: too few
    p = project(s, 6, refs)
    assert p.method == "garis_lurus" and "garis lurus" in p.label
    # 30 × 12 / 6 = 60; the last three months' pace: 30 + 6 × 6 = 66; nothing bounds it above
    assert (p.value, p.low, p.high) == (D("60.00"), D("60.00"), D("100.00"))
    slowing = project(series("A", {3: 20, 6: 30}), 6)    # recent pace 30 + 10/3 × 6 = 50
    assert (slowing.value, slowing.low, slowing.high) == (D("60.00"), D("50.00"), D("100.00"))


def test_straight_line_from_one_month():
    p = project(series("A", {6: 30}), 6)
    assert (p.value, p.low, p.high) == (D("60.00"), D("60.00"), D("100.00"))


def test_projection_stays_between_reached_and_pagu():
    p = project(series("A", {3: 40, 6: 60}), 6)
    assert (p.value, p.low, p.high) == (D("100.00"), D("100.00"), D("100.00"))
    assert p.absorption == D("60.00")


def test_projects_from_the_latest_upload_and_without_data():
    s = series("A", {3: 12, 6: 30})
    assert project(s, 8).month == 6
    none = project(series("B", {}), 8)
    assert none.method == "tanpa_data" and none.value is None


def test_a_series_is_never_its_own_reference_nor_a_later_year():
    s = series("A", {6: 20})
    pool = [s, series("A", {6: 40, 12: 90}, year=2023),     # the same agency, an earlier year
            series("B", {6: 40}),                           # same year, no December yet
            series("C", {6: 40, 12: 80}),                   # same year with December
            series("D", {6: 40, 12: 80}, year=2025)]        # a later year
    assert [(r.agency, r.year) for r in reference_pool(s, pool)] == [("A", 2023), ("C", 2024)]


def test_quantile_agrees_with_pandas():
    xs = [D(v) for v in ("3.5", "1", "7.25", "2", "9", "4.125")]
    for q in ("0", "0.1", "0.5", "0.9", "1"):
        assert float(quantile(xs, q)) == pytest.approx(pd.Series([float(x) for x in xs])
                                                       .quantile(float(q)))


def test_series_from_a_tidy_frame():
    df = pd.DataFrame({"agency": ["A", "A", "B"], "year": [2024] * 3, "month": [1, 2, 1],
                       "pagu": [D(100), D(100), D(50)], "realisasi": [D(5), D(12), None],
                       "plan": [D(10), None, None]})
    a, b = series_from_frame(df)
    assert a.realisasi == {1: D(5), 2: D(12)} and a.plan == {1: D(10)}
    assert b.months == [] and b.pagu == {1: D(50)}
