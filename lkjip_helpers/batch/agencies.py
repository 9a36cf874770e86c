"""Which agencies a batch renders, and where each one's workbooks are.

- ``RAW`` a folder holding workbooks: one agency, its code the folder's name;
- ``RAW`` a folder of folders holding workbooks: one agency per sub-folder;
- ``--manifest FILE`` (CSV with at least ``file``, ``kode_skpd``, ``nama_skpd``; ``file`` relative
  to one of the RAW folders): the files of each agency, wherever they lie, are linked into a folder
  of their own under the batch's working folder (the raw files are never copied or touched).

An agency's code names its report folder, so it must be usable as one: anything but letters,
digits, dot, dash and underscore becomes ``_``. Two agencies with the same code are refused.
"""
from __future__ import annotations

import csv
import os
import re
from pathlib import Path

from ..errors import ConfigError, LkjipError
from .worker import AgencyInput

WORKBOOK = (".xlsx", ".xlsm")


def folder_code(text: str) -> str:
    """``1.02.0.00.0.00.01.0000`` stays; ``Dinas Sosial/P3A`` -> ``Dinas_Sosial_P3A``."""
    code = re.sub(r"[^0-9A-Za-z._-]+", "_", text.strip()).strip("._") or "_"
    return code


def _has_workbooks(folder: Path) -> bool:
    return any(p.suffix.lower() in WORKBOOK and not p.name.startswith(("~$", "."))
               for p in folder.iterdir() if p.is_file())


def from_folders(paths: list[Path]) -> list[AgencyInput]:
    """Agencies from RAW folders (see the module docstring)."""
    found: list[AgencyInput] = []
    for raw in paths:
        raw = Path(raw).resolve()
        if not raw.is_dir():
            raise LkjipError("not a folder (lkjip batch takes folders of agencies' workbooks)",
                             raw)
        if _has_workbooks(raw):
            found.append(AgencyInput(folder_code(raw.name), "", str(raw)))
            continue
        subs = sorted(p for p in raw.iterdir() if p.is_dir() and not p.name.startswith(".")
                      and _has_workbooks(p))
        if not subs:
            raise LkjipError("no workbook (.xlsx) in the folder or its sub-folders", raw)
        found.extend(AgencyInput(folder_code(p.name), "", str(p)) for p in subs)
    return _unique(found)


def from_manifest(manifest: Path, paths: list[Path], work: Path) -> list[AgencyInput]:
    """Agencies from a manifest; each agency's files linked into ``work/<code>/``."""
    try:
        rows = list(csv.DictReader(open(manifest, encoding="utf-8-sig", newline="")))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"cannot read the manifest ({exc})", manifest) from None
    need = {"file", "kode_skpd", "nama_skpd"}
    if not rows or not need <= set(rows[0]):
        raise ConfigError("a manifest needs the columns file, kode_skpd, nama_skpd", manifest)
    roots = [Path(p).resolve() for p in paths]
    agencies: dict[str, AgencyInput] = {}
    for line, r in enumerate(rows, start=2):
        src = next((root / r["file"] for root in roots if (root / r["file"]).is_file()), None)
        if src is None:
            raise ConfigError(f"line {line}: {r['file']!r} is in none of the RAW folders",
                              manifest)
        code = folder_code(r["kode_skpd"])
        a = agencies.setdefault(code, AgencyInput(code, r["nama_skpd"].strip(),
                                                  str(work / code)))
        if a.name != r["nama_skpd"].strip():
            raise ConfigError(f"line {line}: kode_skpd {code} has two names ({a.name!r}, "
                              f"{r['nama_skpd'].strip()!r})", manifest)
        target = Path(a.raw) / src.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink() or target.exists():
            raise ConfigError(f"line {line}: two files named {src.name} for {code}", manifest)
        os.symlink(src, target)
    return sorted(agencies.values(), key=lambda a: a.code)


def _unique(agencies: list[AgencyInput]) -> list[AgencyInput]:
    seen: dict[str, str] = {}
    for a in agencies:
        if a.code in seen:
            raise LkjipError(f"two agencies would share the report folder {a.code!r}: "
                             f"{seen[a.code]} and {a.raw}")
        seen[a.code] = a.raw
    return sorted(agencies, key=lambda a: a.code)
