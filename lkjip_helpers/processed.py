"""The processed stage: the tidy tables as Parquet, stamped with the hashes of the raw files they
were made from, and read back by the next stage only while those files are unchanged.

``data/processed/<year>/`` holds ``budget_lines, stated_totals, indicators, row_roles`` (``.parquet``)
and ``warnings.json``; with several agencies, one folder per agency (``agency=<code or name>/``) holds
them instead (partitioned by agency), so that an agency's tables are read alone. ``run.json`` keeps
the rest of what ingest found (the annual workbook read, files set aside or refused, duplicate
periods, the plans' checks; see :mod:`lkjip_helpers.kept`). ``inputs.json`` lists each raw file
read (name, size, sha256), the manifest and the options that shape the tables (``--year``,
``--agency`` …): :func:`is_fresh` compares it with the raw files as they are now, so a table is
never used for raw files newer or other than its own.

Each stage reads what the stage before wrote: :func:`fresh_tables` is what reconcile, the notebooks
and the report call; they read the raw folder only when the tables are not there or not fresh.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

STAMP = "inputs.json"
RUN = "run.json"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def stamp(inputs: list[Path], options: dict | None = None) -> dict:
    """What the tables were made from: each file's name, size and sha256 (sorted by name), and
    the options given to ingest (``{}``: none, the sheets say everything)."""
    files = []
    for p in sorted({Path(p) for p in inputs}, key=lambda p: p.name):
        if p.is_file():
            files.append({"name": p.name, "size": p.stat().st_size, "sha256": sha256(p)})
    return {"files": files, "options": options or {}}


def is_fresh(folder: Path, inputs: list[Path], options: dict | None = None) -> bool:
    """True when ``folder``'s tables were made from exactly these files, unchanged, with the same
    options."""
    try:
        stored = json.loads((Path(folder) / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return stored == stamp(inputs, options)


def fresh_tables(folder, paths: list, manifest=None, mapping=None, options: dict | None = None):
    """The tables in ``folder`` (:func:`read_processed`) when they were made from exactly the raw
    files a run over ``paths`` reads, unchanged, with the same options; else None (read the raw
    files)."""
    from .ingest import raw_inputs

    if not folder or not (Path(folder) / STAMP).is_file():
        return None
    if not is_fresh(folder, raw_inputs(paths, manifest, mapping), options):
        return None
    return read_processed(folder)


def agency_folder(code: str, name: str) -> str:
    """``agency=14``; a name when there is no code, folded to letters, digits and ``-``."""
    key = code.strip() or "-".join(re.findall(r"[a-z0-9]+", name.casefold())) or "tanpa-nama"
    return "agency=" + re.sub(r"[^A-Za-z0-9.\-]", "-", key)


def table_folders(folder: Path) -> list[Path]:
    """The folders holding tables: the folder itself, or its ``agency=…`` partitions."""
    parts = sorted(p for p in Path(folder).glob("agency=*") if p.is_dir())
    return parts or [Path(folder)]


def read_processed(folder: Path):
    """The :class:`~lkjip_helpers.ingest.Ingested` tables written into ``folder`` (all agencies)."""
    import pandas as pd

    from . import kept
    from .excel.result import Warning_
    from .ingest import TABLES, Ingested
    from .schema import read_parquet

    frames = {name: [] for name in TABLES}
    warnings = []
    for sub in table_folders(folder):
        for name in TABLES:
            path = sub / f"{name}.parquet"
            if not path.exists():
                path = Path(folder) / f"{name}.parquet"  # a table kept whole (the cash plan)
                if frames[name]:
                    continue
            frames[name].append(read_parquet(path, name))
        w = sub / "warnings.json"
        if w.exists():
            warnings += [Warning_(**x) for x in json.loads(w.read_text(encoding="utf-8"))]
    tables = {n: pd.concat(fs, ignore_index=True) if len(fs) > 1 else fs[0]
              for n, fs in frames.items()}
    files = sorted(set(tables["budget_lines"]["source_file"]))
    run = kept.read(Path(folder) / RUN) if (Path(folder) / RUN).is_file() else {}
    return Ingested(**tables, warnings=warnings, files=files, **run)


def write_run(data, year: int | None, folder: Path) -> None:
    """What ingest found besides the tables, for one year's folder (see the module docstring)."""
    from . import kept

    def ours(period) -> bool:
        return year is None or period is None or period.year == year

    kept.write(Path(folder) / RUN, {
        "skipped": list(data.skipped), "annuals": list(data.annuals),
        "refused": [r for r in data.refused if ours(r.period)],
        "duplicates": [d for d in data.duplicates if ours(d.period)],
        "plan_checks": list(data.plan_checks), "unread": list(data.unread)})
