"""Negative pagu and negative realisasi are findings in every reader (issue 9, point 3): an error for
a pagu (a ceiling is never negative), a warning for a realisasi (a refund can make it so), each
naming its cell; and an error value in an amount cell of the SIPD-RI exports, the LRA and the
anggaran kas template is refused naming the cell, never read as 0. (The quarterly matrix:
tests/test_hostile.py::test_negative_pagu_and_realisasi_are_findings and tests/test_unknown.py.)"""
import re
import zipfile

import openpyxl
import pytest
from conftest import FIXTURES, write_xlsx
from hostile import patch_xlsx
from lra_sheets import lra_workbook
from made_exports import data_anggaran, rak, realisasi
from test_kas import _template

from lkjip_helpers.errors import CellError
from lkjip_helpers.ingest import ingest
from lkjip_helpers.reconcile import reconcile


def negatives(findings) -> set[tuple]:
    f = findings[findings["code"] == "NEGATIVE_AMOUNT"]
    return {(r.source_file, r.source_cell, r.severity) for r in f.itertuples()}


def test_the_lra(tmp_path):
    lines = [("5", "BELANJA DAERAH", 500, 400), ("5.1", "BELANJA OPERASI", 1000, 500),
             ("5.2", "BELANJA MODAL", -500, -100)]
    data = ingest([lra_workbook(tmp_path / "lra.xlsx", lines)], month=3)
    got = negatives(reconcile(data).findings)
    assert ("lra.xlsx", "Q20", "error") in got and ("lra.xlsx", "R20", "warning") in got
    assert len(got) == 2


def test_the_long_layout(tmp_path):
    src = FIXTURES / "realisasi_belanja.xlsx"
    wb = openpyxl.load_workbook(src)
    ws = wb.worksheets[0]
    head = next(r for r in ws.iter_rows() if any(c.value == "Anggaran" for c in r))
    col = {c.value: c.column for c in head}
    row = head[0].row + 3
    ws.cell(row, col["Anggaran"]).value = -21276070424
    ws.cell(row + 1, col["Realisasi"]).value = -5
    wb.save(tmp_path / "long.xlsx")
    mapping = FIXTURES.parent.parent / "mappings" / "realisasi_belanja.yaml"
    got = negatives(reconcile(ingest([tmp_path / "long.xlsx"], mapping=mapping)).findings)
    pagu = ws.cell(row, col["Anggaran"]).coordinate
    real = ws.cell(row + 1, col["Realisasi"]).coordinate
    assert got == {("long.xlsx", pagu, "error"), ("long.xlsx", real, "warning")}


def test_the_sipd_exports(tmp_path):
    d = tmp_path / "sipd"
    d.mkdir()
    write_xlsx(d / "data_anggaran_murni.xlsx", {"Sheet1": data_anggaran(
        [("S1", "DAU", "5.1.02.01.01.0024", 1_200_000),
         ("S1", "DAK", "5.1.02.01.01.0026", -200_000),            # row 3: pagu V3
         ("K1", "DAK", "5.2.03.01.01.0001", 2_400_000)])})
    write_xlsx(d / "rak_murni.xlsx", {"Sheet1": rak(
        [("S1", "5.1.02.01.01.0024", 1_000_000, 1_000_000, [0] * 11 + [1_000_000]),
         ("K1", "5.2.03.01.01.0001", -2_400_000, -2_400_000, [0] * 11 + [-2_400_000])])})
    write_xlsx(d / "2022-03-31.xlsx", {"Sheet1": realisasi(
        [("S1", "5.1.02.01.01.0024", 150_000, None),
         ("K1", "5.2.03.01.01.0001", -600, None)])})               # row 3: realisasi R3
    got = negatives(reconcile(ingest([d])).findings)
    assert ("data_anggaran_murni.xlsx", "V3", "error") in got        # pagu
    assert ("rak_murni.xlsx", "S3", "error") in got                 # Nilai Rincian
    assert ("2022-03-31.xlsx", "R3", "warning") in got              # realisasi
    assert len(got) == 3


def test_the_anggaran_kas_template(tmp_path):
    rows = _template([100] * 12, [50, -20] + [0] * 10, total=-1200)
    rec = reconcile(ingest([write_xlsx(tmp_path / "kas.xlsx", {"JAN-FEB": rows})]))
    assert negatives(rec.findings) == {("kas.xlsx", "C6", "error"), ("kas.xlsx", "F7", "warning")}
    f = rec.findings[rec.findings["code"] == "NEGATIVE_AMOUNT"]
    assert any("Total Anggaran BELANJA negatif: -Rp 1.200" in m for m in f["message"]), \
        list(f["message"])


def _with_error(path, cell: str):
    """``path`` with ``cell`` (a number cell) made an error value, as Excel stores it."""
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    old = re.search(rb'<c r="%s"[^>]*>.*?</c>' % cell.encode(), sheet).group(0)
    return patch_xlsx(path, path.with_name("galat.xlsx"),
                      {old: b'<c r="%s" t="e"><f>1/0</f><v>#DIV/0!</v></c>' % cell.encode()})


@pytest.mark.parametrize("make,cell", [
    (lambda p: write_xlsx(p, {"Sheet1": data_anggaran(
        [("S1", "DAU", "5.1.02.01.01.0024", 1_200_000)])}), "V2"),
    (lambda p: write_xlsx(p, {"Sheet1": realisasi(
        [("S1", "5.1.02.01.01.0024", 150_000, None)])}), "R2"),
    (lambda p: lra_workbook(p), "Q21"),
    (lambda p: write_xlsx(p, {"S": _template([100] * 12, [0] * 12)}), "E6"),
])
def test_an_error_value_in_an_amount_cell_is_refused_naming_it(make, cell, tmp_path):
    path = _with_error(make(tmp_path / "src.xlsx"), cell)
    with pytest.raises(CellError) as e:
        ingest([path], month=3)
    text = str(e.value)
    assert f"sel {cell}" in text and "#DIV/0!" in text and "bukan jumlah" not in text
