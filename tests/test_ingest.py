import json
from decimal import Decimal as D

import pandas as pd
import pytest
from conftest import quarters, CLEAN, FIXTURES, HEADER, SAMPLE, SEED, budget_rows, quarter_sheet, write_xlsx

from lkjip_helpers.cli import main
from lkjip_helpers.ingest import ingest


@pytest.fixture(scope="module")
def sample():
    return ingest([SAMPLE])


def test_sample_year_has_8_programs_and_19_kegiatan_per_quarter(sample):
    summary = sample.summary()["periods"]
    assert [(p["year"], p["quarter"]) for p in summary] == [(2020, q) for q in (1, 2, 3, 4)]
    for p in summary:
        assert (p["programs"], p["kegiatan"]) == (8, 19)


@pytest.mark.parametrize("q", [1, 2, 3, 4])
def test_sample_lines_equal_the_transcription(sample, q):
    seed = [r for r in SEED["quarters"][f"TW{q}"]["rows"] if r["level"] == "kegiatan"]
    got = sample.budget_lines[sample.budget_lines["quarter"] == q]
    assert list(got["pagu"]) == [D(r["pagu"]) for r in seed]
    assert list(got["realisasi"]) == [D(r["realisasi"]) for r in seed]
    assert got["pagu"].sum() == sum(r["pagu"] for r in seed)
    assert got["realisasi"].sum() == sum(r["realisasi"] for r in seed)
    # program_no is the position in the sheet; the seed numbers programs as Tabel 3.2 does
    order = list(dict.fromkeys(r["program_no"] for r in seed))
    assert list(got["program_no"]) == [order.index(r["program_no"]) + 1 for r in seed]
    stated = sample.stated_totals[(sample.stated_totals["quarter"] == q)]
    programs = [r for r in SEED["quarters"][f"TW{q}"]["rows"] if r["level"] == "program"]
    prog = stated[stated["kind"] == "program"]
    assert list(prog["realisasi"]) == [D(r["realisasi"]) for r in programs]
    total = stated[stated["kind"] == "total"].iloc[0]
    assert total["realisasi"] == SEED["quarters"][f"TW{q}"]["total_row"]["realisasi"]
    footers = stated[stated["kind"] == "footer"]
    assert list(footers["amount"]) == [f["amount"] for f in SEED["quarters"][f"TW{q}"]["footer"]]
    assert list(footers["label"]) == [f["label"] for f in SEED["quarters"][f"TW{q}"]["footer"]]


def test_sample_sources_name_the_cells(sample):
    bl = sample.budget_lines
    tw4 = bl[bl["quarter"] == 4].iloc[0]
    assert (tw4["source_file"], tw4["source_sheet"]) == ("pengukuran_kinerja_2020_TW4.xlsx", "TW IV")
    # TW IV puts "Rp" in column J and the pagu in K
    assert tw4["pagu_cell"].startswith("K") and tw4["realisasi_cell"].startswith("L")
    # TW I stacks twelve lines in row 10; the first kegiatan is line 2 of the cell
    tw1 = bl[bl["quarter"] == 1].iloc[0]
    assert (tw1["source_cell"], tw1["source_part"]) == ("I10", 1)
    tw3 = bl[bl["quarter"] == 3].iloc[0]
    assert tw3["source_cell"] == "J10"  # TW III starts in column B


def test_every_nonempty_row_is_accounted_for(sample):
    roles = sample.row_roles
    assert "reported" not in set(roles["role"])
    from lkjip_helpers.excel.workbook import open_workbook
    for f in sorted(SAMPLE.glob("pengukuran*.xlsx")):
        grid = open_workbook(f)[0]
        nonempty = {r + 1 for r, row in enumerate(grid.rows) if any(v is not None for v in row)}
        got = set(roles.loc[roles["source_file"] == f.name, "row"])
        assert got == nonempty, f.name


def test_ambiguous_footer_warns(sample):
    warned = [w for w in sample.warnings if w.code == "AMBIGUOUS_NUMBER"]
    assert {(w.file, w.cell) for w in warned} == {("pengukuran_kinerja_2020_TW3.xlsx", "B41"),
                                                 ("pengukuran_kinerja_2020_TW4.xlsx", "A41")}


def test_indicator_rows(sample):
    ind = sample.indicators
    pmks = ind[(ind["quarter"] == 1) & ind["indikator"].str.contains("PMKS")].iloc[0]
    assert (pmks["target"], pmks["realisasi"], pmks["capaian"]) == ("86%", "70,31%", "81,75%")
    assert ind[ind["quarter"] == 1]["indikator"].str.contains("Kota Layak Anak").any()


def test_table_anywhere_blank_rows_repeated_header_and_rp_cells(tmp_path):
    shift = [None, None]
    rows = [["Pemerintah Kota X"], ["Laporan Triwulan 3"], ["TA 2021"], [], []]
    rows += [shift + r for r in HEADER]
    body = budget_rows(CLEAN)
    rows += [shift + r for r in body[:3]]
    rows += [[], shift + HEADER[0], shift + HEADER[1], shift + list(range(1, 11))]
    rows += [shift + r for r in body[3:]]
    rows[-1][shift.__len__() + 7] = "Rp 600"
    rows += [shift + [None] * 6 + ["JUMLAH", 1300, 400, None]]
    path = write_xlsx(tmp_path / "laporan.xlsx", {"Data": rows})
    data = ingest([path])
    assert quarters(data) == [(2021, 3)]
    assert list(data.budget_lines["kegiatan"]) == ["Kegiatan A1", "Kegiatan A2", "Kegiatan B1",
                                                   "Kegiatan B2"]
    assert data.budget_lines["pagu"].sum() == 1300
    assert list(data.budget_lines["source_cell"])[0] == "I9"  # row 8 is Program A


def test_rp_in_its_own_cell(tmp_path):
    header = [["Program / Kegiatan", "Anggaran", None, None, None],
              [None, "Pagu", None, "Realisasi", "Capaian (%)"]]
    rows = [["TW 1 2022"]] + header + [
        ["Program A", "Rp", "1.000", "Rp 500", "50%"],
        ["Kegiatan A1", "Rp", 1000, "500", 0.5]]
    data = ingest([write_xlsx(tmp_path / "x.xlsx", {"S": rows})])
    line = data.budget_lines.iloc[0]
    assert (line["pagu"], line["realisasi"], line["capaian"]) == (1000, 500, 50)
    assert line["pagu_cell"] == "C5"


def test_one_workbook_with_a_sheet_per_quarter_named_by_sheet(tmp_path):
    sheets = {f"TW{q}": quarter_sheet(CLEAN, title="Pengukuran Kinerja 2022") for q in (1, 2)}
    sheets["Catatan"] = [["catatan bebas"]]
    data = ingest([write_xlsx(tmp_path / "kinerja.xlsx", sheets)])
    assert quarters(data) == [(2022, 1), (2022, 2)]


def test_quarter_from_file_name_and_overrides(tmp_path):
    path = write_xlsx(tmp_path / "realisasi_Triwulan 3_2019.xlsx",
                      {"Sheet1": quarter_sheet(CLEAN, title="Pengukuran Kinerja")})
    assert quarters(ingest([path])) == [(2019, 3)]
    assert quarters(ingest([path], year=2023, quarter=4)) == [(2023, 4)]


def test_stacked_cells_split_into_kegiatan(tmp_path):
    names = "\n".join(n for n, *_ in CLEAN)
    pagu = "\n".join(f"Rp {p:,}" for _, p, _, _ in CLEAN)
    real = "\n".join("Rp -" if r == 0 else f"Rp {r:,}" for _, _, r, _ in CLEAN)
    rows = [["TRIWULAN I 2020"]] + HEADER + [[None] * 6 + [names, pagu, real, None]]
    data = ingest([write_xlsx(tmp_path / "s.xlsx", {"S": rows})])
    assert list(data.budget_lines["source_part"]) == [1, 2, 4, 5]
    assert list(data.budget_lines["program_no"]) == [1, 1, 2, 2]


def test_name_broken_over_two_lines_is_one_kegiatan(tmp_path):
    rows = [["TW II 2020"]] + HEADER + budget_rows(
        [("Program A", 100, 0, None), ("Kegiatan yang\npanjang", 100, 0, None)])
    data = ingest([write_xlsx(tmp_path / "s.xlsx", {"S": rows})])
    assert list(data.budget_lines["kegiatan"]) == ["Kegiatan yang panjang"]


def test_long_table_through_a_mapping():
    data = ingest([FIXTURES / "realisasi_belanja.xlsx"],
                  mapping=FIXTURES.parent.parent / "mappings" / "realisasi_belanja.yaml")
    bl = data.budget_lines
    row = bl[bl["source_cell"] == "E54"].iloc[0]
    assert row["pagu"] == D("21276070424.00")
    assert row["realisasi"] == D("21198274724.57")
    assert (row["year"], row["quarter"]) == (2023, 4)
    assert len(data.periods) == 10
    # every row of the sheet but the header is a budget line
    assert len(bl) == 153


def test_cli_json_summary(capsys, tmp_path):
    assert main(["ingest", str(SAMPLE), "--out", str(tmp_path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["periods"][3] == {
        "agency_code": "", "agency_name": "DINAS SOSIAL, PEMBERDAYAAN PEREMPUAN DAN PERLINDUNGAN ANAK",
        "year": 2020, "month": None, "quarter": 4, "programs": 8, "kegiatan": 19, "sub_kegiatan": 0,
        "pagu": 6671923749, "realisasi": 3057589710}
    assert isinstance(out["periods"][0]["pagu"], int)
    assert len(out["warnings"]) == 2
    lines = pd.read_parquet(tmp_path / "budget_lines.parquet")
    assert len(lines) == 76
    from lkjip_helpers.schema import read_parquet
    again = read_parquet(tmp_path / "budget_lines.parquet", "budget_lines")
    assert again["pagu"].sum() == D(6671923749) * 3 + D(3407000210)
