"""Agency and period as dimensions of every table; the reader registry."""
from decimal import Decimal as D

import pytest
from conftest import CLEAN, SAMPLE, quarter_sheet, write_xlsx

from lkjip_helpers.errors import LayoutError
from lkjip_helpers.excel.readers import ReadContext, Registry, default_registry
from lkjip_helpers.excel.result import SheetResult
from lkjip_helpers.ingest import ingest
from lkjip_helpers.period import Agency, Period, quarter_of_month
from lkjip_helpers.reconcile import reconcile

KEYS = ["agency_code", "agency_name", "year", "month", "quarter"]


def test_period_value():
    assert [quarter_of_month(m) for m in range(1, 13)] == [1] * 3 + [2] * 3 + [3] * 3 + [4] * 3
    nov = Period.monthly(2022, 11)
    assert (nov.label, nov.quarter, nov.month, nov.is_year_end()) == ("November", 4, 11, False)
    assert Period.monthly(2022, 12).is_year_end() and Period.quarterly(2020, 4).is_year_end()
    assert Period.quarterly(2020, 3).label == "TW III" and Period.quarterly(2020, 3).month is None
    assert sorted([Period.monthly(2020, 4), Period.quarterly(2020, 1), Period.monthly(2020, 2)]) \
        == [Period.monthly(2020, 2), Period.quarterly(2020, 1), Period.monthly(2020, 4)]
    with pytest.raises(ValueError):
        Period.monthly(2022, 0)
    with pytest.raises(AttributeError):
        nov.n = 3  # frozen


def test_sample_year_is_one_agency_in_quarters():
    data = ingest([SAMPLE])
    assert [str(p) for p in data.periods] == ["TW I 2020", "TW II 2020", "TW III 2020", "TW IV 2020"]
    assert data.agencies == [Agency("", "DINAS SOSIAL, PEMBERDAYAAN PEREMPUAN DAN PERLINDUNGAN ANAK")]
    for df in (data.budget_lines, data.stated_totals, data.indicators):
        assert list(df.columns[:5]) == KEYS
        assert df["month"].isna().all()
    rec = reconcile(data)
    for name in ("findings", "lines", "kegiatan", "programs", "totals", "versions",
                 "program_changes", "pefa"):
        df = getattr(rec, name)
        assert {"agency_code", "agency_name"} <= set(df.columns), name
        assert set(df["agency_name"].dropna()) <= {data.agencies[0].name}, name


def two_agencies(tmp_path, second_real):
    """Two agencies' TW I and TW II with the same kegiatan names, in one folder."""
    folder = tmp_path / "in"
    folder.mkdir()
    for q, title in ((1, "TW I 2021"), (2, "TW II 2021")):
        for code, name, real in (("1.02.0.00.0.00.01.0000", "Dinas Kesehatan", 1),
                                 ("1.01.0.00.0.00.01.0000", "Dinas Pendidikan", second_real)):
            rows = [(n, p, r * q * real, None) for n, p, r, _ in CLEAN]
            sheet = quarter_sheet(rows, title=title)
            sheet.insert(1, [f"SKPD : {code} {name}"])
            write_xlsx(folder / f"{name}_TW{q}.xlsx", {"S": sheet})
    return folder


def test_two_agencies_with_the_same_kegiatan_never_mix(tmp_path):
    data = ingest([two_agencies(tmp_path, second_real=3)])
    assert [a.code for a in sorted(data.agencies, key=lambda a: a.code)] == \
        ["1.01.0.00.0.00.01.0000", "1.02.0.00.0.00.01.0000"]
    summary = data.summary()["periods"]
    assert [(p["agency_name"], p["quarter"], p["realisasi"]) for p in summary] == [
        ("Dinas Pendidikan", 1, 1200), ("Dinas Pendidikan", 2, 2400),
        ("Dinas Kesehatan", 1, 400), ("Dinas Kesehatan", 2, 800)]
    rec = reconcile(data)
    # no REALISASI_DECREASED from comparing one agency's TW II with the other's TW I
    assert "REALISASI_DECREASED" not in set(rec.findings["code"])
    totals = rec.totals.set_index(["agency_name", "quarter"])
    assert totals.loc[("Dinas Kesehatan", 2), "pagu"] == D(1300)
    assert totals.loc[("Dinas Pendidikan", 2), "realisasi"] == D(2400)
    assert len(rec.totals) == 4


def test_agency_given_on_the_command_line(tmp_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"S": quarter_sheet(CLEAN, title="TW I 2021")})
    data = ingest([path], agency="1.02.0.00.0.00.01.0000 Dinas Kesehatan")
    assert data.agencies == [Agency("1.02.0.00.0.00.01.0000", "Dinas Kesehatan")]
    assert set(data.row_roles["agency_code"]) == {"1.02.0.00.0.00.01.0000"}


class Dummy:
    """A reader that claims sheets whose A1 says DUMMY."""

    name = "dummy"

    def match(self, grid, ctx):
        return 0 if grid.get(0, 0) == "DUMMY" else None

    def read(self, grid, ctx, header):
        res = SheetResult(grid.file.name, grid.name, 2024, None, month=5,
                          agency=Agency("9", "Dinas Contoh"))
        res.lines.append({"program_no": 1, "program": "P", "kegiatan": "K", "pagu": D(10),
                          "realisasi": D(4), "line": 1, "source_cell": "A2"})
        res.set_period(Period.monthly(2024, 5))
        return [res]


def test_a_registered_reader_is_tried_first(tmp_path):
    path = write_xlsx(tmp_path / "d.xlsx", {"S": [["DUMMY"], ["x"]]})
    registry = default_registry().register(Dummy())
    data = ingest([path], registry=registry)
    row = data.budget_lines.iloc[0]
    assert (row["agency_code"], row["year"], row["month"], row["quarter"]) == ("9", 2024, 5, 2)
    with pytest.raises(LayoutError, match="tabel tidak ditemukan"):
        ingest([path])  # the built-in readers do not know it


def test_a_readers_refusal_is_raised_only_when_no_reader_matches(tmp_path):
    sheet = [["Program / Kegiatan", "Anggaran"], [None, "Jumlah"], ["A", 1]]
    path = write_xlsx(tmp_path / "x.xlsx", {"S": sheet})
    with pytest.raises(LayoutError, match="tidak ada kolom 'Pagu'"):
        ingest([path])

    class Claims:
        name = "claims"

        def match(self, grid, ctx):
            return True

        def read(self, grid, ctx, token):
            return Dummy().read(grid, ctx, token)

    reg = Registry(default_registry().readers + [Claims()])
    assert reg.get(__import__("lkjip_helpers.excel.workbook", fromlist=["x"]).open_workbook(path)[0],
                   ReadContext())[0].name == "claims"


def test_reconciling_agencies_together_is_reconciling_each_alone(tmp_path):
    """Reconcile builds its tables once over every agency: each agency's rows are the ones it
    gets when reconciled alone (keys, sums, findings), agencies in order of their code."""
    import pandas as pd

    from lkjip_helpers.ingest import split_agencies
    data = ingest([two_agencies(tmp_path, second_real=3)])
    both = reconcile(data)
    alone = [reconcile(part) for _, part in split_agencies(data)]
    for name in ("lines", "kegiatan", "programs", "totals", "versions", "program_changes",
                 "pefa"):
        want = pd.concat([getattr(r, name) for r in alone], ignore_index=True)
        assert getattr(both, name).equals(want), name
    assert sorted(map(tuple, both.findings[["agency_code", "code", "source_file"]].values)) == \
        sorted(t for r in alone for t in map(tuple, r.findings[["agency_code", "code",
                                                                  "source_file"]].values))


def test_a_report_is_about_one_agency(tmp_path):
    """A folder of two agencies: the report refuses in one line naming both, unless --agency
    picks one (by code or name); then every section is that agency's alone."""
    from lkjip_helpers import sections
    from lkjip_helpers.errors import LkjipError
    from lkjip_helpers.pipeline import analyse
    folder = two_agencies(tmp_path, second_real=3)
    with pytest.raises(LkjipError, match="2 instansi.*Dinas Kesehatan.*--agency"):
        sections.load(2021, 2, str(folder))
    with pytest.raises(LkjipError, match="tidak menunjuk satu instansi"):
        sections.load(2021, 2, str(folder), agency="Dinas Sosial")
    for wanted in ("Dinas Pendidikan", "1.01.0.00.0.00.01.0000"):
        an = sections.load(2021, 2, str(folder), agency=wanted)
        assert an.data.agencies == [Agency("1.01.0.00.0.00.01.0000", "Dinas Pendidikan")]
        assert an.agency == "Dinas Pendidikan"
        assert set(an.rec.totals["agency_name"]) == {"Dinas Pendidikan"}
        assert an.rec.totals.set_index("quarter").loc[2, "realisasi"] == D(2400)
        for section in (sections.summary, sections.budget_by_program, sections.absorption,
                        sections.refocusing, sections.kegiatan, sections.findings):
            assert "Dinas Kesehatan" not in section(an).html
    # reconcile keeps every agency (agency None)
    assert len(analyse([folder], 2021).data.agencies) == 2


def test_one_folder_mixing_quarters_of_two_agencies_is_two_agencies(tmp_path):
    """Dinas A's TW I-II and Dinas B's TW III-IV (same kegiatan names, B spending less): never one
    agency with realisasi falling at TW III, but two agencies each missing two quarters."""
    folder = tmp_path / "in"
    folder.mkdir()
    for q, title in enumerate(("TW I 2021", "TW II 2021", "TW III 2021", "TW IV 2021"), start=1):
        code, name, real = (("1.02.0.00.0.00.01.0000", "Dinas Kesehatan", 4) if q <= 2 else
                            ("1.01.0.00.0.00.01.0000", "Dinas Pendidikan", 1))
        sheet = quarter_sheet([(n, p, r * q * real, None) for n, p, r, _ in CLEAN], title=title)
        sheet.insert(1, [f"SKPD : {code} {name}"])
        write_xlsx(folder / f"TW{q}.xlsx", {"S": sheet})
    data = ingest([folder])
    assert sorted(a.name for a in data.agencies) == ["Dinas Kesehatan", "Dinas Pendidikan"]
    f = reconcile(data).findings
    assert "REALISASI_DECREASED" not in set(f["code"])
    missing = f[f["code"] == "MISSING_PERIOD"]
    assert sorted(zip(missing["agency_name"], missing["quarter"])) == [
        ("Dinas Kesehatan", 3), ("Dinas Kesehatan", 4), ("Dinas Pendidikan", 1),
        ("Dinas Pendidikan", 2)]
