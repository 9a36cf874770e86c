"""A run's folders: made beside their target under a name carrying the run's pid, swapped into place
atomically, and cleaned up after runs that died.

``reports/<year>/TW<q>/`` always holds either the old or the new report: the new one is made in
``.TW<q>-<pid>-<random>/`` beside it and the two folders are exchanged in one step (Linux
``renameat2(RENAME_EXCHANGE)``); the old report, now under the temporary name, is then removed. Where
the exchange is not available, the old folder is first renamed to ``.TW<q>-<pid>-old`` and the new one
renamed into place; a crash between the two leaves the old report under that name, and the next run
puts it back (:func:`repair`). Leftovers of runs that died (``kill -9``, power cut) are removed by the
next run once their pid is gone or they are older than :data:`MAX_AGE` (a pid can be reused); a live
run's folders are never touched.
"""
from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

MAX_AGE = 24 * 3600  # seconds: older run folders are leftovers whatever their pid says
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def make_temp(folder: Path) -> Path:
    """A new, empty folder beside ``folder`` for this run: ``.<name>-<pid>-<random>``."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{folder.name}-{os.getpid()}-", dir=folder.parent))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _leftover_pid(name: str, base: str) -> int | None | bool:
    """The pid in a run folder's name; None for an old-style name without one; False when the
    name is not one of ours."""
    m = re.fullmatch(rf"\.{re.escape(base)}-(?:(\d+)-[\w]+|old-(\d+)|[\w]+)", name)
    if not m:
        m2 = re.fullmatch(rf"\.\.{re.escape(base)}-[\w]+\.prepared.*", name)  # old pickles
        return None if m2 else False
    pid = m.group(1) or m.group(2)
    return int(pid) if pid else None


def cleanup(folder: Path, now: float | None = None) -> list[Path]:
    """Remove the leftovers of dead runs beside ``folder``; returns what was removed."""
    now = time.time() if now is None else now
    removed = []
    try:
        entries = list(folder.parent.iterdir())
    except OSError:
        return removed
    for p in entries:
        pid = _leftover_pid(p.name, folder.name)
        if pid is False or pid == os.getpid():
            continue
        try:
            age = now - p.lstat().st_mtime
        except OSError:
            continue
        old_style = pid is None and age > 3600
        if (pid is not None and not _alive(pid)) or age > MAX_AGE or old_style:
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
            removed.append(p)
    return removed


def repair(folder: Path) -> None:
    """After a crash between the two renames of the fallback swap: put the old report back."""
    if folder.exists():
        return
    olds = sorted(folder.parent.glob(f".{folder.name}-old-*"), key=lambda p: p.stat().st_mtime)
    for old in reversed(olds):
        pid = _leftover_pid(old.name, folder.name)
        if isinstance(pid, int) and pid != os.getpid() and _alive(pid):
            continue  # a live run is between its two renames
        try:
            os.rename(old, folder)
            return
        except OSError:
            continue


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically; False when the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap_in(new: Path, folder: Path, crash_hook=None) -> None:
    """Put the finished folder ``new`` in the place of ``folder``; at every instant ``folder`` is
    the old or the new one. ``crash_hook(step)`` is for tests that simulate a crash between
    steps."""
    os.chmod(new, 0o755)
    try:
        os.rename(new, folder)  # no report yet: one rename (fails if one appeared meanwhile)
        return
    except OSError as exc:
        if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY, errno.EISDIR, errno.ENOTDIR):
            raise
    if _exchange(new, folder):
        if crash_hook:
            crash_hook("exchanged")
        shutil.rmtree(new, ignore_errors=True)  # the old report, now under the temporary name
        return
    old = folder.with_name(f".{folder.name}-old-{os.getpid()}")
    os.rename(folder, old)
    if crash_hook:
        crash_hook("old set aside")
    os.rename(new, folder)
    shutil.rmtree(old, ignore_errors=True)
