"""SIPD-RI flat exports, one row per account line, recognised by their headers (no mapping file):

* ``data anggaran`` (RKA/DPA rincian): kode/nama urusan … sub kegiatan, sumber dana, rekening,
  standar harga, ``pagu``;
* ``realisasi``: the unit code, the levels' codes and names, ``realisasi`` (cumulative to the date in
  the file name ``YYYY-MM-DD``, or to a ``bulan``/``periode``/``tanggal`` column);
* ``anggaran kas`` (RAK): ``Nilai Rincian``, ``Total RAK``, ``bulan1`` … ``bulan12`` (monthly, not
  cumulative), labelled "Murni" or "Pergeseran ke N".

Headers are matched in any spelling: ``kode_sub_kegiatan``, ``Kode Sub Kegiatan``, ``KODE SUB
KEGIATAN``. Lines are summed to the sub kegiatan (one record per SKPD and sub kegiatan); the SKPD is
the unit code without its sub-unit segment, so rows of a sub unit count for their SKPD and several
SKPD in one export are split. Amounts are exact (summed in sen); ``1.234.567,89`` text is read too.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..errors import CellError, LayoutError
from .amounts import MAX, Amounts, rupiah
from .codes import normalise_code, split_unit_code
from .period import MONTH_WORDS, month_in
from .workbook import SheetGrid, cell_name, text_of

# canonical field -> header spellings, compared after lower-casing and dropping all but [a-z0-9]
ALIASES = {
    "tahun": ("tahun", "ta", "tahunanggaran"),
    "kode_skpd": ("kodeskpd", "kodeorganisasi", "kodeopd", "kodeunit", "kodeunitorganisasi"),
    "nama_skpd": ("namaskpd", "namaorganisasi", "namaopd", "namaunit", "namaunitorganisasi"),
    "kode_sub_unit": ("kodesubunit", "kodesubskpd", "kodesuborganisasi", "kodesubunitorganisasi"),
    "nama_sub_unit": ("namasubunit", "namasubskpd", "namasuborganisasi", "namasubunitorganisasi"),
    "kode_program": ("kodeprogram",), "nama_program": ("namaprogram",),
    "kode_kegiatan": ("kodekegiatan",), "nama_kegiatan": ("namakegiatan",),
    "kode_sub_kegiatan": ("kodesubkegiatan",), "nama_sub_kegiatan": ("namasubkegiatan",),
    "kode_sumber_dana": ("kodesumberdana",), "nama_sumber_dana": ("namasumberdana", "sumberdana"),
    "kode_rekening": ("koderekening", "kodeakun"), "nama_rekening": ("namarekening", "namaakun"),
    "kode_standar_harga": ("kodestandarharga",), "nama_standar_harga": ("namastandarharga",),
    "pagu": ("pagu", "paguanggaran", "nilaipagu"),
    "realisasi": ("realisasi", "nilairealisasi", "realisasisp2d", "realisasispj"),
    "nilai_rincian": ("nilairincian",), "total_rak": ("totalrak",),
    "versi": ("versi", "tahapan", "jenisrak"),  # not "keterangan": free text, not a version
    "periode": ("bulan", "periode", "tanggal", "tanggaldata"),
    # bulan1 … bulan12, or the months by name ("Januari", "Pebruari", "Nop", "Des")
    **{f"bulan{m}": (f"bulan{m}", *(w for w, n in MONTH_WORDS.items() if n == m))
       for m in range(1, 13)},
}
_LOOKUP = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
MONTH_FIELDS = tuple(f"bulan{m}" for m in range(1, 13))
KINDS = ("anggaran_kas", "realisasi", "data_anggaran")
_FILE_DATE = re.compile(r"(20\d\d)-(\d\d)-(\d\d)")


def _key(text) -> str:
    return re.sub(r"[^a-z0-9]", "", text_of(text).lower())


@dataclass
class FlatHeader:
    kind: str
    row: int                         # 0-based header row
    columns: dict[str, int]          # canonical field -> 0-based column


def find_header(grid: SheetGrid, scan: int = 10) -> FlatHeader | None:
    """The SIPD-RI header among the first ``scan`` rows, and which export it is (None if none)."""
    for r in range(min(scan, len(grid.rows))):
        cols: dict[str, int] = {}
        for c, v in enumerate(grid.rows[r]):
            name = _LOOKUP.get(_key(v)) if isinstance(v, str) else None
            if name and name not in cols:
                cols[name] = c
        kind = classify(cols)
        if kind:
            return FlatHeader(kind, r, cols)
    return None


def classify(cols: dict[str, int]) -> str | None:
    """Which export a set of header fields is: RAK, realisasi or data anggaran."""
    if "kode_sub_kegiatan" not in cols:
        return None
    if all(m in cols for m in MONTH_FIELDS) and ("total_rak" in cols or "nilai_rincian" in cols):
        return "anggaran_kas"
    if "realisasi" in cols:
        return "realisasi"
    if "pagu" in cols and ({"kode_rekening", "kode_sumber_dana", "kode_standar_harga"} & set(cols)):
        return "data_anggaran"
    return None


@dataclass
class FlatResult:
    """One export sheet summed to (SKPD, sub kegiatan): plain records; findings-to-be in
    ``checks`` (what did not add up within a line)."""

    kind: str
    file: str
    sheet: str
    year: int | None
    month: int | None = None         # realisasi: cumulative to the end of this month
    version: str | None = None       # anggaran kas: "Murni", "Pergeseran ke 2", …
    lines: list[dict] = field(default_factory=list)
    checks: list[dict] = field(default_factory=list)
    rows: int = 0


def version_of(*texts: str) -> str | None:
    """"Murni", "Pergeseran ke N", "Perubahan" or "Pergeseran Perubahan ke N" (a shift after the
    APBD-P), from the first text that names one; N in digits or Roman numerals, 1 when unsaid."""
    for t in texts:
        low = (t or "").lower()
        shift = re.search(r"pergeseran(?:[\s_-]*(?:apbd[\s_-]*)?perubahan)?[\s_-]*(?:ke)?[\s_-]*"
                          r"(\d+|[ivx]+)?(?![a-z])", low)
        if shift:
            n = _ordinal(shift.group(1))
            after = "perubahan" in shift.group(0) or re.search(r"perubahan.*pergeseran", low)
            return f"Pergeseran Perubahan ke {n}" if after else f"Pergeseran ke {n}"
        if re.search(r"perubahan", low):
            return "Perubahan"
        if re.search(r"murni", low):
            return "Murni"
    return None


def _ordinal(token: str | None) -> int:
    if not token:
        return 1
    if token.isdigit():
        return int(token)
    roman = {"i": 1, "v": 5, "x": 10}
    n = 0
    for a, b in zip(token, token[1:] + " "):
        n += -roman[a] if roman.get(b, 0) > roman[a] else roman[a]
    return n


def version_rank(version: str | None) -> int:
    """Order of versions within a year: Murni < Pergeseran ke 1 < … < Perubahan < Pergeseran
    Perubahan ke 1 < …"""
    if not version or version == "Murni":
        return 0
    if version == "Perubahan":
        return 1000
    n = int(version.rsplit(" ", 1)[-1])
    return 1000 + n if version.startswith("Pergeseran Perubahan") else n


def month_of(value, where: str | None, grid: SheetGrid | None = None) -> int | None:
    """A month (1..12) from a date, a month number, or a text naming it: ``YYYY-MM-DD``,
    ``30/06/2022``, "Juni", "Nopember", "Januari s.d Juni 2022" (a range: its end)."""
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.month
    text = text_of(value).strip().lower()
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    month = month_in(text)
    if month is not None:
        return month
    raise LayoutError(f"bulan tidak dapat ditentukan dari {text_of(value)!r}",
                      grid.file if grid else None, grid.name if grid else None, where)


def read_flat(grid: SheetGrid, header: FlatHeader, year: int | None = None,
              month: int | None = None) -> FlatResult:
    """Read one export sheet: lines summed to (SKPD, sub kegiatan), in sen until the end."""
    cols = header.columns
    get = cols.get
    res = FlatResult(header.kind, grid.file.name, grid.name, year)
    if header.kind != "realisasi":
        res.version = version_of(grid.name, grid.file.name)
    if header.kind == "realisasi" and month is None and "periode" not in cols:
        month = month_of(grid.file.stem, None) if _FILE_DATE.search(grid.file.stem) else None
        if month is None:
            raise LayoutError("ekspor realisasi tanpa periodenya: namai file dengan tanggalnya "
                              "(YYYY-MM-DD.xlsx), tambahkan kolom 'bulan', atau sebutkan di "
                              "manifest",
                              grid.file, grid.name)
    if year is None and "tahun" not in cols:
        m = _FILE_DATE.search(grid.file.stem)
        year = int(m.group(1)) if m else None
    amount_cols = {"anggaran_kas": ("nilai_rincian", *MONTH_FIELDS),
                   "realisasi": ("realisasi",), "data_anggaran": ("pagu",)}[header.kind]
    amount_cols = tuple(a for a in amount_cols if a in cols)
    total_col = get("total_rak")
    acc: dict[tuple, dict] = {}
    c_sub, c_keg = cols["kode_sub_kegiatan"], get("kode_kegiatan")
    keys = _RowKeys(grid, header, year, month, res.version)
    amounts = Amounts(grid)
    code_cache: dict[tuple, tuple[str, str, str]] = {}
    renamed = tuple((f, cols[n]) for f, n in (("sub_kegiatan", "nama_sub_kegiatan"),
                    ("kegiatan", "nama_kegiatan"), ("program", "nama_program"),
                    ("agency_name", "nama_skpd")) if n in cols)
    c_dana, sen, rak = get("nama_sumber_dana"), amounts.sen, header.kind == "anggaran_kas"
    money_at = tuple((a, cols[a]) for a in amount_cols)
    # an export whose rincian carry their kode rekening: a row of a sub kegiatan without one is
    # its subtotal (printed reports exported to Excel), never added to its rincian again
    c_rek = get("kode_rekening")
    if c_rek is not None and not any(row[c_rek] is not None for row in grid.rows[header.row + 1:]
                                     if c_rek < len(row)):
        c_rek = None
    for r in range(header.row + 1, len(grid.rows)):
        row = grid.rows[r]
        code = row[c_sub] if c_sub < len(row) else None
        if code is None or (type(code) is str and not any(ch.isdigit() for ch in code)):
            if any(v is not None for v in row):  # a total ("TOTAL", "JUMLAH"), a note, a slip
                res.checks.append(_unread(grid, keys, row, r, c_sub, money_at))
            continue
        if c_rek is not None and (c_rek >= len(row) or row[c_rek] is None):
            res.checks.append(_unread(grid, keys, row, r, c_sub, money_at,
                                      "dengan kode sub kegiatan tetapi tanpa kode rekening "
                                      "(subtotal?)"))
            continue
        res.rows += 1
        agency, sub_unit = keys.unit(row, r)
        keg = row[c_keg] if c_keg is not None else None
        codes = code_cache.get((code, keg))
        if codes is None:
            codes = code_cache[(code, keg)] = normalise_code(
                text_of(code), _cell_text(row, c_keg), grid, r, c_sub)
        y, mo, version = keys.when(row, r)
        key = (agency, y, mo, version, codes[2])
        rec = acc.get(key)
        if rec is None:
            rec = acc[key] = {
                "agency_code": agency, "agency_name": _name(row, get("nama_skpd")),
                "year": y, "month": mo, "version": version,
                "program_code": codes[0], "kegiatan_code": codes[1], "sub_kegiatan_code": codes[2],
                "program": _name(row, get("nama_program")), "kegiatan": _name(row,
                                                                                get("nama_kegiatan")),
                "sub_kegiatan": _name(row, get("nama_sub_kegiatan")),
                "sub_units": set(), "sumber_dana": set(), "lines": 0,
                "source_file": grid.file.name, "source_sheet": grid.name,
                "source_cell": cell_name(r, c_sub),
                **{a: 0 for a in amount_cols}, **({"total_rak": 0} if total_col is not None else {}),
            }
        else:  # a level's name changed mid-export: the last one written is kept
            for f, c in renamed:
                if row[c] is not None:
                    rec[f] = text_of(row[c])
        rec["lines"] += 1
        rec["sub_units"].add(sub_unit)
        if c_dana is not None and row[c_dana] is not None:
            rec["sumber_dana"].add(text_of(row[c_dana]))
        vals = {}
        for a, c in money_at:
            x = row[c]   # a whole number cell, the bulk of an export, read here; the rest by sen
            if x is None and a not in MONTH_FIELDS:   # an empty month is a month without a plan
                res.checks.append({"kind": "missing", "row": r, "cell": cell_name(r, c),
                                   "note": f"{a.replace('nilai_rincian', 'Nilai Rincian')} "
                                           f"sub kegiatan {codes[2]} kosong, dibaca 0",
                                   "agency_code": agency, "year": y, "month": mo,
                                   "version": version})
            v = int(x) * 100 if type(x) is float and x.is_integer() and -MAX < x < MAX else \
                sen(x, r, c)
            vals[a] = v
            rec[a] += v
            if v < 0 and a not in MONTH_FIELDS:  # a negative month: _check_rak_line's
                res.checks.append({"kind": "negative_amount", "field": a, "row": r,
                                   "cell": cell_name(r, c), "stated": v, "computed": 0,
                                   "agency_code": agency, "year": y, "month": mo,
                                   "version": version, "sub_kegiatan_code": codes[2]})
        if rak:
            _check_rak_line(res, amounts, r, row, cols, vals, total_col, rec)
    if not res.rows and res.checks:
        raise LayoutError("ekspor SIPD-RI tanpa satu pun baris berkode sub kegiatan", grid.file,
                          grid.name, res.checks[0]["cell"])
    for r, c, note in amounts.guesses():
        agency, _ = keys.unit(grid.rows[r], r)
        y, mo, version = keys.when(grid.rows[r], r)
        res.checks.append({"kind": "ambiguous", "row": r, "cell": cell_name(r, c), "note": note,
                           "agency_code": agency, "year": y, "month": mo, "version": version})
    res.lines = list(acc.values())
    money = amount_cols + (("total_rak",) if total_col is not None else ())
    for rec in res.lines:
        rec["sub_unit_codes"] = tuple(sorted(str(u) for u in rec["sub_units"]))
        rec["sub_units"] = len(rec["sub_units"])
        rec["sumber_dana"] = ", ".join(sorted(rec["sumber_dana"]))
        for a in money:
            if abs(rec[a]) >= MAX * 100:   # each line below the limit, their sum not
                raise CellError(f"{a.replace('_', ' ')} sub kegiatan {rec['sub_kegiatan_code']} "
                                f"dijumlah dari {rec['lines']} baris terlalu besar untuk jumlah "
                                "rupiah (batas Rp 10^15)", grid.file, grid.name,
                                rec["source_cell"])
            rec[a] = rupiah(rec[a])
    for c in res.checks:
        for a in ("stated", "computed"):
            if a in c:
                c[a] = rupiah(c[a])
    res.year = year
    res.month = month
    return res


def _unread(grid: SheetGrid, keys: "_RowKeys", row: list, r: int, c_sub: int,
            money_at: tuple, what: str = "tanpa kode sub kegiatan") -> dict:
    """A row without a sub kegiatan code (a total row, a note, a slip), or a sub kegiatan's row
    without its kode rekening (a subtotal): not summed, but said, with its SKPD and period where
    the row names them (``UNREAD_ROW`` downstream)."""
    texts = " ".join(text_of(v) for v in row if v is not None)
    money = [cell_name(r, c) for _, c in money_at if c < len(row) and row[c] is not None]
    note = f"baris {r + 1} {what} tidak dibaca: {texts[:60]!r}"
    if money:
        note += f"; jumlahnya ({', '.join(money[:3])}{', …' if len(money) > 3 else ''}) " \
                "tidak dihitung"
    out = {"kind": "unread", "row": r, "cell": cell_name(r, c_sub), "note": note,
           "agency_code": None, "year": None, "month": None, "version": None}
    try:   # the row's own SKPD and period, when it names them
        out["agency_code"] = keys.unit(row, r)[0] if keys.has_unit(row) else None
        out["year"], out["month"], out["version"] = keys.when(row, r)
    except (CellError, LayoutError):
        pass
    return out


def _check_rak_line(res: FlatResult, amounts: Amounts, r: int, row: list, cols: dict,
                    vals: dict, total_col: int | None, rec: dict) -> None:
    """Within one RAK line: no negative month; Total RAK = Σ bulan; Σ bulan = Nilai Rincian."""
    monthly = [vals[m] for m in MONTH_FIELDS]
    months = sum(monthly)
    total = None
    if total_col is not None:
        total = amounts.sen(row[total_col], r, total_col)
        rec["total_rak"] += total
    rincian = vals.get("nilai_rincian", months)
    if min(monthly) >= 0 and total in (None, months) and rincian == months:
        return                                  # the usual line: nothing to say
    where = {"row": r, "sub_kegiatan_code": rec["sub_kegiatan_code"], "agency_code":
             rec["agency_code"], "year": rec["year"], "version": rec["version"]}
    for i, m in enumerate(MONTH_FIELDS, start=1):
        if vals[m] < 0:
            res.checks.append({**where, "kind": "negative", "month": i, "stated": vals[m],
                               "computed": 0, "cell": cell_name(r, cols[m])})
    if total is not None and total != months:
        res.checks.append({**where, "kind": "total_rak", "stated": total, "computed": months,
                           "cell": cell_name(r, total_col)})
    if rincian != months:
        res.checks.append({**where, "kind": "nilai_rincian", "stated": months,
                           "computed": rincian, "cell": cell_name(r, cols["nilai_rincian"])})


class _RowKeys:
    """The SKPD (the unit code without its sub-unit segment), the sub unit, the year, the month
    and the version of an export's row; the few unit codes of an export are split once."""

    def __init__(self, grid: SheetGrid, header: FlatHeader, year: int | None, month: int | None,
                 version: str | None):
        cols = header.columns
        self.grid, self.cols, self.year, self.version = grid, cols, year, version
        self.month = month if header.kind != "realisasi" or month is not None else None
        self.c_periode = cols.get("periode") if self.month is None and \
            header.kind == "realisasi" else None
        self.c_skpd, self.c_unit = cols.get("kode_skpd"), cols.get("kode_sub_unit")
        self.c_tahun, self.c_versi = cols.get("tahun"), cols.get("versi")
        self.units: dict[tuple, tuple[str, str]] = {}
        self.years: dict = {}
        if self.c_skpd is None and self.c_unit is None:
            raise LayoutError("tidak ada kolom kode unit ('kode skpd' atau 'kode sub unit'): SKPD "
                              "tiap baris tidak dapat ditentukan", grid.file, grid.name)

    def unit(self, row: list, r: int) -> tuple[str, str]:
        c_skpd, c_unit = self.c_skpd, self.c_unit
        unit = row[c_unit] if c_unit is not None else None
        skpd = row[c_skpd] if c_skpd is not None else None
        got = self.units.get((skpd, unit))
        if got is None:
            agency, sub_unit = split_unit_code(text_of(skpd or unit), self.grid, r,
                                               c_skpd if skpd is not None else c_unit)
            if skpd is not None and unit is not None:
                sub_unit = split_unit_code(text_of(unit), self.grid, r, c_unit)[1]
            got = self.units[(skpd, unit)] = (agency, sub_unit)
        return got

    def has_unit(self, row: list) -> bool:
        return any(c is not None and c < len(row) and row[c] is not None
                   for c in (self.c_skpd, self.c_unit))

    def when(self, row: list, r: int) -> tuple[int | None, int | None, str | None]:
        y = self.year
        if y is None and self.c_tahun is not None:   # the same few years on every row
            y = self.years.get(row[self.c_tahun])
            if y is None:
                y = _year(row, self.c_tahun, self.grid, r)
                if y is not None:
                    self.years[row[self.c_tahun]] = y
        mo = self.month if self.c_periode is None else \
            month_of(row[self.c_periode], cell_name(r, self.c_periode), self.grid)
        version = self.version
        if self.c_versi is not None and row[self.c_versi] is not None:
            version = version_of(text_of(row[self.c_versi])) or version
        return y, mo, version


def _cell_text(row: list, c: int | None) -> str | None:
    return text_of(row[c]) if c is not None and row[c] is not None else None


def _name(row: list, c: int | None) -> str | None:
    return _cell_text(row, c)


def _year(row: list, c: int | None, grid: SheetGrid, r: int) -> int | None:
    if c is None or row[c] is None:
        return None
    text = text_of(row[c]).strip()
    if not re.fullmatch(r"20\d\d", text):
        raise CellError(f"bukan tahun: {text!r}", grid.file, grid.name, cell_name(r, c))
    return int(text)
