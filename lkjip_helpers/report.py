"""Rendering the report: papermill executes ``notebooks/laporan.ipynb`` with the year and quarter,
nbconvert turns it into one self-contained HTML file (no code, images embedded, no external URL) and
WeasyPrint into an A4 PDF; the findings workbook goes beside them.

Outputs appear whole or not at all: everything is made in a temporary folder beside
``reports/<year>/TW<q>/``, which then replaces the old folder in one rename. A failing cell leaves the
previous report as it was and keeps the executed notebook beside it, in ``reports/<year>/TW<q>.gagal/``,
for debugging (never inside the report people receive). Bad input found in a cell (the package's own
errors: a corrupt workbook, a quarter without a sheet) is one line and exit status 2, as for ingest.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .config import project_root
from .errors import LkjipError

NOTEBOOK = "laporan.ipynb"
KERNEL = "python3"


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


def execute(notebook: Path, output: Path, parameters: dict, cwd: Path, km=None) -> None:
    """Run a notebook with papermill (kernel named explicitly); a failing cell raises ReportError
    naming the cell. ``km``: a kernel manager whose kernel is already started (a batch worker
    starts the next one ahead of need); papermill leaves it running, the caller shuts it down."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    engine = {"km": km} if km is not None else {}
    try:
        pm.execute_notebook(str(notebook), str(output), parameters=parameters,
                            kernel_name=KERNEL, cwd=str(cwd), progress_bar=False,
                            log_output=False, language="python",
                            # written once at the end (or at the failing cell), not after every
                            # cell: saving a growing notebook 40 times cost more than the analysis
                            request_save_on_cell_execute=False,
                            # the kernel runs on loopback only; keep its TCP notice and its
                            # "KeyboardInterrupt caught in kernel" at shutdown out of the logs
                            extra_arguments=["--IPKernelApp.log_level=CRITICAL"], **engine)
    except PapermillExecutionError as exc:
        if _is_input_error(exc.ename):  # bad input found in a cell: one line, exit 2, as ingest
            raise LkjipError(str(exc.evalue).splitlines()[0] if exc.evalue else exc.ename) \
                from None
        cell = _failed_cell(output, exc)
        raise ReportError(f"cell {cell} of {notebook.name} failed: {exc.ename}: "
                          f"{str(exc.evalue).splitlines()[0] if exc.evalue else ''}".rstrip(": "))\
            from None


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
    target = failed_folder(folder)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=folder.parent))
    shutil.copyfile(executed, tmp / NOTEBOOK)
    _replace_folder(tmp, target)


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


def to_html(notebook: Path) -> str:
    """The executed notebook as one HTML page: outputs only, our template and stylesheet (no
    script, no external URL); see :mod:`lkjip_helpers.page`."""
    from .page import render

    return render(notebook)


def to_pdf(html: str, path: Path) -> None:
    """A4 PDF through WeasyPrint; raises ImportError/OSError when its libraries are missing."""
    from weasyprint import HTML

    HTML(string=html, base_url=str(path.parent)).write_pdf(str(path))


def make_report(year: int, quarter: int | str = "auto", raw: Path | None = None,
                out: Path | None = None, formats: tuple[str, ...] = ("html", "pdf"),
                agency: str = "") -> Report:
    """Execute, render and place the report for one quarter; see the module docstring."""
    root = project_root()
    raw = Path(raw) if raw else root / "data" / "raw" / str(year)
    if not raw.is_absolute():
        raw = Path.cwd() / raw
    if str(quarter).lower() == "auto":
        quarter = _latest_quarter(raw, year)
    quarter = int(quarter)
    out = Path(out) if out else root / "reports"
    folder = out / str(year) / f"TW{quarter}"
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".TW{quarter}-", dir=folder.parent))
    report = Report(folder)
    try:
        executed = tmp / NOTEBOOK
        prepared = folder.parent / f".{tmp.name}.prepared"
        params = {"year": int(year), "quarter": quarter, "raw_dir": str(raw),
                  "processed_dir": str(root / "data" / "processed" / str(year)),
                  "agency": agency, "output_dir": str(tmp), "prepared": str(prepared)}
        from . import prepare

        worker = prepare.start(prepared, prepare.key(year, quarter, raw), tmp)
        try:
            execute(notebook_path(), executed, params, root)
        except ReportError:
            if executed.exists():
                _keep_failed(executed, folder)
            raise
        finally:
            prepare.finish(worker, prepared)
        if not (tmp / "temuan.xlsx").exists():  # the worker stopped before writing it
            from .sections import load, save_findings_workbook

            save_findings_workbook(load(int(year), quarter, str(raw)), str(tmp))
        html = to_html(executed)
        if "html" in formats or "pdf" in formats:
            (tmp / "laporan.html").write_text(html, encoding="utf-8")
        if "pdf" in formats:
            try:
                to_pdf(html, tmp / "laporan.pdf")
            except (ImportError, OSError) as exc:
                report.notes.append(
                    f"PDF tidak dibuat ({type(exc).__name__}: {str(exc).splitlines()[0][:120]}); "
                    "pasang WeasyPrint dan pustaka Pango: pip install weasyprint; "
                    "apt-get install libpango-1.0-0 libpangoft2-1.0-0")
        if "html" not in formats:
            (tmp / "laporan.html").unlink(missing_ok=True)
        _replace_folder(tmp, folder)
        tmp = None
        shutil.rmtree(failed_folder(folder), ignore_errors=True)  # an older failure is stale
        report.files = sorted(p for p in folder.iterdir() if p.is_file())
        return report
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _replace_folder(new: Path, folder: Path) -> None:
    """Put ``new`` in the place of ``folder`` whole: a rerun replaces all of its outputs."""
    old = None
    if folder.exists():
        old = folder.with_name(f".{folder.name}-old-{os.getpid()}")
        os.replace(folder, old)
    os.replace(new, folder)
    os.chmod(folder, 0o755)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _latest_quarter(raw: Path, year: int) -> int:
    from .ingest import ingest
    from .pipeline import latest_quarter

    q = latest_quarter(ingest([raw]), year)
    if q is None:
        raise LkjipError(f"no quarterly sheet for {year}", raw)
    return q
