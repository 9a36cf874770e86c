"""Reading the matrix layout: one row per program or kegiatan, interleaved, as agencies print it.

Every non-empty row of a sheet is given a role: ``title``, ``header``, ``line`` (program or kegiatan),
``indicator``, ``total``, ``footer``, ``signature`` or ``reported`` (kept in the warnings with its cell).
"""
from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd

from ..errors import CellError, LayoutError
from ..numbers import (MAX_AMOUNT, MAX_PERCENT_DECIMALS, NumberError, TooLarge, format_rupiah,
                       is_amount, parse_amount, parse_percent, percent_of_number)
from .formats import cell_formats, percent_decimals
from .hierarchy import infer_hierarchy
from .layout import Layout, find_layout, header_repeat_test, norm
from ..period import Agency, quarter_of_month, tw
from .agency import agency_at
from .codes import sub_kegiatan_rows
from .period import detect_period, quarters_named, year_in
from .result import SheetResult, Warning_
from ..unknown import UNKNOWN_NOTE, unreadable_text
from .units import sheet_units, too_large
from .workbook import SheetGrid, Unreadable, cell_name, column_letter, text_of

_ONE = Decimal(1)

# "Total", "Jumlah Total", "TOTAL BELANJA OPD", "Total (Rp)", "Jumlah Program dan Kegiatan",
# "JUMLAH BELANJA LANGSUNG DAN TIDAK LANGSUNG": Total / Jumlah alone or before words that sum the
# budget, and nothing else (never "Jumlah Penerima Bantuan" nor "Total Belanja Pegawai Non ASN",
# kegiatan; a last row carrying the sum under another label is found by _grand_row)
_SUM_WORDS = (r"total|jumlah|keseluruhan|seluruh|seluruhnya|semua|anggaran|belanja|program|"
              r"kegiatan|sub|dan|pagu|langsung|tidak|dinas|opd|skpd|perangkat|daerah|badan|urusan|"
              r"rp\.?|\(rp\.?\)")
_TOTAL = re.compile(rf"^(grand\s+)?(total|jumlah)(\s*\(\s*rp\.?\s*\))?(\s+(total|keseluruhan|"
                    rf"seluruh\w*|semua|anggaran|belanja|program|pagu|dinas|opd|skpd|perangkat)\b"
                    rf"(\s+({_SUM_WORDS}))*)?\s*:?$", re.I)
_SPACED = re.compile(r"^(\w )+\w$")  # "T O T A L"
_FOOTER = re.compile(r"^(?P<label>[^:]*?[A-Za-z][^:]*?)\s*:\s*(?P<amount>(?:Rp\.?\s*)?\(?-?\s*"
                     r"[\d.,\s]*\d[\d.,]*\)?\s*(?:,-|\.-|-)?)\s*$", re.I)
_RP_ONLY = re.compile(r"^(rp\.?|idr)$", re.I)


class _Reader:
    def __init__(self, grid: SheetGrid, layout: Layout):
        self.grid, self.layout = grid, layout
        self.file = grid.file.name
        self.warnings: list[Warning_] = []
        self._ind_cols: dict | None = None
        self.sheet_unit, self.col_units = None, {}
        self._row_unit: int | None = None
        self._kode_col = layout.col("kode")
        self._name_col, self._cap_col = layout.col("name"), layout.col("capaian")

    def err(self, message: str, r: int, c: int) -> CellError:
        return CellError(message, self.grid.file, self.grid.name, cell_name(r, c))

    def warn(self, code: str, message: str, r: int, c: int):
        self.warnings.append(Warning_(self.file, self.grid.name, cell_name(r, c), code, message))

    # ------------------------------------------------------------ cell access
    def span(self, r: int, role: str) -> tuple[object, int]:
        """The value of a (possibly two-cell) money span and the column it came from."""
        cols = self.layout.columns.get(role) or []
        if len(cols) == 1:  # the common case: one cell, taken as it is
            return self.grid.get(r, cols[0]), cols[0]
        vals = [(c, self.grid.get(r, c)) for c in cols]
        vals = [(c, v) for c, v in vals if v is not None]
        if not vals:
            return None, cols[0] if cols else 0
        rest = [(c, v) for c, v in vals if not (isinstance(v, str) and _RP_ONLY.match(v))]
        if len(rest) == 1:
            return rest[0][1], rest[0][0]
        if not rest:
            return vals[0][1], vals[0][0]  # "Rp" alone: parse_amount reads it as zero
        numbers = [(c, v) for c, v in rest if is_amount(v, dash=False)]
        if len(numbers) > 1:   # two amounts under one heading (an unlabelled or hidden column)
            (c0, v0), (c1, v1) = numbers[:2]
            raise self.err(f"dua jumlah di bawah satu judul kolom ({cell_name(r, c0)} "
                           f"{text_of(v0)!r}, {cell_name(r, c1)} {text_of(v1)!r}): kolom mana "
                           "yang dimaksud tidak dapat ditentukan; beri kolom itu judulnya "
                           "sendiri atau hapus", r, c1)
        return " ".join(text_of(v) for _, v in vals), rest[0][0]

    def amount(self, value, r: int, c: int, part: int | None, what: str = "jumlah"
               ) -> Decimal | None:
        """The amount of a cell; None (unknown, with a MISSING_VALUE naming the cell) for an error
        value or a formula saved without its value: never 0 (see :mod:`lkjip_helpers.unknown`)."""
        if isinstance(value, Unreadable):
            self.warn("MISSING_VALUE", f"{what}: {unreadable_text(value)}; {UNKNOWN_NOTE}", r, c)
            return None
        try:
            parsed = parse_amount(value)
        except TooLarge as exc:
            raise self.err(str(exc), r, c) from None
        except NumberError:
            raise self.err(f"{text_of(value)!r} bukan jumlah rupiah", r, c) from None
        if parsed.note:
            where = f" (baris ke-{part + 1} sel)" if part is not None else ""
            self.warn("AMBIGUOUS_NUMBER", parsed.note + where, r, c)
        if self.sheet_unit is None and not self.col_units:
            return parsed.value  # the common case: amounts in rupiah
        scaled = parsed.value * self.factor(c)
        if abs(scaled) >= MAX_AMOUNT:
            raise self.err(too_large(value, self.factor(c)), r, c)
        return scaled

    def factor(self, c: int) -> Decimal:
        """The stated unit of the amounts in column ``c`` (1 when none is stated)."""
        unit = self.col_units.get(c, self.sheet_unit)
        return unit.factor if unit is not None else _ONE

    def unit_of_row(self) -> int:
        """The largest unit of the money columns: the rounding the amounts carry."""
        if self._row_unit is None:
            cols = self.layout.columns["pagu"] + self.layout.columns["realisasi"]
            self._row_unit = int(max(self.factor(c) for c in cols))
        return self._row_unit

    def read_units(self) -> None:
        """Units stated in the head or header (see :mod:`.units`), each with a warning."""
        lay = self.layout
        self.sheet_unit, self.col_units = sheet_units(
            self.grid, list(range(lay.header_rows[0])), lay.header_rows,
            [lay.columns["pagu"], lay.columns["realisasi"]], lay.group,
            budget_from=lay.col("name"))
        seen = set()
        for unit in [self.sheet_unit, *self.col_units.values()]:
            if unit is None or unit.cell in seen or unit.factor == 1:
                continue
            seen.add(unit.cell)
            self.warn("UNIT_SCALED", unit.note, unit.row, unit.col)

    def percent(self, value, r: int, c: int):
        if isinstance(value, Unreadable):
            self.warn("MISSING_VALUE", f"capaian: {unreadable_text(value)}; dianggap kosong", r, c)
            return None
        try:
            return parse_percent(value)
        except TooLarge as exc:
            raise self.err(str(exc), r, c) from None
        except NumberError:
            raise self.err(f"{text_of(value)!r} bukan persentase", r, c) from None

    # ------------------------------------------------------------ budget rows
    def budget_items(self, r: int) -> list[dict]:
        """One or more items (several when a cell stacks kegiatan separated by line breaks)."""
        name_col, cap_col = self._name_col, self._cap_col
        name = self.grid.get(r, name_col)
        pagu, pc = self.span(r, "pagu")
        real, rc = self.span(r, "realisasi")
        cap = self.grid.get(r, cap_col) if cap_col is not None else None
        if not (_stacked(name) or _stacked(pagu) or _stacked(real) or _stacked(cap)):
            return [self._item(name, pagu, real, cap, r, None, pc, rc, cap_col, name_col)]
        split = lambda v: [t.strip() for t in v.split("\n") if t.strip()] \
            if isinstance(v, str) and "\n" in v else None  # noqa: E731
        parts = {k: split(v) for k, v in (("pagu", pagu), ("realisasi", real), ("capaian", cap))}
        n_amount = max((len(p) for p in parts.values() if p), default=1)
        names = [t.strip() for t in text_of(name).split("\n") if t.strip()]
        if n_amount == 1:
            names = [" ".join(names)]  # a name broken over lines is one name
        elif len(names) != n_amount:
            raise self.err(f"{len(names)} nama tetapi {n_amount} angka bertumpuk dalam satu baris; "
                           f"pecah barisnya agar tiap kegiatan punya baris sendiri", r, name_col)

        def values(key, v):
            p = parts[key]
            if p is None:
                if n_amount > 1 and v is not None:
                    raise self.err(f"satu nilai {text_of(v)!r} di samping {n_amount} kegiatan "
                                   "bertumpuk",
                                   r, {"pagu": pc, "realisasi": rc}.get(key, cap_col or 0))
                return [v] * n_amount if n_amount == 1 else [None] * n_amount
            if len(p) != n_amount:
                col = {"pagu": pc, "realisasi": rc}.get(key, cap_col or 0)
                raise self.err(f"{len(p)} nilai bertumpuk di tempat {n_amount} kegiatan", r, col)
            return p

        pv, rv, cv = values("pagu", pagu), values("realisasi", real), values("capaian", cap)
        return [self._item(names[k], pv[k], rv[k], cv[k], r, k if n_amount > 1 else None,
                           pc, rc, cap_col, name_col) for k in range(n_amount)]

    def _item(self, name, pagu, real, cap, r, part, pc, rc, cap_col, name_col) -> dict:
        numeric = type(cap) in (int, float)  # read with its number format and its column
        cp = self.percent(cap, r, cap_col) if cap is not None and cap_col is not None \
            and not numeric else None
        if cp is not None and cp[1] > MAX_PERCENT_DECIMALS:  # '99,716484%': kept at 4 places
            cp = percent_of_number(cp[0], False, MAX_PERCENT_DECIMALS)
        if pagu is None:
            self.warn("MISSING_VALUE", "pagu kosong, dibaca 0", r, pc)
        if real is None:
            self.warn("MISSING_VALUE", "realisasi kosong, dibaca 0 (belum ada belanja?)", r, rc)
        if part is None and type(name) is str and "\n" in name:
            name = " ".join(name.split())
        pagu = self.amount(pagu, r, pc, part, "pagu")
        real = self.amount(real, r, rc, part, "realisasi")
        for key, value, col in (("pagu", pagu, pc), ("realisasi", real, rc)):
            if value is not None and value < 0:
                self.warn("NEGATIVE_AMOUNT", f"{key} negatif: {format_rupiah(value)}", r, col)
        return {
            "name": text_of(name).strip(),
            "pagu": pagu, "realisasi": real,
            "capaian": cp[0] if cp else None,
            "capaian_decimals": cp[1] if cp else None,
            "row": r, "part": part,
            "source_cell": cell_name(r, name_col),
            "pagu_cell": cell_name(r, pc),
            "realisasi_cell": cell_name(r, rc),
            "capaian_cell": cell_name(r, cap_col) if cap_col is not None else None,
            "unit": self.unit_of_row(),
            "_number": cap if numeric and cap_col is not None else None,
            "kode": self.code(r, part),
        }

    def code(self, r: int, part) -> str | None:
        """The row's code in a ``Kode`` column (``1.06.01``, ``1.06.01.2.01``), if any."""
        c = self._kode_col
        v = self.grid.get(r, c) if c is not None else None
        if v is None:
            return None
        text = text_of(v).strip()
        if part is not None and "\n" in text:
            lines = [t.strip() for t in text.split("\n") if t.strip()]
            text = lines[part] if part < len(lines) else ""
        return text or None

    def numeric_percents(self, items: list[dict]) -> None:
        """Numeric percent cells, read once the whole column is known (rule in the README,
        "Percent cells"): a cell formatted as a percent holds a fraction and prints the decimals
        of its format; a plain number column is read as percent as written or as fractions,
        whichever agrees with realisasi / pagu on more rows (a tie: as written when any value
        exceeds 1.5, else fractions); an unrounded formula result counts at four decimals."""
        raw = [it for it in items if it.get("_number") is not None]
        if not raw:
            return
        fmts = cell_formats(self.grid.file, self.grid.name, {it["capaian_cell"] for it in raw},
                            self.grid.package)
        kinds = {id(it): percent_decimals(fmts.get(it["capaian_cell"])) for it in raw}
        plain = [it for it in raw if not kinds[id(it)][0]]
        as_written = _plain_as_written(plain, kinds) if plain else False
        for it in raw:
            is_pct, decimals = kinds[id(it)]
            fraction = is_pct or not as_written
            if decimals is not None and fraction and not is_pct:
                decimals = max(0, decimals - 2)  # 0.9972 in a '0.0000' cell prints 99,72%
            it["capaian"], it["capaian_decimals"] = percent_of_number(it["_number"], fraction,
                                                                     decimals)

    def indicator(self, r: int, carry: dict) -> dict | None:
        lay = self.layout
        if self._ind_cols is None:
            self._ind_cols = {role: lay.col(role) for role in
                              ("no", "tujuan", "sasaran", "indikator", "formulasi", "target",
                               "ind_realisasi", "ind_capaian") if lay.col(role) is not None}
        row = self.grid.rows[r]
        n = len(row)
        vals = {role: row[c] if c < n else None for role, c in self._ind_cols.items()}
        if all(v is None for v in vals.values()):
            return None
        for key in ("tujuan", "sasaran"):  # merged down: the value stands in the first row only
            if vals.get(key) is not None:
                carry[key] = vals[key]
            else:
                vals[key] = carry.get(key)
        if vals.get("indikator") is None:
            return {"_continuation": True}
        return {
            "no": text_of(vals.get("no")) or None,
            "tujuan": text_of(vals.get("tujuan")) or None,
            "sasaran": text_of(vals.get("sasaran")) or None,
            "indikator": text_of(vals.get("indikator")),
            "formulasi": text_of(vals.get("formulasi")) or None,
            "target": text_of(vals.get("target")) or None,
            "realisasi": text_of(vals.get("ind_realisasi")) or None,
            "capaian": text_of(vals.get("ind_capaian")) or None,
            "source_cell": cell_name(r, lay.col("indikator")),
        }

    def footer(self, r: int, row: list) -> dict | None:
        """``Label : Rp. 1.234`` in one cell, or a label cell and an amount cell."""
        cells = [(c, v) for c, v in enumerate(row) if v is not None]
        text = " ".join(text_of(v) for _, v in cells)
        m = _FOOTER.match(text)
        if m and len(cells) == 1:
            c = cells[0][0]
            return {"label": m.group("label").strip(), "unit": int(self.factor(c)),
                    "amount": self.amount(m.group("amount"), r, c, None),
                    "amount_cell": cell_name(r, c), "source_cell": cell_name(r, c)}
        labels = [(c, v) for c, v in cells if isinstance(v, str) and re.search(r"[A-Za-z]{3}", v)
                  and not _RP_ONLY.match(v)]
        nums = [(c, v) for c, v in cells if (c, v) not in labels and not
                (isinstance(v, str) and (_RP_ONLY.match(v) or v.strip() in (":", "=")))]
        if len(labels) == 1 and len(nums) == 1:
            c, v = nums[0]
            label = labels[0][1].rstrip(": ").strip()
            return {"label": label, "amount": self.amount(v, r, c, None), "unit": int(self.factor(c)),
                    "amount_cell": cell_name(r, c), "source_cell": cell_name(r, labels[0][0])}
        return None


def read_sheet(grid: SheetGrid, year: int | None = None, quarter: int | None = None,
               layout: Layout | None = None, month: int | None = None) -> SheetResult | None:
    """Read one sheet of the matrix layout; None when it holds no such table.
    ``month`` (a monthly source) sets the quarter the month falls in."""
    layout = layout or find_layout(grid)
    if layout is None:
        return None
    rd = _Reader(grid, layout)
    rd.read_units()
    title_rows = grid.rows[:layout.header_rows[0]]
    title_texts = [" ".join(text_of(v) for v in row if v is not None) for row in title_rows]
    y, q, _ = detect_period(title_texts, grid.name, grid.file.name)
    year, quarter = year or y, (quarter_of_month(month) if month else quarter or q)
    if year is None or quarter is None:
        missing = " dan ".join(x for x, v in (("tahun", year), ("triwulan", quarter)) if v is None)
        raise LayoutError(f"{missing} tidak dapat ditentukan dari baris judul, nama sheet atau "
                          f"nama file; sebutkan --year/--quarter", grid.file, grid.name,
                          cell_name(layout.header_rows[0], layout.col("name")))
    agency, agency_cell = agency_at(title_rows)
    res = SheetResult(grid.file.name, grid.name, year, quarter, month=month,
                      agency=agency or Agency(), agency_cell=agency_cell)
    named = quarters_named(title_texts, grid.name, grid.file.name)
    if named and named[0][2] is not None:
        r = named[0][2]
        res.period_cell = cell_name(r, next(c for c, v in enumerate(title_rows[r])
                                            if v is not None))
    said_at = res.period_cell or cell_name(layout.header_rows[0], layout.col("name"))
    years = [(where, n) for where, text in (("judul", " ".join(title_texts)),
                                             ("nama sheet", grid.name),
                                             ("nama file", grid.file.name))
             if (n := year_in(text)) is not None]
    if len({n for _, n in years}) > 1:   # the title, the sheet's and the file's name disagree
        res.warnings.append(Warning_(
            grid.file.name, grid.name, said_at, "PERIOD_MISMATCH",
            f"tahun tidak tunggal: {', '.join(f'{w} {n}' for w, n in years)}; dibaca sebagai "
            f"{year}: periksa mana yang benar"))
    if y is not None and y != year:
        res.warnings.append(Warning_(
            grid.file.name, grid.name, said_at, "PERIOD_MISMATCH", f"lembar ini menyebut tahun {y}, dibaca sebagai {year} (dari "
            "--year atau manifest): periksa mana yang benar"))
    if len({q for _, q, _ in named} | {quarter}) > 1:  # title, sheet, file, options disagree
        said = ", ".join(f"{where} {tw(q)}" for where, q, _ in named)
        given = "" if quarter == q else " (dari --quarter/--month atau manifest)"
        res.warnings.append(Warning_(
            grid.file.name, grid.name, said_at, "PERIOD_MISMATCH", f"triwulan tidak tunggal: {said}; dibaca sebagai "
            f"{tw(quarter)}{given}: periksa mana yang benar"))

    def role(r: int, kind: str, note: str = ""):
        res.roles.append({"row": r + 1, "role": kind, "note": note})

    for r in range(layout.header_rows[0]):
        if any(v is not None for v in grid.rows[r]):
            role(r, "title")
    for r in layout.header_rows:
        role(r, "header")

    items: list[dict] = []
    carry: dict = {}
    name_col = layout.col("name")
    money_cols = set(layout.columns["pagu"] + layout.columns["realisasi"])
    after_total = False
    repeat = header_repeat_test(layout)

    def total_label(row: list) -> tuple[int, str] | None:
        """The last filled cell up to the name column, when it is a "Total" / "Jumlah" label."""
        left = next(((c, norm(row[c])) for c in range(min(name_col, len(row) - 1), -1, -1)
                     if row[c] is not None), None)
        return left if left and _is_total(left[1]) else None

    # Where the table ends is what the rows below say: the last Total row (one above it is a
    # section's "Jumlah", checked against the whole table), else the last named row with money;
    # a footer, a signature-like name or an indicator-like row above that never ends it
    last_total = last_line = -1
    for r in range(layout.body_start, len(grid.rows)):
        row = grid.rows[r]
        if row.count(None) == len(row):
            continue
        if repeat(row):
            if last_total > last_line:
                break  # a Total, then the header again: a second table, never summed with this
            continue
        if not any(row[c] is not None for c in money_cols if c < len(row)):
            continue
        if total_label(row):
            last_total = r
        elif grid.get(r, name_col) is not None:
            last_line = r
    _unit_below(rd, max(last_total, last_line) + 1)
    for r in range(layout.body_start, len(grid.rows)):
        row = grid.rows[r]
        if row.count(None) == len(row):
            continue
        if repeat(row):
            role(r, "header")
            continue
        has_money = any(row[c] is not None for c in money_cols if c < len(row))
        name = grid.get(r, name_col)
        left = total_label(row) if has_money and not after_total else None
        if left:
            pagu, pc = rd.span(r, "pagu")
            real, rc = rd.span(r, "realisasi")
            res.stated.append({"kind": "total", "label": left[1], "program_no": None,
                               "pagu": rd.amount(pagu, r, pc, None, "pagu"),
                               "realisasi": rd.amount(real, r, rc, None, "realisasi"),
                               "amount": None,
                               "capaian": None, "capaian_decimals": None,
                               "source_cell": cell_name(r, left[0]),
                               "pagu_cell": cell_name(r, pc), "realisasi_cell": cell_name(r, rc),
                               "capaian_cell": None, "amount_cell": None,
                               "unit": rd.unit_of_row()})
            role(r, "total")
            after_total = r >= last_total
            continue
        if not after_total and name is not None and has_money:
            ind = rd.indicator(r, carry)
            if ind and not ind.get("_continuation"):
                res.indicators.append(ind)
            items.extend(rd.budget_items(r))
            role(r, "line")
            continue
        if not after_total and has_money and name is None:
            c = next(c for c in sorted(money_cols) if grid.get(r, c) is not None)
            raise rd.err("angka tanpa nama program/kegiatan", r, c)
        ft = rd.footer(r, row) if (after_total or r > max(last_line, last_total)) else None
        if ft:
            res.stated.append({"kind": "footer", "program_no": None, "pagu": None,
                               "realisasi": None, "capaian": None, "capaian_decimals": None,
                               "pagu_cell": None, "realisasi_cell": None, "capaian_cell": None,
                               **ft})
            role(r, "footer")
            after_total = True
            continue
        if not after_total:
            ind = rd.indicator(r, carry)
            if ind:
                if not ind.get("_continuation"):
                    res.indicators.append(ind)
                role(r, "indicator")
                continue
            if name is not None and r > last_line and _is_signature_like(row):
                after_total = True  # a table without a Total row, then the signature
            else:
                c = next(c for c, v in enumerate(row) if v is not None)
                rd.warn("UNREAD_ROW", f"baris {r + 1} bukan baris anggaran maupun total: "
                        f"{text_of(row[c])[:60]!r}", r, c)
                role(r, "reported")
                continue
        money = [c for c in sorted(money_cols) if c < len(row) and is_amount(row[c], dash=False)]
        if money:  # below the table's end, an amount is never counted, nor dropped unseen
            rd.warn("UNREAD_ROW", f"baris {r + 1} di bawah Total berisi angka yang tidak "
                    f"dihitung: {' '.join(text_of(v) for v in row if v is not None)[:60]!r}",
                    r, money[0])
            role(r, "reported")
            continue
        role(r, "signature")

    rd.numeric_percents(items)
    if not items:
        raise LayoutError("tabel punya baris judul tetapi tidak ada baris "
                          "anggaran", grid.file, grid.name,
                          cell_name(layout.body_start, name_col))
    _assign_hierarchy(res, rd, items)
    res.warnings.extend(rd.warnings)
    return res


def _plain_as_written(items: list[dict], kinds: dict) -> bool:
    """Is a column of plain numbers (no percent format) percent as written (5.23 = 5,23%)?
    Each reading is put beside realisasi / pagu (rounded or truncated at the printed decimals);
    the reading that agrees on more rows wins (a vote: floats are enough to count agreement)."""
    votes = {True: 0, False: 0}
    for it in items:
        if it["pagu"] is None or it["realisasi"] is None:
            continue
        pagu = float(it["pagu"])
        if pagu == 0:
            continue
        exact = float(it["realisasi"]) * 100 / pagu
        v = float(it["_number"])
        decimals = kinds[id(it)][1]
        for written in (True, False):
            reading = v if written else v * 100
            d = decimals if decimals is not None else _digits(reading)
            if not written and decimals is not None:
                d = max(0, decimals - 2)
            step = 10.0 ** -min(d, 4)
            votes[written] += reading - step / 2 - 1e-9 <= exact < reading + step + 1e-9
    if votes[True] != votes[False]:
        return votes[True] > votes[False]
    return any(abs(float(it["_number"])) > 1.5 for it in items)


def _digits(x: float) -> int:
    text = repr(round(x, 10))
    return len(text.split(".")[1].rstrip("0")) if "." in text and "e" not in text else 0


def _known(amount: Decimal | None) -> Decimal:
    """An unknown amount counts as 0 for telling programs from kegiatan only: the sheet's sums are
    never checked or used (see :mod:`lkjip_helpers.unknown`)."""
    return Decimal(0) if amount is None else amount


def _stacked(value) -> bool:
    """A text cell holding several values, one per line (kegiatan stacked in one row)."""
    return type(value) is str and "\n" in value


def _is_total(label: str) -> bool:
    """"Total", "Jumlah Belanja Langsung", "T O T A L" …: the label of the table's Total row."""
    return bool(_TOTAL.match(label.replace(" ", "") if _SPACED.match(label) else label))


def _is_signature_like(row) -> bool:
    text = " ".join(text_of(v) for v in row if v is not None)
    return bool(re.search(r"kepala|nip\b|nip\.|sekretaris|,\s*\d{1,2}\s+\w+\s+20\d\d", text, re.I))


def code_split(codes: list[str | None]) -> tuple[list[int], list[int]] | None:
    """(program rows, parent of each row) from a code column: the shortest codes are programs,
    a longer code belongs to the program row above whose code it extends. None when the codes do
    not make such a hierarchy (a row without a code, a code under no program)."""
    if not codes or any(c is None for c in codes):
        return None
    depth = [len(re.split(r"[.\s]+", c.strip(". "))) for c in codes]
    top = min(depth)
    programs, parent, current = [], [], None
    for i, (c, d) in enumerate(zip(codes, depth)):
        if d == top:
            programs.append(i)
            current = i
            parent.append(i)
        elif current is not None and c.startswith(codes[current].rstrip(". ") + "."):
            parent.append(current)
        else:
            return None
    return programs, parent


def _assign_hierarchy(res: SheetResult, rd: _Reader, items: list[dict]) -> None:
    split = infer_hierarchy([_known(i["pagu"]) for i in items],
                            [_known(i["realisasi"]) for i in items])
    if rd.layout.col("kode") is None:
        grand = _grand_row(items, split)
        if grand is not None:   # "BELANJA LANGSUNG" over the programs: the table's sum
            item = items[grand]
            rd.warn("AMBIGUOUS_HIERARCHY", f"baris '{item['name']}' dibaca sebagai jumlah "
                    "seluruh tabel, bukan program: pagu dan realisasinya sama dengan jumlah semua "
                    "kegiatan lainnya", item["row"], rd.layout.col("name"))
            res.stated.append({"kind": "total", "label": item["name"], "program_no": None,
                               "amount": None, "amount_cell": None,
                               **{k: item[k] for k in ("pagu", "realisasi", "capaian",
                                                       "capaian_decimals", "source_cell",
                                                       "pagu_cell", "realisasi_cell",
                                                       "capaian_cell", "unit")}})
            items = items[:grand] + items[grand + 1:]
            split = infer_hierarchy([_known(i["pagu"]) for i in items],
                                    [_known(i["realisasi"]) for i in items])
    first = items[0]
    by_code = code_split([i.get("kode") for i in items]) if rd.layout.col("kode") is not None \
        else None
    subs: dict[int, int] = {}  # sub kegiatan row -> its kegiatan row (a third level by Kode)
    if by_code is not None and len(by_code[0]) < len(items):
        # the codes place the rows; what the numbers say is checked against them
        programs, parent = by_code
        subs = sub_kegiatan_rows([i.get("kode") for i in items], parent)
        if programs != split.programs:
            rd.warn("CODE_HIERARCHY_MISMATCH",
                    f"kolom Kode menempatkan {len(programs)} baris program, angka-angkanya "
                    f"menunjuk {len(split.programs)}: baris ditempatkan menurut Kode; subtotal "
                    "yang tidak cocok tercantum sebagai temuan", first["row"],
                    rd.layout.col("kode"))
    elif rd.layout.col("kode") is not None and any(i.get("kode") for i in items) and \
            by_code is None:
        rd.warn("CODE_HIERARCHY_MISMATCH", "kolom Kode tidak membentuk susunan program/kegiatan "
                "(baris tanpa kode atau kode di luar programnya): baris ditempatkan menurut "
                "angka", first["row"], rd.layout.col("kode"))
        programs, parent = split.programs, split.parent
    elif len(items) > 1 and split.matched_pagu == 0:
        rd.warn("NO_PROGRAMS", "tidak ada baris yang pagunya jumlah baris di bawahnya: semua baris "
                "dibaca sebagai kegiatan dari satu program", first["row"], rd.layout.col("name"))
        programs, parent = [], [None] * len(items)
    else:
        programs, parent = split.programs, split.parent
        if split.alternatives > 1 and all(i["pagu"] is not None for i in items):
            rd.warn("AMBIGUOUS_HIERARCHY", f"baris dapat dibagi menjadi program dengan "
                    f"{split.alternatives} cara yang sama-sama cocok; realisasi yang menentukan",
                    first["row"], rd.layout.col("name"))
    number = {p: k + 1 for k, p in enumerate(programs)}
    children = {p: 0 for p in programs}
    for i, p in enumerate(parent):
        if p is not None and p != i:
            children[p] += 1
    for i, item in enumerate(items):
        base = {k: item[k] for k in ("pagu", "realisasi", "capaian", "capaian_decimals",
                                     "source_cell", "pagu_cell", "realisasi_cell", "capaian_cell",
                                     "unit", "kode")}
        if i in number:
            res.stated.append({"kind": "program", "label": item["name"], "program_no": number[i],
                               "amount": None, "amount_cell": None, **base,
                               "part": item["part"]})
            if children[i] == 0:  # a program without kegiatan: its own row carries the money
                rd.warn("NO_KEGIATAN", f"program '{item['name']}' tidak mempunyai baris kegiatan; "
                        "pagu dan realisasinya dibaca dari baris program", item["row"],
                        rd.layout.col("name"))
                res.lines.append({"program_no": number[i], "program": item["name"],
                                  "kegiatan": item["name"], "line": len(res.lines) + 1,
                                  "part": item["part"], **base})
            continue
        p = parent[i]
        if i in set(subs.values()):  # a kegiatan over sub kegiatan: its row is a stated sum
            res.stated.append({"kind": "kegiatan", "label": item["name"],
                               "program_no": number.get(p, 1), "amount": None,
                               "amount_cell": None, **base, "part": item["part"]})
            continue
        line = {"program_no": number.get(p, 1), "program": items[p]["name"]
                if p is not None else "", "kegiatan": item["name"],
                "line": len(res.lines) + 1, "part": item["part"], **base}
        if i in subs:
            line.update(kegiatan=items[subs[i]]["name"], sub_kegiatan=item["name"],
                        level="sub_kegiatan")
        res.lines.append(line)


def _unit_below(rd: "_Reader", start: int) -> None:
    """A unit stated in a note below the table ("Keterangan: nilai anggaran dalam ribuan rupiah")
    that the head does not state: refused naming the cell (the amounts were read as rupiah,
    unsaid); one the head states already is no news."""
    from .units import stated_unit

    for r in range(max(start, 0), len(rd.grid.rows)):
        for c, v in enumerate(rd.grid.rows[r]):
            got = stated_unit(v) if isinstance(v, str) else None
            if got is None or got[0] == 0:
                continue
            stated = [u for u in (rd.sheet_unit, *rd.col_units.values()) if u is not None]
            if got[0] is not None and stated and \
                    all(u.factor == Decimal(10) ** got[0] for u in stated):
                continue
            raise rd.err(f"satuan {got[1]!r} disebut di bawah tabel: tulis satuan itu di judul "
                         "lembar atau judul kolom anggaran agar angka dibaca dengan skala itu "
                         "(angka tidak dibaca dengan skala tebakan)", r, c)


def _grand_row(items: list[dict], split) -> int | None:
    """The first or last row, read as a program without kegiatan, whose pagu and realisasi are
    those of every other row split into programs (a "BELANJA LANGSUNG" heading carrying the sum,
    an unrecognised Total label): its index, else None."""
    if len(items) < 3 or not split.programs:
        return None
    lone = {p for k, p in enumerate(split.programs)
            if (split.programs[k + 1] if k + 1 < len(split.programs) else len(items)) == p + 1}
    for at in (0, len(items) - 1):
        item = items[at]
        # a program's own row ("Program …"), or a match in pagu alone (realisasi all 0 at TW I),
        # is no evidence: a program without kegiatan may well equal the rest
        if at not in lone or item["pagu"] is None or item["realisasi"] is None or \
                not item["pagu"] or not item["realisasi"] or \
                str(item["name"]).strip().lower().startswith("program"):
            continue
        rest = items[:at] + items[at + 1:]
        if any(i["pagu"] is None or i["realisasi"] is None for i in rest):
            continue
        other = infer_hierarchy([i["pagu"] for i in rest], [i["realisasi"] for i in rest])
        heads = set(other.programs)
        leaves = [i for k, i in enumerate(rest) if k not in heads or
                  all(other.parent[j] != k for j in range(len(rest)) if j != k)]
        if sum(i["pagu"] for i in leaves) == item["pagu"] and \
                sum(i["realisasi"] for i in leaves) == item["realisasi"]:
            return at
    return None


def source_label(cell: str | None, part) -> str | None:
    """``J10`` or ``J10 (baris ke-3)`` for a value stacked in a cell."""
    if cell is None or cell is pd.NA or (isinstance(cell, float) and cell != cell):
        return None
    if part is None or part is pd.NA or part != part:  # missing (None, NA or NaN)
        return cell
    return f"{cell} (baris ke-{int(part) + 1})"


__all__ = ["read_sheet", "SheetResult", "Warning_", "source_label", "column_letter"]
