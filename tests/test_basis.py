"""The budget basis: one rule for the pagu absorption is measured against, named in the headline,
the same in every table, chart, the explorer and the findings workbook."""
from decimal import Decimal as D

import pytest
from conftest import SAMPLE, quarterly_only

from lkjip_helpers import explorer, sections
from lkjip_helpers.basis import in_force, on_basis
from lkjip_helpers.pipeline import analyse


def test_a_replaced_pagu_is_not_taken_back():
    assert in_force([(1, D(10)), (2, D(5)), (3, D(10)), (4, D(10))]) == \
        [(D(10), 1, False), (D(5), 2, False), (D(5), 2, True), (D(5), 2, True)]
    # a new version (never seen before) is taken; going back to it later is a restatement
    assert in_force([(1, D(10)), (2, D(8)), (3, D(7)), (4, D(8))]) == \
        [(D(10), 1, False), (D(8), 2, False), (D(7), 3, False), (D(7), 3, True)]
    assert in_force([(2, D(4)), (3, D(4))]) == [(D(4), 2, False), (D(4), 2, False)]


@pytest.fixture(scope="module")
def year():
    return {q: analyse([SAMPLE], 2020, q) for q in (1, 2, 3, 4)}


def _total(an):
    t = an.rec.totals
    return t[t["quarter"] == an.quarter].iloc[0]


def test_tw4_headline_is_on_the_final_budget_of_tabel_3_2(year):
    an = year[4]
    t = _total(an)
    assert t["pagu_dasar"] == D("3531680129")  # Tabel 3.2, the year's final pagu
    assert round(t["penyerapan_dasar"], 2) == round(3057589710 / 3531680129 * 100, 2) == 86.58
    html = sections.summary(an).html
    assert "dari pagu <b>Rp 3.531.680.129</b>: <b>86,6%</b>" in html
    assert "Dasar: pagu akhir (Tabel 3.2), kinerja_2020.xlsx." in html
    # the other bases beside it, each with why it differs
    assert "Terhadap pagu lembar TW IV Rp 6.671.923.749 penyerapan 45,8%: lembar TW IV " \
           "mencantumkan lagi pagu yang sudah diganti di TW II (14 kegiatan)" in html
    assert "Terhadap pagu berlaku menurut lembar triwulan (versi TW II) Rp 3.407.000.210 " \
           "penyerapan 89,7%" in html
    assert "Rp 124.679.919" in html  # 3.531.680.129 − 3.407.000.210


def test_tw3_restated_pagu_keeps_the_refocused_version(year):
    an = year[3]
    t = _total(an)
    assert t["pagu"] == D("6671923749") and t["pagu_dasar"] == D("3407000210")
    html = sections.summary(an).html
    assert "dari pagu <b>Rp 3.407.000.210</b>" in html
    assert ("pagu berlaku: pagu lembar TW III, kecuali 14 kegiatan yang pagunya dikembalikan "
            "lembar itu ke versi lama (bagi kegiatan itu berlaku versi TW II)") in html
    assert "Terhadap pagu lembar TW III Rp 6.671.923.749 penyerapan 25,4%" in html


def test_quarterly_table_names_the_basis_briefly_and_explains_it_below(year):
    """The absorption table's Dasar cell is short ("pagu berlaku"); the whole basis of that
    quarter is said once under the table (it was a sentence in a cell many lines tall)."""
    import re

    from lkjip_helpers.basis import short

    html = sections.absorption(year[4]).html
    dasar = list(year[4].rec.totals.sort_values("quarter")["dasar"])
    cells = [re.findall(r'<td data-label="Dasar">(.*?)</td>', html)]
    assert cells == [[short(d) for d in dasar]]
    assert cells[0] == ["pagu lembar TW I", "pagu lembar TW II", "pagu berlaku",
                        "pagu akhir (Tabel 3.2)"]
    assert ("Dasar TW III (pagu berlaku): pagu lembar TW III, kecuali 14 kegiatan yang "
            "pagunya dikembalikan lembar itu ke versi lama (bagi kegiatan itu berlaku versi "
            "TW II).") in html
    assert html.count("kecuali 14 kegiatan") == 1
    for mixed in ("pagu akhir (Tabel 3.2) untuk 3 kegiatan; pagu lembar TW II untuk 2 kegiatan "
                  "yang tidak ada di Tabel 3.2",
                  "pagu akhir (Tabel 3.2) untuk 3 kegiatan; pagu berlaku: pagu lembar TW III, "
                  "kecuali 1 kegiatan yang pagunya dikembalikan lembar itu ke versi lama (bagi "
                  "kegiatan itu berlaku versi TW II) untuk 2 kegiatan yang tidak ada di Tabel 3.2"):
        assert short(mixed) == "pagu akhir dan pagu lembar"
        assert sections._after_label(mixed) == mixed
    assert short(None) == short(float("nan")) == ""


def test_refocusing_table_numbers_programs_as_the_program_table_does(year):
    """Two programs are named "Pembinaan Lingkungan Sosial": the refocusing table numbers each
    program as the program table does, row by row (each number leads to the program whose
    pagu before the change the row shows)."""
    import re

    from lkjip_helpers.numbers import format_rupiah

    an = year[4]
    html = sections.refocusing(an).html
    body = html[html.index("<tbody>"):]
    rows = re.findall(r'<td class="head">(\d+)\. (.*?)</td><td class="num" '
                      r'data-label="Pagu sebelum">(.*?)</td>', body)
    changes = an.rec.program_changes
    totals = changes.groupby("quarter")["change"].sum()
    at = changes[changes["quarter"] == totals.map(abs).idxmax()].set_index("program_key")
    table = an.at(an.rec.programs).set_index("program_no")
    assert len(rows) == len(at) == len(table)
    for no, name, before in rows:
        key = table.loc[int(no), "program_key"]
        assert table.loc[int(no), "program"] == name
        assert format_rupiah(at.loc[key, "pagu_before"]) == before
    total = format_rupiah(at["change"].sum())
    from lkjip_helpers.period import tw

    assert (f"Perubahan pagu terbesar terjadi di {tw(totals.map(abs).idxmax())}: "
            f"jumlahnya {total} (bagian tiap program di tabel di bawah).") in html
    same = [r for r in rows if r[1] == "Pembinaan Lingkungan Sosial"]
    assert len(same) == 2 and same[0][2] != same[1][2]


def test_early_quarters_are_on_their_own_sheet(year):
    for q, pagu in ((1, "6671923749"), (2, "3407000210")):
        t = _total(year[q])
        assert t["pagu_dasar"] == t["pagu"] == D(pagu)
        html = sections.summary(year[q]).html
        assert f"Dasar: pagu lembar TW {'I' * q}." in html and "Terhadap" not in html


def test_one_rule_in_programs_tables_charts_explorer_and_workbook(year, tmp_path):
    import dataclasses

    from openpyxl import load_workbook

    from lkjip_helpers.reconcile.export import write_findings_workbook

    an = year[4]
    p = on_basis(an.rec.programs)
    p = p[p["quarter"] == 4]
    # programs add up to the headline on the same basis
    assert sum(p["pagu"], D(0)) == D("3531680129")
    first = p.sort_values("program_no").iloc[0]
    assert round(first["penyerapan"], 1) == 89.8  # not 35,4% against the sheet's reverted pagu
    html = sections.budget_by_program(an).html
    assert "89,8%" in html and "Pagu di lembar" in html and "Pagu dan penyerapan: pagu akhir" in html
    # the curve's "against the latest pagu" line is on the basis too: every quarter's realisasi
    # against Tabel 3.2's final pagu, not against the TW IV sheet's restated 6.671.923.749
    from lkjip_helpers import charts
    from lkjip_helpers.charts import VERMILLION

    t = on_basis(an.rec.totals).sort_values("quarter")
    assert set(t["pagu_latest"]) == {D("3531680129")}
    expected = [round(float(r * 100 / D("3531680129")), 2) for r in t["realisasi"]]
    assert [round(v, 2) for v in t["penyerapan_latest"]] == expected
    fig = charts.absorption_curve(t, 2020)
    drawn = [line for line in fig.axes[0].lines if line.get_color() == VERMILLION]
    assert [round(y, 2) for y in drawn[0].get_ydata()[1:]] == expected
    assert expected[-1] == 86.58 and expected[0] == round(433442277 / 3531680129 * 100, 2)
    # the explorer opens on the same basis and gives the same figure
    label, basis = explorer.versions(an)[0]
    assert basis == explorer.BASIS and label.startswith("Dasar laporan")
    d = explorer.selection_data(an, "program", int(first["program_key"]), basis)
    assert round(d["penyerapan"].iloc[-1], 1) == 89.8
    # the findings workbook carries the basis beside the sheet's pagu
    path = tmp_path / "temuan.xlsx"
    write_findings_workbook(dataclasses.replace(an.rec, findings=an.findings), an.data, path)
    ws = load_workbook(path)["Pagu per kegiatan"]
    head = [c.value for c in ws[1]]
    assert head[4] == "Pagu di lembar" and head[10:13] == [
        "Pagu dasar laporan", "Penyerapan thd pagu dasar (%)", "Dasar"]
    tw4 = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[1] == "TW IV"]
    assert sum(D(str(r[10])) for r in tw4) == D("3531680129")
    assert {r[12] for r in tw4} == {"pagu akhir (Tabel 3.2)"}


def test_latest_pagu_on_the_basis_is_the_last_periods_whatever_the_order_and_agency_code():
    """``on_basis``'s latest pagu: the basis of the year's last period in the table, also when
    the rows are not in order and the agency code is absent (None, as pandas groups would lose)."""
    import pandas as pd

    df = pd.DataFrame({"agency_code": [None] * 3, "year": [2020] * 3, "month": [None] * 3,
                       "quarter": [2, 1, 4], "pagu": [D(10)] * 3,
                       "realisasi": [D(1), D(2), D(5)], "penyerapan": [10.0, 20.0, 50.0],
                       "pagu_dasar": [D(8), D(9), D(4)], "penyerapan_dasar": [12.5, 22.2, 125.0],
                       "pagu_latest": [D(10)] * 3, "penyerapan_latest": [10.0, 20.0, 50.0]})
    out = on_basis(df)
    assert list(out["pagu_latest"]) == [D(4)] * 3
    assert list(out["penyerapan_latest"]) == [25.0, 50.0, 125.0]


def test_without_the_annual_workbook_tw4_uses_the_pagu_in_force(tmp_path):
    an = analyse([quarterly_only(tmp_path)], 2020, 4)
    t = _total(an)
    assert t["pagu_dasar"] == D("3407000210")
    assert ("Dasar: pagu berlaku: pagu lembar TW IV, kecuali 14 kegiatan yang pagunya "
            "dikembalikan lembar itu ke versi lama (bagi kegiatan itu berlaku versi TW II)") \
        in sections.summary(an).html
