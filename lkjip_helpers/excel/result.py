"""What every reader returns: one :class:`SheetResult` per (sheet, agency, period), as plain records
(the ingest module builds the frames), and the reader's :class:`Warning_` notes with their cells."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..period import Agency, Period


@dataclass
class Warning_:
    file: str
    sheet: str
    cell: str
    code: str
    message: str
    agency: str | None = None    # the key of the agency it is about (ingest sets it)

    def as_dict(self) -> dict:
        return {"file": self.file, "sheet": self.sheet, "cell": self.cell, "code": self.code,
                "message": self.message, "agency": self.agency}

    def __str__(self) -> str:
        where = f", sel {self.cell}" if self.cell else ""
        return f"{self.file}, sheet {self.sheet!r}{where}: {self.message}"


def negative_amount(file: str, sheet: str, cell: str, field: str, value) -> Warning_:
    """``NEGATIVE_AMOUNT`` of a cell: ``field`` "pagu" (an error finding: a ceiling is never
    negative) or "realisasi" (a warning: a refund can make it so)."""
    from ..numbers import format_rupiah

    return Warning_(file, sheet, cell, "NEGATIVE_AMOUNT", f"{field} negatif: {format_rupiah(value)}")


@dataclass
class SheetResult:
    """What one sheet holds for one agency and one period.

    ``lines``: the budget lines (leaves: kegiatan, sub kegiatan or akun rows), each a dict with the
    keys of the ``budget_lines`` table (agency and period are added from this object);
    ``stated``: stated totals (program/kegiatan/akun subtotal rows, Total rows, footers);
    ``indicators``, ``roles`` (every non-empty row's role) and ``warnings``.
    ``month`` is None for a quarterly source; ``quarter`` is then the period itself.
    """

    file: str
    sheet: str
    year: int | None
    quarter: int | None
    lines: list[dict] = field(default_factory=list)
    stated: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)
    roles: list[dict] = field(default_factory=list)
    warnings: list[Warning_] = field(default_factory=list)
    month: int | None = None
    agency: Agency = field(default_factory=Agency)
    reader: str = ""
    period_cell: str | None = None   # the cell that states the period (a title, a periode line)
    agency_cell: str | None = None   # the cell of the row that names the agency
    # a cash plan or a budget export (excel.plan_readers): its records, and what did not add up
    plan: list[dict] = field(default_factory=list)
    plan_checks: list[dict] = field(default_factory=list)

    @property
    def period(self) -> Period:
        if self.month is not None:
            return Period.monthly(self.year, self.month)
        return Period.quarterly(self.year, self.quarter)

    def set_period(self, period: Period) -> None:
        self.year, self.month, self.quarter = period.year, period.month, period.quarter
