"""The agency (SKPD/OPD) a sheet names above its table: ``SKPD : Dinas …``, ``Unit Organisasi :
1.02.0.00.0.00.01.0000 Dinas Kesehatan``, ``Perangkat Daerah : …``, or a title
``PENGUKURAN KINERJA DINAS …``. Placeholders (dots, ellipses) name nothing."""
from __future__ import annotations

import re

from ..period import Agency
from .workbook import cell_name, text_of

_LABEL = re.compile(r"^\s*(skpd|opd|unit\s+organisasi|perangkat\s+daerah|organisasi|"
                    r"nama\s+(skpd|opd|perangkat\s+daerah|instansi)|instansi)\s*:?\s*(?P<rest>.*)$",
                    re.I)
_SUB_UNIT = re.compile(r"^\s*sub\s+unit", re.I)
_TITLE = re.compile(r"^\s*(pengukuran\s+kinerja|laporan\s+kinerja)\s+(?P<name>(dinas|badan|"
                    r"kantor|sekretariat|inspektorat|satuan|rumah\s+sakit|kecamatan|bagian)\b.*)$",
                    re.I)
_UNIT_CODE = re.compile(r"^(?P<code>\d+(?:\.\d+){2,})\s*[-–:]?\s*(?P<name>.*)$")
_PLACEHOLDER = re.compile(r"^[\s.…_\-:]*$")


def split_code(text: str) -> Agency:
    """``'1.02.0.00.0.00.01.0000 Dinas Kesehatan'`` -> Agency(code, name)."""
    text = " ".join(text.split())
    m = _UNIT_CODE.match(text)
    if m:
        return Agency(m.group("code"), m.group("name").strip())
    return Agency("", text)


def agency_in(rows: list[list]) -> Agency | None:
    """The agency named in the rows above a table (the first label found), or None."""
    return agency_at(rows)[0]


def agency_at(rows: list[list]) -> tuple[Agency | None, str | None]:
    """:func:`agency_in` and the cell whose row names it (None, None when none does)."""
    for r, row in enumerate(rows):
        cells = [text_of(v).strip() for v in row if v is not None and text_of(v).strip()]
        if not cells:
            continue
        at = cell_name(r, next(c for c, v in enumerate(row) if v is not None and
                               text_of(v).strip()))
        m = _LABEL.match(cells[0])
        if m and not _SUB_UNIT.match(cells[0]):
            rest = " ".join([m.group("rest")] + cells[1:]).strip().lstrip(":").strip()
            if rest and not _PLACEHOLDER.match(rest):
                return split_code(rest), at
            continue
        m = _TITLE.match(" ".join(cells))
        if m:
            return Agency("", " ".join(m.group("name").split())), at
    return None, None
