"""Absorption judged against the cash plan (anggaran kas / RAK) instead of a straight line.

Input: the plan and the realisasi summed to the sub kegiatan, one record per sub kegiatan per month
(``plan_records``): keys ``agency_code, agency_name, year, program_code, program, kegiatan_code,
kegiatan, sub_kegiatan_code, sub_kegiatan, month``, the line's ``pagu`` (of the plan's version), the
month's ``plan`` (monthly, not cumulative) and ``realisasi`` (cumulative to the end of the month; None
for a month not reported). Everything is exact (Decimal) until the percentages are handed out.

Every result carries the rule it follows, in words, so that the figure is never read without it.
The peers' mistakes are not copied: units above the sub kegiatan are weighted by pagu, and more
deviation is always shown as worse (:func:`deviation_colour`).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

ZERO = Decimal(0)
HUNDRED = Decimal(100)
LEVELS = ("skpd", "program", "kegiatan", "sub_kegiatan")
KEYS = {"skpd": ("agency_code",),
        "program": ("agency_code", "program_code"),
        "kegiatan": ("agency_code", "program_code", "kegiatan_code"),
        "sub_kegiatan": ("agency_code", "program_code", "kegiatan_code", "sub_kegiatan_code")}
NAMES = {"skpd": "agency_name", "program": "program", "kegiatan": "kegiatan",
         "sub_kegiatan": "sub_kegiatan"}
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")

RULES = {
    "rak_pct": "RAK % = rencana kas kumulatif s.d. bulan itu / pagu × 100",
    "capaian_pct": "capaian % = realisasi kumulatif s.d. bulan itu / pagu × 100",
    "deviasi_rfk": "deviasi RFK = (RAK % − capaian %) / RAK % × 100; positif = di belakang "
                   "rencana, negatif = mendahului; kosong bila RAK % = 0",
    "deviasi_ikpa": "deviasi IKPA = rata-rata tiap bulan dari Σ (pagu sub kegiatan / pagu) × "
                    "min(100, |rencana bulan itu − realisasi bulan itu| / rencana bulan itu × 100); "
                    "rencana 0: deviasi 0 bila realisasi 0, selain itu 100; bulan yang tidak "
                    "dilaporkan dihitung bersama bulan laporan berikutnya",
    "nilai_ikpa": "nilai IKPA = 100 bila deviasi rata-rata ≤ 5 %, selain itu 100 − deviasi",
    "selisih": "selisih = capaian % − RAK % (poin persen)",
}


@dataclass(frozen=True)
class Settings:
    """``tolerance``: points of pagu by which cumulative realisasi may trail (or lead) the plan
    before BEHIND_PLAN (or AHEAD_OF_PLAN) is raised; ``level``: where those findings are judged."""

    tolerance: Decimal = Decimal(10)
    level: str = "skpd"
    ikpa_full_score: Decimal = Decimal(5)


# ------------------------------------------------------------------ the formulas, one each
def share_pct(amount: Decimal, pagu: Decimal) -> Decimal | None:
    """amount / pagu × 100 (RAK % for the cumulative plan, capaian % for realisasi)."""
    return None if not pagu else Decimal(amount) * HUNDRED / Decimal(pagu)


def rfk_deviation(rak_pct: Decimal | None, capaian_pct: Decimal | None) -> Decimal | None:
    """(RAK % − capaian %) / RAK % × 100: the RFK form's deviation. None when RAK % is 0."""
    if rak_pct is None or capaian_pct is None or rak_pct == 0:
        return None
    return (rak_pct - capaian_pct) / rak_pct * HUNDRED


def month_deviation(plan: Decimal, realisasi: Decimal) -> Decimal:
    """min(100, |plan − realisasi| / plan × 100) for one month's (non-cumulative) amounts;
    a month without plan counts 0 when nothing was spent, else 100."""
    if plan == 0:
        return ZERO if realisasi == 0 else HUNDRED
    return min(HUNDRED, abs(Decimal(plan) - Decimal(realisasi)) * HUNDRED / abs(Decimal(plan)))


def ikpa_score(deviation: Decimal | None, full: Decimal = Decimal(5)) -> Decimal | None:
    """100 when the average deviation is at most ``full`` (5 %), else 100 − deviation (≥ 0)."""
    if deviation is None:
        return None
    return HUNDRED if deviation <= full else max(ZERO, HUNDRED - deviation)


DEVIATION_COLOURS = ((Decimal(5), "#009E73", "sesuai rencana"),
                     (Decimal(25), "#E69F00", "menyimpang"),
                     (None, "#D55E00", "menyimpang jauh"))


def deviation_class(deviation: Decimal | float | None) -> tuple[str, str] | None:
    """(colour, label) of a deviation in %: the larger its size, the worse — never the other way
    round (one regional app colours high deviation green)."""
    if deviation is None or (isinstance(deviation, float) and deviation != deviation):
        return None
    size = abs(Decimal(str(deviation)))
    for upper, colour, label in DEVIATION_COLOURS:
        if upper is None or size <= upper:
            return colour, label
    raise AssertionError("unreachable")


def deviation_colour(deviation: Decimal | float | None) -> str | None:
    got = deviation_class(deviation)
    return got[0] if got else None


# ------------------------------------------------------------------ per unit and month
@dataclass(frozen=True)
class Subs:
    """Plan records grouped once per sub kegiatan (:func:`prepare`): each as (its first record,
    (pagu, monthly plan 1..12, cumulative realisasi per reported month)). :func:`baseline`,
    :func:`plan_curve` and :func:`ikpa` take it instead of the records, to group them only once."""

    items: tuple


def prepare(records) -> Subs:
    """Group plan records per sub kegiatan (agency, year and codes), once for every level."""
    if isinstance(records, Subs):
        return records
    by: dict[tuple, dict[int, dict]] = {}
    for r in records:
        k = (r["year"], r["agency_code"], r["program_code"], r["kegiatan_code"],
             r["sub_kegiatan_code"])
        by.setdefault(k, {})[int(r["month"])] = r
    return Subs(tuple((next(iter(m.values())), _sub_series(m)) for m in by.values()))


def _group(records, level: str) -> dict[tuple, dict]:
    """``{unit key: {"name", "agency_name", "series": [the series of each sub kegiatan]}}``."""
    keys = KEYS[level]
    name = NAMES[level]
    out: dict[tuple, dict] = {}
    for r, series in prepare(records).items:
        k = (int(r["year"]),) + tuple(r[c] for c in keys)
        unit = out.get(k)
        if unit is None:
            unit = out[k] = {"name": r[name], "agency_name": r["agency_name"], "series": []}
        unit["series"].append(series)
    return out


def _sub_series(months: dict[int, dict]):
    """pagu, monthly plan (1..12), cumulative realisasi per reported month."""
    any_r = next(iter(months.values()))
    pagu = Decimal(any_r["pagu"] or 0)
    plan = [Decimal(months[m]["plan"] or 0) if m in months else ZERO for m in range(1, 13)]
    real = {m: Decimal(r["realisasi"]) for m, r in months.items() if r.get("realisasi") is not None}
    return pagu, plan, real


def _cum(values: list[Decimal]) -> list[Decimal]:
    out, acc = [], ZERO
    for v in values:
        acc += v
        out.append(acc)
    return out


def _spans(reported: list[int]) -> list[tuple[int, int]]:
    """Reported months -> (first month, last month) spans: 1..m1, m1+1..m2, …"""
    out, start = [], 1
    for m in sorted(reported):
        out.append((start, m))
        start = m + 1
    return out


def baseline(records: list[dict] | Subs, level: str = "skpd") -> pd.DataFrame:
    """Per unit of ``level`` and reported month: pagu, cumulative plan and realisasi, RAK %,
    capaian %, the gap in points, the RFK deviation and the month's pagu-weighted IKPA deviation,
    each percentage with its rule (columns ``rule_*``)."""
    rows = []
    for k, unit in sorted(_group(records, level).items(), key=lambda kv: tuple(map(str, kv[0]))):
        series = unit["series"]
        pagu = sum((s[0] for s in series), ZERO)
        plan_cum = _cum([sum((s[1][m] for s in series), ZERO) for m in range(12)])
        reported = sorted(set.intersection(*(set(s[2]) for s in series))) if series else []
        ikpa = _weighted_month_deviation(series, reported)
        for m in reported:
            real = sum((s[2][m] for s in series), ZERO)
            rak, cap = share_pct(plan_cum[m - 1], pagu), share_pct(real, pagu)
            rfk = rfk_deviation(rak, cap)
            rows.append({
                "year": k[0], **dict(zip(KEYS[level], k[1:])), "agency_name": unit["agency_name"],
                "level": level, "name": unit["name"], "month": m,
                "pagu": pagu, "plan_cum": plan_cum[m - 1], "realisasi_cum": real,
                "rak_pct": rak, "capaian_pct": cap,
                "selisih_pct": None if rak is None else cap - rak,
                "deviasi_rfk": rfk, "warna_rfk": deviation_colour(rfk),
                "deviasi_ikpa_bulan": ikpa.get(m),
                "rule_rak": RULES["rak_pct"], "rule_capaian": RULES["capaian_pct"],
                "rule_rfk": RULES["deviasi_rfk"],
            })
    return _floats(pd.DataFrame(rows), ("rak_pct", "capaian_pct", "selisih_pct", "deviasi_rfk",
                                        "deviasi_ikpa_bulan"))


def plan_curve(records: list[dict] | Subs, level: str = "skpd") -> pd.DataFrame:
    """Per unit of ``level``: the plan's cumulative share of the pagu (RAK %) for every month 1..12,
    whether or not realisasi was reported — the curve the absorption chart draws."""
    rows = []
    for k, unit in sorted(_group(records, level).items(), key=lambda kv: tuple(map(str, kv[0]))):
        series = unit["series"]
        pagu = sum((s[0] for s in series), ZERO)
        cum = _cum([sum((s[1][m] for s in series), ZERO) for m in range(12)])
        for m in range(1, 13):
            rows.append({"year": k[0], **dict(zip(KEYS[level], k[1:])), "level": level,
                         "name": unit["name"], "month": m, "plan_cum": cum[m - 1],
                         "rak_pct": share_pct(cum[m - 1], pagu)})
    return _floats(pd.DataFrame(rows), ("rak_pct",))


def _weighted_month_deviation(series, reported: list[int]) -> dict[int, Decimal]:
    """Month -> Σ (pagu_i / pagu) × month_deviation_i; a span of unreported months counts for
    each of its months with the deviation of the span's sums."""
    total = sum((s[0] for s in series), ZERO)
    out: dict[int, Decimal] = {}
    for first, last in _spans(reported):
        dev = ZERO
        for pagu, plan, real in series:
            before = real.get(first - 1, ZERO) if first > 1 else ZERO
            spent = real[last] - before
            planned = sum(plan[first - 1:last], ZERO)
            w = (pagu / total) if total else Decimal(1) / len(series)
            dev += w * month_deviation(planned, spent)
        for m in range(first, last + 1):
            out[m] = dev
    return out


def ikpa(records: list[dict] | Subs, level: str = "skpd", settings: Settings = Settings()
         ) -> pd.DataFrame:
    """Per unit of ``level``: the IKPA-style deviation averaged over the months up to the last
    reported one, its score, and both rules."""
    rows = []
    for k, unit in sorted(_group(records, level).items(), key=lambda kv: tuple(map(str, kv[0]))):
        series = unit["series"]
        reported = sorted(set.intersection(*(set(s[2]) for s in series))) if series else []
        devs = _weighted_month_deviation(series, reported)
        avg = (sum(devs.values(), ZERO) / len(devs)) if devs else None
        rows.append({"year": k[0], **dict(zip(KEYS[level], k[1:])),
                     "agency_name": unit["agency_name"], "level": level, "name": unit["name"],
                     "months": len(devs), "pagu": sum((s[0] for s in series), ZERO),
                     "deviasi_ikpa": avg, "nilai_ikpa": ikpa_score(avg, settings.ikpa_full_score),
                     "warna": deviation_colour(avg),
                     "rule_deviasi": RULES["deviasi_ikpa"], "rule_nilai": RULES["nilai_ikpa"]})
    return _floats(pd.DataFrame(rows), ("deviasi_ikpa", "nilai_ikpa"))


def _floats(df: pd.DataFrame, cols) -> pd.DataFrame:
    """Percentages handed out as float64 (NaN when undefined); money stays Decimal."""
    for c in cols:
        if c in df.columns:
            df[c] = pd.array([float(v) if v is not None else float("nan") for v in df[c]],
                             dtype="float64")
    return df


def month_label(month: int) -> str:
    return MONTHS[int(month) - 1]


def roll_up(records: list[dict], level: str, fields: tuple[str, ...]) -> pd.DataFrame:
    """Sum ``fields`` of sub kegiatan records (any extra keys, e.g. month, kept apart: pass them in
    ``by`` columns of the records as ``month``/``version`` when present) up to ``level``."""
    extra = [c for c in ("month", "version") if records and c in records[0]]
    keys = ("year",) + KEYS[level] + tuple(extra)
    acc: dict[tuple, dict] = {}
    for r in records:
        k = tuple(r[c] for c in keys)
        rec = acc.get(k)
        if rec is None:
            rec = acc[k] = {**{c: r[c] for c in keys}, "agency_name": r.get("agency_name"),
                            "name": r.get(NAMES[level]), "sub_kegiatan_count": 0,
                            **{f: ZERO for f in fields}}
        rec["sub_kegiatan_count"] += 1
        for f in fields:
            rec[f] += Decimal(r[f] or 0)
    rows = [acc[k] for k in sorted(acc, key=lambda t: tuple(map(str, t)))]
    return pd.DataFrame(rows)
