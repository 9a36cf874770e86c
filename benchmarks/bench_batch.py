"""`lkjip batch` at scale, against the baseline timed in the same run: `lkjip report` one agency
after another, a new process each (today's way: every report pays its own start-up).

1. made kabupaten (lkjip_helpers.synthetic: 50 SKPD × 12 months, written as the quarterly workbooks
   the agency report reads): HTML agency reports per minute on 1 worker, 2 workers and all cores
   (one figure when all cores = 2), wall time from the first submission (the cluster and the warm
   workers already started — start-up is stated apart), CPU seconds a report (every process of
   the batch: scheduler and client, nannies, workers, their kernels) and memory per worker (the
   worker process and its kernels); then 1 worker confined to ONE core (the scheduler, the
   worker and its kernel pinned to it with sched_setaffinity): a worker overlaps its notebook's
   kernel with its own work, so "2 workers / 1 worker" and "2 cores / 1 core" are both printed;
2. made province (1.500 SKPD): ingest + reconcile of every SKPD on the workers (writing the made
   workbooks is not timed), and reports for a sample, extrapolated to all 1.500 — labelled so.
3. the pemda report of the made kabupaten (HTML + PDF) on a warm worker, in seconds;
4. HTML + PDF agency reports on one worker: the PDFs printed by one browser the worker keeps
   against a browser started for each report (`--pdf` agencies, alternating, best of 2).

Run: ``python benchmarks/bench_batch.py [--agencies 50] [--province 1500] [--sample 20] [--pdf 8]
[--baseline 3]`` (a few minutes on 2 shared cores; keep runs few).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lkjip_helpers.batch.agencies import from_folders  # noqa: E402
from lkjip_helpers.batch.worker import Warm, render_agency, render_pemda  # noqa: E402
from lkjip_helpers.synthetic import kabupaten, write_agency  # noqa: E402


def made_folders(root: Path, n: int, seed: int = 11) -> list:
    for s in kabupaten(n, (2024,), seed=seed, quirks=False):
        write_agency(s, root / s.agency.replace(" ", "_"), name=s.agency)
    return from_folders([root])


def memory(pid: int | None = None) -> tuple[int, int]:
    """RSS of this process, and of it with its children (the kernels), in bytes."""
    import psutil

    p = psutil.Process(pid or os.getpid())
    own = p.memory_info().rss
    return own, own + sum(c.memory_info().rss for c in p.children(recursive=True))


def cpu_used() -> float:
    """CPU seconds (user + system) of this process, of its children already reaped (a worker's
    replaced kernels) and of its live children (its kernel), and of its parent (a worker's
    nanny): run on each worker, before and after."""
    import resource

    import psutil

    own = resource.getrusage(resource.RUSAGE_SELF)
    reaped = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = own.ru_utime + own.ru_stime + reaped.ru_utime + reaped.ru_stime
    me = psutil.Process()
    for p in me.children(recursive=True) + [me.parent()]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except (psutil.Error, AttributeError):
            pass
    return total


def confine(cores: set, nanny: bool = False) -> None:
    """Every thread of this process and of its children (and of its parent, a worker's
    ``nanny``) allowed on ``cores`` only: ``os.sched_setaffinity(0, ...)`` alone sets the calling
    thread's, and the cluster's processes may be started from another thread."""
    import psutil

    me = psutil.Process()
    for p in [me] + me.children(recursive=True) + ([me.parent()] if nanny else []):
        for t in p.threads():
            try:
                os.sched_setaffinity(t.id, cores)
            except OSError:
                pass


def kernel_ready(dask_worker=None) -> set:
    """Wait until the worker's kernel, started ahead, answers (its start-up is start-up, not
    the first report's time); the CPUs the worker and its kernel may run on."""
    import psutil
    from jupyter_core.utils import run_sync

    km = dask_worker.plugins["lkjip-warm"].kernels.next
    if km is not None:
        kc = km.client()
        try:
            kc.start_channels()
            run_sync(kc.wait_for_ready)(timeout=120)
        finally:
            km.stop_clients()
    me = psutil.Process()
    return set(me.cpu_affinity()).union(*(c.cpu_affinity() for c in me.children(recursive=True)))


def _own_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def batch_rate(agencies: list, workers: int, out: Path, with_pemda: bool = False,
               cores: set | None = None, formats: tuple = ("html",),
               keep_browser: bool = True) -> dict:
    """Reports per minute on a LocalCluster of ``workers``, from the first submission, and the
    CPU seconds every process of the batch used meanwhile. ``cores``: the CPUs this process and
    so every process it starts (the cluster, its workers and their kernels) may run on.
    ``keep_browser``: the workers print the PDFs with a browser each keeps (as ``lkjip batch``
    does), else one started for each report (the baseline)."""
    from distributed import Client, LocalCluster, as_completed

    allowed = os.sched_getaffinity(0)
    if cores:
        confine(cores)
    try:
        t0 = time.perf_counter()
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=":0", memory_limit="4GiB") as cluster, \
                Client(cluster) as client:
            if cores:
                client.run(confine, cores, nanny=True)
            client.register_plugin(Warm(cwd=str(ROOT), keep_browser=keep_browser),
                                   name="lkjip-warm")
            used = set().union(*client.run(kernel_ready).values())
            start = time.perf_counter() - t0
            cpu0 = sum(client.run(cpu_used).values()) + _own_cpu()
            t1 = time.perf_counter()
            futs = [client.submit(render_agency, a, 2024, 4, str(out), formats, pure=False)
                    for a in agencies]
            outcomes = [f.result() for f in as_completed(futs)]
            wall = time.perf_counter() - t1
            cpu = sum(client.run(cpu_used).values()) + _own_cpu() - cpu0
            mem = client.run(memory)
            pemda = pemda_seconds(client, outcomes, out) if with_pemda else None
    finally:
        confine(allowed)
    ok = sum(o.ok for o in outcomes)
    return {"workers": workers, "reports": ok, "failed": len(outcomes) - ok, "wall": wall,
            "per_minute": ok / wall * 60, "start": start, "pemda": pemda, "cpu": cpu,
            "cores": sorted(used),
            "rss": max(m[0] for m in mem.values()), "rss_kernels": max(m[1] for m in mem.values())}


def pemda_seconds(client, outcomes: list, out: Path) -> tuple[float, str]:
    """The pemda report (HTML + PDF) of these agencies on a warm worker, as ``lkjip batch`` makes
    it: (seconds, status)."""
    from lkjip_helpers.batch.summary import gather, save

    inp = save(gather(2024, 12, "Q", outcomes), out / ".pemda-input.pkl")
    t = time.perf_counter()
    o = client.submit(render_pemda, str(inp), str(out), ("html", "pdf"), pure=False).result()
    return time.perf_counter() - t, o.status + (f" ({o.reason})" if o.reason else "")


def baseline_rate(agencies: list, out: Path) -> dict:
    """`lkjip report` for each agency, one after another, a new process each."""
    import resource

    lkjip = str(Path(sys.executable).with_name("lkjip"))
    t = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for i, a in enumerate(agencies):
        subprocess.run([lkjip, "report", "--year", "2024", "--quarter", "4", "--raw", a.raw,
                        "--format", "html", "--out", str(out / str(i))], check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"reports": len(agencies), "wall": wall, "per_minute": len(agencies) / wall * 60,
            "cpu": cpu}


def analyse_made(agency_no: int, root: str) -> tuple[float, float]:
    """Write one made province SKPD's workbooks (not timed), then ingest + reconcile it (timed)."""
    from lkjip_helpers.pipeline import analyse

    s = _one(agency_no)
    folder = Path(root) / f"skpd_{agency_no:04d}"
    t = time.perf_counter()
    write_agency(s, folder)
    made = time.perf_counter() - t
    t = time.perf_counter()
    analyse([folder])
    return made, time.perf_counter() - t


def _one(i: int):
    """The i-th made SKPD without generating the i before it (a kabupaten of one, seeded by i)."""
    return kabupaten(1, (2024,), seed=1000 + i, quirks=False)[0]


def province(n: int, workers: int, root: Path) -> dict:
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=":0", memory_limit="4GiB") as cluster, \
            Client(cluster) as client:
        client.run(lambda: __import__("lkjip_helpers.pipeline"))
        t = time.perf_counter()
        res = client.gather(client.map(analyse_made, range(n), root=str(root), pure=False))
        wall = time.perf_counter() - t
    return {"skpd": n, "wall": wall, "write": sum(r[0] for r in res),
            "analyse": sum(r[1] for r in res)}


def _print_rate(r: dict, base: dict, label: str) -> None:
    print(f"{label} (CPUs {','.join(map(str, r['cores']))}): {r['reports']} HTML reports ({r['failed']} failed) in {r['wall']:.1f} s = "
          f"{r['per_minute']:.1f} a minute ({r['per_minute'] / base['per_minute']:.1f}× the "
          f"baseline); CPU {r['cpu'] / max(r['reports'], 1):.2f} s a report, all processes "
          f"({r['cpu'] / r['wall']:.2f} cores busy); cluster and warm workers started in "
          f"{r['start']:.1f} s; memory per worker {r['rss'] / 2**20:.0f} MiB, "
          f"{r['rss_kernels'] / 2**20:.0f} MiB with its kernels")


def pdf_rates(agencies: list, out: Path, rounds: int = 2) -> None:
    """HTML + PDF agency reports on one worker: the PDFs printed by one browser the worker keeps
    against a browser started for each report (the baseline), alternating, best of ``rounds``."""
    runs = {False: [], True: []}
    for i in range(rounds):
        for keep in ((False, True) if i % 2 == 0 else (True, False)):
            runs[keep].append(batch_rate(agencies, 1, out / f"{keep}{i}",
                                         formats=("html", "pdf"), keep_browser=keep))
    best = {k: max(v, key=lambda r: r["per_minute"]) for k, v in runs.items()}
    for keep, label in ((False, "a browser started for each report"),
                        (True, "one browser kept by the worker")):
        r = best[keep]
        print(f"HTML + PDF, 1 worker, {r['reports']} reports ({r['failed']} failed), {label}: "
              f"{r['per_minute']:.1f} a minute, CPU {r['cpu'] / max(r['reports'], 1):.2f} s a "
              f"report (best of {rounds}); at the end the worker with its kernel and browser "
              f"{r['rss_kernels'] / 2**20:.0f} MiB (RSS summed over the processes: pages they "
              f"share counted in each)")
    print(f"kept browser / a browser each: "
          f"{best[True]['per_minute'] / best[False]['per_minute']:.2f}× the reports a minute, "
          f"{best[True]['cpu'] / best[False]['cpu']:.2f}× the CPU")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--agencies", type=int, default=50)
    ap.add_argument("--province", type=int, default=1500)
    ap.add_argument("--sample", type=int, default=20)
    ap.add_argument("--baseline", type=int, default=3)
    ap.add_argument("--pdf", type=int, default=8,
                    help="agencies reported with PDF on one worker, the browser kept or not")
    args = ap.parse_args(argv)
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        agencies = made_folders(d / "kab", args.agencies)
        base = baseline_rate(agencies[:args.baseline], d / "base")
        print(f"baseline: lkjip report one after another, new process each: {base['reports']} "
              f"reports in {base['wall']:.1f} s = {base['per_minute']:.1f} a minute; CPU "
              f"{base['cpu'] / base['reports']:.2f} s a report")
        rates = {}
        for w in sorted({1, 2, cores}):
            r = batch_rate(agencies, w, d / f"out{w}", with_pemda=w == max({1, 2, cores}))
            rates[w] = r
            _print_rate(r, base, f"batch, {w} worker(s)")
            if r["pemda"]:
                print(f"pemda report of the {r['reports']} SKPD (HTML + PDF, on a warm worker): "
                      f"{r['pemda'][0]:.1f} s, {r['pemda'][1]}")
        one_core = None
        if cores >= 2:
            first = min(os.sched_getaffinity(0))
            one_core = batch_rate(agencies, 1, d / "out1c", cores={first})
            _print_rate(one_core, base, "batch, 1 worker confined to 1 core")
        if 1 in rates and 2 in rates:
            print(f"2 workers / 1 worker (both free to use every core): "
                  f"{rates[2]['per_minute'] / rates[1]['per_minute']:.2f}× the reports a minute "
                  f"(CPU a report {rates[1]['cpu'] / rates[1]['reports']:.2f} s and "
                  f"{rates[2]['cpu'] / rates[2]['reports']:.2f} s)")
        if one_core and 2 in rates:
            print(f"2 cores / 1 core (2 workers on both cores / 1 worker on one): "
                  f"{rates[2]['per_minute'] / one_core['per_minute']:.2f}× the reports a minute "
                  f"(CPU a report {one_core['cpu'] / one_core['reports']:.2f} s and "
                  f"{rates[2]['cpu'] / rates[2]['reports']:.2f} s)")
        if args.pdf:
            pdf_rates(agencies[:args.pdf], d / "pdf")
        if args.province:
            p = province(args.province, cores, d / "prov")
            print(f"made province: ingest + reconcile of {p['skpd']} SKPD (4 quarterly workbooks "
                  f"each) on {cores} workers: {p['analyse']:.1f} s of work, "
                  f"{p['analyse'] / p['skpd'] * 1000:.0f} ms an SKPD, "
                  f"{p['analyse'] / cores:.1f} s of wall time on {cores} workers (the whole run "
                  f"{p['wall']:.1f} s, which includes writing the made workbooks: "
                  f"{p['write']:.1f} s of work)")
            sample = made_folders(d / "prov-sample", args.sample, seed=12)
            r = batch_rate(sample, cores, d / "prov-out")
            minutes = p["skpd"] / r["per_minute"]
            print(f"made province reports: a sample of {r['reports']} rendered at "
                  f"{r['per_minute']:.1f} a minute on {cores} workers; EXTRAPOLATED to "
                  f"{p['skpd']} SKPD: {minutes:.0f} minutes a quarter, {minutes * 4 / 60:.1f} "
                  f"hours for 4 quarters (baseline extrapolated: "
                  f"{p['skpd'] / base['per_minute'] / 60:.1f} hours a quarter)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
