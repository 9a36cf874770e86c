"""The whole pemda as of a month: each SKPD's absorption against its plan to date (or the monthly
tolerance band when it has no cash plan), the pemda totals, the rankings, data quality and the
early-warning list.

A pemda-wide percentage is always pagu-weighted: Σ realisasi / Σ pagu. A mean of the SKPD
percentages would let a kecamatan of Rp 2 miliar weigh as much as the hospital of Rp 200 miliar;
no function here computes one. Pure functions over :class:`~lkjip_helpers.projection.MonthlySeries`
and the findings frame; amounts stay Decimal.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from .plan import rfk_deviation, share_pct
from .projection import CENT, MonthlySeries, Projection

SEVERITIES = ("error", "warning", "info")


def load_tolerance(path: Path | str | None = None) -> dict:
    """The monthly tolerance band ``{"source", "months": {m: (lower, upper)}}`` (package data
    ``monthly_tolerance.yaml`` unless an agency passes its own file of the same shape)."""
    import yaml

    from .config import load_yaml
    from .errors import ConfigError

    try:
        data = load_yaml("monthly_tolerance") if path is None else \
            yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        months = {int(m): (Decimal(str(lo)), Decimal(str(hi)))
                  for m, (lo, hi) in data["months"].items()}
        assert set(months) == set(range(1, 13))
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError, AssertionError):
        raise ConfigError("tabel toleransi memerlukan 'months: 1..12: [lower, upper]'", path) \
            from None
    return {"source": str(data.get("source", "")).strip(), "months": months}


def pct(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """numerator / denominator × 100 to 0,01 (None when the denominator is missing or zero)."""
    if numerator is None or not denominator:
        return None
    return share_pct(numerator, denominator).quantize(CENT)


def _cent(v: Decimal | None) -> Decimal | None:
    return None if v is None else v.quantize(CENT)


def missing_months(s: MonthlySeries, month: int, step: int = 1) -> list[int]:
    """Months up to ``month`` with no upload (``step`` 3: quarterly sources, months 3, 6, 9, 12)."""
    return [m for m in range(step, month + 1, step) if m not in s.realisasi]


def stale_months(s: MonthlySeries, step: int = 1) -> list[int]:
    """Periods that repeat the previous period's realisasi and pagu exactly (nothing spent, or the
    previous sheet uploaded again); repeats of zero at the start of the year are not counted."""
    ms = s.months
    return [b for a, b in zip(ms, ms[1:]) if b == a + step and s.realisasi[b] == s.realisasi[a]
            and s.realisasi[b] > 0 and s.pagu[b] == s.pagu[a]]


def pagu_shifts(s: MonthlySeries, month: int) -> dict:
    """The pagu at the first upload and at the latest up to ``month``, and how many times it
    changed on the way (an APBD Perubahan is one change; a switch back and forth is more)."""
    ms = [m for m in sorted(s.pagu) if m <= month]
    if not ms:
        return {"pagu_first": None, "pagu_latest": None, "pagu_change": None, "pagu_changes": 0}
    seq = [s.pagu[m] for m in ms]
    changes = sum(1 for a, b in zip(seq, seq[1:]) if a != b)
    return {"pagu_first": seq[0], "pagu_latest": seq[-1], "pagu_change": seq[-1] - seq[0],
            "pagu_changes": changes}


def absorption_table(series: list[MonthlySeries], month: int, tolerance: dict | None = None,
                     step: int = 1) -> pd.DataFrame:
    """One row per SKPD as of ``month``: its latest upload up to it, pagu, realisasi, absorption
    (%), what it is judged against — its cash plan to date (``basis`` "rencana kas") or the band's
    midpoint ("rentang toleransi") — absorption against that (100 = on plan), the deviation
    (plan − absorption) / plan × 100 (``plan.rfk_deviation``; positive: behind), whether it is behind (below its plan, or
    below the band's lower bound), and the upload facts (missing, stale, pagu changes); ``step``
    3 for quarterly sources."""
    tolerance = tolerance or load_tolerance()
    lo, hi = tolerance["months"][month]
    rows = []
    for s in series:
        m = s.latest(month)
        pagu = s.pagu.get(m) if m else None
        real = s.realisasi.get(m) if m else None
        absorption = pct(real, pagu)
        if month in s.plan and pagu:
            basis, target = "rencana kas", pct(s.plan[month], pagu)
            behind = absorption is not None and target is not None and absorption < target
        else:
            basis, target = "rentang toleransi", ((lo + hi) / 2).quantize(CENT)
            behind = absorption is not None and absorption < lo
        rows.append({
            "agency": s.agency, "year": s.year, "month": m, "pagu": pagu, "realisasi": real,
            "absorption": absorption, "basis": basis, "target": target,
            "against_plan": pct(absorption, target),
            "deviation": _cent(rfk_deviation(target, absorption)),
            "behind": bool(behind), "missing_months": missing_months(s, month, step),
            "stale_months": [k for k in stale_months(s, step) if k <= month],
            **pagu_shifts(s, month)})
    return pd.DataFrame(rows)


def totals(table: pd.DataFrame) -> dict:
    """The pemda's pagu, realisasi and absorption: Σ realisasi / Σ pagu over the SKPD that have
    data (never a mean of their percentages), and how many SKPD are counted."""
    have = table[table["pagu"].notna() & table["realisasi"].notna()]
    pagu = sum(have["pagu"], Decimal(0))
    real = sum(have["realisasi"], Decimal(0))
    return {"pagu": pagu, "realisasi": real, "absorption": pct(real, pagu),
            "agencies": len(have), "without_data": int(len(table) - len(have))}


def pemda_projection(table: pd.DataFrame, projections: list[Projection]) -> dict:
    """The pemda's year-end projection: each SKPD's projected realisasi (its projection × its pagu)
    summed, over Σ pagu; the interval adds the SKPD's lows and highs (as if they moved together,
    which a shared late-year rush makes closer to the truth than independence)."""
    pagu_of = dict(zip(table["agency"], table["pagu"]))
    have = [p for p in projections if p.value is not None and pagu_of.get(p.agency)]
    pagu = sum((pagu_of[p.agency] for p in have), Decimal(0))
    if not pagu:
        return {"value": None, "low": None, "high": None, "agencies": 0}

    def share(attr):
        return (sum(getattr(p, attr) * pagu_of[p.agency] for p in have) / pagu).quantize(CENT)

    return {"value": share("value"), "low": share("low"), "high": share("high"),
            "agencies": len(have)}


def ranking(table: pd.DataFrame, projections: list[Projection] | None = None) -> pd.DataFrame:
    """The SKPD ranked by absorption against their plan to date (1 = furthest ahead), with the
    deviation and, when given, the projection; SKPD without data come last, unranked."""
    df = table.copy()
    if projections is not None:
        by = {p.agency: p for p in projections}
        for attr in ("value", "low", "high", "method"):
            df[f"projection_{attr}"] = [getattr(by[a], attr) if a in by else None
                                        for a in df["agency"]]
    key = df["against_plan"].map(lambda v: None if v is None else float(v))
    df = df.assign(_k=key).sort_values(["_k", "agency"], ascending=[False, True],
                                       na_position="last", kind="stable").drop(columns="_k")
    ranked = df["against_plan"].notna()
    df["rank"] = None
    df.loc[ranked, "rank"] = range(1, int(ranked.sum()) + 1)
    return df.reset_index(drop=True)


def quality(table: pd.DataFrame, findings: pd.DataFrame | None = None,
            refused: dict[str, int] | None = None, duplicates: dict[str, list] | None = None
            ) -> pd.DataFrame:
    """Data quality per SKPD as its own ranking, worst first: refused files, findings by severity,
    missing, duplicate and stale months, pagu versions. An SKPD with a refused file, an error or no
    data is ``unknown``: it is neither behind nor ahead until its sheets are right."""
    refused, duplicates = refused or {}, duplicates or {}
    counts = {}
    if findings is not None and len(findings):
        counts = findings.groupby(["agency", "severity"]).size().to_dict()
    rows = []
    for r in table.itertuples(index=False):
        row = {"agency": r.agency, "refused": int(refused.get(r.agency, 0)),
               **{s: int(counts.get((r.agency, s), 0)) for s in SEVERITIES},
               "missing": len(r.missing_months), "duplicate": len(duplicates.get(r.agency, [])),
               "stale": len(r.stale_months), "pagu_versions": int(r.pagu_changes) + 1}
        row["unknown"] = bool(row["refused"] or row["error"] or r.absorption is None)
        rows.append(row)
    df = pd.DataFrame(rows)
    order = ["unknown", "refused", "error", "missing", "duplicate", "stale", "warning",
             "pagu_versions", "info"]
    df = df.sort_values(order + ["agency"], ascending=[False] * len(order) + [True],
                        kind="stable").reset_index(drop=True)
    df.insert(0, "rank", range(1, len(df) + 1))
    return df


def early_warning(table: pd.DataFrame, projections: list[Projection],
                  threshold: Decimal | int | str = 90, month: int | None = None) -> pd.DataFrame:
    """SKPD whose projection's upper bound is below ``threshold`` % of the pagu, with the reasons
    in words: behind plan, no upload for the period, stale months."""
    threshold = Decimal(str(threshold))
    row = {r.agency: r for r in table.itertuples(index=False)}
    out = []
    for p in projections:
        if p.high is None or p.high >= threshold or p.agency not in row:
            continue
        r = row[p.agency]
        reasons = []
        if r.behind:
            reasons.append(f"di bawah {r.basis} ({_id(r.absorption)}% dari "
                           f"{_id(r.target)}%)")
        if month is not None and r.month is not None and r.month < month:
            reasons.append(f"tidak mengunggah sejak bulan {r.month}")
        if r.stale_months:
            reasons.append("bulan yang mengulang angka bulan sebelumnya: "
                           + ", ".join(map(str, r.stale_months)))
        if p.month >= p.target:
            reasons.append("tahun anggaran berakhir di bawah ambang")
        elif not reasons:
            reasons.append("laju penyerapan tidak cukup untuk mencapai ambang")
        out.append({"agency": p.agency, "absorption": p.absorption, "projection": p.value,
                    "high": p.high, "method": p.method, "threshold": threshold,
                    "reasons": reasons})
    df = pd.DataFrame(out, columns=["agency", "absorption", "projection", "high", "method",
                                    "threshold", "reasons"])
    return df.sort_values("high", key=lambda c: c.map(float), kind="stable")\
        .reset_index(drop=True)


def _id(v) -> str:
    """12,34 (the number as Indonesians write it)."""
    from .numbers import format_percent

    return format_percent(v).rstrip("%").strip()
