"""From workbooks to tidy tables: budget lines, stated totals, indicator rows, row roles, warnings."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import LayoutError, WorkbookError
from .excel.layout import find_layout
from .excel.long import Mapping, load_mapping, read_long
from .excel.matrix import SheetResult, Warning_, read_sheet
from .excel.workbook import SPREADSHEET_SUFFIXES, open_workbook
from .files import check_output
from .numbers import money_json
from .schema import frame

TABLES = ("budget_lines", "stated_totals", "indicators", "row_roles")
ANNUAL_SHEETS = {"pk", "indikator", "anggaran", "anggaran_pk"}


@dataclass
class Ingested:
    """The tidy tables of one or more workbooks."""

    budget_lines: pd.DataFrame
    stated_totals: pd.DataFrame
    indicators: pd.DataFrame
    row_roles: pd.DataFrame
    warnings: list[Warning_] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    annuals: list = field(default_factory=list)  # annual.Annual, read while ingesting

    @property
    def periods(self) -> list[tuple[int, int]]:
        bl = self.budget_lines
        return sorted({(int(y), int(q)) for y, q in zip(bl["year"], bl["quarter"])})

    def summary(self) -> dict:
        """Per period: programs, kegiatan and sums over the budget lines (not the Total row)."""
        out = []
        for (year, quarter), g in self.budget_lines.groupby(["year", "quarter"], sort=True):
            programs = g[["source_file", "source_sheet", "program_no"]].drop_duplicates()
            out.append({"year": int(year), "quarter": int(quarter), "programs": len(programs),
                        "kegiatan": len(g), "pagu": money_json(g["pagu"].sum()),
                        "realisasi": money_json(g["realisasi"].sum())})
        return {"periods": out, "warnings": [str(w) for w in self.warnings]}


def workbook_paths(paths: list[Path]) -> list[Path]:
    """The files to read: each named file, and the spreadsheets in each named folder (sorted).
    Excel's lock files (``~$name.xlsx``) are left out."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith("~$")
                              and f.suffix.lower() in SPREADSHEET_SUFFIXES))
        elif p.exists():
            out.append(p)
        else:
            raise WorkbookError("no such file or folder", p)
    if not out:
        raise WorkbookError("no workbook (.xlsx) found", paths[0] if paths else None)
    return out


def is_annual_workbook(sheet_names: list[str]) -> bool:
    """The yearly kinerja workbook (``lkjip template``) is read by the indicators step."""
    return {s.strip().lower() for s in sheet_names} >= {"pk", "indikator"}


def ingest(paths: list[Path | str], year: int | None = None, quarter: int | None = None,
           mapping: Mapping | Path | str | None = None) -> Ingested:
    """Read workbooks into tidy tables. Raises the package's errors for bad input."""
    if mapping is not None and not isinstance(mapping, Mapping):
        mapping = load_mapping(Path(mapping))
    results: list[SheetResult] = []
    files, skipped, annuals = [], [], []
    for path in workbook_paths([Path(p) for p in paths]):
        grids = open_workbook(path)
        if mapping is not None:
            found = read_long(grids, mapping)
        else:
            if is_annual_workbook([g.name for g in grids]):
                from .annual import read_annual

                annuals.append(read_annual(path))  # the same error standard as the quarters
                skipped.append(f"{path.name} (annual workbook)")
                continue
            found = []
            for grid in grids:
                if not grid.visible:  # an old copy kept out of sight must not count twice
                    skipped.append(f"{path.name} sheet {grid.name!r} (hidden)")
                    continue
                layout = find_layout(grid)
                if layout is not None:
                    found.append(read_sheet(grid, year, quarter, layout))
            if not found:
                first = grids[0].name if grids else None
                raise LayoutError("no Pengukuran Kinerja table: no header row with "
                                  "'Program/Kegiatan' and 'Pagu'", path, first)
        if year is not None or quarter is not None:
            for res in found:
                res.year, res.quarter = year or res.year, quarter or res.quarter
        results.extend(found)
        files.append(path.name)
    if mapping is None:
        _check_one_sheet_per_period(results)
    out = assemble(results, files, skipped)
    out.annuals = annuals
    return out


def _check_one_sheet_per_period(results: list[SheetResult]) -> None:
    """Two sheets for the same quarter (a revised copy beside the original) would count every
    kegiatan twice: refuse, naming both, rather than guess which one holds."""
    seen: dict[tuple[int, int], SheetResult] = {}
    for res in results:
        key = (res.year, res.quarter)
        if key in seen:
            first = seen[key]
            raise LayoutError(
                f"TW {res.quarter} {res.year} is also in {first.file}, sheet {first.sheet!r}: keep "
                f"one workbook per quarter in the folder (or give the files one by one)",
                res.file, res.sheet)
        seen[key] = res


def assemble(results: list[SheetResult], files: list[str], skipped: list[str]) -> Ingested:
    lines, stated, indicators, roles, warnings = [], [], [], [], []
    for res in results:
        src = {"year": res.year, "quarter": res.quarter, "source_file": res.file,
               "source_sheet": res.sheet}
        for rec in res.lines:
            lines.append({**src, "kode": None, **{k: v for k, v in rec.items() if k != "part"},
                          "source_part": rec.get("part")})
        for rec in res.stated:
            stated.append({**src, **{k: v for k, v in rec.items() if k != "part"},
                           "source_part": rec.get("part")})
        indicators.extend({**src, **rec} for rec in res.indicators)
        roles.extend({"source_file": res.file, "source_sheet": res.sheet, **rec}
                     for rec in res.roles)
        warnings.extend(res.warnings)
    return Ingested(frame(lines, "budget_lines"), frame(stated, "stated_totals"),
                    frame(indicators, "indicators"), frame(roles, "row_roles"),
                    warnings, files, skipped)


def is_our_table(path: Path) -> bool:
    """A table file ingest writes: Parquet (``PAR1``) or the warnings' JSON list."""
    with open(path, "rb") as fh:
        head = fh.read(4)
    return head == b"PAR1" if path.suffix == ".parquet" else head[:1] == b"["


def write_tables(data: Ingested, out: Path | None, root: Path) -> list[Path]:
    """Write the tables as Parquet, per year: into ``out`` when the data hold one year, into
    ``out/<year>/`` when they hold several; without ``out``, into ``data/processed/<year>/``.

    Each folder appears whole or not at all: tables are written to a temporary folder beside it,
    which then replaces the files one rename at a time only after all were written."""
    written = []
    years = sorted({y for y, _ in data.periods}) or [None]
    for year in years:
        if out is None:
            target = root / "data" / "processed" / str(year)
        else:
            target = Path(out) / str(year) if len(years) > 1 else Path(out)
        target.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".ingest-", dir=target))
        try:
            for name in TABLES:
                df = getattr(data, name)
                if year is not None and "year" in df.columns:
                    df = df[df["year"] == year]
                elif year is not None and name == "row_roles":
                    files = set(data.budget_lines.loc[data.budget_lines["year"] == year,
                                                      "source_file"])
                    df = df[df["source_file"].isin(files)]
                df.reset_index(drop=True).to_parquet(tmp / f"{name}.parquet", index=False)
            (tmp / "warnings.json").write_text(json.dumps(
                [w.as_dict() for w in data.warnings], ensure_ascii=False, indent=1),
                encoding="utf-8")
            for f in sorted(tmp.iterdir()):  # a link, FIFO or device there is refused
                check_output(target / f.name, ours=is_our_table)
            for f in sorted(tmp.iterdir()):
                os.replace(f, target / f.name)
                written.append(target / f.name)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return written
