"""The report and the explorer in a real browser: Playwright driving the system Chromium (its own
browser download is not reachable here). Skipped with the reason where Chromium or Playwright is
missing; required when LKJIP_REQUIRE_BROWSER=1 (as .ci/run sets). Screenshots are kept under
tests/artefacts/ (not committed)."""
import itertools
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from conftest import ROOT, SAMPLE

ARTEFACTS = ROOT / "tests" / "artefacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("LKJIP_REQUIRE_BROWSER") == "1"
try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the test extras install it
    sync_playwright = None

why = ("Debian's chromium is not installed (.ci/run installs it)" if not CHROMIUM else
       "playwright is not installed (pip install -e '.[test]')" if sync_playwright is None else "")
pytestmark = pytest.mark.skipif(bool(why) and not REQUIRED, reason=why or "browser present")


@pytest.fixture(scope="module")
def browser():
    assert not why, why
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                                    "--disable-background-networking", "--disable-sync",
                                    "--disable-component-update"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def report_page(tmp_path_factory):
    from lkjip_helpers.report import make_report

    rep = make_report(2020, 4, SAMPLE, tmp_path_factory.mktemp("reports"), ("html",))
    return (rep.folder / "laporan.html").as_uri()


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 800)])
def test_report_reads_on_a_phone_and_a_wide_screen(browser, report_page, width, height):
    page = browser.new_page(viewport={"width": width, "height": height})
    console = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"error: {e}"))
    page.goto(report_page)
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"laporan-{width}.png"), full_page=False)
    page.screenshot(path=str(ARTEFACTS / f"laporan-{width}-full.png"), full_page=True)
    assert console == []
    # no sideways scrolling of the page
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    top = page.evaluate("""() => {
        const y = e => e.getBoundingClientRect().top + window.scrollY;
        const h2 = [...document.querySelectorAll('h2')].find(h => h.textContent.startsWith('Temuan'));
        return {status: y(document.querySelector('.status')),
                statusBottom: document.querySelector('.status').getBoundingClientRect().bottom,
                first: y(document.querySelector('.status .first-finding')),
                heading: y(h2),
                firstRow: y(document.querySelector('table.findings tr.error td.msg'))};
    }""")
    # the summary and the first finding's message on the first screen
    assert top["status"] < height and top["first"] < height, top
    # in the findings section the first error's text within two screens of the heading
    assert top["firstRow"] - top["heading"] < 2 * height, top
    # a finding's message is readable without scrolling sideways: its box within the screen
    box = page.evaluate("""() => { const r = document.querySelector(
        'table.findings tr.error td.msg').getBoundingClientRect(); return [r.left, r.right]; }""")
    assert box[0] >= 0 and box[1] <= width
    # chart text at least 11 CSS px at this width, in the page's own DejaVu Sans (both weights
    # loaded from the page itself), no word over another or outside its chart
    charts = page.evaluate("""async () => { await document.fonts.ready;
        const box = e => { const r = e.getBoundingClientRect();
                           return [r.left, r.top, r.right, r.bottom]; };
        return [...document.querySelectorAll('figure svg')].map(s => ({
            box: box(s), min: s.getBoundingClientRect().width / s.viewBox.baseVal.width
                              * s.dataset.minFontPt,
            words: [...s.querySelectorAll('text')].map(t => ({text: t.textContent, box: box(t),
                family: getComputedStyle(t).fontFamily}))}));
    }""")
    fonts = page.evaluate("() => [...document.fonts].map(f => [f.family, f.weight, f.status])")
    assert sorted(fonts) == [["lkjip DejaVu Sans", "400", "loaded"],
                             ["lkjip DejaVu Sans", "700", "loaded"]], fonts
    assert len(charts) == 5 and min(c["min"] for c in charts) >= 11, charts
    for chart in charts:
        assert len(chart["words"]) > 5
        for w in chart["words"]:
            assert w["family"].startswith('"lkjip DejaVu Sans"'), w
            left, top, right, bottom = w["box"]
            c = chart["box"]
            assert left >= c[0] - 1 and right <= c[2] + 1 and top >= c[1] - 1 and \
                bottom <= c[3] + 1, (w, c)
        for a, b in itertools.combinations(chart["words"], 2):
            across = min(a["box"][2], b["box"][2]) - max(a["box"][0], b["box"][0])
            down = min(a["box"][3], b["box"][3]) - max(a["box"][1], b["box"][1])
            # a text's box is its line's (ascent to descent), more than its ink: 3 px of it
            assert across <= 3 or down <= 3, (a, b)
    # every fold open: an amount or a percentage stays on one line; on a wide screen only
    # the Renja form (twelve columns) may scroll inside its box
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    tables = page.evaluate("""() => {
        const broken = [...document.querySelectorAll('td.num')].filter(td =>
            /^-?(Rp\\s)?[\\d.,]+%?$/.test(td.textContent.trim())).filter(td => {
            const r = document.createRange(); r.selectNodeContents(td);
            const tops = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
            return tops.size > 1; }).map(td => td.textContent);
        const wide = [...document.querySelectorAll('.tbl')].filter(
            d => d.scrollWidth > d.clientWidth + 1).map(
            d => d.querySelectorAll('thead th').length);
        return {broken, wide, numbers: document.querySelectorAll('td.num').length}; }""")
    assert tables["numbers"] > 0 and tables["broken"] == [], tables
    if width >= 1280:
        assert all(n >= 12 for n in tables["wide"]), tables
    page.close()


def test_batch_index_reads_on_a_phone(browser, tmp_path):
    """The batch's index.html at 390 px: each SKPD a block, a failed one's reason on the screen
    without scrolling sideways; at 1280 px a table."""
    from lkjip_helpers.batch.outputs import index_html
    from lkjip_helpers.batch.worker import Outcome

    reason = ("pengukuran_kinerja_2024_TW3.xlsx, sheet 'TW III', sel C9: 'Rp 12.5OO.000' bukan "
              "angka rupiah")
    outs = [Outcome("01_Dinas_Pekerjaan_Umum", "01 Dinas Pekerjaan Umum dan Penataan Ruang",
                    "berhasil", 6.3, {"error": 1, "warning": 12, "info": 3},
                    files=["laporan.html", "laporan.pdf", "temuan.xlsx"]),
            Outcome("02_Badan", "02 Badan Pendapatan Daerah", "gagal", 0.4, reason=reason)]
    (tmp_path / "index.html").write_text(index_html("Laporan 2024 Triwulan III", outs, None),
                                         encoding="utf-8")
    for width in (390, 1280):
        page = browser.new_page(viewport={"width": width, "height": 844})
        page.goto((tmp_path / "index.html").as_uri())
        ARTEFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTEFACTS / f"index-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        cells = page.evaluate("""() => [...document.querySelectorAll('td')]
            .filter(td => td.offsetParent !== null)
            .map(td => [td.textContent, td.getBoundingClientRect().right])""")
        texts = [t for t, _r in cells]
        assert any(reason in t for t in texts)
        assert all(right <= width for _t, right in cells), cells
        if width == 390:  # blocks: the reason labelled, below its SKPD's name
            assert page.evaluate("getComputedStyle(document.querySelector('thead')).display") \
                == "none"
        page.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    """JupyterLab on a free loopback port with a token, serving a copy of the explorer notebook
    (the committed one stays without outputs)."""
    shutil.copy(ROOT / "notebooks" / "refocusing_explorer.ipynb", tmp_path)
    port, token = _free_port(), "lkjip-test-token"
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"), JUPYTERLAB_WORKSPACES_DIR=str(tmp_path))
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={tmp_path}", "--LabApp.expose_app_in_browser=True",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly", "--allow-root", "--ServerApp.log_level=ERROR"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("JupyterLab did not start")
            time.sleep(0.3)
    yield f"{url}/lab/tree/refocusing_explorer.ipynb?token={token}"
    import signal
    os.killpg(proc.pid, signal.SIGKILL)   # the server and the kernel it started (its own group)
    proc.wait()


def _until(page, script: str, seconds: float, arg=None):
    """Poll ``script`` in the page until it returns something truthy (Python-side polling with
    a deadline: a busy JupyterLab page never stalls the test)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = page.evaluate(script, arg)
        if got:
            return got
        time.sleep(0.5)
    pytest.fail(f"not within {seconds} s: {script[:80]}")


CHARTS = ".jp-OutputArea-output .jp-RenderedSVG"
LAST_CHART = f"""(b) => {{ const all = document.querySelectorAll('{CHARTS}');
    if (!all.length) return null; const h = all[all.length - 1].innerHTML;
    return h !== b ? h : null; }}"""


def test_explorer_runs_in_jupyterlab_and_its_chart_follows_the_selection(browser, lab):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(60_000)
    page.goto(lab)
    _until(page, "() => !!(window.jupyterapp && document.querySelector('.jp-Notebook .jp-Cell'))",
           90)
    time.sleep(2)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    # the ranked overview and the drill-down both draw their charts inline
    _until(page, f"() => document.querySelectorAll('{CHARTS}').length >= 2", 150)
    text = page.inner_text(".jp-Notebook")
    assert "<Figure size" not in text
    assert "Potongan di TW II" in text and "Porsi dari total potongan" in text
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "explorer-before.png"))
    before = _until(page, LAST_CHART, 10, "")
    pick = page.locator(".widget-dropdown select").nth(1)   # "Pilih": the program shown
    options = pick.locator("option").all_inner_texts()
    pick.select_option(label=options[3])
    after = _until(page, LAST_CHART, 60, before)
    assert after != before
    page.screenshot(path=str(ARTEFACTS / "explorer-after.png"))
    page.close()
