"""Reconciling many agencies over the machine's cores.

Agencies are independent: runs of them (balanced by their number of budget lines) go to worker
processes started by fork, which inherit the ingested tables instead of receiving them; each
returns its findings and its tables as frames (Arrow buffers pickle cheaply), concatenated in
agency order, so the result is the same whatever the number of processes.
"""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

PARALLEL_FROM_AGENCIES = 8
PARALLEL_FROM_LINES = 5000  # fewer are reconciled here: a process costs more than it saves

_HELD: dict = {}  # in a worker only: the tables it inherited when it was forked


def default_workers(groups: list) -> int:
    """One process for a few agencies or lines; else as many as there are idle cores (at most
    4): on a busy machine more processes only share the same cores and pay for their start and
    for sending their tables back (measured with ``benchmarks/bench_lra.py``)."""
    from ..readmany import idle_cores

    lines = sum(len(g.rows) for g in groups)
    if len(groups) < PARALLEL_FROM_AGENCIES or lines < PARALLEL_FROM_LINES:
        return 1
    return max(1, min(idle_cores(), 4))


def chunks(groups: list, n: int) -> list[list]:
    """``n`` runs of consecutive groups with about as many budget lines each."""
    total = sum(len(g.rows) for g in groups) or 1
    out: list[list] = [[]]
    done = 0
    for g in groups:
        if out[-1] and done >= total * len(out) / n and len(out) < n:
            out.append([])
        out[-1].append(g)
        done += len(g.rows)
    return out


def run(fn, data, bands: dict, groups: list, workers: int | None = None) -> list:
    """``[fn(data, bands, run) for run in chunks(groups)]``, over ``workers`` processes."""
    n = min(default_workers(groups) if workers is None else max(1, workers), len(groups))
    if n <= 1:
        return [fn(data, bands, groups)]
    import multiprocessing

    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this system: one process
        return [fn(data, bands, groups)]
    with ProcessPoolExecutor(n, mp_context=ctx, initializer=_hold,
                             initargs=(fn, data, bands)) as pool:
        return list(pool.map(_work, chunks(groups, n)))


def _hold(fn, data, bands) -> None:
    _HELD.update(fn=fn, data=data, bands=bands)


def _work(groups: list):
    return _HELD["fn"](_HELD["data"], _HELD["bands"], groups)
