"""Absorption against the cash plan: the plan, the realisasi and the pagu brought together per SKPD
and sub kegiatan and month (records for :mod:`lkjip_helpers.plan`), and the findings:

* ``PLAN_MISMATCH`` (error): a plan that does not add up — Total RAK ≠ Σ bulan, Σ bulan ≠ Nilai
  Rincian (the pagu of the plan's version), a Triwulan column ≠ its three months, the template's Total
  Anggaran ≠ Σ Target, the plan's total ≠ the data anggaran's pagu of the same version, a negative
  month;
* ``BEHIND_PLAN`` (warning): cumulative realisasi below the plan by more than the tolerance (points of
  pagu), naming the months;
* ``AHEAD_OF_PLAN`` (info): above the plan by more than the tolerance;
* ``AMBIGUOUS_NUMBER`` (warning): an amount of a plan or a data anggaran read by a guess;
* ``NEGATIVE_AMOUNT``: a negative pagu of a data anggaran, Nilai Rincian of a RAK or Total
  Anggaran of the template (error), a negative realisasi month of the template (warning).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from ..plan import MONTHS, ZERO, Settings, Subs
from .findings import GUESSED, Finding, rp

_TW = ("I", "II", "III", "IV")


def _quarter(month: int | None) -> int | None:
    return None if month is None else (int(month) - 1) // 3 + 1


# ------------------------------------------------------------------ plan records
PLAN_KEYS = ("agency_code", "agency_name", "program_code", "program", "kegiatan_code", "kegiatan",
             "sub_kegiatan_code", "sub_kegiatan")


def plan_subs(cash_plan: pd.DataFrame, lines: pd.DataFrame) -> Subs:
    """The plan per SKPD and sub kegiatan (:class:`lkjip_helpers.plan.Subs`: pagu, the twelve
    monthly plans, the cumulative realisasi of each reported month) from the ``cash_plan`` table and
    the budget lines' cumulative realisasi (matched on agency, year, month and the sub kegiatan
    code; the template's single BELANJA line has no code on either side). A month some realisasi
    was reported for spent 0 on a sub kegiatan without a line; months nobody reported are left
    out. Read column by column: a pemda's plan has millions of rows."""
    from .records import column_values

    reported: dict[tuple, set[int]] = {}
    spent: dict[tuple, Decimal] = {}
    if len(lines):
        cols = lines[["agency_code", "year", "month", "kode", "level", "jenis", "realisasi"]]
        cols = cols[cols["month"].notna() & (cols["jenis"] == "belanja")]
        for a, y, m, kode, level, _, real in zip(*(column_values(cols[c]) for c in cols.columns)):
            y, m = int(y), int(m)
            reported.setdefault((a, y), set()).add(m)
            k = (a, y, m, kode if level == "sub_kegiatan" else None)
            spent[k] = spent.get(k, ZERO) + real
    subs: dict[tuple, tuple[dict, dict]] = {}
    names = PLAN_KEYS + ("year", "month", "pagu", "plan")
    for row in zip(*(column_values(cash_plan[c]) for c in names)):
        a, code, y, m = row[0], row[6], int(row[8]), int(row[9])
        k = (y, a, row[2], row[4], code)
        got = subs.get(k)
        if got is None:
            got = subs[k] = ({**dict(zip(PLAN_KEYS, row[:8])), "year": y}, {})
        got[1][m] = (row[10], row[11])
    out = []
    for (y, a, _, _, code), (first, months) in subs.items():
        pagu = next(iter(months.values()))[0]
        plan = [Decimal(months[m][1] or 0) if m in months else ZERO for m in range(1, 13)]
        done = reported.get((a, y), ())
        real = {m: spent.get((a, y, m, code), ZERO) for m in months if m in done}
        out.append((first, (Decimal(pagu or 0), plan, real)))
    return Subs(tuple(out))


@dataclass
class PlanTables:
    """Absorption against the cash plan: ``baseline`` (per unit of every level and reported month),
    ``curve`` (the SKPD's RAK % for every month), ``ikpa`` (per unit of every level), findings."""

    baseline: pd.DataFrame
    curve: pd.DataFrame
    ikpa: pd.DataFrame
    findings: list


def plan_tables(cash_plan: pd.DataFrame, lines: pd.DataFrame, checks: list,
                settings: Settings = Settings()) -> PlanTables:
    """Everything about the plan for ingested data; empty tables when there is no plan."""
    from ..plan import LEVELS, baseline, ikpa, plan_curve

    items = [f for file, sheet, agency, found in checks
             for f in check_findings(found, file, sheet, agency)]
    recs = plan_subs(cash_plan, lines) if len(cash_plan) else Subs(())
    if not recs.items:
        return PlanTables(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), items)
    sipd = Subs(tuple(s for s in recs.items if s[0]["sub_kegiatan_code"] is not None))
    levels = LEVELS if sipd.items else ("skpd",)     # the template knows the SKPD only
    base = {lv: baseline(recs if lv == "skpd" else sipd, lv) for lv in levels}
    sources = {}
    if len(lines):
        for a, y, m, f, s in lines[["agency_code", "year", "month", "source_file", "source_sheet"]] \
                .dropna(subset=["month"]).drop_duplicates().itertuples(index=False):
            sources.setdefault((a, int(y), int(m)), (f, s))
    items += deviation_findings(base.get(settings.level, base["skpd"]), settings, sources)
    return PlanTables(pd.concat(list(base.values()), ignore_index=True), plan_curve(recs, "skpd"),
                      pd.concat([ikpa(recs if lv == "skpd" else sipd, lv, settings)
                                 for lv in levels], ignore_index=True), items)


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
    "pagu": "Rencana kas sub kegiatan {who} berjumlah {stated}, sedangkan pagunya di data anggaran "
            "versi {version} ({budget_file}) {computed}: selisih {diff}.",
    "same_version": "Dua data anggaran versi {version} menulis pagu berbeda untuk sub kegiatan "
                    "{who}: {stated} di sini, {computed} di {budget_file}; yang dipakai {stated} "
                    "(berkas yang dibaca terakhir): periksa mana yang berlaku.",
    "same_version_rak": "Dua anggaran kas versi {version} menulis rencana bulanan berbeda untuk sub "
                        "kegiatan {who} (jumlah {stated} di sini, {computed} di {budget_file}); "
                        "yang dipakai yang di sini (berkas yang dibaca terakhir): periksa mana yang "
                        "berlaku.",
    "same_version_rak_months": "Dua anggaran kas versi {version} membagi rencana sub kegiatan "
                               "{who} ke bulan-bulan secara berbeda (jumlahnya sama, {stated}; "
                               "berkas lain: {budget_file}); yang dipakai yang di sini (berkas "
                               "yang dibaca terakhir): periksa mana yang berlaku.",
}


def check_findings(checks: list[dict], file: str, sheet: str, agency=None) -> list[Finding]:
    """PLAN_MISMATCH for what a reader measured within a plan's lines or rows (and a plan against
    the data anggaran's pagu of the same version)."""
    out = []
    for c in checks:
        kind = c["kind"]
        agency_code = c.get("agency_code") or (agency.code if agency else None) or None
        if kind in ("ambiguous", "unread", "missing"):  # a guess; a row without its code; blank
            code, text = {"ambiguous": ("AMBIGUOUS_NUMBER", GUESSED + c["note"]),
                          "unread": ("UNREAD_ROW", c["note"]),
                          "missing": ("MISSING_VALUE", c["note"])}[kind]
            out.append(Finding(code, "warning", text,
                               year=c.get("year"), month=c.get("month"),
                               quarter=_quarter(c.get("month")), unit="", source_file=file,
                               source_sheet=sheet, source_cell=c["cell"], agency_code=agency_code,
                               agency_name=agency.name if agency else None))
            continue
        if kind == "negative_amount":  # a pagu (Nilai Rincian, Total Anggaran) or a realisasi
            out.append(_negative(c, file, sheet, agency_code, agency))
            continue
        stated, computed = c["stated"], c["computed"]
        who = c.get("sub_kegiatan_code") or c.get("group") or ""
        who += f" ({c['rincian'].capitalize()})" if c.get("rincian") else ""
        text = _MESSAGES[kind].format(
            who=who, stated=rp(stated), computed=rp(computed), diff=rp(stated - computed),
            month=MONTHS[c["month"] - 1] if c.get("month") else "",
            tw=_TW[c["quarter"] - 1] if c.get("quarter") else "",
            version=c.get("version") or "yang sama", budget_file=c.get("budget_file", ""))
        out.append(Finding("PLAN_MISMATCH", "error", text, year=c.get("year"),
                           quarter=c.get("quarter") or _quarter(c.get("month")),
                           kegiatan=c.get("sub_kegiatan_code"), field="plan", stated=stated,
                           computed=computed, source_file=file, source_sheet=sheet,
                           source_cell=c["cell"], month=c.get("month"),
                           agency_code=agency_code, agency_name=agency.name if agency else None))
    return out


_FIELDS = {"pagu": "pagu", "nilai_rincian": "Nilai Rincian", "total": "Total Anggaran",
           "realisasi": "realisasi"}


def _negative(c: dict, file: str, sheet: str, agency_code, agency) -> Finding:
    """NEGATIVE_AMOUNT: an error for a pagu (a ceiling is never negative), a warning for a
    realisasi (a refund can make it so)."""
    who = c.get("sub_kegiatan_code") or c.get("group") or ""
    month = f" bulan {MONTHS[c['month'] - 1]}" if c.get("month") else ""
    return Finding("NEGATIVE_AMOUNT", "warning" if c["field"] == "realisasi" else "error",
                   f"{_FIELDS.get(c['field'], c['field'])} {who}{month} negatif: "
                   f"{rp(c['stated'])}".replace("  ", " "),
                   year=c.get("year"), month=c.get("month"), quarter=_quarter(c.get("month")),
                   unit="", kegiatan=c.get("sub_kegiatan_code"), source_file=file,
                   source_sheet=sheet, source_cell=c["cell"], agency_code=agency_code,
                   agency_name=agency.name if agency else None)


def deviation_findings(table: pd.DataFrame, settings: Settings = Settings(),
                       sources: dict | None = None) -> list[Finding]:
    """BEHIND_PLAN / AHEAD_OF_PLAN per unit of a :func:`lkjip_helpers.plan.baseline` table:
    the months where capaian % trails (leads) RAK % by more than the tolerance, in one finding;
    its source is the realisasi of the last such month (``sources``: (agency, year, month) ->
    (file, sheet))."""
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
                if settings.level == "sub_kegiatan" else None, month=m,
                agency_code=r.agency_code or None, agency_name=r.agency_name or None,
                **dict(zip(("source_file", "source_sheet"),
                           (sources or {}).get((r.agency_code, int(r.year), m), (None, None))))))
    return out


def _p(v: float) -> str:
    from ..numbers import format_percent

    return format_percent(v, 2)


def _pts(v, decimals: int = 2) -> str:
    """Percentage points: ``36,00`` (``format_percent`` without its sign)."""
    from ..numbers import format_percent

    return format_percent(v, decimals)[:-1]
