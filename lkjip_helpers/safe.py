"""Text that leaves the workbook safely: no formula injection in xlsx or CSV, HTML escaped."""
from __future__ import annotations

import html

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text):
    """For CSV: a text starting with = + - @ (or a tab/CR) gets a leading apostrophe, so no
    spreadsheet reads it as a formula. Other values pass unchanged."""
    if isinstance(text, str) and text.startswith(FORMULA_START):
        return "'" + text
    return text


def set_text(cell, value) -> None:
    """Write ``value`` into an openpyxl cell; text is always stored as text, never as a formula
    (openpyxl would turn ``=...`` into one), and marked quote-prefixed so Excel keeps it text."""
    from openpyxl.styles import Alignment  # noqa: F401  (import check only)

    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True


def escape(text) -> str:
    """HTML-escape any value for the report."""
    return html.escape("" if text is None else str(text), quote=True)
