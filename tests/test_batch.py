"""lkjip batch: agencies found, outcomes written, and real runs on a Dask LocalCluster (2 workers):
a made kabupaten of 5 SKPD (one with a refused file, one with a duplicate quarter) giving every
report, the index, the outcomes table and exit 4; a worker killed mid-batch, the batch completing."""
import csv
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest
from hostile import tree_digest

from lkjip_helpers.batch import agencies
from lkjip_helpers.batch.outputs import index_html, table_text, write_csv
from lkjip_helpers.batch.worker import Outcome
from lkjip_helpers.cli import main
from lkjip_helpers.errors import LkjipError
from lkjip_helpers.synthetic import kabupaten, write_agency


def made(folder: Path, n: int, year: int = 2024) -> list[str]:
    """``n`` made SKPD, one folder each (quarterly workbooks), named by their code."""
    codes = []
    for s in kabupaten(n, (year,), seed=5, quirks=False):
        code = s.agency.split()[0] + "_" + s.agency.split()[1]
        write_agency(s, folder / code, name=s.agency)
        codes.append(code)
    return codes


def test_agencies_from_folders_and_subfolders(tmp_path):
    made(tmp_path / "kab", 2)
    (tmp_path / "kab" / "kosong").mkdir()                      # no workbook: not an agency
    found = agencies.from_folders([tmp_path / "kab"])
    assert [a.code for a in found] == ["01_Dinas", "02_Badan"]
    one = agencies.from_folders([tmp_path / "kab" / "02_Badan"])
    assert [(a.code, Path(a.raw).name) for a in one] == [("02_Badan", "02_Badan")]
    with pytest.raises(LkjipError, match="memakai folder laporan yang sama '02_Badan'"):
        agencies.from_folders([tmp_path / "kab", tmp_path / "kab" / "02_Badan"])


def test_one_folder_of_several_agencies_is_split_by_the_agency_each_sheet_names(tmp_path):
    from lkjip_helpers.synthetic import agencies as traits

    folder = tmp_path / "semua"
    for s, t in zip(kabupaten(3, (2024,), quirks=False), traits(3)):
        write_agency(s, folder, name=s.agency, code=t["code"], prefix=s.agency.split()[0])
    found = agencies.from_folders([folder], tmp_path / "work")
    assert [(a.code, a.name) for a in found] == [("1.01.0.00.0.00.01.0000", "01 Dinas 01"),
                                                 ("1.02.0.00.0.00.01.0000", "02 Badan 02"),
                                                 ("1.03.0.00.0.00.01.0000", "03 Kecamatan 03")]
    assert sorted(p.name for p in Path(found[1].raw).iterdir()) == \
        [f"02_2024_TW{q}.xlsx" for q in (1, 2, 3, 4)]
    (folder / "lain.xlsx").write_bytes((folder / "01_2024_TW1.xlsx").read_bytes())
    from openpyxl import load_workbook
    wb = load_workbook(folder / "lain.xlsx")
    wb.active["A3"] = None                                   # names no agency
    wb.save(folder / "lain.xlsx")
    with pytest.raises(LkjipError, match="lain.xlsx tidak menyebut SKPD: beri --manifest"):
        agencies.from_folders([folder], tmp_path / "work2")


@pytest.mark.parametrize("header", ["file,kode_skpd,nama_skpd,tahun,bulan",
                                    "file,agency_code,agency_name,year,month",   # as for ingest
                                    "File,Kode SKPD,Nama SKPD,Tahun,Bulan"])
def test_agencies_from_a_manifest(tmp_path, header):
    made(tmp_path / "kab", 1)
    src = tmp_path / "kab" / "01_Dinas"
    (tmp_path / "manifest.csv").write_text(
        header + "\n"
        "pengukuran_kinerja_2024_TW1.xlsx,1.02.0.00.0.00.01.0000,Dinas Kesehatan,2024,3\n"
        "pengukuran_kinerja_2024_TW2.xlsx,1.02.0.00.0.00.01.0000,Dinas Kesehatan,2024,6\n"
        "pengukuran_kinerja_2024_TW3.xlsx,4.01/X,Sekretariat Daerah,2024,9\n", encoding="utf-8")
    work = tmp_path / "work"
    found = agencies.from_manifest(tmp_path / "manifest.csv", [src], work)
    assert [(a.code, a.name) for a in found] == [("1.02.0.00.0.00.01.0000", "Dinas Kesehatan"),
                                                 ("4.01_X", "Sekretariat Daerah")]
    linked = sorted(p.name for p in Path(found[0].raw).iterdir())
    assert linked == ["pengukuran_kinerja_2024_TW1.xlsx", "pengukuran_kinerja_2024_TW2.xlsx"]
    assert all(p.is_symlink() for p in Path(found[0].raw).iterdir())
    (tmp_path / "bad.csv").write_text("file,kode_skpd,nama_skpd\nnothere.xlsx,1,A\n")
    with pytest.raises(LkjipError, match="baris 2: 'nothere.xlsx' tidak ada di folder RAW mana pun"):
        agencies.from_manifest(tmp_path / "bad.csv", [src], tmp_path / "w2")


def test_outcomes_table_and_index(tmp_path):
    outs = [Outcome("A", "Dinas <A>", "berhasil", 3.3, {"error": 1, "warning": 0, "info": 2},
                    files=["laporan.html", "laporan.pdf"]),
            Outcome("B", "=HYPERLINK(1)", "gagal", 0.5, reason="x.xlsx, sheet 'S', sel B2: bad")]
    text = table_text(outs)
    assert text.splitlines() == [
        "SKPD  nama           status    detik  temuan                                     alasan",
        "A     Dinas <A>      berhasil  3,3    1 kesalahan, 0 perlu diperiksa, 2 catatan",
        "B     =HYPERLINK(1)  gagal     0,5                                               "
        "x.xlsx, sheet 'S', sel B2: bad"]
    write_csv(outs, tmp_path / "hasil.csv")
    rows = list(csv.reader(open(tmp_path / "hasil.csv", encoding="utf-8")))
    assert rows[0] == ["SKPD", "nama", "status", "detik", "temuan", "alasan"]
    assert rows[2][1] == "'=HYPERLINK(1)"                       # never a formula
    assert rows[1][4] == "1 kesalahan, 0 perlu diperiksa, 2 catatan"
    html = index_html("Laporan 2024", outs, None)
    assert '<a href="A/laporan.html">Dinas &lt;A&gt;</a>' in html
    assert '<a href="A/laporan.pdf">laporan.pdf</a>' in html
    assert 'href="B/' not in html and "sel B2: bad" in html
    assert '<td data-label="Temuan">1 kesalahan, 0 perlu diperiksa, 2 catatan</td>' in html
    assert '<td data-label="Keterangan">x.xlsx, sheet &#x27;S&#x27;, sel B2: bad</td>' in html
    assert "http" not in html and "<script" not in html


def test_progress_bar_on_a_terminal_and_lines_otherwise():
    import io

    from lkjip_helpers.batch.run import Progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    outs = [Outcome("A", "", "berhasil", 1.0), Outcome("B", "", "gagal", 0.5, reason="rusak"),
            Outcome("C", "", "berhasil", 2.0)]
    term, log = Terminal(), io.StringIO()
    for stream in (term, log):
        bar = Progress(3, stream)
        for o in outs:
            bar.update(o)
        bar.close()
    assert "3/3" in term.getvalue() and "gagal 1" in term.getvalue()
    assert log.getvalue().splitlines() == ["[1/3] A: berhasil (1,0 detik)",
                                           "[2/3] B: gagal (0,5 detik) - rusak",
                                           "[3/3] C: berhasil (2,0 detik)"]


def test_cli_refuses_what_it_cannot_do(tmp_path, capsys):
    made(tmp_path / "kab", 1)
    # --month on quarterly sheets: each such agency fails with its reason
    # (test_monthly_report.py::test_lkjip_batch_of_a_month)
    assert main(["batch", str(tmp_path / "kab"), "--year", "2024", "--quarter", "5"]) == 2
    assert main(["batch", str(tmp_path / "kab"), "--year", "2024", "--quarter", "4",
                 "--format", "docx"]) == 2
    assert main(["batch", str(tmp_path / "nothing"), "--year", "2024", "--quarter", "4"]) == 2
    assert "bukan folder" in capsys.readouterr().err


def test_batch_on_a_made_kabupaten_of_five(tmp_path, capsys, monkeypatch):
    kab = tmp_path / "kab"
    codes = made(kab, 5)
    refused, duplicate = codes[1], codes[3]
    (kab / refused / "pengukuran_kinerja_2024_TW3.xlsx").write_bytes(b"not a workbook")
    shutil.copyfile(kab / duplicate / "pengukuran_kinerja_2024_TW2.xlsx",
                    kab / duplicate / "salinan_TW2.xlsx")
    out = tmp_path / "reports"
    before = tree_digest(kab)
    monkeypatch.chdir(tmp_path)  # relative paths, as typed at a prompt: the workers run elsewhere
    status = main(["batch", "kab", "--year", "2024", "--quarter", "auto", "--out", "reports",
                   "--workers", "2", "--format", "html"])
    captured = capsys.readouterr()
    assert status == 4
    assert tree_digest(kab) == before                     # the raw folders are byte-identical
    folder = out / "2024" / "TW4"
    ok = [c for c in codes if c not in (refused, duplicate)]
    for c in ok:
        assert (folder / c / "laporan.html").exists() and (folder / c / "temuan.xlsx").exists()
    assert not (folder / refused).exists() and not (folder / duplicate).exists()
    rows = {r["SKPD"]: r for r in csv.DictReader(open(folder / "hasil.csv", encoding="utf-8"))}
    assert {c: rows[c]["status"] for c in codes} == {c: "berhasil" if c in ok else "gagal"
                                                     for c in codes}
    assert "pengukuran_kinerja_2024_TW3.xlsx" in rows[refused]["alasan"]
    assert "juga ada di" in rows[duplicate]["alasan"]
    assert rows["pemda"]["status"] == "berhasil"
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert '<a href="pemda/laporan.html">' in index
    assert all(f'href="{c}/laporan.html"' in index for c in ok)
    assert str(tmp_path) not in index                               # relative links only
    pemda_html = (folder / "pemda" / "laporan.html").read_text(encoding="utf-8")
    assert all(f'href="../{c}/laporan.html"' in pemda_html for c in ok)
    assert "tidak dapat dinilai" in pemda_html and "<script" not in pemda_html
    assert "2 gagal" in pemda_html or "(2 gagal)" in pemda_html
    lines = captured.out.splitlines()
    assert lines[0].split() == ["SKPD", "nama", "status", "detik", "temuan", "alasan"]
    assert sum(1 for x in lines if "gagal" in x.split()) == 2
    assert any(x.startswith("pemda ") and "berhasil" in x for x in lines)
    assert "[5/5]" in captured.err                                  # plain lines: not a terminal
    assert "dasbor Dask" in captured.err           # its address, or why there is none (no bokeh)
    assert not list(folder.glob(".*"))                               # nothing left behind


def test_a_worker_killed_mid_batch(tmp_path):
    import psutil
    from distributed import LocalCluster

    from lkjip_helpers.batch.run import run_batch

    made(tmp_path / "kab", 4)
    out = tmp_path / "reports"
    killed = []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster:
        # the worker processes (the nannies live in this process); one client only, the batch's
        workers = [c for c in psutil.Process().children()
                   if "spawn_main" in " ".join(c.cmdline())]
        assert len(workers) == 2
        pid = workers[0].pid

        def kill_one():           # psutil only: the batch's client is not shared with a thread
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                if list((out / "2024" / "TW4").glob("*/laporan.html")):
                    proc = psutil.Process(pid)
                    victims = [proc] + proc.children(recursive=True)   # the worker, its kernels
                    for p in victims:
                        p.send_signal(signal.SIGKILL)
                    killed.append(pid)
                    return
                time.sleep(0.05)

        t = threading.Thread(target=kill_one, daemon=True)
        t.start()
        result = run_batch([tmp_path / "kab"], 2024, 4, out, scheduler=cluster.scheduler_address,
                           formats=("html",), log=lambda m: None)
        t.join(5)
    assert killed, "the worker was not killed"
    assert [o.status for o in result.outcomes] == ["berhasil"] * 4, \
        [(o.agency, o.reason) for o in result.outcomes]
    assert result.exit_status == 0
    assert all((out / "2024" / "TW4" / o.agency / "laporan.html").exists() for o in result.outcomes)


def test_a_reused_kernel_keeps_no_name_of_the_previous_notebook(tmp_path):
    """The worker's kernel serves the next notebook with a reset namespace (the execution count
    back to 1); after a failing notebook it is replaced, never reused."""
    import nbformat

    from lkjip_helpers import report
    from lkjip_helpers.batch.worker import Kernels

    def notebook(name, *sources):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        path = tmp_path / name
        nbformat.write(nb, str(path))
        return path

    first = notebook("a.ipynb", "leaked = 41", "import os; os.chdir('/')")
    second = notebook("b.ipynb", f"import os; assert os.getcwd() == {str(tmp_path)!r}",
                      "assert 'leaked' not in globals(), 'a name of the previous notebook'")
    failing = notebook("c.ipynb", "raise ValueError('cell fails')")
    kernels = Kernels(str(tmp_path), uses=3)
    try:
        km = kernels.take()
        report.execute(first, tmp_path / "a.out.ipynb", {}, tmp_path, km=km)
        kernels.give_back(km, reusable=True)
        assert kernels.next is km                                    # kept for the next one
        km = kernels.take()
        report.execute(second, tmp_path / "b.out.ipynb", {}, tmp_path, km=km)
        kernels.give_back(km, reusable=True)
        out = nbformat.read(str(tmp_path / "b.out.ipynb"), as_version=4)
        assert [c.execution_count for c in out.cells] == [1, 2]
        assert kernels.next is km
        km = kernels.take()
        with pytest.raises(report.ReportError):
            report.execute(failing, tmp_path / "c.out.ipynb", {}, tmp_path, km=km)
        kernels.give_back(km, reusable=False)
        assert kernels.next is not None and kernels.next is not km   # a fresh one, started ahead
        assert not km.has_kernel
        fresh = kernels.take()
        report.execute(first, tmp_path / "d.out.ipynb", {}, tmp_path, km=fresh)
        kernels.give_back(fresh, reusable=True)                       # its 3rd use: replaced
        km = kernels.take()
        report.execute(second, tmp_path / "e.out.ipynb", {}, tmp_path, km=km)
        kernels.give_back(km, reusable=True)
        km = kernels.take()
        report.execute(first, tmp_path / "f.out.ipynb", {}, tmp_path, km=km)
        kernels.give_back(km, reusable=True)
        assert kernels.next is not fresh
    finally:
        kernels.close()


def test_the_agency_summary_carries_its_cash_plan(tmp_path):
    """An agency folder with an anggaran kas (RAK) export: the pemda report judges it against its
    own plan to date and projects its year from it (projection method (a))."""
    from decimal import Decimal as D

    from made_exports import one_line_with_plan

    from lkjip_helpers import pemda
    from lkjip_helpers.batch.summary import summarise
    from lkjip_helpers.pipeline import analyse
    from lkjip_helpers.projection import project

    d = one_line_with_plan(tmp_path / "kesehatan", {"2022-03-31": 300_000,
                                                    "2022-06-30": 450_000})
    s = summarise(analyse([d], 2022, 2), "kes", "Dinas Kesehatan")["series"]
    assert s.pagu == {3: D(2_400_000), 6: D(2_400_000)}
    assert s.realisasi == {3: D(300_000), 6: D(450_000)}
    assert s.plan[6] == D(600_000) and s.plan[12] == D(2_400_000) and len(s.plan) == 12
    row = pemda.absorption_table([s], 6, step=3).iloc[0]
    # 450.000 / 2.400.000 = 18,75% against the plan's 25%: 75% of the plan, deviation 25%
    assert (row["basis"], row["target"], row["absorption"]) == ("rencana kas", D("25.00"),
                                                                D("18.75"))
    assert row["against_plan"] == D("75.00") and row["deviation"] == D("25.00") and row["behind"]
    p = project(s, 6)
    # no references: the remaining plan at its own pace so far (75%), up to the plan held
    assert p.method == "rencana_kas"
    # (450.000 + 0,75 × 1.800.000) / 2.400.000 = 75%; (450.000 + 1.800.000) / 2.400.000 = 93,75%
    assert p.value == D("75.00") and (p.low, p.high) == (D("75.00"), D("93.75"))


def test_charts_and_workbooks_made_beside_the_notebook_are_whole_or_the_agency_fails(
        tmp_path, monkeypatch):
    """A worker draws the charts and writes the workbooks in a thread while the notebook runs:
    the report it places holds both workbooks and the charts the thread drew; when writing one
    of them fails, the agency fails with that reason and nothing is placed."""
    from lkjip_helpers import renja_section
    from lkjip_helpers.batch.worker import AgencyInput, render_agency

    code = made(tmp_path / "raw", 1)[0]
    agency = AgencyInput(code, "", str(tmp_path / "raw" / code))
    period = tmp_path / "out" / "2024" / "TW4"
    ok = render_agency(agency, 2024, 4, str(period))
    assert ok.ok, ok.reason
    assert {"laporan.html", "temuan.xlsx", "evaluasi_renja.xlsx"} <= set(ok.files)
    page = (period / code / "laporan.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 3 and 'class="screen"' not in page

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(renja_section, "save_renja_workbook", full)
    shutil.rmtree(period)
    failed = render_agency(agency, 2024, 4, str(period))
    assert failed.status == "gagal" and "No space left on device" in failed.reason
    assert not (period / code).exists() and list(period.iterdir()) == []


HAVE_CHROMIUM = __import__("lkjip_helpers.pdf", fromlist=["pdf"]).chromium_path() is not None
needs_chromium = pytest.mark.skipif(
    not HAVE_CHROMIUM and not os.environ.get("LKJIP_REQUIRE_BROWSER"),
    reason="Chromium is not installed")


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(str(path)).pages)


@needs_chromium
def test_the_worker_prints_its_reports_with_one_browser(tmp_path):
    """A worker's Printer hands the same browser to one report after another (another thread
    printing meanwhile gets none and starts its own), replaces it after its uses or when it
    died, and ends it at the worker's teardown; each PDF holds its own page."""
    from lkjip_helpers import report
    from lkjip_helpers.batch.worker import Printer

    def page(word):
        return f"<html><head><meta charset='utf-8'></head><body><p>{word}</p></body></html>"

    assert Printer(keep=False).take(tmp_path) is None
    printer = Printer(uses=3)
    printer.ahead()
    first = printer.browser
    assert first is not None and first.alive()
    for i, word in enumerate(["Pertama", "Kedua", "Ketiga"]):
        browser = printer.take(tmp_path)
        assert browser is first
        assert printer.take(tmp_path) is None          # busy: that print starts its own
        assert report.to_pdf(page(word), tmp_path / f"{i}.pdf", browser, keep=True) \
            == "chromium"
        printer.give_back(browser)
        assert first.alive()
        assert word in _pdf_text(tmp_path / f"{i}.pdf")
    served = printer.take(tmp_path)                    # three reports served: a fresh one
    assert served is not first and served.alive() and first.proc is None
    served.kill()                  # dies under a report: its PDF is WeasyPrint's, it is replaced
    served.proc.wait(timeout=10)
    assert report.to_pdf(page("Cadangan"), tmp_path / "w.pdf", served, keep=True) == "weasyprint"
    printer.give_back(served)
    assert printer.browser is None and "Cadangan" in _pdf_text(tmp_path / "w.pdf")
    (tmp_path / "w.pdf").unlink()
    browser = printer.take(tmp_path)
    assert browser is not served and browser.alive()
    report.to_pdf(page("Keempat"), tmp_path / "3.pdf", browser, keep=True)
    printer.give_back(browser)
    assert "Keempat" in _pdf_text(tmp_path / "3.pdf")
    proc, profile = browser.proc, browser.profile
    printer.close()
    assert proc.poll() is not None and not Path(profile).exists()
    assert (printer.starts, printer.prints) == (3, 4)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0.pdf", "1.pdf", "2.pdf", "3.pdf"]


@needs_chromium
def test_a_batch_with_pdfs_starts_one_browser_a_worker(tmp_path):
    """lkjip batch --format html,pdf on one worker: every agency's PDF and the pemda's, printed by
    the one browser the worker started during its first report."""
    from distributed import Client, LocalCluster

    from lkjip_helpers.batch.run import run_batch
    from lkjip_helpers.batch.worker import printer_counts

    codes = made(tmp_path / "kab", 2)
    out = tmp_path / "reports"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as cluster:
        result = run_batch([tmp_path / "kab"], 2024, 4, out, scheduler=cluster.scheduler_address,
                           formats=("html", "pdf"), log=lambda m: None)
        with Client(cluster) as client:
            counts = list(client.run(printer_counts).values())
    assert [o.status for o in result.outcomes] == ["berhasil"] * 2, \
        [(o.agency, o.reason) for o in result.outcomes]
    assert counts == [(1, 3)]
    folder = out / "2024" / "TW4"
    for o in result.outcomes:
        assert o.name.split()[0] in _pdf_text(folder / o.agency / "laporan.pdf")
    assert sorted(o.agency for o in result.outcomes) == sorted(codes)
    assert (folder / "pemda" / "laporan.pdf").read_bytes().startswith(b"%PDF")
