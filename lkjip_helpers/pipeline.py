"""One call from raw workbooks to everything the report shows: ingest, reconcile and, when the
annual workbook is there, the chapter III computation. The CLI and the notebooks call this."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .ingest import Ingested, ingest
from .period import MONTHS, Period, quarter_of_month, tw
from .kinerja import Kinerja, evaluate
from .reconcile import Reconciliation, load_bands, reconcile
from .reconcile.findings import findings_frame
from .unknown import held_periods, known, unknown_sheets


@dataclass
class Analysis:
    year: int
    quarter: int                 # the last quarter included
    data: Ingested
    rec: Reconciliation
    kinerja: Kinerja | None
    findings: pd.DataFrame       # quarterly and annual findings together
    missing: list[str]           # what is missing, in words (quarters, the annual workbook)
    agency: str = ""             # the agency's name, from the annual workbook
    charts: dict = field(default_factory=dict)  # SVG drawn beforehand (sections.draw_charts)
    findings_workbook: str = ""  # written beforehand, by lkjip report's worker
    renja_workbook: str = ""     # the same, for evaluasi_renja.xlsx
    handoff: str = ""            # where that worker's charts are handed over (handoff.py)
    month: int | None = None     # a monthly source: the month reported (``quarter`` is its quarter)

    @property
    def period(self) -> Period:
        """TW II 2022 (quarterly sheets), or Mei 2022 (a monthly source)."""
        return Period.monthly(self.year, self.month) if self.month else \
            Period.quarterly(self.year, self.quarter)

    @property
    def year_end(self) -> bool:
        return self.period.is_year_end()

    def at(self, df: pd.DataFrame) -> pd.DataFrame:
        """The rows of a reconciled table at the report's period: its year and quarter, and for a
        monthly source its month."""
        return df[at_period(df, self.year, self.quarter, self.month)]


def at_period(df: pd.DataFrame, year: int, quarter: int, month: int | None = None) -> pd.Series:
    """The mask of ``df``'s rows at one period (see :meth:`Analysis.at`)."""
    keep = (df["year"] == year) & (df["quarter"] == quarter)
    if month and "month" in df.columns:
        keep &= (df["month"] == month).fillna(False).astype(bool)
    return keep


def quarter_ends(df: pd.DataFrame) -> pd.DataFrame:
    """A reconciled table by quarter: a monthly source's rows of the latest month of each quarter
    (quarterly sheets' rows as they are)."""
    if "month" not in df.columns or df["month"].isna().all():
        return df
    last = df.groupby(["year", "quarter"])["month"].transform("max")
    return df[(df["month"] == last).fillna(False).astype(bool)]


def is_year_end(quarter: int) -> bool:
    """Year-end tables (Tabel 3.2, PK, IKU results) are compared and rated only at TW IV."""
    return Period.quarterly(2000, quarter).is_year_end()


def _period_findings(items: list, year_end: bool) -> list:
    """The annual workbook's findings a report of ``quarter`` shows: at TW IV all of them; before,
    only those about a quarterly sheet (they carry its quarter) and about the PK's own columns
    signed at the start of the year: year-end tables (Tabel 3.2, IKU results, PK budgets against
    the year's pagu) are compared only in the year-end report."""
    if year_end:
        return list(items)
    return [f for f in items if f.quarter is not None or f.code in ("AGGREGATION_INFERRED",
                                                                     "RENSTRA_TARGET_PASSED")]


def _check_quarter(data: Ingested, year: int, quarter: int, paths) -> None:
    """The report of a quarter needs that quarter's sheet: refuse one line otherwise."""
    from .errors import LkjipError
    from .period import tw

    present = sorted({int(q) for y, q in zip(data.budget_lines["year"], data.budget_lines["quarter"])
                      if int(y) == year})
    if quarter not in present:
        where = paths[0] if paths else None
        raise LkjipError(f"tidak ada lembar {tw(quarter)} {year} (yang ada: "
                         f"{', '.join(tw(q) for q in present)}); pilih --quarter yang ada datanya",
                         where)


def _check_known(sub: Ingested, period: Period, partial: bool) -> list:
    """The sheets of ``sub`` (a year up to ``period``, see :func:`restrict`) held out for an unknown
    amount (:mod:`lkjip_helpers.unknown`); unless ``partial``, an analysis of ``period`` when one
    of them is its own sheet is refused with one line naming its cells."""
    from .errors import LkjipError

    held = held_periods(sub.budget_lines)
    this = [t for _, q, m, t in held
            if (m == period.n if period.kind == "M" else q == period.quarter)]
    if this and not partial:
        raise LkjipError(f"laporan {period.long_label} tidak dibuat: {this[0]}; perbaiki sel itu "
                         "(atau buka dan simpan ulang workbook di Excel/LibreOffice)")
    return held


def restrict(data: Ingested, year: int, quarter: int, month: int | None = None) -> Ingested:
    """The data of one year up to and including a quarter (and, for a monthly source, a month:
    nothing after it)."""
    def keep(df):
        k = (df["year"] == year) & (df["quarter"] <= quarter)
        if month and "month" in df.columns:
            k &= ~(df["month"] > month).fillna(False).astype(bool)
        return df[k].reset_index(drop=True)

    files = set(keep(data.budget_lines)["source_file"])
    roles = data.row_roles[data.row_roles["source_file"].isin(files)].reset_index(drop=True)
    warnings = [w for w in data.warnings if w.file in files]
    plan = data.cash_plan[data.cash_plan["year"] == year].reset_index(drop=True)  # the year's
    return Ingested(keep(data.budget_lines), keep(data.stated_totals), keep(data.indicators),
                    roles, warnings, sorted(files), data.skipped, data.annuals,
                    [r for r in data.refused if r.period is None or r.period.year == year],
                    [d for d in data.duplicates if d.period.year == year],
                    cash_plan=plan, plan_checks=[c for c in data.plan_checks
                                                 if c[0] in files or _plan_year(c) == year],
                    unread=data.unread)


def _plan_year(check: tuple) -> int | None:
    """The year a plan's checks are about (a plan file holds no budget lines of its own)."""
    years = {c.get("year") for c in check[3]}
    return years.pop() if len(years) == 1 else None


def latest_quarter(data: Ingested, year: int) -> int | None:
    qs = data.budget_lines.loc[data.budget_lines["year"] == year, "quarter"]
    return int(qs.max()) if len(qs) else None


def months_of(data: Ingested, year: int) -> list[int]:
    """The months of ``year`` a monthly source has lines for; [] when the year's lines are
    quarterly sheets (or mix both: such a year is reported by quarter)."""
    bl = data.budget_lines
    months = bl.loc[bl["year"] == year, "month"] if "month" in bl.columns else pd.Series([])
    if not len(months) or months.isna().any():
        return []
    return sorted({int(m) for m in months})


def report_month(data: Ingested, year: int, quarter: int | None, month: int | None,
                 paths=()) -> int | None:
    """The month a report stands at: ``month`` itself (refused in one line when the year's data
    are quarterly sheets or hold no line for it); for a monthly source asked for a quarter, the
    latest month of that quarter with data; for a monthly source without either, its latest
    month; None for quarterly sheets."""
    from .errors import LkjipError

    months = months_of(data, year)
    where = paths[0] if paths else None
    if month is None and not months:
        return None
    if month is not None and not months:
        raise LkjipError(f"--month memerlukan sumber bulanan (LRA, SIPD-RI); data {year} berupa "
                         "lembar triwulan: pakai --quarter", where)
    if month is None:
        month = max((m for m in months if quarter is None or quarter_of_month(m) == quarter),
                    default=None)
        if month is None:
            raise LkjipError(f"tidak ada data bulanan {tw(quarter)} {year} (bulan yang ada: {', '.join(MONTHS[m - 1] for m in months)})"
                             "; pilih --month atau --quarter yang ada datanya", where)
    if month not in months:
        raise LkjipError(f"tidak ada data bulan {MONTHS[month - 1]} {year} (yang ada: "
                         f"{', '.join(MONTHS[m - 1] for m in months)}); pilih --month yang ada "
                         "datanya", where)
    return int(month)


def analyse(paths: list[Path | str], year: int | None = None, quarter: int | None = None,
            mapping=None, bands: Path | None = None, scale: str | None = None,
            data: Ingested | None = None, negatif_cap=None, plan_tolerance=None,
            processed: Path | str | None = None, agency: str | None = None,
            month: int | None = None, manifest: Path | str | None = None,
            partial: bool = False) -> Analysis:
    """Everything for a year up to a quarter (``quarter`` None: the latest with data), or for a
    monthly source up to a month (``month``; see :func:`report_month`).
    ``negatif_cap`` (a setting, in %) caps the capaian of lower-is-better indicators.
    ``processed``: the folder ``lkjip ingest`` wrote, read instead of the raw files while it was
    made from exactly these files. ``agency``: a report is about one agency (see
    :func:`one_agency`); None keeps every agency (reconcile). ``manifest``: the agency and
    period of the files it lists (:mod:`lkjip_helpers.manifest`).
    A period whose sheet holds an unknown amount (:mod:`lkjip_helpers.unknown`) is refused,
    unless ``partial`` (the findings of ``lkjip reconcile``): it is then left out of every sum."""
    from .errors import LkjipError
    from .indicators import load_scale
    from .processed import fresh_tables

    data = data or (fresh_tables(processed, paths, mapping=mapping) if processed else None) \
        or ingest(paths, mapping=mapping, manifest=manifest)
    if agency is not None:
        data = one_agency(data, agency)
    years = sorted({int(y) for y in data.budget_lines["year"]})
    if not years:
        raise LkjipError("tidak ada baris anggaran")
    year = year or years[-1]
    if year not in years:
        raise LkjipError(f"tidak ada baris anggaran untuk {year} (yang ada: "
                         f"{', '.join(map(str, years))})")
    month = report_month(data, year, quarter, month, paths)
    quarter = quarter_of_month(month) if month else quarter or latest_quarter(data, year)
    _check_quarter(data, year, quarter, paths)
    sub = restrict(data, year, quarter, month)
    period = Period.monthly(year, month) if month else Period.quarterly(year, quarter)
    bl = sub.budget_lines
    spending = bl["jenis"].isna() | (bl["jenis"] == "belanja")
    if not partial and not bl.empty and not spending.any():
        raise LkjipError(f"tidak ada baris belanja (akun 5) sampai {period.long_label}: yang "
                         f"terbaca hanya pendapatan/pembiayaan; laporan penyerapan tidak dibuat",
                         str(bl["source_file"].iloc[0]))
    held = _check_known(sub, period, partial)
    from .plan import Settings

    rec = reconcile(sub, load_bands(bands) if bands else None,
                    Settings(tolerance=plan_tolerance) if plan_tolerance is not None else None)
    missing_text = _missing_periods(sub, period)
    missing_text += [f"file tidak terbaca: {u}" for u in data.unread]
    missing_text += [f"lembar tidak dijumlahkan: {t}" for *_, t in held]
    sub = dataclasses.replace(sub, budget_lines=known(sub.budget_lines,
                                                      unknown_sheets(sub.budget_lines)))
    kin = None
    annual = [a for a in data.annuals if f"_{year}" in a.file] or data.annuals[:1]
    if annual:
        from decimal import Decimal

        kin = evaluate(annual[0], year, load_scale(scale), sub.budget_lines,
                       sub.indicators,
                       negatif_cap=Decimal(str(negatif_cap)) if negatif_cap else None)
    else:
        missing_text.append(f"workbook tahunan kinerja_{year}.xlsx tidak ada: tabel Bab III "
                            "(capaian indikator, Tabel 3.2) tidak dibuat")
    items = _period_findings(kin.findings, period.is_year_end()) if kin else []
    annual_f = findings_frame(items) if items else None
    findings = rec.findings if annual_f is None else _sorted(pd.concat([rec.findings, annual_f],
                                                                      ignore_index=True))
    name = annual[0].summary.get("nama_pd", "") if annual else ""
    if not name and len(data.agencies) == 1:
        name = data.agencies[0].name
    rec = _with_basis(rec, kin if period.is_year_end() else None)
    return Analysis(year, quarter, sub, rec, kin, findings, missing_text, name, month=month)


def _missing_periods(sub: Ingested, period: Period) -> list[str]:
    """The quarters (or, for a monthly source, months) up to the period without data, in words."""
    bl = sub.budget_lines
    if period.kind == "M":
        present = {int(m) for m in bl["month"].dropna()}
        missing = [MONTHS[m - 1] for m in range(1, period.n + 1) if m not in present]
        return [f"data bulan tidak ada: {', '.join(missing)}"] if missing else []
    present = {int(q) for q in bl["quarter"]}
    missing = [tw(q) for q in range(1, period.n + 1) if q not in present]
    return [f"lembar triwulan tidak ada: {', '.join(missing)}"] if missing else []


def one_agency(data: Ingested, wanted: str = "") -> Ingested:
    """The data of one agency: the only one there is, or the one ``wanted`` names (its code, its
    name, or both as ``--agency`` takes them). A report is about one agency: data of several
    without a choice among them is refused in one line (``lkjip batch`` reports them all)."""
    import dataclasses

    from .errors import LkjipError
    from .ingest import split_agencies

    parts = split_agencies(data)
    if len(parts) <= 1:
        return data
    fold = lambda text: " ".join(str(text).casefold().split())  # noqa: E731
    hits = [(a, d) for a, d in parts if fold(wanted) and fold(wanted) in
            (fold(a.code), fold(a.name), fold(a.label))]
    if len(hits) != 1:
        names = "; ".join(a.label for a, _ in parts)
        raise LkjipError(f"data memuat {len(parts)} instansi ({names}); laporan dibuat per "
                         "instansi: pilih satu dengan --agency (kode atau nama), atau pakai "
                         "lkjip batch" if not fold(wanted) else
                         f"--agency {wanted!r} tidak menunjuk satu instansi; yang ada: {names}")
    agency, part = hits[0]
    return dataclasses.replace(
        part, refused=[r for r in data.refused if r.agency is None or r.agency.key == agency.key],
        duplicates=[d for d in data.duplicates if d.agency.key == agency.key],
        plan_checks=[c for c in data.plan_checks if getattr(c[2], "key", None) == agency.key],
        unread=data.unread, inputs=data.inputs)


def _with_basis(rec: Reconciliation, kin: Kinerja | None) -> Reconciliation:
    """The budget basis (see :mod:`lkjip_helpers.basis`) beside the sheets' own figures in the
    kegiatan, program and total tables, so that every table, chart and export uses one rule."""
    import dataclasses

    from .basis import aggregate_basis, final_pagu, group_keys, kegiatan_basis, with_basis
    from .reconcile import band

    if not len(rec.kegiatan):
        return rec
    k = rec.kegiatan
    if ("month" in k.columns and k["month"].notna().any()) or \
            ("agency_code" in k.columns and k["agency_code"].nunique(dropna=False) > 1):
        return rec  # the basis rule is written for one agency's quarterly sheets (see docs)
    final = final_pagu(kin.budget if kin is not None else None, rec.kegiatan)
    keg = with_basis(rec.kegiatan, kegiatan_basis(rec.kegiatan, final))

    def rate(pen, q):
        return band(pen, q, rec.bands)

    def join(table, by):
        keys = group_keys(keg, by)
        agg = aggregate_basis(keg, by, rate)
        out = table.astype({k: "int64" for k in keys if k != "agency_code"}).merge(
            agg, on=keys, how="left", validate="one_to_one")
        out.index = table.index
        return out

    return dataclasses.replace(rec, kegiatan=keg, programs=join(rec.programs, ["program_key"]),
                               totals=join(rec.totals, []))


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    order = {"error": 0, "warning": 1, "info": 2}
    key = df["severity"].map(order)
    return df.assign(_k=key).sort_values(["_k", "year", "quarter"], kind="stable",
                                          na_position="last").drop(columns="_k")\
        .reset_index(drop=True)
