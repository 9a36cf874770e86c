"""The projection's backtest harness on series whose answer is known, and on the real series."""
import runpy
from decimal import Decimal as D

from conftest import ROOT

from lkjip_helpers.backtest import backtest, summary
from lkjip_helpers.projection import MonthlySeries


def series(agency, absorption, year=2024):
    return MonthlySeries(agency, year, {m: D(100) for m in absorption},
                         {m: D(str(a)) for m, a in absorption.items()})


def test_identical_references_predict_exactly():
    shape = {3: 10, 6: 40, 12: 80}
    pool = [series(f"S{i}", shape) for i in range(6)]
    res = backtest(pool, mode="same_year")
    assert len(res) == 12                       # 6 series × months 3 and 6
    assert set(res["method"]) == {"pola_empiris"} and set(res["references"]) == {5}
    assert all(res["error"] == 0) and all(res["covered"])
    s = summary(res)
    assert list(s.index) == [3, 6] and list(s["mae"]) == [0, 0] and list(s["coverage"]) == [100, 100]


def test_earlier_years_only_and_the_error_measured():
    earlier = [series(f"S{i}", {6: 40, 12: 70}, 2023) for i in range(5)]   # share 0,5 of the rest
    now = series("A", {6: 20, 12: 50})
    res = backtest([now], earlier + [now], mode="earlier_years")
    row = res.iloc[0]
    # 20 + 0,5 × 80 = 60 predicted, 50 happened
    assert (row.value, row.actual, row.error, bool(row.covered)) == (D("60.00"), D("50.00"),
                                                                     D("10.00"), False)
    assert len(backtest([now], [now], mode="earlier_years").query("method == 'pola_empiris'")) == 0


def test_real_series_backtest():
    bench = runpy.run_path(str(ROOT / "benchmarks" / "backtest_projection.py"))
    real, left_out = bench["real_series"]()
    assert left_out == ["simalungun-54 2023-11"]
    toba = [s for s in real if s.agency == "toba-14"]
    res = backtest(toba, real, mode="pooled", min_references=3).set_index("month")
    # June: 12,95% -> a straight line to 25,90%; the year ended at 63,42%
    assert (res.loc[6, "method"], res.loc[6, "value"], res.loc[6, "actual"]) == \
        ("garis_lurus", D("25.90"), D("63.42"))
    assert res.loc[6, "high"] == D("100.00") and bool(res.loc[6, "covered"])


def test_made_kabupaten_is_seeded_and_shaped_like_the_real_medians():
    from statistics import median

    from lkjip_helpers.synthetic import kabupaten

    a, b = kabupaten(50, (2024,), seed=3), kabupaten(50, (2024,), seed=3)
    assert a == b and len(a) == 50
    assert all(s.realisasi[k] <= s.pagu[k] for s in a for k in s.months)
    assert all(s.realisasi[x] <= s.realisasi[y] for s in a for x, y in zip(s.months, s.months[1:])
               if s.pagu[x] == s.pagu[y])
    june = median(float(s.absorption(6)) for s in a if s.absorption(6) is not None)
    assert 15 < june < 40        # back-loaded: the real Toba median was 34,7% in June
