"""Where an agency's year will end: the projected absorption at a target month (default December)
from its monthly series up to a month, with an interval, by the first method that has what it needs:

(a) ``rencana_kas`` — the agency's own cash plan (anggaran kas, cumulative) for the remaining
    months. The share of the remaining plan that gets spent is taken from reference series that had
    a plan (empirical interval), else from the agency's own record so far (realisasi / plan to date),
    the interval then running from "continues at its own pace" to "the plan holds";
(b) ``pola_empiris`` — the pattern of reference series (the other agencies of the pemda, earlier
    years): for each reference the share of the pagu left at month m that it had spent by the target
    month; applied to this agency, the median is the projection and the 10th–90th percentiles the
    interval (an 80% interval when the references are like this agency);
(c) ``garis_lurus`` — a straight line through the absorption so far, labelled as such: the last
    resort, used when there are fewer than ``min_references`` references.

Every projection is a percentage of the pagu in force at the month it is made from, kept between
the absorption already reached and 100% (realisasi can neither go back nor pass the pagu). All
arithmetic is Decimal; results are rounded to 0,01%. The method, its assumptions and its measured
error: ``docs/projection.md``. Pure functions over :class:`MonthlySeries`; nothing is read here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterable, Sequence

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
METHOD_LABELS = {
    "rencana_kas": "rencana anggaran kas sendiri",
    "pola_empiris": "pola SKPD lain / tahun sebelumnya",
    "garis_lurus": "garis lurus (tanpa pola pembanding; hanya perkiraan kasar)",
    "tanpa_data": "tidak ada data realisasi",
}


@dataclass(frozen=True)
class MonthlySeries:
    """One agency's year, month by month: the pagu in force, cumulative realisasi and, when the
    agency has one, its cumulative cash plan (anggaran kas). Months absent from ``realisasi`` were
    not uploaded."""

    agency: str
    year: int
    pagu: dict[int, Decimal]
    realisasi: dict[int, Decimal]
    plan: dict[int, Decimal] = field(default_factory=dict)

    @property
    def months(self) -> list[int]:
        return sorted(m for m in self.realisasi if m in self.pagu)

    def absorption(self, month: int) -> Decimal | None:
        """Realisasi / pagu × 100 at a month (None when not uploaded or the pagu is zero)."""
        if month not in self.realisasi or not self.pagu.get(month):
            return None
        return self.realisasi[month] / self.pagu[month] * HUNDRED

    def latest(self, month: int) -> int | None:
        """The last uploaded month up to and including ``month``."""
        ms = [m for m in self.months if m <= month]
        return ms[-1] if ms else None


@dataclass(frozen=True)
class Projection:
    agency: str
    year: int
    month: int                    # the month projected from (the latest upload up to the period)
    target: int                   # the month projected to (12: year-end)
    method: str                   # rencana_kas, pola_empiris, garis_lurus, tanpa_data
    value: Decimal | None         # projected absorption at ``target``, % of the pagu at ``month``
    low: Decimal | None
    high: Decimal | None
    absorption: Decimal | None    # absorption reached at ``month``
    references: int = 0           # reference series behind an empirical interval
    note: str = ""                # in Bahasa Indonesia: what the figure rests on

    @property
    def label(self) -> str:
        return METHOD_LABELS[self.method]


def quantile(values: Sequence[Decimal], q: Decimal | float | str) -> Decimal:
    """The q-quantile by linear interpolation between order statistics (Hyndman–Fan type 7, the
    default of numpy and pandas), in Decimal."""
    xs = sorted(values)
    if not xs:
        raise ValueError("quantile of nothing")
    pos = Decimal(str(q)) * (len(xs) - 1)
    i = int(pos)
    if i >= len(xs) - 1:
        return xs[-1]
    return xs[i] + (xs[i + 1] - xs[i]) * (pos - i)


def _clamp(x: Decimal, lo: Decimal) -> Decimal:
    return min(max(x, lo), HUNDRED)


def _done(s: MonthlySeries, m: int, target: int, method: str, value, low, high, a_m,
          references: int = 0, note: str = "") -> Projection:
    def r(x):
        return None if x is None else _clamp(x, a_m).quantize(CENT)

    return Projection(s.agency, s.year, m, target, method, r(value), r(low), r(high),
                      a_m.quantize(CENT), references, note)


def remaining_share(ref: MonthlySeries, m: int, target: int) -> Decimal | None:
    """The share of the pagu left at month ``m`` that ``ref`` had spent by ``target``:
    (A(target) − A(m)) / (100 − A(m)); None when it lacks either month or had nothing left."""
    a_m, a_t = ref.absorption(m), ref.absorption(target)
    if a_m is None or a_t is None or a_m >= HUNDRED:
        return None
    return (a_t - a_m) / (HUNDRED - a_m)


def growth_ratio(ref: MonthlySeries, m: int, target: int) -> Decimal | None:
    """A(target) / A(m) (the "final over current" ratio); None when A(m) is 0 or missing."""
    a_m, a_t = ref.absorption(m), ref.absorption(target)
    if not a_m or a_t is None:
        return None
    return a_t / a_m


def plan_fulfilment(ref: MonthlySeries, m: int, target: int) -> Decimal | None:
    """The share of its remaining plan that ``ref`` spent: (R(t) − R(m)) / (P(t) − P(m))."""
    if not all(k in ref.realisasi and k in ref.plan for k in (m, target)):
        return None
    rest = ref.plan[target] - ref.plan[m]
    if rest <= 0:
        return None
    return (ref.realisasi[target] - ref.realisasi[m]) / rest


def by_plan(s: MonthlySeries, m: int, target: int, references: Iterable[MonthlySeries] = (),
            min_references: int = 5, interval=("0.1", "0.9")) -> Projection | None:
    """(a): None when the agency has no plan for ``m`` and ``target``."""
    if m not in s.plan or target not in s.plan:
        return None
    pagu, r_m = s.pagu[m], s.realisasi[m]
    a_m = r_m / pagu * HUNDRED
    rest = s.plan[target] - s.plan[m]
    if rest <= 0:
        return _done(s, m, target, "rencana_kas", a_m, a_m, a_m, a_m,
                     note="rencana kas tidak menyisakan belanja setelah bulan ini")
    shares = [f for f in (plan_fulfilment(x, m, target) for x in references) if f is not None]
    if len(shares) >= min_references:
        lo, mid, hi = (quantile(shares, q) for q in (interval[0], "0.5", interval[1]))
        pct = [(r_m + f * rest) / pagu * HUNDRED for f in (mid, lo, hi)]
        return _done(s, m, target, "rencana_kas", *pct, a_m, len(shares),
                     f"sisa rencana kas × bagian rencana yang terealisasi pada {len(shares)} "
                     "seri pembanding")
    pace = r_m / s.plan[m] if s.plan[m] > 0 else Decimal(1)
    own = (r_m + pace * rest) / pagu * HUNDRED
    full = (r_m + rest) / pagu * HUNDRED
    return _done(s, m, target, "rencana_kas", own, min(own, full), max(own, full), a_m,
                 note=f"sisa rencana kas dengan laju realisasi terhadap rencana sejauh ini "
                      f"({(pace * HUNDRED).quantize(CENT)}%); selang sampai rencana terpenuhi")


def by_pattern(s: MonthlySeries, m: int, target: int, references: Iterable[MonthlySeries],
               min_references: int = 5, interval=("0.1", "0.9"),
               kind: str = "share") -> Projection | None:
    """(b): None when fewer than ``min_references`` references have months ``m`` and ``target``.
    ``kind`` "share" applies each reference's remaining share, "ratio" its A(target)/A(m)."""
    a_m = s.absorption(m)
    if kind == "share":
        got = [f for f in (remaining_share(x, m, target) for x in references) if f is not None]
        proj = [a_m + f * (HUNDRED - a_m) for f in got]
        how = "bagian sisa pagu yang terserap"
    elif kind == "ratio":
        got = [f for f in (growth_ratio(x, m, target) for x in references) if f is not None]
        proj = [a_m * f for f in got]
        how = "rasio penyerapan akhir / saat ini"
    else:
        raise ValueError(f"kind must be 'share' or 'ratio', not {kind!r}")
    if len(proj) < min_references:
        return None
    lo, mid, hi = (quantile(proj, q) for q in (interval[0], "0.5", interval[1]))
    return _done(s, m, target, "pola_empiris", mid, lo, hi, a_m, len(proj),
                 f"{how} pada {len(proj)} seri pembanding di bulan yang sama")


def by_line(s: MonthlySeries, m: int, target: int) -> Projection:
    """(c): the line through the origin and A(m). Its interval runs from the lower of that line and
    the line of the last three months' pace up to 100%: a straight line knows nothing of the
    year-end rush that every real series shows, so it bounds nothing from above."""
    a_m = s.absorption(m)
    value = a_m * target / m
    earlier = [k for k in s.months if m - 3 <= k < m and s.absorption(k) is not None]
    low = value
    if earlier:
        k = earlier[0]
        low = min(value, a_m + (a_m - s.absorption(k)) / (m - k) * (target - m))
    return _done(s, m, target, "garis_lurus", value, low, HUNDRED, a_m,
                 note="garis lurus dari awal tahun (tanpa pola pembanding); batas atas: pagu")


def project(s: MonthlySeries, month: int, references: Iterable[MonthlySeries] = (),
            target: int = 12, min_references: int = 5, interval=("0.1", "0.9"),
            kind: str = "share") -> Projection:
    """The projection of ``s`` as of ``month`` (its latest upload up to it) to ``target``:
    the cash plan, else the pattern of ``references``, else a straight line."""
    references = [r for r in references if not (r.agency == s.agency and r.year == s.year)]
    m = s.latest(month)
    if m is None or not s.pagu.get(m):
        return Projection(s.agency, s.year, month, target, "tanpa_data", None, None, None, None,
                          note="belum ada realisasi yang diunggah")
    if m >= target:
        a = s.absorption(m)
        return _done(s, m, target, "garis_lurus", a, a, a, a, note="bulan target sudah dilaporkan")
    return (by_plan(s, m, target, references, min_references, interval)
            or by_pattern(s, m, target, references, min_references, interval, kind)
            or by_line(s, m, target))


def reference_pool(s: MonthlySeries, pool: Iterable[MonthlySeries], target: int = 12
                   ) -> list[MonthlySeries]:
    """What may stand as a reference for ``s``: the series of earlier years (any agency of the
    pemda) and those of the same year that already have the target month — never ``s`` itself,
    never a later year."""
    return [r for r in pool
            if not (r.agency == s.agency and r.year == s.year)
            and (r.year < s.year or (r.year == s.year and target in r.realisasi))]


def series_from_frame(df) -> list[MonthlySeries]:
    """One :class:`MonthlySeries` per (agency, year) of a tidy frame with columns ``agency, year,
    month, pagu, realisasi`` and optionally ``plan`` (cumulative); amounts as Decimal."""
    out = []
    has_plan = "plan" in df.columns
    for (agency, year), g in df.groupby(["agency", "year"], sort=True):
        pagu, real, plan = {}, {}, {}
        for r in g.itertuples(index=False):
            m = int(r.month)
            if _present(r.pagu):
                pagu[m] = Decimal(r.pagu)
            if _present(r.realisasi):
                real[m] = Decimal(r.realisasi)
            if has_plan and _present(r.plan):
                plan[m] = Decimal(r.plan)
        out.append(MonthlySeries(str(agency), int(year), pagu, real, plan))
    return out


def _present(v) -> bool:
    return v is not None and not (isinstance(v, float) and v != v)
