"""Preparing the report's analysis in a second process while the kernel starts.

``lkjip report`` opens a :class:`~lkjip_helpers.handoff.Handoff` and starts a worker process that
makes the analysis, while a forked child of it imports matplotlib; the child then draws the charts
from the analysis while the worker writes the findings workbook and the Renja form. The analysis
and the charts go through pipes; the handoff gives them to the notebook's cells
(:func:`lkjip_helpers.sections.load` and the chart cells). The kernel's start-up and the analysis
so run on both cores at once, and the workbooks are written beside the charts.

The worker's result is used only when it was made for the same parameters
(:func:`analysis_key`); when the worker fails or dies, the handoff says so at once and the
notebook does the work itself, so a bad workbook still fails in the notebook's cell with its own
message. The worker is spawned, not forked (it shares no sockets or event loop with
papermill), dies with its parent (Linux ``PR_SET_PDEATHSIG``), and never prints a traceback: what
goes wrong is the notebook's to tell.
"""
from __future__ import annotations

import os
import pickle
import threading
from pathlib import Path

# what the worker hands over: the analysis, then each chart (sections.CHARTS, in its order)
CHART_KEYS = ("program", "curve", "refocusing", "indicators", "scatter")
NAMES = ("analysis",) + tuple(f"chart:{k}" for k in CHART_KEYS)
# the charts drawn by each of two drawing children, at once (each a pipe of its own): the
# report's chart cells wait for program, curve, refocusing, indicators + scatter in turn; the
# refocusing chart takes about as long as the other three of the second share
PARTS = (("program", "refocusing"), ("curve", "indicators", "scatter"))


def analysis_key(year, quarter, raw_dir, scale=None, bands=None, negatif_cap=None,
                 month=None) -> tuple:
    """What a prepared analysis was made for; the notebook uses one only when this matches."""
    from .config import resolve

    q = None if str(quarter).lower() == "auto" else int(quarter)
    return (int(year), q, str(resolve(raw_dir)), scale or None, bands or None, negatif_cap,
            int(month) if month else None)


def start(handoff, key: tuple, output_dir: Path | None, processed: str = "", agency: str = ""):
    """Spawn the worker, its results going to ``handoff``; returns the process (see
    :func:`finish`). ``processed`` and ``agency``: as :func:`lkjip_helpers.sections.load` takes
    them (the notebook is given the same)."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    reader, writer = ctx.Pipe(duplex=False)
    parts = [ctx.Pipe(duplex=False) for _ in PARTS]  # from the worker's drawing children
    proc = ctx.Process(target=_run, args=(writer, [w for _r, w in parts], handoff.address, key,
                                          output_dir, processed, agency, os.getpid()),
                       daemon=True, name="lkjip-prepare")
    proc.start()
    writer.close()
    handoff.watch(proc, reader, NAMES[:1])
    for (chart_reader, chart_writer), keys in zip(parts, PARTS):
        chart_writer.close()
        handoff.watch(proc, chart_reader, tuple(f"chart:{k}" for k in keys))
    return proc


def die_with_parent(parent: int | None = None) -> None:
    """Ask Linux to kill this process when its parent (the thread that started it) dies; a no-op
    elsewhere. Also used as ``preexec_fn`` for the report's kernel. ``parent``: the pid that started
    this process; when it is no longer the parent, it died before the request took effect (a
    ``kill -9`` while this process was starting, which Linux then never signals): exit at once."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if parent is not None and os.getppid() != parent:
        os._exit(0)


def analysis_here(handoff, key: tuple, output_dir: Path | None, processed: str = "",
                  agency: str = "", manifest: str = ""):
    """The analysis made in this process (a batch worker) and handed to the notebook through
    ``handoff`` before this returns: returns ``(analysis, rest)``, where ``rest`` (a
    :class:`Rest`), once started, draws the charts and writes the workbooks in a thread of this
    process while the notebook runs — each chart cell waits for its own chart — and
    :meth:`Rest.result` waits for it and raises what it raised. A bad workbook raises its
    LkjipError here (and the notebook is then not run)."""
    try:
        an = _analysis(address=handoff.address, key=key, output_dir=output_dir,
                       processed=processed, agency=agency, manifest=manifest)
        handoff.put_bytes("analysis", _pickle((key, an)))
    except BaseException:
        handoff.gone(*NAMES)
        raise

    def rest():
        _send_charts(handoff.put_bytes, an)
        if output_dir is not None:
            _write(an, output_dir)

    return an, Rest(rest, lambda: handoff.gone(*NAMES))


class Rest(threading.Thread):
    """The charts and workbooks of :func:`analysis_here`, made in a thread."""

    def __init__(self, work, then):
        super().__init__(name="lkjip-prepare-rest", daemon=True)
        self._work, self._then, self._error = work, then, None

    def run(self) -> None:
        try:
            self._work()
        except BaseException as exc:  # noqa: BLE001 - raised again by result()
            self._error = exc
        finally:
            self._then()   # whatever was not delivered will not come

    def wait(self) -> None:
        """Wait for it, when it was started."""
        if self.ident is not None:
            self.join()

    def result(self) -> None:
        """Wait for it; raise what it raised."""
        self.wait()
        if self._error is not None:
            raise self._error


def _prepare(send, address: str, key: tuple, output_dir: Path | None, processed: str = "",
             agency: str = "", manifest: str = "", charts=None):
    """Make the analysis and hand it over (``send(name, pickled)``), then the charts, then write
    the two workbooks. ``charts``: a pipe for the charts (``lkjip report``'s own worker, a process
    with nothing else in it): a child forked once this process has imported pandas and the
    package (so that it does not import them a second time on the two cores the kernel's start
    also needs) imports matplotlib while this one makes the analysis, then draws the charts from
    it and sends them there, while this one writes the workbooks (:func:`_drawing_child`)."""
    if charts is not None:  # pandas and the package, imported once for the drawing child too
        from . import sections  # noqa: F401
    drawer = _drawing_child(charts) if charts is not None else None
    an = _analysis(address, key, output_dir, processed, agency, manifest)
    made = _pickle((key, an))
    send("analysis", made)            # the kernel's first cell waits for it
    if drawer is not None:
        drawer[1].send_bytes(made)
        drawer[1].close()
    else:
        _send_charts(send, an)
    if output_dir is not None:  # off the kernel's path: its cells only name them
        _write(an, output_dir)
    if drawer is not None:
        _succeeded(drawer[0])  # its charts are sent; a chart it failed to send, the kernel draws
    return an


def _analysis(address: str, key: tuple, output_dir: Path | None, processed: str = "",
              agency: str = "", manifest: str = ""):
    """The analysis for ``key``, naming the handoff at ``address`` and the workbooks that will be
    written into ``output_dir``."""
    from .sections import load

    year, quarter, raw, scale, bands, negatif_cap, month = key
    an = load(year, "auto" if quarter is None else quarter, raw, scale, bands, negatif_cap,
              processed_dir=processed, agency=agency, month=month, manifest=manifest)
    an.handoff = address
    if output_dir is not None:
        from .renja_section import FILE as RENJA

        an.findings_workbook = str(Path(output_dir) / "temuan.xlsx")
        an.renja_workbook = str(Path(output_dir) / RENJA)
    return an


def _send_charts(send, an, keys=None) -> None:
    """Each chart (of ``keys``; None: all), sent as soon as it is drawn: each chart cell waits
    for its own only."""
    from .sections import chart_name, draw_charts

    for k, svgs in draw_charts(an, keys):
        send(chart_name(k), _pickle(svgs))


def _drawing_child(out: list):
    """Fork the child that draws the charts: it imports matplotlib at once, waits for the
    pickled analysis on the pipe returned (with its pid), then forks a second child (matplotlib
    and the analysis are then its without paying for them again) and each draws its share of the
    charts (:data:`PARTS`), at once, sending each through its own pipe of ``out``. None where
    there is no fork (the caller then draws)."""
    import multiprocessing

    inlet, outlet = multiprocessing.Pipe(duplex=False)
    pid = _fork(_draw_from, inlet, outlet, out)
    inlet.close()
    if pid is None:
        outlet.close()
        return None
    return pid, outlet


def _draw_from(inlet, outlet, out: list) -> None:
    """In the drawing child (see :func:`_drawing_child`)."""
    from . import charts  # noqa: F401 - matplotlib, while the parent makes the analysis

    outlet.close()   # the parent's end: its death is then this pipe's end
    key, an = pickle.loads(inlet.recv_bytes())
    second = _fork(_draw_second, an, out)
    if second is not None:
        out[1].close()   # the second child's: its reader then ends with it
    _draw_part(an, 0, out)
    if second is None:   # no fork: this child draws both shares
        _draw_part(an, 1, out)
    _succeeded(second)   # it dies with this process: wait for it


def _draw_second(an, out: list) -> None:
    out[0].close()
    _draw_part(an, 1, out)


def _draw_part(an, part: int, out: list) -> None:
    """Draw the charts of ``PARTS[part]`` and send them through ``out[part]``."""
    _send_charts(lambda name, payload: out[part].send((name, payload)), an, PARTS[part])
    out[part].close()


def _write(an, output_dir: Path) -> None:
    """The findings workbook and the Renja form, off the kernel's path: its cells only name
    them."""
    from .renja_section import save_renja_workbook
    from .sections import save_findings_workbook

    save_findings_workbook(an, str(output_dir), force=True)
    save_renja_workbook(an, str(output_dir), force=True)


def _fork(work, *args) -> int | None:
    """``work(*args)`` in a forked child (it has this process's imports without paying them
    again), which dies with this process and ends with ``os._exit``: 0 when the work is done, 1
    when it failed. Its pid; None where there is no fork."""
    if not hasattr(os, "fork"):
        return None
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    status = 1
    try:
        die_with_parent(parent)
        work(*args)
        status = 0
    finally:
        os._exit(status)


def _succeeded(pid: int | None) -> bool:
    """Wait for a child of :func:`_fork`: did its work get done?"""
    if pid is None:
        return False
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return False
    return os.waitstatus_to_exitcode(status) == 0


def _run(conn, charts, address: str, key: tuple, output_dir: Path | None, processed: str = "",
         agency: str = "", parent: int | None = None) -> None:
    die_with_parent(parent)
    try:
        _prepare(lambda name, payload: conn.send((name, payload)), address, key, output_dir,
                 processed, agency, charts=charts)
    except BaseException:  # noqa: BLE001 - the notebook redoes what is missing, with the message
        if os.environ.get("LKJIP_DEBUG"):
            import traceback

            traceback.print_exc()
        os._exit(0)  # no traceback, no finalizer noise (e.g. ENOSPC while writing)
    finally:
        conn.close()
        for pipe in charts:
            pipe.close()
    # everything is sent and written (closed, renamed into place): the interpreter's teardown,
    # freeing pandas' and matplotlib's objects one by one, would keep ``lkjip report`` waiting
    # for this process a third of a second longer
    os._exit(0)


def _pickle(obj) -> bytes:
    return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)


def finish(proc, budget: float) -> None:
    """Wait for the worker to finish what it writes (at most ``budget`` seconds), else stop it
    (``budget`` 0: a run that failed or was stopped needs nothing more from it)."""
    proc.join(timeout=budget)
    if proc.is_alive():
        proc.kill()
        proc.join()
