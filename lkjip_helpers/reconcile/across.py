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
from ..period import Period, period_columns
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
            raise ConfigError(f"tabel rentang tidak dapat dibaca ({exc})", path) from None
    try:
        name = table or data["default"]
        t = data["tables"][name]
        quarters = {int(q): sorted(((str(k), float(v)) for k, v in bands.items()),
                                   key=lambda kv: -kv[1]) for q, bands in t["quarters"].items()}
        assert set(quarters) == {1, 2, 3, 4}
    except (KeyError, TypeError, ValueError, AssertionError):
        raise ConfigError("tabel rentang memerlukan 'tables: NAME: quarters: 1..4: "
                          "{label: lower bound}'",
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
    if den is None:
        return None
    if type(den) is not Decimal:  # money is Decimal: the checks below are for anything else
        if pd.isna(den) or den == 0:
            return None
        den = Decimal(den)
    elif den.is_nan() or not den:
        return None
    return float((num if type(num) is Decimal else Decimal(num)) * 100 / den)


def _name(r: dict) -> str:
    """A line's name in a message: ``kegiatan / sub kegiatan`` where it is a sub kegiatan."""
    sub = r.get("sub_kegiatan")
    return f"{r['kegiatan']} / {sub}" if sub else r["kegiatan"]


def _prev_quarters(qs: list) -> dict:
    """Each period's previous period (periods of one year, in order)."""
    return {q: qs[i - 1] for i, q in enumerate(qs) if i > 0}


# ------------------------------------------------------------------ findings across quarters
def _by_period(lines: list[dict]) -> dict[int, dict[Period, dict[int, dict]]]:
    """``{year: {period: {kegiatan_key: record}}}`` of keyed budget lines (records), periods in
    order (quarters or months)."""
    from .records import by_period

    out: dict[int, dict[Period, dict[int, dict]]] = {}
    for (_, p), g in by_period(lines).items():  # periods in order
        out.setdefault(p.year, {})[p] = {int(r["kegiatan_key"]): r for r in g}
    return dict(sorted(out.items()))


def across_findings(lines: list[dict]) -> list[Finding]:
    """REALISASI_DECREASED, PAGU_CHANGED, PAGU_REVERTED and UNMATCHED_KEGIATAN, year by year, in
    one agency's keyed budget lines (records)."""
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
                if (b["pagu"] == a["pagu"] and not b["realisasi"] < a["realisasi"]
                        and int(a["program_key"]) == int(b["program_key"])):
                    continue  # nothing to report (most kegiatan): no message made
                base = {**period_columns(q), "program_no": int(b["program_no"]),
                        "program": b["program"], "kegiatan": b["kegiatan"],
                        "source_file": b["source_file"], "source_sheet": b["source_sheet"]}
                if int(a["program_key"]) != int(b["program_key"]):
                    out.append(Finding(
                        "KEGIATAN_MOVED", "info",
                        f"Kegiatan '{_name(b)}' pindah dari program '{a['program']}' "
                        f"({p.label}) ke program '{b['program']}' ({q.label}); angka kedua program "
                        f"antar triwulan tidak sebanding tanpa memperhitungkannya.",
                        field="program", unit="", **base,
                        source_cell=_cell(b["source_cell"], b["source_part"])))
                if b["realisasi"] < a["realisasi"]:
                    out.append(Finding(
                        "REALISASI_DECREASED", "error",
                        f"Realisasi kumulatif '{_name(b)}' turun dari {rp(a['realisasi'])} "
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
                            f"Pagu '{_name(b)}' di {q.label} kembali ke {rp(b['pagu'])}, versi "
                            f"{eq.label}, padahal {p.label} sudah menggantinya menjadi {rp(a['pagu'])}. "
                            f"Periksa versi pagu mana yang berlaku.", field="pagu",
                            stated=b["pagu"], computed=a["pagu"], **base, source_cell=cell))
                    else:
                        sign = "naik" if change > 0 else "turun"
                        out.append(Finding(
                            "PAGU_CHANGED", "info",
                            f"Pagu '{_name(b)}' {sign} dari {rp(a['pagu'])} ({p.label}) menjadi "
                            f"{rp(b['pagu'])} ({q.label}): {rp(change)} ({pct(change_pct)}).",
                            field="pagu", stated=b["pagu"], computed=a["pagu"], **base,
                            source_cell=cell))
    return out


def _unmatched(r, year: int, q: Period, other: Period, how: str) -> Finding:
    text = (f"Kegiatan '{_name(r)}' ({q.label}) tidak ditemukan di {other.label}"
            if how == "hilang" else
            f"Kegiatan '{_name(r)}' muncul di {q.label} tanpa padanan di {other.label}")
    return Finding("UNMATCHED_KEGIATAN", "warning",
                   text + "; periksa nama atau apakah kegiatan ini dihapus/ditambah.",
                   **period_columns(q), program_no=int(r["program_no"]), program=r["program"],
                   kegiatan=r["kegiatan"], field="kegiatan", unit="",
                   source_file=r["source_file"], source_sheet=r["source_sheet"],
                   source_cell=_cell(r["source_cell"], r["source_part"]))
