"""The long layout: one row per budget line per quarter, columns named by a small YAML mapping.

Example (``mappings/realisasi_belanja.yaml``)::

    layout: long
    sheet: Sheet1            # optional: the first sheet
    columns:                 # header text in the sheet for each field
      year: Tahun
      quarter: Triwulan
      kode: Kode Belanja     # optional: an id for the line
      kegiatan: Uraian Belanja
      program: Jenis Belanja # optional: the group a line belongs to
      pagu: Anggaran
      realisasi: Realisasi
      capaian: "% Realisasi Anggaran"   # optional
    capaian_scale: percent   # numbers in the capaian column: percent (15.13) or fraction (0.1513)
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import CellError, ConfigError, LayoutError
from ..numbers import NumberError, parse_amount, parse_percent
from .layout import norm
from .result import SheetResult, Warning_
from .period import ROMAN, quarter_in, year_in
from .workbook import SheetGrid, cell_name, text_of

REQUIRED = ("year", "quarter", "kegiatan", "pagu", "realisasi")
OPTIONAL = ("kode", "program", "capaian")


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, str]
    sheet: str | None = None
    capaian_scale: str = "percent"
    path: Path | None = None


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; a bad one raises :class:`ConfigError` naming the problem."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the mapping ({exc.strerror})", path) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML ({str(exc).splitlines()[0]})", path) from None
    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
        raise ConfigError("a mapping needs a 'columns:' section naming the sheet's headers", path)
    if data.get("layout", "long") != "long":
        raise ConfigError(f"layout {data.get('layout')!r} is not supported (only 'long')", path)
    cols = {str(k): str(v) for k, v in data["columns"].items()}
    missing = [k for k in REQUIRED if k not in cols]
    unknown = [k for k in cols if k not in REQUIRED + OPTIONAL]
    if missing:
        raise ConfigError(f"columns: missing {', '.join(missing)}", path)
    if unknown:
        raise ConfigError(f"columns: unknown field(s) {', '.join(unknown)}; "
                          f"known: {', '.join(REQUIRED + OPTIONAL)}", path)
    scale = data.get("capaian_scale", "percent")
    if scale not in ("percent", "fraction"):
        raise ConfigError("capaian_scale must be 'percent' or 'fraction'", path)
    return Mapping(cols, data.get("sheet"), scale, path)


def _quarter(value) -> int | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value) if value in (1, 2, 3, 4) else None
    text = text_of(value).strip().upper()
    return ROMAN.get(text) or (int(text) if text in ("1", "2", "3", "4") else quarter_in(text))


def find_long_header(grid: SheetGrid, mapping: Mapping) -> tuple[int, dict] | None:
    """The header row (0-based) holding every mapped column, and each field's column; None when
    the sheet is not the mapped one or has no such row in its first 50."""
    if mapping.sheet is not None and grid.name != mapping.sheet:
        return None
    wanted = {k: norm(v).lower() for k, v in mapping.columns.items()}
    for r, row in enumerate(grid.rows[:50]):
        found = {norm(v).lower(): c for c, v in enumerate(row) if v is not None}
        if all(w in found for w in wanted.values()):
            return r, {k: found[w] for k, w in wanted.items()}
    return None


def long_header_error(grid: SheetGrid, mapping: Mapping) -> LayoutError:
    first = grid.rows[0] if grid.rows else []
    have = ", ".join(repr(text_of(v)) for v in first if v is not None) or "nothing"
    missing = [v for v in mapping.columns.values()]
    return LayoutError(f"no header row with the mapped columns {missing}; row 1 has {have}",
                       grid.file, grid.name, "A1")


def read_long(grids: list[SheetGrid], mapping: Mapping) -> list[SheetResult]:
    """Budget lines from a long table, one :class:`SheetResult` per (year, quarter)."""
    if mapping.sheet is not None:
        grids = [g for g in grids if g.name == mapping.sheet]
        if not grids:
            raise LayoutError(f"no sheet named {mapping.sheet!r} (the mapping asks for it)",
                              mapping.path)
    found = find_long_header(grids[0], mapping)
    if found is None:
        raise long_header_error(grids[0], mapping)
    return read_long_sheet(grids[0], mapping, found)


def read_long_sheet(grid: SheetGrid, mapping: Mapping, found: tuple[int, dict]
                    ) -> list[SheetResult]:
    """The budget lines of one sheet whose header :func:`find_long_header` found."""
    header, cols = found
    results: dict[tuple[int, int], SheetResult] = {}
    programs: dict[str, int] = {}
    for r in range(header + 1, len(grid.rows)):
        row = grid.rows[r]
        if not any(v is not None for v in row):
            continue
        get = lambda k: row[cols[k]] if k in cols and cols[k] < len(row) else None  # noqa: E731
        year = year_in(text_of(get("year")))
        quarter = _quarter(get("quarter"))
        if year is None:
            raise CellError(f"{text_of(get('year'))!r} is not a year", grid.file, grid.name,
                            cell_name(r, cols["year"]))
        if quarter is None:
            raise CellError(f"{text_of(get('quarter'))!r} is not a quarter (I-IV or 1-4)",
                            grid.file, grid.name, cell_name(r, cols["quarter"]))
        res = results.setdefault((year, quarter),
                                 SheetResult(grid.file.name, grid.name, year, quarter))
        amounts = {}
        for k in ("pagu", "realisasi"):
            try:
                parsed = parse_amount(get(k))
            except NumberError:
                raise CellError(f"{text_of(get(k))!r} is not a rupiah amount", grid.file,
                                grid.name, cell_name(r, cols[k])) from None
            if parsed.note:
                res.warnings.append(Warning_(grid.file.name, grid.name, cell_name(r, cols[k]),
                                             "AMBIGUOUS_NUMBER", parsed.note))
            amounts[k] = parsed.value
        cap = None
        if "capaian" in cols and get("capaian") is not None:
            value = get("capaian")
            try:
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    value = f"{round(value * (100 if mapping.capaian_scale == 'fraction' else 1), 10)!r}%"
                cap = parse_percent(value)
            except NumberError:
                raise CellError(f"{text_of(get('capaian'))!r} is not a percentage", grid.file,
                                grid.name, cell_name(r, cols["capaian"])) from None
        program = text_of(get("program")).strip() if "program" in cols else ""
        program_no = programs.setdefault(program, len(programs) + 1)
        name_cell = cell_name(r, cols["kegiatan"])
        res.lines.append({
            "program_no": program_no, "program": program,
            "kegiatan": text_of(get("kegiatan")).strip(),
            "kode": text_of(get("kode")).strip() if "kode" in cols else None,
            "pagu": amounts["pagu"], "realisasi": amounts["realisasi"],
            "capaian": cap[0] if cap else None, "capaian_decimals": cap[1] if cap else None,
            "line": len(res.lines) + 1, "part": None, "source_cell": name_cell,
            "pagu_cell": cell_name(r, cols["pagu"]),
            "realisasi_cell": cell_name(r, cols["realisasi"]),
            "capaian_cell": cell_name(r, cols["capaian"]) if "capaian" in cols else None,
        })
        res.roles.append({"row": r + 1, "role": "line", "note": ""})
    for res in results.values():
        res.roles.insert(0, {"row": header + 1, "role": "header", "note": ""})
    return [results[k] for k in sorted(results)]
