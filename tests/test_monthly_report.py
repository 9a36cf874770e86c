"""The report of a month: a monthly source (LRA) reported as of month M — cumulative to M, the pagu
of M's sheet, nothing after M — by ``lkjip report --month`` and ``lkjip batch --month``, on a made
monthly kabupaten of 5 SKPD (lkjip_helpers.synthetic: one LRA workbook per SKPD per month)."""
import csv
import re
import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest

from lkjip_helpers.cli import main
from lkjip_helpers.errors import LkjipError
from lkjip_helpers.pipeline import analyse
from lkjip_helpers.synthetic import kabupaten, write_agency, write_agency_lra


def rupiah(v: D) -> str:
    """Rp 1.234.567 (written here, not by the code under test)."""
    return "Rp " + f"{int(v):,}".replace(",", ".")


def percent(real: D, pagu: D) -> str:
    return f"{float(real / pagu * 100):.1f}".replace(".", ",") + "%"


def made_monthly(folder: Path, n: int = 5, months=range(1, 8)) -> dict:
    """``n`` made SKPD, one folder of monthly LRA workbooks each: {folder name: series}."""
    out = {}
    for s in kabupaten(n, (2024,), seed=7, quirks=False):
        code = s.agency.replace(" ", "_")
        write_agency_lra(s, folder / code, name=s.agency, months=tuple(months))
        out[code] = s
    return out


def text(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    html = re.sub(r"<svg.*?</svg>|<style.*?</style>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def kab(tmp_path_factory):
    root = tmp_path_factory.mktemp("kabm")
    return root, made_monthly(root)


def test_the_analysis_of_a_month_stands_at_that_month(kab):
    root, series = kab
    code, s = next(iter(series.items()))
    an = analyse([root / code], 2024, month=5)
    assert (an.period.long_label, an.quarter, an.month) == ("Mei 2024", 2, 5)
    t = an.at(an.rec.totals)
    assert len(t) == 1
    assert (t.iloc[0]["pagu"], t.iloc[0]["realisasi"]) == (s.pagu[5], s.realisasi[5])
    # nothing after May, every month before it
    assert sorted(int(m) for m in an.data.budget_lines["month"].unique()) == [1, 2, 3, 4, 5]
    assert sorted(int(m) for m in an.rec.totals["month"]) == [1, 2, 3, 4, 5]
    assert not an.year_end
    # a quarter of a monthly source: its latest month; no period: the latest month of all
    assert analyse([root / code], 2024, 2).period.long_label == "Juni 2024"
    assert analyse([root / code], 2024).period.long_label == "Juli 2024"
    with pytest.raises(LkjipError, match="tidak ada data bulan September 2024 .*Juli"):
        analyse([root / code], 2024, month=9)
    with pytest.raises(LkjipError, match="tidak ada data bulanan TW IV 2024"):
        analyse([root / code], 2024, 4)


def test_a_missing_month_is_said_and_quarterly_sheets_refuse_a_month(tmp_path, kab):
    root, series = kab
    code = next(iter(series))
    shutil.copytree(root / code, tmp_path / code)
    (tmp_path / code / "lra_2024_03.xlsx").unlink()
    an = analyse([tmp_path / code], 2024, month=5)
    assert "data bulan tidak ada: Maret" in an.missing
    s = kabupaten(1, (2024,), seed=3, quirks=False)[0]
    write_agency(s, tmp_path / "triwulan", name=s.agency)
    with pytest.raises(LkjipError, match="--month memerlukan sumber bulanan"):
        analyse([tmp_path / "triwulan"], 2024, month=6)


def test_a_month_against_its_cash_plan(tmp_path):
    """A month of a monthly source with a cash plan: the headline says the plan to date."""
    from made_exports import one_line_with_plan

    from lkjip_helpers import sections

    d = one_line_with_plan(tmp_path / "kesehatan", {"2022-03-31": 300_000,
                                                    "2022-05-31": 400_000,
                                                    "2022-06-30": 450_000})
    an = analyse([d], 2022, month=5)
    html = sections.summary(an).html
    # May: 400.000 of 2.400.000 = 16,67% against the plan's 500.000 = 20,83%
    assert "Sampai akhir Mei 2022 terserap <b>Rp 400.000</b>" in html
    assert "rencana kas sampai akhir Mei" in html
    assert "rencana <b>20,83%</b>" in html and "terserap <b>16,67%</b>" in html


def test_lkjip_report_of_a_month(kab, tmp_path, capsys):
    root, series = kab
    code, s = list(series.items())[1]
    out = tmp_path / "reports"
    assert main(["report", "--raw", str(root / code), "--year", "2024", "--month", "5",
                 "--out", str(out), "--format", "html"]) == 0
    page = text(out / "2024" / "B05" / "laporan.html")
    assert "Tahun 2024, sampai dengan Mei" in page
    assert (f"Sampai akhir Mei 2024 terserap {rupiah(s.realisasi[5])} dari pagu "
            f"{rupiah(s.pagu[5])} : {percent(s.realisasi[5], s.pagu[5])}") in page
    assert "Belum dapat dinilai" in page                    # May closes no quarter, no plan
    assert "Evaluasi hasil Renja s.d. Mei 2024" in page and "s.d. TW II" not in page
    from openpyxl import load_workbook

    form = load_workbook(out / "2024" / "B05" / "evaluasi_renja.xlsx").active
    assert form["A3"].value == "Periode pelaksanaan: Bulan Mei Tahun 2024"
    assert all(f"lra_2024_{m:02d}.xlsx" in page for m in range(1, 6))
    assert "lra_2024_06.xlsx" not in page and rupiah(s.realisasi[6]) not in page
    assert main(["report", "--raw", str(root / code), "--year", "2024", "--month", "9",
                 "--out", str(out), "--format", "html"]) == 2
    assert "tidak ada data bulan September 2024" in capsys.readouterr().err
    assert not (out / "2024" / "B09").exists()


def test_lkjip_batch_of_a_month(kab, tmp_path, capsys):
    """5 SKPD: three monthly, one whose April file is not a workbook, one of quarterly sheets
    (a month cannot be reported from them): every report it can make, exit 4, reasons."""
    root, series = kab
    kab5 = tmp_path / "kab"
    codes = list(series)
    for c in codes[:4]:
        shutil.copytree(root / c, kab5 / c)
    refused = codes[3]
    (kab5 / refused / "lra_2024_04.xlsx").write_bytes(b"not a workbook")
    q = kabupaten(1, (2024,), seed=3, quirks=False)[0]
    write_agency(q, kab5 / "05_Triwulan", name="05 Triwulan")
    out = tmp_path / "reports"
    status = main(["batch", str(kab5), "--year", "2024", "--month", "5", "--out", str(out),
                   "--workers", "2", "--format", "html"])
    captured = capsys.readouterr()
    assert status == 4
    folder = out / "2024" / "B05"
    rows = {r["SKPD"]: r for r in csv.DictReader(open(folder / "hasil.csv", encoding="utf-8"))}
    ok = codes[:3]
    assert {c: rows[c]["status"] for c in codes[:4] + ["05_Triwulan"]} == \
        {**{c: "berhasil" for c in ok}, refused: "gagal", "05_Triwulan": "gagal"}
    assert "lra_2024_04.xlsx" in rows[refused]["alasan"]
    # the folder's refusal told without the folder's name, which its row already gives; a
    # file's refusal with the file (a text starting with "-" is kept from becoming a formula)
    assert rows["05_Triwulan"]["alasan"].startswith("'--month memerlukan sumber bulanan")
    assert rows[refused]["alasan"].startswith("lra_2024_04.xlsx")
    for c in ok:
        page = text(folder / c / "laporan.html")
        s = series[c]
        assert "sampai dengan Mei" in page
        assert f"terserap {rupiah(s.realisasi[5])} dari pagu {rupiah(s.pagu[5])}" in page
    assert rows["pemda"]["status"] == "berhasil"
    pemda = text(folder / "pemda" / "laporan.html")
    assert "Mei 2024" in pemda
    # the pemda's total is pagu-weighted over the three reported SKPD at May
    real = sum(series[c].realisasi[5] for c in ok)
    pagu = sum(series[c].pagu[5] for c in ok)
    assert rupiah(real) in pemda and rupiah(pagu) in pemda
    assert "Laporan 2024 Bulan Mei" in (folder / "index.html").read_text(encoding="utf-8")
    assert "[5/5]" in captured.err


def test_lkjip_batch_of_a_month_with_a_manifest_of_the_real_toba_series(tmp_path):
    """The real LRA uploads of one Toba SKPD (tests/fixtures/lra-kabupaten/toba-2022): their
    ``periode`` lines are blank, so the month of each file comes from the manifest's ``bulan``;
    ``lkjip batch --manifest --month 11`` reports November as the file states it."""
    from conftest import FIXTURES
    from test_monthly import akun5_as_the_file_states_it

    from lkjip_helpers.batch.run import run_batch

    toba = FIXTURES / "lra-kabupaten" / "toba-2022"
    november = next(r["file"] for r in csv.DictReader(open(toba / "manifest.csv"))
                    if r["bulan"] == "11")
    pagu, real, _ = akun5_as_the_file_states_it(toba / november)
    out = tmp_path / "reports"
    result = run_batch([toba], 2022, out=out, workers=1, formats=("html",),
                       manifest=toba / "manifest.csv", month=11, log=lambda m: None)
    assert [(o.agency, o.status) for o in result.outcomes] == [("14", "berhasil")], \
        [o.reason for o in result.outcomes]
    page = text(out / "2022" / "B11" / "14" / "laporan.html")
    assert "Tahun 2022, sampai dengan November" in page
    assert f"terserap {rupiah(real)} dari pagu {rupiah(pagu)}" in page
    assert "data bulan tidak ada: Januari" in page        # the series starts in February
    assert [p.name for p in toba.iterdir() if p.name.endswith(".manifest.csv")] == []


def test_the_period_of_an_auto_batch():
    """``--quarter auto``: the latest month when every agency is monthly, else the latest quarter."""
    from lkjip_helpers.batch.run import batch_period
    from lkjip_helpers.period import Period

    m, q = Period.monthly, Period.quarterly
    assert batch_period([m(2024, 5), m(2024, 7), None], 2024) == m(2024, 7)
    assert batch_period([m(2024, 5), q(2024, 1)], 2024) == q(2024, 2)
    assert batch_period([q(2024, 3), q(2024, 4)], 2024).folder == "TW4"
    assert m(2024, 7).folder == "B07"
    with pytest.raises(LkjipError, match="tidak ada SKPD dengan data untuk 2024"):
        batch_period([None, None], 2024)
