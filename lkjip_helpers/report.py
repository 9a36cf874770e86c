"""Rendering the report: papermill executes ``notebooks/laporan.ipynb`` with the year and quarter,
nbconvert turns it into one self-contained HTML file (no code, images embedded, no external URL) and
headless Chromium (or WeasyPrint) into an A4 PDF (:mod:`lkjip_helpers.pdf`); the findings
workbook goes beside them.

Outputs appear whole or not at all: everything is made in a temporary folder beside
``reports/<year>/TW<q>/``, which then takes the old folder's place in one atomic exchange
(:mod:`lkjip_helpers.runs`); leftovers of runs that died are removed by the next run. A failing cell
leaves the previous report as it was and keeps the executed notebook beside it, in
``reports/<year>/TW<q>.gagal/``, for debugging (never inside the report people receive). Bad input
found in a cell (the package's own errors: a corrupt workbook, a quarter without a sheet) is one line
and exit status 2, as for ingest. The analysis is prepared in a second process and handed to the
notebook through :mod:`lkjip_helpers.handoff`.
"""
from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .config import project_root
from .errors import LkjipError
from .period import Period

NOTEBOOK = "laporan.ipynb"
KERNEL = "python3"
# what the report's kernel imports as it boots (its first cell's import, and the Renja cell's)
KERNEL_WARM = "import lkjip_helpers.sections, lkjip_helpers.renja_section"


class ReportError(LkjipError):
    """The report could not be made (a cell failed); exit status 4."""

    exit_status = 4


@dataclass
class Report:
    folder: Path
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def notebook_path() -> Path:
    return project_root() / "notebooks" / NOTEBOOK


def execute(notebook: Path, output: Path, parameters: dict, cwd: Path, km=None, warm: str = ""):
    """Run a notebook with papermill (kernel named explicitly) and return the executed notebook
    (also written to ``output``); a failing cell raises ReportError naming the cell, a dead kernel
    ReportError saying so.

    ``km``: a kernel manager whose kernel is already started (a batch worker starts the next one
    ahead of need); papermill then runs in the calling thread and leaves it running, the caller
    shuts it down. Without it, papermill runs in a thread of its own, with a kernel manager made
    here: nbclient then installs no signal handlers of its own (it does so only in the main
    thread), so SIGINT, SIGTERM and SIGHUP reach the ``lkjip`` command, which unwinds; on the way
    out the kernel is killed here, whatever interrupted the run. The kernel also watches its parent
    and is started with ``PR_SET_PDEATHSIG`` (it is killed when the thread that started it ends), so
    not even ``kill -9`` of this process leaves it running. ``warm``: code the kernel it starts runs
    as it boots (silently, before papermill asks it anything), e.g. the notebook's imports: they
    then overlap papermill's own start."""
    outcome: dict = {}
    if km is not None:
        _papermill(km, notebook, output, parameters, cwd, outcome, own=False)
    else:
        from jupyter_client.manager import AsyncKernelManager

        km = AsyncKernelManager(kernel_name=KERNEL)
        thread = threading.Thread(target=_papermill, name="lkjip-papermill", daemon=True,
                                  args=(km, notebook, output, parameters, cwd, outcome, True,
                                        warm))
        thread.start()
        try:
            thread.join()
        finally:
            _stop_papermill(km, thread)
    exc = outcome.get("error")
    if exc is None:
        return outcome.get("notebook")
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        if _is_input_error(exc.ename):  # bad input found in a cell: one line, exit 2, as ingest
            raise LkjipError(str(exc.evalue).splitlines()[0] if exc.evalue else exc.ename) \
                from None
        cell = _failed_cell(output, exc)
        raise ReportError(f"sel {cell} di {notebook.name} gagal: {exc.ename}: "
                          f"{str(exc.evalue).splitlines()[0] if exc.evalue else ''}".rstrip(": "))\
            from None
    if isinstance(exc, DeadKernelError) or "kernel died" in str(exc).lower():
        raise ReportError("kernel Python mati saat menjalankan notebook (dihentikan dari luar atau "
                          "kehabisan memori); laporan tidak dibuat") from None
    raise exc


def _papermill(km, notebook: Path, output: Path, parameters: dict, cwd: Path,
               outcome: dict, own: bool = True, warm: str = "") -> None:
    import logging

    if not os.environ.get("LKJIP_DEBUG"):  # the one line saying why comes from execute()
        logging.getLogger("papermill").setLevel(logging.CRITICAL)
    try:
        if own:  # started here, so that it dies with this thread, even under kill -9
            from jupyter_core.utils import run_sync

            from functools import partial

            from .prepare import die_with_parent

            run_sync(km.start_kernel)(extra_arguments=["--IPKernelApp.log_level=ERROR"] +
                                      ([f"--IPKernelApp.exec_lines={warm}"] if warm else []),
                                      cwd=str(cwd),
                                      preexec_fn=partial(die_with_parent, os.getpid()))
        pm = import_papermill()  # while the kernel starts
        outcome["notebook"] = pm.execute_notebook(
            str(notebook), str(output), parameters=parameters, kernel_name=KERNEL, cwd=str(cwd),
            progress_bar=False, log_output=False, language="python", km=km,
            # written once at the end (or at the failing cell), not after every cell: saving a
            # growing notebook 40 times cost more than the analysis
            request_save_on_cell_execute=False,
            # the kernel runs on loopback only; keep its TCP notice and its "KeyboardInterrupt
            # caught in kernel" at shutdown out of the logs
            extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
    except BaseException as exc:  # noqa: BLE001 - handed to the caller
        outcome["error"] = exc
    finally:
        if own:
            _shutdown_kernel(km)


def _stop_papermill(km, thread, seconds: float = 10) -> None:
    """After an interruption: kill the kernel and let papermill unwind (at most ``seconds``). The
    kernel is killed again while the thread runs: one still starting had no pid to kill yet."""
    import time

    deadline = time.monotonic() + seconds
    while thread.is_alive() and time.monotonic() < deadline:
        _kill_kernel(km)
        thread.join(timeout=0.2)


def import_papermill():
    """papermill, imported without what it tries for features lkjip never uses: jsonschema's
    optional format checkers (the IRI one's rfc3987-syntax package builds its grammar when
    imported, over a second of every report run: a known upstream issue,
    python-jsonschema/jsonschema#1392; the duration one's isoduration imports arrow, the others
    a tenth of a second more; nbformat's schemas use no ``format`` at all, so nothing is checked
    less) and pyarrow for HDFS paths (a fifth of a second; the process that runs papermill has no
    other use for it). Each is held back only when it is not imported yet, and is importable
    again afterwards."""
    import sys

    from .optional import held_back

    if "jsonschema" in sys.modules:
        import papermill
        return papermill
    with held_back(*_HELD_BACK):
        import papermill
    return papermill


_HELD_BACK = ("rfc3987_syntax", "isoduration", "rfc3986_validator", "rfc3339_validator",
              "webcolors", "uri_template", "fqdn", "pyarrow")  # see import_papermill


def _shutdown_kernel(km) -> None:
    """Stop the kernel this run started, at once (nothing of it is needed any more): killed and
    reaped here first, so that jupyter_client's shutdown finds it gone and only removes its
    connection file (on a live kernel it would interrupt it first, which logs "KeyboardInterrupt
    caught in kernel", and poll its end every 0,1 s)."""
    try:
        if km.has_kernel:
            from jupyter_core.utils import run_sync

            _kill_kernel(km)
            proc = getattr(km.provisioner, "process", None)
            if proc is not None:
                proc.wait(timeout=5)
            run_sync(km.shutdown_kernel)(now=True)
    except Exception:  # noqa: BLE001 - already gone
        _kill_kernel(km)


def _kill_kernel(km) -> None:
    """SIGKILL the kernel's process group (it runs in a session of its own)."""
    import signal

    proc = getattr(getattr(km, "provisioner", None), "process", None)
    pid = getattr(proc, "pid", None)
    if pid:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass


def _is_input_error(ename: str) -> bool:
    """Does an exception raised in the kernel name one of the package's input errors?"""
    from . import errors

    cls = getattr(errors, ename or "", None)
    return isinstance(cls, type) and issubclass(cls, LkjipError)


def failed_folder(folder: Path) -> Path:
    """Where a failed run's notebook goes: beside the report folder (``TW4.gagal/``), never
    inside the report that people receive."""
    return folder.with_name(f"{folder.name}.gagal")


def _keep_failed(executed: Path, folder: Path) -> None:
    from . import runs

    target = failed_folder(folder)
    tmp = runs.make_temp(target)
    shutil.copyfile(executed, tmp / NOTEBOOK)
    runs.swap_in(tmp, target)


def _failed_cell(output: Path, exc) -> str:
    """'[5] s.summary(an)': the execution count and first line of the failing cell."""
    try:
        import nbformat

        nb = nbformat.read(str(output), as_version=4)
        for c in nb.cells:
            if c.cell_type == "code" and any(o.get("output_type") == "error" for o in c.outputs):
                first = c.source.strip().splitlines()[-1] if c.source.strip() else ""
                return f"[{c.execution_count}] `{first[:60]}`"
    except Exception:  # pragma: no cover - the message still names the error
        pass
    return f"[{exc.exec_count}]"


def to_html(notebook, exporter=None) -> str:
    """The executed notebook (a path, or the notebook itself) as one HTML page: outputs only, our
    template and stylesheet (no script, no external URL); see :mod:`lkjip_helpers.page`.
    ``exporter``: one made beforehand by :func:`warm_exporter`."""
    from .page import render

    return render(notebook, exporter)


def warm_exporter(into: dict, pdf: bool = False, handoff=None, folder: Path | None = None) \
        -> None:
    """Import papermill's and nbconvert's modules and make the page's exporter, its template
    compiled, into ``into["exporter"]``: run in a thread while the kernel works, this takes them
    off the end of the run. ``pdf``: also start the PDF's engine: headless Chromium, booting while
    the notebook's last cells run (once :data:`BROWSER_AFTER` is handed over; ``into["browser"]``,
    see :mod:`lkjip_helpers.pdf`), or without Chromium
    import WeasyPrint and lay out a line of text in the PDF's font (fontconfig and Pango loaded),
    which :func:`to_pdf` would otherwise pay after the page exists. ``handoff``: first wait until
    the worker has handed its analysis over (or is gone): until then its and the kernel's start
    need every core, and the page is needed only after the charts the worker then draws.
    ``folder``: where the browser's first, empty page is loaded from (the report's)."""
    if handoff is not None:
        handoff.wait("analysis")
    try:
        import_papermill()
        from .page import exporter

        into["exporter"] = exporter()
    except Exception:  # noqa: BLE001 - the render then makes its own, and says what is wrong
        pass
    if pdf:
        from . import pdf as pdf_

        try:
            if pdf_.engine() == "chromium" and pdf_.chromium_path():
                if handoff is not None:  # not while the charts are drawn: they are the
                    handoff.wait(BROWSER_AFTER)  # HTML's critical path, its boot the PDF's
                into["browser"] = pdf_.Chromium(pdf_.chromium_path()).start(folder)
                return
        except OSError:  # to_pdf starts one again, or falls back to WeasyPrint
            pass
        try:
            from weasyprint import HTML

            HTML(string='<p style="font-family: \'DejaVu Sans\'">Halaman 1</p>').render()
        except Exception:  # noqa: BLE001 - to_pdf says what is missing
            pass


def to_pdf(html: str, path: Path, browser=None, keep: bool = False) -> str:
    """The page as an A4 PDF (headless Chromium where the machine has it, else WeasyPrint; see
    :mod:`lkjip_helpers.pdf`); returns the engine that made it. Raises ImportError/OSError when
    neither can (WeasyPrint's libraries missing). ``browser``: a Chromium started beforehand,
    left running when ``keep`` and it printed."""
    from .pdf import to_pdf as made

    return made(html, path, browser, keep)


def make_report(year: int, quarter: int | str = "auto", raw: Path | None = None,
                out: Path | None = None, formats: tuple[str, ...] = ("html", "pdf"),
                agency: str = "", strict: bool = False, month: int | None = None) -> Report:
    """Execute, render and place the report for one quarter, or for a monthly source one month
    (``month``; its folder ``B05``); see the module docstring."""
    from . import prepare, runs
    from .files import check_output
    from .handoff import Handoff
    from .limits import limits
    from .prepare import analysis_key

    root = project_root()
    raw = Path(raw) if raw else root / "data" / "raw" / str(year)
    if not raw.is_absolute():
        raw = Path.cwd() / raw
    if not raw.is_dir():
        raise LkjipError("folder data mentah tidak ada" if not raw.exists() else
                         "bukan folder", raw)
    unread = _unread(raw, strict)
    processed = _processed(root, raw, year)
    if month:
        period = Period.monthly(year, month)
    elif str(quarter).lower() == "auto":
        if unread:  # the latest quarter could be in the file that was not read
            raise LkjipError(f"--quarter auto tidak dapat memastikan triwulan terakhir: {unread[0]}; "
                             "perbaiki, atau sebutkan --quarter", raw)
        period = _latest_period(raw, year, processed)
    else:
        period = Period.quarterly(year, int(quarter))
    quarter, month = period.quarter, period.month
    out = Path(out) if out else root / "reports"
    folder = out / str(year) / period.folder
    check_output(folder, [raw], folder=True, whole=True)
    _check_ours(folder)
    runs.repair(folder)
    runs.cleanup(folder)
    tmp = runs.make_temp(folder)
    report = Report(folder, notes=[f"file tidak terbaca: {u}" for u in unread] +
                    ([] if processed else _stale_note(root, year)))
    warm: dict = {}
    printing = None
    try:
        executed = tmp / NOTEBOOK
        with Handoff() as handoff:
            params = {"year": int(year), "quarter": quarter, "month": month or 0,
                      "raw_dir": str(raw), "processed_dir": processed,
                      "agency": agency, "output_dir": str(tmp), "prepared": handoff.address}
            worker = prepare.start(handoff, analysis_key(year, quarter, raw, month=month), tmp,
                                   processed, agency)
            warming = threading.Thread(target=warm_exporter, args=(warm, "pdf" in formats,
                                                                   handoff, tmp),
                                       daemon=True, name="lkjip-nbconvert")
            warming.start()
            done = False
            try:
                nb = execute(notebook_path(), executed, params, root, warm=KERNEL_WARM)
                done = True
                warming.join()  # the page is made while the worker writes the findings workbook
                html = to_html(nb if nb is not None else executed, warm.get("exporter"))
                if "pdf" in formats:  # and printed while it finishes
                    printing = _Printing(html, tmp, warm.pop("browser", None))
            except ReportError:
                if executed.exists():
                    _keep_failed(executed, folder)
                raise
            finally:  # stopped or failed: the worker is stopped at once
                prepare.finish(worker, limits().seconds if done else 0)
        for part in tmp.glob(".tmp-*"):  # a write the worker did not finish
            part.unlink(missing_ok=True)
        missing = [n for n in ("temuan.xlsx", RENJA) if not (tmp / n).exists()]
        if missing:  # the worker stopped before writing them
            from .renja_section import save_renja_workbook
            from .sections import load, save_findings_workbook

            an = load(int(year), quarter, str(raw), processed_dir=processed, agency=agency,
                      month=month)
            if "temuan.xlsx" in missing:
                save_findings_workbook(an, str(tmp))
            if RENJA in missing:
                save_renja_workbook(an, str(tmp))
        if "html" in formats or "pdf" in formats:
            (tmp / "laporan.html").write_text(html, encoding="utf-8")
        if "pdf" in formats:
            try:
                printing.write(tmp / "laporan.pdf")
            except (ImportError, OSError) as exc:
                if getattr(exc, "errno", None) in _ENVIRONMENT_ERRNOS:
                    raise
                report.notes.append(
                    f"PDF tidak dibuat ({type(exc).__name__}: {str(exc).splitlines()[0][:120]}); "
                    "pasang Chromium (apt-get install chromium), atau WeasyPrint dan pustaka "
                    "Pango: pip install weasyprint; apt-get install libpango-1.0-0 "
                    "libpangoft2-1.0-0")
        if "html" not in formats:
            (tmp / "laporan.html").unlink(missing_ok=True)
        (tmp / MARK).write_text("lkjip report\n", encoding="utf-8")
        runs.swap_in(tmp, folder)
        tmp = None
        shutil.rmtree(failed_folder(folder), ignore_errors=True)  # an older failure is stale
        report.files = sorted(p for p in folder.iterdir() if p.is_file()
                              and not p.name.startswith("."))
        return report
    finally:
        if printing is not None:
            printing.stop()
        if warm.get("browser") is not None:  # started, never used: the run failed before
            warm.pop("browser").close()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


class _Printing:
    """The PDF made in a thread while the run finishes (the worker writing its workbooks):
    :meth:`write` waits for it and writes it, whole, or raises what stopped it."""

    def __init__(self, html: str, folder: Path, browser=None):
        self.browser = browser
        self.outcome: dict = {}
        self.thread = threading.Thread(target=self._run, args=(html, folder), daemon=True,
                                       name="lkjip-pdf")
        self.thread.start()

    def _run(self, html: str, folder: Path) -> None:
        from .pdf import render

        try:
            self.outcome["data"], self.outcome["engine"] = render(html, folder, self.browser)
        except BaseException as exc:  # noqa: BLE001 - raised again by write()
            self.outcome["error"] = exc

    def write(self, path: Path) -> str:
        from .files import atomic_write

        self.thread.join()
        if "error" in self.outcome:
            raise self.outcome["error"]
        atomic_write(path, lambda tmp: tmp.write_bytes(self.outcome["data"]))
        return self.outcome["engine"]

    def stop(self) -> None:
        """After an interruption: end the browser, so that the thread ends too."""
        if self.thread.is_alive() and self.browser is not None:
            self.browser.kill()
        self.thread.join(timeout=10)


# the browser is started once this chart is handed over (the last one every report draws, with
# the year-end's two after it): its boot (about 1 CPU second) then overlaps the report's last
# cells instead of slowing the charts' drawing (measured: the PDF's addition 1,6 s against 2,1 s)
BROWSER_AFTER = "chart:refocusing"
RENJA = "evaluasi_renja.xlsx"  # renja_section.FILE (not imported here: the main process stays light)
MARK = ".lkjip-report"  # in every report folder: a rerun may replace the folder
_OURS = {"laporan.html", "laporan.pdf", "temuan.xlsx", "laporan.ipynb", "laporan.gagal.ipynb",
         RENJA}
_ENVIRONMENT_ERRNOS = {28, 27, 122, 30, 13}  # ENOSPC, EFBIG, EDQUOT, EROFS, EACCES


def _check_ours(folder: Path) -> None:
    """A report folder is replaced whole: refuse one that holds files lkjip did not make."""
    if not folder.is_dir() or (folder / MARK).exists():
        return
    foreign = sorted(p.name for p in folder.iterdir() if p.name not in _OURS)
    if foreign:
        raise LkjipError(f"folder laporan memuat file yang tidak dibuat lkjip ({', '.join(foreign[:3])}"
                         f"{', ...' if len(foreign) > 3 else ''}); pindahkan dulu, laporan tidak "
                         "menimpanya", folder)


def _unread(raw: Path, strict: bool) -> list[str]:
    """The raw folder's entries that cannot be read (exit 2 under ``strict``)."""
    from .inputs import workbook_paths

    unread: list[str] = []
    try:
        workbook_paths([raw], unread)
    except LkjipError:
        pass  # no workbook at all: said by the run itself
    if strict and unread:
        raise LkjipError(f"{unread[0]} (--strict)", raw)
    return unread


def _processed(root: Path, raw: Path, year: int) -> str:
    """``data/processed/<year>`` when ``lkjip ingest`` made it from exactly the files of ``raw``
    (the report then reads it, not the raw folder), else ""."""
    from .inputs import raw_inputs
    from .processed import STAMP, is_fresh

    folder = root / "data" / "processed" / str(year)
    try:
        fresh = (folder / STAMP).is_file() and is_fresh(folder, raw_inputs([raw]))
    except LkjipError:  # no workbook at all: said by the run itself
        fresh = False
    return str(folder) if fresh else ""


def _stale_note(root: Path, year: int) -> list[str]:
    folder = root / "data" / "processed" / str(year)
    if not folder.is_dir():
        return []
    return [f"tabel di {folder} tidak dibuat dari berkas mentah ini (atau berkasnya berubah "
            "sesudahnya): berkas mentah dibaca; jalankan lkjip ingest agar tahap berikutnya "
            "membaca tabelnya"]


def _latest_quarter(raw: Path, year: int, processed: str = "") -> int:
    return _latest_period(raw, year, processed).quarter


def _latest_period(raw: Path, year: int, processed: str = "") -> Period:
    """The latest quarter with a sheet, or for a monthly source the latest month with data."""
    from .ingest import ingest
    from .pipeline import latest_quarter, months_of
    from .processed import read_processed

    data = read_processed(processed) if processed else ingest([raw])
    months = months_of(data, year)
    if months:
        return Period.monthly(year, months[-1])
    q = latest_quarter(data, year)
    if q is None:
        raise LkjipError(f"tidak ada lembar triwulanan untuk {year}", raw)
    return Period.quarterly(year, q)
