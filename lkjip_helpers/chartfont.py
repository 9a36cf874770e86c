"""The charts' font in the report's page: DejaVu Sans (regular and bold), the font matplotlib
lays the charts out with, cut down to the characters of :data:`RANGES` and embedded in the page
(``@font-face``, ``data:`` URL: nothing is fetched). A chart's words then stay text, drawn by
the reader's browser in the font and at the widths they were laid out for, on a phone without
DejaVu Sans too, and found by a search of the page or of the PDF.

Drawn once, words as text, the report's five charts take two thirds of the time they took drawn
twice (glyphs as paths for the screen, words as text for print), and the page half the bytes.
A chart holding a character outside :data:`RANGES` (a name copied from a workbook may) cannot be
shown in this font: it is drawn as before, glyphs as paths for the screen and a print variant in
the installed font (:func:`covers`).

The files are made by ``scripts/make_chart_font.py`` from matplotlib's own fonts (their licence
beside them, ``data/fonts/LICENSE_DEJAVU``)."""
from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

FAMILY = "lkjip DejaVu Sans"   # the name in the page; the installed DejaVu Sans is not needed
FONTS = {400: ("DejaVuSans-lkjip.woff", "DejaVuSans.ttf"),
         700: ("DejaVuSans-Bold-lkjip.woff", "DejaVuSans-Bold.ttf")}
# the characters embedded: Latin with its accents, the spaces, dashes, quotes and signs of
# Indonesian text and numbers (thin and no-break spaces, minus, per mille, arrows, ≤ ≥, €)
RANGES = ((0x20, 0x7E), (0xA0, 0x17F), (0x2000, 0x205F), (0x20AC, 0x20AC), (0x2122, 0x2122),
          (0x2190, 0x2193), (0x2212, 0x2212), (0x2264, 0x2265))
_HERE = Path(__file__).resolve().parent / "data" / "fonts"
_TEXT = re.compile(r"<text\b[^>]*>(.*?)</text>", re.S)


def codepoints() -> set[int]:
    """Every character of :data:`RANGES`."""
    return {c for lo, hi in RANGES for c in range(lo, hi + 1)}


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    return frozenset(codepoints())


def covers(svg: bytes) -> bool:
    """Can every word of this SVG (drawn by matplotlib with its words as text) be shown in the
    embedded font? (A character DejaVu Sans lacks would not have been drawn by matplotlib
    either.)"""
    covered = _covered()
    text = svg.decode("utf-8")
    return all(ord(ch) in covered or ch in "\n\t"
               for words in _TEXT.findall(text) for ch in html.unescape(words))


@lru_cache(maxsize=1)
def font_face() -> str:
    """The ``@font-face`` rules for the page's stylesheet (about 53 KB)."""
    import base64

    rules = []
    for weight, (name, _source) in FONTS.items():
        data = base64.b64encode((_HERE / name).read_bytes()).decode("ascii")
        rules.append(f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; '
                     f'src: url(data:font/woff;base64,{data}) format("woff"); }}')
    return "\n".join(rules)
