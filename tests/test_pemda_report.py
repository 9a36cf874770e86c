"""notebooks/pemda.ipynb executed with papermill on a made kabupaten (monthly series, earlier year
as references), with assertions on what the page says."""
import re
from decimal import Decimal as D

import nbformat
import papermill as pm
import pytest
from conftest import ROOT

from lkjip_helpers.batch.summary import gather, save
from lkjip_helpers.batch.worker import Outcome
from lkjip_helpers.synthetic import kabupaten


def pemda_input(tmp_path, month=9):
    made = kabupaten(8, (2023, 2024), seed=2)
    now = [s for s in made if s.year == 2024]
    # as of September: the months after it are not known yet
    now = [type(s)(s.agency, s.year, {m: v for m, v in s.pagu.items() if m <= month},
                   {m: v for m, v in s.realisasi.items() if m <= month},
                   {m: v for m, v in s.plan.items()}) for s in now]
    outcomes = []
    for s in now[:-1]:
        o = Outcome(s.agency.replace(" ", "_"), s.agency, "berhasil", 1.0,
                    {"error": 0, "warning": 1, "info": 2}, files=["laporan.html"])
        o.summary = {"series": type(s)(o.agency, s.year, s.pagu, s.realisasi, s.plan),
                     "codes": {}, "pagu_versions": 1, "missing": []}
        outcomes.append(o)
    bad = now[-1].agency.replace(" ", "_")
    outcomes.append(Outcome(bad, now[-1].agency, "gagal", 0.2,
                            reason="x.xlsx, sheet 'TW III', cell C9: not an amount"))
    history = [type(s)(s.agency.replace(" ", "_"), s.year, s.pagu, s.realisasi, s.plan)
               for s in made if s.year == 2023]
    return save(gather(2024, month, "M", outcomes, history), tmp_path / "input.pkl"), outcomes


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The notebook executed once, rendered as the batch renders it: HTML page and A4 PDF."""
    from lkjip_helpers import report

    tmp_path = tmp_path_factory.mktemp("pemda")
    path, outcomes = pemda_input(tmp_path)
    out = tmp_path / "pemda.ipynb"
    pm.execute_notebook(str(ROOT / "notebooks" / "pemda.ipynb"), str(out),
                        parameters={"pemda_input": str(path), "reports_dir": ".."},
                        kernel_name="python3", cwd=str(ROOT), progress_bar=False,
                        extra_arguments=["--IPKernelApp.log_level=ERROR"])
    page = report.to_html(out)
    (tmp_path / "laporan.html").write_text(page, encoding="utf-8")
    report.to_pdf(page, tmp_path / "laporan.pdf")
    return nbformat.read(str(out), as_version=4), outcomes, tmp_path


def test_pemda_notebook(executed):
    nb, outcomes, _ = executed
    html = "".join("".join(o.get("data", {}).get("text/html", "")) for c in nb.cells
                   if c.cell_type == "code" for o in c.outputs)
    assert not any(o.get("output_type") == "error" for c in nb.cells if c.cell_type == "code"
                   for o in c.outputs)
    ok = [o for o in outcomes if o.ok]
    pagu = sum(o.summary["series"].pagu[9] for o in ok)
    real = sum(o.summary["series"].realisasi[9] for o in ok)
    weighted = (real / pagu * 100).quantize(D("0.01"))
    expected = f"{weighted:.2f}".replace(".", ",") + "%"
    assert f"<th>Penyerapan pemda</th><td>{expected}</td>" in html
    assert "<strong>bukan</strong> rata-rata persentase SKPD" in html
    assert all(f'href="../{o.agency}/laporan.html"' in html for o in ok)
    assert 'href="../08_Badan_08/' not in html                      # the failed one: no link
    assert "tidak dapat dinilai" in html and "cell C9: not an amount" in html
    assert "pola SKPD lain / tahun sebelumnya" in html or "rencana anggaran kas" in html
    assert html.count("<figure") == 2 and html.count("<svg") == 2  # heatmap and S-curves, inline
    assert "Sampai dengan September 2024" in html
    assert "<script" not in html and "http" not in html
    assert '<table class="stack">' in html and 'data-label="Penyerapan"' in html
    # the data-quality table counts the findings in the report's words, not their codes' English
    assert all(f'<th>{w}</th>' in html
               for w in ("Kesalahan", "Perlu diperiksa", "Catatan"))
    assert not re.search(r">(Error|Warning|Info)<|\berror\b", html)
    assert not re.search(r'data-label="[^"]*"></td>', html)   # no name above an empty value
    # the failed SKPD's row in the ranking: no pagu or target shown for what was not read
    row = re.search(r"<tr>(?:(?!</tr>).)*08 Badan 08(?:(?!</tr>).)*</tr>", html, re.S).group(0)
    assert "tidak ada data realisasi" in row and "pagu" not in row and "dari" not in row, row


def test_pemda_page_title_names_the_report_the_pemda_and_the_period(executed):
    page = (executed[2] / "laporan.html").read_text(encoding="utf-8")
    assert re.search(r"<title>([^<]*)</title>", page).group(1) == \
        "Laporan Realisasi Anggaran Seluruh SKPD · Pemerintah Daerah · Sampai dengan September 2024"


def test_pemda_pdf_is_a4_with_the_figures(executed):
    from pypdf import PdfReader

    _, outcomes, folder = executed
    pdf = PdfReader(str(folder / "laporan.pdf"))
    box = pdf.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Laporan Realisasi Anggaran Seluruh SKPD" in text
    assert "Sampai dengan September 2024" in text
    ok = [o for o in outcomes if o.ok]
    pagu = sum(o.summary["series"].pagu[9] for o in ok)
    assert f"{pagu:,.0f}".replace(",", ".") in text.replace("\n", " ")   # Σ pagu, id_ID
    assert "tidak dapat dinilai" in text
    # every page names the pemda and the period (running header) and says which page it is
    for n, page in enumerate(pdf.pages, start=1):
        words = " ".join(page.extract_text().split())
        assert "Sampai dengan September 2024" in words, n
        assert f"Halaman {n} dari {len(pdf.pages)}" in words, n
    # the data-quality table (12 columns) is printed on a landscape page, its heads whole
    quality = [p for p in pdf.pages if "Periode berulang" in " ".join(p.extract_text().split())]
    assert quality and all(float(p.mediabox.width) > float(p.mediabox.height) for p in quality)
    assert all(w in quality[0].extract_text().split()
               for w in ("Kesalahan", "diperiksa", "Catatan", "berulang"))


def test_pemda_page_reads_on_a_phone(executed):
    """At 390 px every table of the pemda page is stacked cards: nothing scrolls sideways."""
    from test_browser import CHROMIUM, REQUIRED, why

    if why:
        if REQUIRED:
            pytest.fail(why)
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    _, _, folder = executed
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            page = b.new_page(viewport={"width": 390, "height": 844})
            page.goto((folder / "laporan.html").as_uri())
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            widths = page.evaluate("""() => [...document.querySelectorAll('table')].map(
                t => t.getBoundingClientRect().right)""")
            assert widths and max(widths) <= 390, widths
            assert page.evaluate("getComputedStyle(document.querySelector("
                                 "'table.stack thead')).display") == "none"
        finally:
            b.close()


def test_the_figures_draw_at_most_the_skpd_furthest_behind(tmp_path):
    """A province's 1.500 SKPD are not drawn: beyond the limit, the figures keep those furthest
    behind their plan (in the ranking's order) and say how many are left out."""
    from lkjip_helpers import pemda_sections as p

    path, _ = pemda_input(tmp_path)
    v = p.load(str(path))
    rated = v.ranked[v.ranked["against_plan"].notna()]
    assert len(v.ranked) == 8 and len(rated) == 7                   # the failed one: no data
    assert p.shown(v) == list(v.ranked["agency"])                   # under the limit: all
    lowest = set(sorted(rated["agency"], key=lambda a: float(
        rated.set_index("agency").loc[a, "against_plan"]))[:3])
    three = p.shown(v, 3)
    assert set(three) == lowest and three == [a for a in v.ranked["agency"] if a in lowest]
    assert "Gambar ini memuat 3 dari 8 SKPD" in p._left_out(v, three)
    assert p._left_out(v, p.shown(v)) == ""
