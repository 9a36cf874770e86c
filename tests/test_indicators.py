"""Capaian by polarity, the categorical rule, scales, efficiency; the annual workbook and the
chapter III tables on the sample year, with the findings where the seed is wrong."""
from decimal import Decimal as D

import pytest
from conftest import SAMPLE, SEED
from openpyxl import load_workbook

from lkjip_helpers.annual import read_annual, write_template
from lkjip_helpers.cli import main
from lkjip_helpers.errors import CellError, LayoutError
from lkjip_helpers.indicators import (capaian, check_scale, efficiency_pmk, efficiency_seed,
                                      load_scale, parse_value, rate)
from lkjip_helpers.pipeline import analyse
from lkjip_helpers.tables import indicator_tables, tabel_3_2


def cap(t, r, pol, **kw):
    return capaian(parse_value(t), parse_value(r), pol, **kw)


def test_positive_polarity():
    assert round(cap("86%", "92%", "positif").value) == 107  # the seed's 3.1.1.A
    assert cap("48,25%", "49.48%", "positif").value.quantize(D("0.01")) == D("102.55")


def test_negative_polarity_permenpan_examples():
    assert round(cap("7", "6.5", "negatif").value) == 107
    assert cap("8", "9", "negatif").value == D("87.5")
    # can exceed 200% or go negative; a cap is a setting
    assert cap("10", "-1", "negatif").value == 210
    assert cap("10", "25", "negatif").value == -50
    capped = cap("10", "-1", "negatif", cap=D(150))
    assert capped.value == 150 and "dibatasi" in capped.note


def test_zero_or_missing_target_and_realisasi_never_divide():
    assert cap("0", "5", "positif").value is None and "nol" in cap("0", "5", "positif").note
    assert cap(None, "5", "positif").value is None
    assert cap("86%", None, "positif").value is None and "realisasi" in cap("86%", None, "positif").note
    assert cap("0", "0", "negatif").value == 100
    assert cap("0", "2", "negatif").value == 0


def test_categorical_rule():
    c = cap("Madya", "Madya", "kategori")
    assert c.value == 100 and c.note == "tercapai" and "tingkat" in c.rule
    assert cap("Madya", "Nindya", "kategori").value == 150
    assert cap("Nindya", "Madya", "kategori").note == "belum tercapai"
    assert cap("Madya", "Kategori II Nindia", "kategori").value == 150  # spelling in the seed
    assert cap("Madya", "750", "kategori").value == 150  # a KLA score of 701-800 is Nindya
    assert cap("Madya", "tidak tahu", "kategori").value is None


def test_scales_are_checked_for_gaps_and_overlaps():
    seed = load_scale("lkjip_2020_probolinggo")
    issues = check_scale(seed)
    assert issues == ["tumpang tindih: 40% masuk Kurang dan Cukup",
                      "tumpang tindih: 60% masuk Cukup dan Baik",
                      "celah: 80%–89% tidak tercakup (antara Baik dan Sangat Baik)"]
    assert check_scale(load_scale("permendagri_86_2017")) == []


def test_rating_rule():
    seed = load_scale("lkjip_2020_probolinggo")
    assert rate(D(107), seed) == ("Sangat Baik", None)
    assert rate(D(85), seed) == ("Baik", "di celah skala")  # the seed's gap: band below
    assert rate(D(89), seed) == ("Baik", "di celah skala")  # "lebih dari 89"
    assert rate(D(60), seed) == ("Baik", None)              # overlap: the higher band
    assert rate(D(10), seed) == ("Sangat Kurang", None)
    common = load_scale()
    assert rate(D("90.5"), common) == ("Tinggi", None)
    assert rate(D(91), common) == ("Sangat Tinggi", None)
    assert rate(D(50), common) == ("Sangat Rendah", None)
    assert rate(None, common) == (None, None)


def test_efficiency():
    assert round(efficiency_seed(D(86), D(107))) == 80  # the seed's 3.1.1.G
    assert efficiency_seed(D(86), None) is None and efficiency_seed(D(86), D(0)) is None
    # PMK 214/2017: CK capped at 1
    e = efficiency_pmk([(D(1000), D(900), D(120))])
    assert e == 10
    assert efficiency_pmk([(D(1000), D(900), None)]) is None


@pytest.fixture(scope="module")
def sample():
    return analyse([SAMPLE], 2020, 4)


def test_sample_indicators_computed(sample):
    ind = sample.kinerja.indicators.set_index("no")
    iku = SEED["iku"]
    for no, t in enumerate(iku[:3], start=1):
        stated = parse_value(t["A"]["persentase"]).number
        assert round(ind.loc[no, "capaian"]) == stated  # 107, 103, 170 come out equal
    assert ind.loc[4, "capaian"] == 100 and ind.loc[4, "capaian_catatan"] == "tercapai"
    assert round(ind.loc[1, "efisiensi_rasio"], 2) == D("85.98")
    assert ind.loc[2, "anggaran"] == SEED["iku"][1]["E"]["anggaran"]


def test_sample_annual_findings(sample):
    f = sample.findings
    annual = f[f["code"].isin(["CAPAIAN_MISMATCH", "CROSS_TABLE_MISMATCH", "PK_BUDGET_MISMATCH"])
               | ((f["code"] == "PERCENT_MISMATCH") & (f["source_sheet"] == "Anggaran"))]
    errors = sorted(zip(annual.loc[annual["severity"] == "error", "code"],
                        annual.loc[annual["severity"] == "error", "source_cell"]))
    assert errors == sorted([
        ("CAPAIAN_MISMATCH", "G2"),   # 3.1.1.C: tingkat kemajuan 215% (3.1.3's), is 92/75 = 122,67%
        ("CAPAIAN_MISMATCH", "I2"),   # 3.1.1.E: 23% of the PD budget, is 21,05%
        ("CAPAIAN_MISMATCH", "H2"),   # 3.1.1.E: Rp 1.765.363.950, the kegiatan add up to ...050
        ("CAPAIAN_MISMATCH", "J2"),   # 3.1.1.F: realisasi Rp 1.524.295.409, is 1.623.745.409
        ("CAPAIAN_MISMATCH", "J4"),   # 3.1.3.F: Rp 66.214.500 (Tabel 2.2's), Tabel 3.2 66.814.500
        ("PERCENT_MISMATCH", "F7"),   # Tabel 3.2: 93,01% for 93,09%
        ("CROSS_TABLE_MISMATCH", "H17"),  # K6.1 realisasi: Tabel 3.2 vs Tabel 2.2
        ("PK_BUDGET_MISMATCH", "C8"),     # PK program 6: Rp 356.175.375 vs 356.172.375
    ])
    pk = annual[annual["code"] == "PK_BUDGET_MISMATCH"].iloc[0]
    assert (pk["stated"], pk["computed"], pk["difference"]) == (356175375, 356172375, 3000)
    # pagu of Tabel 3.2 differs from the TW IV sheet for every kegiatan the refocusing touched
    tw1 = {r["kegiatan_id"]: r["pagu"] for r in SEED["quarters"]["TW1"]["rows"] if r["kegiatan_id"]}
    final = {r["kegiatan_id"]: r["pagu"] for r in SEED["annual_3_2"]}
    pagu_warn = annual[(annual["code"] == "CROSS_TABLE_MISMATCH") & (annual["severity"] == "warning")]
    assert len(pagu_warn) == sum(1 for k in final if final[k] != tw1[k]) == 14
    # the PMKS realisasi printed in the TW IV sheet (70,31%) is not the annual 92%
    tw4 = annual[(annual["code"] == "CAPAIAN_MISMATCH") & (annual["severity"] == "warning")]
    assert list(tw4["source_cell"]) == ["D9"]


def test_sample_tables(sample):
    t = indicator_tables(sample.kinerja, 2020)
    assert len([k for k in t if k.startswith("3.1.")]) == 21  # 3 sasaran x A..G
    a = t["3.1.1.A"].iloc[0]
    assert (a["Capaian (tertulis)"], a["Capaian (dihitung)"]) == ("107%", "106,98%")
    c = t["3.1.1.C"].iloc[0]
    assert (c["Tingkat Kemajuan (tertulis)"], c["Tingkat Kemajuan (dihitung)"]) == ("215%", "122,67% ≠")
    e = t["3.1.1.E"].iloc[0]
    assert e["Anggaran (dihitung, Tabel 3.2)"] == "Rp 1.765.364.050 ≠"
    assert list(t["3.1.3.A"]["Indikator"]) == ["Persentase Penurunan Kasus Kekerasan terhadap "
                                               "Perempuan dan Anak", "Kategori Kota Layak Anak"]
    t32 = tabel_3_2(sample.kinerja)
    assert len(t32) == 20 and t32.iloc[-1]["Pagu Anggaran"] == "Rp 3.531.680.129"
    row = t32[t32["Kegiatan"] == "Perlindungan dan Jaminan Sosial"].iloc[0]
    assert (row["% (tertulis)"], row["% (dihitung)"]) == ("93,01%", "93,09% ≠")
    assert row["Catatan"] == "pagu TW IV Rp 1.906.946.000"


def test_template_blank(tmp_path, capsys):
    out = tmp_path / "kinerja_2021.xlsx"
    assert main(["template", "--year", "2021", "--out", str(out)]) == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["Petunjuk", "PK", "Indikator", "Anggaran", "Anggaran PK", "Renja",
                             "Ringkasan"]
    pk = wb["PK"]
    assert [c.value for c in pk[1]][:5] == ["No", "Sasaran", "Indikator", "Satuan", "Polaritas"]
    dv = pk.data_validations.dataValidation[0]
    assert dv.formula1 == '"positif,negatif,kategori"' and "E2" in str(dv.sqref)
    assert "2021" in wb["Petunjuk"]["A1"].value
    a = read_annual(out)
    assert len(a.pk) == 0 and len(a.budget) == 0
    # never overwritten without --force
    assert main(["template", "--year", "2021", "--out", str(out)]) == 2
    assert "tidak ditimpa" in capsys.readouterr().err


def _filled(tmp_path, changes):
    from importlib import util
    spec = util.spec_from_file_location("msd", SAMPLE.parents[2] / "scripts" / "make_sample_data.py")
    mod = util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    rows, summary = mod.annual_rows(SEED)
    for (sheet, i, fld), v in changes.items():
        rows[sheet][i][fld] = v
    return write_template(tmp_path / "kinerja_2020.xlsx", 2020, rows, summary)


def test_annual_bad_polarity_and_amount(tmp_path):
    with pytest.raises(CellError) as e:
        read_annual(_filled(tmp_path, {("PK", 1, "polaritas"): "naik"}))
    assert str(e.value) == ("kinerja_2020.xlsx, sheet 'PK', sel E3: 'naik' bukan polaritas "
                            "(positif, negatif, kategori)")
    with pytest.raises(CellError) as e:
        read_annual(_filled(tmp_path, {("Anggaran", 0, "pagu"): "51.458.1OO"}))
    assert "sheet 'Anggaran', sel D2: '51.458.1OO' bukan jumlah rupiah" in str(e.value)


def test_annual_missing_sheet(tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.title = "PK"
    wb.create_sheet("Indikator")
    wb.save(tmp_path / "kinerja_2020.xlsx")
    with pytest.raises(LayoutError):
        read_annual(tmp_path / "kinerja_2020.xlsx")


def test_ingest_checks_the_annual_workbook(tmp_path, capsys):
    folder = tmp_path / "raw"
    folder.mkdir()
    path = _filled(folder, {("Indikator", 0, "anggaran_tertulis"): "banyak"})
    assert path.parent == folder
    status = main(["ingest", str(folder), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert err.startswith("lkjip: kinerja_2020.xlsx, sheet 'Indikator', sel H2: 'banyak' bukan")


def test_the_default_scale_says_how_a_value_between_two_ranges_is_rated():
    """The printed ranges leave gaps (75 and 76); the scale's own words say the value goes to
    the range below, with examples that the rating gives."""
    import re

    from lkjip_helpers.indicators import load_scale, rate

    scale = load_scale()
    examples = re.findall(r"(\d+(?:,\d+)?)% ([A-Z][a-z]+(?: [A-Z][a-z]+)?)",
                          scale.source.split("nilai di antara dua rentang")[1])
    assert len(examples) == 2
    for value, label in examples:
        assert rate(D(value.replace(",", ".")), scale)[0] == label
