"""The raw files a run reads: the workbooks of the folders it is given, the entries it cannot
read, and what a processed folder's stamp is compared with. Light on purpose (no pandas, no
reader): ``lkjip report`` asks this before it starts its kernel and worker."""
from __future__ import annotations

import os
from pathlib import Path

from .errors import WorkbookError
from .excel.workbook import SPREADSHEET_SUFFIXES


def workbook_paths(paths: list[Path], unread: list[str] | None = None) -> list[Path]:
    """The files to read: each named file, and the spreadsheets in each named folder (sorted).

    Every entry of a folder is accounted for: Excel's lock files (``~$name.xlsx``) and other
    sub-folders are passed over; a dangling or looping symbolic link, a FIFO, socket or device, a
    folder named like a workbook and a workbook that cannot be opened (permissions, I/O) are never
    opened but listed in ``unread`` (one line each, naming the entry), for the caller to warn
    about or to refuse under ``--strict``."""
    unread = [] if unread is None else unread
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.iterdir()):
                reason = _unreadable(f)
                if reason:
                    unread.append(f"{f.name}: {reason}")
                elif f.is_file() and not f.name.startswith("~$") \
                        and f.suffix.lower() in SPREADSHEET_SUFFIXES:
                    out.append(f)
        elif p.exists():
            out.append(p)
        else:
            raise WorkbookError("file atau folder tidak ada", p)
    if not out:
        raise WorkbookError("tidak ada workbook (.xlsx)", paths[0] if paths else None)
    return out


def _unreadable(f: Path) -> str | None:
    """Why a folder entry that looks like input cannot be read (None: read it, or pass it over)."""
    import errno
    import stat

    from .files import kind_of

    try:
        st = f.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "link simbolik berputar (symlink loop); tidak dibaca"
        if f.is_symlink():
            return (f"link simbolik ke {os.readlink(f)!r} yang tidak ada (share belum "
                    "di-mount?); tidak dibaca")
        return f"tidak dapat dibaca ({exc.strerror}); tidak dibaca"
    looks = f.suffix.lower() in SPREADSHEET_SUFFIXES and not f.name.startswith("~$")
    if stat.S_ISDIR(st.st_mode):
        return "folder bernama seperti workbook; tidak dibaca" if looks else None
    if not stat.S_ISREG(st.st_mode):
        return f"{kind_of(st.st_mode)}, bukan file biasa; tidak dibuka"
    if looks:
        try:
            with open(f, "rb") as fh:
                fh.read(1)
        except OSError as exc:
            return f"tidak dapat dibaca ({exc.strerror}); tidak dibaca"
    return None


def raw_inputs(paths: list[Path | str], manifest: Path | str | None = None,
               mapping: Path | str | None = None) -> list[Path]:
    """The raw files a run over ``paths`` (and a manifest, a mapping) reads: what a processed
    folder's stamp is compared with."""
    paths = [Path(p) for p in paths]
    if manifest is None:
        files = workbook_paths(paths)
    else:
        from .manifest import load_manifest

        files = manifest_paths(load_manifest(manifest, paths), paths) + [Path(manifest)]
    return files + ([Path(mapping)] if isinstance(mapping, (str, os.PathLike)) else [])


def manifest_paths(man, paths: list[Path]) -> list[Path]:
    """The files to read in a run with a manifest: its good rows (beside it or in ``paths``),
    and any other workbook in ``paths`` (read by what its sheet says). A file whose only rows
    are bad is not read: its rows are reported instead."""
    bad_only = {b.file for b in man.bad} - set(man.entries)
    found = {p.name: p for p in (workbook_paths(paths) if paths else [])
             if p.resolve() != man.path.resolve()}
    for name in man.entries:
        if name not in found:
            for folder in [man.path.parent] + [p if p.is_dir() else p.parent for p in paths]:
                if (folder / name).is_file():
                    found[name] = folder / name
                    break
    return [found[n] for n in sorted(found) if n not in bad_only]
