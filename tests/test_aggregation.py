"""Aggregation types on toy series with answers worked out by hand; the inference and its warning;
CAPAIAN_RULE_MISMATCH; the zero rules; the template's Tipe Agregasi column."""
from decimal import Decimal as D

import pandas as pd
import pytest
from conftest import SEED
from openpyxl import load_workbook

from lkjip_helpers.aggregation import infer, parse_type, series, to_date
from lkjip_helpers.annual import read_annual, write_template
from lkjip_helpers.errors import CellError
from lkjip_helpers.indicator_quarters import evaluate_quarters
from lkjip_helpers.indicators import capaian, parse_value
from lkjip_helpers.kinerja import _agrees


def vals(*texts):
    return {q: parse_value(t) for q, t in enumerate(texts, start=1) if t is not ...}


def test_tren_positif_sums_the_quarters():
    # 120 people served in TW I, 80 in TW II, 100 in TW III, 150 in TW IV; target 400
    s = series(vals("120", "80", "100", "150"), parse_value("400"), "tren_positif", "positif")
    assert [x.to_date.number for x in s] == [120, 200, 300, 450]
    assert [x.cumulative.value for x in s] == [30, 50, 75, D("112.5")]
    assert [x.in_quarter.value for x in s] == [30, 20, 25, D("37.5")]
    assert all("jumlah" in x.cumulative.rule for x in s)


def test_tren_positif_missing_quarter_is_not_zero():
    v = {1: parse_value("10"), 2: parse_value(None), 3: parse_value("5")}
    assert to_date(v, 3, "tren_positif").missing           # never 10 + 0 + 5
    assert to_date(v, 3, "nilai_akhir").number == 5


def test_nilai_akhir_takes_the_latest_not_the_sum():
    s = series(vals("40%", "55%", "70,5%", "82%"), parse_value("80%"), "nilai_akhir", "positif")
    assert [x.to_date.text for x in s] == ["40%", "55%", "70,5%", "82%"]
    assert [x.cumulative.value for x in s] == [50, D("68.75"), D("88.125"), D("102.5")]
    assert "tidak dijumlah" in s[-1].cumulative.rule


def test_tren_negatif_that_gets_worse():
    # stunting prevalence, target 20: 24 -> 22 -> 25 -> 26 (worse at the end)
    s = series(vals("24", "22", "25", "26"), parse_value("20"), "tren_negatif", "negatif")
    assert [x.cumulative.value for x in s] == [80, 90, 75, 70]   # (2·20 − r) / 20 × 100
    assert "(2 × target − realisasi)" in s[-1].cumulative.rule
    # the PermenPAN-RB examples hold as the latest value
    assert series(vals("6.5"), parse_value("7"), "tren_negatif", "negatif")[0].cumulative.value \
        .quantize(D("1")) == 107


def test_zero_target_and_zero_realisasi_defined_once():
    z = parse_value("0")
    for pol in ("positif", "negatif"):
        c = capaian(z, z, pol)
        assert c.value == 100 and "target nol dan realisasi nol" in c.note
    assert capaian(z, parse_value("3"), "positif").value is None        # a division by zero
    assert capaian(z, parse_value("3"), "negatif").value == 0
    assert capaian(parse_value("50"), z, "positif").value == 0          # a value like any other
    assert capaian(parse_value("50"), z, "negatif").value == 200
    # the same rule through the quarters: target 0, nothing done in any quarter
    s = series(vals("0", "0"), z, "tren_positif", "positif")
    assert [x.cumulative.value for x in s] == [100, 100]


def test_inference_from_name_unit_and_values():
    t = lambda name, unit="", pol="positif", v=(): infer(name, unit, pol, [parse_value(x) for x in v])  # noqa: E731
    assert t("Jumlah penerima bantuan sosial").type == "tren_positif"
    assert t("Persentase PMKS tertangani").type == "nilai_akhir"
    assert t("Angka partisipasi sekolah").type == "nilai_akhir"
    assert t("Angka kemiskinan", pol="negatif").type == "tren_negatif"
    pen = t("Penurunan kasus kekerasan")
    assert pen.type == "nilai_akhir" and "tren negatif" in pen.reasons[0]
    assert t("Cakupan layanan", "%").type == "nilai_akhir"
    assert t("Layanan terpadu", "", v=("12%", "15%")).type == "nilai_akhir"
    assert t("Layanan terpadu", "orang", v=("10", "25", "40")).type == "nilai_akhir"  # cumulative
    assert t("Layanan terpadu", "orang", v=("10", "5", "40")).type == "tren_positif"
    grows = t("Jumlah kelompok binaan", "kelompok", v=("3", "5", "9"))
    assert grows.type == "tren_positif" and "terus naik" in grows.reasons[1]
    assert t("Kategori Kota Layak Anak", pol="kategori").type == "nilai_akhir"


def test_parse_type():
    assert parse_type(" Tren  Positif ") == "tren_positif"
    assert parse_type("Persentase") == parse_type("nilai akhir") == "nilai_akhir"
    assert parse_type("") is None
    with pytest.raises(ValueError):
        parse_type("rata-rata")


def _pk(no, name, target, pol="positif", agg=None, unit=""):
    return {"no": no, "indikator": name, "satuan": unit, "polaritas": pol, "target": target,
            "tipe_agregasi": agg, "_indikator_cell": f"C{no + 1}",
            "_tipe_agregasi_cell": f"J{no + 1}"}


def _qi(name, rows):
    return [{"quarter": q, "indikator": name, "target": t, "realisasi": r, "capaian": c,
             "source_file": f"tw{q}.xlsx", "source_sheet": f"TW {q}", "source_cell": f"D{q + 8}"}
            for q, t, r, c in rows]


def test_capaian_rule_mismatch_names_the_rule_the_sheet_used():
    # a count summed over the quarters, but the sheet divides the quarter's own value by the target
    pk = pd.DataFrame([_pk(1, "Jumlah lansia terlayani", "400", agg="tren_positif"),
                       _pk(2, "Prevalensi balita gizi buruk", "20", pol="negatif",
                           agg="tren_negatif")])
    qi = pd.DataFrame(_qi("Jumlah lansia terlayani", [(1, "400", "120", "30%"),
                                                      (2, "400", "80", "20%")]) +
                      _qi("Prevalensi balita gizi buruk", [(1, "20", "24", "80%"),
                                                           (2, "20", "25", "125%")]))
    out = evaluate_quarters(pk, {}, qi, 2024, "kinerja_2024.xlsx", _agrees)
    codes = [(f.code, f.severity, f.quarter, f.source_cell) for f in out.findings]
    assert codes == [("CAPAIAN_RULE_MISMATCH", "error", 2, "D10"),
                     ("CAPAIAN_RULE_MISMATCH", "error", 2, "D10")]
    f1, f2 = out.findings
    assert "nilai triwulan ini / target" in f1.message and "jumlah nilai triwulan" in f1.message
    assert f1.stated == 20 and f1.computed == 50                     # (120 + 80) / 400
    assert "jumlah nilai triwulan / target" not in f2.message.split("padahal")[0]
    assert "nilai triwulan ini / target × 100 (nilai akhir" in f2.message  # 25/20 = 125%
    assert f2.computed == 75                                          # (40 − 25) / 20
    t = out.table.set_index(["no", "quarter"])
    assert t.loc[(1, 2), "capaian_sd"] == 50 and t.loc[(2, 2), "capaian_sd"] == 75
    assert "jumlah" in t.loc[(1, 2), "rumus"] and "2 × target" in t.loc[(2, 2), "rumus"]


def test_inferred_type_gives_a_warning_and_matching_rules_are_quiet():
    pk = pd.DataFrame([_pk(1, "Jumlah lansia terlayani", "400")])
    qi = pd.DataFrame(_qi("Jumlah lansia terlayani", [(1, "400", "120", "30%"),
                                                      (2, "400", "80", "50%")]))
    out = evaluate_quarters(pk, {1: {"realisasi": "200"}}, qi, 2024, "k.xlsx", _agrees)
    assert [(f.code, f.severity, f.source_cell) for f in out.findings] == \
        [("AGGREGATION_INFERRED", "warning", "J2")]
    assert "dibaca 'tren positif'" in out.findings[0].message
    assert out.types == {1: ("tren_positif", "ditebak")}


def _sample_annual(tmp_path, **types):
    from importlib import util

    from conftest import SAMPLE
    spec = util.spec_from_file_location("msd", SAMPLE.parents[2] / "scripts" / "make_sample_data.py")
    mod = util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    rows, summary = mod.annual_rows(SEED)
    for i, t in types.items():
        rows["PK"][int(i[1:]) - 1]["tipe_agregasi"] = t
    return write_template(tmp_path / "kinerja_2020.xlsx", 2020, rows, summary)


def test_stated_type_read_and_checked_against_polarity(tmp_path):
    a = read_annual(_sample_annual(tmp_path, n1="Persentase", n2="tren positif"))
    assert list(a.pk["tipe_agregasi"])[:2] == ["nilai_akhir", "tren_positif"]
    assert pd.isna(a.pk["tipe_agregasi"][2])
    with pytest.raises(CellError) as e:
        read_annual(_sample_annual(tmp_path, n1="tren negatif"))
    assert str(e.value).startswith("kinerja_2020.xlsx, sheet 'PK', sel J2: tipe agregasi tren "
                                   "negatif menuntut polaritas negatif")
    with pytest.raises(CellError) as e:
        read_annual(_sample_annual(tmp_path, n1="naik turun"))
    assert "sel J2: 'naik turun' bukan tipe agregasi" in str(e.value)


def test_template_offers_the_types_as_a_list(tmp_path):
    wb = load_workbook(write_template(tmp_path / "k.xlsx", 2021))
    pk = wb["PK"]
    assert pk["J1"].value == "Tipe Agregasi"
    lists = {str(dv.sqref): dv.formula1 for dv in pk.data_validations.dataValidation}
    assert lists["J2:J500"] == '"tren positif,tren negatif,persentase,nilai akhir"'
    assert lists["E2:E500"] == '"positif,negatif,kategori"'


def test_sample_pmks_stated_as_a_count_is_flagged(tmp_path):
    """Were PMKS (a percentage) declared tren positif, its TW II–IV capaian 81,75% would follow
    the nilai-akhir rule, not the sum of the quarters (140,62 / 210,93 / 281,24 over 86%)."""
    import shutil

    from conftest import SAMPLE

    from lkjip_helpers.pipeline import analyse

    for q in (1, 2, 3, 4):
        shutil.copy(SAMPLE / f"pengukuran_kinerja_2020_TW{q}.xlsx", tmp_path)
    _sample_annual(tmp_path, n1="tren positif")
    an = analyse([tmp_path], 2020, 4)
    f = an.findings[an.findings["code"] == "CAPAIAN_RULE_MISMATCH"]
    assert list(f["quarter"]) == [2, 3, 4] and set(f["severity"]) == {"error"}
    assert all("nilai triwulan ini / target × 100 (nilai akhir" in m for m in f["message"])
    assert [round(x, 2) for x in f["computed"]] == [D("163.51"), D("245.27"), D("327.02")]
    q = an.kinerja.quarterly
    assert list(q[q["no"] == 1]["realisasi_sd"]) == ["70.31%", "140.62%", "210.93%", "281.24%"]
