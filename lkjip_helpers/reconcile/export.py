"""The findings workbook for the analyst: findings with filters and their source cells (in Bahasa
Indonesia: severity and kind in words, Keterangan right after where, wrapped; each finding linked to
its source workbook's sheet and cell when that workbook is beside this one), one sheet per quarter
with the ingested table and the offending cells highlighted, the annual workbook's sheets as read
with the annual findings' cells highlighted the same way, and the refocusing table.

Every text cell is written as text (never a formula), so no kegiatan name can run as one."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..cellstyle import style
from ..excel.matrix import source_label
from ..files import FINDINGS_TITLE, atomic_write
from ..ingest import Ingested
from ..safe import set_text, xlsx_text
from ..severity import SEVERITY_LABEL
from . import Reconciliation
from .findings import CODES, tw

WRAP = Alignment(wrap_text=True, vertical="top")
LINK = Font(color="0563C1", underline="single")

FILL = {"error": PatternFill("solid", fgColor="F4B6B6"),
        "warning": PatternFill("solid", fgColor="FBE3A6"),
        "info": PatternFill("solid", fgColor="D6E6F5")}
HEAD = Font(bold=True)
RP = '#,##0;-#,##0;"-"'
RP_SEN = '#,##0.00;-#,##0.00;"-"'
PCT = '0.00"%"'


def _value(v):
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral() else float(v)
    return v


def _write_table(ws, header: list[str], rows: list[list], formats: dict[int, str] | None = None
                 ) -> int:
    """The table from A1; returns how many texts had characters xlsx forbids replaced."""
    replaced = 0
    for c, h in enumerate(header, start=1):
        set_text(ws.cell(row=1, column=c), h)
        style(ws.cell(row=1, column=c), font=HEAD)
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            replaced += set_text(cell, _value(v))
            if formats and c in formats and isinstance(cell.value, (int, float)):
                cell.number_format = formats[c]
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    return replaced


def _widths(ws, widths: list[int]):
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v))


def _source_link(path: Path, file, sheet, cell) -> str | None:
    """``file.xlsx#'Sheet'!K10`` when the source workbook lies beside the findings workbook (the
    link then works wherever the folder is copied); None otherwise."""
    if _missing(file) or not file or Path(str(file)).name != str(file) or \
            not (Path(path).parent / str(file)).is_file():
        return None
    ref = ""
    if not _missing(sheet) and sheet:
        first = "" if _missing(cell) or not cell else str(cell).split(" ")[0]
        quoted = str(sheet).replace("'", "''")
        ref = f"#'{quoted}'!{first or 'A1'}"
    return f"{file}{ref}"


def _highlight(cell, found: list) -> None:
    """Colour a cell by its worst finding and comment it with every finding's kind and message."""
    worst = min(found, key=lambda x: ("error", "warning", "info").index(x.severity))
    style(cell, fill=FILL[worst.severity])
    text = "\n".join(f"{CODES.get(x.code, x.code)}: {x.message}" for x in found)
    cell.comment = Comment(xlsx_text(text)[0], "lkjip", width=400, height=160)


def _annual_sheets(wb, annual, hits: dict) -> int:
    """The annual workbook's sheets as read, each value at its own cell address (so a finding's
    cell names the same cell here), the header row from the template's headers, the annual
    findings' cells highlighted like the quarterly ones. Returns the texts escaped."""
    from ..annual import SHEETS

    replaced = 0
    frames = {"PK": annual.pk, "Indikator": annual.results, "Anggaran": annual.budget,
              "Anggaran PK": annual.pk_budget, "Renja": annual.renja}
    for name, df in frames.items():
        if df is None or not len(df) or name not in SHEETS:
            continue
        ws = wb.create_sheet(f"Tahunan {name}"[:31])
        heads = {fld: h for h, fld, _ in SHEETS[name]}
        for rec in df.to_dict("records"):
            for key, ref in rec.items():
                if not (key.startswith("_") and key.endswith("_cell")) or _missing(ref):
                    continue
                fld = key[1:-5]
                value = rec.get(fld)
                if isinstance(value, tuple):     # a percent as (value, decimals printed)
                    value = value[0]
                elif isinstance(value, list):    # e.g. the programs a PK row refers to
                    value = ", ".join(map(str, value))
                cell = ws[ref]
                replaced += set_text(cell, _value(value))
                top = ws.cell(row=1, column=cell.column)
                if top.value is None and fld in heads and cell.row > 1:
                    set_text(top, heads[fld])
                    style(top, font=HEAD)
                found = hits.get((annual.file, name, ref))
                if found:
                    _highlight(cell, found)
        ws.freeze_panes = "A2"
        for col in range(1, ws.max_column + 1):
            ws.column_dimensions[get_column_letter(col)].width = 18
    return replaced

def _basis_words(r) -> str:
    from ..basis import describe

    return describe(int(r.quarter), [r.dasar], [int(r.berlaku_sejak)], [bool(r.dipulihkan)])


def write_findings_workbook(rec: Reconciliation, data: Ingested, path: Path) -> Path:
    """Write the workbook whole (to a temporary file, then renamed into place). Texts holding
    characters xlsx cannot store are written with those characters escaped, and a warning is
    logged (logger ``lkjip``)."""
    wb = Workbook()
    wb.properties.title = FINDINGS_TITLE  # marks it as ours: a rerun may replace it
    replaced = 0
    ws = wb.active
    ws.title = "Temuan"
    f = rec.findings
    header = ["Tingkat", "Jenis", "TW", "File", "Sheet", "Sel", "Keterangan", "Program",
              "Kegiatan", "Isian", "Tertulis", "Dihitung", "Selisih", "Satuan", "Tahun", "Kode"]
    rows = [[SEVERITY_LABEL.get(r.severity, r.severity), CODES.get(r.code, r.code),
             tw(r.quarter) if not _missing(r.quarter) else "tahunan", r.source_file,
             r.source_sheet, r.source_cell, r.message, r.program, r.kegiatan, r.field, r.stated,
             r.computed, r.difference, r.unit, r.year, r.code] for r in f.itertuples(index=False)]
    replaced += _write_table(ws, header, rows, {11: RP_SEN, 12: RP_SEN, 13: RP_SEN})
    for r, (sev, fi, sheet, cell) in enumerate(zip(f["severity"], f["source_file"],
                                                    f["source_sheet"], f["source_cell"]), start=2):
        style(ws.cell(row=r, column=1), fill=FILL[sev])
        for c in (2, 7, 8, 9):
            style(ws.cell(row=r, column=c), alignment=WRAP)
        target = _source_link(path, fi, sheet, cell)
        if target:
            ws.cell(row=r, column=6).hyperlink = target
            style(ws.cell(row=r, column=6), font=LINK)
    _widths(ws, [14, 28, 8, 26, 11, 12, 70, 28, 34, 10, 16, 16, 16, 6, 7, 22])

    # one sheet per quarter: the table as read, offending cells highlighted
    hits: dict[tuple, list] = {}
    for r in f.itertuples(index=False):
        if isinstance(r.source_cell, str) and r.source_cell:  # a finding may have no cell (NA)
            hits.setdefault((r.source_file, r.source_sheet, r.source_cell), []).append(r)
    # the tables as records once (a row of a frame made a Series, or a frame filtered, for each
    # program and quarter took a third of this workbook's time)
    lines_of: dict[tuple, list] = {}
    for k in data.budget_lines.to_dict("records"):
        lines_of.setdefault((k["year"], k["quarter"]), []).append(k)
    totals_of: dict[tuple, list] = {}
    for t in data.stated_totals.to_dict("records"):
        totals_of.setdefault((t["year"], t["quarter"]), []).append(t)
    for year, quarter in sorted(lines_of):
        ws = wb.create_sheet(f"{tw(int(quarter))} {int(year)}"[:31])
        rows, cells = [], []
        lines: dict = {}   # the quarter's kegiatan by their program's number
        for k in lines_of[(year, quarter)]:
            if not _missing(k["program_no"]):
                lines.setdefault(k["program_no"], []).append(k)
        stated = totals_of.get((year, quarter), [])
        kinds = [None if _missing(t["kind"]) else t["kind"] for t in stated]
        for p in (t for t, kind in zip(stated, kinds) if kind == "program"):
            rows.append(["program", p["program_no"], p["label"], p["pagu"], p["realisasi"],
                         p["capaian"], p["source_file"], p["source_sheet"],
                         source_label(p["source_cell"], p["source_part"])])
            cells.append(p)
            for k in [] if _missing(p["program_no"]) else lines.get(p["program_no"], []):
                rows.append(["kegiatan", k["program_no"], k["kegiatan"], k["pagu"],
                             k["realisasi"], k["capaian"], k["source_file"], k["source_sheet"],
                             source_label(k["source_cell"], k["source_part"])])
                cells.append(k)
        for t in (t for t, kind in zip(stated, kinds) if kind not in (None, "program")):
            amount = t["amount"] if t["kind"] == "footer" else None
            rows.append([t["kind"], None, t["label"], t["pagu"] if amount is None else amount,
                         t["realisasi"], None, t["source_file"], t["source_sheet"],
                         t["source_cell"]])
            cells.append(t)
        replaced += _write_table(ws, ["Jenis", "Program ke-", "Program / Kegiatan", "Pagu",
                                      "Realisasi", "Capaian (%)", "File", "Sheet", "Sel"],
                                 rows, {4: RP, 5: RP, 6: PCT})
        for r, src in enumerate(cells, start=2):
            if src.get("kind") == "program":
                for c in range(1, 7):
                    style(ws.cell(row=r, column=c), font=HEAD)
            for col, key in ((4, "pagu_cell"), (5, "realisasi_cell"), (6, "capaian_cell"),
                             (3, "source_cell"), (4, "amount_cell")):
                cell_ref = src.get(key)
                if cell_ref is None or (not isinstance(cell_ref, str) and pd.isna(cell_ref)):
                    continue
                ref = source_label(cell_ref, src.get("source_part"))
                found = hits.get((src["source_file"], src["source_sheet"], ref)) or \
                    hits.get((src["source_file"], src["source_sheet"], cell_ref))
                if found:
                    _highlight(ws.cell(row=r, column=col), found)
        _widths(ws, [10, 10, 60, 18, 18, 11, 30, 10, 16])
        for row in ws.iter_rows(min_row=2, min_col=3, max_col=3):
            style(row[0], alignment=WRAP)

    for annual in data.annuals:
        replaced += _annual_sheets(wb, annual, hits)

    # the refocusing: pagu per program per quarter and each program's share of each change
    ws = wb.create_sheet("Refocusing")
    pc = rec.program_changes
    rows = [[r.year, tw(r.quarter), r.program, r.pagu_before, r.pagu_after, r.change,
             r.change_pct, r.share_of_change_pct] for r in pc.itertuples(index=False)]
    replaced += _write_table(ws, ["Tahun", "TW", "Program", "Pagu sebelum", "Pagu sesudah",
                                  "Perubahan", "Perubahan (%)", "Porsi dari total perubahan (%)"],
                             rows, {4: RP, 5: RP, 6: RP, 7: PCT, 8: PCT})
    _widths(ws, [7, 6, 55, 18, 18, 18, 14, 16])

    ws = wb.create_sheet("Pagu per kegiatan")
    kg = rec.kegiatan
    basis = "pagu_dasar" in kg.columns  # the report's budget basis (lkjip_helpers.basis)
    rows = [[r.year, tw(r.quarter), r.program, r.kegiatan, r.pagu, r.pagu_change, r.realisasi,
             r.realisasi_increment, r.penyerapan, r.penyerapan_latest] +
            ([r.pagu_dasar, r.penyerapan_dasar, _basis_words(r)] if basis else [])
            for r in kg.itertuples(index=False)]
    replaced += _write_table(ws, ["Tahun", "TW", "Program", "Kegiatan", "Pagu di lembar",
                                  "Perubahan pagu", "Realisasi (kumulatif)",
                                  "Realisasi dalam triwulan", "Penyerapan thd pagu lembar (%)",
                                  "Penyerapan thd pagu terakhir (%)"] +
                             (["Pagu dasar laporan", "Penyerapan thd pagu dasar (%)", "Dasar"]
                              if basis else []),
                             rows, {5: RP, 6: RP, 7: RP, 8: RP, 9: PCT, 10: PCT, 11: RP, 12: PCT})
    _widths(ws, [7, 6, 40, 55, 18, 18, 18, 18, 12, 14, 18, 12, 40])

    if replaced:
        import logging

        logging.getLogger("lkjip").warning(
            "%d teks di %s memuat karakter kendali yang tidak boleh ada di xlsx; ditulis sebagai "
            "kode (mis. \\x1b)", replaced, Path(path).name)
    return atomic_write(path, wb.save)
