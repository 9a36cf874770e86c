"""How the report shows things to people: tables that stack on a phone, findings message first
(where in smaller type, the kind in words, the code only as a small tag), folded long sections
with their counts, and the jargon explained once in plain words. HTML only; every text that comes
from a workbook is escaped here."""
from __future__ import annotations

import math
import re

import pandas as pd

from .reconcile.findings import CODES, SEVERITIES
from .safe import escape
from .severity import SEVERITY_LABEL, SEVERITY_WORDS  # noqa: F401 - also read from here

ROMAN = ("I", "II", "III", "IV")

# jargon, explained once where it appears
PEFA_PI2 = ("PEFA PI-2 (kerangka penilaian pengelolaan keuangan publik internasional) mengukur "
            "seberapa jauh susunan anggaran per kegiatan bergeser dari rencana awal, tanpa menghitung "
            "perubahan totalnya: di bawah 5% skor A, di bawah 10% skor B, di bawah 15% skor C, "
            "15% ke atas skor D (pergeseran besar).")
PEFA_SCORE = {"A": "susunan anggaran hampir tidak bergeser",
              "B": "pergeseran kecil", "C": "pergeseran cukup besar",
              "D": "pergeseran besar: rencana awal tidak lagi menggambarkan anggaran"}


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and pd.isna(v))


def kind_label(code: str) -> str:
    """The kind of a finding in words (from the one table of codes)."""
    return CODES.get(code, code)


def quarter_label(q) -> str:
    return "tahunan" if _missing(q) else f"TW {ROMAN[int(q) - 1]}"


def table(df: pd.DataFrame, numeric: tuple[str, ...] = (), caption: str | None = None,
          css: str = "", head: str | None = None, total_last: bool = False) -> str:
    """An escaped HTML table. On a phone each row stacks, each value under its column's name
    (``data-label``); ``head`` names the column shown first, in bold, without a label. Tables of
    seven columns or more go on landscape pages in print, each column as wide as its text asks
    (:func:`col_widths`)."""
    cols = list(df.columns)
    wide = len(cols) >= 7
    classes = " ".join(c for c in ("stack", css, "wide" if wide else "") if c)
    num = ' class="num"'
    th = "".join(f"<th{num if c in numeric else ''}>{escape(c)}</th>" for c in cols)
    texts = [[str(c)] for c in cols]
    body = []
    n = len(df)
    for i, row in enumerate(df.itertuples(index=False)):
        cells = []
        for j, (c, v) in enumerate(zip(cols, row)):
            text = "" if _missing(v) else v
            texts[j].append(str(text))
            if c == head:
                cells.append(f'<td class="head">{escape(text)}</td>')
                continue
            cls = (' class="num words"' if _WORDS.search(str(text).replace("Rp", "")) else
                   ' class="num"') if c in numeric else ""
            label = f' data-label="{escape(c)}"' if text != "" else ""
            cells.append(f"<td{cls}{label}>{escape(text)}</td>")
        tr = '<tr class="total">' if total_last and i == n - 1 else "<tr>"
        body.append(tr + "".join(cells) + "</tr>")
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    widths = col_widths(texts, wide)
    # a short table is printed on one page (report.css)
    box = "tbl short" if printed_lines(texts, widths, wide) <= SHORT_LINES else "tbl"
    return (f'<div class="{box}"><table class="{classes}">{cap}{colgroup(widths)}'
            f'<thead><tr>{th}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')


# a table of at most this many printed lines (header and rows, about a third of a landscape
# page) is not split across two pages in print
SHORT_LINES = 20


def printed_lines(columns: list[list[str]], widths: list[float], wide: bool) -> int:
    """About how many lines a table takes in print: each row (the header first) as many as its
    longest cell needs in its column's width (:func:`col_widths`)."""
    chars = [max(1.0, w / 100 * LINE_CHARS[wide]) for w in widths]
    return sum(max(math.ceil(len(col[i]) / c) if col[i] else 1 for col, c in zip(columns, chars))
               for i in range(len(columns[0]))) if columns else 0


# a number column's cell that has words in it ("tidak tersedia"): it may wrap (report.css)
_WORDS = re.compile(r"[^\W\d_]")

# characters of 8 pt text a table's line holds in print: A4 portrait, landscape (report.css)
LINE_CHARS = {False: 115, True: 170}


def colgroup(widths: list[float]) -> str:
    """``<colgroup>`` of :func:`col_widths` (read by the print's fixed table layout)."""
    return "<colgroup>" + "".join(f'<col style="--w: {w:.1f}%">' for w in widths) + \
        "</colgroup>"


# a word as the page keeps it on one line: an amount with its "Rp" (see page._amounts_whole),
# words joined by a no-break space ("capaian\u00a081,76%")
_WORD = re.compile(r"-?Rp\s+-?[\d.,]+|(?:[^\s]|\u00a0)+")


def col_widths(columns: list[list[str]], wide: bool = False) -> list[float]:
    """Each column's share of a printed table's width, in percent (the fixed table layout takes
    them from ``<col>``; equal shares cut a long text into a narrow column, many pages tall).
    ``columns``: each column's texts, its header first. A column gets at least its longest word
    (up to 24 characters; a bold header's a fifth wider), and the room left on the line goes to
    the columns with more to say (their mean text, up to 50 characters)."""
    need, want = [], []
    for texts in columns:
        word = max([len(w) * 1.2 for w in texts[0].split()] +
                   [len(w) for t in texts[1:] for w in _WORD.findall(t)] + [1])
        body = texts[1:] or texts
        need.append(max(min(word, 24), 3) + 2)
        want.append(max(need[-1], min(sum(map(len, body)) / len(body), 50) + 2))
    room = LINE_CHARS[wide]
    if sum(need) >= room or sum(want) <= room:
        w = need if sum(need) >= room else want
    else:
        f = (room - sum(need)) / (sum(want) - sum(need))
        w = [n + (x - n) * f for n, x in zip(need, want)]
    return [100 * x / sum(w) for x in w]


def fold(summary: str, body: str, opened: bool = False, css: str = "") -> str:
    """A long part folded (``<details>``, no script); ``summary`` is HTML with its count."""
    cls = f' class="{css}"' if css else ""
    return f'<details{" open" if opened else ""}><summary{cls}>{summary}</summary>{body}</details>'


def where(r) -> str:
    """'TW IV · file › sheet › cell' for a finding row."""
    parts = [escape(x) for x in (r.source_file, r.source_sheet) if not _missing(x) and x]
    cell = "" if _missing(r.source_cell) or not r.source_cell else \
        f" › <b>{escape(r.source_cell)}</b>"
    return f"{quarter_label(r.quarter)} · {' › '.join(parts)}{cell}"


def finding_rows(f: pd.DataFrame) -> str:
    """The findings as a table of people's reading: the message, then the kind with its code as
    a small tag, then where; on a phone each finding is a card in that order."""
    body = []
    for r in f.itertuples(index=False):
        body.append(
            f'<tr class="{escape(r.severity)}"><td class="msg">{escape(r.message)}</td>'
            f'<td class="kind-cell"><span class="kind">{escape(kind_label(r.code))}</span> '
            f'<code class="code">{escape(r.code)}</code></td>'
            f'<td class="where">{where(r)}</td></tr>')
    return ('<div class="tbl"><table class="stack findings"><thead><tr><th>Temuan</th>'
            '<th>Jenis</th><th>Letak (file › sheet › sel)</th></tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def counts(f: pd.DataFrame) -> dict[str, int]:
    return {s: int((f["severity"] == s).sum()) for s in SEVERITIES}


def counts_text(f: pd.DataFrame) -> str:
    """'6 kesalahan · 16 perlu diperiksa · 15 catatan'."""
    c = counts(f)
    return " · ".join(f"{c[s]} {SEVERITY_WORDS[s]}" for s in SEVERITIES)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def kinds(f: pd.DataFrame, severity: str) -> list[tuple[str, int]]:
    """(kind in words, how many) of one severity, most frequent first."""
    g = f[f["severity"] == severity]["code"].value_counts()
    return [(kind_label(code), int(n)) for code, n in g.items()]


def findings_block(f: pd.DataFrame) -> str:
    """First what kinds there are and how many, then every finding: errors open, the rest
    folded, each summary line with its count."""
    if not len(f):
        return "<p>Tidak ada temuan: angka-angka lembar sesuai satu sama lain.</p>"
    html = []
    for sev in SEVERITIES:
        ks = kinds(f, sev)
        if ks:
            n = sum(k for _, k in ks)
            items = "".join(f"<li>{k} {escape(_lower_first(label))}</li>" for label, k in ks)
            html.append(f'<p class="kind-head"><b>{n} {SEVERITY_WORDS[sev]}</b></p>'
                        f'<ul class="kinds">{items}</ul>')
    for sev in SEVERITIES:
        g = f[f["severity"] == sev]
        if len(g):
            html.append(fold(f'{SEVERITY_LABEL[sev]} <span class="n">({len(g)})</span>',
                             finding_rows(g), opened=sev == "error", css=sev))
    return "".join(html)
