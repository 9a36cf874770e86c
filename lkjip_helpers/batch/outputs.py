"""The batch's outcomes: a table printed and written (``hasil.csv``), and ``index.html`` linking
every report with relative links (the period's folder can be zipped and mailed as it is)."""
from __future__ import annotations

import csv
from pathlib import Path

from ..files import atomic_write
from ..safe import escape, neutralise
from ..severity import SEVERITY_WORDS

COLUMNS = ("SKPD", "nama", "status", "detik", "temuan", "alasan")


def findings_text(findings: dict) -> str:
    """``6 kesalahan, 16 perlu diperiksa, 15 catatan`` (empty when none were counted)."""
    return ", ".join(f"{findings[s]} {SEVERITY_WORDS[s]}" for s in SEVERITY_WORDS
                     if s in findings)


def rows(outcomes: list) -> list[tuple]:
    return [(o.agency, o.name, o.status, f"{o.seconds:.1f}".replace(".", ","),
             findings_text(o.findings), o.reason) for o in outcomes]


def table_text(outcomes: list) -> str:
    """The outcomes as an aligned text table (for the console): names and reasons cut at 40
    characters (whole in ``hasil.csv``), the findings' counts whole."""
    body = [COLUMNS] + rows(outcomes)
    cut = [None if name == "temuan" else 40 for name in COLUMNS]
    widths = [min(max(len(str(r[i])) for r in body), c or 1000) for i, c in enumerate(cut)]
    return "\n".join("  ".join(str(v)[:c].ljust(w) for v, w, c in zip(r, widths, cut)).rstrip()
                     for r in body)


def write_csv(outcomes: list, path: Path) -> Path:
    def write(tmp: Path):
        with open(tmp, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(COLUMNS)
            w.writerows([tuple(neutralise(v) for v in r) for r in rows(outcomes)])

    return atomic_write(path, write)


CSS = """body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;
max-width:60rem;padding:1rem;line-height:1.45;color:#1a1a1a}h1{font-size:1.4rem}
table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{padding:.35rem .5rem;
border-bottom:1px solid #ddd;text-align:left;vertical-align:top}.gagal{color:#a50026;font-weight:600}
.ok{color:#1a6e2e}.wrap{overflow-x:auto}a{color:#0b5cad}td.n{text-align:right}
@media (max-width:40rem){thead{display:none}table,tbody,tr,td{display:block}
tr{border-bottom:1px solid #ddd;padding:.4rem 0}td{border:0;padding:.1rem 0}
td.n,td:empty{display:none}td[data-label]::before{content:attr(data-label) ": ";color:#555;
font-size:.85em}}"""  # on a phone each SKPD a block: its reason read without scrolling sideways


def index_html(title: str, outcomes: list, pemda: object | None) -> str:
    """The index page: the pemda report first, then every agency, with status and reason."""
    head = (f'<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
            f"<h1>{escape(title)}</h1>")
    ok = sum(1 for o in outcomes if o.ok)
    parts = [head, f"<p>{ok} dari {len(outcomes)} laporan SKPD berhasil dibuat"
             + (f"; {len(outcomes) - ok} gagal (alasannya di tabel)." if ok < len(outcomes)
                else ".") + "</p>"]
    if pemda is not None:
        link = ('<a href="pemda/laporan.html">Laporan pemerintah daerah</a>' if pemda.ok
                else f'<span class="gagal">Laporan pemerintah daerah gagal: '
                     f"{escape(pemda.reason)}</span>")
        parts.append(f"<p><strong>{link}</strong></p>")
    parts.append('<div class="wrap"><table><thead><tr><th>SKPD</th><th>Status</th><th>Temuan</th>'
                 "<th>Detik</th><th>Keterangan</th></tr></thead><tbody>")
    for o in outcomes:
        label = escape(o.name or o.agency)
        name = (f'<a href="{escape(o.agency)}/laporan.html">{label}</a>'
                if o.ok and "laporan.html" in o.files else label)
        extra = "".join(f' · <a href="{escape(o.agency)}/{escape(f)}">{escape(f)}</a>'
                        for f in o.files if f in ("laporan.pdf", "temuan.xlsx"))
        parts.append(f"<tr><td>{name}{extra}<br><small>{escape(o.agency)}</small></td>"
                     f'<td class="{"ok" if o.ok else "gagal"}" data-label="Status">'
                     f"{escape(o.status)}</td>"
                     + _cell("Temuan", findings_text(o.findings))
                     + f'<td class="n">{escape(f"{o.seconds:.1f}".replace(".", ","))}</td>'
                     + _cell("Keterangan", o.reason) + "</tr>")
    parts.append("</tbody></table></div></body></html>")
    return "".join(parts)


def _cell(label: str, text: str) -> str:
    """A cell, labelled for a phone's stacked rows when it holds something (an empty one is not
    shown there)."""
    return f'<td data-label="{label}">{escape(text)}</td>' if text else "<td></td>"


def write_index(title: str, outcomes: list, pemda, path: Path) -> Path:
    html = index_html(title, outcomes, pemda)
    return atomic_write(path, lambda tmp: tmp.write_text(html, encoding="utf-8"))
