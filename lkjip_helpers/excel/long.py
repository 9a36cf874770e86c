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
from decimal import Decimal
from pathlib import Path

import yaml

from ..errors import CellError, ConfigError, LayoutError
from ..numbers import NumberError, parse_amount, parse_percent
from ..period import Agency, Period
from .akun import normalise_akun
from .layout import norm
from .lra import place_rows
from .result import SheetResult, Warning_, negative_amount
from .period import ROMAN, quarter_in, year_in
from .workbook import SheetGrid, Unreadable, cell_name, text_of
from ..unknown import UNKNOWN_NOTE, unreadable_text

REQUIRED = ("year", "realisasi")
OPTIONAL = ("quarter", "month", "kegiatan", "pagu", "kode", "akun", "program", "capaian",
            "agency_code", "agency_name")


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
        raise ConfigError(f"pemetaan tidak dapat dibaca ({exc.strerror})", path) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"bukan YAML yang sah ({str(exc).splitlines()[0]})", path) from None
    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
        raise ConfigError("pemetaan memerlukan bagian 'columns:' yang menyebut judul kolom "
                          "sheet", path)
    if data.get("layout", "long") != "long":
        raise ConfigError(f"layout {data.get('layout')!r} tidak didukung (hanya 'long')", path)
    cols = {str(k): str(v) for k, v in data["columns"].items()}
    missing = [k for k in REQUIRED if k not in cols]
    if "quarter" not in cols and "month" not in cols:
        missing.append("quarter or month")
    if "kegiatan" not in cols and "akun" not in cols:
        missing.append("kegiatan atau akun")
    unknown = [k for k in cols if k not in REQUIRED + OPTIONAL]
    if missing:
        raise ConfigError(f"columns: tidak ada {', '.join(missing)}", path)
    if unknown:
        raise ConfigError(f"columns: kolom tidak dikenal {', '.join(unknown)}; "
                          f"yang dikenal: {', '.join(REQUIRED + OPTIONAL)}", path)
    scale = data.get("capaian_scale", "percent")
    if scale not in ("percent", "fraction"):
        raise ConfigError("capaian_scale harus 'percent' atau 'fraction'", path)
    return Mapping(cols, data.get("sheet"), scale, path)


def _month(value) -> int:
    """A month number (``6``, ``6.0``, ``"06"``), name ("Juni", "Nopember") or date, read as
    the SIPD-RI exports' bulan column is (:func:`sipd.month_of`); ValueError for anything else,
    also ``10.5`` (it was read as October)."""
    from .sipd import month_of

    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        month = month_of(value, None)
    except LayoutError:
        raise ValueError(text_of(value)) from None
    if month is None:
        raise ValueError("")
    return month


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
    have = ", ".join(repr(text_of(v)) for v in first if v is not None) or "kosong"
    missing = [v for v in mapping.columns.values()]
    return LayoutError(f"tidak ada baris judul dengan kolom yang dipetakan {missing}; baris 1 "
                       f"berisi {have}",
                       grid.file, grid.name, "A1")


def read_long(grids: list[SheetGrid], mapping: Mapping) -> list[SheetResult]:
    """Budget lines from a long table, one :class:`SheetResult` per (year, quarter)."""
    if mapping.sheet is not None:
        grids = [g for g in grids if g.name == mapping.sheet]
        if not grids:
            raise LayoutError(f"tidak ada sheet bernama {mapping.sheet!r} (diminta oleh pemetaan)",
                              mapping.path)
    found = find_long_header(grids[0], mapping)
    if found is None:
        raise long_header_error(grids[0], mapping)
    return read_long_sheet(grids[0], mapping, found)


def read_long_sheet(grid: SheetGrid, mapping: Mapping, found: tuple[int, dict]
                    ) -> list[SheetResult]:
    """The budget lines of one sheet whose header :func:`find_long_header` found: one result per
    agency (``agency_code``/``agency_name`` columns, when mapped) and period (``month`` or
    ``quarter``). With an ``akun`` column, rows are placed by their account codes (parents become
    stated totals, as in the LRA). Without a ``pagu`` column, pagu is 0 and the sheet says so
    (``pagu_cell`` empty: no absorption or percentage check is made against it)."""
    header, cols = found
    results: dict[tuple, SheetResult] = {}
    akun_rows: dict[tuple, list[dict]] = {}
    programs: dict[str, int] = {}
    for r in range(header + 1, len(grid.rows)):
        row = grid.rows[r]
        if not any(v is not None for v in row):
            continue
        get = lambda k: row[cols[k]] if k in cols and cols[k] < len(row) else None  # noqa: E731
        res = _result_for(results, grid, cols, get, r)
        amounts = {"pagu": Decimal(0)}
        for k in ("pagu", "realisasi"):
            if k not in cols:
                continue
            if isinstance(get(k), Unreadable) and "akun" not in cols:  # never 0: unknown
                res.warnings.append(Warning_(grid.file.name, grid.name, cell_name(r, cols[k]),
                                             "MISSING_VALUE", f"{k}: {unreadable_text(get(k))}; "
                                             f"{UNKNOWN_NOTE}"))
                amounts[k] = None
                continue
            try:
                parsed = parse_amount(get(k))
            except NumberError:  # an error value among account rows: refused, never 0
                why = unreadable_text(get(k)) if isinstance(get(k), Unreadable) else \
                    f"{text_of(get(k))!r} bukan jumlah rupiah"
                raise CellError(why, grid.file, grid.name, cell_name(r, cols[k])) from None
            if parsed.note:
                res.warnings.append(Warning_(grid.file.name, grid.name, cell_name(r, cols[k]),
                                             "AMBIGUOUS_NUMBER", parsed.note))
            amounts[k] = parsed.value
            if parsed.value < 0:
                res.warnings.append(negative_amount(grid.file.name, grid.name,
                                                    cell_name(r, cols[k]), k, parsed.value))
        cap = None
        if "capaian" in cols and isinstance(get("capaian"), Unreadable):
            text = unreadable_text(get("capaian"))
            res.warnings.append(Warning_(grid.file.name, grid.name, cell_name(r, cols["capaian"]),
                                         "MISSING_VALUE", f"capaian: {text}; dianggap kosong"))
        elif "capaian" in cols and get("capaian") is not None:
            value = get("capaian")
            try:
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    value = f"{round(value * (100 if mapping.capaian_scale == 'fraction' else 1), 10)!r}%"
                cap = parse_percent(value)
            except NumberError:
                raise CellError(f"{text_of(get('capaian'))!r} bukan persentase", grid.file,
                                grid.name, cell_name(r, cols["capaian"])) from None
        pagu_cell = cell_name(r, cols["pagu"]) if "pagu" in cols else None
        res.roles.append({"row": r + 1, "role": "line", "note": ""})
        if "akun" in cols:
            code = normalise_akun(get("akun"))
            if code is None:
                raise CellError(f"{text_of(get('akun'))!r} bukan kode rekening", grid.file,
                                grid.name, cell_name(r, cols["akun"]))
            akun_rows.setdefault(id(res), []).append({
                "kode": code, "name": text_of(get("kegiatan")).strip() if "kegiatan" in cols
                else code, "pagu": amounts["pagu"], "realisasi": amounts["realisasi"], "row": r,
                "source_cell": cell_name(r, cols["akun"]), "pagu_cell": pagu_cell,
                "realisasi_cell": cell_name(r, cols["realisasi"])})
            continue
        program = text_of(get("program")).strip() if "program" in cols else ""
        program_no = programs.setdefault(program, len(programs) + 1)
        res.lines.append({
            "program_no": program_no, "program": program,
            "kegiatan": text_of(get("kegiatan")).strip(),
            "kode": text_of(get("kode")).strip() if "kode" in cols else None,
            "pagu": amounts["pagu"], "realisasi": amounts["realisasi"],
            "capaian": cap[0] if cap else None, "capaian_decimals": cap[1] if cap else None,
            "line": len(res.lines) + 1, "part": None,
            "source_cell": cell_name(r, cols["kegiatan"]), "pagu_cell": pagu_cell,
            "realisasi_cell": cell_name(r, cols["realisasi"]),
            "capaian_cell": cell_name(r, cols["capaian"]) if "capaian" in cols else None,
        })
    for res in results.values():
        if id(res) in akun_rows:
            place_rows(res, akun_rows[id(res)], grid)
        res.roles.insert(0, {"row": header + 1, "role": "header", "note": ""})
        if "pagu" not in cols:
            res.warnings.append(Warning_(grid.file.name, grid.name, cell_name(header, 0),
                                         "MISSING_VALUE", "tabel tidak memuat pagu: pagu dibaca "
                                         "0, penyerapan tidak dihitung"))
    return [results[k] for k in sorted(results, key=lambda k: (k[0], k[1], k[2].sort_key()))]


def _result_for(results: dict, grid: SheetGrid, cols: dict, get, r: int) -> SheetResult:
    """The result of the row's agency and period (made on first use)."""
    year = year_in(text_of(get("year")))
    if year is None:
        raise CellError(f"{text_of(get('year'))!r} bukan tahun", grid.file, grid.name,
                        cell_name(r, cols["year"]))
    if "month" in cols:
        month = get("month")
        try:
            period = Period.monthly(year, _month(month))
        except ValueError:
            raise CellError(f"{text_of(month)!r} bukan bulan (1-12)", grid.file, grid.name,
                            cell_name(r, cols["month"])) from None
    else:
        quarter = _quarter(get("quarter"))
        if quarter is None:
            raise CellError(f"{text_of(get('quarter'))!r} bukan triwulan (I-IV atau 1-4)",
                            grid.file, grid.name, cell_name(r, cols["quarter"]))
        period = Period.quarterly(year, quarter)
    agency = Agency(text_of(get("agency_code")).strip(), text_of(get("agency_name")).strip())
    key = (agency.code, agency.name, period)
    if key not in results:
        res = SheetResult(grid.file.name, grid.name, year, period.quarter, agency=agency)
        res.set_period(period)
        results[key] = res
    return results[key]
