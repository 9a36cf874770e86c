"""The tables derived from the budget lines, as rows per agency (pure Python over records), then as
frames built once over every agency: kegiatan and programs period by period, the agency's totals,
pagu versions, each program's share of a pagu change, PEFA PI-2 composition variance."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from ..period import Agency, Period, period_columns
from .across import _by_period, _pct, _prev_quarters, band
from .records import by_period

MONEY_COLUMNS = ["pagu", "realisasi", "pagu_prev", "pagu_change", "realisasi_increment",
                 "pagu_latest"]
CHANGE_COLUMNS = ["year", "month", "quarter", "program_key", "program", "pagu_before",
                  "pagu_after", "change", "change_pct", "share_of_change_pct"]
PEFA_COLUMNS = ["year", "month", "quarter", "against_quarter", "against_month", "variance_pct",
                "score", "kegiatan"]


def kegiatan_rows(lines: list[dict]) -> list[dict]:
    """One row per kegiatan per period (keyed budget lines of one agency): pagu and its change,
    realisasi and its increment, absorption against the period's own pagu and against the latest
    pagu of the year."""
    rows = []
    for year, by_q in _by_period(lines).items():
        qs = list(by_q)
        prevq = _prev_quarters(qs)
        latest = by_q[qs[-1]]
        for q in qs:
            prev_q = by_q.get(prevq.get(q), {})
            when = period_columns(q)
            for key, r in by_q[q].items():
                prev = prev_q.get(key)
                pagu_prev = prev["pagu"] if prev is not None else None
                real_prev = prev["realisasi"] if prev is not None else (
                    Decimal(0) if q == qs[0] and q.n == 1 else None)
                latest_pagu = latest[key]["pagu"] if key in latest else None
                rows.append({
                    **when, "kegiatan_key": key,
                    "program_key": int(r["program_key"]), "program_no": int(r["program_no"]),
                    "program": r["program"], "kegiatan": r["kegiatan"],
                    "pagu": r["pagu"], "realisasi": r["realisasi"],
                    "pagu_prev": pagu_prev,
                    "pagu_change": (r["pagu"] - pagu_prev) if pagu_prev is not None else None,
                    "pagu_change_pct": _pct(r["pagu"] - pagu_prev, pagu_prev)
                    if pagu_prev is not None else None,
                    "realisasi_increment": (r["realisasi"] - real_prev)
                    if real_prev is not None else None,
                    "penyerapan": _pct(r["realisasi"], r["pagu"]),
                    "pagu_latest": latest_pagu,
                    "penyerapan_latest": _pct(r["realisasi"], latest_pagu)
                    if latest_pagu is not None else None,
                    "sub_kegiatan": r.get("sub_kegiatan"), "kode": r.get("kode"),
                })
    return rows


def aggregate_rows(kegiatan: list[dict], by: list[str], bands: dict,
                   summed: bool = False) -> list[dict]:
    """Sum kegiatan rows to programs (``by=["program_key"]``) or to the agency (``by=[]``).
    ``summed``: the rows are sums already (programs to the agency), their ``kegiatan`` counts."""
    keys = ["year", "month", "quarter"] + by
    groups: dict[tuple, list[dict]] = {}
    for r in kegiatan:  # month -1: a quarterly source (sorts before any month)
        month = r["month"]
        k = (int(r["year"]), -1 if month is None else int(month), int(r["quarter"]),
             *(int(r[b]) for b in by))
        g = groups.get(k)
        if g is None:
            groups[k] = [r]
        else:
            g.append(r)
    rows = []
    for k in sorted(groups):
        g = groups[k]
        rec = dict(zip(keys, k))
        rec["month"] = None if rec["month"] == -1 else rec["month"]
        if by:
            rec["program"] = g[-1]["program"]
            rec["program_no"] = int(g[-1]["program_no"])
        for c in MONEY_COLUMNS:
            vals = [r[c] for r in g]
            rec[c] = None if None in vals else sum(vals, Decimal(0))
        rec["kegiatan"] = sum(r["kegiatan"] for r in g) if summed else len(g)
        rec["pagu_change_pct"] = _pct(rec["pagu_change"], rec["pagu_prev"]) \
            if rec["pagu_prev"] is not None else None
        rec["penyerapan"] = _pct(rec["realisasi"], rec["pagu"])
        rec["penyerapan_latest"] = _pct(rec["realisasi"], rec["pagu_latest"]) \
            if rec["pagu_latest"] is not None else None
        # the bands are per quarter: a month is judged only when it closes one
        closes = rec["month"] is None or rec["month"] % 3 == 0
        rec["kategori"] = band(rec["penyerapan"], rec["quarter"], bands) if closes else None
        rows.append(rec)
    return rows


def _by_year_period(rows: list[dict]) -> dict[int, dict[Period, list[dict]]]:
    """``{year: {period: rows}}``, years and periods in order."""
    out: dict[int, dict[Period, list[dict]]] = {}
    for (_, p), g in by_period(rows).items():  # periods in order
        out.setdefault(p.year, {})[p] = g
    return dict(sorted(out.items()))


def version_rows(kegiatan: list[dict]) -> list[dict]:
    """Distinct pagu versions of each year, in order of first use: the periods that state each,
    and its total. A period that states an earlier version again is listed under it."""
    rows = []
    for year, by_p in _by_year_period(kegiatan).items():
        versions: list[tuple[tuple, list[Period], Decimal]] = []
        for q, g in by_p.items():
            vec = tuple(sorted((r["kegiatan_key"], r["pagu"]) for r in g))
            for v in versions:
                if v[0] == vec:
                    v[1].append(q)
                    break
            else:
                versions.append((vec, [q], sum((r["pagu"] for r in g), Decimal(0))))
        for n, (_, qs, total) in enumerate(versions, start=1):
            rows.append({"year": int(year), "version": n,
                         "quarters": ", ".join(q.label for q in qs),
                         "first_quarter": qs[0].quarter, "first_month": qs[0].month,
                         "pagu": total})
    return rows


def change_rows(programs: list[dict]) -> list[dict]:
    """For each period whose total pagu changed: each program's change and its share of the
    total change (the refocusing laid out program by program)."""
    rows = []
    for by_p in _by_year_period(programs).values():
        for period, g in by_p.items():
            changes = [r["pagu_change"] for r in g if r["pagu_change"] is not None]
            if not changes or all(c == 0 for c in changes):
                continue
            total = sum(changes, Decimal(0))
            for r in g:
                if r["pagu_change"] is None:
                    continue
                rows.append({**period_columns(period),
                             "program_key": int(r["program_key"]), "program": r["program"],
                             "pagu_before": r["pagu_prev"], "pagu_after": r["pagu"],
                             "change": r["pagu_change"], "change_pct": r["pagu_change_pct"],
                             "share_of_change_pct": (_pct(r["pagu_change"], total) or 0.0) + 0.0
                             if total else None})
    return rows


def pefa_rows(kegiatan: list[dict]) -> list[dict]:
    """PEFA PI-2 composition variance of each period's pagu against the year's first pagu:
    Σ|Aᵢ − Bᵢ·ΣA/ΣB| / ΣA × 100 over kegiatan present in both; score A < 5, B < 10, C < 15, D."""
    rows = []
    for by_p in _by_year_period(kegiatan).values():
        pagu = {p: {int(r["kegiatan_key"]): Decimal(r["pagu"]) for r in g}
                for p, g in by_p.items()}
        qs = list(pagu)
        first = pagu[qs[0]]
        for q in qs:
            cur = pagu[q]
            keys = [k for k in first if k in cur]
            b = [first[k] for k in keys]
            a = [cur[k] for k in keys]
            sa, sb = sum(a, Decimal(0)), sum(b, Decimal(0))
            if sa == 0 or sb == 0:
                continue
            var = sum((abs(ai - bi * sa / sb) for ai, bi in zip(a, b)), Decimal(0)) / sa * 100
            v = float(var)
            score = "A" if v < 5 else "B" if v < 10 else "C" if v < 15 else "D"
            rows.append({**period_columns(q), "against_quarter": qs[0].quarter,
                         "against_month": qs[0].month,
                         "variance_pct": v, "score": score, "kegiatan": len(keys)})
    return rows


def as_frame(rows: list[dict], agencies: list[Agency], money: list[str] = (),
             columns: list[str] | None = None) -> pd.DataFrame:
    """A derived table from its rows (all agencies), each row's agency as the first two columns;
    money as exact decimals, percentages as floats."""
    from ..schema import MONEY, column

    names = columns or (list(rows[0]) if rows else [])
    data = {}
    for c in names:
        values = [r.get(c) for r in rows]
        if c in money:
            data[c] = column(values, MONEY)
        elif c.endswith("_pct") or c.startswith("penyerapan"):
            data[c] = pd.array([float("nan") if v is None else v for v in values],
                               dtype="float64")
        else:
            data[c] = pd.Series(values, dtype=None if values else object)  # as pandas infers
    df = pd.DataFrame(data, columns=names)
    df.insert(0, "agency_name", pd.array([a.name for a in agencies], dtype="string"))
    df.insert(0, "agency_code", pd.array([a.code for a in agencies], dtype="string"))
    return df
