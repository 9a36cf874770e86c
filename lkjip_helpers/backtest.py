"""The projection's backtest: from each month m of a series, predict its last available month with
only what would have been known, and compare. Mean absolute error (percentage points of the pagu)
and the share of intervals that held the actual value, by m and by method.

Which references a prediction may use (``mode``):
- ``earlier_years``: the series of earlier years only — what a pemda really has at month m;
- ``same_year``: the other SKPD of the same year (their later months included) — what the pattern
  of the other agencies of the same pemda gives when their year is known; optimistic, because they
  share the year's shocks with the series predicted;
- ``pooled``: every other series (other agencies, other years, another pemda): for the few real
  series available.
"""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from .projection import MonthlySeries, project

MODES = ("earlier_years", "same_year", "pooled")


def _references(s: MonthlySeries, pool: list[MonthlySeries], mode: str) -> list[MonthlySeries]:
    others = [r for r in pool if not (r.agency == s.agency and r.year == s.year)]
    if mode == "earlier_years":
        return [r for r in others if r.year < s.year]
    if mode == "same_year":
        return [r for r in others if r.year == s.year]
    if mode == "pooled":
        return others
    raise ValueError(f"mode must be one of {MODES}, not {mode!r}")


def backtest(series: list[MonthlySeries], pool: list[MonthlySeries] | None = None,
             mode: str = "earlier_years", target: int | None = None, **options) -> pd.DataFrame:
    """One row per (series, month m before its target): the prediction, its interval and method,
    the actual absorption at the target, the error (predicted − actual) and whether the interval
    held it. ``target`` None: each series' last month; ``options`` go to :func:`project`."""
    pool = series if pool is None else pool
    rows = []
    for s in series:
        months = s.months
        if len(months) < 2:
            continue
        t = target if target is not None else months[-1]
        actual = s.absorption(t)
        if actual is None:
            continue
        refs = _references(s, pool, mode)
        for m in months:
            if m >= t:
                break
            p = project(s, m, refs, target=t, **options)
            if p.value is None:
                continue
            a = actual.quantize(Decimal("0.01"))
            rows.append({"agency": s.agency, "year": s.year, "month": m, "target": t,
                         "method": p.method, "references": p.references, "absorption": p.absorption,
                         "value": p.value, "low": p.low, "high": p.high, "actual": a,
                         "error": p.value - a, "covered": p.low <= a <= p.high})
    return pd.DataFrame(rows, columns=["agency", "year", "month", "target", "method",
                                       "references", "absorption", "value", "low", "high",
                                       "actual", "error", "covered"])


def summary(results: pd.DataFrame, by: str | list[str] = "month") -> pd.DataFrame:
    """Per ``by``: predictions made, mean absolute error (points), interval coverage (%), the mean
    interval width (points) and the methods used."""
    if not len(results):
        return pd.DataFrame(columns=["n", "mae", "coverage", "width", "methods"])
    df = results.assign(abs_error=results["error"].map(lambda e: abs(float(e))),
                        width=(results["high"] - results["low"]).map(float),
                        hit=results["covered"].astype(float))
    g = df.groupby(by)
    out = pd.DataFrame({"n": g.size(), "mae": g["abs_error"].mean().round(2),
                        "coverage": (g["hit"].mean() * 100).round(1),
                        "width": g["width"].mean().round(2),
                        "methods": g["method"].agg(lambda x: ", ".join(
                            f"{k} {v}" for k, v in x.value_counts().items()))})
    return out
