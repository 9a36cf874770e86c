"""Writing files whole or not at all, and never over an input.

Every output goes through :func:`check_output` first: it refuses a path inside a raw folder, a
workbook being read, a device, a FIFO, a socket, a folder, a symbolic link (whose target the user may
not mean), and an existing file that lkjip did not make (unless ``force``). Then :func:`atomic_write`
writes to a temporary name beside the target and renames it into place."""
from __future__ import annotations

import os
import stat
import tempfile
import zipfile
from pathlib import Path
from typing import Callable, Iterable

from .errors import LkjipError

FINDINGS_TITLE = "lkjip temuan"  # the findings workbook's title property: it marks it as ours


class OutputError(LkjipError):
    """An output that would replace an input or something lkjip did not make (exit 2)."""


def input_folders(inputs: Iterable[Path | str]) -> list[Path]:
    """The raw folders of a command: each folder given (a file given is protected itself)."""
    out = []
    for p in map(Path, inputs):
        try:
            p = p.resolve()
        except OSError:
            continue
        if p.is_dir():
            out.append(p)
    return out


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output(path: Path | str, inputs: Iterable[Path | str] = (), force: bool = False,
                 ours: Callable[[Path], bool] | None = None, folder: bool = False,
                 whole: bool = False) -> Path:
    """Refuse (raise :class:`OutputError`) writing ``path`` when it would replace an input.

    ``inputs``: the files and folders the command reads; ``ours(path)`` tells a file lkjip made
    (replaced without ``force``); ``folder``: the output is a folder lkjip fills; ``whole``: a
    folder that is replaced whole (so it may not hold a raw folder either)."""
    path = Path(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise OutputError(f"tidak dapat ditulis ({exc.strerror})", path) from None
    if st is not None and stat.S_ISLNK(st.st_mode):
        raise OutputError("adalah link simbolik; sebutkan file tujuannya sendiri (lkjip tidak "
                          "menulis keluaran lewat link)", path)
    if st is not None and not (stat.S_ISDIR(st.st_mode) if folder else stat.S_ISREG(st.st_mode)):
        raise OutputError(f"adalah {kind_of(st.st_mode)}, bukan "
                          f"{'folder' if folder else 'file'} yang boleh ditulis lkjip", path)
    target = path.parent.resolve() / path.name
    for p in map(Path, inputs):
        try:
            p = p.resolve()
        except OSError:
            continue
        if target == p:
            raise OutputError("adalah masukan perintah ini; keluaran tidak pernah menimpa masukan",
                              path)
    for raw in input_folders(inputs):
        if _inside(target, raw) or (whole and _inside(raw, target)):
            raise OutputError(f"berada di dalam folder data mentah {raw.name}/ (atau memuatnya); "
                              "tulis keluaran di tempat lain (file mentah tidak pernah ditimpa)",
                              path)
    if st is not None and not folder and not force and not (ours and ours(path)):
        raise OutputError("sudah ada dan tidak dibuat oleh lkjip; tidak ditimpa (pakai --force "
                          "untuk file yang memang hendak diganti)", path)
    return path


def kind_of(mode: int) -> str:
    """What a file system entry is, in words."""
    return ("folder" if stat.S_ISDIR(mode) else "FIFO" if stat.S_ISFIFO(mode)
            else "perangkat (device)" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "socket" if stat.S_ISSOCK(mode) else "link simbolik" if stat.S_ISLNK(mode)
            else "file" if stat.S_ISREG(mode) else "berkas khusus")


def is_findings_workbook(path: Path) -> bool:
    """A findings workbook lkjip wrote and nobody saved since."""
    return made_by_lkjip(path, FINDINGS_TITLE)


def made_by_lkjip(path: Path, title: str) -> bool:
    """A workbook lkjip wrote with this title property and nobody saved since (Excel would record
    who saved it last)."""
    try:
        with zipfile.ZipFile(path) as z:
            core = z.read("docProps/core.xml").decode("utf-8", "replace")
    except (OSError, zipfile.BadZipFile, KeyError):
        return False
    return f"<dc:title>{title}</dc:title>" in core and "lastModifiedBy>" not in core


def atomic_write(path: Path | str, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` and move ``tmp`` onto ``path``; on error nothing is left behind."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
