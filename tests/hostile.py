"""Hostile inputs made in the test: workbooks with what openpyxl refuses to write (control
characters, error cells, formulas without a cached value, far cells, bombs), and a raw-folder hash."""
from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path


def patch_xlsx(src: Path, dst: Path, replace: dict[bytes, bytes]) -> Path:
    """Copy an .xlsx, replacing byte strings in every part (e.g. a placeholder by ``_x001B_``,
    the form in which Excel stores a control character)."""
    with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
        for item in zi.infolist():
            data = zi.read(item.filename)
            for a, b in replace.items():
                data = data.replace(a, b)
            zo.writestr(item, data)
    return dst


def tree_digest(folder: Path) -> dict[str, str]:
    """Every entry under ``folder`` (files hashed, links by target, others by kind)."""
    out = {}
    for root, dirs, files in os.walk(folder):
        for name in sorted(dirs + files):
            p = Path(root) / name
            rel = str(p.relative_to(folder))
            if p.is_symlink():
                out[rel] = "link:" + os.readlink(p)
            elif p.is_file():
                out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
            else:
                out[rel] = "dir" if p.is_dir() else "other"
    return out
