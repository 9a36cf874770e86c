"""Across quarters: pagu versions and what the refocusing moved, spending quarter by quarter,
absorption against the calendar, PEFA PI-2 composition variance, and the findings these reveal."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import yaml

from ..config import load_yaml
from ..errors import ConfigError
from .checks import _cell
from ..period import Period, period_columns, period_of
from .findings import Finding, pct, rp


# ------------------------------------------------------------------ absorption bands
def load_bands(path: Path | str | None = None, table: str | None = None) -> dict:
    """The per-quarter band table: ``{"name", "source", "quarters": {q: [(label, lower), ...]},
    "lowest"}``, bounds highest first. ``path`` is an agency's own YAML of the same shape."""
    if path is None:
        data = load_yaml("absorption_bands")
    else:
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"cannot read the band table ({exc})", path) from None
    try:
        name = table or data["default"]
        t = data["tables"][name]
        quarters = {int(q): sorted(((str(k), float(v)) for k, v in bands.items()),
                                   key=lambda kv: -kv[1]) for q, bands in t["quarters"].items()}
        assert set(quarters) == {1, 2, 3, 4}
    except (KeyError, TypeError, ValueError, AssertionError):
        raise ConfigError("a band table needs 'tables: NAME: quarters: 1..4: {label: lower bound}'",
                          path) from None
    return {"name": name, "source": str(t.get("source", "")).strip(), "quarters": quarters,
            "lowest": data.get("lowest", "Sangat Rendah")}


def band(penyerapan: float | None, quarter: int, bands: dict) -> str | None:
    """The category of an absorption (in %, never capped) at a quarter."""
    if penyerapan is None or pd.isna(penyerapan):
        return None
    for label, lower in bands["quarters"][int(quarter)]:
        if penyerapan >= lower:
            return label
    return bands["lowest"]


# ------------------------------------------------------------------ helpers
def _pct(num, den) -> float | None:
    if den is None or pd.isna(den) or den == 0:
        return None
    return float(Decimal(num) * 100 / Decimal(den))


def _prev_quarters(qs: list) -> dict:
    """Each period's previous period (periods of one year, in order)."""
    return {q: qs[i - 1] for i, q in enumerate(qs) if i > 0}


def row_period(r: dict) -> Period:
    return period_of(r["year"], r.get("month"), r["quarter"])


# ------------------------------------------------------------------ findings across quarters
def _by_period(lines: pd.DataFrame) -> dict[int, dict[Period, dict[int, dict]]]:
    """``{year: {period: {kegiatan_key: record}}}``, periods in order (quarters or months)."""
    from . import records

    out: dict[int, dict[Period, dict[int, dict]]] = {}
    for r in records(lines):
        out.setdefault(int(r["year"]), {}).setdefault(row_period(r), {})[
            int(r["kegiatan_key"])] = r
    return {y: {p: qs[p] for p in sorted(qs)} for y, qs in sorted(out.items())}


def across_findings(lines: pd.DataFrame) -> list[Finding]:
    """REALISASI_DECREASED, PAGU_CHANGED, PAGU_REVERTED and UNMATCHED_KEGIATAN, year by year."""
    out: list[Finding] = []
    for year, by_q in _by_period(lines).items():
        qs = list(by_q)
        history: dict[int, list[tuple[int, Decimal]]] = {}
        for q in qs:
            for key, r in by_q[q].items():
                history.setdefault(key, []).append((q, r["pagu"]))
        for q, p in _prev_quarters(qs).items():
            cur, prev = by_q[q], by_q[p]
            for key in prev.keys() - cur.keys():
                out.append(_unmatched(prev[key], year, p, q, "hilang"))
            for key in cur.keys() - prev.keys():
                out.append(_unmatched(cur[key], year, q, p, "baru"))
            for key in cur.keys() & prev.keys():
                a, b = prev[key], cur[key]
                base = {**period_columns(q), "program_no": int(b["program_no"]),
                        "program": b["program"], "kegiatan": b["kegiatan"],
                        "source_file": b["source_file"], "source_sheet": b["source_sheet"]}
                if int(a["program_key"]) != int(b["program_key"]):
                    out.append(Finding(
                        "KEGIATAN_MOVED", "info",
                        f"Kegiatan '{b['kegiatan']}' pindah dari program '{a['program']}' "
                        f"({p.label}) ke program '{b['program']}' ({q.label}); angka kedua program "
                        f"antar triwulan tidak sebanding tanpa memperhitungkannya.",
                        field="program", unit="", **base,
                        source_cell=_cell(b["source_cell"], b["source_part"])))
                if b["realisasi"] < a["realisasi"]:
                    out.append(Finding(
                        "REALISASI_DECREASED", "error",
                        f"Realisasi kumulatif '{b['kegiatan']}' turun dari {rp(a['realisasi'])} "
                        f"({p.label}) menjadi {rp(b['realisasi'])} ({q.label}); realisasi kumulatif "
                        f"tidak boleh turun.", field="realisasi", stated=b["realisasi"],
                        computed=a["realisasi"], **base,
                        source_cell=_cell(b["realisasi_cell"], b["source_part"])))
                if b["pagu"] != a["pagu"]:
                    earlier = [(eq, v) for eq, v in history[key] if eq < p and v == b["pagu"]]
                    change = b["pagu"] - a["pagu"]
                    change_pct = _pct(change, a["pagu"])
                    cell = _cell(b["pagu_cell"], b["source_part"])
                    if earlier:
                        eq = earlier[-1][0]
                        out.append(Finding(
                            "PAGU_REVERTED", "warning",
                            f"Pagu '{b['kegiatan']}' di {q.label} kembali ke {rp(b['pagu'])}, versi "
                            f"{eq.label}, padahal {p.label} sudah menggantinya menjadi {rp(a['pagu'])}. "
                            f"Periksa versi pagu mana yang berlaku.", field="pagu",
                            stated=b["pagu"], computed=a["pagu"], **base, source_cell=cell))
                    else:
                        sign = "naik" if change > 0 else "turun"
                        out.append(Finding(
                            "PAGU_CHANGED", "info",
                            f"Pagu '{b['kegiatan']}' {sign} dari {rp(a['pagu'])} ({p.label}) menjadi "
                            f"{rp(b['pagu'])} ({q.label}): {rp(change)} ({pct(change_pct)}).",
                            field="pagu", stated=b["pagu"], computed=a["pagu"], **base,
                            source_cell=cell))
    return out


def _unmatched(r, year: int, q: Period, other: Period, how: str) -> Finding:
    text = (f"Kegiatan '{r['kegiatan']}' ({q.label}) tidak ditemukan di {other.label}"
            if how == "hilang" else
            f"Kegiatan '{r['kegiatan']}' muncul di {q.label} tanpa padanan di {other.label}")
    return Finding("UNMATCHED_KEGIATAN", "warning",
                   text + "; periksa nama atau apakah kegiatan ini dihapus/ditambah.",
                   **period_columns(q), program_no=int(r["program_no"]), program=r["program"],
                   kegiatan=r["kegiatan"], field="kegiatan", unit="",
                   source_file=r["source_file"], source_sheet=r["source_sheet"],
                   source_cell=_cell(r["source_cell"], r["source_part"]))


# ------------------------------------------------------------------ tidy tables
def kegiatan_table(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per kegiatan per quarter: pagu and its change, realisasi and its increment,
    absorption against the quarter's own pagu and against the latest pagu of the year."""
    rows = []
    for year, by_q in _by_period(lines).items():
        qs = list(by_q)
        prevq = _prev_quarters(qs)
        latest = by_q[qs[-1]]
        for q in qs:
            prev_q = by_q.get(prevq.get(q), {})
            for key, r in by_q[q].items():
                prev = prev_q.get(key)
                pagu_prev = prev["pagu"] if prev is not None else None
                real_prev = prev["realisasi"] if prev is not None else (
                    Decimal(0) if q == qs[0] and q.n == 1 else None)
                latest_pagu = latest[key]["pagu"] if key in latest else None
                rows.append({
                    **period_columns(q), "kegiatan_key": key,
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
                })
    return _money(pd.DataFrame(rows), ["pagu", "realisasi", "pagu_prev", "pagu_change",
                                       "realisasi_increment", "pagu_latest"])


def _money(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    from ..schema import MONEY, column

    for c in cols:
        if c in df.columns:
            df[c] = column([None if v is None or (not isinstance(v, Decimal) and pd.isna(v))
                             else v for v in df[c]], MONEY)
    for c in df.columns:
        if c.endswith("_pct") or c.startswith("penyerapan"):
            df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    return df


def aggregate(kegiatan: pd.DataFrame, by: list[str], bands: dict) -> pd.DataFrame:
    """Sum a kegiatan table to programs (``by=["program_key"]``) or to the agency (``by=[]``)."""
    from . import records

    money = ["pagu", "realisasi", "pagu_prev", "pagu_change", "realisasi_increment", "pagu_latest"]
    keys = ["year", "month", "quarter"] + by
    groups: dict[tuple, list[dict]] = {}
    for r in records(kegiatan):  # month -1: a quarterly source (sorts before any month)
        groups.setdefault(tuple(-1 if r[k] is None else int(r[k]) for k in keys), []).append(r)
    rows = []
    for k in sorted(groups):
        g = groups[k]
        rec = dict(zip(keys, k))
        rec["month"] = None if rec["month"] == -1 else rec["month"]
        if by:
            rec["program"] = g[-1]["program"]
            rec["program_no"] = int(g[-1]["program_no"])
        for c in money:
            vals = [r[c] for r in g if r[c] is not None]
            rec[c] = sum(vals, Decimal(0)) if len(vals) == len(g) else None
        rec["kegiatan"] = len(g)
        rec["pagu_change_pct"] = _pct(rec["pagu_change"], rec["pagu_prev"]) \
            if rec["pagu_prev"] is not None else None
        rec["penyerapan"] = _pct(rec["realisasi"], rec["pagu"])
        rec["penyerapan_latest"] = _pct(rec["realisasi"], rec["pagu_latest"]) \
            if rec["pagu_latest"] is not None else None
        # the bands are per quarter: a month is judged only when it closes one
        closes = rec["month"] is None or rec["month"] % 3 == 0
        rec["kategori"] = band(rec["penyerapan"], rec["quarter"], bands) if closes else None
        rows.append(rec)
    return _money(pd.DataFrame(rows), money)


def pagu_versions(kegiatan: pd.DataFrame) -> pd.DataFrame:
    """Distinct pagu versions of each year, in order of first use: the quarters that state each,
    and its total. A quarter that states an earlier version again is listed under it."""
    rows = []
    for year, ydf in kegiatan.groupby("year", sort=True):
        versions: list[tuple[tuple, list[Period], Decimal]] = []
        for q, qdf in period_groups(ydf):
            vec = tuple(sorted(zip(qdf["kegiatan_key"], qdf["pagu"])))
            for v in versions:
                if v[0] == vec:
                    v[1].append(q)
                    break
            else:
                versions.append((vec, [q], qdf["pagu"].sum()))
        for n, (_, qs, total) in enumerate(versions, start=1):
            rows.append({"year": int(year), "version": n,
                         "quarters": ", ".join(q.label for q in qs),
                         "first_quarter": qs[0].quarter, "first_month": qs[0].month,
                         "pagu": total})
    return _money(pd.DataFrame(rows), ["pagu"])


def period_groups(df: pd.DataFrame) -> list[tuple[Period, pd.DataFrame]]:
    """``(period, rows)`` of a frame with year, month and quarter columns, periods in order."""
    if not len(df):
        return []
    out = [(period_of(y, None if pd.isna(m) else m, q), g) for (y, m, q), g in
           df.groupby(["year", "month", "quarter"], sort=False, dropna=False)]
    return sorted(out, key=lambda pg: pg[0].sort_key())


def program_changes(programs: pd.DataFrame) -> pd.DataFrame:
    """For each quarter whose total pagu changed: each program's change and its share of the
    total change (the refocusing laid out program by program)."""
    rows = []
    for period, g in period_groups(programs):
        changes = [c for c in g["pagu_change"] if c is not None and not pd.isna(c)]
        if not changes:
            continue
        total = sum(changes, Decimal(0))
        if all(c == 0 for c in changes):
            continue
        for _, r in g.iterrows():
            if r["pagu_change"] is None or pd.isna(r["pagu_change"]):
                continue
            rows.append({**period_columns(period),
                         "program_key": int(r["program_key"]), "program": r["program"],
                         "pagu_before": r["pagu_prev"], "pagu_after": r["pagu"],
                         "change": r["pagu_change"], "change_pct": r["pagu_change_pct"],
                         "share_of_change_pct": (_pct(r["pagu_change"], total) or 0.0) + 0.0
                         if total else None})
    cols = ["year", "month", "quarter", "program_key", "program", "pagu_before", "pagu_after",
            "change",
            "change_pct", "share_of_change_pct"]
    return _money(pd.DataFrame(rows, columns=cols), ["pagu_before", "pagu_after", "change"])


def pefa_pi2(kegiatan: pd.DataFrame) -> pd.DataFrame:
    """PEFA PI-2 composition variance of each quarter's pagu against the year's first pagu:
    Σ|Aᵢ − Bᵢ·ΣA/ΣB| / ΣA × 100 over kegiatan present in both; score A < 5, B < 10, C < 15, D."""
    from . import records

    pagu: dict[int, dict[Period, dict[int, Decimal]]] = {}
    for r in records(kegiatan[["year", "month", "quarter", "kegiatan_key", "pagu"]]):
        pagu.setdefault(int(r["year"]), {}).setdefault(row_period(r), {})[
            int(r["kegiatan_key"])] = Decimal(r["pagu"])
    rows = []
    for year in sorted(pagu):
        qs = sorted(pagu[year])
        first = pagu[year][qs[0]]
        for q in qs:
            cur = pagu[year][q]
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
    return pd.DataFrame(rows, columns=["year", "month", "quarter", "against_quarter",
                                       "against_month", "variance_pct", "score", "kegiatan"])
