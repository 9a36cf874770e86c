"""The PDF's engines (lkjip_helpers.pdf): Chromium over its DevTools pipe, with the table of
contents' page numbers written in afterwards, and WeasyPrint when Chromium is missing or fails."""
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lkjip_helpers import pdf

HAVE_CHROMIUM = pdf.chromium_path() is not None
needs_chromium = pytest.mark.skipif(
    not HAVE_CHROMIUM and not os.environ.get("LKJIP_REQUIRE_BROWSER"),
    reason="Chromium is not installed")
needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"),
                                     reason="poppler-utils is not installed")

CSS = (Path(pdf.__file__).parent / "templates" / "lkjip" / "report.css").read_text()


def _page(agency='Dinas "Sosial" \\ P3A', sections=("Ringkasan", "Bagian B", "Bagian C")) -> str:
    """A report-like page: title with agency and period, contents, sections a page apart."""
    toc = "".join(f'<li><a href="#s{i}">{t}</a></li>' for i, t in enumerate(sections[1:], 1))
    body = "".join(
        f'<section><h2 id="s{i}">{t}</h2>' + "<p>isi bagian</p>" * (1 if i == 0 else 60)
        + "</section>" for i, t in enumerate(sections))
    return (f"<html><head><title>t</title><style>{CSS}</style></head><body><main class='lk'>"
            f"<div class='lk-title'><h1>Laporan</h1><p class=\"lk-sub agency\">{agency}</p>"
            f'<p class="lk-sub period">Tahun 2020, sampai dengan Triwulan IV</p></div>'
            f'<nav class="toc" aria-label="Daftar isi"><p class="kind">Daftar isi</p><ol>{toc}'
            f"</ol></nav><details><summary>Lipatan</summary><p>teks di dalam lipatan</p>"
            f"</details>{body}</main></body></html>")


def _layout(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return out.split("\f")


def test_the_running_header_is_a_css_string_that_nothing_leaves():
    import html

    made = pdf.running_header(_page(agency=html.escape('A "B" \\ C</style><script>x</script>\nD')))
    style = re.findall(r"<style>(.*?)</style>", made, re.S)[-1]
    assert "<" not in style and "\n" not in re.search(r"@top-left \{(.*?)\}", style).group(1)
    assert '@top-left { content: "A \\22 B\\22  \\5c  C\\3c /style\\3e ' in style
    assert '@top-right { content: "Tahun 2020, sampai dengan Triwulan IV"; }' in style
    assert "@page wide" in style


def test_the_printed_page_opens_every_fold_and_leaves_the_screen_charts_out():
    page = ('<details><summary>a</summary>x</details><details open><summary>b</summary></details>'
            '<figure><svg class="screen" width="1"><path d="M0"/></svg>'
            '<svg class="print" width="1"><text>kata</text></svg></figure>')
    printed = pdf.print_page(page)
    assert printed.count("<details open") == 2 and "open open" not in printed
    assert 'class="screen"' not in printed and "<text>kata</text>" in printed


def test_the_engine_is_chosen_by_lkjip_pdf(monkeypatch):
    monkeypatch.setenv("LKJIP_PDF", "weasyprint")
    assert pdf.engine() == "weasyprint"
    monkeypatch.setenv("LKJIP_PDF", "chromium")
    assert pdf.engine() == "chromium"
    monkeypatch.delenv("LKJIP_PDF")
    monkeypatch.setattr(pdf, "chromium_path", lambda: None)
    assert pdf.engine() == "weasyprint"


@needs_chromium
@needs_pdftotext
def test_chromium_prints_the_contents_with_page_numbers_and_the_header(tmp_path):
    """Chromium's PDF: every section's page number in the contents (from the PDF's outline,
    written at the link's end), the running header from the page's title, "Halaman X dari Y",
    folds printed open; the numbers are where the sections start."""
    data, engine = pdf.render(_page(), tmp_path)
    assert engine == "chromium" and data.startswith(b"%PDF")
    (tmp_path / "p.pdf").write_bytes(data)
    pages = _layout(tmp_path / "p.pdf")
    pages = [p for p in pages if p.strip()]
    n = len(pages)
    assert n >= 3
    for i, page in enumerate(pages, start=1):
        flat = " ".join(page.split())
        assert f"Halaman {i} dari {n}" in flat
        assert 'Dinas "Sosial" \\ P3A' in flat and "sampai dengan Triwulan IV" in flat
    assert "teks di dalam lipatan" in pages[0]
    for title in ("Bagian B", "Bagian C"):
        m = re.search(re.escape(title) + r"[. ]*(\d+)\s*$", pages[0], re.M)
        assert m, (title, pages[0])
        start = int(m.group(1))
        assert re.search(rf"^\s*{title}\s*$", pages[start - 1], re.M), (title, start)
        assert not any(re.search(rf"^\s*{title}\s*$", p, re.M) for p in pages[:start - 1])
    assert not list(tmp_path.glob(".lkjip-cetak-*"))  # the page it loaded is removed


@needs_chromium
def test_the_contents_numbers_are_an_incremental_update(tmp_path):
    """The numbers are appended to Chromium's PDF (its bytes kept as they were), and the PDF
    still reads: pypdf finds every page and the numbers in the contents' text."""
    from pypdf import PdfReader

    browser = pdf.Chromium(pdf.chromium_path()).start()
    try:
        printed = pdf.running_header(pdf.print_page(_page()))
        raw = browser.print(printed, tmp_path, numbered=False)
    finally:
        browser.close()
    numbered = pdf.number_contents(raw, pdf.contents(_page()))
    assert numbered.startswith(raw) and len(numbered) > len(raw)
    assert numbered.count(b"startxref") == raw.count(b"startxref") + 1
    reader = PdfReader(__import__("io").BytesIO(numbered))
    assert len(reader.pages) == len(PdfReader(__import__("io").BytesIO(raw)).pages)
    assert re.search(r"\b2\b", reader.pages[0].extract_text())


def test_a_chromium_that_fails_leaves_the_pdf_to_weasyprint(tmp_path, monkeypatch):
    """A browser that exits at once (here /bin/false) or is missing: WeasyPrint makes the PDF;
    LKJIP_PDF=chromium makes the failure an error instead."""
    monkeypatch.setenv("LKJIP_CHROMIUM", "/bin/false")
    monkeypatch.delenv("LKJIP_PDF", raising=False)
    data, engine = pdf.render(_page(), tmp_path)
    assert engine == "weasyprint" and data.startswith(b"%PDF")
    monkeypatch.setenv("LKJIP_PDF", "chromium")
    with pytest.raises(pdf.PdfError, match="Chromium"):
        pdf.render(_page(), tmp_path)
    assert not list(tmp_path.iterdir())  # nothing left behind


@needs_chromium
def test_a_killed_run_leaves_no_browser_and_the_next_one_removes_its_folder(tmp_path):
    """kill -9 of the process that started Chromium: the browser exits (its pipe closed); its
    profile folder, left in the temporary folder, is removed by the next start."""
    code = ("import os, sys, time\nfrom lkjip_helpers import pdf\n"
            "b = pdf.Chromium(pdf.chromium_path()).start()\n"
            "print(b.proc.pid, b.profile, flush=True)\ntime.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    pid, profile = proc.stdout.readline().split()
    time.sleep(1)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 20
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        try:
            os.waitpid(int(pid), os.WNOHANG)
        except ChildProcessError:
            pass
        time.sleep(0.2)
    state = Path(f"/proc/{pid}/stat")
    assert not state.exists() or state.read_text().split()[2] == "Z"
    assert Path(profile).exists()
    browser = pdf.Chromium(pdf.chromium_path()).start()
    browser.close()
    assert not Path(profile).exists() and not Path(browser.profile).exists()


@needs_chromium
def test_a_browser_closed_while_its_page_opens_leaves_nothing(tmp_path):
    """A run that fails before the PDF closes the browser it started, maybe while its first page
    is still opening: the browser ends, its profile folder is removed, the empty page too."""
    browser = pdf.Chromium(pdf.chromium_path()).start(tmp_path)
    proc, profile = browser.proc, browser.profile
    browser.close()
    assert proc.poll() is not None and not Path(profile).exists()
    assert not browser._opening.is_alive()
    assert not list(tmp_path.iterdir())


@needs_chromium
def test_the_browser_runs_at_a_lower_priority(tmp_path):
    """Chromium starts niced (pdf.NICE above this process): its boot takes the CPU the
    notebook's last cells leave."""
    browser = pdf.Chromium(pdf.chromium_path()).start(tmp_path)
    try:
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        assert os.getpriority(os.PRIO_PROCESS, browser.proc.pid) == min(19, ours + pdf.NICE)
        assert browser.print("<html><body><p>isi</p></body></html>", tmp_path,
                             numbered=False).startswith(b"%PDF")
    finally:
        browser.close()
