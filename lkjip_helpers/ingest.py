"""From workbooks to tidy tables: budget lines, stated totals, indicator rows, row roles, warnings."""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import CellError, LayoutError, LkjipError, WorkbookError
from .excel.agency import split_code
from .excel.long import Mapping, load_mapping, long_header_error
from .excel.readers import ReadContext, Registry, default_registry
from .excel.result import SheetResult, Warning_
from .excel.workbook import open_workbook, refuse_reason
from .files import check_output
from .gather import FileRead, Refusal, gather, one_per_period
from .inputs import manifest_paths, raw_inputs, workbook_paths  # noqa: F401 - and from here
from .period import MONTHS, Agency, Period, period_columns, period_of
from .processed import RUN, STAMP, agency_folder, stamp, write_run
from .readmany import read_many
from .schema import SPECS, frame, frame_of_columns

TABLES = ("budget_lines", "stated_totals", "indicators", "row_roles", "cash_plan")
PARTITIONED = ("budget_lines", "stated_totals", "indicators", "row_roles")  # one per agency


@dataclass
class Ingested:
    """The tidy tables of one or more workbooks (any number of agencies and periods)."""

    budget_lines: pd.DataFrame
    stated_totals: pd.DataFrame
    indicators: pd.DataFrame
    row_roles: pd.DataFrame
    warnings: list[Warning_] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    annuals: list = field(default_factory=list)  # annual.Annual, read while ingesting
    refused: list = field(default_factory=list)  # gather.Refusal: files that could not be read
    duplicates: list = field(default_factory=list)  # gather.Duplicate: two files of one period
    inputs: list = field(default_factory=list)     # the raw files (and manifest) read
    cash_plan: pd.DataFrame | None = None        # anggaran kas per sub kegiatan and month
    plan_checks: list = field(default_factory=list)  # (file, sheet, checks) of the plans read

    def __post_init__(self):
        if self.cash_plan is None:
            self.cash_plan = frame([], "cash_plan")
    unread: list[str] = field(default_factory=list)  # folder entries that could not be read
    options: dict = field(default_factory=dict)  # what ingest was told (--year, --agency …)

    @property
    def periods(self) -> list[Period]:
        """The periods with budget lines, in order (all agencies together)."""
        bl = self.budget_lines
        return sorted({period_of(y, m, q) for y, m, q in
                       zip(bl["year"], bl["month"].astype(object), bl["quarter"])})

    @property
    def agencies(self) -> list[Agency]:
        pairs = self.budget_lines[["agency_code", "agency_name"]].drop_duplicates()
        return [Agency(c, n) for c, n in pairs.itertuples(index=False)]

    def summary(self) -> dict:
        """Per agency and period: programs, kegiatan, sub kegiatan, and pagu and realisasi summed
        over the spending lines (not over stated totals, not over revenue)."""
        from .summary import period_summary

        return {"periods": period_summary(self.budget_lines),
                "warnings": [str(w) for w in self.warnings] + self.unread,
                "refused": [str(r) for r in self.refused]}


def is_annual_workbook(sheet_names: list[str]) -> bool:
    """The yearly kinerja workbook (``lkjip template``) is read by the indicators step."""
    return {s.strip().lower() for s in sheet_names} >= {"pk", "indikator"}


def read_file(path: Path, ctx: ReadContext, registry: Registry | None = None,
              entry=None) -> FileRead:
    """Read one workbook through the reader dispatch; period and agency from ``ctx`` where given
    (they override the sheet's). Bad input becomes ``FileRead.error`` (raised or turned into a
    refusal by the caller), never a traceback."""
    out = FileRead(path.name, entry=entry)
    grids = []
    try:
        grids = open_workbook(path, xls=ctx.mapping is None)  # .xls: the anggaran kas template
        if ctx.mapping is None and is_annual_workbook([g.name for g in grids]):
            from .annual import read_annual

            out.annual = read_annual(path)  # the same error standard as the quarters
            out.skipped.append(f"{path.name} (workbook tahunan)")
            return out
        out.results = _read_grids(grids, ctx, registry or default_registry(), out.skipped, path)
        for res in out.results:
            _within_limit(res)
            _apply_context(res, ctx)
    except LkjipError as exc:
        out.error = exc
        out.results = []
    finally:
        for grid in grids:
            grid.package = None   # the file's bytes are not kept with the tables
    return out


def _read_grids(grids, ctx: ReadContext, registry: Registry, skipped: list[str], path: Path
                ) -> list[SheetResult]:
    if ctx.mapping is not None:
        mapping = ctx.mapping
        wanted = [g for g in grids if g.name == mapping.sheet] if mapping.sheet else grids[:1]
        if not wanted:
            raise LayoutError(f"tidak ada sheet bernama {mapping.sheet!r} (diminta oleh pemetaan)",
                              mapping.path)
        found = registry.read(wanted[0], ctx)
        if found is None:
            raise long_header_error(wanted[0], mapping)
        return found
    results: list[SheetResult] = []
    for grid in grids:
        if not grid.visible:  # an old copy kept out of sight must not count twice
            skipped.append(f"{path.name} sheet {grid.name!r} (tersembunyi)")
            continue
        found = registry.read(grid, ctx)
        if found:
            results.extend(found)
    if not results:
        first = grids[0].name if grids else None
        if path.suffix.lower() == ".xls":
            raise WorkbookError(refuse_reason(path), path)
        raise LayoutError("tabel tidak ditemukan: tidak ada baris judul dengan "
                          "'Program/Kegiatan' dan 'Pagu', maupun 'KODE REKENING | URAIAN | "
                          "ANGGARAN | REALISASI'", path, first)
    return results


def _within_limit(res: SheetResult) -> None:
    """A sheet whose lines add up past Rp 10^15 (each below that limit) is refused at the line
    that crosses it: the money type holds a pemda of a thousand such sheets, not beyond (it
    was an internal error in reconcile)."""
    from .numbers import MAX_AMOUNT

    for fld in ("pagu", "realisasi"):
        total = 0
        for line in res.lines:
            v = line.get(fld)
            if v is None:
                continue
            total += abs(v)
            if total >= MAX_AMOUNT:
                raise CellError(f"{fld} lembar ini dijumlah sampai baris ini melebihi batas "
                                "jumlah rupiah (Rp 10^15)", res.file, res.sheet,
                                line.get(f"{fld}_cell") or line.get("source_cell"))


def _apply_context(res: SheetResult, ctx: ReadContext) -> None:
    # a SIPD-RI export names each line's SKPD by its unit code: one export holds many SKPD, and a
    # manifest row or --agency must not turn them all into one
    own = res.reader.startswith("sipd_") and bool(res.agency.code)
    if ctx.agency is not None and (ctx.agency.code or ctx.agency.name) and not own:
        said = res.agency
        if (said.code or said.name) and not said.same_as(ctx.agency):
            res.warnings.append(Warning_(
                res.file, res.sheet, res.agency_cell, "AGENCY_MISMATCH",
                f"lembar ini menyebut {said.label}, dibaca sebagai {ctx.agency.label} (dari "
                "--agency atau manifest): periksa mana yang benar"))
        res.agency = ctx.agency
    if ctx.year is not None and res.year is not None and res.year != ctx.year and \
            (ctx.month is None or res.month is None):   # else said with the month below
        res.warnings.append(Warning_(
            res.file, res.sheet, res.period_cell, "PERIOD_MISMATCH",
            f"lembar ini menyebut tahun {res.year}, dibaca sebagai {ctx.year} (dari --year atau "
            "manifest): periksa mana yang benar"))
    if ctx.month is not None:
        if res.month is not None and \
                (res.month, res.year) != (ctx.month, ctx.year or res.year):
            said, given = (f"{MONTHS[m - 1]} {y}" for m, y in ((res.month, res.year),
                                                               (ctx.month, ctx.year or res.year)))
            res.warnings.append(Warning_(
                res.file, res.sheet, res.period_cell, "PERIOD_MISMATCH",
                f"lembar ini menyebut {said}, dibaca sebagai {given} (dari --month atau "
                "manifest): periksa mana yang benar"))
        res.set_period(Period.monthly(ctx.year or res.year, ctx.month))
    elif ctx.year is not None or ctx.quarter is not None:
        res.year = ctx.year or res.year
        if ctx.quarter is not None:
            res.quarter, res.month = ctx.quarter, None
    if res.year is None or res.quarter is None:
        raise LayoutError("periode tidak dapat ditentukan dari sheet; sebutkan --year dengan "
                          "--month atau --quarter, atau --manifest", res.file, res.sheet)


def ingest(paths: list[Path | str], year: int | None = None, quarter: int | None = None,
           mapping: Mapping | Path | str | None = None, month: int | None = None,
           agency: Agency | str | None = None, registry: Registry | None = None,
           manifest: Path | str | None = None, strict: bool = False,
           workers: int | None = None) -> Ingested:
    """Read workbooks into tidy tables. Raises the package's errors for bad input; ``strict``:
    also for a folder entry that could not be read (else it is listed in ``unread``).

    ``agency`` (an :class:`Agency` or a name) is the agency of every sheet that does not name one.
    A folder may hold many agencies and periods: each sheet is kept under its own agency.
    ``manifest`` (CSV or xlsx, see :mod:`lkjip_helpers.manifest`) names the agency and period of
    the files it lists; in a run with a manifest or over several agencies a file that cannot be
    read is a refusal and the others go on, unless ``strict``. Many files are read over the
    machine's cores (``workers`` processes; None: as many as cores, 1: this process only)."""
    if mapping is not None and not isinstance(mapping, Mapping):
        mapping = load_mapping(Path(mapping))
    if isinstance(agency, str):
        agency = split_code(agency)
    ctx = ReadContext(year=year, quarter=quarter, month=month, agency=agency, mapping=mapping)
    out = _ingest(paths, ctx, registry, manifest, strict, workers)
    out.options = ingest_options(year, quarter, month, agency)
    return out


def ingest_options(year=None, quarter=None, month=None, agency=None) -> dict:
    """The options that shape the tables beyond the files (kept in the processed stamp)."""
    if isinstance(agency, str):
        agency = split_code(agency)
    label = agency.label if agency is not None and (agency.code or agency.name) else None
    given = {"year": year, "quarter": quarter, "month": month, "agency": label}
    return {k: v for k, v in given.items() if v is not None}


def _ingest(paths, ctx: ReadContext, registry, manifest, strict: bool, workers) -> Ingested:
    mapping = ctx.mapping
    registry = registry or default_registry()
    paths = [Path(p) for p in paths]
    if manifest is None:
        unread: list[str] = []
        files = workbook_paths(paths, unread)
        if strict and unread:
            raise WorkbookError(f"{unread[0]} (--strict)")
        reads = read_many([(path, ctx, registry, None) for path in files], workers)
        out = collect(reads, strict=strict, check_periods=mapping is None)
        out.inputs = files + ([mapping.path] if mapping is not None and mapping.path else [])
        out.unread = unread
        return out
    from .manifest import load_manifest

    man = load_manifest(manifest, paths)
    files = manifest_paths(man, paths)
    reads = read_many([(path, ctx_for(ctx, man.entries.get(path.name)), registry,
                        man.entries.get(path.name)) for path in files], workers)
    reads += [FileRead(b.file, refusal=Refusal(b.file, None, None, b.message, b.agency, b.period))
              for b in man.bad]
    out = collect(reads, many=True, strict=strict, check_periods=mapping is None)
    out.inputs = files + [man.path]
    return out




def ctx_for(ctx: ReadContext, entry) -> ReadContext:
    """The context of one file: its manifest row's agency and period, when it has one."""
    if entry is None:
        return ctx
    p = entry.period
    return dataclasses.replace(ctx, year=p.year, month=p.month,
                               quarter=p.quarter if p.kind == "Q" else None, agency=entry.agency)


def collect(reads: list[FileRead], many: bool | None = None, strict: bool = False,
            check_periods: bool = True) -> Ingested:
    """The tidy tables of the files read (see :mod:`lkjip_helpers.gather` for refusals and
    duplicate periods)."""
    from .excel.plan_readers import combine

    g = gather(reads, many, strict)
    results, plan_cols, plan_checks, unpriced = combine(g.results)
    for res, why in unpriced:  # a realisasi with no pagu of its SKPD and year at all
        if not g.lenient:
            raise LayoutError(why, res.file, res.sheet)
        g.refused.append(Refusal(res.file, res.sheet, None, why, res.agency, res.period))
    kept_files = {res.file for res in results}
    g.files = [f for f in g.files if f in kept_files or all(f != r.file for r, _ in unpriced)]
    if check_periods:
        results = one_per_period(results, reads, g.lenient, g.duplicates)
    out = assemble(results, g.files, g.skipped)
    out.annuals, out.refused, out.duplicates = g.annuals, g.refused, g.duplicates
    out.cash_plan = frame_of_columns(plan_cols, "cash_plan")
    out.plan_checks = plan_checks
    return out


LINE_DEFAULTS = {"kode": None, "sub_kegiatan": None, "level": "kegiatan", "akun": None,
                 "jenis": "belanja"}


def assemble(results: list[SheetResult], files: list[str], skipped: list[str]) -> Ingested:
    """The four tidy tables of the sheets read, built column by column (a record's own keys win
    over its sheet's agency, period and source; ``part`` becomes ``source_part``)."""
    lines, stated = _Columns("budget_lines"), _Columns("stated_totals")
    indicators, roles = _Columns("indicators"), _Columns("row_roles")
    warnings = []
    for res in results:
        keys = {**res.agency.columns(), **period_columns(res.period)}
        src = {**keys, "source_file": res.file, "source_sheet": res.sheet}
        lines.add(res.lines, {**src, **LINE_DEFAULTS}, part=True)
        stated.add(res.stated, {**src, "kode": None}, part=True)
        indicators.add(res.indicators, src)
        roles.add(res.roles, {**res.agency.columns(), "source_file": res.file,
                              "source_sheet": res.sheet})
        warnings.extend(w if w.agency is not None else dataclasses.replace(w, agency=res.agency.key)
                        for w in res.warnings)
    return Ingested(lines.frame(), stated.frame(), indicators.frame(), roles.frame(),
                    warnings, files, skipped)


class _Columns:
    """The columns of one table, filled a sheet's records at a time."""

    def __init__(self, name: str):
        self.name = name
        self.data: dict[str, list] = {col: [] for col in SPECS[name]}

    def add(self, records: list[dict], fixed: dict, part: bool = False) -> None:
        if not records:
            return
        for col, values in self.data.items():
            if part and col == "source_part":
                values.extend([rec.get("part") for rec in records])
            else:
                default = fixed.get(col)
                values.extend([rec.get(col, default) for rec in records])

    def frame(self) -> pd.DataFrame:
        return frame_of_columns(self.data, self.name)


def is_our_table(path: Path) -> bool:
    """A table file ingest writes: Parquet (``PAR1``), the warnings' JSON list, the stamp or
    ``run.json``."""
    with open(path, "rb") as fh:
        head = fh.read(4)
    if path.suffix == ".parquet":
        return head == b"PAR1"
    return head[:1] == (b"{" if path.name in (STAMP, RUN) else b"[")


def write_tables(data: Ingested, out: Path | None, root: Path) -> list[Path]:
    """Write the tables as Parquet, per year: into ``out`` when the data hold one year, into
    ``out/<year>/`` when they hold several; without ``out``, into ``data/processed/<year>/``.

    Each folder appears whole or not at all: tables are written to a temporary folder beside it,
    which then replaces the files one rename at a time only after all were written."""
    written = []
    years = sorted({p.year for p in data.periods}) or [None]
    for year in years:
        if out is None:
            target = root / "data" / "processed" / str(year)
        else:
            target = Path(out) / str(year) if len(years) > 1 else Path(out)
        target.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".ingest-", dir=target))
        try:
            parts = split_agencies(data) if len(data.agencies) > 1 else [(None, data)]
            for agency, part in parts:
                sub = tmp / agency_folder(agency.code, agency.name) if agency else tmp
                sub.mkdir(exist_ok=True)
                _write_year(part, year, sub, PARTITIONED if agency else TABLES)
            if len(parts) > 1:  # the cash plan stays whole, beside the partitions
                _write_year(data, year, tmp, tuple(t for t in TABLES if t not in PARTITIONED),
                            warnings=False)
            write_run(data, year, tmp)
            (tmp / STAMP).write_text(json.dumps(stamp(data.inputs, data.options), indent=1),
                                     encoding="utf-8")
            for f in sorted(tmp.iterdir()):  # a link, FIFO or device there is refused
                if f.is_file():
                    check_output(target / f.name, ours=is_our_table)
            # the stamp goes first and comes back last: tables half replaced are never "fresh"
            (target / STAMP).unlink(missing_ok=True)
            for old in target.glob("agency=*"):  # the previous partitions go with the old tables
                shutil.rmtree(old, ignore_errors=True)
            for f in sorted(tmp.iterdir(), key=lambda f: f.name == STAMP):
                os.replace(f, target / f.name)
                written.append(target / f.name)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return written


def _write_year(data: Ingested, year: int | None, folder: Path, tables=TABLES,
                warnings: bool = True) -> None:
    files = set(data.budget_lines.loc[data.budget_lines["year"] == year, "source_file"]) \
        if year is not None else set(data.files)
    for name in tables:
        df = getattr(data, name)
        if year is not None and "year" in df.columns:
            df = df[df["year"] == year]
        elif year is not None and name == "row_roles":
            df = df[df["source_file"].isin(files)]
        df.reset_index(drop=True).to_parquet(folder / f"{name}.parquet", index=False)
    if warnings:
        kept = [w.as_dict() for w in data.warnings if w.file in files]
        (folder / "warnings.json").write_text(json.dumps(kept, ensure_ascii=False, indent=1),
                                              encoding="utf-8")


def agency_keys(df: pd.DataFrame) -> list[str]:
    """Each row's agency key (:attr:`Agency.key`: the code, else the folded name)."""
    codes = [str(c).strip() for c in df["agency_code"].astype(object)]
    names = df["agency_name"].astype(object)
    return [c if c else " ".join(str(n).casefold().split()) for c, n in zip(codes, names)]


def split_agencies(data: Ingested) -> list[tuple[Agency, Ingested]]:
    """The data of each agency on its own (agencies in order of their key)."""
    bl = data.budget_lines
    keys = agency_keys(bl)
    agencies: dict[str, Agency] = {}
    for k, c, n in zip(keys, bl["agency_code"], bl["agency_name"]):
        agencies.setdefault(k, Agency(c, n))
    if len(agencies) <= 1:
        return [(a, data) for a in agencies.values()]
    rows = {}
    for name in ("budget_lines", "stated_totals", "indicators", "row_roles"):
        df = getattr(data, name)
        rows[name] = {}
        for i, k in enumerate(keys if name == "budget_lines" else agency_keys(df)):
            rows[name].setdefault(k, []).append(i)
    plan = data.cash_plan
    out = []
    for k in sorted(agencies):
        part = {name: getattr(data, name).iloc[rows[name].get(k, [])].reset_index(drop=True)
                for name in rows}
        files = set(part["budget_lines"]["source_file"])
        code = agencies[k].code
        out.append((agencies[k], Ingested(
            **part, warnings=[w for w in data.warnings if w.file in files
                              and w.agency in (None, k)], files=sorted(files),
            skipped=data.skipped, annuals=data.annuals,
            cash_plan=plan[plan["agency_code"] == code].reset_index(drop=True)
            if "agency_code" in plan.columns else plan)))
    return out


def with_agency(df: pd.DataFrame, agency: Agency) -> pd.DataFrame:
    """A derived table with the agency's code and name as its first columns."""
    if "agency_code" in df.columns:
        return df
    out = df.copy()
    out.insert(0, "agency_name", pd.array([agency.name] * len(df), dtype="string"))
    out.insert(0, "agency_code", pd.array([agency.code] * len(df), dtype="string"))
    return out
