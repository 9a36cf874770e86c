"""Checks the annual workbook gets on its own rows: a Renstra end target already passed, a
polarity the indicator's name contradicts, an indicator never filled in the quarterly sheets,
efficiency asked of a categorical indicator, a blank stated capaian or efficiency."""
from decimal import Decimal as D

import pandas as pd
from test_indicators import _filled

from lkjip_helpers.annual import read_annual
from lkjip_helpers.annual_checks import blank_in_every_quarter
from lkjip_helpers.kinerja import evaluate
from lkjip_helpers.tables import indicator_tables


def findings(tmp_path, changes, qi=None):
    k = evaluate(read_annual(_filled(tmp_path, changes)), 2020, quarter_indicators=qi)
    return k, [f for f in k.findings if f.code in (
        "RENSTRA_TARGET_PASSED", "POLARITY_SUSPECT", "INDICATOR_BLANK",
        "EFFICIENCY_NOT_COMPUTABLE") or (f.code == "MISSING_VALUE" and f.quarter is None)]


def test_the_sample_years_own_rows(tmp_path):
    k, f = findings(tmp_path, {})
    got = sorted((x.code, x.source_sheet, x.source_cell, x.severity) for x in f)
    assert got == [
        # Indikator 3 measures a decrease ("Persentase Penurunan Kasus Kekerasan …"), is positive
        # and reaches 170%
        ("MISSING_VALUE", "Indikator", "L4", "info"),       # its efficiency is left blank
        ("POLARITY_SUSPECT", "PK", "E4", "warning"),
        ("RENSTRA_TARGET_PASSED", "PK", "G2", "warning"),  # PMKS: 86% this year, 75% by 2024
        ("RENSTRA_TARGET_PASSED", "PK", "G4", "warning"),  # 95% this year, 75% by 2024
    ]
    blank = next(x for x in f if x.code == "MISSING_VALUE")
    row = k.indicators[k.indicators["no"] == 3].iloc[0]  # penyerapan / capaian, the seed's way
    want = (D(row["penyerapan"]) * 100 / D(row["capaian"])).quantize(D("0.0001"))
    assert row["capaian"] == 170 and blank.computed == want
    assert f"dihitung {str(want.quantize(D('0.01'))).replace('.', ',')}%" in blank.message


def test_a_renstra_target_not_yet_reached_is_fine(tmp_path):
    _, f = findings(tmp_path, {("PK", 0, "target_renstra"): "90%",
                               ("PK", 2, "target_renstra"): "96%"})
    assert not [x for x in f if x.code == "RENSTRA_TARGET_PASSED"]


def test_a_decrease_with_negative_polarity_is_not_suspect(tmp_path):
    _, f = findings(tmp_path, {("PK", 2, "polaritas"): "negatif"})
    assert not [x for x in f if x.code == "POLARITY_SUSPECT"]
    _, f = findings(tmp_path, {("PK", 2, "indikator"): "Menurunnya Kasus Kekerasan"})
    assert [x.code for x in f if x.code == "POLARITY_SUSPECT"] == ["POLARITY_SUSPECT"]


def test_efficiency_of_a_categorical_indicator_is_not_a_number(tmp_path):
    k, f = findings(tmp_path, {("Indikator", 3, "efisiensi_tertulis"): "80%"})
    kla = k.indicators[k.indicators["polaritas"] == "kategori"].iloc[0]
    assert kla["efisiensi_rasio"] is None and kla["efisiensi_pmk"] is None
    x = [x for x in f if x.code == "EFFICIENCY_NOT_COMPUTABLE"]
    assert len(x) == 1 and x[0].source_cell == "L5" and "tidak dapat dihitung" in x[0].message
    g = indicator_tables(k, 2020)["3.1.3.G"]
    row = g[g["Indikator"] == kla["indikator"]].iloc[0]
    assert row["Rasio penyerapan/capaian (dihitung)"] == "tidak dapat dihitung (indikator kategori)"
    assert "%" not in row["Efisiensi PMK 214/2017"]


def test_a_blank_stated_capaian_is_computed_and_said(tmp_path):
    _, f = findings(tmp_path, {("Indikator", 1, "capaian_tertulis"): None})
    x = [x for x in f if x.code == "MISSING_VALUE" and x.field == "capaian"]
    k, _ = findings(tmp_path, {})
    row = k.indicators[k.indicators["no"] == 2].iloc[0]
    want = D(str(row["realisasi"]).rstrip("%").replace(",", ".")) * 100 / \
        D(str(row["target"]).rstrip("%").replace(",", "."))
    assert len(x) == 1 and x[0].source_cell == "F3"
    assert f"dihitung {str(want.quantize(D('0.01'))).replace('.', ',')}%" in x[0].message


def test_an_indicator_blank_in_every_quarter(tmp_path):
    qi = pd.DataFrame([
        {"quarter": q, "indikator": name, "realisasi": real, "source_file": f"tw{q}.xlsx",
         "source_sheet": f"TW {q}", "source_cell": f"D{10 + q}"}
        for q in (1, 2, 3) for name, real in (("Indeks Kepuasan", None), ("Cakupan PMKS", "40%"))])
    f = blank_in_every_quarter(qi, 2020)
    assert [(x.code, x.quarter, x.source_file, x.source_cell) for x in f] == [
        ("INDICATOR_BLANK", 3, "tw3.xlsx", "D13")]
    assert "TW I, TW II, TW III" in f[0].message
