"""What a batch worker runs: one agency's report, and the pemda report.

A worker is warm: :class:`Warm` (a Dask worker plugin) imports pandas, matplotlib, papermill,
nbconvert and the package once when the worker starts, and keeps a Jupyter kernel started ahead of
need (:class:`Kernels`), which imports the report's modules while it boots and is reused for the
next notebooks, its namespace reset between them (replaced after a failing notebook and every
:data:`KERNEL_USES` notebooks, the replacement booting while the worker prepares the next agency).
papermill still executes every cell of every notebook. The analysis is made in the worker process
itself (warm) and handed to the notebook through a :class:`~lkjip_helpers.handoff.Handoff`
(``prepare.analysis_here``), so the kernel renders without redoing it; the charts and workbooks
are made in a thread of the worker while the notebook runs (its chart cells wait for theirs).
The PDFs are printed by one headless Chromium kept by the worker (:class:`Printer`), started
while the first report's notebook runs, instead of a browser started for each report.
Every outcome is returned, never raised: one agency that fails never stops the others.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from distributed.diagnostics.plugin import WorkerPlugin
from jupyter_client.manager import AsyncKernelManager

WARM_MODULES = ("pandas", "matplotlib", "papermill", "nbconvert", "nbformat",
                "lkjip_helpers.sections", "lkjip_helpers.pipeline", "lkjip_helpers.pemda_sections")
# what a kernel imports while it boots ahead of need (silently: no execution count, no output)
KERNEL_WARM_CODE = "import pandas, matplotlib, lkjip_helpers.sections, lkjip_helpers.pemda_sections"
PLUGIN = "lkjip-warm"


@dataclass(frozen=True)
class AgencyInput:
    code: str          # a folder name: the report goes to <out>/<year>/<period>/<code>/
    name: str
    raw: str           # the folder of the agency's workbooks
    manifest: str = ""  # its rows of the batch's manifest, when that names periods (CSV)


@dataclass
class Outcome:
    agency: str
    name: str
    status: str                                   # "berhasil" or "gagal"
    seconds: float = 0.0
    findings: dict = field(default_factory=dict)  # severity -> count
    reason: str = ""
    files: list = field(default_factory=list)     # names inside the agency's folder
    summary: dict | None = None                   # what the pemda report needs (AgencySummary)

    @property
    def ok(self) -> bool:
        return self.status == "berhasil"


# a kernel serves this many notebooks, its namespace reset between them, then is replaced
KERNEL_USES = 25
# run between two notebooks in the same kernel: open figures closed, the working folder restored,
# every name the previous notebook made removed and the execution count back to 1 (IPython's
# reset with a new session); the imported modules stay (that is the point)
KERNEL_RESET_CODE = """\
import os as _os, sys as _sys
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
_os.chdir({cwd!r})
get_ipython().reset(new_session=True, aggressive=False)
"""


class Kernels:
    """The worker's notebook kernel, started ahead of need and reused.

    :meth:`take` hands out the waiting kernel (or starts one). :meth:`give_back` after a notebook
    that ran through resets the kernel's namespace (:data:`KERNEL_RESET_CODE`: no name of the
    previous notebook survives, the execution count starts at 1 again) and keeps it for the next
    notebook; a kernel whose notebook failed, that does not answer the reset, or that has served
    :data:`KERNEL_USES` notebooks is shut down and a fresh one started at once — it boots while the
    worker prepares the next agency. A kernel's start-up (a Python process importing pandas,
    matplotlib and the package: about a second of CPU) is so paid once per worker and every
    ``KERNEL_USES`` reports, not once per report."""

    def __init__(self, cwd: str, kernel_name: str = "python3", ahead: bool = True,
                 uses: int = KERNEL_USES):
        self.cwd, self.kernel_name, self.ahead, self.uses = cwd, kernel_name, ahead, uses
        self.next = None
        self.served: dict[int, int] = {}   # id(kernel manager) -> notebooks run

    def _start(self):
        """A kernel process launched (not waited for): it imports the report's modules while it
        boots (``exec_lines``, silently), so the notebook's first cell finds them loaded."""
        from jupyter_core.utils import run_sync

        # Unix sockets in a folder of the kernel's own, not TCP ports: kernels started side by
        # side can never draw the same free port (jupyter_client picks TCP ports before the
        # kernel binds them)
        sockets = tempfile.mkdtemp(prefix="lkjip-kernel-")
        km = _ClientsKept(kernel_name=self.kernel_name, transport="ipc",
                          ip=os.path.join(sockets, "k"))
        run_sync(km.start_kernel)(extra_arguments=["--IPKernelApp.log_level=ERROR",
                                                   f"--IPKernelApp.exec_lines={KERNEL_WARM_CODE}"],
                                  cwd=self.cwd)
        self.served[id(km)] = 0
        return km

    def take(self):
        km, self.next = self.next, None
        if km is None or not _alive(km):
            if km is not None:
                self.release(km)
            km = self._start()
        return km

    def give_back(self, km, reusable: bool) -> None:
        """After a notebook: keep ``km`` for the next one (namespace reset) when its notebook ran
        through and it has served fewer than ``uses``; else replace it (started ahead)."""
        km.stop_clients()
        self.served[id(km)] = self.served.get(id(km), 0) + 1
        if reusable and self.ahead and self.served[id(km)] < self.uses and _reset(km, self.cwd):
            self.next = km
            return
        self.release(km)
        if self.ahead:
            self.next = self._start()

    def release(self, km) -> None:
        from jupyter_core.utils import run_sync

        self.served.pop(id(km), None)
        km.stop_clients()
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # pragma: no cover - already gone
            pass
        if getattr(km, "transport", "") == "ipc":
            shutil.rmtree(os.path.dirname(km.ip), ignore_errors=True)

    def close(self) -> None:
        if self.next is not None:
            self.release(self.next)
            self.next = None


# a kept browser prints this many reports, then a fresh one is started in its place
BROWSER_USES = 100


class Printer:
    """The worker's headless Chromium for the reports' PDFs, kept between reports.

    :meth:`ahead` starts it (it boots while the report's notebook runs) unless one is kept and
    alive; :meth:`take` hands it to one report's print (or None: not kept, Chromium is not the
    engine or is missing, or another thread of the worker is printing with it — that report's
    print then starts a browser of its own, as :func:`lkjip_helpers.pdf.render` always did);
    :meth:`give_back` keeps it when it is still alive, else forgets it (a browser whose print
    failed is closed by the print). A browser's start-up (about 0,4 CPU s over its processes
    on this machine, a quarter of a second at the least) is so paid once per worker and every
    :data:`BROWSER_USES` reports."""

    def __init__(self, keep: bool = True, uses: int = BROWSER_USES):
        self.keep, self.uses = keep, uses
        self.browser = None
        self.printed = 0   # by the kept browser
        self.starts = 0    # browsers started here, and reports they printed (tests, benchmark)
        self.prints = 0
        self.lock = threading.Lock()

    def _fresh(self, folder: Path | None):
        """The kept browser, started anew when there is none, it died or it has served
        :attr:`uses` reports; None when Chromium is not the engine or does not start."""
        from .. import pdf

        if self.browser is not None and self.browser.alive() and self.printed < self.uses:
            return self.browser
        self._drop()
        path = pdf.chromium_path() if pdf.engine() == "chromium" else None
        if path:
            try:
                self.browser = pdf.Chromium(path).start(folder)
                self.starts += 1
            except OSError:  # the report's print says what is wrong
                self.browser = None
        return self.browser

    def _drop(self) -> None:
        if self.browser is not None:
            self.browser.close(wait=False)
        self.browser, self.printed = None, 0

    def ahead(self) -> None:
        """Have the browser booting (its first page left blank: a report's folder may be gone
        or moved into place before it would have loaded)."""
        if self.keep and self.lock.acquire(blocking=False):
            try:
                self._fresh(None)
            finally:
                self.lock.release()

    def take(self, folder: Path | None = None):
        if not self.keep or not self.lock.acquire(blocking=False):
            return None
        browser = self._fresh(folder)
        if browser is None:
            self.lock.release()
        return browser

    def give_back(self, browser) -> None:
        if browser is None:
            return
        if browser is self.browser and browser.alive():
            self.printed += 1
            self.prints += 1
        elif browser is self.browser:
            self._drop()
        self.lock.release()

    def close(self) -> None:
        with self.lock:
            if self.browser is not None:
                self.browser.close()
            self.browser, self.printed = None, 0


class _ClientsKept(AsyncKernelManager):
    """A kernel manager that remembers the clients made of it: nbclient leaves the client of a
    kernel it did not start connected, and a reused kernel would gather one per notebook."""

    def client(self, **kwargs):
        kc = super().client(**kwargs)
        self.__dict__.setdefault("_lkjip_clients", []).append(kc)
        return kc

    def stop_clients(self) -> None:
        for kc in self.__dict__.pop("_lkjip_clients", []):
            try:
                kc.stop_channels()
            except Exception:  # pragma: no cover - already closed
                pass


def _reset(km, cwd: str) -> bool:
    """Run :data:`KERNEL_RESET_CODE` in the kernel; True when it answered ``ok``."""
    from jupyter_core.utils import run_sync

    if not _alive(km):
        return False
    kc = km.client()
    try:
        kc.start_channels()
        reply = run_sync(kc.execute_interactive)(KERNEL_RESET_CODE.format(cwd=cwd), silent=True,
                                                 store_history=False, timeout=60,
                                                 output_hook=lambda msg: None)
        return reply.get("content", {}).get("status") == "ok"
    except Exception:  # noqa: BLE001 - a kernel that does not answer is replaced
        return False
    finally:
        km.stop_clients()


def _alive(km) -> bool:
    from jupyter_core.utils import run_sync

    try:
        return bool(run_sync(km.is_alive)())
    except Exception:  # pragma: no cover
        return False


class Warm(WorkerPlugin):
    """Dask worker plugin: imports paid once per worker, a kernel kept ready, a browser kept for
    the PDFs (``keep_browser``; both only when ``ahead``: a plugin made for one report keeps
    nothing)."""

    name = PLUGIN

    def __init__(self, cwd: str | None = None, ahead: bool = True, keep_browser: bool = True):
        self.cwd, self.ahead, self.keep_browser = cwd, ahead, keep_browser
        self.kernels: Kernels | None = None
        self.exporter = None   # the page's nbconvert exporter, its template compiled once
        self.printer: Printer | None = None  # made on the worker (a lock is not sent there)

    def setup(self, worker=None):
        import importlib

        for m in WARM_MODULES:
            importlib.import_module(m)
        from ..config import project_root
        from ..page import exporter

        self.exporter = exporter()
        self.kernels = Kernels(self.cwd or str(project_root()), ahead=self.ahead)
        self.printer = Printer(keep=self.ahead and self.keep_browser)
        if self.ahead:  # the first kernel boots while the worker reads its first agency
            self.kernels.next = self.kernels._start()

    def teardown(self, worker=None):
        if self.kernels is not None:
            self.kernels.close()
        if self.printer is not None:
            self.printer.close()


def _warm() -> Warm:
    """The worker's plugin when running on a Dask worker, else a new one (tests, one process)."""
    try:
        from distributed import get_worker

        plugin = get_worker().plugins.get(PLUGIN)
        if plugin is not None:
            return plugin
    except (ImportError, ValueError):
        pass
    w = Warm(ahead=False)
    w.setup()
    return w


def _one_line(exc: BaseException | str) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _render(notebook: Path, params: dict, tmp: Path, folder: Path, formats, out: Outcome,
            warm: Warm, before_placing=None) -> None:
    """papermill (in the kernel started ahead), nbconvert, the PDF (Chromium or WeasyPrint), then the temporary folder
    takes the place of ``folder`` in one rename (``before_placing()`` first: what must be whole
    by then). A failing cell raises ReportError; its executed notebook is kept as
    ``<folder>/<name>.gagal.ipynb``."""
    from .. import report

    executed = tmp / notebook.name
    km = warm.kernels.take()
    ran = False
    try:
        nb = report.execute(notebook, executed, params, Path(warm.kernels.cwd), km=km)
        ran = True
    except report.ReportError:
        if executed.exists():
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(executed, folder / f"{executed.stem}.gagal.ipynb")
        raise
    finally:
        warm.kernels.give_back(km, reusable=ran)
    html = report.to_html(nb if nb is not None else executed, warm.exporter)
    (tmp / "laporan.html").write_text(html, encoding="utf-8")
    if "pdf" in formats:
        browser = warm.printer.take(tmp)
        try:
            report.to_pdf(html, tmp / "laporan.pdf", browser, keep=browser is not None)
        except (ImportError, OSError) as exc:
            out.reason = f"PDF tidak dibuat ({type(exc).__name__}: {_one_line(exc)[:80]})"
        finally:
            warm.printer.give_back(browser)
    if "html" not in formats:
        (tmp / "laporan.html").unlink()
    if before_placing is not None:
        before_placing()
    from ..runs import swap_in

    swap_in(tmp, folder)
    out.files = sorted(p.name for p in folder.iterdir() if p.is_file())
    out.status = "berhasil"


def _guarded(out: Outcome, work, cleanup, folder: str = "") -> Outcome:
    """Run ``work()``; any failure becomes the outcome's one-line reason, never an exception.
    ``folder``: the name of the agency's folder of workbooks: a refusal of the folder as a whole
    is told without it (its row already names the agency), one of a file in it with the file,
    sheet and cell."""
    from ..errors import LkjipError

    t0 = time.perf_counter()
    try:
        work()
    except LkjipError as exc:                     # bad input: file, sheet and cell in one line
        whole = folder and exc.file == folder and exc.sheet is None and not exc.cell
        out.status, out.reason = "gagal", _one_line(exc.message if whole else exc)
    except Exception as exc:                      # a bug: still one line, the batch goes on
        out.status = "gagal"
        out.reason = f"galat internal: {type(exc).__name__}: {_one_line(exc)}"
    finally:
        cleanup()
        out.seconds = round(time.perf_counter() - t0, 2)
    return out


def render_agency(agency: AgencyInput, year: int, quarter: int, period_dir: str,
                  formats: tuple[str, ...] = ("html",), month: int | None = None) -> Outcome:
    """The agency's report into ``<period_dir>/<code>/`` and its summary for the pemda report
    (``month``: a monthly source's report as of that month). The analysis is made here, in the
    warm worker, and handed to the notebook. Never raises."""
    from .. import prepare, report
    from ..handoff import Handoff
    from ..prepare import analysis_key
    from .summary import summarise

    period_dir = Path(period_dir)
    period_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{agency.code}-", dir=period_dir))
    out = Outcome(agency.code, agency.name, "gagal")

    def work():
        with Handoff() as hand:
            an, rest = prepare.analysis_here(hand, analysis_key(year, quarter, agency.raw,
                                                                month=month),
                                             tmp, manifest=agency.manifest)
            try:
                named = [a.name for a in an.data.agencies if a.name]
                out.name = agency.name or an.agency or (named[0] if len(named) == 1
                                                        else agency.code)
                out.findings = {s: int((an.findings["severity"] == s).sum())
                                for s in ("error", "warning", "info")}
                out.summary = summarise(an, agency.code, out.name)
                params = {"year": int(year), "quarter": int(quarter), "month": month or 0,
                          "raw_dir": agency.raw,
                          "processed_dir": "", "agency": out.name, "output_dir": str(tmp),
                          "prepared": hand.address}
                rest.start()   # charts and workbooks while the notebook runs
                warm = _warm()
                if "pdf" in formats:  # the worker's first report: its browser boots meanwhile
                    warm.printer.ahead()
                _render(report.notebook_path(), params, tmp, period_dir / agency.code, formats,
                        out, warm, before_placing=rest.result)
            finally:
                rest.wait()    # never still writing into a folder being removed

    def cleanup():
        shutil.rmtree(tmp, ignore_errors=True)

    return _guarded(out, work, cleanup, Path(agency.raw).name)


def render_pemda(pemda_input: str, period_dir: str, formats: tuple[str, ...] = ("html",)
                 ) -> Outcome:
    """The pemda report (``notebooks/pemda.ipynb``) into ``<period_dir>/pemda/``. Never raises."""
    from .. import report

    period_dir = Path(period_dir)
    tmp = Path(tempfile.mkdtemp(prefix=".pemda-", dir=period_dir))
    out = Outcome("pemda", "Pemerintah daerah", "gagal")
    params = {"pemda_input": str(pemda_input), "reports_dir": ".."}
    notebook = report.notebook_path().with_name("pemda.ipynb")

    def work():
        warm = _warm()
        if "pdf" in formats:
            warm.printer.ahead()
        _render(notebook, params, tmp, period_dir / "pemda", formats, out, warm)

    return _guarded(out, work, lambda: shutil.rmtree(tmp, ignore_errors=True))


def printer_counts(dask_worker=None) -> tuple[int, int]:
    """This worker's kept browsers (``Client.run`` passes the worker): (browsers started,
    reports they printed)."""
    plugin = dask_worker.plugins.get(PLUGIN) if dask_worker is not None else None
    printer = plugin.printer if plugin is not None else None
    return (printer.starts, printer.prints) if printer is not None else (0, 0)


def worker_memory() -> int:
    """This worker process's resident memory in bytes (for the benchmark)."""
    import psutil

    return psutil.Process(os.getpid()).memory_info().rss
