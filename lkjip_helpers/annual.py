"""The annual workbook ``kinerja_<year>.xlsx``: the PK, indicator results, the year's final budget per
kegiatan (Tabel 3.2) and the PK program budgets. ``lkjip template`` writes a blank one; ``read_annual``
reads a filled one with the same error standard as the quarterly sheets."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from .errors import CellError, LayoutError
from .excel.layout import norm
from .files import atomic_write
from .excel.workbook import SheetGrid, cell_name, open_workbook, text_of
from .numbers import NumberError, parse_amount, parse_percent

# sheet -> [(column header, field, kind)]; kind: text, amount, value (indicator value as typed),
# percent, int, list. Headers are matched case- and space-insensitively.
SHEETS: dict[str, list[tuple[str, str, str]]] = {
    "PK": [
        ("No", "no", "int"), ("Sasaran", "sasaran", "text"), ("Indikator", "indikator", "text"),
        ("Satuan", "satuan", "text"), ("Polaritas", "polaritas", "text"),
        ("Target", "target", "value"), ("Target Akhir Renstra", "target_renstra", "value"),
        ("Program Pendukung", "program_pendukung", "list"),
        ("Kegiatan Pendukung", "kegiatan_pendukung", "list"),
        ("Tipe Agregasi", "tipe_agregasi", "text"),
    ],
    "Indikator": [
        ("No", "no", "int"), ("Realisasi Tahun Lalu", "realisasi_lalu", "value"),
        ("Realisasi", "realisasi", "value"), ("Realisasi Nasional", "realisasi_nasional", "value"),
        ("Analisis", "analisis", "text"),
        ("Capaian Tertulis", "capaian_tertulis", "value"),
        ("Kemajuan Tertulis", "kemajuan_tertulis", "value"),
        ("Anggaran Sasaran Tertulis", "anggaran_tertulis", "amount"),
        ("Persen Anggaran PD Tertulis", "persen_pd_tertulis", "value"),
        ("Realisasi Anggaran Sasaran Tertulis", "realisasi_anggaran_tertulis", "amount"),
        ("Penyerapan Sasaran Tertulis", "penyerapan_tertulis", "value"),
        ("Efisiensi Tertulis", "efisiensi_tertulis", "value"),
    ],
    "Anggaran": [
        ("Program Ke", "program_no", "int"), ("Program", "program", "text"),
        ("Kegiatan", "kegiatan", "text"), ("Pagu", "pagu", "amount"),
        ("Realisasi", "realisasi", "amount"), ("Capaian Tertulis", "capaian_tertulis", "percent"),
        ("Pagu Tabel Lain", "pagu_lain", "amount"), ("Realisasi Tabel Lain", "realisasi_lain", "amount"),
    ],
    "Anggaran PK": [
        ("No", "no", "int"), ("Program", "program", "text"), ("Anggaran", "anggaran", "amount"),
        ("Keterangan", "keterangan", "text"), ("Program Ke", "program_no", "int"),
    ],
    # inputs of the Renja evaluation form (Permendagri 86/2017) that no quarterly sheet holds
    "Renja": [
        ("Tingkat", "tingkat", "text"), ("Kode", "kode", "text"),
        ("Program Ke", "program_no", "int"), ("Nama", "nama", "text"),
        ("Indikator", "indikator", "text"), ("Satuan", "satuan", "text"),
        ("Tipe Agregasi", "tipe_agregasi", "text"),
        ("Target Renstra K", "renstra_k", "value"), ("Target Renstra Rp", "renstra_rp", "amount"),
        ("Realisasi Renstra s.d. Tahun Lalu K", "lalu_k", "value"),
        ("Realisasi Renstra s.d. Tahun Lalu Rp", "lalu_rp", "amount"),
        ("Target Renja K", "renja_k", "value"),
        ("Realisasi K TW I", "k_tw1", "value"), ("Realisasi K TW II", "k_tw2", "value"),
        ("Realisasi K TW III", "k_tw3", "value"), ("Realisasi K TW IV", "k_tw4", "value"),
        ("Unit Penanggung Jawab", "unit", "text"), ("Keterangan", "keterangan", "text"),
    ],
}
OPTIONAL_SHEETS = {"Renja"}  # older workbooks without it still read
TINGKAT = ("program", "kegiatan", "sub kegiatan")
REQUIRED = {
    "PK": {"no", "sasaran", "indikator", "polaritas", "target"},
    "Indikator": {"no", "realisasi"},
    "Anggaran": {"program_no", "program", "kegiatan", "pagu", "realisasi"},
    "Anggaran PK": {"no", "program", "anggaran"},
    "Renja": {"tingkat", "nama"},
}
SUMMARY_KEYS = {"anggaran perangkat daerah": "anggaran_pd", "realisasi perangkat daerah":
                "realisasi_pd", "nama perangkat daerah": "nama_pd", "tahun": "tahun"}
INSTRUCTIONS = [
    "Petunjuk pengisian kinerja_<tahun>.xlsx (diisi sekali setahun)",
    "",
    "PK: satu baris per indikator Perjanjian Kinerja. Polaritas: positif (makin tinggi makin baik), "
    "negatif (makin rendah makin baik), kategori (mis. Kota Layak Anak: Pratama, Madya, Nindya, "
    "Utama, KLA). Target dan Target Akhir Renstra ditulis seperti di dokumen (86%, 48,25%, Madya).",
    "Program Pendukung: nomor program (kolom 'Program Ke' di sheet Anggaran) dipisah koma, mis. 2, 3, 4. "
    "Kegiatan Pendukung (boleh kosong): nama kegiatan dipisah titik koma, bila hanya sebagian "
    "kegiatan program yang mendukung sasaran.",
    "Indikator: satu baris per nomor PK: realisasi tahun lalu dan tahun ini, realisasi nasional bila "
    "ada, dan analisis. Kolom '... Tertulis' diisi angka yang tercantum di dokumen LKjIP (boleh "
    "kosong): lkjip menghitung ulang dan menandai bila berbeda.",
    "Anggaran: anggaran akhir tahun per kegiatan (Tabel 3.2): pagu, realisasi, capaian tertulis. "
    "'Pagu/Realisasi Tabel Lain': angka kegiatan yang sama di tabel lain (mis. Tabel 2.2), bila ada.",
    "Tipe Agregasi (PK dan Renja; boleh kosong, lkjip lalu menebak dan memberi peringatan): "
    "tren positif (hitungan, realisasi tahun = jumlah triwulan), tren negatif (makin rendah makin "
    "baik, nilai triwulan terakhir; polaritas negatif), persentase / nilai akhir (nilai triwulan "
    "terakhir, tidak dijumlah).",
    "Anggaran PK: anggaran program di Perjanjian Kinerja; 'Program Ke' mengacu ke sheet Anggaran.",
    "Renja (boleh kosong): masukan formulir Evaluasi Hasil Renja (Permendagri 86/2017) yang tidak "
    "ada di lembar triwulan. Satu baris per program / kegiatan / sub kegiatan (kolom Tingkat), "
    "'Program Ke' dan Nama seperti di lembar triwulan: indikator (K) dengan satuan dan tipe "
    "agregasi, target Renstra (K, Rp), realisasi Renstra s.d. tahun lalu (K, Rp), target Renja (K), "
    "realisasi K tiap triwulan, unit penanggung jawab. Rp tahun berjalan diambil dari lembar "
    "triwulan. Kolom yang kosong ditulis 'tidak tersedia' di formulir, tidak pernah 0.",
    "Ringkasan: anggaran dan realisasi seluruh Perangkat Daerah (untuk persen anggaran sasaran "
    "terhadap PD).",
    "Angka rupiah boleh ditulis 1.234.567 atau sebagai angka biasa. Jangan mengubah judul kolom.",
]


@dataclass
class Annual:
    file: str
    pk: pd.DataFrame
    results: pd.DataFrame
    budget: pd.DataFrame
    pk_budget: pd.DataFrame
    summary: dict
    renja: pd.DataFrame | None = None  # the optional Renja sheet (inputs of the evaluation form)


def write_template(path: Path, year: int, rows: dict[str, list[dict]] | None = None,
                   summary: dict | None = None) -> Path:
    """A blank (or, with ``rows``, filled) annual workbook: headers, a polarity list, instructions.
    Written to a temporary file and renamed, so it appears whole."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from .safe import set_text

    wb = Workbook()
    ws = wb.active
    ws.title = "Petunjuk"
    for r, text in enumerate(INSTRUCTIONS, start=1):
        set_text(ws.cell(row=r, column=1), text.replace("<tahun>", str(year)))
        ws.cell(row=r, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    ws["A1"].font = Font(bold=True, size=13)
    ws.column_dimensions["A"].width = 110
    for name, cols in SHEETS.items():
        sh = wb.create_sheet(name)
        for c, (header, _, _) in enumerate(cols, start=1):
            set_text(sh.cell(row=1, column=c), header)
            sh.cell(row=1, column=c).font = Font(bold=True)
            sh.column_dimensions[get_column_letter(c)].width = 16 if c > 3 else 28
        sh.freeze_panes = "A2"
        for r, rec in enumerate((rows or {}).get(name, []), start=2):
            for c, (_, fld, kind) in enumerate(cols, start=1):
                v = rec.get(fld)
                if isinstance(v, (list, tuple)):
                    v = (", " if fld == "program_pendukung" else "; ").join(map(str, v))
                if isinstance(v, Decimal):
                    v = int(v) if v == v.to_integral() else float(v)
                cell = sh.cell(row=r, column=c)
                set_text(cell, v)
                if kind == "amount" and isinstance(v, (int, float)):
                    cell.number_format = "#,##0"
        for fld, choices, blank in LISTS.get(name, ()):
            dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                                allow_blank=blank, showErrorMessage=True, errorTitle=fld,
                                error="Pilih salah satu: " + ", ".join(choices))
            col = get_column_letter(next(i for i, c in enumerate(cols, 1) if c[1] == fld))
            dv.add(f"{col}2:{col}500")
            sh.add_data_validation(dv)
    sh = wb.create_sheet("Ringkasan")
    set_text(sh.cell(row=1, column=1), "Keterangan")
    set_text(sh.cell(row=1, column=2), "Nilai")
    for r, (label, key) in enumerate((("Tahun", "tahun"), ("Nama Perangkat Daerah", "nama_pd"),
                                      ("Anggaran Perangkat Daerah", "anggaran_pd"),
                                      ("Realisasi Perangkat Daerah", "realisasi_pd")), start=2):
        set_text(sh.cell(row=r, column=1), label)
        v = (summary or {}).get(key, year if key == "tahun" else None)
        set_text(sh.cell(row=r, column=2), int(v) if isinstance(v, Decimal) else v)
    sh.column_dimensions["A"].width = 30
    sh.column_dimensions["B"].width = 50
    return atomic_write(path, wb.save)


def _lists() -> dict[str, tuple]:
    from .aggregation import CHOICES

    pol = ("polaritas", ("positif", "negatif", "kategori"), False)
    return {"PK": (pol, ("tipe_agregasi", CHOICES, True)),
            "Renja": (("tingkat", TINGKAT, False), ("tipe_agregasi", CHOICES, True))}


LISTS = _lists()


def _sheet(grids: list[SheetGrid], name: str, path: Path) -> SheetGrid:
    for g in grids:
        if norm(g.name).lower() == name.lower():
            return g
    raise LayoutError(f"workbook tahunan tidak punya sheet {name!r} (jalankan `lkjip "
                      "template`)", path)


def _read_table(grid: SheetGrid, name: str) -> list[dict]:
    cols = SHEETS[name]
    wanted = {norm(h).lower(): (fld, kind) for h, fld, kind in cols}
    header_row, found = None, {}
    for r, row in enumerate(grid.rows[:10]):
        found = {wanted[norm(v).lower()]: c for c, v in enumerate(row)
                 if v is not None and norm(v).lower() in wanted}
        if {fld for fld, _ in found} >= REQUIRED[name]:
            header_row = r
            break
    if header_row is None:
        missing = sorted(REQUIRED[name] - {fld for fld, _ in found})
        heads = [h for h, fld, _ in cols if fld in missing]
        raise LayoutError(f"tidak ada baris judul dengan kolom {heads}", grid.file, grid.name, "A1")
    out = []
    for r in range(header_row + 1, len(grid.rows)):
        row = grid.rows[r]
        if not any(v is not None for v in row):
            continue
        rec = {"_row": r + 1}
        for (fld, kind), c in found.items():
            v = row[c] if c < len(row) else None
            rec[fld] = _convert(v, kind, grid, r, c)
            rec[f"_{fld}_cell"] = cell_name(r, c)
        for fld, kind in wanted.values():
            rec.setdefault(fld, None)
        missing = [f for f in REQUIRED[name] if rec.get(f) in (None, "")]
        if missing:
            c = found[next((fld, k) for fld, k in found if fld == missing[0])]
            raise CellError(f"{missing[0]} kosong", grid.file, grid.name, cell_name(r, c))
        out.append(rec)
    _percent_values(grid, found, header_row, out)
    return out


def _percent_values(grid: SheetGrid, found: dict, header_row: int, out: list[dict]) -> None:
    """A number cell of a value column formatted as a percent holds a fraction (Excel stores 86%
    typed as 0.86): it is written back as the percent it shows ("86%"), never read as 0,86."""
    from .excel.formats import cell_formats, percent_decimals

    numeric = {}
    for (fld, kind), c in found.items():
        if kind != "value":
            continue
        for rec in out:
            v = grid.get(rec["_row"] - 1, c)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                numeric[rec[f"_{fld}_cell"]] = (rec, fld, v)
    if not numeric:
        return
    fmts = cell_formats(Path(grid.file), grid.name, set(numeric))
    for cell, (rec, fld, v) in numeric.items():
        is_pct, _ = percent_decimals(fmts.get(cell))
        if is_pct:
            pct = (Decimal(repr(float(v))) * 100).normalize()
            rec[fld] = f"{pct:f}%"


def _convert(v, kind: str, grid: SheetGrid, r: int, c: int):
    if v is None:
        return None
    where = (grid.file, grid.name, cell_name(r, c))
    if kind == "amount":
        try:
            return parse_amount(v).value
        except NumberError:
            raise CellError(f"{text_of(v)!r} bukan jumlah rupiah", *where) from None
    if kind == "percent":
        try:
            return parse_percent(v)
        except NumberError:
            raise CellError(f"{text_of(v)!r} bukan persentase", *where) from None
    if kind == "int":
        try:
            return int(float(text_of(v).strip().rstrip(".")))
        except ValueError:
            raise CellError(f"{text_of(v)!r} bukan angka", *where) from None
    if kind == "list":
        sep = ";" if ";" in text_of(v) else ","
        return [t.strip() for t in text_of(v).split(sep) if t.strip()]
    if kind == "value":
        if isinstance(v, float):
            return text_of(v)
        return text_of(v).strip()
    return text_of(v).strip()


def read_annual(path: Path) -> Annual:
    """Read a filled annual workbook. Bad input raises the package's errors (file, sheet, cell)."""
    from .indicators import POLARITIES

    path = Path(path)
    grids = open_workbook(path)
    names = {norm(g.name).lower() for g in grids}
    tables = {name: _read_table(_sheet(grids, name, path), name) if name not in OPTIONAL_SHEETS
              or name.lower() in names else [] for name in SHEETS}
    for rec in tables["PK"]:
        pol = (rec["polaritas"] or "").lower()
        if pol not in POLARITIES:
            raise CellError(f"{rec['polaritas']!r} bukan polaritas (positif, negatif, kategori)",
                            path, "PK", rec["_polaritas_cell"])
        rec["polaritas"] = pol
    _check_types(tables, path)
    summary = {}
    try:
        g = _sheet(grids, "Ringkasan", path)
        for r, row in enumerate(g.rows):
            key = SUMMARY_KEYS.get(norm(row[0]).lower()) if row else None
            if key == "anggaran_pd":   # where it is, also when blank: a finding may name it
                summary["_anggaran_pd_cell"] = cell_name(r, 1)
            if key and len(row) > 1 and row[1] is not None:
                if key in ("anggaran_pd", "realisasi_pd"):
                    summary[key] = _convert(row[1], "amount", g, r, 1)
                else:
                    summary[key] = text_of(row[1]).strip()
    except LayoutError:
        pass
    frames = {k: pd.DataFrame(v, columns=None if v else _empty_columns(k))
              for k, v in tables.items()}
    return Annual(path.name, frames["PK"], frames["Indikator"], frames["Anggaran"],
                  frames["Anggaran PK"], summary, frames["Renja"])


def _empty_columns(name: str) -> list[str]:
    return [fld for _, fld, _ in SHEETS[name]]


def _check_types(tables: dict[str, list[dict]], path: Path) -> None:
    """Tipe Agregasi as a key (``tren_positif`` …); a value outside the list, or one that
    contradicts the polarity, refused with its cell. Tingkat of the Renja sheet likewise."""
    from .aggregation import conflict, parse_type

    for sheet in ("PK", "Renja"):
        for rec in tables[sheet]:
            try:
                rec["tipe_agregasi"] = parse_type(rec.get("tipe_agregasi"))
            except ValueError as exc:
                raise CellError(str(exc), path, sheet, rec["_tipe_agregasi_cell"]) from None
            why = rec["tipe_agregasi"] and sheet == "PK" and \
                conflict(rec["tipe_agregasi"], rec["polaritas"])
            if why:
                raise CellError(why, path, sheet, rec["_tipe_agregasi_cell"])
    for rec in tables["Renja"]:
        t = " ".join((rec["tingkat"] or "").lower().split())
        if t not in TINGKAT:
            raise CellError(f"{rec['tingkat']!r} bukan tingkat ({', '.join(TINGKAT)})", path,
                            "Renja", rec["_tingkat_cell"])
        rec["tingkat"] = t


def find_annual(folder: Path, year: int) -> Path | None:
    """``kinerja_<year>.xlsx`` in ``folder``, if there is one."""
    p = Path(folder) / f"kinerja_{year}.xlsx"
    return p if p.exists() else None
