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


_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
       'package/2006/content-types"><Default Extension="rels" ContentType="application/'
       'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
       '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
       'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
       '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       'spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
         '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
         'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/'
         'workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
       'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
       'relationships"><sheets><sheet name="TW I" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="'
            'worksheets/sheet1.xml"/></Relationships>')


def raw_xlsx(path: Path, cells: list[str], dimension: str = "A1", padding: bytes = b"") -> Path:
    """A one-sheet workbook (sheet 'TW I') written as XML: ``cells`` are ``<c>`` elements (their
    rows are made from their references); ``padding`` goes inside sheetData (a whitespace bomb)."""
    import re

    rows: dict[int, list[str]] = {}
    for c in cells:
        r = int(re.search(r'r="[A-Z]+(\d+)"', c).group(1))
        rows.setdefault(r, []).append(c)
    body = "".join(f'<row r="{r}">{"".join(cs)}</row>' for r, cs in sorted(rows.items()))
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://'
             'schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<dimension ref="{dimension}"/><sheetData>').encode() + padding + \
        f"{body}</sheetData></worksheet>".encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return path
