"""Write the bundled sample year, data/raw/2020/, from data/seed/tables.json.

The seed is the transcription of the LKjIP 2020 of the Dinas Sosial P3A Kota Probolinggo
(``shared/seed/tables.json`` of the project's founding material, copied to ``data/seed/``).
Each quarter's "Pengukuran Kinerja" table is laid out as an agency would lay it out in Excel, with the
values exactly as printed, errors included: finding them is the reconcile step's job.

The four quarters deliberately differ, as real sheets do:

* TW I  — the first twelve lines stacked in one row (names and amounts separated by line breaks, as the
  report prints them), text in Indonesian style; the rest numeric cells with a Rupiah number format
  and percentages as fractions; the header repeated at page breaks; "Total" in column A.
* TW II — every amount as text in US style (``Rp 1,009,235,000``, ``Rp -``, ``35.71%``), the first
  eleven lines stacked in two rows.
* TW III — numeric cells, the table starting in column B below a wider title block, the PMKS sasaran
  merged down its rows; the footer prints ``6.671.923,749``.
* TW IV — ``Rp`` in its own cell before the pagu (the Pagu header merged over two columns), realisasi
  text in Indonesian style, many without ``Rp``.

``kinerja_2020.xlsx`` is the annual workbook (``lkjip template``) filled from the seed's PK 2020,
indicator tables 3.1.x.A–I, Tabel 3.2 (with Tabel 2.2's figures as "Tabel Lain") and the totals of
the Ikhtisar Eksekutif, as printed. Its ``Tipe Agregasi`` column is left empty, because the seed does
not state how any indicator adds up over the quarters: lkjip infers each type from the name and says
so (AGGREGATION_INFERRED). Its ``Renja`` sheet is empty too: the seed has no Renstra figures per
program or kegiatan, so the Renja form says "tidak tersedia" where they belong.

Run: ``python scripts/make_sample_data.py [--out DIR]``. It refuses to overwrite existing files
unless ``--force`` is given: raw data is never rewritten by accident.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "seed" / "tables.json"

AGENCY = "DINAS SOSIAL, PEMBERDAYAAN PEREMPUAN DAN PERLINDUNGAN ANAK"
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
RP_FORMAT = '"Rp "#,##0;-"Rp "#,##0;"Rp -"'
PCT_FORMAT = "0.00%"
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

HEAD1 = ["NO", "Tujuan di RPJMD", "Sasaran strategis", "Indikator Kinerja",
         "Formulasi Perhitungan Indikator Kinerja", "Target", "Realisasi", "Capaian (%)",
         "Program / Kegiatan", "Anggaran"]
HEAD2 = ["Pagu", "Realisasi", "Capaian (%)"]

INDICATORS = {
    # program_no of the row it is printed on -> (no, sasaran, indikator, formulasi)
    2: ("1", "Meningkatnya Kualitas dan Kemampuan Penyandang Masalah Kesejahteraan Sosial (PMKS)",
        "Persentase Penyandang Masalah Kesejahteraan Sosial (PMKS) yang terpenuhi kebutuhan dasarnya",
        "Jumlah PMKS yang terpenuhi kebutuhan dasarnya / Jumlah PMKS yang menjadi target di Tahun n x 100"
        " (1277 / 1816 x 100%)"),
    5: ("", "Meningkatnya peran serta perempuan dalam pembangunan",
        "Persentase tenaga kerja perempuan di eksekutif, legislatif dan swasta",
        "Jumlah Tenaga Kerja perempuan / Jumlah Tenaga Kerja laki-laki dan perempuan x 100"),
    6: ("", "Meningkatnya perlindungan perempuan dan anak serta tumbuh kembang anak",
        "Persentase Penurunan Kasus Kekerasan terhadap Perempuan dan Anak",
        "Jumlah Pengaduan Kasus Kekerasan dan Pelanggaran Hak Perempuan dan Anak / "
        "Jumlah Pengaduan kasus Kekerasan dan pelanggaran Hak Perempuan dan Anak x 100%"),
}
KLA = ("", "", "Kategori Kota Layak Anak",
       "Kategori I Pratama, Kategori II Nindia, Kategori III Utama, Kategori IV Kota Layak Anak")
TUJUAN = "Meningkatkan Kesejahteraan Sosial Masyarakat"


def us(text: str) -> str:
    """The printed Indonesian text of an amount in US style: 1.234.567,5 -> 1,234,567.5."""
    return text.translate(str.maketrans(".,", ",."))


class Sheet:
    """A thin writer: keeps the current row, the column offset and the column count."""

    def __init__(self, ws, col0: int, ncols: int):
        self.ws, self.col0, self.ncols, self.row = ws, col0, ncols, 1

    def cell(self, col: int, value, fmt: str | None = None, bold=False, wrap=False, border=True):
        c = self.ws.cell(row=self.row, column=self.col0 + col - 1, value=value)
        if fmt:
            c.number_format = fmt
        if bold:
            c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=wrap or (isinstance(value, str) and "\n" in value),
                                vertical="top")
        if border:
            c.border = BOX
        return c

    def merge(self, c1: int, c2: int, r1: int | None = None, r2: int | None = None):
        r1 = r1 or self.row
        r2 = r2 or r1
        self.ws.merge_cells(start_row=r1, end_row=r2, start_column=self.col0 + c1 - 1,
                            end_column=self.col0 + c2 - 1)

    def title(self, lines):
        for text in lines:
            self.cell(1, text, bold=True, border=False)
            self.merge(1, self.ncols)
            self.ws.cell(row=self.row, column=self.col0).alignment = Alignment(horizontal="center")
            self.row += 1
        self.row += 1

    def header(self, rp_split: bool):
        r = self.row
        for i, text in enumerate(HEAD1[:9], start=1):
            self.cell(i, text, bold=True, wrap=True)
            self.merge(i, i, r, r + 1)
        self.cell(10, "Anggaran", bold=True)
        self.merge(10, self.ncols)
        self.row += 1
        cols = [10, 12, 13] if rp_split else [10, 11, 12]
        for col, text in zip(cols, HEAD2):
            self.cell(col, text, bold=True)
        if rp_split:
            self.merge(10, 11)
        self.row += 1
        for i in range(1, 13):
            col = i if not rp_split or i < 11 else i + 1
            self.cell(col, i)
        if rp_split:
            self.merge(10, 11)
        self.row += 1

    def footer(self, q: dict, quarter: int):
        self.row += 1
        for f in q["footer"]:
            self.cell(1, f["verbatim"], border=False)
            self.row += 1
        self.row += 1
        if q.get("date_line"):
            self.cell(9, q["date_line"], border=False)
            self.row += 1
        acting = "Pt. " if quarter == 4 else ""
        for text in [f"{acting}KEPALA DINAS SOSIAL, PEMBERDAYAAN", "PEREMPUAN DAN PERLINDUNGAN ANAK",
                     "KOTA PROBOLINGGO", None, None, "Drs. ZAINULLAH, MM", "Pembina Utama Muda",
                     "NIP. 19630811 198701 1 002"]:
            if text:
                self.cell(9, text, bold=text.isupper(), border=False)
            self.row += 1


def indicator_cells(sheet: Sheet, row: dict, quarter_data: dict, first_program_seen: set):
    pno = row["program_no"]
    if row["level"] == "program" and pno in INDICATORS and pno not in first_program_seen:
        first_program_seen.add(pno)
        no, sasaran, indikator, formula = INDICATORS[pno]
        sheet.cell(1, int(no) if no else None)
        sheet.cell(2, TUJUAN, wrap=True)
        sheet.cell(3, sasaran, wrap=True)
        sheet.cell(4, indikator, wrap=True)
        sheet.cell(5, formula, wrap=True)
        if pno == 2:
            ind = quarter_data["indicator_PMKS"]
            sheet.cell(6, ind["target"])
            sheet.cell(7, ind["realisasi"])
            sheet.cell(8, ind["capaian"])
    elif row["level"] == "kegiatan" and row["kegiatan_id"] == "K7.1":
        sheet.cell(4, KLA[2], wrap=True)
        sheet.cell(5, KLA[3], wrap=True)


def write_rows(sheet: Sheet, rows, quarter_data, style: str, stacked=(), page_breaks=()):
    """style: 'numeric', 'id' (Indonesian text), 'us' (US text), 'rp_split'."""
    seen: set = set()
    i = 0
    while i < len(rows):
        if i in page_breaks:
            sheet.header(rp_split=style == "rp_split")
        block = next((b for b in stacked if b[0] == i), None)
        if block:
            items = rows[block[0]:block[1]]
            indicator_cells(sheet, items[0], quarter_data, seen)
            conv = us if style == "us" else (lambda s: s)
            sheet.cell(9, "\n".join(r["name"] for r in items), wrap=True)
            sheet.cell(10, "\n".join(conv(r["pagu_printed"]) for r in items), wrap=True)
            sheet.cell(11, "\n".join(conv(r["realisasi_printed"]) for r in items), wrap=True)
            sheet.cell(12, "\n".join(conv(r["capaian_printed"] or "") for r in items), wrap=True)
            sheet.row += 1
            i = block[1]
            continue
        r = rows[i]
        indicator_cells(sheet, r, quarter_data, seen)
        bold = r["level"] == "program" and style != "us"  # TW II: no bold at all
        sheet.cell(9, r["name"], bold=bold, wrap=True)
        if style == "numeric":
            sheet.cell(10, r["pagu"], RP_FORMAT, bold=bold)
            sheet.cell(11, r["realisasi"], RP_FORMAT, bold=bold)
            pct = r["capaian_printed"]
            value = None if pct is None else float(pct.rstrip("%").replace(",", ".")) / 100
            sheet.cell(12, value, PCT_FORMAT if pct and "," in pct or pct and "." in pct else "0%",
                       bold=bold)
        elif style == "rp_split":
            printed = r["pagu_printed"]
            sheet.cell(10, "Rp")
            sheet.cell(11, printed.replace("Rp ", ""), bold=bold)
            sheet.cell(12, r["realisasi_printed"], bold=bold)
            sheet.cell(13, r["capaian_printed"], bold=bold)
        else:
            conv = us if style == "us" else (lambda s: s)
            sheet.cell(10, conv(r["pagu_printed"]), bold=bold)
            sheet.cell(11, conv(r["realisasi_printed"]), bold=bold)
            sheet.cell(12, conv(r["capaian_printed"]) if r["capaian_printed"] else None, bold=bold)
        sheet.row += 1
        i += 1


def total_row(sheet: Sheet, total: dict, style: str, label_col: int):
    sheet.cell(label_col, "Total", bold=True)
    if style == "numeric":
        sheet.cell(10, total["pagu"], RP_FORMAT, bold=True)
        sheet.cell(11, total["realisasi"], RP_FORMAT, bold=True)
    elif style == "rp_split":
        sheet.cell(10, "Rp")
        sheet.cell(11, total["pagu_printed"].replace("Rp ", ""), bold=True)
        sheet.cell(12, total["realisasi_printed"], bold=True)
    else:
        sheet.cell(10, total["pagu_printed"], bold=True)
        sheet.cell(11, total["realisasi_printed"], bold=True)
    sheet.row += 1


def build(seed: dict, quarter: int) -> Workbook:
    q = seed["quarters"][f"TW{quarter}"]
    rows = q["rows"]
    wb = Workbook()
    ws = wb.active
    ws.title = f"TW {ROMAN[quarter]}"
    rp_split = quarter == 4
    ncols = 13 if rp_split else 12
    col0 = 2 if quarter == 3 else 1
    sheet = Sheet(ws, col0, ncols)
    titles = [f"PENGUKURAN KINERJA {AGENCY}", "PEMERINTAH KOTA PROBOLINGGO"]
    if quarter == 1:
        titles.append("TAHUN 2020")
    titles += [f"TRIWULAN {ROMAN[quarter]}", "Tahun Anggaran 2020"]
    sheet.title(titles)
    sheet.header(rp_split)
    if quarter == 1:
        write_rows(sheet, rows, q, "numeric", stacked=[(0, 12)], page_breaks=(12,))
        sheet.header(False)
        total_row(sheet, q["total_row"], "numeric", label_col=1)
    elif quarter == 2:
        write_rows(sheet, rows, q, "us", stacked=[(0, 5), (5, 11)], page_breaks=(11, 26))
        total_row(sheet, q["total_row"], "us", label_col=9)
    elif quarter == 3:
        start = sheet.row
        write_rows(sheet, rows, q, "numeric", page_breaks=(9,))
        # the PMKS sasaran spans the rows of its programme block (rows of program 2 and 3)
        for col in (2, 3, 4, 5):
            sheet.merge(col, col, start, start + 3)
        total_row(sheet, q["total_row"], "numeric", label_col=9)
    else:
        write_rows(sheet, rows, q, "rp_split", page_breaks=(13,))
        total_row(sheet, q["total_row"], "rp_split", label_col=9)
    sheet.footer(q, quarter)
    widths = [5, 18, 24, 28, 30, 9, 10, 10, 48, 18, 18, 11, 11]
    for i, w in enumerate(widths[:ncols]):
        ws.column_dimensions[get_column_letter(col0 + i)].width = w
    if rp_split:
        ws.column_dimensions[get_column_letter(col0 + 9)].width = 4
    ws.freeze_panes = ws.cell(row=9 + (1 if quarter == 1 else 0), column=col0)
    wb.properties.creator = "lkjip sample data (from the LKjIP 2020 transcription)"
    return wb


def annual_rows(seed: dict) -> tuple[dict, dict]:
    """The annual workbook's rows, from the seed's PK, indicator tables and Tabel 3.2 / 2.2."""
    names = {k: v["name_tabel_3_2"] for k, v in seed["kegiatan_ids"].items()}
    pk, results = [], []
    for n, (ind, iku) in enumerate(zip(seed["pk_2020"]["indicators"], seed["iku"]), start=1):
        kla = "Kota Layak" in ind["indikator"]
        pk.append({
            "no": n, "sasaran": iku["sasaran"] if ind["sasaran"].startswith("(") else ind["sasaran"],
            "indikator": ind["indikator"], "satuan": "kategori" if kla else "%",
            "polaritas": "kategori" if kla else "positif", "target": ind["target_printed"],
            "target_renstra": iku["C"]["target_akhir_renstra"],
            "program_pendukung": iku["I"]["programs_listed"],
            "kegiatan_pendukung": [names[k] for k in iku["I"].get("kegiatan_listed", [])],
        })
        results.append({
            "no": n, "realisasi_lalu": iku["B"]["realisasi_2019"],
            "realisasi": iku["A"]["realisasi"],
            "realisasi_nasional": None if iku["D"]["realisasi_nasional"] == "-" else
            iku["D"]["realisasi_nasional"],
            "capaian_tertulis": iku["A"]["persentase"],
            "kemajuan_tertulis": iku["C"]["tingkat_kemajuan"],
            "anggaran_tertulis": iku["E"]["anggaran"],
            "persen_pd_tertulis": iku["E"]["persentase_anggaran_thd_PD"],
            "realisasi_anggaran_tertulis": iku["F"]["anggaran_realisasi"],
            "penyerapan_tertulis": iku["F"]["anggaran_capaian"],
            "efisiensi_tertulis": iku["G"]["tingkat_efisiensi"],
        })
    other = {r["kegiatan_id"]: r for r in seed["annual_2_2"]}
    budget = [{
        "program_no": r["program_no"], "program": r["program"], "kegiatan": r["kegiatan"],
        "pagu": r["pagu"], "realisasi": r["realisasi"], "capaian_tertulis": r["pct_printed"],
        "pagu_lain": other[r["kegiatan_id"]]["pagu"],
        "realisasi_lain": other[r["kegiatan_id"]]["realisasi"],
    } for r in seed["annual_3_2"]]
    pk_budget = [{"no": p["pk_no"], "program": p["program"], "anggaran": p["anggaran"],
                  "keterangan": p["keterangan"], "program_no": p["program_no"]}
                 for p in seed["pk_2020"]["programs"]]
    ik = seed["narrative"]["ikhtisar_eksekutif"]
    summary = {"tahun": 2020, "nama_pd": "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan "
               "Anak Kota Probolinggo", "anggaran_pd": ik["total_anggaran"],
               "realisasi_pd": ik["realisasi"]}
    return {"PK": pk, "Indikator": results, "Anggaran": budget, "Anggaran PK": pk_budget}, summary


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "data" / "raw" / "2020")
    ap.add_argument("--force", action="store_true", help="overwrite existing files")
    args = ap.parse_args(argv)
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    args.out.mkdir(parents=True, exist_ok=True)
    for quarter in (1, 2, 3, 4):
        path = args.out / f"pengukuran_kinerja_2020_TW{quarter}.xlsx"
        if path.exists() and not args.force:
            print(f"{path} exists; not overwritten (use --force)", file=sys.stderr)
            continue
        tmp = path.with_suffix(".tmp.xlsx")
        build(seed, quarter).save(tmp)
        tmp.replace(path)
        print(f"wrote {path}")
    path = args.out / "kinerja_2020.xlsx"
    if path.exists() and not args.force:
        print(f"{path} exists; not overwritten (use --force)", file=sys.stderr)
    else:
        sys.path.insert(0, str(ROOT))
        from lkjip_helpers.annual import write_template

        rows, summary = annual_rows(seed)
        write_template(path, 2020, rows, summary)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
