"""Three levels from the Kode column of a quarterly matrix: program › kegiatan › sub kegiatan, in
the tables, in reconcile (matched across quarters by code first), in the report and the explorer."""
from decimal import Decimal as D

from conftest import write_xlsx
from test_layouts import _coded

from lkjip_helpers.excel.codes import sub_kegiatan_rows
from lkjip_helpers.ingest import ingest
from lkjip_helpers.reconcile import reconcile

TW1 = [("1.06.01", "Program A", 300, 150, None),
       ("1.06.01.2.01", "Kegiatan A1", 300, 150, None),
       ("1.06.01.2.01.0001", "Penyediaan Jasa Kebersihan", 100, 50, None),
       ("1.06.01.2.01.0002", "Pemeliharaan Gedung", 200, 100, None),
       ("1.06.02", "Program B", 1000, 250, None),
       ("1.06.02.2.01", "Kegiatan B1", 1000, 250, None)]
# TW II: the first sub kegiatan renamed beyond recognition (same code), the second written with
# the variant code 1.06.01.02.01.0002, and Kegiatan A1's own row 10 more than its sub kegiatan
TW2 = [("1.06.01", "Program A", 310, 240, None),
       ("1.06.01.2.01", "Kegiatan A1", 310, 240, None),
       ("1.06.01.2.01.0001", "Belanja Alat Tulis", 100, 90, None),
       ("1.06.01.02.01.0002", "Pemeliharaan Gedung", 200, 150, None),
       ("1.06.02", "Program B", 1000, 500, None),
       ("1.06.02.2.01", "Kegiatan B1", 1000, 500, None)]


def quarter(rows, q):
    out = _coded(rows)
    out[0] = [f"PENGUKURAN KINERJA TRIWULAN {'I' * q} Tahun Anggaran 2020"]
    return out


def test_sub_kegiatan_rows_from_codes():
    codes = [r[0] for r in TW1]
    parent = [0, 0, 0, 0, 4, 4]
    assert sub_kegiatan_rows(codes, parent) == {2: 1, 3: 1}
    # a deeper row under no kegiatan above it: two levels, as before
    assert sub_kegiatan_rows(["1.06", "1.06.01.0001", "1.06.02"], [0, 0, 0]) == {}
    assert sub_kegiatan_rows(["1.06", "1.06.01", "1.06.02"], [0, 0, 0]) == {}


def test_three_levels_in_tables_reconcile_report_and_explorer(tmp_path):
    write_xlsx(tmp_path / "tw1.xlsx", {"TW I": quarter(TW1, 1)})
    write_xlsx(tmp_path / "tw2.xlsx", {"TW II": quarter(TW2, 2)})
    data = ingest([tmp_path])
    bl = data.budget_lines
    tw1 = bl[bl["quarter"] == 1]
    assert list(zip(tw1["level"], tw1["kegiatan"], tw1["sub_kegiatan"].fillna(""))) == [
        ("sub_kegiatan", "Kegiatan A1", "Penyediaan Jasa Kebersihan"),
        ("sub_kegiatan", "Kegiatan A1", "Pemeliharaan Gedung"), ("kegiatan", "Kegiatan B1", "")]
    st = data.stated_totals
    assert list(st.loc[st["kind"] == "kegiatan", "label"]) == ["Kegiatan A1", "Kegiatan A1"]
    assert [(p["programs"], p["kegiatan"], p["sub_kegiatan"], p["pagu"])
            for p in data.summary()["periods"]] == [(2, 2, 2, 1300), (2, 2, 2, 1300)]
    rec = reconcile(data)
    f = rec.findings[rec.findings["code"] != "MISSING_VALUE"]
    # Kegiatan A1 states 310 over sub kegiatan summing to 300: both cells named
    lv = f[f["code"] == "LEVEL_SUM_MISMATCH"]
    assert list(zip(lv["quarter"], lv["field"], lv["source_cell"])) == [(2, "pagu", "H6")]
    assert "H7, H8" in lv.iloc[0]["message"]
    # matched across quarters by code first: no kegiatan lost or new, realisasi followed
    assert "UNMATCHED_KEGIATAN" not in set(f["code"])
    k = rec.kegiatan.set_index(["quarter", "kegiatan_key"])
    key = int(rec.lines.loc[rec.lines["sub_kegiatan"] == "Belanja Alat Tulis", "kegiatan_key"]
              .iloc[0])
    assert k.loc[(1, key), "sub_kegiatan"] == "Penyediaan Jasa Kebersihan"
    assert k.loc[(2, key), "realisasi_increment"] == D(40)
    assert k.loc[(2, key), "kode"] == "1.06.01.2.01.0001"
    # the report and the explorer show the third level
    from lkjip_helpers import sections
    from lkjip_helpers.explorer import items
    an = sections.load(2020, 2, str(tmp_path))
    html = sections.kegiatan(an).html
    assert "Sub kegiatan" in html and "Belanja Alat Tulis" in html and "3 sub kegiatan" not in html
    assert [label for label, _ in items(an, "sub_kegiatan")] == [
        "1. Kegiatan A1 / Belanja Alat Tulis", "1. Kegiatan A1 / Pemeliharaan Gedung",
        "2. Kegiatan B1"]
    assert [label for label, _ in items(an, "kegiatan")] == ["1. Kegiatan A1", "2. Kegiatan B1"]


def test_a_finding_about_a_sub_kegiatan_names_it():
    from lkjip_helpers.reconcile.across import _name
    assert _name({"kegiatan": "Kegiatan A1", "sub_kegiatan": "Belanja Alat Tulis"}) == \
        "Kegiatan A1 / Belanja Alat Tulis"
    assert _name({"kegiatan": "Kegiatan B1", "sub_kegiatan": None}) == "Kegiatan B1"


# TW II cuts one sub kegiatan of Kegiatan A1 (Pemeliharaan Gedung 200 -> 150) and keeps the other
CUT = [("1.06.01", "Program A", 250, 200, None),
       ("1.06.01.2.01", "Kegiatan A1", 250, 200, None),
       ("1.06.01.2.01.0001", "Penyediaan Jasa Kebersihan", 100, 80, None),
       ("1.06.01.2.01.0002", "Pemeliharaan Gedung", 150, 120, None),
       ("1.06.02", "Program B", 1000, 500, None),
       ("1.06.02.2.01", "Kegiatan B1", 1000, 500, None)]


def test_explorer_ranks_and_drills_down_by_program_kegiatan_and_sub_kegiatan(tmp_path):
    from lkjip_helpers import sections
    from lkjip_helpers.explorer import (items, kegiatan_of_sub_kegiatan, levels, overview,
                                        overview_data, selection_data)
    write_xlsx(tmp_path / "tw1.xlsx", {"TW I": quarter(TW1, 1)})
    write_xlsx(tmp_path / "tw2.xlsx", {"TW II": quarter(CUT, 2)})
    an = sections.load(2020, 2, str(tmp_path))
    assert levels(an) == [("Program", "program"), ("Kegiatan", "kegiatan"),
                          ("Sub kegiatan", "sub_kegiatan")]
    # kegiatan: the sub kegiatan summed, exactly, period by period
    keg = kegiatan_of_sub_kegiatan(an.rec.kegiatan)
    assert [(q, k, p, r) for q, k, p, r in zip(keg["quarter"], keg["kegiatan"], keg["pagu"],
                                               keg["realisasi"])] == [
        (1, "Kegiatan A1", D(300), D(150)), (1, "Kegiatan B1", D(1000), D(250)),
        (2, "Kegiatan A1", D(250), D(200)), (2, "Kegiatan B1", D(1000), D(500))]
    d = overview_data(an, "kegiatan").set_index("label")
    assert d.attrs["cut_quarter"] == 2
    assert d.loc["1. Kegiatan A1", "cut"] == D(-50) and d.loc["2. Kegiatan B1", "cut"] == D(0)
    assert d.loc["1. Kegiatan A1", "share_of_cut_pct"] == D(100)
    s = overview_data(an, "sub_kegiatan").set_index("label")
    assert list(s.index) == ["1. Kegiatan A1 / Penyediaan Jasa Kebersihan",
                             "1. Kegiatan A1 / Pemeliharaan Gedung", "2. Kegiatan B1"]
    assert list(s["cut"]) == [D(0), D(-50), D(0)]
    assert s.loc["1. Kegiatan A1 / Pemeliharaan Gedung", "cut_pct"] == D(-25)
    # TW II realisasi 120 of the first version's 200
    assert s.loc["1. Kegiatan A1 / Pemeliharaan Gedung", "absorption_after_v1"] == D(60)
    t = overview(an, "sub_kegiatan")
    assert list(t.columns[:2]) == ["No", "Sub kegiatan"]
    assert t.iloc[0]["Sub kegiatan"] == "1. Kegiatan A1 / Pemeliharaan Gedung"
    assert t.iloc[0]["Potongan di TW II"] == "-Rp 50"
    # the drill-down of a kegiatan follows its sub kegiatan
    key = dict(items(an, "kegiatan"))["1. Kegiatan A1"]
    sel = selection_data(an, "kegiatan", key, 1)
    assert list(sel["pagu"]) == [D(300), D(250)] and list(sel["realisasi"]) == [D(150), D(200)]
    assert list(sel["change"]) == [D(0), D(-50)]


def test_explorer_of_two_levels_offers_program_and_kegiatan_only():
    from lkjip_helpers import sections
    from lkjip_helpers.explorer import levels
    an = sections.load(2020, 4, "data/raw/2020")
    assert levels(an) == [("Program", "program"), ("Kegiatan", "kegiatan")]


def test_explorer_of_a_monthly_source_stands_each_quarter_at_its_latest_month(tmp_path):
    """Monthly LRA January–June, BELANJA OPERASI cut from 1.000 to 800 in May: the explorer reads
    TW I at March and TW II at June (realisasi is cumulative), never three rows a quarter."""
    from lra_sheets import lra_workbook

    from lkjip_helpers import sections
    from lkjip_helpers.explorer import cut_quarter, overview_data, selection_data
    names = ["Januari", "Februari", "Maret", "April", "Mei", "Juni"]
    for m, name in enumerate(names, start=1):
        p51 = 1000 if m < 5 else 800
        lra_workbook(tmp_path / f"lra_{m:02d}.xlsx",
                     [("4", "PENDAPATAN DAERAH", 0, 0), ("4.1", "PENDAPATAN ASLI DAERAH", 0, 0),
                      ("5", "BELANJA DAERAH", p51 + 500, 120 * m),
                      ("5.1", "BELANJA OPERASI", p51, 100 * m),
                      ("5.2", "BELANJA MODAL", 500, 20 * m)],
                     unit="1.02.0.00.0.00.01.0000 Dinas Kesehatan",
                     periode=f"periode 1 Januari s.d 28 {name} 2022")
    an = sections.load(2022, 2, str(tmp_path))
    assert cut_quarter(an) == 2
    d = overview_data(an, "kegiatan").set_index("label")
    assert list(d.index) == ["2. BELANJA OPERASI", "2. BELANJA MODAL"]
    assert d.loc["2. BELANJA OPERASI", "cut"] == D(-200)
    assert d.loc["2. BELANJA OPERASI", "absorption_after_v1"] == D(60)  # 600 of March's 1.000
    assert d.loc["2. BELANJA MODAL", "cut"] == D(0)
    key = int(d.loc["2. BELANJA OPERASI", "key"])
    sel = selection_data(an, "kegiatan", key, 1)
    assert list(sel["quarter"]) == [1, 2]
    assert list(sel["pagu"]) == [D(1000), D(800)] and list(sel["realisasi"]) == [D(300), D(600)]
