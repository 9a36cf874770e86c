"""Reading a PDF's layout back for tests: the text lines of each page with their position
(poppler's ``pdftotext -bbox-layout``), and the headings or captions left alone at a page's bottom."""
from __future__ import annotations

import html as _html
import re
import subprocess
from pathlib import Path

MARGIN_PT = 16 / 25.4 * 72  # the running header and footer sit in the page's 16 mm margins
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_LINE = re.compile(r'<line xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="[\d.-]+" yMax="([\d.-]+)">'
                   r'(.*?)</line>', re.S)
_WORD = re.compile(r"<word [^>]*>(.*?)</word>", re.S)
# headings, table captions, fold summaries, and the note saying which pagu a table's figures use
_HEADS = re.compile(r'<(h[1-6]|caption|summary|p(?= class="[^"]*\bbasis\b))\b[^>]*>(.*?)</\1>',
                    re.S)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_lines(pdf: Path) -> list[list[str]]:
    """Each page's text lines between the margins, top to bottom (lines at the same height, such
    as a table's cells, left to right)."""
    doc = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    pages = []
    for _w, h, body in _PAGE.findall(doc):
        lines = []
        for x0, y0, y1, words in _LINE.findall(body):
            if float(y0) < MARGIN_PT or float(y1) > float(h) - MARGIN_PT:
                continue  # running header or footer
            text = " ".join(_html.unescape(w) for w in _WORD.findall(words))
            lines.append((round(float(y1)), float(x0), text))
        pages.append([t for *_k, t in sorted(lines)])
    return pages


def headings(page_html: str) -> list[str]:
    """The text of every heading, table caption, fold summary and table note of an HTML page."""
    out = []
    for _tag, inner in _HEADS.findall(page_html):
        text = _html.unescape(re.sub(r"<[^>]+>", " ", inner))
        if flat(text):
            out.append(" ".join(text.split()))
    return out


def stranded(pdf: Path, page_html: str) -> list[tuple[int, str]]:
    """(page number, heading) for each page whose content ends with a heading or caption: the
    heading is alone at the page's bottom, what it introduces is on the next page."""
    heads = sorted({flat(h): h for h in headings(page_html)}.items(), key=lambda kv: -len(kv[0]))
    found = []
    pages = page_lines(pdf)
    for number, lines in enumerate(pages[:-1], start=1):
        tail = flat("".join(lines[-4:]))
        for key, head in heads:
            if tail.endswith(key):
                found.append((number, head))
                break
    return found


_THEAD = re.compile(r"<thead\b.*?</thead>", re.S)


def stranded_headers(pdf: Path, page_html: str) -> list[tuple[int, str]]:
    """(page number, last lines) for each page whose content ends with a table's header row:
    the page's last lines (as many as a header of narrow columns wraps to), two words or more,
    all of them words of one table's header and starting with its first column's first word
    (a chart's axis labels, such as "TW IV" under a curve, are words of a header with quarters
    for columns, but do not start it)."""
    heads = []
    for thead in _THEAD.findall(page_html):
        words = _html.unescape(re.sub(r"<[^>]+>", " ", thead)).split()
        if words:
            heads.append((words[0], set(words)))
    found = []
    for number, lines in enumerate(page_lines(pdf)[:-1], start=1):
        for k in range(1, 7):
            last = " ".join(lines[-k:]).split()
            if len(lines) >= k and len(last) >= 2 and any(
                    last[0] == first and set(last) <= words for first, words in heads):
                found.append((number, " ".join(lines[-k:])))
                break
    return found
