"""Reconciling pagu and realisasi across TW I–IV: findings with their source cells, the refocusing
laid bare, spending quarter by quarter.

>>> from lkjip_helpers.ingest import ingest
>>> rec = reconcile(ingest(["data/raw/2020"]))          # doctest: +SKIP
>>> rec.findings, rec.programs, rec.program_changes     # doctest: +SKIP
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..ingest import Ingested
from ..period import Agency
from ..plan import Settings
from .against_plan import plan_tables
from .across import across_findings, band, load_bands
from .checks import sheet_checks
from ..unknown import UNKNOWN_NOTE, held_sheets, known, unknown_sheets
from .derived import (CHANGE_COLUMNS, MONEY_COLUMNS, PEFA_COLUMNS, aggregate_rows, as_frame,
                      change_rows, kegiatan_rows, pefa_rows, version_rows)
from .levels import level_checks
from .series import duplicate_finding, missing_periods, stale_repeats
from .findings import CODES, GUESSED, SEVERITIES, Finding, findings_frame
from .matching import follow_kegiatan
from ..schema import KEYS
from .records import Part, agency_groups, agency_parts, records

__all__ = ["reconcile", "Reconciliation", "load_bands", "band", "CODES", "SEVERITIES"]


@dataclass
class Reconciliation:
    findings: pd.DataFrame           # one row per finding (schema "findings")
    lines: pd.DataFrame              # budget lines with kegiatan_key / program_key
    kegiatan: pd.DataFrame           # per kegiatan per quarter: pagu, change, increment, absorption
    programs: pd.DataFrame           # the same per program
    totals: pd.DataFrame             # the same for the agency, with the quarter's band
    versions: pd.DataFrame           # distinct pagu versions and the quarters that state them
    program_changes: pd.DataFrame    # each program's share of each change in total pagu
    pefa: pd.DataFrame               # PI-2 composition variance against the first pagu
    bands: dict = field(default_factory=dict)
    # against the cash plan (empty without one): per unit and month, the SKPD's curve, IKPA-style
    plan: pd.DataFrame = field(default_factory=pd.DataFrame)
    plan_curve: pd.DataFrame = field(default_factory=pd.DataFrame)
    ikpa: pd.DataFrame = field(default_factory=pd.DataFrame)

    def summary(self) -> dict:
        f = self.findings
        by_sev = {s: int((f["severity"] == s).sum()) for s in SEVERITIES}
        by_code = {c: int(n) for c, n in f["code"].value_counts().sort_index().items()}
        periods = []
        for _, t in self.totals.iterrows():
            from ..numbers import money_json
            month = None if pd.isna(t["month"]) else int(t["month"])
            periods.append({"agency_code": t["agency_code"], "agency_name": t["agency_name"],
                            "year": int(t["year"]), "month": month, "quarter": int(t["quarter"]),
                            "pagu": money_json(t["pagu"]), "realisasi": money_json(t["realisasi"]),
                            "penyerapan_pct": round(t["penyerapan"], 2)
                            if not pd.isna(t["penyerapan"]) else None,
                            "kategori": None if pd.isna(t["kategori"]) else t["kategori"]})
        return {"findings_by_severity": by_sev, "findings_by_code": by_code,
                "periods": periods, "bands": self.bands.get("name")}


TABLES = ("kegiatan", "programs", "totals", "versions", "program_changes", "pefa")


FRAMES = ("lines",) + TABLES


def reconcile(data: Ingested, bands: dict | None = None, plan_settings=None,
              workers: int | None = None) -> Reconciliation:
    """All checks and tables for ingested data (any agencies, years and periods).

    Each agency is reconciled on its own (nothing is ever summed or matched across agencies);
    every finding and derived table carries the agency's code and name. The tables are turned into
    records once and each derived table is built once for a run of agencies (see
    :mod:`lkjip_helpers.reconcile.records`); many agencies are shared among the machine's cores
    (``workers`` processes; None: as many as cores for many agencies, 1: this process only; see
    :mod:`lkjip_helpers.reconcile.parallel`)."""
    from .parallel import run

    bands = bands or load_bands()
    groups = agency_groups(data.budget_lines, data.stated_totals, data.warnings)
    pieces = run(reconcile_groups, data, bands, groups, workers)
    items = [f for found, _ in pieces for f in found]
    frames = {t: pieces[0][1][t] if len(pieces) == 1 else
              pd.concat([p[1][t] for p in pieces], ignore_index=True) for t in FRAMES}
    items += [refused_finding(r) for r in data.refused]
    items += [duplicate_finding(d) for d in data.duplicates]
    spend = data.budget_lines[data.budget_lines["jenis"] == "belanja"]
    items += missing_periods(records(spend[list(KEYS)].drop_duplicates()))
    complete = known(data.budget_lines, unknown_sheets(data.budget_lines))
    plan = plan_tables(data.cash_plan, complete, data.plan_checks,
                       plan_settings or Settings())
    return Reconciliation(findings_frame(items + plan.findings), *(frames[t] for t in FRAMES),
                          bands, plan.baseline, plan.curve, plan.ikpa)


def reconcile_groups(data: Ingested, bands: dict, groups: list) -> tuple[list, dict]:
    """The findings and tables of some agencies (a run of :class:`records.Group`)."""
    items: list[Finding] = []
    rows: dict[str, list[dict]] = {t: [] for t in TABLES}
    who: dict[str, list[Agency]] = {t: [] for t in TABLES}
    keyed: list[dict] = []
    spend_rows: list[int] = []
    for part in agency_parts(groups, data.budget_lines, data.stated_totals):
        found, tables, lines, at = _reconcile_agency(part, bands)
        items += found
        keyed += lines
        spend_rows += at
        for t in TABLES:
            rows[t] += tables[t]
            who[t] += [part.agency] * len(tables[t])
    return items, {
        "lines": _keyed_lines(data.budget_lines, spend_rows, keyed),
        "kegiatan": as_frame(rows["kegiatan"], who["kegiatan"], MONEY_COLUMNS),
        "programs": as_frame(rows["programs"], who["programs"], MONEY_COLUMNS),
        "totals": as_frame(rows["totals"], who["totals"], MONEY_COLUMNS),
        "versions": as_frame(rows["versions"], who["versions"], ["pagu"]),
        "program_changes": as_frame(rows["program_changes"], who["program_changes"],
                                    ["pagu_before", "pagu_after", "change"], CHANGE_COLUMNS),
        "pefa": as_frame(rows["pefa"], who["pefa"], columns=PEFA_COLUMNS)}


def _reconcile_agency(part: Part, bands: dict) -> tuple[list, dict, list, list]:
    """One agency's findings, derived rows, keyed spending lines and their rows in the table."""
    items: list[Finding] = []
    held = held_sheets(part.lines)  # nothing is summed over an unknown amount
    kept = [(i, r) for i, r in zip(part.rows, part.lines)
            if (r["source_file"], r["source_sheet"]) not in held]
    by_sheet: dict[tuple, tuple[list, list]] = {}
    key = lambda r: (r["source_file"], r["source_sheet"], r["year"], r["month"] or 0,  # noqa
                     r["quarter"])
    for _, r in kept:
        by_sheet.setdefault(key(r), ([], []))[0].append(r)
    for r in part.stated:
        if (r["source_file"], r["source_sheet"]) not in held:
            by_sheet.setdefault(key(r), ([], []))[1].append(r)
    for k in sorted(by_sheet):
        sheet_lines, sheet_stated = by_sheet[k]
        if sheet_lines:
            found = sheet_checks(sheet_lines, sheet_stated, int(k[2]), int(k[4]))
            found += level_checks(sheet_lines, sheet_stated, {"year": int(k[2]),
                                                              "quarter": int(k[4])})
            for f in found:
                f.month = k[3] or None
            items.extend(found)
    items.extend(_ingest_warnings(part.lines, part.warnings))
    spend = [(i, r) for i, r in kept if r["jenis"] == "belanja"]
    keyed = follow_kegiatan([r for _, r in spend])  # revenue is kept apart from spending
    items.extend(across_findings(keyed))
    items.extend(stale_repeats([r for _, r in spend]))
    keg = kegiatan_rows(keyed)
    programs = aggregate_rows(keg, ["program_key"], bands)
    tables = {"kegiatan": keg, "programs": programs,
              "totals": aggregate_rows(programs, [], bands, summed=True),
              "versions": version_rows(keg), "program_changes": change_rows(programs),
              "pefa": pefa_rows(keg)}
    agency = part.agency
    for f in items:
        if f.agency_code is None and f.agency_name is None:
            f.agency_code, f.agency_name = agency.code, agency.name
    return items, tables, keyed, [i for i, _ in spend]


def _keyed_lines(budget_lines: pd.DataFrame, rows: list[int], keyed: list[dict]) -> pd.DataFrame:
    """The spending lines, agency by agency, with the keys that follow them across periods."""
    out = budget_lines.iloc[rows].reset_index(drop=True)
    for name, dtype in (("kegiatan_key", "Int64"), ("program_key", "Int64"),
                        ("match_score", "Float64")):
        out[name] = pd.array([r[name] for r in keyed], dtype=dtype)
    return out


def _ingest_warnings(lines: list[dict], warnings: list) -> list[Finding]:
    """Ingest's warnings (guessed numbers, missing values, unread rows) as findings."""
    periods = {(r["source_file"], r["source_sheet"]): (r["year"], r["month"], r["quarter"])
               for r in lines}
    out = []
    for w in warnings:
        year, month, quarter = periods.get((w.file, w.sheet), (None, None, None))
        severity = "warning" if w.code in ("AMBIGUOUS_NUMBER", "MISSING_VALUE", "UNREAD_ROW",
                                           "AMBIGUOUS_HIERARCHY", "NO_PROGRAMS",
                                           "UNIT_SCALED", "CODE_HIERARCHY_MISMATCH",
                                           "NEGATIVE_AMOUNT", "PERIOD_MISMATCH",
                                           "AGENCY_MISMATCH") else "info"
        if w.code == "NEGATIVE_AMOUNT" and w.message.startswith("pagu"):
            severity = "error"  # a negative ceiling is never right; realisasi may be a refund
        if w.code == "MISSING_VALUE" and UNKNOWN_NOTE in w.message:
            severity = "error"  # an unknown pagu or realisasi: never read as 0
        message = {"AMBIGUOUS_NUMBER": GUESSED}.get(w.code, "") + w.message
        out.append(Finding(w.code, severity, message, year=year, quarter=quarter, month=month,
                           unit="",
                           source_file=w.file, source_sheet=w.sheet, source_cell=w.cell))
    return out


def refused_finding(r) -> Finding:
    """A file that could not be read, in a run that went on without it."""
    agency = r.agency or Agency()
    period = r.period
    return Finding("FILE_REFUSED", "error", f"Berkas tidak dibaca: {r.message}", unit="",
                   year=period.year if period else None, month=period.month if period else None,
                   quarter=period.quarter if period else None, agency_code=agency.code or None,
                   agency_name=agency.name or None, source_file=r.file, source_sheet=r.sheet,
                   source_cell=r.cell)


def write_findings_csv(findings: pd.DataFrame, path: Path) -> None:
    """The findings as CSV, text neutralised so that no cell becomes a formula."""
    from ..safe import neutralise

    from ..files import atomic_write

    import csv

    safe = findings.astype(object).map(neutralise)
    # every field quoted: a text holding "," or ";" stays one cell whatever the list separator
    atomic_write(path, lambda tmp: safe.to_csv(tmp, index=False, quoting=csv.QUOTE_ALL))
