"""Shared test helpers: small workbooks written cell by cell, and the seed transcription."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from lkjip_helpers.safe import set_text

ROOT = Path(__file__).resolve().parents[1]
SEED = json.loads((ROOT / "data" / "seed" / "tables.json").read_text(encoding="utf-8"))
SAMPLE = ROOT / "data" / "raw" / "2020"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

HEADER = [
    ["NO", "Sasaran strategis", "Indikator Kinerja", "Target", "Realisasi", "Capaian (%)",
     "Program / Kegiatan", "Anggaran", None, None],
    [None, None, None, None, None, None, None, "Pagu", "Realisasi", "Capaian (%)"],
]


def quarterly_only(folder: Path) -> Path:
    """The sample year without its annual workbook: the four quarterly sheets copied into
    ``folder``/raw."""
    import shutil

    raw = folder / "raw"
    raw.mkdir()
    for f in SAMPLE.glob("pengukuran_*.xlsx"):
        shutil.copy(f, raw)
    return raw


def budget_rows(rows):
    """[(name, pagu, realisasi, capaian)] -> rows of the HEADER layout."""
    return [[None] * 6 + [n, p, r, c] for n, p, r, c in rows]


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Write ``{sheet name: rows}`` as an .xlsx (None leaves a cell empty)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is not None:
                    set_text(ws.cell(row=r, column=c), v)  # text stays text, even "=..."
    wb.save(path)
    return path


def quarter_sheet(rows, title="TRIWULAN II Tahun Anggaran 2020", total=None, footer=()):
    """A small, clean quarterly sheet: title, two header rows, lines, Total, footer lines."""
    out = [[title], []] + HEADER + budget_rows(rows)
    if total is not None:
        out.append([None] * 6 + ["Total", total[0], total[1], None])
    out.append([])
    out.extend([[f] for f in footer])
    return out


# two programs with two kegiatan each, numbers that add up
CLEAN = [
    ("Program A", 300, 150, "50,00%"),
    ("Kegiatan A1", 100, 50, "50,00%"),
    ("Kegiatan A2", 200, 100, "50,00%"),
    ("Program B", 1000, 250, "25,00%"),
    ("Kegiatan B1", 400, 100, "25,00%"),
    ("Kegiatan B2", 600, 150, "25,00%"),
]


@pytest.fixture
def clean_rows():
    return [list(r) for r in CLEAN]


def quarters(data):
    """``[(year, quarter)]`` of the periods of ingested quarterly data."""
    return [(p.year, p.quarter) for p in data.periods]
