"""``evaluasi_renja.xlsx``: the Renja evaluation form in its printed layout — a title block, three
merged header rows (columns 5–15 split into K and Rp, "Realisasi Kinerja pada Triwulan" over
I–IV), the numbering row 1–17, one row per program / kegiatan / sub kegiatan indicator with the
computed values, then the faktor pendorong / penghambat / tindak lanjut columns left blank for the
analyst, and hidden check columns holding the formulas of 12–15 (Excel recomputes them on opening;
they must equal the values). Workbook text is always stored as text (never a formula); the only
formulas are the check formulas written here."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from .errors import LkjipError
from .files import atomic_write
from .renja import RenjaForm

MARKER = "lkjip evaluasi renja"
ROMAN = ("I", "II", "III", "IV")
TITLE = "EVALUASI TERHADAP HASIL RENJA PERANGKAT DAERAH"
HEAD_ROWS = (6, 7, 8)      # three header rows
NUMBER_ROW = 9
FIRST = 10                 # first data row

# (key, header, number, width): the leading single columns
LEFT = [("no", "No", "1", 7), ("sasaran", "Sasaran", "2", 24), ("kode", "Kode", "3", 12),
        ("nama", "Program / Kegiatan / Sub Kegiatan", "4", 40),
        ("indikator", "Indikator Kinerja Program (outcome) / Kegiatan (output)", "", 36),
        ("satuan", "Satuan", "", 9), ("tipe", "Tipe agregasi", "", 12)]
# (K key, Rp key, header, number): the K/Rp pairs; 8–11 sit under one merged header
PAIRS = [("k5", "rp5", "Target Renstra Perangkat Daerah pada Tahun Akhir Periode Renstra", "5"),
         ("k6", "rp6", "Realisasi Capaian Kinerja Renstra Perangkat Daerah s.d. Renja Tahun Lalu",
          "6"),
         ("k7", "rp7", "Target Kinerja dan Anggaran Renja Perangkat Daerah Tahun Berjalan", "7"),
         ("k_tw1", "rp_tw1", "I", "8"), ("k_tw2", "rp_tw2", "II", "9"),
         ("k_tw3", "rp_tw3", "III", "10"), ("k_tw4", "rp_tw4", "IV", "11"),
         ("k12", "rp12", "Realisasi Capaian Kinerja dan Anggaran Renja yang Dievaluasi "
          "(12 = 8 + 9 + 10 + 11, menurut tipe)", "12"),
         ("k13", "rp13", "Tingkat Capaian Kinerja dan Realisasi Anggaran Renja (%) "
          "(13 = 12 / 7 × 100)", "13"),
         ("k14", "rp14", "Realisasi Kinerja dan Anggaran Renstra s.d. Tahun Berjalan "
          "(14 = 6 + 12, menurut tipe)", "14"),
         ("k15", "rp15", "Tingkat Capaian Kinerja dan Realisasi Anggaran Renstra s.d. Tahun "
          "Berjalan (%) (15 = 14 / 5 × 100)", "15")]
RIGHT = [("unit", "Unit Perangkat Daerah Penanggung Jawab", "16", 22),
         ("keterangan", "Keterangan", "17", 40),
         ("rating_k", "Kategori capaian kinerja (13 K)", "", 14),
         ("rating_rp", "Kategori realisasi anggaran (13 Rp)", "", 14),
         ("pendorong", "Faktor pendorong", "", 24), ("penghambat", "Faktor penghambat", "", 24),
         ("tindak_lanjut", "Tindak lanjut", "", 24)]
CHECKS = ["k12", "rp12", "k13", "rp13", "k14", "rp14", "k15", "rp15"]


def columns() -> dict[str, int]:
    """Every key's column number (1-based), check columns named ``cek_<key>``."""
    col, out = 1, {}
    for key, *_ in LEFT:
        out[key] = col
        col += 1
    for k, rp, *_ in PAIRS:
        out[k], out[rp] = col, col + 1
        col += 2
    for key, *_ in RIGHT:
        out[key] = col
        col += 1
    for key in CHECKS:
        out[f"cek_{key}"] = col
        col += 1
    return out


def created_by_us(path: Path) -> bool:
    """Whether an existing file is one this module wrote and nobody saved since (an analyst who
    filled in the faktor columns and saved it in Excel keeps the file)."""
    from .files import made_by_lkjip

    return made_by_lkjip(path, MARKER)


def write(forms: list[RenjaForm], path: Path | str, force: bool = False) -> Path:
    """Write the forms (one sheet each) to ``path``, whole or not at all. An existing file this
    module did not write is never replaced unless ``force``."""
    path = Path(path)
    if path.exists() and not force and not created_by_us(path):
        raise LkjipError("sudah ada dan bukan buatan lkjip renja; tidak ditimpa (pakai --force "
                         "bila memang hendak diganti)", path)
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for i, form in enumerate(forms):
        name = "Evaluasi Renja" if len(forms) == 1 else f"Evaluasi Renja {i + 1}"
        _sheet(wb.create_sheet(name), form)
    wb.properties.creator = "lkjip"
    wb.properties.title = MARKER  # marks it as ours: a rerun may replace it
    return atomic_write(path, wb.save)


def _sheet(ws, form: RenjaForm) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    from .cellstyle import style
    from .safe import set_text

    cols = columns()
    last = max(v for k, v in cols.items() if not k.startswith("cek_"))
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    bold_font = Font(bold=True)
    top = {True: Alignment(vertical="top", wrap_text=True), False: Alignment(vertical="top")}

    def put(r, c, v, bold=False, border=True, align=None):
        cell = ws.cell(row=r, column=c)
        set_text(cell, v)
        if bold:
            style(cell, font=bold_font)
        if border:
            style(cell, border=box)
        style(cell, alignment=align or top[isinstance(v, str)])
        return cell

    def merge(r1, c1, r2, c2):
        if (r1, c1) != (r2, c2):
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                style(ws.cell(row=r, column=c), border=box)

    titles = [TITLE, f"Perangkat Daerah: {form.agency or '–'}",
              f"Periode pelaksanaan: {_period(form)} Tahun {form.year}",
              "K = kinerja (volume indikator, dengan satuannya); Rp = anggaran (rupiah)."]
    left = Alignment(horizontal="left")
    for r, text in enumerate(titles, start=1):
        put(r, 1, text, bold=r == 1, border=False, align=left)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last)
    h1, h2, h3 = HEAD_ROWS
    for key, head, num, width in LEFT + RIGHT:
        c = cols[key]
        put(h1, c, head, bold=True, align=centre)
        merge(h1, c, h3, c)
        put(NUMBER_ROW, c, num, align=centre)
        ws.column_dimensions[get_column_letter(c)].width = width
    put(h1, cols["k_tw1"], "Realisasi Kinerja pada Triwulan", bold=True, align=centre)
    merge(h1, cols["k_tw1"], h1, cols["rp_tw4"])
    for k, rp, head, num in PAIRS:
        tw = k.startswith("k_tw")
        put(h2 if tw else h1, cols[k], head, bold=True, align=centre)
        merge(h2 if tw else h1, cols[k], h2, cols[rp])
        put(h3, cols[k], "K", bold=True, align=centre)
        put(h3, cols[rp], "Rp", bold=True, align=centre)
        put(NUMBER_ROW, cols[k], num, align=centre)
        merge(NUMBER_ROW, cols[k], NUMBER_ROW, cols[rp])
        ws.column_dimensions[get_column_letter(cols[k])].width = 11
        ws.column_dimensions[get_column_letter(cols[rp])].width = 17
    for key in CHECKS:
        c = cols[f"cek_{key}"]
        put(h1, c, f"cek rumus {key.replace('rp', 'Rp ').replace('k', 'K ')}", border=False)
        ws.column_dimensions[get_column_letter(c)].hidden = True
    ws.row_dimensions[h1].height = 60
    ws.row_dimensions[h2].height = 30
    r = FIRST
    for row in form.rows:
        for key, c in cols.items():
            if key.startswith("cek_"):
                continue
            v = row.get(key)
            cell = put(r, c, _cell_value(v), bold=row["level"] == "program" and key == "nama")
            if isinstance(v, Decimal):
                cell.number_format = _format(key, v)
        for key in CHECKS:
            f = check_formula(key, row, r, cols)
            if f:
                ws.cell(row=r, column=cols[f"cek_{key}"]).value = f  # our own formula
        r += 1
    r += 1
    for text in legend(form):
        put(r, 1, text, border=False, align=left)
        r += 1
    ws.freeze_panes = ws.cell(row=FIRST, column=cols["indikator"])


def _cell_value(v):
    if v is None:
        return None
    if isinstance(v, Decimal):
        return v
    return str(v)


def _format(key: str, v: Decimal) -> str:
    if key in ("k13", "rp13", "k15", "rp15"):
        return "0.00"
    if key.startswith("rp"):
        return "#,##0" if v == v.to_integral() else "#,##0.00"
    return "General"


def _ref(key: str, r: int, cols: dict) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(cols[key])}{r}"


def check_formula(key: str, row: dict, r: int, cols: dict) -> str | None:
    """The spreadsheet formula that recomputes column ``key`` of a row from its inputs, when the
    value is a number and every input is one (None otherwise: nothing to check)."""
    if not isinstance(row.get(key), Decimal):
        return None
    ref = lambda k: _ref(k, r, cols)  # noqa: E731
    num = lambda k: isinstance(row.get(k), Decimal)  # noqa: E731
    side = "rp" if key.startswith("rp") else "k"
    tw = [f"{side}_tw{q}" for q in (1, 2, 3, 4)]
    tipe = row.get("tipe") or ""
    negatif = side == "k" and tipe == "tren negatif"
    n = key[len(side):]
    if n == "12":
        if side == "k" and tipe != "tren positif":
            latest = [k for k in tw if num(k)]
            return f"={ref(latest[-1])}" if latest else None
        parts = [ref(k) for k in tw if num(k)]
        return f"=SUM({','.join(parts)})" if parts else None
    if n in ("13", "15"):
        real, target = (f"{side}12", f"{side}7") if n == "13" else (f"{side}14", f"{side}5")
        if not (num(real) and num(target)) or row[target] == 0:
            return None
        if negatif:
            return f"=(2*{ref(target)}-{ref(real)})/{ref(target)}*100"
        return f"={ref(real)}/{ref(target)}*100"
    if n == "14":
        if side == "k" and tipe != "tren positif":
            return f"={ref('k12')}" if num("k12") else None
        return f"={ref(side + '6')}+{ref(side + '12')}" if num(side + "6") and num(side + "12") \
            else None
    return None


def legend(form: RenjaForm) -> list[str]:
    """The lines under the table: what the blanks and words mean, the rules, the rating scale."""
    from .aggregation import RULES

    return [
        "Keterangan:",
        "'tidak tersedia': masukan tidak ada di lembar triwulan maupun workbook tahunan (sheet "
        "Renja) — bukan nol. 'tidak ada lembar': lembar triwulan itu tidak ada. Kosong: triwulan "
        "sesudah periode ini.",
        "Rp dari baris anggaran yang sudah direkonsiliasi: 7 = "
        + (f"pagu dasar laporan ({form.basis}), seperti di laporan"
           if form.basis else "pagu menurut lembar triwulan terakhir")
        + ", 8–11 = realisasi dalam triwulan, 12 = realisasi kumulatif.",
        *(f"K, {rule}" for rule in RULES.values()),
        "Target nol dan realisasi nol dihitung 100%; target nol dengan realisasi di atas nol tidak "
        "dapat dihitung (makin tinggi makin baik) atau 0% (tren negatif).",
        f"Kategori capaian (terhadap target setahun, sehingga wajar rendah pada TW I–III): "
        f"{form.scale.source}",
        *form.notes,
        "Kolom faktor pendorong, faktor penghambat dan tindak lanjut diisi analis.",
    ]


def _period(form) -> str:
    """``Triwulan II``, or for a monthly source's report ``Bulan Mei``."""
    return f"Bulan {form.until}" if form.month else f"Triwulan {ROMAN[form.quarter - 1]}"
