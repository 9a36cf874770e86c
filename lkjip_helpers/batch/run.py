"""The batch's client: agencies found, a Dask cluster (a LocalCluster of processes, or an existing
scheduler), every agency's report scheduled on the workers, progress shown, then the pemda report,
the outcomes table and the index. Exit status 0 when every report was made, 4 when some failed.
"""
from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LkjipError
from .worker import Outcome, Warm, render_agency, render_pemda

ROMAN = ("I", "II", "III", "IV")


@dataclass
class BatchResult:
    folder: Path                       # <out>/<year>/<period>/
    outcomes: list[Outcome] = field(default_factory=list)
    pemda: Outcome | None = None
    seconds: float = 0.0

    @property
    def exit_status(self) -> int:
        ok = all(o.ok for o in self.outcomes) and (self.pemda is None or self.pemda.ok)
        return 0 if ok else 4


def cluster_client(workers: int | None, scheduler: str | None, memory_limit: str, log):
    """A Dask client: on ``scheduler`` when given, else on a new LocalCluster of ``workers``
    processes (default: the machine's cores), one thread each, ``memory_limit`` each."""
    from distributed import Client, LocalCluster

    if scheduler:
        client = Client(scheduler, timeout="20s")
        log(f"cluster: {scheduler} ({len(client.scheduler_info()['workers'])} worker)")
        return client, None
    n = workers or os.cpu_count() or 1
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                           memory_limit=memory_limit,
                           dashboard_address=":0",   # any free port: never a clash
                           silence_logs=logging.ERROR)
    client = Client(cluster)
    log(f"cluster lokal: {n} worker × 1 thread, batas memori {memory_limit} per worker")
    return client, cluster


def dashboard(client) -> str:
    """The Dask dashboard's address when the scheduler serves one (it needs ``bokeh>=3.1`` where
    the scheduler runs), else ''."""
    try:
        services = client.scheduler_info().get("services", {})
    except Exception:  # noqa: BLE001 - a scheduler that does not say: no address
        return ""
    return client.dashboard_link if "dashboard" in services else ""


def latest_period(raw: str, manifest: str, year: int):
    """The latest period of ``year`` an agency's folder has data for: its latest quarter, or for
    a monthly source its latest month (None when it cannot be read: its report will fail with
    the reason)."""
    from ..ingest import ingest
    from ..period import Period
    from ..pipeline import latest_quarter, months_of

    try:
        data = ingest([Path(raw)], manifest=manifest or None)
    except LkjipError:
        return None
    months = months_of(data, year)
    if months:
        return Period.monthly(year, months[-1])
    q = latest_quarter(data, year)
    return Period.quarterly(year, q) if q else None


def batch_period(periods: list, year: int):
    """The period of a ``--quarter auto`` batch from each agency's latest: the latest month when
    every agency that has data is monthly, else the latest quarter (a monthly agency's report then
    stands at its latest month of that quarter)."""
    from ..period import Period

    found = [p for p in periods if p is not None]
    if not found:
        raise LkjipError(f"tidak ada SKPD dengan data untuk {year}")
    if all(p.kind == "M" for p in found):
        return Period.monthly(year, max(p.n for p in found))
    return Period.quarterly(year, max(p.quarter for p in found))


class Progress:
    """A bar on a terminal (agencies done / total, failures so far); plain lines otherwise."""

    def __init__(self, total: int, stream=None):
        self.stream = stream or sys.stderr
        self.done = self.failed = 0
        self.total = total
        self.bar = None
        if self.stream.isatty():
            from tqdm import tqdm

            # the bar's own carriage returns go to the terminal itself (the CLI's stderr
            # shows control characters as escapes); its text is only counts
            raw = getattr(self.stream, "stream", self.stream)
            self.bar = tqdm(total=total, unit="SKPD", file=raw, desc="laporan")

    def update(self, o: Outcome) -> None:
        self.done += 1
        self.failed += not o.ok
        if self.bar is not None:
            self.bar.set_postfix_str(f"gagal {self.failed}")
            self.bar.update(1)
        else:
            secs = f"{o.seconds:.1f}".replace(".", ",")
            print(f"[{self.done}/{self.total}] {o.agency}: {o.status} ({secs} detik)"
                  + (f" - {o.reason}" if o.reason else ""), file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _failed(agency, exc) -> Outcome:
    return Outcome(agency.code, agency.name, "gagal",
                   reason=f"worker berhenti: {type(exc).__name__}: {str(exc)[:120]}")


def run_batch(paths: list[Path], year: int, quarter: int | str = "auto",
              out: Path | None = None, workers: int | None = None, scheduler: str | None = None,
              formats: tuple[str, ...] = ("html", "pdf"), manifest: Path | None = None,
              history: Path | None = None, memory_limit: str = "4GiB", log=None,
              progress_stream=None, month: int | None = None) -> BatchResult:
    """Render every agency's report and the pemda report; see the module docstring. ``month``:
    monthly sources, every report as of that month (folder ``B<MM>``)."""
    from distributed import as_completed

    from ..config import project_root
    from ..period import MONTHS, Period
    from . import agencies as found
    from .outputs import table_text, write_csv, write_index
    from .summary import gather, save

    log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
    t0 = time.perf_counter()
    root = project_root()
    # absolute paths: the workers run in the project's folder, not in the caller's
    out = Path(out).absolute() if out else root / "reports"
    paths = [Path(p).absolute() for p in paths]
    manifest = Path(manifest).absolute() if manifest else None
    work = Path(tempfile.mkdtemp(prefix=".lkjip-batch-", dir=out if out.exists() else None))
    client = cluster = None
    try:
        agencies = (found.from_manifest(manifest, paths, work) if manifest
                    else found.from_folders(paths, work))
        hist = _history(history) if history else []
        client, cluster = cluster_client(workers, scheduler, memory_limit, log)
        link = dashboard(client)
        log(f"dasbor Dask: {link}" if link else "dasbor Dask tidak tersedia: scheduler tanpa "
            "bokeh (pasang dengan pip install 'bokeh>=3.1' untuk melihat kemajuan di peramban)")
        client.register_plugin(Warm(cwd=str(root)), name="lkjip-warm")
        if month:
            period = Period.monthly(year, month)
        elif str(quarter).lower() == "auto":
            period = batch_period(client.gather(client.map(
                latest_period, [a.raw for a in agencies], [a.manifest for a in agencies],
                year=year, pure=False)), year)
            log(f"periode terakhir yang ada datanya: {period.long_label}")
        else:
            period = Period.quarterly(year, int(quarter))
        quarter = period.quarter
        folder = out / str(year) / period.folder
        folder.mkdir(parents=True, exist_ok=True)
        result = BatchResult(folder)
        futures = {client.submit(render_agency, a, year, quarter, str(folder), formats,
                                 period.month, pure=False,
                                 key=f"laporan-{a.code}-{time.time_ns()}"): a
                   for a in agencies}
        bar = Progress(len(futures), progress_stream)
        by_code = {}
        for fut in as_completed(futures):
            try:
                o = fut.result()
            except Exception as exc:  # the worker died too often, or the cluster went away
                o = _failed(futures[fut], exc)
            by_code[o.agency] = o
            bar.update(o)
        bar.close()
        result.outcomes = [by_code[a.code] for a in agencies]
        inp = save(gather(year, period.closing_month, period.kind, result.outcomes, hist),
                   folder / ".pemda-input.pkl")
        try:
            result.pemda = client.submit(render_pemda, str(inp), str(folder), formats,
                                         pure=False).result()
        except Exception as exc:
            result.pemda = Outcome("pemda", "Pemerintah daerah", "gagal",
                                   reason=f"worker berhenti: {type(exc).__name__}")
        finally:
            inp.unlink(missing_ok=True)
        result.seconds = round(time.perf_counter() - t0, 1)
        everything = result.outcomes + [result.pemda]
        write_csv(everything, folder / "hasil.csv")
        title = (f"Laporan {year} Triwulan {ROMAN[quarter - 1]}" if period.kind == "Q"
                 else f"Laporan {year} Bulan {MONTHS[period.n - 1]}")
        write_index(title, result.outcomes, result.pemda, folder / "index.html")
        for line in table_text(everything).splitlines():   # one line per print: the CLI's
            print(line)                                       # stdout escapes line breaks
        return result
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
        shutil.rmtree(work, ignore_errors=True)


def _history(path: Path) -> list:
    """Reference series of earlier years from a CSV (``agency, year, month, pagu, realisasi``)."""
    import pandas as pd

    from ..errors import ConfigError
    from ..numbers import parse_amount
    from ..projection import series_from_frame

    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        for c in ("pagu", "realisasi"):
            df[c] = [parse_amount(v).value if v else None for v in df[c]]
        return series_from_frame(df)
    except (OSError, KeyError, ValueError) as exc:
        raise ConfigError(f"riwayat tidak dapat dibaca ({type(exc).__name__}: {exc}); riwayat "
                          "memerlukan kolom agency, year, month, pagu, realisasi", path) from None
