"""The plan baseline: the formulas on toy numbers worked by hand, the colours' direction, the
findings BEHIND_PLAN / AHEAD_OF_PLAN / PLAN_MISMATCH."""
from decimal import Decimal as D

import pytest

from lkjip_helpers import plan
from lkjip_helpers.plan import (RULES, Settings, baseline, deviation_class, deviation_colour,
                                ikpa, ikpa_score, month_deviation, rfk_deviation, share_pct)
from lkjip_helpers.reconcile.against_plan import check_findings, deviation_findings

SKPD = {"agency_code": "1.06.0.00.0.00.01.0000", "agency_name": "Dinas Sosial", "year": 2022,
        "program_code": "1.06.02", "program": "Rehabilitasi", "kegiatan_code": "1.06.02.2.01",
        "kegiatan": "Rehabilitasi Dasar"}


def _records(subs):
    """subs: {code: (pagu, {month: plan}, {month: cumulative realisasi})}"""
    out = []
    for code, (pagu, plan_m, real) in subs.items():
        for m in range(1, 13):
            out.append({**SKPD, "sub_kegiatan_code": code, "sub_kegiatan": "Sub " + code,
                        "month": m, "pagu": D(pagu), "plan": D(plan_m.get(m, 0)),
                        "realisasi": D(real[m]) if m in real else None})
    return out


# pagu 1200 planned 100 a month; pagu 400 planned all in June; realisasi reported for March, June
TOY = _records({"1.06.02.2.01.0001": (1200, {m: 100 for m in range(1, 13)}, {3: 150, 6: 600}),
                "1.06.02.2.01.0002": (400, {6: 400}, {3: 0, 6: 100})})


def test_the_formulas_on_toy_numbers():
    assert share_pct(D(25), D(100)) == 25 and share_pct(D(1), D(0)) is None
    assert rfk_deviation(D(40), D(30)) == 25            # (40 − 30) / 40 × 100
    assert rfk_deviation(D(40), D(50)) == -25           # ahead of the plan
    assert rfk_deviation(D(0), D(10)) is None
    assert month_deviation(D(100), D(80)) == 20
    assert month_deviation(D(100), D(250)) == 100       # capped at 100
    assert month_deviation(D(0), D(0)) == 0 and month_deviation(D(0), D(5)) == 100
    assert ikpa_score(D(5)) == 100 and ikpa_score(D("5.01")) == D("94.99")
    assert ikpa_score(D(100)) == 0 and ikpa_score(None) is None


def test_baseline_per_skpd_and_month():
    t = baseline(TOY, "skpd").set_index("month")
    assert list(t.index) == [3, 6]                      # the months realisasi was reported
    # March: plan 300 of 1600 = 18,75%; realisasi 150 = 9,375%; (18,75 − 9,375)/18,75 = 50
    assert t.loc[3, "plan_cum"] == D(300) and t.loc[3, "realisasi_cum"] == D(150)
    assert (t.loc[3, "rak_pct"], t.loc[3, "capaian_pct"]) == (18.75, 9.375)
    assert t.loc[3, "deviasi_rfk"] == 50 and t.loc[3, "selisih_pct"] == -9.375
    # June: plan 600 + 400 = 62,5%; realisasi 700 = 43,75%; deviation 30
    assert (t.loc[6, "rak_pct"], t.loc[6, "capaian_pct"], t.loc[6, "deviasi_rfk"]) == \
        (62.5, 43.75, 30)
    # IKPA Jan–Mar: 0,75 × |300 − 150|/300 + 0,25 × 0 = 37,5; Apr–Jun: 0,75 × 50 + 0,25 × 75
    assert t.loc[3, "deviasi_ikpa_bulan"] == 37.5 and t.loc[6, "deviasi_ikpa_bulan"] == 56.25
    assert set(t["rule_rfk"]) == {RULES["deviasi_rfk"]} and set(t["rule_rak"]) == {RULES["rak_pct"]}


def test_baseline_per_sub_kegiatan():
    t = baseline(TOY, "sub_kegiatan")
    s2 = t[t["sub_kegiatan_code"] == "1.06.02.2.01.0002"].set_index("month")
    assert s2.loc[3, "rak_pct"] == 0 and s2.loc[3, "deviasi_rfk"] != s2.loc[3, "deviasi_rfk"]  # NaN
    assert (s2.loc[6, "rak_pct"], s2.loc[6, "capaian_pct"], s2.loc[6, "deviasi_rfk"]) == \
        (100, 25, 75)
    assert set(baseline(TOY, "program")["program_code"]) == {"1.06.02"}
    assert set(baseline(TOY, "kegiatan")["kegiatan_code"]) == {"1.06.02.2.01"}


def test_ikpa_is_pagu_weighted_and_averaged_over_the_months():
    t = ikpa(TOY, "skpd").iloc[0]
    # (3 × 37,5 + 3 × 56,25) / 6 = 46,875; above 5, so the score is 100 − 46,875
    assert (t["months"], t["deviasi_ikpa"], t["nilai_ikpa"]) == (6, 46.875, 53.125)
    assert t["rule_deviasi"] == RULES["deviasi_ikpa"] and "≤ 5" in t["rule_nilai"]
    # unweighted, the two sub kegiatan would give (50 + 0)/2 and (50 + 75)/2: a different answer
    assert t["deviasi_ikpa"] != (25 * 3 + 62.5 * 3) / 6


def test_more_deviation_is_shown_as_worse():
    sizes = [0, 3, -3, 5, 6, -20, 25, 26, 80, -80, 150]
    order = [c for _, c, _ in plan.DEVIATION_COLOURS]
    ranks = {d: order.index(deviation_colour(d)) for d in sizes}
    for a in sizes:
        for b in sizes:
            if abs(a) < abs(b):
                assert ranks[a] <= ranks[b], (a, b)
    assert deviation_colour(0) == "#009E73"             # green: on plan
    assert deviation_colour(80) == "#D55E00"            # vermillion: far off (not green)
    assert deviation_class(None) is None and deviation_class(float("nan")) is None
    assert deviation_class(-80)[1] == "menyimpang jauh"


def test_behind_plan_names_the_months_beyond_the_tolerance():
    t = baseline(TOY, "skpd")
    f = deviation_findings(t)                           # March −9,375 points: within 10
    assert [(x.code, x.severity) for x in f] == [("BEHIND_PLAN", "warning")]
    assert "Juni" in f[0].message and "Maret" not in f[0].message
    assert (f[0].stated, f[0].computed, f[0].quarter) == (D("43.75"), D("62.5"), 2)
    f5 = deviation_findings(t, Settings(tolerance=D(5)))
    assert "bulan Maret, Juni" in f5[0].message
    assert deviation_findings(t, Settings(tolerance=D(20))) == []


def test_ahead_of_plan_is_info():
    recs = _records({"1.06.02.2.01.0001": (1000, {m: 10 for m in range(1, 13)}, {4: 400})})
    f = deviation_findings(baseline(recs, "skpd"))
    assert [(x.code, x.severity) for x in f] == [("AHEAD_OF_PLAN", "info")]
    assert "April" in f[0].message and "36,00 poin" in f[0].message


def test_plan_checks_become_plan_mismatch_findings():
    checks = [{"kind": "negative", "month": 2, "stated": D(-100000), "computed": D(0),
               "cell": "V3", "sub_kegiatan_code": "1.06.03.2.01.0001", "year": 2022},
              {"kind": "triwulan", "quarter": 1, "stated": D(123), "computed": D(120),
               "cell": "H8", "group": "BELANJA", "rincian": "target", "year": 2022}]
    f = check_findings(checks, "rak.xlsx", "S")
    assert [(x.code, x.severity, x.source_cell, x.quarter) for x in f] == \
        [("PLAN_MISMATCH", "error", "V3", 1), ("PLAN_MISMATCH", "error", "H8", 1)]
    assert "Februari negatif" in f[0].message and f[1].difference == 3


@pytest.mark.parametrize("level", plan.LEVELS)
def test_every_level_has_its_rule_beside_each_figure(level):
    t = baseline(TOY, level)
    assert t["rule_rfk"].notna().all() and t["rule_capaian"].notna().all()


def test_the_chart_draws_the_plan_and_colours_deviation_worse():
    from lkjip_helpers import charts
    from lkjip_helpers.plan import plan_curve

    curve = plan_curve(TOY, "skpd")
    assert list(curve["rak_pct"])[:6] == [6.25, 12.5, 18.75, 25, 31.25, 62.5]
    fig = charts.absorption_against_plan(curve, baseline(TOY, "skpd"), "Penyerapan 2022")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [charts.PLAN_LINE, "Realisasi kumulatif"]
    assert charts.STRAIGHT_LINE not in labels
    plan_line = ax.get_lines()[0]
    assert list(plan_line.get_ydata())[:4] == [0.0, 6.25, 12.5, 18.75]
    # March (deviation 50) and June (30) are both far off the plan: vermillion, not green
    colours = [tuple(c.get_facecolor()[0][:3]) for c in ax.collections]
    from matplotlib.colors import to_rgb
    assert colours == [to_rgb("#D55E00"), to_rgb("#D55E00")]


def test_without_a_plan_the_straight_line_is_the_labelled_fallback():
    import pandas as pd

    from lkjip_helpers import charts
    totals = pd.DataFrame({"year": [2020, 2020], "quarter": [1, 2], "penyerapan": [10.0, 30.0],
                           "penyerapan_latest": [10.0, 30.0]})
    fig = charts.absorption_curve(totals, 2020)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels[0] == charts.STRAIGHT_LINE == "Garis lurus (tidak ada rencana kas)"
