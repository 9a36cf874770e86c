"""Text that leaves the workbook safely: no formula injection in xlsx or CSV, HTML escaped, control
characters made visible on the terminal and replaced where a format forbids them."""
from __future__ import annotations

import html
import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# C0 and C1 controls, DEL, line/paragraph separators and the bidirectional overrides that can
# reorder what a terminal shows
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# what the xlsx format (XML 1.0) cannot hold; tab, newline and carriage return it can
_XLSX_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# a field separator (comma or semicolon: Excel's list separator in Indonesia) or a line break
# followed by what a spreadsheet reads as the start of a formula
_CSV_CELL_START = re.compile(r"([,;\t\r\n]\s*)([=+\-@])")
_HTML_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")  # json.dumps keeps
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xff else f"\\u{code:04x}"


def printable(text) -> str:
    """``text`` for the terminal: every control character shown as an escape (``\\x1b``,
    ``\\n``), so a cell or file name can neither move the cursor nor break the line."""
    return _CONTROL.sub(lambda m: _visible(m.group()), "" if text is None else str(text))


def json_printable(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``, which escapes only C0) with the
    remaining controls escaped as ``\\uXXXX`` too."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def neutralise(text):
    """For CSV: a text that a spreadsheet could read as a formula — starting with = + - @ (or a
    tab/CR), or holding a comma, semicolon or line break followed by one of them (a cell of its
    own when the file is opened with the other list separator) — gets an apostrophe before each
    such start. Other values pass unchanged. Write the CSV with every field quoted, too."""
    if not isinstance(text, str):
        return text
    text = _CSV_CELL_START.sub(r"\1'\2", text)
    if text.lstrip(" ").startswith(FORMULA_START):
        return "'" + text
    return text


def xlsx_text(value):
    """``(value, changed)``: text with the characters xlsx cannot hold replaced by their visible
    escapes (a NUL or ESC in a kegiatan name would make the whole workbook unwritable)."""
    if isinstance(value, str) and _XLSX_FORBIDDEN.search(value):
        return _XLSX_FORBIDDEN.sub(lambda m: _visible(m.group()), value), True
    return value, False


def set_text(cell, value) -> bool:
    """Write ``value`` into an openpyxl cell; text is always stored as text, never as a formula
    (openpyxl would turn ``=...`` into one), and marked quote-prefixed so Excel keeps it text.
    Returns True when characters xlsx forbids had to be replaced (the caller warns)."""
    value, changed = xlsx_text(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True
    return changed


def escape(text) -> str:
    """HTML-escape any value for the report (control characters, which HTML forbids, shown as
    escapes)."""
    text = "" if text is None else str(text)
    return html.escape(_HTML_CONTROL.sub(lambda m: _visible(m.group()), text), quote=True)
