"""Which agencies a batch renders, and where each one's workbooks are.

- ``RAW`` a folder holding workbooks: one agency, its code the folder's name — unless its sheets
  name several agencies above their tables (``SKPD : 1.02.0.00.0.00.01.0000 Dinas Kesehatan``, read
  by the reader's agency rule): then one agency per agency named, its code the unit code (else its
  name), its files linked into a folder of their own;
- ``RAW`` a folder of folders holding workbooks: one agency per sub-folder;
- ``--manifest FILE`` (CSV with at least ``file``, ``kode_skpd``, ``nama_skpd``; ``file`` relative
  to one of the RAW folders): the files of each agency, wherever they lie, are linked into a folder
  of their own under the batch's working folder (the raw files are never copied or touched). When
  the manifest also names periods (``tahun`` with ``bulan`` or ``triwulan``, and the other columns
  of :mod:`lkjip_helpers.manifest`), each agency's rows go with it (``<work>/<code>.manifest.csv``)
  and its workbooks are read with them: an LRA whose ``periode`` line is blank gets its month.

An agency's code names its report folder, so it must be usable as one: anything but letters,
digits, dot, dash and underscore becomes ``_``. Two agencies with the same code are refused.
"""
from __future__ import annotations

import csv
import dataclasses
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


def _workbooks(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in WORKBOOK
                  and not p.name.startswith(("~$", ".")))


def agency_named(path: Path):
    """The agency a workbook names above its table (the first sheet that names one), or None;
    a file that cannot be opened names none (its agency's report will say why it is refused)."""
    from ..errors import LkjipError as Refused
    from ..excel.agency import agency_in
    from ..excel.workbook import open_workbook

    try:
        grids = open_workbook(path)
    except Refused:
        return None
    for g in grids:
        a = agency_in(g.rows[:30])
        if a is not None:
            return a
    return None


def split_by_agency(folder: Path, work: Path) -> list[AgencyInput] | None:
    """One agency per agency the folder's workbooks name, their files linked under ``work``; None
    when they name at most one (the folder is then one agency)."""
    named = {p: agency_named(p) for p in _workbooks(folder)}
    keys = {a.key: a for a in named.values() if a is not None}
    if len(keys) <= 1:
        return None
    silent = [p.name for p, a in named.items() if a is None]
    if silent:
        raise LkjipError(f"workbook menyebut {len(keys)} SKPD, tetapi {', '.join(silent[:3])} "
                         "tidak menyebut SKPD: beri --manifest yang menyatakan milik siapa", folder)
    out = []
    for key, a in keys.items():
        code = folder_code(a.code or a.name)
        target = work / code
        target.mkdir(parents=True, exist_ok=True)
        for p, b in named.items():
            if b.key == key:
                os.symlink(p, target / p.name)
        out.append(AgencyInput(code, a.name, str(target)))
    return out


def from_folders(paths: list[Path], work: Path | None = None) -> list[AgencyInput]:
    """Agencies from RAW folders (see the module docstring); ``work`` holds the links made when
    one folder holds several agencies' workbooks."""
    found: list[AgencyInput] = []
    for raw in paths:
        raw = Path(raw).resolve()
        if not raw.is_dir():
            raise LkjipError("bukan folder (lkjip batch menerima folder berisi workbook SKPD)",
                             raw)
        if _has_workbooks(raw):
            several = split_by_agency(raw, Path(work)) if work is not None else None
            found.extend(several or [AgencyInput(folder_code(raw.name), "", str(raw))])
            continue
        subs = sorted(p for p in raw.iterdir() if p.is_dir() and not p.name.startswith(".")
                      and _has_workbooks(p))
        if not subs:
            raise LkjipError("tidak ada workbook (.xlsx) di folder ini atau sub-foldernya", raw)
        found.extend(AgencyInput(folder_code(p.name), "", str(p)) for p in subs)
    return _unique(found)


def from_manifest(manifest: Path, paths: list[Path], work: Path) -> list[AgencyInput]:
    """Agencies from a manifest; each agency's files linked into ``work/<code>/``."""
    try:
        rows = list(csv.DictReader(open(manifest, encoding="utf-8-sig", newline="")))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"manifest tidak dapat dibaca ({exc})", manifest) from None
    from ..manifest import _LOOKUP, _key

    # the column names of lkjip_helpers.manifest: file, kode_skpd / agency_code, nama_skpd / …
    col = {_LOOKUP[_key(h)]: h for h in (rows[0] if rows else {}) if _key(h) in _LOOKUP}
    if not rows or not {"file", "agency_code", "agency_name"} <= set(col):
        raise ConfigError("manifest memerlukan kolom file, kode_skpd, nama_skpd", manifest)
    f_col, code_col, name_col = col["file"], col["agency_code"], col["agency_name"]
    roots = [Path(p).resolve() for p in paths]
    agencies: dict[str, AgencyInput] = {}
    own: dict[str, list[dict]] = {}                  # code -> its rows (file: the link's name)
    for line, r in enumerate(rows, start=2):
        src = next((root / r[f_col] for root in roots if (root / r[f_col]).is_file()), None)
        if src is None:
            raise ConfigError(f"baris {line}: {r[f_col]!r} tidak ada di folder RAW mana pun",
                              manifest)
        code = folder_code(r[code_col])
        a = agencies.setdefault(code, AgencyInput(code, r[name_col].strip(),
                                                  str(work / code)))
        if a.name != r[name_col].strip():
            raise ConfigError(f"baris {line}: kode_skpd {code} punya dua nama ({a.name!r}, "
                              f"{r[name_col].strip()!r})", manifest)
        target = Path(a.raw) / src.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink() or target.exists():
            raise ConfigError(f"baris {line}: dua file bernama {src.name} untuk {code}", manifest)
        os.symlink(src, target)
        own.setdefault(code, []).append({**r, f_col: src.name})
    if _names_periods(rows[0]):
        agencies = {c: dataclasses.replace(a, manifest=str(_write_rows(own[c], work / c)))
                    for c, a in agencies.items()}
    return sorted(agencies.values(), key=lambda a: a.code)


def _names_periods(row: dict) -> bool:
    """Whether a manifest's columns name each file's period (year, and month or quarter)."""
    from ..manifest import ALIASES

    cols = {str(k).strip().casefold().replace(" ", "_") for k in row}
    return bool(cols & set(ALIASES["year"])) and bool(cols & (set(ALIASES["month"]) |
                                                              set(ALIASES["quarter"])))


def _write_rows(rows: list[dict], folder: Path) -> Path:
    """An agency's manifest rows beside its folder of links (``<folder>.manifest.csv``)."""
    path = folder.with_name(folder.name + ".manifest.csv")
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def _unique(agencies: list[AgencyInput]) -> list[AgencyInput]:
    seen: dict[str, str] = {}
    for a in agencies:
        if a.code in seen:
            raise LkjipError(f"dua SKPD akan memakai folder laporan yang sama {a.code!r}: "
                             f"{seen[a.code]} dan {a.raw}")
        seen[a.code] = a.raw
    return sorted(agencies, key=lambda a: a.code)
