"""The findings workbook for the analyst: findings with filters and their source cells, one sheet per
quarter with the ingested table and the offending cells highlighted, and the refocusing table.

Every text cell is written as text (never a formula), so no kegiatan name can run as one."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..excel.matrix import source_label
from ..files import FINDINGS_TITLE, atomic_write
from ..ingest import Ingested
from ..safe import set_text, xlsx_text
from . import Reconciliation
from .findings import tw

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
        ws.cell(row=1, column=c).font = HEAD
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
    header = ["Tingkat", "Kode", "Tahun", "TW", "Program", "Kegiatan", "Isian", "Tertulis",
              "Dihitung", "Selisih", "Satuan", "File", "Sheet", "Sel", "Keterangan"]
    rows = [[r.severity, r.code, r.year, r.quarter, r.program, r.kegiatan, r.field, r.stated,
             r.computed, r.difference, r.unit, r.source_file, r.source_sheet, r.source_cell,
             r.message] for r in f.itertuples(index=False)]
    replaced += _write_table(ws, header, rows, {8: RP_SEN, 9: RP_SEN, 10: RP_SEN})
    for r, sev in enumerate(f["severity"], start=2):
        ws.cell(row=r, column=1).fill = FILL[sev]
    _widths(ws, [9, 22, 7, 5, 30, 40, 10, 16, 16, 16, 6, 28, 10, 14, 90])

    # one sheet per quarter: the table as read, offending cells highlighted
    hits: dict[tuple, list] = {}
    for r in f.itertuples(index=False):
        if r.source_cell:
            hits.setdefault((r.source_file, r.source_sheet, r.source_cell), []).append(r)
    st, bl = data.stated_totals, data.budget_lines
    for (year, quarter), _ in bl.groupby(["year", "quarter"], sort=True):
        ws = wb.create_sheet(f"{tw(int(quarter))} {int(year)}"[:31])
        rows, cells = [], []
        lines = bl[(bl["year"] == year) & (bl["quarter"] == quarter)]
        progs = st[(st["year"] == year) & (st["quarter"] == quarter) & (st["kind"] == "program")]
        for _, p in progs.iterrows():
            rows.append(["program", p["program_no"], p["label"], p["pagu"], p["realisasi"],
                         p["capaian"], p["source_file"], p["source_sheet"],
                         source_label(p["source_cell"], p["source_part"])])
            cells.append(p)
            for _, k in lines[lines["program_no"] == p["program_no"]].iterrows():
                rows.append(["kegiatan", k["program_no"], k["kegiatan"], k["pagu"],
                             k["realisasi"], k["capaian"], k["source_file"], k["source_sheet"],
                             source_label(k["source_cell"], k["source_part"])])
                cells.append(k)
        for _, t in st[(st["year"] == year) & (st["quarter"] == quarter)
                       & (st["kind"] != "program")].iterrows():
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
                    ws.cell(row=r, column=c).font = HEAD
            for col, key in ((4, "pagu_cell"), (5, "realisasi_cell"), (6, "capaian_cell"),
                             (3, "source_cell"), (4, "amount_cell")):
                cell_ref = src.get(key)
                if cell_ref is None or (not isinstance(cell_ref, str) and pd.isna(cell_ref)):
                    continue
                ref = source_label(cell_ref, src.get("source_part"))
                found = hits.get((src["source_file"], src["source_sheet"], ref)) or \
                    hits.get((src["source_file"], src["source_sheet"], cell_ref))
                if found:
                    worst = min(found, key=lambda x: ("error", "warning", "info").index(x.severity))
                    cell = ws.cell(row=r, column=col)
                    cell.fill = FILL[worst.severity]
                    text = "\n".join(f"{x.code}: {x.message}" for x in found)
                    cell.comment = Comment(xlsx_text(text)[0], "lkjip", width=400, height=160)
        _widths(ws, [10, 10, 60, 18, 18, 11, 30, 10, 16])
        for row in ws.iter_rows(min_row=2, min_col=3, max_col=3):
            row[0].alignment = Alignment(wrap_text=True, vertical="top")

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
    rows = [[r.year, tw(r.quarter), r.program, r.kegiatan, r.pagu, r.pagu_change, r.realisasi,
             r.realisasi_increment, r.penyerapan, r.penyerapan_latest]
            for r in kg.itertuples(index=False)]
    replaced += _write_table(ws, ["Tahun", "TW", "Program", "Kegiatan", "Pagu", "Perubahan pagu",
                                  "Realisasi (kumulatif)", "Realisasi dalam triwulan",
                                  "Penyerapan (%)", "Penyerapan thd pagu terakhir (%)"],
                             rows, {5: RP, 6: RP, 7: RP, 8: RP, 9: PCT, 10: PCT})
    _widths(ws, [7, 6, 40, 55, 18, 18, 18, 18, 12, 14])

    if replaced:
        import logging

        logging.getLogger("lkjip").warning(
            "%d teks di %s memuat karakter kendali yang tidak boleh ada di xlsx; ditulis sebagai "
            "kode (mis. \\x1b)", replaced, Path(path).name)
    return atomic_write(path, wb.save)
