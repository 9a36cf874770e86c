"""Ordinary variation never breaks a report: the sample year's true figures with kegiatan renamed,
added, dropped or moved, a year starting at TW II, a single quarter, a program without kegiatan, a
blank realisasi (generator: ``tests/variations.py``). Every quarter's analysis and every section of
the report is made; the totals are the truth; what could not be followed is a finding; early
quarters carry no year-end finding."""
from decimal import Decimal

import pytest
from variations import VARIATIONS, truth, write_year, year_rows

from lkjip_helpers import sections
from lkjip_helpers.pipeline import analyse
from lkjip_helpers.report import make_report

SECTIONS = ("title", "summary", "budget_by_program", "absorption", "refocusing", "indicators",
            "findings", "chapter3", "kegiatan", "sources")

# the findings each variation must bring, beyond the refocusing the clean year shows:
# {(code, quarter of the finding): count} in the analysis up to TW IV (or the last quarter);
# an analysis up to an earlier quarter has those whose evidence it holds (see ``expected``)
EXPECTED = {
    "clean": {},
    "renamed": {("UNMATCHED_KEGIATAN", 2): 1, ("UNMATCHED_KEGIATAN", 3): 1},
    "added": {("UNMATCHED_KEGIATAN", 2): 1},
    "dropped": {("UNMATCHED_KEGIATAN", 2): 1},
    "moved": {("KEGIATAN_MOVED", 3): 1},
    "starts_at_tw2": {},
    "single_quarter": {},
    "program_without_kegiatan": {("NO_KEGIATAN", q): 1 for q in (1, 2, 3, 4)},
    "blank_realisasi": {("MISSING_VALUE", 1): 1},
}


def expected(name: str, q: int) -> dict:
    """A kegiatan that vanishes after TW II is seen only once TW III is in the analysis."""
    late = {"renamed", "dropped"}
    return {k: v for k, v in EXPECTED[name].items()
            if k[1] <= q and not (name in late and k[1] == 2 and q < 3)}


REFOCUSING = {"PAGU_CHANGED", "PAGU_REVERTED"}


@pytest.fixture(scope="module")
def years(tmp_path_factory):
    base = year_rows()
    out = {}
    for name, make in VARIATIONS.items():
        quarters = make(base)
        folder = write_year(tmp_path_factory.mktemp(name), quarters, annual=True)
        out[name] = (folder, quarters)
    return out


@pytest.mark.parametrize("name", list(VARIATIONS))
def test_every_quarter_of_every_variation_makes_a_true_report(years, name):
    folder, quarters = years[name]
    for q in sorted(quarters):
        an = analyse([folder], 2020, q)
        for sec in SECTIONS:
            html = str(getattr(sections, sec)(an))
            assert "Traceback" not in html
        t = an.rec.totals[an.rec.totals["quarter"] == q].iloc[0]
        pagu, real = truth(quarters[q])
        assert (t["pagu"], t["realisasi"]) == (Decimal(pagu), Decimal(real)), (name, q)
        f = an.findings
        # no error in a year of true figures; the annual workbook's own errors only at TW IV
        assert set(f.loc[f["severity"] == "error", "quarter"].dropna()) == set(), (name, q)
        annual = f[f["quarter"].isna() & ~f["code"].isin(["AGGREGATION_INFERRED",
                                                         "RENSTRA_TARGET_PASSED"])]  # PK: any time
        if q < 4:
            assert len(annual) == 0, (name, q, list(annual["message"]))
        else:
            assert len(annual) > 0
        got = f[~f["code"].isin(REFOCUSING) & f["quarter"].notna()]
        counts = {(c, int(qq)): n for (c, qq), n in
                  got.groupby(["code", "quarter"]).size().to_dict().items()}
        assert counts == expected(name, q), (name, q)


@pytest.mark.parametrize("name,quarter", [("renamed", 4), ("starts_at_tw2", 2),
                                          ("program_without_kegiatan", 1)])
def test_the_report_is_made(years, tmp_path, name, quarter):
    folder, _ = years[name]
    rep = make_report(2020, quarter, folder, tmp_path / "out", ("html",))
    html = (rep.folder / "laporan.html").read_text(encoding="utf-8")
    assert "Laporan Anggaran dan Kinerja" in html
