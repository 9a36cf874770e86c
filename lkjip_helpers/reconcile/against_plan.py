"""Absorption against the cash plan: the plan, the realisasi and the pagu brought together per SKPD
and sub kegiatan and month (records for :mod:`lkjip_helpers.plan`), and the findings:

* ``PLAN_MISMATCH`` (error): a plan that does not add up — Total RAK ≠ Σ bulan, Σ bulan ≠ Nilai
  Rincian (the pagu of the plan's version), a Triwulan column ≠ its three months, the template's Total
  Anggaran ≠ Σ Target, the plan's total ≠ the data anggaran's pagu of the same version, a negative
  month;
* ``BEHIND_PLAN`` (warning): cumulative realisasi below the plan by more than the tolerance (points of
  pagu), naming the months;
* ``AHEAD_OF_PLAN`` (info): above the plan by more than the tolerance.
"""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from ..plan import MONTHS, ZERO, Settings
from .findings import Finding, rp

_TW = ("I", "II", "III", "IV")


def _quarter(month: int | None) -> int | None:
    return None if month is None else (int(month) - 1) // 3 + 1


# ------------------------------------------------------------------ plan records
def latest_plan(rak: list[dict]) -> list[dict]:
    """Per SKPD and year, the RAK lines of its latest version (Murni < Pergeseran ke N)."""
    from ..excel.sipd import version_rank

    best: dict[tuple, int] = {}
    for r in rak:
        k = (r["agency_code"], r["year"])
        best[k] = max(best.get(k, -1), version_rank(r["version"]))
    return [r for r in rak if version_rank(r["version"]) == best[(r["agency_code"], r["year"])]]


def records_from_exports(rak: list[dict], realisasi: list[dict]) -> list[dict]:
    """Plan records (one per SKPD, sub kegiatan and month 1..12) from RAK and realisasi lines
    summed to the sub kegiatan. Realisasi is cumulative to its month; a sub kegiatan missing from
    a month's realisasi export spent nothing by then; months no export covers stay None."""
    plan = latest_plan(rak)
    reported: dict[tuple, set[int]] = {}
    spent: dict[tuple, int] = {}
    for r in realisasi:
        reported.setdefault((r["agency_code"], r["year"]), set()).add(int(r["month"]))
        k = (r["agency_code"], r["year"], r["sub_kegiatan_code"], int(r["month"]))
        spent[k] = spent.get(k, ZERO) + r["realisasi"]
    out = []
    for p in plan:
        months = reported.get((p["agency_code"], p["year"]), set())
        base = {k: p[k] for k in ("agency_code", "agency_name", "year", "program_code", "program",
                                  "kegiatan_code", "kegiatan", "sub_kegiatan_code",
                                  "sub_kegiatan")}
        pagu = p.get("nilai_rincian", p.get("total_rak"))
        for m in range(1, 13):
            real = spent.get((p["agency_code"], p["year"], p["sub_kegiatan_code"], m), ZERO) \
                if m in months else None
            out.append({**base, "month": m, "pagu": pagu, "plan": p[f"bulan{m}"],
                        "realisasi": real})
    return out


def records_from_template(groups: list[dict], agency_code: str, agency_name: str, year: int,
                          last_month: int | None) -> list[dict]:
    """Plan records of the anggaran kas template's BELANJA group: one unit (the SKPD), pagu = Σ
    Target (or the stated Total Anggaran), realisasi summed up to ``last_month``."""
    out = []
    for g in groups:
        if g["group"] != "BELANJA" or g["target"] is None:
            continue
        pagu = g["total"] if g["total"] is not None else sum(g["target"])
        real = g["realisasi"] or [ZERO] * 12
        acc = ZERO
        for m in range(1, 13):
            acc += real[m - 1]
            out.append({"agency_code": agency_code, "agency_name": agency_name, "year": year,
                        "program_code": None, "program": None, "kegiatan_code": None,
                        "kegiatan": None, "sub_kegiatan_code": None, "sub_kegiatan": None,
                        "month": m, "pagu": pagu, "plan": g["target"][m - 1],
                        "realisasi": acc if last_month and m <= last_month else None})
    return out


# ------------------------------------------------------------------ findings
_MESSAGES = {
    "negative": "Rencana kas {who} bulan {month} negatif: {stated}; rencana kas sebulan tidak "
                "boleh negatif.",
    "total_rak": "Total RAK {who} {stated} tidak sama dengan jumlah bulan1–bulan12 {computed}.",
    "nilai_rincian": "Rencana kas {who} berjumlah {stated}, sedangkan Nilai Rincian (pagu versi "
                     "{version}) {computed}: selisih {diff}.",
    "triwulan": "Kolom Triwulan {tw} {who} tertulis {stated}, padahal jumlah tiga bulannya "
                "{computed}.",
    "total_anggaran": "Jumlah Target {who} {stated} tidak sama dengan Total Anggaran {computed}.",
}


def check_findings(checks: list[dict], file: str, sheet: str) -> list[Finding]:
    """PLAN_MISMATCH for what a reader measured within a plan's lines or rows."""
    out = []
    for c in checks:
        kind = c["kind"]
        if kind == "unread":
            continue
        stated, computed = c["stated"], c["computed"]
        who = c.get("sub_kegiatan_code") or c.get("group") or ""
        who += f" ({c['rincian'].capitalize()})" if c.get("rincian") else ""
        text = _MESSAGES[kind].format(
            who=who, stated=rp(stated), computed=rp(computed), diff=rp(stated - computed),
            month=MONTHS[c["month"] - 1] if c.get("month") else "",
            tw=_TW[c["quarter"] - 1] if c.get("quarter") else "",
            version=c.get("version") or "yang sama")
        out.append(Finding("PLAN_MISMATCH", "error", text, year=c.get("year"),
                           quarter=c.get("quarter") or _quarter(c.get("month")),
                           kegiatan=c.get("sub_kegiatan_code"), field="plan", stated=stated,
                           computed=computed, source_file=file, source_sheet=sheet,
                           source_cell=c["cell"]))
    return out


def pagu_findings(rak: list[dict], budget: list[dict]) -> list[Finding]:
    """PLAN_MISMATCH where a sub kegiatan's plan total differs from the data anggaran's pagu of
    the same version (compared only when both name the same version, or neither names one)."""
    pagu: dict[tuple, dict] = {}
    for b in budget:
        k = (b["agency_code"], b["year"], b["version"], b["sub_kegiatan_code"])
        rec = pagu.setdefault(k, {**b, "pagu": ZERO})
        rec["pagu"] += b["pagu"]
    out = []
    for r in rak:
        b = pagu.get((r["agency_code"], r["year"], r["version"], r["sub_kegiatan_code"]))
        if b is None:
            continue
        total = sum((r[f"bulan{m}"] for m in range(1, 13)), ZERO)
        if total != b["pagu"]:
            out.append(Finding(
                "PLAN_MISMATCH", "error",
                f"Rencana kas sub kegiatan {r['sub_kegiatan_code']} ({r['agency_code']}) berjumlah "
                f"{rp(total)}, sedangkan pagunya di data anggaran versi "
                f"{r['version'] or 'yang sama'} {rp(b['pagu'])}.",
                year=r["year"], kegiatan=r["sub_kegiatan_code"], field="plan",
                stated=total, computed=b["pagu"], source_file=r["source_file"],
                source_sheet=r["source_sheet"], source_cell=r["source_cell"]))
    return out


def deviation_findings(table: pd.DataFrame, settings: Settings = Settings()) -> list[Finding]:
    """BEHIND_PLAN / AHEAD_OF_PLAN per unit of a :func:`lkjip_helpers.plan.baseline` table:
    the months where capaian % trails (leads) RAK % by more than the tolerance, in one finding."""
    out = []
    tol = Decimal(settings.tolerance)
    if not len(table):
        return out
    keys = [c for c in ("year", "agency_code", "program_code", "kegiatan_code",
                        "sub_kegiatan_code") if c in table.columns]
    for _, g in table.groupby(keys, sort=True, dropna=False):
        behind, ahead = [], []
        for r in g.itertuples(index=False):
            if r.rak_pct != r.rak_pct:  # no plan share (pagu 0)
                continue
            gap = (Decimal(r.realisasi_cum) - Decimal(r.plan_cum)) * 100 / Decimal(r.pagu)
            (behind if gap < -tol else ahead if gap > tol else []).append((int(r.month), gap, r))
        for code, sev, hits, word in (("BEHIND_PLAN", "warning", behind, "di belakang"),
                                      ("AHEAD_OF_PLAN", "info", ahead, "mendahului")):
            if not hits:
                continue
            m, gap, r = hits[-1]
            months = ", ".join(MONTHS[h[0] - 1] for h in hits)
            out.append(Finding(
                code, sev,
                f"Penyerapan {r.name or r.agency_code} {word} rencana kas lebih dari "
                f"{_pts(tol, 0)} poin pada bulan {months}; {MONTHS[m - 1]}: realisasi "
                f"{_p(r.capaian_pct)} dari pagu, rencana {_p(r.rak_pct)} (selisih "
                f"{_pts(gap)} poin).",
                year=int(r.year), quarter=_quarter(m), field="realisasi", unit="%",
                stated=Decimal(str(round(r.capaian_pct, 4))),
                computed=Decimal(str(round(r.rak_pct, 4))),
                kegiatan=getattr(r, "sub_kegiatan_code", None)
                if settings.level == "sub_kegiatan" else None,
                source_file=None, source_sheet=None))
    return out


def _p(v: float) -> str:
    from ..numbers import format_percent

    return format_percent(v, 2)


def _pts(v, decimals: int = 2) -> str:
    """Percentage points: ``36,00`` (``format_percent`` without its sign)."""
    from ..numbers import format_percent

    return format_percent(v, decimals)[:-1]
