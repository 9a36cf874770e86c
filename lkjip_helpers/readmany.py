"""Reading many workbooks: over the machine's cores (processes) when there are many, with a
progress bar on a terminal when it runs longer than a couple of seconds.

Each file is read on its own (:func:`lkjip_helpers.ingest.read_file` is pure: a path and a context
in, a :class:`~lkjip_helpers.gather.FileRead` out), so the order of the results is the order of the
files whatever the number of processes, and the tables are the same.
"""
from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor

PARALLEL_FROM = 24      # fewer files are read in this process (starting workers costs ~1 s)
BAR_AFTER_SECONDS = 2.0


def default_workers(n_files: int) -> int:
    """As many processes as there are idle cores (the cores less the load average), one for a few
    files. On a machine already busy more processes only share the same cores, and pay for their
    start and for sending their tables back: there one process reads faster (measured with
    ``benchmarks/bench_ingest.py``)."""
    if n_files < PARALLEL_FROM:
        return 1
    return max(1, min(idle_cores(), 8, n_files // 8))


def idle_cores() -> int:
    """The cores of this process less the load average (rounded; 0 on a busy machine)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):  # no load average on this system
        busy = 0.0
    return int(cores - busy + 0.5)


def _read(task):
    from .ingest import read_file

    path, ctx, registry, entry = task
    return read_file(path, ctx, registry, entry)


def read_many(tasks: list[tuple], workers: int | None = None, stream=None) -> list:
    """``[(path, ctx, registry, entry)]`` -> the FileReads, in order. ``workers`` None: as many
    processes as cores for many files, one for a few; 1: in this process."""
    stream = stream or sys.stderr
    workers = default_workers(len(tasks)) if workers is None else max(1, workers)
    bar = _bar(len(tasks), stream)
    try:
        if workers == 1 or len(tasks) < 2:
            out = []
            for task in tasks:
                out.append(_read(task))
                bar.update(1)
            return out
        chunk = max(1, len(tasks) // (workers * 4))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            out = []
            for fr in pool.map(_read, tasks, chunksize=chunk):
                out.append(fr)
                bar.update(1)
            return out
    finally:
        bar.close()


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _bar(total: int, stream):
    """A tqdm bar on a terminal, shown only once reading has taken a couple of seconds."""
    if not getattr(stream, "isatty", lambda: False)():
        return _NoBar()
    from tqdm import tqdm

    raw = getattr(stream, "stream", stream)
    return tqdm(total=total, unit="berkas", desc="membaca", file=raw, delay=BAR_AFTER_SECONDS,
                leave=False)
