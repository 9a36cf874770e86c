"""SIPD-RI flat exports (made from the header lists in docs/formats.md): recognised by their headers
in both forms, lines summed to sub kegiatan and up the code hierarchy, several SKPD split, slips."""
from decimal import Decimal as D

import pytest
from conftest import write_xlsx
from made_exports import RAK_HEADER, data_anggaran, rak, realisasi

from lkjip_helpers.errors import CellError, LayoutError
from lkjip_helpers.excel.codes import hierarchy
from lkjip_helpers.excel.sipd import find_header, read_flat, version_of, version_rank
from lkjip_helpers.excel.workbook import open_workbook
from lkjip_helpers.plan import roll_up

BUDGET = [("S1", "DAU", "5.1.02.01.01.0024", 1_000_000),
          ("S1", "DAK", "5.1.02.01.01.0026", "2.500.000,50"),   # text, Indonesian style
          ("S2", "DAU", "5.1.02.01.01.0024", 750_000),          # sub unit, variant code
          ("S3", "DAU", "5.2.02.01.01.0001", "1.234.567,89"),
          ("K1", "DAK", "5.2.03.01.01.0001", 9_000_000)]


def _read(tmp_path, name, rows, sheet="Sheet1", **kw):
    grid = open_workbook(write_xlsx(tmp_path / name, {sheet: rows}))[0]
    header = find_header(grid)
    assert header is not None
    return header, read_flat(grid, header, **kw)


@pytest.mark.parametrize("slug", [True, False])
def test_data_anggaran_in_slug_and_title_form(tmp_path, slug):
    header, res = _read(tmp_path, "anggaran.xlsx", data_anggaran(BUDGET, slug=slug))
    assert header.kind == "data_anggaran"
    by = {(r["agency_code"], r["sub_kegiatan_code"]): r for r in res.lines}
    assert set(by) == {("1.06.0.00.0.00.01.0000", "1.06.02.2.01.0001"),
                       ("1.06.0.00.0.00.01.0000", "1.06.02.2.01.0002"),
                       ("1.06.0.00.0.00.01.0000", "1.06.03.2.01.0001"),
                       ("1.02.0.00.0.00.01.0000", "1.02.02.2.01.0001")}
    s1 = by[("1.06.0.00.0.00.01.0000", "1.06.02.2.01.0001")]
    assert s1["pagu"] == D("3500000.50") and s1["lines"] == 2
    assert s1["sumber_dana"] == "DAK Fisik, Dana Alokasi Umum"
    assert s1["kegiatan_code"] == "1.06.02.2.01" and s1["program_code"] == "1.06.02"
    assert by[("1.06.0.00.0.00.01.0000", "1.06.03.2.01.0001")]["pagu"] == D("1234567.89")
    assert s1["source_cell"] == "N2"


def test_upper_case_headers_are_the_same_export(tmp_path):
    rows = data_anggaran(BUDGET)
    rows[0] = [h.upper().replace("_", " ") for h in rows[0]]
    header, res = _read(tmp_path, "a.xlsx", rows)
    assert header.kind == "data_anggaran" and len(res.lines) == 4


def test_lines_sum_up_the_hierarchy_and_skpd_are_split(tmp_path):
    _, res = _read(tmp_path, "anggaran.xlsx", data_anggaran(BUDGET))
    skpd = roll_up(res.lines, "skpd", ("pagu",)).set_index("agency_code")
    # Dinas Sosial: 1.000.000 + 2.500.000,50 + 750.000 (its sub unit) + 1.234.567,89
    assert skpd.loc["1.06.0.00.0.00.01.0000", "pagu"] == D("5484568.39")
    assert skpd.loc["1.02.0.00.0.00.01.0000", "pagu"] == D("9000000")
    program = roll_up(res.lines, "program", ("pagu",)).set_index("program_code")
    assert program.loc["1.06.02", "pagu"] == D("4250000.50")
    assert program.loc["1.06.02", "sub_kegiatan_count"] == 2
    kegiatan = roll_up(res.lines, "kegiatan", ("pagu",)).set_index("kegiatan_code")
    assert kegiatan.loc["1.06.02.2.01", "pagu"] == D("4250000.50")
    assert kegiatan.loc["1.06.03.2.01", "pagu"] == D("1234567.89")


def test_the_variant_code_is_the_same_sub_kegiatan():
    assert hierarchy("1.06.02.02.01.0002") == ("1.06.02", "1.06.02.2.01", "1.06.02.2.01.0002")
    assert hierarchy("1.06.02.2.01.0002") == ("1.06.02", "1.06.02.2.01", "1.06.02.2.01.0002")
    assert hierarchy("X.XX.01.1.01.0001") == ("X.XX.01", "X.XX.01.1.01", "X.XX.01.1.01.0001")
    assert hierarchy("1.06.02") is None


def test_a_sub_unit_counts_for_its_skpd(tmp_path):
    _, res = _read(tmp_path, "anggaran.xlsx", data_anggaran(BUDGET))
    s2 = [r for r in res.lines if r["sub_kegiatan_code"] == "1.06.02.2.01.0002"][0]
    assert s2["agency_code"] == "1.06.0.00.0.00.01.0000" and s2["sub_units"] == 1


def test_realisasi_named_by_date_and_a_name_changed_mid_year(tmp_path):
    march = realisasi([("S1", "5.1.02.01.01.0024", 400_000, "Penyediaan Permakanan"),
                       ("S1", "5.1.02.01.01.0026", "100.000,25", None),
                       ("K1", "5.2.03.01.01.0001", 0, None)])
    june = realisasi([("S1", "5.1.02.01.01.0024", 900_000, "Penyediaan Permakanan Penyandang"),
                      ("K1", "5.2.03.01.01.0001", 4_500_000, None)])
    h3, r3 = _read(tmp_path, "2022-03-31.xlsx", march)
    _, r6 = _read(tmp_path, "2022-06-30.xlsx", june)
    assert h3.kind == "realisasi" and (r3.year, r3.month, r6.month) == (2022, 3, 6)
    s1_3 = [r for r in r3.lines if r["sub_kegiatan_code"] == "1.06.02.2.01.0001"][0]
    s1_6 = [r for r in r6.lines if r["sub_kegiatan_code"] == "1.06.02.2.01.0001"][0]
    assert s1_3["realisasi"] == D("500000.25") and s1_6["realisasi"] == D("900000")
    # one sub kegiatan by its code, whatever its name; the later name is kept where it is written
    assert s1_6["sub_kegiatan"] == "Penyediaan Permakanan Penyandang"
    assert s1_3["agency_code"] == s1_6["agency_code"] == "1.06.0.00.0.00.01.0000"


def test_realisasi_with_the_period_in_a_column(tmp_path):
    rows = realisasi([("S1", "5.1.02.01.01.0024", 400_000, None),
                      ("S1", "5.1.02.01.01.0024", 700_000, None)])
    rows[0].append("bulan")
    rows[1].append(3)
    rows[2].append("Juni")
    _, res = _read(tmp_path, "realisasi.xlsx", rows, year=2022)
    assert sorted((r["month"], r["realisasi"]) for r in res.lines) == [(3, D(400000)),
                                                                       (6, D(700000))]


def test_two_rak_of_one_version_plan_a_sub_kegiatan_once_and_are_named(tmp_path):
    """An old RAK download beside a new one (same version, other months): the cash plan held both
    (24 months for one sub kegiatan) and the analysis took the file read last, unsaid. Now one
    plan, the last read, and a PLAN_MISMATCH naming both files; a second RAK of other sub
    kegiatan (an export per bidang) is kept whole."""
    from lkjip_helpers.ingest import ingest
    from lkjip_helpers.reconcile import reconcile

    write_xlsx(tmp_path / "data_anggaran.xlsx",
               {"Sheet1": data_anggaran([("S1", "DAU", "5.1.02.01.01.0024", 1_200_000),
                                         ("S3", "DAU", "5.2.02.01.01.0001", 600_000)])})
    write_xlsx(tmp_path / "rak_a.xlsx", {"Sheet1": rak([
        ("S1", "5.1.02.01.01.0024", 1_200_000, 1_200_000, [100_000] * 12)])})
    write_xlsx(tmp_path / "rak_b.xlsx", {"Sheet1": rak([
        ("S1", "5.1.02.01.01.0024", 1_200_000, 1_200_000, [0] * 6 + [200_000] * 6),
        ("S3", "5.2.02.01.01.0001", 600_000, 600_000, [50_000] * 12)])})
    write_xlsx(tmp_path / "2022-03-31.xlsx",
               {"Sheet1": realisasi([("S1", "5.1.02.01.01.0024", 150_000, None)])})
    data = ingest([tmp_path])
    plan = data.cash_plan
    assert len(plan) == 24 and set(plan["source_file"]) == {"rak_b.xlsx"}
    assert plan.groupby("sub_kegiatan_code")["plan"].sum().to_dict() == {
        "1.06.02.2.01.0001": D(1_200_000), "1.06.03.2.01.0001": D(600_000)}
    f = reconcile(data).findings
    f = f[f["code"] == "PLAN_MISMATCH"]
    assert list(f["source_file"]) == ["rak_b.xlsx"] and list(f["source_cell"]) == ["O2"]
    text = f["message"].iloc[0]
    assert "membagi rencana sub kegiatan 1.06.02.2.01.0001 ke bulan-bulan secara berbeda " \
           "(jumlahnya sama, Rp 1.200.000; berkas lain: rak_a.xlsx)" in text


def test_a_sub_kegiatan_planned_by_two_sub_units_in_two_files_adds_up(tmp_path):
    """A Dinas and its UPT each plan 600.000 for one sub kegiatan, one RAK file each: not an old
    and a new download (other sub units), so both count, without a finding; and without a data
    anggaran the pagu is their sum (it was the last file's line). Two files of the same sub unit
    whose months differ but whose totals agree say so."""
    from made_exports import SOSIAL_SUB

    from lkjip_helpers.ingest import ingest
    from lkjip_helpers.reconcile import reconcile

    dinas = rak([("S1", "5.1.02.01.01.0024", 600_000, 600_000, [50_000] * 12)])
    upt = rak([("S1", "5.1.02.01.01.0024", 600_000, 600_000, [50_000] * 12)])
    unit = RAK_HEADER.index("Kode Sub SKPD")
    upt[1][unit:unit + 2] = list(SOSIAL_SUB)
    write_xlsx(tmp_path / "rak_dinas.xlsx", {"Sheet1": dinas})
    write_xlsx(tmp_path / "rak_upt.xlsx", {"Sheet1": upt})
    write_xlsx(tmp_path / "2022-03-31.xlsx",
               {"Sheet1": realisasi([("S1", "5.1.02.01.01.0024", 150_000, None)])})
    data = ingest([tmp_path])
    assert data.cash_plan["plan"].sum() == D(1_200_000)
    assert data.summary()["periods"][0]["pagu"] == 1_200_000
    assert not (reconcile(data).findings["code"] == "PLAN_MISMATCH").any()
    again = rak([("S1", "5.1.02.01.01.0024", 600_000, 600_000, [0] * 6 + [100_000] * 6)])
    write_xlsx(tmp_path / "rak_dinas_baru.xlsx", {"Sheet1": again})
    f = reconcile(ingest([tmp_path])).findings
    f = f[f["code"] == "PLAN_MISMATCH"]
    assert list(f["source_file"]) == ["rak_dinas_baru.xlsx"]
    assert "jumlahnya sama, Rp 600.000" in f["message"].iloc[0]
    assert "rak_dinas.xlsx" in f["message"].iloc[0]


def test_a_bulan_column_under_month_is_read_row_by_row(tmp_path):
    """Under --month, a row's month that cannot be read ('2022-03') is refused with its cell, as
    without --month (it was skipped, and the snapshots summed); one other month named throughout
    is a PERIOD_MISMATCH warning (it was taken as --month unsaid)."""
    from lkjip_helpers.ingest import ingest

    write_xlsx(tmp_path / "data_anggaran.xlsx",
               {"Sheet1": data_anggaran([("S1", "DAU", "5.1.02.01.01.0024", 1_200_000)])})
    rows = realisasi([("S1", "5.1.02.01.01.0024", 400_000, None),
                      ("S1", "5.1.02.01.01.0024", 700_000, None)])
    rows[0].append("bulan")
    rows[1].append("2022-03")
    rows[2].append("2022-06")
    col = chr(ord("A") + len(rows[0]) - 1)
    write_xlsx(tmp_path / "realisasi.xlsx", {"Sheet1": rows})
    with pytest.raises(LayoutError, match="bulan tidak dapat ditentukan dari '2022-03'") as exc:
        ingest([tmp_path], year=2022, month=6)
    assert exc.value.cell == f"{col}2"
    rows[1][-1] = rows[2][-1] = "Maret"
    write_xlsx(tmp_path / "realisasi.xlsx", {"Sheet1": rows})
    data = ingest([tmp_path], year=2022, month=6)
    said = [w for w in data.warnings if w.code == "PERIOD_MISMATCH"]
    assert [(w.cell, "menyebut Maret, dibaca sebagai Juni" in w.message) for w in said] == [
        (f"{col}2", True)]


@pytest.mark.parametrize("names", [
    ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
     "Oktober", "November", "Desember"],
    ["Jan", "Peb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nop", "Des"]])
def test_a_rak_naming_its_month_columns_is_read(tmp_path, names):
    """A RAK whose month columns are 'Januari' … or 'Jan' … 'Des' was 'tabel tidak ditemukan'."""
    header = RAK_HEADER[:-12] + names
    months = [0] * 6 + [200_000] * 6
    h, res = _read(tmp_path, "rak.xlsx",
                   rak([("S1", "5.1.02.01.01.0024", 1_200_000, 1_200_000, months)],
                       header=header))
    assert h.kind == "anggaran_kas"
    assert [res.lines[0][f"bulan{m}"] for m in range(1, 13)] == months


def test_one_month_given_for_a_bulan_column_of_several_months_is_refused(tmp_path):
    """--month dates the whole sheet: a bulan column holding March and June snapshots (400.000,
    then 700.000 cumulative) was summed to 1.100.000 for June. Refused, naming the column; a
    column of that one month still reads."""
    from lkjip_helpers.ingest import ingest

    write_xlsx(tmp_path / "data_anggaran.xlsx",
               {"Sheet1": data_anggaran([("S1", "DAU", "5.1.02.01.01.0024", 1_200_000)])})
    rows = realisasi([("S1", "5.1.02.01.01.0024", 400_000, None),
                      ("S1", "5.1.02.01.01.0024", 700_000, None)])
    rows[0].append("bulan")
    rows[1].append(3)
    rows[2].append("Juni")
    write_xlsx(tmp_path / "realisasi.xlsx", {"Sheet1": rows})
    with pytest.raises(LayoutError, match=r"kolom bulan menyebut 2 bulan \(Maret, Juni\)") as e:
        ingest([tmp_path], year=2022, month=6)
    assert e.value.cell == f"{chr(ord('A') + len(rows[0]) - 1)}1"
    by_month = ingest([tmp_path], year=2022).summary()["periods"]
    assert sorted((p["month"], p["realisasi"]) for p in by_month) == [(3, 400_000), (6, 700_000)]
    rows[1][-1] = "Juni"
    write_xlsx(tmp_path / "realisasi.xlsx", {"Sheet1": rows})
    p = ingest([tmp_path], year=2022, month=6).summary()["periods"][0]
    assert (p["month"], p["realisasi"]) == (6, 1_100_000)


@pytest.mark.parametrize("label", ["TOTAL", "Jumlah Total", "-"])
def test_a_subtotal_or_total_row_is_said_never_added(tmp_path, label):
    """A sub kegiatan's subtotal row (its code, no kode rekening: printed reports exported to
    Excel) was added to its rincian; a total labelled in the code column refused the export."""
    rows = realisasi([("S1", "5.1.02.01.01.0024", 600_000, None),
                      ("S1", "5.1.02.01.01.0024", 400_000, None),
                      ("S1", "5.1.02.01.01.0026", 200_000, None)])
    rek = rows[0].index("kode rekening")
    rows[1][rek] = rows[1][rek + 1] = None
    total = [None] * len(rows[0])
    total[rows[0].index("kode sub kegiatan")], total[-1] = label, 600_000
    rows.append(total)
    _, res = _read(tmp_path, "2022-06-30.xlsx", rows)
    assert [r["realisasi"] for r in res.lines] == [D(600_000)]
    unread = [c for c in res.checks if c["kind"] == "unread"]
    assert [c["row"] + 1 for c in unread] == [2, 5]
    assert "tanpa kode rekening (subtotal?)" in unread[0]["note"] and label in unread[1]["note"]


def test_realisasi_without_a_period_is_refused(tmp_path):
    grid = open_workbook(write_xlsx(tmp_path / "realisasi.xlsx",
                                    {"S": realisasi([("S1", "5.1", 1, None)])}))[0]
    with pytest.raises(LayoutError, match="tanpa periodenya"):
        read_flat(grid, find_header(grid))


def test_rak_is_read_monthly_with_its_version(tmp_path):
    months = [100_000] * 12
    rows = rak([("S1", "5.1.02.01.01.0024", 1_200_000, 1_200_000, months),
                ("K1", "5.2.03.01.01.0001", "2.400.000,00", "2.400.000,00",
                 [0] * 5 + ["2.400.000,00"] + [0] * 6)])
    h, res = _read(tmp_path, "rak_pergeseran_ke_2.xlsx", rows)
    assert h.kind == "anggaran_kas" and res.version == "Pergeseran ke 2"
    k1 = [r for r in res.lines if r["agency_code"].startswith("1.02")][0]
    assert k1["bulan6"] == D("2400000") and k1["bulan1"] == 0 and k1["nilai_rincian"] == D(2400000)
    assert res.checks == []


def test_rak_lines_that_do_not_add_up_are_measured(tmp_path):
    rows = rak([("S1", "5.1.02.01.01.0024", 1_200_000, 1_100_000, [100_000] * 12),
                ("S3", "5.2.02.01.01.0001", 500_000, 400_000, [500_000, -100_000] + [0] * 10)])
    _, res = _read(tmp_path, "rak_murni.xlsx", rows)
    got = sorted((c["kind"], c["cell"], c["stated"], c["computed"]) for c in res.checks)
    assert got == [("negative", "V3", D(-100000), D(0)),
                   ("nilai_rincian", "S3", D(400000), D(500000)),
                   ("total_rak", "T2", D(1100000), D(1200000))]


def test_rak_version_in_a_column(tmp_path):
    rows = rak([("S1", "5.1", 12, 12, [1] * 12)])
    rows[0].append("Tahapan")
    rows[1].append("Pergeseran ke 1")
    _, res = _read(tmp_path, "rak.xlsx", rows)
    assert res.lines[0]["version"] == "Pergeseran ke 1"


def test_a_bad_code_is_refused_naming_its_cell(tmp_path):
    rows = data_anggaran(BUDGET)
    rows[3][13] = "1.06.02.x"
    grid = open_workbook(write_xlsx(tmp_path / "a.xlsx", {"S": rows}))[0]
    with pytest.raises(CellError) as e:
        read_flat(grid, find_header(grid))
    assert "a.xlsx, sheet 'S', sel N4" in str(e.value)


def test_a_bad_amount_is_refused_naming_its_cell(tmp_path):
    rows = data_anggaran(BUDGET)
    rows[2][21] = "satu juta"
    grid = open_workbook(write_xlsx(tmp_path / "a.xlsx", {"S": rows}))[0]
    with pytest.raises(CellError) as e:
        read_flat(grid, find_header(grid))
    assert "sel V3" in str(e.value)


def test_other_sheets_are_not_taken_for_exports(tmp_path):
    grid = open_workbook(write_xlsx(tmp_path / "a.xlsx", {"S": [["Kode Sub Kegiatan", "Uraian"],
                                                              ["1.06.02.2.01.0001", "x"]]}))[0]
    assert find_header(grid) is None
    half = [h for h in RAK_HEADER if h != "bulan7"]
    grid = open_workbook(write_xlsx(tmp_path / "b.xlsx", {"S": [half]}))[0]
    assert find_header(grid) is None


def test_version_names():
    assert version_of("RAK Murni 2022") == "Murni"
    assert version_of("x", "rak pergeseran ke-3.xlsx") == "Pergeseran ke 3"
    assert version_of("APBD Perubahan") == "Perubahan"
    assert version_of("rak.xlsx") is None
    # the stages as SIPD-RI names them, the shift after the APBD-P above it
    assert version_of("Pergeseran II") == version_of("pergeseran_2") == "Pergeseran ke 2"
    assert version_of("rak pergeseran.xlsx") == "Pergeseran ke 1"
    assert version_of("Pergeseran Perubahan 1") == "Pergeseran Perubahan ke 1"
    ranks = [version_rank(version_of(t)) for t in ("Murni", "Pergeseran ke 1", "Pergeseran ke 3",
                                                   "Perubahan", "Pergeseran Perubahan 2")]
    assert ranks == sorted(ranks) and len(set(ranks)) == 5


def test_the_latest_budget_version_replaces_the_earlier_whole(tmp_path):
    """A sub kegiatan the Perubahan drops has no pagu any more (it kept the Murni's 500.000); a free
    'Keterangan' column saying 'APBD Perubahan' on one row is no version (it split the rows)."""
    from lkjip_helpers.ingest import ingest

    murni = data_anggaran([("S1", "DAU", "5.1.02.01.01.0024", 1_200_000),
                           ("S3", "DAU", "5.2.02.01.01.0001", 500_000)])
    perubahan = data_anggaran([("S1", "DAU", "5.1.02.01.01.0024", 600_000),
                               ("S1", "DAK", "5.1.02.01.01.0026", 400_000)])
    perubahan[0].append("keterangan")
    perubahan[1].append("APBD Perubahan")
    write_xlsx(tmp_path / "data_anggaran_murni.xlsx", {"Sheet1": murni})
    write_xlsx(tmp_path / "data_anggaran_perubahan.xlsx", {"Sheet1": perubahan})
    write_xlsx(tmp_path / "2022-10-31.xlsx",
               {"Sheet1": realisasi([("S1", "5.1.02.01.01.0024", 600_000, None)])})
    p = ingest([tmp_path]).summary()["periods"][0]
    assert (p["pagu"], p["realisasi"], p["sub_kegiatan"]) == (1_000_000, 600_000, 1)


def test_a_rak_of_several_versions_in_a_tahapan_column_plans_with_the_latest(tmp_path):
    from lkjip_helpers.ingest import ingest

    rows = rak([("S1", "5.1.02.01.01.0024", 1_200_000, 1_200_000, [0] * 6 + [200_000] * 6),
                ("S1", "5.1.02.01.01.0024", 1_200_000, 1_200_000, [100_000] * 12)])
    for row, stage in zip(rows, ("Tahapan", "Pergeseran ke 1", "Murni")):
        row.append(stage)
    write_xlsx(tmp_path / "rak.xlsx", {"Sheet1": rows})
    write_xlsx(tmp_path / "data_anggaran.xlsx",
               {"Sheet1": data_anggaran([("S1", "DAU", "5.1.02.01.01.0024", 1_200_000)])})
    write_xlsx(tmp_path / "2022-03-31.xlsx",
               {"Sheet1": realisasi([("S1", "5.1.02.01.01.0024", 150_000, None)])})
    plan = ingest([tmp_path]).cash_plan
    assert set(plan["version"]) == {"Pergeseran ke 1"}
    assert plan.loc[plan["month"] <= 3, "plan"].sum() == 0


def test_amount_text_forms_and_limits(tmp_path):
    from lkjip_helpers.excel.amounts import Amounts
    grid = open_workbook(write_xlsx(tmp_path / "a.xlsx", {"S": [["x"]]}))[0]
    a = Amounts(grid)
    assert a.sen("1.234.567,89", 0, 0) == 123456789
    assert a.sen("1.234.567,8", 0, 0) == 123456780
    assert a.sen("250", 0, 0) == 25000
    assert a.sen("Rp 1,009,235,000", 0, 0) == 100923500000
    assert a.sen(1234.5, 0, 0) == 123450 and a.guesses() == []
    assert a.sen("6.671.923,749", 0, 0) == 667192374900   # a guess, noted
    assert a.guesses() == [(0, 0, "'6.671.923,749': tiga angka setelah koma dibaca sebagai "
                                  "ribuan")]
    with pytest.raises(CellError, match="sel A1"):
        a.sen("1.000.000.000.000.000", 0, 0)               # Rp 10^15: refused
    with pytest.raises(CellError):
        a.sen(1e16, 0, 0)


def test_a_short_amount_is_a_guess_where_its_column_writes_decimals_with_that_sign(tmp_path):
    from lkjip_helpers.excel.amounts import Amounts
    grid = open_workbook(write_xlsx(tmp_path / "a.xlsx", {"S": [["x"]]}))[0]
    a = Amounts(grid)
    # column 0 writes the point as a decimal sign ("1500.50"): its "1.234" and "12.345" are doubtful
    assert [a.sen(v, r, 0) for r, v in enumerate(["1500.50", "1.234", "12.345", "2.000.000"])] \
        == [150050, 123400, 1234500, 200000000]
    # column 1 writes Indonesian amounts ("1.234.567,89"): its "1.234" is a thousand, no doubt
    assert [a.sen(v, r, 1) for r, v in enumerate(["1.234.567,89", "1.234"])] == [123456789, 123400]
    # column 2 writes the comma as a decimal sign ("12,5"): its "1,234" is doubtful
    assert [a.sen(v, r, 2) for r, v in enumerate(["12,5", "7", "1,234"])] == [1250, 700, 123400]
    assert a.guesses() == [
        (1, 0, "'1.234' dibaca Rp 1.234 (tanda titik sebagai ribuan), padahal kolom ini juga "
               "memakai titik sebagai tanda desimal (dan 1 sel lain seperti itu di kolom ini)"),
        (2, 2, "'1,234' dibaca Rp 1.234 (tanda koma sebagai ribuan), padahal kolom ini juga "
               "memakai koma sebagai tanda desimal")]


def test_a_pemda_export_is_within_the_default_limits(monkeypatch):
    """A whole pemda's RAK (50 SKPD x 3.000 lines x 32 columns, about 22 MB) must be read by
    default, not refused as a hostile workbook: benchmarks/bench_sipd.py reads one."""
    from lkjip_helpers.limits import limits
    for name in ("CELLS", "GRID", "FILE_MB"):
        monkeypatch.delenv(f"LKJIP_LIMIT_{name}", raising=False)
    lim = limits()
    assert lim.cells >= 50 * 3000 * 32 and lim.grid >= 50 * 3000 * 32 and lim.file_mb >= 22


def test_a_blank_pagu_or_realisasi_is_said_with_its_cell(tmp_path):
    """A blank amount cell counts 0 (as a blank month of a plan does), said as MISSING_VALUE."""
    from lkjip_helpers.ingest import ingest
    from lkjip_helpers.reconcile import reconcile

    budget = data_anggaran([("S1", "DAU", "5.1.02.01.01.0024", 1_000_000),
                            ("S1", "DAK", "5.1.02.01.01.0026", None)])
    write_xlsx(tmp_path / "data_anggaran.xlsx", {"Sheet1": budget})
    spent = realisasi([("S1", "5.1.02.01.01.0024", 400_000, None),
                       ("S1", "5.1.02.01.01.0024", None, None)])
    write_xlsx(tmp_path / "2022-06-30.xlsx", {"Sheet1": spent})
    data = ingest([tmp_path])
    p = data.summary()["periods"][0]
    assert (p["pagu"], p["realisasi"]) == (1_000_000, 400_000)
    f = reconcile(data).findings
    f = f[f["code"] == "MISSING_VALUE"]
    pagu_col, real_col = (chr(ord("A") + rows[0].index(h)) for rows, h in
                          ((budget, "pagu"), (spent, spent[0][-1])))
    assert sorted(f["source_cell"]) == sorted([f"{pagu_col}3", f"{real_col}3"])
    assert all(s == "warning" for s in f["severity"])


def test_two_budgets_of_one_version_that_disagree_are_a_finding(tmp_path):
    from lkjip_helpers.ingest import ingest
    from lkjip_helpers.reconcile import reconcile

    for name, pagu in (("data_anggaran_murni.xlsx", 1_500_000),
                       ("data_anggaran_murni_2.xlsx", 1_200_000)):
        write_xlsx(tmp_path / name,
                   {"Sheet1": data_anggaran([("S1", "DAU", "5.1.02.01.01.0024", pagu)])})
    write_xlsx(tmp_path / "2022-06-30.xlsx",
               {"Sheet1": realisasi([("S1", "5.1.02.01.01.0024", 600_000, None)])})
    f = reconcile(ingest([tmp_path])).findings
    f = f[f["code"] == "PLAN_MISMATCH"]
    assert len(f) == 1 and "Dua data anggaran versi Murni menulis pagu berbeda" in \
        f["message"].iloc[0] and "Rp 1.500.000" in f["message"].iloc[0]


def test_a_rak_without_nilai_rincian_gives_its_total_as_the_pagu(tmp_path):
    """No data anggaran, a RAK with Total RAK but no Nilai Rincian column: the pagu is the plan's
    total (it was 0)."""
    from lkjip_helpers.ingest import ingest

    rows = rak([("S1", "5.1.02.01.01.0024", 1_200_000, 1_200_000, [100_000] * 12)])
    drop = rows[0].index(next(h for h in rows[0] if "rincian" in h.lower()))
    rows = [r[:drop] + r[drop + 1:] for r in rows]
    write_xlsx(tmp_path / "rak_murni.xlsx", {"Sheet1": rows})
    write_xlsx(tmp_path / "2022-06-30.xlsx",
               {"Sheet1": realisasi([("S1", "5.1.02.01.01.0024", 600_000, None)])})
    p = ingest([tmp_path]).summary()["periods"][0]
    assert (p["pagu"], p["realisasi"]) == (1_200_000, 600_000)


def test_a_sub_kegiatan_summed_past_the_amount_limit_is_refused_naming_it(tmp_path):
    """Each rincian below Rp 10^15, their sum not: an internal Arrow error (exit 1) before."""
    rows = realisasi([("S1", "5.1.02.01.01.0024", 999_999_999_999_999, None),
                      ("S1", "5.1.02.01.01.0026", 999_999_999_999_999, None)])
    with pytest.raises(CellError, match="sub kegiatan 1.06.02.2.01.0001 dijumlah dari 2 baris "
                                        r"terlalu besar .*10\^15") as exc:
        _read(tmp_path, "2022-06-30.xlsx", rows)
    assert (exc.value.sheet, exc.value.cell) == ("Sheet1", f"{chr(ord('A') + rows[0].index('kode sub kegiatan'))}2")
