"""The leadership report: papermill + nbconvert + Chromium or WeasyPrint, offline HTML, A4 PDF, escaping,
a failing cell, and headless Chromium opening the page."""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import CLEAN, SAMPLE, quarter_sheet, write_xlsx

from lkjip_helpers.cli import main
from lkjip_helpers.report import ReportError, make_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    return make_report(2020, 4, SAMPLE, out, ("html", "pdf"))


@pytest.fixture(scope="module", params=["chromium", "weasyprint"])
def printed(request, report, tmp_path_factory):
    """The report's PDF from each engine (lkjip_helpers.pdf): the report's own (Chromium where
    the machine has it, required in CI), and WeasyPrint's of the same page (the fallback)."""
    from types import SimpleNamespace

    from lkjip_helpers import pdf

    html = (report.folder / "laporan.html").read_text(encoding="utf-8")
    if request.param == "chromium":
        producer = str(__import__("pypdf").PdfReader(
            str(report.folder / "laporan.pdf")).metadata.get("/Producer", ""))
        if "Skia" not in producer:
            if os.environ.get("LKJIP_REQUIRE_BROWSER"):
                pytest.fail(f"the report's PDF was not made by Chromium ({producer})")
            pytest.skip("Chromium is not installed: the report's PDF is WeasyPrint's")
        return SimpleNamespace(folder=report.folder, engine="chromium")
    folder = tmp_path_factory.mktemp("weasyprint")
    (folder / "laporan.html").write_text(html, encoding="utf-8")
    (folder / "laporan.pdf").write_bytes(pdf.weasyprint(html, folder))
    return SimpleNamespace(folder=folder, engine="weasyprint")


def test_files_are_placed_whole(report):
    names = sorted(p.name for p in report.files)
    assert names == ["evaluasi_renja.xlsx", "laporan.html", "laporan.ipynb", "laporan.pdf",
                     "temuan.xlsx"]
    assert report.folder.name == "TW4" and report.folder.parent.name == "2020"
    assert not [p for p in report.folder.parent.iterdir() if p.name.startswith(".")]


def test_html_is_offline_and_small(report):
    html = (report.folder / "laporan.html").read_text(encoding="utf-8")
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", html, re.I)
    assert not re.search(r"<script[^>]+src=", html, re.I)
    assert "http://" not in html and "https://" not in html
    assert len(html.encode()) < 1024 * 1024
    # charts inline as SVG (no base64 image), their words as text in the embedded chart font
    # (its own stylesheet, the only data: URLs); one stylesheet of our own, no script at all
    assert html.count("<svg") == 5 and "data:image" not in html
    assert not re.search(r'<svg[^>]*class="(screen|print)"', html)
    assert len(re.findall(r"<svg.*?</svg>", html, re.S)) == 5
    assert all("<text" in svg and "font-family: 'lkjip DejaVu Sans'" in svg
               for svg in re.findall(r"<svg.*?</svg>", html, re.S))
    assert len(html.encode()) < 300 * 1024
    assert "<script" not in html and html.count("<style") == 2
    css, fonts = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert len(css) < 12_000 and ".jp-" not in css
    assert re.fullmatch(r'(@font-face \{ font-family: "lkjip DejaVu Sans"; font-weight: \d+; '
                        r'src: url\(data:font/woff;base64,[A-Za-z0-9+/=]+\) format\("woff"\); \}\n?)+',
                        fonts)
    # no code cells: the notebook's source is not in the page
    assert "sections as s" not in html and "s.summary(an)" not in html
    assert '<html lang="id">' in html


def _spaced(report) -> str:
    """The page with its no-break spaces (between "Rp" and the digits) as plain spaces."""
    return (report.folder / "laporan.html").read_text(encoding="utf-8").replace("\u00a0", " ")


def test_amounts_are_never_broken_after_rp(report):
    """"Rp" never alone at a line's end: a no-break space before the digits, in the page's text."""
    html = (report.folder / "laporan.html").read_text(encoding="utf-8")
    body = html[html.index("<body"):]
    chunks = re.findall(r">([^<]*)", re.sub(r"<svg.*?</svg>", "", body, flags=re.S))
    text = "".join(chunks)
    assert "Rp\u00a03.531.680.129" in text and "-Rp\u00a0" in text
    assert not [c for c in chunks if re.search(r"Rp -?\d", c)]
    # a summary card's amount may go to the next line after its "Rp", never inside its digits
    assert '<div class="val">Rp <span class="amt">3.531.680.129</span></div>' in html


def test_html_shows_the_true_totals(report):
    html = _spaced(report)
    assert "Rp 6.671.923.749" in html and "Rp 3.057.589.710" in html  # sums of the lines
    assert "45,8%" in html and "Sangat Rendah" in html
    # the sheet's own Total row (2.935.162.410) appears only inside findings
    for m in re.finditer("2.935.162.410", html):
        assert "TOTAL_MISMATCH" in html[max(0, m.start() - 600):m.start()] or \
            "baris Total" in html[max(0, m.start() - 200):m.start()]
    assert "14 kesalahan" in html
    assert "Tabel 3.1.1.A" in html and "Tabel 3.2" in html
    from lkjip_helpers.plan_report import NO_PLAN   # the sample year has no cash plan: one line
    assert html.count(NO_PLAN) == 1


def test_pdf_is_a4_with_the_text(printed):
    from pypdf import PdfReader
    pdf = PdfReader(str(printed.folder / "laporan.pdf"))
    box = pdf.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (210, 297)
    text = " ".join(page.extract_text() for page in pdf.pages[:3])
    assert "Laporan Anggaran dan Kinerja" in text
    assert "3.057.589.710" in text


def test_executed_notebook_kept(report):
    import nbformat
    nb = nbformat.read(str(report.folder / "laporan.ipynb"), as_version=4)
    params = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert params and "quarter = 4" in params[0].source


def test_the_page_skips_only_a_pass_that_changes_nothing(report):
    """The page's exporter leaves out HTMLExporter's last pass (BeautifulSoup over the whole
    page: alt text for an <img> without one, focusable JupyterLab cells): the report has neither,
    so the stock exporter's page is ours, parsed and written out again."""
    import nbformat
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    from lkjip_helpers import page

    nb = nbformat.read(str(report.folder / "laporan.ipynb"), as_version=4)
    resources = {"lkjip": {"css": page.stylesheet(), "title": "t"}}
    stock = HTMLExporter(template_name="lkjip", extra_template_basedirs=[str(page.TEMPLATES)])
    stock.exclude_input = stock.exclude_input_prompt = stock.exclude_output_prompt = True
    ours, _ = page.exporter().from_notebook_node(nb, resources=dict(resources))
    theirs, _ = stock.from_notebook_node(nb, resources=dict(resources))
    assert "<svg" in ours and "<table" in ours
    assert str(BeautifulSoup(ours, features="html.parser")) == theirs


@pytest.mark.skipif(not CHROMIUM and not os.environ.get("LKJIP_REQUIRE_BROWSER"),
                    reason="Debian's chromium is not installed (.ci/run installs it)")
def test_chromium_opens_the_report_without_console_errors(report, tmp_path):
    assert CHROMIUM, "chromium is required (LKJIP_REQUIRE_BROWSER is set)"
    shot = tmp_path / "laporan.png"
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", "--disable-sync", "--disable-component-update",
         f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
         "--window-size=420,2000", f"--screenshot={shot}",
         (report.folder / "laporan.html").as_uri()],
        capture_output=True, text=True, timeout=120)
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
    assert shot.exists() and shot.stat().st_size > 20_000
    from PIL import Image
    assert Image.open(shot).size == (420, 2000)


def test_workbook_text_is_escaped(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    rows = [list(r) for r in CLEAN]
    rows[1][0] = "<script>alert(1)</script>"
    rows[4][0] = 'Kegiatan "B1" & <b>tebal</b>'
    write_xlsx(raw / "TW1.xlsx", {"TW I": quarter_sheet(rows, "TRIWULAN I 2020", total=(1300, 400))})
    rep = make_report(2020, 1, raw, tmp_path / "out", ("html",))
    html = (rep.folder / "laporan.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>tebal</b>" not in html and "&lt;b&gt;tebal&lt;/b&gt;" in html
    # a quarter without the annual workbook still gets its budget report, and says what is missing
    assert "kinerja_2020.xlsx tidak ada" in html


def test_a_corrupt_workbook_is_one_line_and_exit_2(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_xlsx(raw / "TW1.xlsx", {"TW I": quarter_sheet(CLEAN, "TRIWULAN I 2020")})
    out = tmp_path / "out"
    good = make_report(2020, 1, raw, out, ("html",))
    before = (good.folder / "laporan.html").read_bytes()
    (raw / "TW1.xlsx").write_bytes(b"PK\x03\x04 broken")  # the next run finds bad input
    status = main(["report", "--year", "2020", "--quarter", "1", "--raw", str(raw),
                   "--out", str(out), "--format", "html"])
    assert status == 2
    err_line = capsys.readouterr().err.strip().splitlines()
    assert len(err_line) == 1 and err_line[0].startswith("lkjip: TW1.xlsx: tidak dapat dibaca")
    assert (good.folder / "laporan.html").read_bytes() == before  # the old report is untouched
    assert sorted(p.name for p in out.joinpath("2020").iterdir()) == ["TW1"]  # nothing to open


def test_a_quarter_beyond_the_data_is_one_line_and_exit_2(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_xlsx(raw / "TW1.xlsx", {"TW I": quarter_sheet(CLEAN, "TRIWULAN I 2020")})
    write_xlsx(raw / "TW2.xlsx", {"TW II": quarter_sheet(CLEAN, "TRIWULAN II 2020")})
    status = main(["report", "--year", "2020", "--quarter", "3", "--raw", str(raw),
                   "--out", str(tmp_path / "out"), "--format", "html"])
    assert status == 2
    err_line = capsys.readouterr().err.strip().splitlines()
    assert err_line == ["lkjip: raw: tidak ada lembar TW III 2020 (yang ada: TW I, TW II); "
                        "pilih --quarter yang ada datanya"]
    assert not (tmp_path / "out" / "2020" / "TW3").exists()
    assert not (tmp_path / "out" / "2020" / "TW3.gagal").exists()


def test_a_bug_in_a_cell_is_exit_4_and_the_notebook_goes_beside_the_report(tmp_path, capsys,
                                                                          monkeypatch):
    import nbformat

    import lkjip_helpers.report as rep
    raw = tmp_path / "raw"
    raw.mkdir()
    write_xlsx(raw / "TW1.xlsx", {"TW I": quarter_sheet(CLEAN, "TRIWULAN I 2020")})
    out = tmp_path / "out"
    good = make_report(2020, 1, raw, out, ("html",))
    before = (good.folder / "laporan.html").read_bytes()
    nb = nbformat.read(str(rep.notebook_path()), as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("1 / 0  # a bug"))
    buggy = tmp_path / "laporan.ipynb"
    nbformat.write(nb, str(buggy))
    monkeypatch.setattr(rep, "notebook_path", lambda: buggy)
    with pytest.raises(ReportError) as err:
        make_report(2020, 1, raw, out, ("html",))
    assert re.match(r"sel \[\d+\] `1 / 0  # a bug` di laporan\.ipynb gagal: ZeroDivisionError",
                    str(err.value))
    assert (good.folder / "laporan.html").read_bytes() == before  # the old report is untouched
    assert sorted(p.name for p in good.folder.iterdir() if p.name != ".lkjip-report") == [
        "evaluasi_renja.xlsx", "laporan.html", "laporan.ipynb", "temuan.xlsx"]
    failed = out / "2020" / "TW1.gagal"
    assert [p.name for p in failed.iterdir()] == ["laporan.ipynb"]
    assert not [p for p in good.folder.parent.iterdir() if p.name.startswith(".")]
    assert main(["report", "--year", "2020", "--quarter", "1", "--raw", str(raw),
                 "--out", str(out), "--format", "html"]) == 4
    err_line = capsys.readouterr().err.strip().splitlines()
    assert len(err_line) == 1 and err_line[0].startswith("lkjip: sel [")
    monkeypatch.undo()
    make_report(2020, 1, raw, out, ("html",))  # a good run clears the stale failure
    assert not failed.exists()


def test_rerun_replaces_outputs_whole(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    write_xlsx(raw / "TW1.xlsx", {"TW I": quarter_sheet(CLEAN, "TRIWULAN I 2020")})
    rep = make_report(2020, "auto", raw, tmp_path / "out", ("html",))
    assert rep.folder.name == "TW1"
    (rep.folder / "stale.txt").write_text("from an earlier run")
    rep2 = make_report(2020, 1, raw, tmp_path / "out", ("html",))
    assert not (rep2.folder / "stale.txt").exists()


def test_missing_quarters_and_annual_are_said(tmp_path):
    from lkjip_helpers import sections
    raw = tmp_path / "raw"
    raw.mkdir()
    write_xlsx(raw / "TW3.xlsx", {"TW III": quarter_sheet(CLEAN, "TRIWULAN III 2020")})
    an = sections.load(2020, "auto", str(raw))
    assert an.quarter == 3
    assert an.missing[0] == "lembar triwulan tidak ada: TW I, TW II"
    html = sections.summary(an).html
    assert "TW I, TW II" in html and "kinerja_2020.xlsx tidak ada" in html
    assert "Rp 1.300" in html  # the budget report is still made


def test_missing_pdf_libraries_do_not_stop_the_html(tmp_path, monkeypatch, capsys):
    """Without Chromium, and WeasyPrint without its libraries: the HTML is made, the PDF is not,
    and the run says what to install."""
    import lkjip_helpers.pdf as pdf

    def no_pango(html, folder):
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "weasyprint", no_pango)
    monkeypatch.setattr(pdf, "chromium_path", lambda: None)
    monkeypatch.delenv("LKJIP_PDF", raising=False)
    raw = tmp_path / "raw"
    raw.mkdir()
    write_xlsx(raw / "TW1.xlsx", {"TW I": quarter_sheet(CLEAN, "TRIWULAN I 2020")})
    status = main(["report", "--year", "2020", "--quarter", "1", "--raw", str(raw),
                   "--out", str(tmp_path / "out")])
    assert status == 0
    folder = tmp_path / "out" / "2020" / "TW1"
    assert (folder / "laporan.html").exists() and not (folder / "laporan.pdf").exists()
    err = capsys.readouterr().err
    assert "PDF tidak dibuat" in err and "libpango-1.0-0 libpangoft2-1.0-0" in err
    assert "apt-get install chromium" in err


def test_prepared_analysis_and_charts_from_the_worker(tmp_path):
    from lkjip_helpers import prepare, sections
    from lkjip_helpers.handoff import Handoff, fetch
    from lkjip_helpers.prepare import analysis_key
    key = analysis_key(2020, 4, "data/raw/2020")
    with Handoff() as hand:
        worker = prepare.start(hand, key, tmp_path)
        made_for, an = fetch(hand.address, "analysis")
        assert made_for == key and an.quarter == 4 and an.findings_workbook.endswith("temuan.xlsx")
        assert set(prepare.CHART_KEYS) == set(sections.CHARTS)
        # the two drawing children share the charts out, each chart to one of them
        assert sorted(k for part in prepare.PARTS for k in part) == sorted(prepare.CHART_KEYS)
        for k in prepare.CHART_KEYS:   # each chart handed over alone, its words as text
            svgs = fetch(an.handoff, sections.chart_name(k))
            assert set(svgs) == {k} and b"<text" in svgs[k], k
            assert all(svg.startswith(b"<?xml") for svg in svgs.values())
        # the notebook's load takes it only when made for the same parameters
        assert sections.load(2020, 4, "data/raw/2020", prepared=hand.address).handoff == \
            hand.address
        prepare.finish(worker, 60)
    assert (tmp_path / "temuan.xlsx").exists()
    assert fetch(hand.address, "analysis") is None  # closed: no answer, no wait
    # the Renja form is written by the worker too; the notebook's cell names it, writes nothing
    from openpyxl import load_workbook

    from lkjip_helpers.renja_section import renja_section

    renja = tmp_path / "evaluasi_renja.xlsx"
    assert an.renja_workbook == str(renja) and load_workbook(renja).sheetnames == ["Evaluasi Renja"]
    renja.unlink()
    assert "evaluasi_renja.xlsx" in renja_section(an, str(tmp_path)).html and not renja.exists()
    an.renja_workbook = ""  # an analysis made in the notebook itself: the cell writes it
    renja_section(an, str(tmp_path))
    assert load_workbook(renja).sheetnames == ["Evaluasi Renja"]


def test_the_workers_forked_writer_tells_whether_it_wrote(tmp_path):
    """The worker writes the workbooks in a forked child while it draws: a child that wrote
    says so, one that failed says so too (the worker then writes them itself), and neither
    leaves a zombie or reaches this process's own teardown."""
    from lkjip_helpers import prepare

    def write(name):
        (tmp_path / name).write_text("ok")

    def fail(name):
        raise OSError(28, "No space left on device")

    assert prepare._succeeded(prepare._fork(write, "a.txt"))
    assert (tmp_path / "a.txt").read_text() == "ok"
    assert not prepare._succeeded(prepare._fork(fail, "b.txt"))
    assert not (tmp_path / "b.txt").exists()
    assert not prepare._succeeded(None)  # no fork: the caller writes


def test_a_failing_worker_is_not_waited_for(tmp_path):
    import time

    from lkjip_helpers import prepare
    from lkjip_helpers.handoff import Handoff, fetch
    from lkjip_helpers.prepare import analysis_key
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "TW1.xlsx").write_bytes(b"PK\x03\x04 broken")
    with Handoff() as hand:
        worker = prepare.start(hand, analysis_key(2020, 1, raw), None)
        t = time.monotonic()
        assert fetch(hand.address, "analysis") is None
        assert fetch(hand.address, "chart:program") is None
        assert time.monotonic() - t < 30
        worker.join(10)
        assert worker.exitcode == 0  # it failed quietly; the notebook tells why


def test_a_killed_worker_is_noticed_at_once(tmp_path):
    """A worker killed (e.g. by the OOM killer) before it delivers: the waiting cell gets None at
    once, not after a timeout."""
    import signal
    import threading
    import time

    from lkjip_helpers import prepare
    from lkjip_helpers.handoff import Handoff, fetch
    from lkjip_helpers.prepare import analysis_key
    with Handoff() as hand:
        worker = prepare.start(hand, analysis_key(2020, 4, "data/raw/2020"), None)
        got = {}
        waiter = threading.Thread(target=lambda: got.update(an=fetch(hand.address, "analysis")))
        waiter.start()
        time.sleep(0.3)
        t = time.monotonic()
        os.kill(worker.pid, signal.SIGKILL)
        waiter.join(10)
        assert not waiter.is_alive() and got["an"] is None
        assert time.monotonic() - t < 2
        worker.join(5)
        assert worker.exitcode == -signal.SIGKILL  # reaped: no zombie left


def _sample_findings() -> list[dict]:
    import json
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "lkjip_helpers.cli", "reconcile", str(SAMPLE),
                          "--json"], capture_output=True, text=True, check=True).stdout
    return json.loads(out)["findings"]


def _finding_counts() -> dict[str, int]:
    from collections import Counter
    return dict(Counter(f["severity"] for f in _sample_findings()))


def test_indicator_card_says_its_ratings_are_in_doubt(report):
    """The indicator card's ratings stand on the annual table's figures; where the findings
    question them (written against computed, a suspect polarity) the card says so, counted from
    ``lkjip reconcile``'s findings."""
    from collections import Counter

    from lkjip_helpers.sections import INDICATOR_CODES

    html = _spaced(report)
    card = re.search(r'<div class="lbl">Indikator</div>.*?</div></div>', html, re.S).group(0)
    n = Counter(f["severity"] for f in _sample_findings() if f["code"] in INDICATOR_CODES)
    assert n["error"] and n["warning"]  # IKU 1's 70,31% against 92%; IKU 3's polarity
    assert (f"angka indikator: {n['error']} kesalahan, {n['warning']} perlu diperiksa "
            '(<a href="#temuan">lihat temuan</a>)') in card


def test_first_screen_toc_and_folds(report):
    """The summary says spent / of what / on track / what is wrong before anything else; the
    table of contents links to every section; long sections fold with their counts."""
    html = _spaced(report)
    main = html[html.index("<main"):]
    lead = re.sub(r"<[^>]+>", "", main[:main.index('<div class="cards">')])
    # rated on the year's final budget (Tabel 3.2), named; the sheet's reverted pagu beside it
    assert "terserap Rp 3.057.589.710 dari pagu Rp 3.531.680.129: 86,6%" in lead
    assert "Dasar: pagu akhir (Tabel 3.2), kinerja_2020.xlsx." in lead
    assert "Terhadap pagu lembar TW IV Rp 6.671.923.749 penyerapan 45,8%" in lead
    assert "Tertinggal: untuk akhir TW IV penyerapan ini tergolong Sangat Rendah" in lead
    from collections import Counter

    from lkjip_helpers.reconcile.findings import CODES
    errors = Counter(f["code"] for f in _sample_findings() if f["severity"] == "error")
    code, k = errors.most_common(1)[0]
    assert f"{sum(errors.values())} kesalahan" in lead
    assert f"{k} {CODES[code][0].lower()}{CODES[code][1:]}" in lead
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S).group(0)
    targets = re.findall(r'href="#([^"]+)"', toc)
    assert len(targets) == 9 and all(f'id="{t}"' in html for t in targets)
    assert main.index("<nav") < main.index('id="Anggaran-per-program"')
    summaries = re.findall(r"<summary[^>]*>(.*?)</summary>", html)
    text = [re.sub(r"<[^>]+>", "", s) for s in summaries]
    n = _finding_counts()
    assert f"Kesalahan ({n['error']})" in text and f"Perlu diperiksa ({n['warning']})" in text
    assert f"Catatan ({n['info']})" in text
    assert "Tabel anggaran per kegiatan (19 kegiatan)" in text
    assert "Formulir evaluasi Renja (8 program, 19 kegiatan)" in text
    assert not [t for t in text if t.startswith("Tampilkan")]  # a heading on paper too
    assert any(t.startswith("Tabel 3.1.x.A–G dan Tabel 3.2 (") for t in text)
    assert re.search(r"<details open(=\"\")?><summary class=\"error\">", html)


def test_findings_read_message_first(report):
    """Each finding: its message, then its kind in words with the code as a small tag, then
    where; a code never appears outside its tag."""
    html = _spaced(report)
    from html import unescape

    from lkjip_helpers.reconcile.findings import CODES
    rows = re.findall(r'<tr class="(error|warning|info)"><td class="msg">(.*?)</td>'
                      r'<td class="kind-cell"><span class="kind">(.*?)</span> '
                      r'<code class="code">([A-Z_]+)</code></td><td class="where">(.*?)</td>', html)
    assert len(rows) == sum(_finding_counts().values())
    for _sev, _msg, label, code, where in rows:
        assert unescape(label) == CODES[code]
    messages = [f["message"] for f in _sample_findings()]
    assert sorted(unescape(m) for _s, m, *_ in rows) == sorted(messages)
    first = [r for r in rows if r[3] == "SUBTOTAL_MISMATCH"][0]
    assert first[4] == "TW IV · pengukuran_kinerja_2020_TW4.xlsx › TW IV › <b>L33</b>"
    bare = re.sub(r'<code class="code">[A-Z_]+</code>', "", html)
    assert not re.search(r"\b(CROSS_TABLE|PAGU_CHANGED|SUBTOTAL)_?[A-Z]*\b", bare)


def test_values_copied_from_sheets_read_indonesian(report):
    html = (report.folder / "laporan.html").read_text(encoding="utf-8")
    for typed in ("49.48%", "161.5%", "95 %", "26.76%"):
        assert f">{typed}<" not in html
    for shown in ("49,48%", "161,5%", "26,76%"):
        assert f">{shown}<" in html
    # no text anywhere keeps a typed English-style percentage (the quarterly indicator table's
    # "70.31%" of TW II and TW III included), whole cell or part of one
    body = re.sub(r"<svg.*?</svg>", "", html[html.index("<body"):], flags=re.S)
    assert not re.findall(r">[^<]*?\d+\.\d+\s?%[^<]*<|>[^<]*?\b\d+ %[^<]*<", body)
    assert body.count(">70,31%; capaian\u00a0") == 4  # TW I–IV, one indicator row
    assert "PEFA PI-2 (kerangka penilaian" in html and "skor <b>D</b>" in html
    assert html.count("PEFA PI-2 (kerangka") == 1


def _pdf_pages(report) -> list[str]:
    from pypdf import PdfReader
    return [p.extract_text() for p in PdfReader(str(report.folder / "laporan.pdf")).pages]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_pdf_has_every_finding_and_every_chapter3_row(printed):
    """Nothing is lost in print: every finding's message and every chapter III row (each of its
    cells) are in the PDF's text."""
    from lkjip_helpers import sections
    from lkjip_helpers.tables import indicator_tables, tabel_3_2

    text = _flat(" ".join(_pdf_pages(printed)))
    for f in _sample_findings():
        assert _flat(f["message"]) in text, f["message"]
    an = sections.load(2020, 4, str(SAMPLE))
    frames = list(indicator_tables(an.kinerja, 2020).values()) + [tabel_3_2(an.kinerja)]
    rows = 0
    for df in frames:
        for row in df.itertuples(index=False):
            for v in row:
                if str(v).strip():
                    assert _flat(str(v)) in text, v
            rows += 1
    assert rows == len(frames[-1]) + sum(len(d) for d in frames[:-1]) and rows > 40


def test_pdf_pages_are_numbered_with_agency_period_and_a_toc(printed):
    pages = _pdf_pages(printed)
    n = len(pages)
    for i, page in enumerate(pages, start=1):
        flat = " ".join(page.split())
        assert f"Halaman {i} dari {n}" in flat
        assert "Kota Probolinggo" in flat and "sampai dengan Triwulan IV" in flat
    html = (printed.folder / "laporan.html").read_text(encoding="utf-8")
    titles = re.findall(r'<li><a href="#[^"]+">(.*?)</a></li>', html)
    # the contents as laid out on the page (a number may be drawn after the page's other text)
    toc = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "2",
                          str(printed.folder / "laporan.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout if shutil.which("pdftotext") else \
        " ".join(" ".join(p.split()) for p in pages[:2])
    for title in titles:
        from html import unescape
        m = re.search(re.escape(unescape(title)) + r"[.\u2024 ]*(\d+)", toc)
        assert m, title
        page = int(m.group(1))
        assert unescape(title) in " ".join(pages[page - 1].split()), (title, page)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_pdf_has_every_word_of_the_charts_whole(printed):
    """The charts' words are text in the PDF, each word whole: the letters at the widths they
    were laid out for (a word spread apart, "T W IV", comes out of pdftotext in pieces)."""
    import html as _html

    page = (printed.folder / "laporan.html").read_text(encoding="utf-8")
    words = {w for t in re.findall(r"<text\b[^>]*>(.*?)</text>", page, re.S)
             for w in _html.unescape(t).split()}
    found = set(subprocess.run(["pdftotext", str(printed.folder / "laporan.pdf"), "-"],
                               capture_output=True, text=True, check=True).stdout.split())
    assert len(words) > 50 and words <= found, sorted(words - found)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_pdf_cuts_no_text_at_any_edge(printed, tmp_path):
    """Every word of the PDF lies inside its page (pdftotext's word boxes)."""
    out = tmp_path / "words.html"
    subprocess.run(["pdftotext", "-bbox", str(printed.folder / "laporan.pdf"), str(out)],
                   check=True)
    doc = out.read_text(encoding="utf-8")
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', doc, re.S)
    assert pages
    words = 0
    for w, h, body in pages:
        for x0, y0, x1, y1 in re.findall(r'xMin="([\d.-]+)" yMin="([\d.-]+)" '
                                         r'xMax="([\d.-]+)" yMax="([\d.-]+)"', body):
            words += 1
            assert float(x0) >= 0 and float(y0) >= 0, (x0, y0)
            assert float(x1) <= float(w) + 0.5 and float(y1) <= float(h) + 0.5, (x1, y1)
    assert words > 2000


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_pdf_strands_no_heading_or_caption_at_a_page_bottom(printed):
    """No page of the PDF ends with a heading, a table caption, a fold's summary or a table's
    note: what they introduce starts on the same page."""
    from pdf_layout import headings, page_lines, stranded, stranded_headers

    pdf = printed.folder / "laporan.pdf"
    html = (printed.folder / "laporan.html").read_text(encoding="utf-8")
    heads = headings(html)
    assert "Anggaran per program" in heads and len(heads) > 30
    pages = page_lines(pdf)
    assert len(pages) > 20 and all(pages)   # no empty page either
    assert stranded(pdf, html) == []
    assert stranded_headers(pdf, html) == []  # nor a table's header row without its rows


def _tw_rows(pdf) -> list[tuple[int, str]]:
    """(page, "TW …") of each printed line that starts "TW … Rp" (the quarterly budget table's
    rows)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return [(n, m.group(1)) for n, page in enumerate(text.split("\f"))
            for m in re.finditer(r"(?m)^\s*(TW [IV]+)\s+Rp", page)]


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_pdf_keeps_a_short_table_on_one_page(printed):
    """A table of at most SHORT_LINES printed lines is not split across pages: the quarterly
    budget table's four rows (the only lines starting "TW … Rp") are on one page (its first
    row was alone at the bottom of the page before)."""
    html = (printed.folder / "laporan.html").read_text(encoding="utf-8")
    assert '<div class="tbl short">' in html
    rows = _tw_rows(printed.folder / "laporan.pdf")
    assert [q for _n, q in rows] == ["TW I", "TW II", "TW III", "TW IV"]
    assert len({n for n, _q in rows}) == 1, rows


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_a_short_table_moves_to_the_next_page_whole_a_long_one_does_not(tmp_path):
    """A made page whose table starts near a page's bottom: with four rows it goes whole to
    the next page; with more printed lines than SHORT_LINES it starts where it is (a gap of
    most of a page would be worse than the split)."""
    import pandas as pd

    from lkjip_helpers.page import stylesheet
    from lkjip_helpers.present import SHORT_LINES, printed_lines, table
    from lkjip_helpers.report import to_pdf

    def page(n: int) -> tuple[str, str]:
        df = pd.DataFrame({"Triwulan": [f"TW {'I' * (1 + i % 3)}" for i in range(n)],
                           "Pagu": [f"Rp {1000 + i}" for i in range(n)]})
        tbl = table(df, ("Pagu",))
        return tbl, (f"<html><head><style>{stylesheet()}</style></head><body><main class='lk'>"
                     "<div style='height: 248mm'>isi</div>" + tbl + "</main></body></html>")

    short, html = page(4)
    assert short.startswith('<div class="tbl short">')
    to_pdf(html, tmp_path / "short.pdf")
    pages = {n for n, _q in _tw_rows(tmp_path / "short.pdf")}
    assert pages == {1}, pages
    n = 1
    while printed_lines([["Triwulan"] + ["TW I"] * n, ["Pagu"] + ["Rp 1000"] * n],
                        [50.0, 50.0], False) <= SHORT_LINES:
        n += 1
    long, html = page(n)
    assert long.startswith('<div class="tbl">')
    to_pdf(html, tmp_path / "long.pdf")
    pages = sorted({p for p, _q in _tw_rows(tmp_path / "long.pdf")})
    assert pages == [0, 1], pages


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_the_strand_check_sees_a_stranded_heading(tmp_path):
    """The check above is not blind: a heading forced to a page's bottom is reported, with its
    page; the same page with the heading kept with its text is not."""
    from pdf_layout import stranded

    def page(keep: bool) -> str:
        rule = "h2 { break-after: avoid; }" if keep else "p.next { break-before: page; }"
        return (f"<html><head><style>@page {{ size: A4; margin: 16mm }} {rule} "
                "div.fill { height: 235mm }</style></head><body><div class='fill'>isi</div>"
                "<h2>Judul yang tertinggal</h2><p class='next'>Teks di bawah judul.</p>"
                "</body></html>")

    _sees(tmp_path, page, stranded, [(1, "Judul yang tertinggal")])


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_the_strand_check_sees_a_table_header_without_its_rows(tmp_path):
    """The header check is not blind: a header row forced to a page's bottom, its rows on the
    next page, is reported with its page; the same rows kept with it are not."""
    from pdf_layout import stranded_headers

    def page(keep: bool) -> str:
        rule = "" if keep else "table.rows { break-before: page; }"
        return (f"<html><head><style>@page {{ size: A4; margin: 16mm }} {rule} "
                "div.fill { height: 200mm } table { border-collapse: collapse }</style></head>"
                "<body><div class='fill'>isi</div><table><thead><tr><th>Indikator kinerja</th>"
                "<th>Anggaran tertulis</th></tr></thead></table><table class='rows'><tbody><tr>"
                "<td>Persentase penyandang</td><td>Rp 1.000</td></tr></tbody></table>"
                "</body></html>")

    _sees(tmp_path, page, stranded_headers, [(1, "Indikator kinerja Anggaran tertulis")])


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_the_strand_check_sees_a_header_of_several_lines_and_not_axis_labels(tmp_path):
    """A header whose narrow columns wrap to several lines, left alone at a page's bottom, is
    reported; a chart's axis labels ending a page ("TW I … TW IV", words of a header with
    quarters for columns) are not."""
    from pdf_layout import stranded_headers

    head = ("<th>IKU</th><th style='width: 9mm'>Capaian Renstra K (15) sampai dengan</th>"
            "<th>TW I</th><th>TW II</th><th>TW III</th><th>TW IV</th>")

    def page(keep: bool) -> str:
        rule = "" if keep else "table.rows { break-before: page; }"
        return (f"<html><head><style>@page {{ size: A4; margin: 16mm }} {rule} "
                "div.fill { height: 200mm } table { border-collapse: collapse }</style></head>"
                f"<body><div class='fill'>isi</div><table><thead><tr>{head}</tr></thead></table>"
                "<table class='rows'><tbody><tr><td>1</td><td>90%</td><td>1</td><td>2</td>"
                "<td>3</td><td>4</td></tr></tbody></table></body></html>")

    pdf = tmp_path / "head.pdf"
    from lkjip_helpers.report import to_pdf

    to_pdf(page(False), pdf)
    found = stranded_headers(pdf, page(False))
    assert len(found) == 1 and found[0][0] == 1 and found[0][1].startswith("IKU"), found
    assert len(found[0][1].split()) > 8  # the header's lines, not its first alone
    to_pdf(page(True), pdf)
    assert stranded_headers(pdf, page(True)) == []
    axis = ("<html><head><style>@page { size: A4; margin: 16mm } div.fill { height: 230mm }"
            "</style></head><body><div class='fill'>isi</div><p>TW I TW II TW III TW IV</p>"
            "<p style='break-before: page'>lanjut</p><table><thead><tr>" + head +
            "</tr></thead><tbody><tr><td>1</td></tr></tbody></table></body></html>")
    to_pdf(axis, pdf)
    assert stranded_headers(pdf, axis) == []


def _sees(tmp_path, page, check, stranded_page):
    """``check`` finds ``stranded_page`` in the PDF of ``page(False)`` and nothing in that of
    ``page(True)``."""
    from lkjip_helpers.report import to_pdf

    for keep, expected in ((False, stranded_page), (True, [])):
        pdf = tmp_path / f"{keep}.pdf"
        to_pdf(page(keep), pdf)
        assert check(pdf, page(keep)) == expected, keep


def test_console_speaks_indonesian_and_a_good_run_is_quiet(tmp_path):
    """A successful report run writes nothing on stderr (no kernel shutdown noise such as
    '[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel'); the CLI's lines are Indonesian."""
    import subprocess
    import sys

    from test_language import _english

    # a project of its own: what a checkout's data/processed holds (git-ignored, maybe stale)
    # does not decide what the run says
    project = tmp_path / "proyek"
    project.mkdir()
    (project / "notebooks").symlink_to(Path(__file__).resolve().parent.parent / "notebooks")
    env = {**os.environ, "LKJIP_ROOT": str(project)}
    run = subprocess.run([sys.executable, "-m", "lkjip_helpers.cli", "report", "--year", "2020",
                          "--quarter", "1", "--raw", str(SAMPLE), "--out", str(tmp_path),
                          "--format", "html"], capture_output=True, text=True, cwd=tmp_path,
                         env=env)
    assert run.returncode == 0 and run.stderr == "", run.stderr
    assert run.stdout.startswith("laporan: ")
    said = run.stdout.replace(str(tmp_path), "<folder>")  # a path is no sentence
    assert [line for line in said.splitlines() if _english(line)] == []
    rec = subprocess.run([sys.executable, "-m", "lkjip_helpers.cli", "reconcile", str(SAMPLE)],
                         capture_output=True, text=True)
    first = rec.stdout.splitlines()[0]
    assert re.fullmatch(r"temuan: \d+ kesalahan, \d+ perlu diperiksa, \d+ catatan", first)
    assert "[kesalahan] pengukuran_kinerja_2020_TW4.xlsx, sheet 'TW IV', sel L33: " in rec.stdout
    for english in ("error", "warning", "cell ", "written", "workbook(s)"):
        assert english not in rec.stdout.replace("_", " ").lower().replace("mismatch", ""), english
    ing = subprocess.run([sys.executable, "-m", "lkjip_helpers.cli", "ingest", str(SAMPLE),
                          "--out", str(tmp_path / "p")], capture_output=True, text=True)
    assert "workbook dibaca" in ing.stdout and "tabel ditulis ke" in ing.stdout
    assert "disisihkan: kinerja_2020.xlsx (workbook tahunan)" in ing.stdout
    said = ing.stdout.replace(str(tmp_path), "<folder>").replace(str(SAMPLE), "<folder>")
    assert [line for line in said.splitlines() if _english(line)] == []


def test_papermill_is_imported_without_jsonschemas_format_checkers():
    """The report imports papermill without jsonschema's optional format checkers (rfc3987-syntax
    builds its grammar at import, over a second of every run; isoduration imports arrow) and
    without pyarrow (papermill wants it for HDFS paths only); notebooks still validate, and every
    one of them stays importable after, pandas with its pyarrow too."""
    import subprocess
    import sys

    from lkjip_helpers.report import _HELD_BACK

    assert {"rfc3987_syntax", "isoduration", "pyarrow"} <= set(_HELD_BACK)
    code = ("import importlib, sys; from lkjip_helpers.report import import_papermill, _HELD_BACK\n"
            "import_papermill(); import nbformat, nbformat.v4 as v4\n"
            "print([m for m in _HELD_BACK if m in sys.modules])\n"
            "nbformat.validate(v4.new_notebook(cells=[v4.new_code_cell('1')]))\n"
            "print(all(importlib.import_module(m) for m in _HELD_BACK))\n"
            "import pandas as pd\n"
            "print(pd.Series([1], dtype='int64[pyarrow]').dtype)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.stdout.split() == ["[]", "True", "int64[pyarrow]"], run.stderr


def test_printed_columns_are_as_wide_as_their_text():
    """A printed table's columns follow their text (fixed layout takes <col> widths): a long
    text gets the room, a short code no more than its longest word, and no column is narrower
    than its longest word when the line has room for them all."""
    import pandas as pd

    from lkjip_helpers.present import LINE_CHARS, col_widths, table

    rumus = "nilai akhir (kategori): tingkat triwulan terakhir / tingkat target × 100"
    cols = [["IKU", "3", "4"], ["Rumus", rumus, rumus], ["Pagu", "Rp 1.890.851.874", "Rp 62.733"]]
    w = col_widths(cols)
    assert abs(sum(w) - 100) < 1e-9 and w[1] > w[2] > w[0]
    # its longest word fits: an amount with its "Rp" and minus sign (kept on one line)
    assert w[2] >= 100 * len("Rp 1.890.851.874") / LINE_CHARS[False]
    # a line with no room to spare: each column gets its longest word's share, the amount
    # counted whole ("-Rp 1.492.716.000", not "1.492.716.000")
    crowded = [[f"Kolom {i}", "Penyelenggaraanpelayanan"] for i in range(6)] + \
        [["Perubahan", "-Rp 1.492.716.000"]]
    neg = col_widths(crowded)
    assert abs(neg[-1] / neg[0] - (len("-Rp 1.492.716.000") + 2) / (24 + 2)) < 1e-9
    # words joined by a no-break space are one word too
    joined = col_widths([[f"Kolom {i}", "Penyelenggaraanpelayanan"] for i in range(6)] +
                        [["TW I", "70,31%; capaian\u00a081,76%"]])
    assert abs(joined[-1] / joined[0] - (len("capaian 81,76%") + 2) / (24 + 2)) < 1e-9
    assert w[1] <= 100 * (50 + 2) / LINE_CHARS[False] + 1e-9 or sum(w) == 100
    html = table(pd.DataFrame({"IKU": ["3"], "Rumus": [rumus], "Pagu": ["Rp 1"]}),
                 caption="Tabel")
    assert re.search(r"<caption>Tabel</caption><colgroup>(<col style=\"--w: [\d.]+%\">){3}"
                     r"</colgroup><thead>", html)
