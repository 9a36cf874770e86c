"""The monthly Laporan Realisasi Anggaran (LRA) of an SKPD, recognised by its header
``KODE REKENING | URAIAN | ANGGARAN | REALISASI`` (no mapping file). ANGGARAN is the pagu.

As the real uploads are (``tests/fixtures/lra-kabupaten/``): title rows ("PEMERINTAH KABUPATEN …",
"LAPORAN REALISASI ANGGARAN …", a "periode …. s.d …. 2022" line often left blank), "Urusan
Pemerintahan / Unit Organisasi / Sub Unit Organisasi : …" (often placeholders), the header over two
merged rows, then rows at akun levels 4, 4.1–4.3, 5, 5.1–5.4 (or deeper). Merged cells are untidy:
the ANGGARAN header spans two columns and the REALISASI values sit in a merged range that starts under
the ANGGARAN header. Each header's span runs from its column to the next header; in a row, the
amounts right of URAIAN are read in order (ANGGARAN, then REALISASI); a lone amount is placed by the
header columns its merged range covers. A row with a code below another code is its child: the
leaves are the budget lines, the parents stated totals (``kind="akun"``) checked by reconcile
(``LEVEL_SUM_MISMATCH``). Realisasi is cumulative to the month.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..errors import CellError, LayoutError
from ..numbers import MAX_AMOUNT, NumberError, is_amount, parse_amount
from ..period import Agency
from .agency import agency_at, agency_in
from .akun import jenis_of, normalise_akun, place
from .layout import norm
from .period import month_in, year_at_end, year_in
from .result import SheetResult, Warning_, negative_amount
from .units import sheet_units, too_large
from ..unknown import unreadable_text
from .workbook import SheetGrid, Unreadable, cell_name, text_of

_RP = r"(\s*\((rp\.?|rupiah|idr)[^)]*\))?$"  # "ANGGARAN (Rp)", "(Rp 000)": the unit, read by .units
_HEAD = {"kode": re.compile(r"^kode\s*(rekening|akun|rek\.?)$", re.I),
         "uraian": re.compile(r"^uraian$", re.I),
         "anggaran": re.compile(r"^(jumlah\s+)?(anggaran|pagu)"
                                r"(\s+(setelah\s+)?(perubahan|pergeseran))?" + _RP, re.I),
         "realisasi": re.compile(r"^(jumlah\s+)?realisasi" + _RP, re.I)}
_OTHER = re.compile(r"^(persentase|prosentase|%|realisasi\s+tahun\s+lalu|lebih\s*/\s*kurang|"
                    r"selisih|sisa|keterangan)", re.I)
_PERIODE = re.compile(r"periode|s\.?\s*d\.?|sampai", re.I)
_SIGNATURE = re.compile(r"kepala|nip\b|nip\.|bendahara|pejabat|mengetahui|,\s*\d{1,2}\s+\w+\s+20\d\d",
                        re.I)
MAX_HEADER_SEARCH = 60
_INITIALS = "kuaprj"  # first letters of the _HEAD labels (kode, uraian, anggaran, pagu, jumlah …)


@dataclass(frozen=True)
class LraHeader:
    row: int                       # 0-based header row
    spans: dict[str, tuple[int, int]]  # role -> [start, end) columns
    others: tuple[tuple[int, int], ...]  # spans of other headers (persentase, …), left unread
    body: int                      # first row after the header block


def find_lra_header(grid: SheetGrid) -> LraHeader | None:
    """The LRA header row and each column's span, or None when the sheet is not an LRA."""
    for r in range(min(len(grid.rows), MAX_HEADER_SEARCH)):
        row = grid.rows[r]
        if len(row) - row.count(None) < 4 or \
                sum(isinstance(v, str) and v.lstrip()[:1].lower() in _INITIALS for v in row) < 4:
            continue  # no four cells that could be the four headers (cheap tests first)
        labels = [(c, norm(v)) for c, v in enumerate(row) if isinstance(v, str)]
        roles = {}
        for c, text in labels:
            for role, pat in _HEAD.items():
                if role not in roles and pat.match(text):
                    roles[role] = c
        if len(roles) < 4:
            continue
        if not roles["kode"] < roles["uraian"] < roles["anggaran"] < roles["realisasi"]:
            continue
        starts = sorted(c for c, _ in labels)
        width = grid.width
        spans, others = {}, []
        for c, text in labels:
            end = next((s for s in starts if s > c), width)
            role = next((k for k, v in roles.items() if v == c), None)
            if role:
                spans[role] = (c, end)
            elif _OTHER.match(text):
                others.append((c, end))
        body = r + 1
        while body < len(grid.rows) and _header_continuation(grid.rows[body]):
            body += 1
        return LraHeader(r, spans, tuple(others), body)
    return None


def _header_continuation(row: list) -> bool:
    """A second header row (merged, empty) or a numbering row ``1 2 3 …`` under the header."""
    vals = [v for v in row if v is not None]
    if not vals:
        return True
    try:
        nums = [int(float(text_of(v))) for v in vals]
    except ValueError:
        return False
    return len(nums) >= 3 and nums == list(range(nums[0], nums[0] + len(nums)))


def _merged_end(grid: SheetGrid) -> dict[tuple[int, int], int]:
    """(row, first column) of a merged range -> its last column."""
    return {(r0, c0): c1 for (r0, c0), (_, c1) in grid.merged}


def period_line(rows: list[list]) -> tuple[int | None, int | None, str | None]:
    """(year, month, the cell stating them) from the title rows: "periode 1 Januari s.d 30
    November 2022" -> (2022, 11, "E5"); a range across years is read at its end (… s.d 28
    Februari 2023 → 2023); a blank "periode …. s.d …. 2022" gives the year only (and its cell)."""
    year = month = cell = year_cell = None
    closes = None   # the year the periode line closes on ("… s.d 28 Februari 2023"): it wins
    for r, row in enumerate(rows):
        text = " ".join(text_of(v) for v in row if v is not None)
        if not text:
            continue
        at = cell_name(r, next(c for c, v in enumerate(row) if v is not None))
        if year is None and (year := year_in(text)) is not None:
            year_cell = at
        said = month_in(text) if _PERIODE.search(text) else None
        if said is not None:
            month, cell = said, at
            closes = year_at_end(text) or closes
    return closes or year, month, cell or year_cell


class LraReader:
    """Registered in :mod:`lkjip_helpers.excel.readers`."""

    name = "lra"

    def match(self, grid, ctx):
        if ctx.mapping is not None:
            return None
        return find_lra_header(grid)

    def read(self, grid, ctx, header):
        return [read_lra(grid, header)]


def read_lra(grid: SheetGrid, header: LraHeader) -> SheetResult:
    title = grid.rows[:header.row]
    year, month, cell = period_line(title)
    agency, agency_cell = agency_at(title)
    res = SheetResult(grid.file.name, grid.name, year, None, month=month,
                      agency=agency or Agency(), reader="lra", period_cell=cell,
                      agency_cell=agency_cell)
    if month is not None:
        from ..period import quarter_of_month

        res.quarter = quarter_of_month(month)
    for r, row in enumerate(title):
        if any(v is not None for v in row):
            res.roles.append({"row": r + 1, "role": "title", "note": ""})
    for r in range(header.row, header.body):
        if any(v is not None for v in grid.rows[r]):
            res.roles.append({"row": r + 1, "role": "header", "note": ""})
    merged = _merged_end(grid)
    skip = frozenset(c for s, e in header.others for c in range(s, e))  # columns left unread
    scale = _units(grid, header, res.warnings)
    rows: list[dict] = []
    signed = False  # a signature-like row seen: code-less rows after it are the signature block
    for r in range(header.body, len(grid.rows)):
        row = grid.rows[r]
        if row.count(None) == len(row):  # an empty row
            continue
        rec = _row(grid, header, merged, r, res.warnings, skip, scale)
        if rec is not None:  # a line, even below a signature: nothing with a code is dropped
            rows.append(rec)
            res.roles.append({"row": r + 1, "role": "line", "note": ""})
            continue
        texts = " ".join(text_of(v) for v in row if v is not None)
        if not _has_amount(row, header):  # a heading, a wrapped name, the signature: no money
            other = agency_in([row]) if rows and not signed else None
            # a second SKPD's block (its Unit Organisasi line) below the first's lines: never
            # summed into the first (with a title naming none, a line naming one may be a page
            # header's: not refused)
            title = res.agency
            if other is not None and (title.code or title.name) and not other.same_as(title):
                raise LayoutError(f"baris {r + 1} menyebut instansi lain ({other.label}) di tengah "
                                  f"tabel {res.agency.label}: satu lembar LRA satu instansi; "
                                  "pisahkan tiap instansi ke lembarnya sendiri", grid.file,
                                  grid.name, cell_name(r, next(c for c, v in enumerate(row)
                                                               if v is not None)))
            signed = signed or bool(_SIGNATURE.search(texts))
            res.roles.append({"row": r + 1, "role": "signature" if signed else "title",
                              "note": ""})
            continue
        c = next(c for c, v in enumerate(row) if v is not None)
        res.warnings.append(Warning_(grid.file.name, grid.name, cell_name(r, c), "UNREAD_ROW",
                                     f"baris {r + 1} tanpa kode rekening: {texts[:60]!r}"))
        res.roles.append({"row": r + 1, "role": "reported", "note": ""})
    if not rows:
        raise LayoutError("LRA punya baris judul tetapi tidak ada baris dengan kode "
                          "rekening", grid.file,
                          grid.name, cell_name(header.body, header.spans["kode"][0]))
    _place(res, rows, grid)
    return res


def _units(grid: SheetGrid, header: LraHeader, warnings: list) -> dict[str, Decimal]:
    """The factor of each amount column's stated unit ("(Dalam Ribuan Rupiah)" in the title rows,
    "ANGGARAN (Rp 000)" over a column; see :mod:`.units`), each stated unit with a warning; a unit
    that cannot be read, or two that disagree, refuse the sheet naming the cell."""
    spans = {k: list(range(*header.spans[k])) for k in ("anggaran", "realisasi")}
    sheet, cols = sheet_units(grid, list(range(header.row)), list(range(header.row, header.body)),
                              [spans["anggaran"], spans["realisasi"]], None)
    factor = {}
    for key, span in spans.items():
        unit = next((cols[c] for c in span if c in cols), sheet)
        factor[key] = unit.factor if unit is not None else Decimal(1)
    if len(set(factor.values())) > 1:  # a merged REALISASI range may start under ANGGARAN
        raise LayoutError("ANGGARAN dan REALISASI dinyatakan dalam satuan berbeda; nyatakan satu "
                          "satuan untuk keduanya", grid.file, grid.name,
                          next(u.cell for u in cols.values()))
    for unit in {u.cell: u for u in [sheet, *cols.values()] if u is not None}.values():
        if unit.factor != 1:
            warnings.append(Warning_(grid.file.name, grid.name, unit.cell, "UNIT_SCALED",
                                     unit.note))
    return factor


def _has_amount(row: list, header: LraHeader) -> bool:
    """Whether a row holds, from the ANGGARAN column on, a number or a text read as an amount
    (``'-'``, ``'0'``, ``'1.234.567'``), not a name, date or signature line."""
    return any(is_amount(v) for v in row[header.spans["anggaran"][0]:])


def _first(row: list, span: tuple[int, int]) -> tuple[int, object] | None:
    for c in range(span[0], min(span[1], len(row))):
        if row[c] is not None:
            return c, row[c]
    return None


def _row(grid, header: LraHeader, merged, r: int, warnings: list,
         skip: frozenset = frozenset(), scale: dict | None = None) -> dict | None:
    row = grid.rows[r]
    kode = _first(row, header.spans["kode"])
    code = normalise_akun(kode[1]) if kode else None
    if code is None:
        return None
    name = _first(row, header.spans["uraian"])
    lo, hi = header.spans["anggaran"][0], header.spans["realisasi"][1]
    cells = [(c, v) for c, v in enumerate(row[lo:hi], start=lo) if v is not None and c not in skip]
    where = lambda c: cell_name(r, c)  # noqa: E731
    if len(cells) > 2:
        raise CellError(f"{len(cells)} angka di tempat ANGGARAN dan REALISASI: "
                        f"{', '.join(where(c) for c, _ in cells)}", grid.file, grid.name,
                        where(cells[2][0]))
    ang_col, real_col = header.spans["anggaran"][0], header.spans["realisasi"][0]
    if len(cells) == 2:
        (ac, av), (rc, rv) = cells
    elif len(cells) == 1:
        c, v = cells[0]
        end = merged.get((r, c), c)
        if c >= real_col or (end >= real_col and c != ang_col):
            (ac, av), (rc, rv) = (ang_col, None), (c, v)
        else:
            (ac, av), (rc, rv) = (c, v), (real_col, None)
    else:
        (ac, av), (rc, rv) = (ang_col, None), (real_col, None)
    if rv is None:  # an empty REALISASI is named where its value would sit (a merged range's start)
        rc = next((c0 for (r0, c0), c1 in merged.items() if r0 == r and c0 <= real_col <= c1
                   and c0 != ac), rc)
    factor = (scale or {}).get("anggaran", Decimal(1))
    out = {"kode": code, "name": text_of(name[1]).strip() if name else "",
           "row": r, "source_cell": where(kode[0]), "pagu_cell": where(ac),
           "realisasi_cell": where(rc), "unit": int(factor) if factor != 1 else None}
    for key, c, v, label in (("pagu", ac, av, "anggaran"), ("realisasi", rc, rv, "realisasi")):
        if v is None:
            warnings.append(Warning_(grid.file.name, grid.name, where(c), "MISSING_VALUE",
                                     f"{label} akun {code} kosong, dibaca 0"))
        if isinstance(v, Unreadable):  # an error value or a formula without its value: never 0;
            out[key] = None            # a line's refuses the sheet, a parent's is not checked
            out.setdefault("unreadable", []).append((key, where(c), unreadable_text(v)))
            continue
        try:
            parsed = parse_amount(v)
        except NumberError:
            raise CellError(f"{text_of(v)!r} bukan jumlah rupiah", grid.file, grid.name,
                            where(c)) from None
        if parsed.note:
            warnings.append(Warning_(grid.file.name, grid.name, where(c), "AMBIGUOUS_NUMBER",
                                     parsed.note))
        out[key] = parsed.value * factor if factor != 1 else parsed.value
        if abs(out[key]) >= MAX_AMOUNT:
            raise CellError(too_large(v, factor), grid.file, grid.name, where(c))
        if parsed.value < 0:
            warnings.append(negative_amount(grid.file.name, grid.name, where(c), key,
                                            out[key]))
    return out


def place_rows(res: SheetResult, rows: list[dict], grid: SheetGrid) -> None:
    """Rows with akun codes (``kode, name, pagu, realisasi`` and their cells) into ``res``: leaves
    become budget lines, parents stated totals (``kind="akun"``); a code twice is refused."""
    _place(res, rows, grid)


def _place(res: SheetResult, rows: list[dict], grid: SheetGrid) -> None:
    """Leaves become budget lines, parents stated totals; a code twice is refused."""
    seen: dict[str, dict] = {}
    for rec in rows:
        if rec["kode"] in seen:
            raise CellError(f"kode rekening {rec['kode']} juga ada di "
                            f"{seen[rec['kode']]['source_cell']}",
                            grid.file, grid.name, rec["source_cell"])
        seen[rec["kode"]] = rec
    parent = place([r["kode"] for r in rows])
    has_child = {p for p in parent.values() if p is not None}
    top_no: dict[str, int] = {}   # a line's "program" is its top akun (5 BELANJA DAERAH): the
    for rec in rows:              # number and the name of one and the same row
        code = rec["kode"]
        top = code.split(".")[0]
        group = parent[code] or code
        program_no = top_no.setdefault(top, len(top_no) + 1)
        base = {"pagu": rec["pagu"], "realisasi": rec["realisasi"], "capaian": None,
                "capaian_decimals": None, "source_cell": rec["source_cell"],
                "pagu_cell": rec["pagu_cell"], "realisasi_cell": rec["realisasi_cell"],
                "capaian_cell": None, "part": None, "unit": rec.get("unit")}
        for key, cell, why in rec.get("unreadable", ()):
            if code not in has_child:  # a line's amount unknown: nothing of the sheet is summed
                raise CellError(why, grid.file, grid.name, cell)
            res.warnings.append(Warning_(grid.file.name, grid.name, cell, "MISSING_VALUE",
                                         f"{key} akun induk {code}: {why}; tidak diperiksa "
                                         "terhadap rinciannya"))
        if code in has_child:
            res.stated.append({"kind": "akun", "label": rec["name"], "kode": code,
                               "program_no": program_no, "amount": None, "amount_cell": None,
                               **base})
            continue
        res.lines.append({"program_no": program_no, "program": (seen.get(top) or seen[group])["name"],
                          "kegiatan": rec["name"], "kode": code, "level": "akun", "akun": code,
                          "jenis": jenis_of(code), "line": len(res.lines) + 1, **base})


def money(value) -> Decimal:
    return Decimal(value)
