"""How far a sheet's cells reach, from pieces of its XML, before the Excel reader sees it (the
reader allocates a grid from A1 to the farthest cell: :mod:`lkjip_helpers.limits` refuses a sheet
whose grid is beyond the limit).

The reader (calamine) places a cell by its ``r`` attribute in any form it accepts — after other
attributes, with spaces around ``=``, in single quotes, lower-case letters, leading zeros, a
character reference — and a cell without one after the cell before it (a row without ``r`` after
the row before). Two ways to measure a piece of the sheet's XML:

* :func:`fast_extent`, for the usual form every writer uses (``<c r="K15" ...>``, the reference
  the element's first attribute, no namespace prefix): the elements, attributes and references are
  found and read as arrays (numpy), without a Python object per cell. It answers ``None`` whenever
  the piece holds anything else, and then
* :class:`Extent` reads every ``<row>`` and ``<c>`` element's attributes, whatever their form
  (slower, per element; a real export never needs it but for the few cells beside other elements).
"""
from __future__ import annotations

import html
import re

_CELL = b'<c r="'
_TAG = re.compile(rb'<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>')
# an r attribute wherever it starts: after a space, or right after the quote of another
# attribute's value (the reader takes <c s="0"r="XFD1048576"> too)
_R_ATTR = re.compile(rb'(?<![\w.:-])r\s*=\s*(["\'])(.*?)\1', re.S)
_REF = re.compile(r"\s*([A-Za-z]*)\s*(\d*)\s*")
FAR = 10 ** 9         # a reference beyond any limit (too many digits to be a real one)


def fast_extent(body: bytes) -> tuple[int, int, int, bool] | None:
    """(cells, farthest row, farthest column, whether a cell may hold an error value or a formula),
    1-based, of a piece written in the usual form: every cell element ``<c r="[A-Z]{1,3}[1-9][0-9]
    {0,6}"`` with its reference first, no namespace prefix, ``r=`` nowhere else but as a row's
    reference. ``None`` for anything else (then :class:`Extent` measures the piece)."""
    import numpy as np
    from numpy.lib.stride_tricks import as_strided

    a = np.frombuffer(body + b"\0" * 32, dtype=np.uint8)
    n = len(body)
    lt = np.flatnonzero(a[:n] == 60)                 # every "<"
    nxt = a[lt + 1]
    c = lt[nxt == 99]                                # <c..., <col..., <cfRule...
    cells = c[_is_delim(a[c + 2])]                   # <c ...>, <c>, <c/>
    s = cells
    for k, ch in enumerate(_CELL[2:], start=2):     # ... each written '<c r="'
        s = s[a[s + k] == ch]
    if len(s) != len(cells):
        return None
    colon = np.flatnonzero(a[:n] == 58)              # a prefixed <x:c> or <x:row>
    if len(colon) and ((a[colon + 1] == 99) & _is_delim(a[colon + 2]) |
                       (a[colon + 1] == 114) & (a[colon + 2] == 111) & (a[colon + 3] == 119)
                       ).any():
        return None
    eq = np.flatnonzero(a[:n] == 61)                 # every "=": an r attribute is a cell's or
    before = a[eq - 1]                               # a row's reference, nothing else
    if _is_space(before).any():
        return None
    r_eq = eq[before == 114]
    after = a[r_eq - 2]                              # an r after a quote is an r too
    if (~(_is_space(after) | _is_name(after))).any():
        return None
    r_attr = int(_is_space(after).sum())
    r = lt[nxt == 114]
    rows = r[(a[r + 2] == 111) & (a[r + 3] == 119) & (a[r + 4] == 32) & (a[r + 5] == 114) &
             (a[r + 6] == 61)]
    if r_attr != len(s) + len(rows):
        return None
    f = lt[nxt == 102]
    t_eq = eq[before == 116]
    odd = bool(_is_delim(a[f + 2]).any() or      # a formula <f>, an error value t="e"
               ((a[t_eq + 2] == 101) & (a[t_eq + 3] == 34)).any())
    if not len(s):
        return 0, 0, 0, odd
    s = s + len(_CELL)
    c0, c1, c2, c3 = (a[s + k] - np.uint8(65) for k in range(4))   # A..Z: 0..25
    u1 = c1 < 26
    u2 = u1 & (c2 < 26)
    if not (c0 < 26).all() or (u2 & (c3 < 26)).any():
        return None                                  # no letter, or more than three
    col = c0.astype(np.int64) + 1
    cols = np.where(u2, (col * 26 + c1 + 1) * 26 + c2 + 1, np.where(u1, col * 26 + c1 + 1, col))
    windows = as_strided(a, shape=(len(a) - 7, 8), strides=(1, 1))   # no copy
    refs = windows[s + 1 + u1 + u2]                  # up to 7 digits and the quote
    quote = np.argmax(refs == 34, axis=1)
    leading = np.argmin((refs - np.uint8(48)) < 10, axis=1)             # digits before it
    if (quote != leading).any() or (quote < 1).any() or (refs[:, 0] == 48).any():
        return None                                  # a leading zero, no quote, not digits
    longest = quote == quote.max()
    # among the longest, the greatest number is the greatest as text: big-endian bytes
    keys = np.ascontiguousarray(refs[longest]).view(">u8").ravel()
    top = refs[longest][int(np.argmax(keys))]
    return len(s), int(bytes(top[: int(quote.max())])), int(cols.max()), odd


# what fast_extent accepts, checked by searches over the bytes (bound_extent); "\t\n\r" are
# made spaces first, as fast_extent counts them
_SPACES = bytes.maketrans(b"\t\n\r", b"   ")
_PREFIXED = re.compile(rb":(?:c[ />]|row)")                      # <x:c>, <x:row>
# an r attribute but a cell's or row's first (after a space or right after a quote)
_STRAY_R = re.compile(rb"r *=(?<!<c r=)(?<!<row r=)(?<![\w.:-]r=)")
_FORMULA = re.compile(rb"<f[ />]")
_ERROR = re.compile(rb't=.e"', re.S)
_USUAL_REF = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})"')
# a cell not written '<c r="' with a reference of at most n letters and d digits: _BEYOND[n, d]
_BEYOND = {(n, d): re.compile(rb'<c(?=[ />])(?! r="[A-Z]{1,%d}[1-9][0-9]{0,%d}")' % (n, d - 1))
           for n in (1, 2, 3) for d in range(1, 8)}
_LAST_COLUMN = {1: 26, 2: 702, 3: 18278}                         # Z, ZZ, ZZZ


def bound_extent(body: bytes, count: bool = True) -> tuple[int, int, int, bool] | None:
    """Like :func:`fast_extent` (every piece it takes, and the same with a tab or line break for
    a space or a space before another attribute's "="; the same cells and ``odd``), but the
    farthest row and column only bounded from above by the longest reference (every reference
    one letter and at most two digits: row 99, column Z). A few searches over the bytes, no
    work per cell: enough where the bound is within the limit (the caller measures exactly
    otherwise). ``None`` for any other piece. ``count`` False: the cells not counted (0)."""
    norm = body.translate(_SPACES) if b"\n" in body or b"\t" in body or b"\r" in body else body
    if _PREFIXED.search(norm) or _STRAY_R.search(norm):
        return None
    odd = _FORMULA.search(norm) is not None or _ERROR.search(body) is not None
    last = norm.rfind(b'<c r="')
    if last < 0:
        return None if _BEYOND[1, 1].search(norm) else (0, 0, 0, odd)
    cells = norm.count(b'<c r="') if count else 0
    m = _USUAL_REF.match(norm, last)      # the last cell: usually the farthest
    if m is None:
        return None
    letters, digits, pos = len(m.group(1)), len(m.group(2)), 0
    while True:   # each search goes on from the reference that widened the bound
        beyond = _BEYOND[letters, digits].search(norm, pos)
        if beyond is None:
            return cells, 10 ** digits - 1, _LAST_COLUMN[letters], odd
        m = _USUAL_REF.match(norm, beyond.start())
        if m is None:
            return None
        letters, digits = max(letters, len(m.group(1))), max(digits, len(m.group(2)))
        pos = beyond.start()


def _is_space(x):
    return (x == 32) | (x == 9) | (x == 10) | (x == 13)


def _is_name(x):
    """Bytes of an XML name: an ``r`` after one is the end of another attribute's name."""
    low = x | 32
    return ((low >= 97) & (low <= 122)) | ((x >= 48) & (x <= 58)) | (x == 95) | (x == 45) | \
        (x == 46)


def _is_delim(x):
    return _is_space(x) | (x == 62) | (x == 47)


class Extent:
    """Where the cells reach, element by element, in any form the reader accepts; fed the
    pieces of one sheet in order (a cell or row without ``r`` follows the one before)."""

    def __init__(self):
        self.row = 0          # the current row's number (1-based)
        self.col = 0          # the column of the row's last cell
        self.rows = self.cols = self.cells = 0

    def after_plain(self, rows: int) -> None:
        """A piece measured by :func:`fast_extent` came before: a row without ``r`` after it is
        counted after the farthest row so far (never less than the reader's)."""
        self.row, self.col = max(self.row, rows), 0

    def feed(self, body: bytes) -> None:
        for m in _TAG.finditer(body):
            closing, name, attrs = m.groups()
            if closing:
                continue
            ref = _ref(attrs)
            if name == b"row":
                digits = ref[1] if ref is not None else ""
                self.row = _number(digits) if digits else self.row + 1
                self.col = 0
                continue
            self.cells += 1
            letters, digits = ref if ref is not None else ("", "")
            col = _column(letters) if letters else self.col + 1
            row = _number(digits) if digits else self.row
            self.row, self.col = max(self.row, row) if not digits else row, col
            self.rows, self.cols = max(self.rows, row), max(self.cols, col)


def _ref(attrs: bytes) -> tuple[str, str] | None:
    """The (letters, digits) of an element's ``r`` attribute (the largest, were there two)."""
    found = _R_ATTR.findall(attrs)
    if not found:
        return None
    refs = []
    for _, value in found:
        text = value.decode("utf-8", "replace")
        m = _REF.fullmatch(html.unescape(text) if "&" in text else text)
        refs.append((m.group(1), m.group(2)) if m else ("ZZZZ", "9" * 10))   # unreadable: far
    return max(refs, key=lambda r: (_column(r[0]) if r[0] else 0, _number(r[1]) if r[1] else 0))


def _column(letters: str) -> int:
    if len(letters) > 4:
        return FAR
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def _number(digits: str) -> int:
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= 9 else FAR
