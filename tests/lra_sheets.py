"""Monthly LRA workbooks made in the tests, as untidy as the real uploads (merged, misaligned)."""
from __future__ import annotations

from openpyxl import Workbook

# (kode, uraian, anggaran, realisasi); None leaves a cell empty
LINES = [
    ("4", "PENDAPATAN DAERAH", 0, 0),
    ("4.1", "PENDAPATAN ASLI DAERAH (PAD)", 0, 0),
    ("5", "BELANJA DAERAH", 1500, 600),
    ("5.1", "BELANJA OPERASI", 1000, 500),
    ("5.2", "BELANJA MODAL", 500, 100),
]


def lra_workbook(path, lines=LINES, unit="……", periode="periode …………. s.d ………….. 2022",
                 signature=True):
    """A sheet laid out like tests/fixtures/lra-kabupaten/toba-2022: title in E, labels in D,
    header KODE REKENING (B14:F15) | URAIAN (G14:O15) | ANGGARAN (Q14:R15) | REALISASI (S14),
    values: kode in D (D:F merged), uraian in H or I, ANGGARAN in Q, REALISASI in R merged R:S."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["E3"] = "PEMERINTAH KABUPATEN CONTOH"
    ws["E4"] = "LAPORAN REALISASI ANGGARAN PENDAPATAN DAN BELANJA DAERAH"
    ws["E5"] = periode
    for r, label, value in ((8, "Urusan Pemerintahan", "…."), (9, "Unit Organisasi", unit),
                            (10, "Sub Unit Organisasi", "…………………")):
        ws.cell(r, 4, label)
        ws.cell(r, 10, ":")
        ws.cell(r, 11, value)
    ws["B14"], ws["G14"], ws["Q14"], ws["S14"] = "KODE REKENING", "URAIAN", "ANGGARAN", "REALISASI"
    ws.merge_cells("B14:F15")
    ws.merge_cells("G14:O15")
    ws.merge_cells("Q14:R15")
    r = 18
    for kode, uraian, ang, real in lines:  # kode None: a row without an account code
        if kode is not None:
            ws.cell(r, 4, kode)
            ws.merge_cells(start_row=r, start_column=4, end_row=r, end_column=6)
        col = 8 if kode is None or "." not in kode else 9
        ws.cell(r, col, uraian)
        if ang is not None:
            ws.cell(r, 17, ang)
        if real is not None:
            ws.cell(r, 18, real)
        ws.merge_cells(start_row=r, start_column=18, end_row=r, end_column=19)
        r += 1
    if signature:
        ws.cell(r + 2, 17, "Kepala Dinas")
        ws.cell(r + 5, 17, "NIP. 19700101 199001 1 001")
    wb.save(path)
    return path
