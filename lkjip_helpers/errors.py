"""The package's exceptions. Each names where the problem is: file, sheet and cell."""
from __future__ import annotations

from pathlib import Path


class LkjipError(Exception):
    """A problem with the user's input, told in one line; the CLI exits with status 2."""

    exit_status = 2

    def __init__(self, message: str, file: str | Path | None = None,
                 sheet: str | None = None, cell: str | None = None):
        super().__init__(message)
        self.message = message
        self.file = Path(file).name if file is not None else None
        self.sheet = sheet
        self.cell = cell

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.sheet is not None:
            where.append(f"sheet {self.sheet!r}")
        if self.cell:
            where.append(f"sel {self.cell}")
        return (", ".join(where) + ": " if where else "") + self.message


class WorkbookError(LkjipError):
    """The file cannot be opened as a workbook (corrupt, encrypted, wrong format)."""


class LayoutError(LkjipError):
    """The sheet lacks what is needed: a header, a column, a recognisable period."""


class CellError(LkjipError):
    """A cell holds something other than what its column needs (e.g. not an amount)."""


class ConfigError(LkjipError):
    """A mapping or settings file is invalid."""
