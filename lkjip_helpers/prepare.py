"""Preparing the report's analysis in a second process while the kernel starts.

``lkjip report`` starts a worker process that makes the analysis (left as a pickle beside the
report's temporary folder), then draws the charts (a second pickle), then writes the findings
workbook. The notebook's first cell (:func:`lkjip_helpers.sections.load`) waits for the analysis, the
chart cells for the charts. The kernel's start-up and the analysis so run on both cores at once.
The worker's result is used only when it was made for the same parameters; if the worker fails or
stalls, the notebook does the work itself, so a bad workbook still fails in the notebook's cell with
its own message. The worker is spawned, not forked: it shares no sockets or event loop with papermill.
"""
from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

STALL_SECONDS = 60


def key(year, quarter, raw_dir, scale=None, bands=None, negatif_cap=None) -> tuple:
    """What a prepared analysis was made for; the notebook uses it only when this matches."""
    from .config import resolve

    q = None if str(quarter).lower() == "auto" else int(quarter)
    return (int(year), q, str(resolve(raw_dir)), scale or None, bands or None, negatif_cap)


def files(path: Path) -> dict[str, Path]:
    return {s: path.with_name(path.name + s)
            for s in ("", ".part", ".failed", ".pid", ".charts", ".charts.part")}


def start(path: Path, key: tuple, output_dir: Path | None):
    """Fork the worker; returns the process (join it after the notebook ran)."""
    import multiprocessing

    proc = multiprocessing.get_context("spawn").Process(
        target=_run, args=(path, key, output_dir), daemon=True)
    proc.start()
    files(path)[".pid"].write_text(str(proc.pid), encoding="utf-8")
    return proc


def prepare_here(path: Path, key: tuple, output_dir: Path | None):
    """Make the analysis, the charts and the findings workbook in this process, leaving them where
    the notebook looks; returns the analysis. A bad workbook raises its LkjipError here."""
    from .sections import draw_charts, load, save_findings_workbook

    f = files(path)
    year, quarter, raw, scale, bands, negatif_cap = key
    an = load(year, "auto" if quarter is None else quarter, raw, scale, bands, negatif_cap)
    an.charts_file = str(f[".charts"])
    if output_dir is not None:
        an.findings_workbook = str(Path(output_dir) / "temuan.xlsx")
    _dump((key, an), path)                       # the kernel's first cell waits for this
    _dump(draw_charts(an), f[".charts"])         # the chart cells wait for this
    if output_dir is not None:
        save_findings_workbook(an, str(output_dir), force=True)
    return an


def _run(path: Path, key: tuple, output_dir: Path | None) -> None:
    try:
        prepare_here(path, key, output_dir)
    except BaseException as exc:  # the notebook redoes what is missing, and fails with the message
        from .files import atomic_write

        text = f"{type(exc).__name__}: {exc}"   # whole or not at all: the waiter reads it at once
        atomic_write(files(path)[".failed"], lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _dump(obj, path: Path) -> None:
    part = path.with_name(path.name + ".part")
    with open(part, "wb") as fh:
        pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(part, path)


def _alive(pid_file: Path) -> bool:
    try:
        os.kill(int(pid_file.read_text()), 0)
        return True
    except (OSError, ValueError):
        return False


def _wait(path: Path, pid_file: Path, failed: Path):
    """The object pickled at ``path`` once the worker wrote it; None if it failed or is gone."""
    deadline = time.monotonic() + STALL_SECONDS
    while not path.exists():
        if failed.exists() or time.monotonic() > deadline or not pid_file.exists() \
                or not _alive(pid_file):
            if path.exists():
                break
            return None
        time.sleep(0.005)
    with open(path, "rb") as fh:
        return pickle.load(fh)


def wait_for(path: Path, key: tuple):
    """The prepared analysis if it matches ``key``; None when the worker failed, stalled, is
    gone, or made it for other parameters."""
    f = files(path)
    got = _wait(path, f[".pid"], f[".failed"])
    if got is None:
        return None
    made_for, an = got
    return an if made_for == key else None


def wait_for_charts(charts_file: Path) -> dict:
    """The charts the worker draws after the analysis ({} when it could not)."""
    base = charts_file.with_name(charts_file.name[: -len(".charts")])
    f = files(base)
    return _wait(charts_file, f[".pid"], f[".failed"]) or {}


def finish(proc, path: Path) -> None:
    """Join (or stop) the worker and remove its files."""
    proc.join(timeout=STALL_SECONDS)
    if proc.is_alive():
        proc.kill()
        proc.join()
    for p in files(path).values():
        p.unlink(missing_ok=True)
