"""The anggaran kas + realisasi template: the real template files (.xls and .xlsx, dummy values)
for the layout, and made copies for the Triwulan check and the plan."""
from decimal import Decimal as D

import pytest
from conftest import FIXTURES, write_xlsx

from lkjip_helpers.errors import CellError, WorkbookError
from lkjip_helpers.excel.kas import find_kas_header, read_kas
from lkjip_helpers.excel.workbook import open_workbook
from lkjip_helpers.reconcile.against_plan import check_findings

KAS = FIXTURES / "anggaran-kas"
MONTHS = ["Januari", "Februari", "Maret", "Triwulan I", "April", "Mei", "Juni", "Triwulan II",
          "Juli", "Agustus", "September", "Triwulan III", "Oktober", "November", "Desember",
          "Triwulan IV"]


def _read(path, xls=False):
    grid = open_workbook(path, xls=xls)[0]
    return read_kas(grid, find_kas_header(grid))


def test_the_xls_template_is_read():
    res = _read(KAS / "anggaran_kas_54_20241002-132014.xls", xls=True)
    assert (res.year, res.agency_name, res.month) == (2022, None, 2)   # sheet "JAN-FEB"
    groups = {g["group"]: g for g in res.groups}
    assert list(groups) == ["PENDAPATAN", "BELANJA", "PEMBIAYAAN"]
    belanja = groups["BELANJA"]
    assert belanja["target"][0] == D(40897000) and belanja["target"][11] == D(40897453)
    assert belanja["realisasi"][:2] == [D(38000000), D(0)]
    assert belanja["source_cell"] == "B10"
    assert res.checks == []          # every Triwulan column is the sum of its months
    roles = {r["role"] for r in res.set_aside}
    assert roles == {"note", "signature"}
    notes = [r["text"] for r in res.set_aside if r["role"] == "note"]
    assert any("Format Salah" in t for t in notes) and any("Format Benar" in t for t in notes)


def test_the_xlsx_template_is_read():
    res = _read(KAS / "anggaran_kas_54_20241002-133043.xlsx")
    (belanja,) = res.groups
    assert belanja["group"] == "BELANJA" and belanja["realisasi"] is None
    assert belanja["target"][0] == D(41897000) and res.checks == []


def test_an_xls_is_opened_only_when_asked(tmp_path):
    with pytest.raises(WorkbookError, match="simpan sebagai .xlsx"):
        open_workbook(KAS / "anggaran_kas_54_20241002-132014.xls")


def _template(target, realisasi, tw_target=None, total=None, title_opd="OPD Dinas Sosial"):
    def row(label, kind, months, tw):
        out = [None, label, total if label else None, kind]
        for q in range(4):
            out += months[3 * q:3 * q + 3] + [tw[q] if tw else sum(months[3 * q:3 * q + 3])]
        return out
    return [["TARGET (MENURUT ANGGARAN KAS) DAN REALISASI KEUANGAN"], [title_opd],
            ["TAHUN ANGGARAN 2023"], [],
            ["Nama OPD", "Total Anggaran", None, "Rincian", *MONTHS],
            row("BELANJA", "Target", target, tw_target), row(None, "Realisasi", realisasi, None),
            [], [None, "BAGIAN KEUANGAN", None, None, None, None, None, None, None, None, None,
                 None, "KEPALA OPD"],
            [None, None, None, None, None, None, "Format Salah :", "6.105.755.273"],
            [None, None, None, None, None, None, "Format Benar :", 6105755273]]


def test_a_triwulan_column_that_is_not_the_sum_of_its_months(tmp_path):
    target = [100] * 12
    rows = _template(target, [90, 0, 0] + [0] * 9, tw_target=[300, 310, 300, 300])
    res = _read(write_xlsx(tmp_path / "kas.xlsx", {"JAN-MAR": rows}))
    assert [(c["kind"], c["quarter"], c["stated"], c["computed"], c["cell"]) for c in res.checks] \
        == [("triwulan", 2, D(310), D(300), "L6")]
    f = check_findings(res.checks, res.file, res.sheet)
    assert f[0].code == "PLAN_MISMATCH" and "Triwulan II BELANJA (Target)" in f[0].message
    assert (res.agency_name, res.year, res.month) == ("Dinas Sosial", 2023, 3)


def test_total_anggaran_against_the_targets(tmp_path):
    rows = _template([100] * 12, [0] * 12, total="Rp 1.300")
    res = _read(write_xlsx(tmp_path / "kas.xlsx", {"S": rows}))
    assert [(c["kind"], c["stated"], c["computed"], c["cell"]) for c in res.checks] == \
        [("total_anggaran", D(1200), D(1300), "C6")]


def test_the_template_drives_the_plan(tmp_path):
    from lkjip_helpers.ingest import ingest
    from lkjip_helpers.reconcile import reconcile

    target = [10, 10, 10, 20, 20, 20, 10, 10, 10, 10, 10, 60]       # 200 in the year
    real = [0, 5, 5, 10, 10, 0] + [0] * 6
    path = write_xlsx(tmp_path / "kas.xlsx", {"JAN-JUN": _template(target, real)})
    rec = reconcile(ingest([path]))
    t = rec.plan.set_index("month")
    assert list(t.index) == [6] and t.loc[6, "agency_name"] == "Dinas Sosial"
    # June: plan 90 of 200 = 45%; realisasi 30 = 15%; deviation (45 − 15)/45 × 100
    assert (t.loc[6, "rak_pct"], t.loc[6, "capaian_pct"]) == (45, 15)
    assert t.loc[6, "deviasi_rfk"] == pytest.approx(66.6666666667)
    assert list(rec.findings[rec.findings["code"] == "BEHIND_PLAN"]["month"]) == [6]


def test_a_negative_target_month_and_a_bad_amount(tmp_path):
    target = [100, -50] + [100] * 10
    res = _read(write_xlsx(tmp_path / "kas.xlsx", {"S": _template(target, [0] * 12)}))
    assert [(c["kind"], c["month"], c["cell"]) for c in res.checks] == [("negative", 2, "F6")]
    rows = _template([100] * 12, [0] * 12)
    rows[5][4] = "seratus"
    with pytest.raises(CellError, match="sel E6"):
        _read(write_xlsx(tmp_path / "bad.xlsx", {"S": rows}))


def _group(rows, label):
    """The template's BELANJA block (its Target and Realisasi rows) under another group name."""
    target, real = list(rows[5]), list(rows[6])
    target[1] = label
    return [target, real]


@pytest.mark.parametrize("word", ["Realisasi (Rp)", "Realisasi Keuangan"])
def test_the_realisasi_row_in_the_wordings_of_the_offices(tmp_path, word):
    from lkjip_helpers.ingest import ingest

    rows = _template([10] * 12, [0, 5, 5, 10, 10, 0] + [0] * 6)
    rows[6][3] = word
    p = ingest([write_xlsx(tmp_path / "kas.xlsx", {"JAN-JUN": rows})]).summary()["periods"][0]
    assert (p["pagu"], p["realisasi"], p["month"]) == (120, 30, 6)


def test_spending_in_parts_is_summed_and_revenue_does_not_date_the_sheet(tmp_path):
    """BELANJA OPERASI + BELANJA MODAL (no plain BELANJA) are the spending, summed; a PENDAPATAN
    realisasi filled to December does not make a JAN-JUN sheet December's."""
    from lkjip_helpers.ingest import ingest

    rows = _template([10] * 12, [0, 5, 5, 10, 10, 0] + [0] * 6)
    pend = _group(rows, "PENDAPATAN")
    pend[1][4:] = [1] * (len(pend[1]) - 4)
    body = _group(rows, "BELANJA OPERASI") + _group(rows, "BELANJA MODAL") + pend
    rows = rows[:5] + body + rows[7:]
    data = ingest([write_xlsx(tmp_path / "kas.xlsx", {"Data": rows})])
    p = data.summary()["periods"][0]
    assert (p["pagu"], p["realisasi"], p["month"]) == (240, 60, 5)   # Mei: the last spent
    assert data.cash_plan["plan"].sum() == 240


def test_a_group_written_twice_is_refused_and_a_missing_realisasi_is_said(tmp_path):
    from lkjip_helpers.ingest import ingest

    rows = _template([10] * 12, [0] * 12)
    twice = rows[:7] + _group(rows, "BELANJA") + rows[7:]
    with pytest.raises(CellError) as exc:
        ingest([write_xlsx(tmp_path / "kas.xlsx", {"JAN-JUN": twice})])
    assert exc.value.cell == "D8" and "dua baris Target" in str(exc.value)
    alone = rows[:6] + rows[7:]                                     # no Realisasi row
    data = ingest([write_xlsx(tmp_path / "kas2.xlsx", {"JAN-JUN": alone})])
    said = [w for w in data.warnings if w.code == "MISSING_VALUE"]
    assert [w.cell for w in said] == ["B6"] and "tanpa baris Realisasi" in said[0].message


def test_the_old_month_spellings_in_the_header_are_the_template(tmp_path):
    """A header spelling Pebruari and Nopember was 'tabel tidak ditemukan'."""
    rows = _template([100] * 12, [50] * 6 + [0] * 6)
    rows[4] = [{"Februari": "Pebruari", "November": "Nopember"}.get(v, v) for v in rows[4]]
    res = _read(write_xlsx(tmp_path / "kas.xlsx", {"JAN-JUN": rows}))
    group = next(g for g in res.groups if g["group"] == "BELANJA")
    assert sum(group["target"]) == D(1200) and sum(group["realisasi"][:6]) == D(300)
    assert res.month == 6
