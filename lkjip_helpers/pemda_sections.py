"""The pemda report's sections as escaped HTML, one function per cell of ``notebooks/pemda.ipynb``.
Everything is computed once in :func:`load` from the batch's pemda input (each agency's series,
status and findings); the sections only lay it out. Every pemda figure is pagu-weighted."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from . import pemda
from .numbers import format_percent, format_rupiah
from .period import Period
from .projection import METHOD_LABELS, Projection, project, reference_pool
from .safe import escape
from .sections import Block, table
from .severity import SEVERITY_LABEL

DUPLICATE = " is also in "      # ingest's message for a second sheet of the same period
FIGURE_LIMIT = 60              # SKPD drawn in the heatmap and the S-curves (a province has 1.500)


def period_label(year: int, month: int, cadence: str) -> str:
    """``TW IV 2024`` for quarterly sources (month 12), ``November 2024`` for monthly ones."""
    return (Period.quarterly(year, month // 3) if cadence == "Q"
            else Period.monthly(year, month)).long_label


@dataclass
class PemdaView:
    inp: object                    # batch.summary.PemdaInput
    table: pd.DataFrame            # pemda.absorption_table
    projections: list[Projection]
    ranked: pd.DataFrame
    quality: pd.DataFrame
    warnings: pd.DataFrame
    totals: dict
    projection: dict
    tolerance: dict
    names: dict
    links: dict
    reports_dir: str
    step: int


def load(pemda_input: str, reports_dir: str = "..", threshold: str = "90",
         tolerance: str = "") -> PemdaView:
    """The pemda input written by ``lkjip batch`` (see :mod:`lkjip_helpers.batch.summary`),
    with the rankings, projections and warnings computed."""
    from .batch.summary import load as load_input

    inp = load_input(pemda_input)
    tol = pemda.load_tolerance(tolerance or None)
    step = 3 if inp.cadence == "Q" else 1
    series = inp.series
    t = pemda.absorption_table(series, inp.month, tol, step)
    pool = list(inp.history) + [s for s in series if s.months]
    projections = [project(s, inp.month, reference_pool(s, pool)) for s in series]
    failed = {a["code"]: a["reason"] for a in inp.agencies if a["status"] != "berhasil"}
    findings = pd.DataFrame([{"agency": a["code"], "severity": sev}
                             for a in inp.agencies for sev, n in a["findings"].items()
                             for _ in range(n)], columns=["agency", "severity"])
    q = pemda.quality(t, findings,
                      refused={c: 1 for c, r in failed.items() if DUPLICATE not in r},
                      duplicates={c: [r] for c, r in failed.items() if DUPLICATE in r})
    return PemdaView(inp, t, projections, pemda.ranking(t, projections), q,
                     pemda.early_warning(t, projections, threshold, inp.month),
                     pemda.totals(t), pemda.pemda_projection(t, projections), tol,
                     {a["code"]: a["name"] or a["code"] for a in inp.agencies},
                     {a["code"]: a["link"] for a in inp.agencies}, reports_dir, step)


def _rp(v) -> str:
    return "–" if v is None else format_rupiah(v)


def _p(v) -> str:
    return "–" if v is None or (isinstance(v, float) and pd.isna(v)) else format_percent(v)


def _name(v: PemdaView, code: str) -> str:
    """The agency's name, linked to its report when it was made (relative link)."""
    name = escape(v.names.get(code, code))
    link = v.links.get(code)
    return f'<a href="{escape(v.reports_dir)}/{escape(link)}">{name}</a>' if link else name


def _html_table(head: list[str], rows: list[list[str]], numeric: set[int] = frozenset(),
                title: int = 0) -> str:
    """A table of cells already escaped (links inside). Phone-first like the agency report
    (``table.stack``): at a phone's width each row becomes a card, its first cell the card's title
    and every other value under its column's name (``data-label``); no sideways scrolling. In
    print as the agency report's tables (:func:`lkjip_helpers.present.table`): each column as wide
    as its text asks, and seven columns or more on a landscape page."""
    import html
    import re

    from .present import col_widths, colgroup

    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    texts = [[h] + [html.unescape(re.sub(r"<[^>]+>", " ", r[i])) for r in rows]
             for i, h in enumerate(head)]
    wide = len(head) >= 7

    def td(i: int, c: str) -> str:
        cls = " ".join(k for k, on in (("head", i == title), ("num", i in numeric)) if on)
        return (f'<td class="{cls}"' if cls else "<td") + \
            ("" if i == title or c == "" else f' data-label="{escape(head[i])}"') + f">{c}</td>"

    body = "".join("<tr>" + "".join(td(i, c) for i, c in enumerate(r)) + "</tr>" for r in rows)
    return (f'<div class="tbl"><table class="stack{" wide" if wide else ""}">'
            f"{colgroup(col_widths(texts, wide))}<thead><tr>{th}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>")


def _svg(fig, alt: str, key: str, wide: bool = False) -> str:
    """A figure inline in the page (as in the agency report: sized by the page's CSS). ``wide``
    (the heatmap, one column per month): on a phone it keeps its drawn width, at which its text is
    11 px or more, and scrolls inside its own box — the page itself never scrolls sideways."""
    from .charts import page_svgs
    from .svg import variants

    svg = variants(*page_svgs(fig), key, alt)
    if not wide:
        return f"<figure>{svg}</figure>"
    width = round(fig.get_figwidth() * 72)  # px at which 1 pt of the figure is 1 px
    svg = svg.replace("<svg", f'<svg style="--min-w: {width}px"', 1)
    return f'<figure class="wide">{svg}</figure>'


def _interval(p: Projection | None) -> str:
    if p is None or p.value is None:
        return "–"
    return f"{_p(p.value)} ({_p(p.low)}–{_p(p.high)})"


def title(v: PemdaView) -> Block:
    inp = v.inp
    name = inp.name or "Pemerintah Daerah"
    return Block(f'<header class="lk-title"><h1>Laporan Realisasi Anggaran Seluruh SKPD</h1>'
                 f'<p class="lk-sub agency">{escape(name)}</p><p class="lk-sub period">Sampai '
                 f"dengan {escape(period_label(inp.year, inp.month, inp.cadence))}</p></header>")


def summary(v: PemdaView) -> Block:
    t, p = v.totals, v.projection
    ok = sum(1 for a in v.inp.agencies if a["status"] == "berhasil")
    n = len(v.inp.agencies)
    unknown = int(v.quality["unknown"].sum())
    rows = [("Pagu seluruh SKPD", _rp(t["pagu"])), ("Realisasi", _rp(t["realisasi"])),
            ("Penyerapan pemda", _p(t["absorption"])),
            ("Proyeksi akhir tahun", "–" if p["value"] is None else
             f"{_p(p['value'])} (rentang {_p(p['low'])}–{_p(p['high'])})"),
            ("SKPD dilaporkan", f"{ok} dari {n}" + (f" ({n - ok} gagal)" if ok < n else "")),
            ("SKPD tidak dapat dinilai (data bermasalah)", str(unknown)),
            ("Peringatan dini", f"{len(v.warnings)} SKPD")]
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(val)}</td></tr>" for k, val in rows)
    return Block(f'<div class="tbl"><table class="kv">{cells}</table></div>'
                 "<p>Persentase pemda = jumlah realisasi seluruh SKPD dibagi jumlah pagunya "
                 "(ditimbang pagu), <strong>bukan</strong> rata-rata persentase SKPD: SKPD "
                 "berpagu besar berbobot sesuai pagunya. Proyeksi pemda = jumlah proyeksi SKPD "
                 "× pagunya, dibagi jumlah pagu.</p>")


def ranking(v: PemdaView) -> Block:
    by = {p.agency: p for p in v.projections}
    rows = []
    for r in v.ranked.itertuples(index=False):
        p = by.get(r.agency)
        known = _p(r.absorption) != "–"  # without realisasi, nothing to compare with a target
        rows.append([escape("" if r.rank is None else r.rank),
                     _name(v, r.agency) + (f"<br><small>pagu {escape(_rp(r.pagu))}</small>"
                                           if r.pagu is not None else ""),
                     escape(_p(r.absorption)) + (f"<br><small>dari {escape(_p(r.target))} "
                                                 f"({escape(r.basis)})</small>" if known else ""),
                     escape(_p(r.against_plan)), escape(_p(r.deviation)),
                     f"{escape(_interval(p))}<br><small>"
                     f"{escape(METHOD_LABELS[p.method] if p else '–')}</small>"])
    head = ["#", "SKPD", "Penyerapan", "Thd. pembanding", "Deviasi",
            "Proyeksi Desember (rentang)"]
    return Block("<p>Diurutkan menurut penyerapan terhadap rencana kas sampai periode ini (100% = "
                 "sesuai rencana); SKPD tanpa rencana kas dibandingkan dengan titik tengah rentang "
                 "toleransi bulanan. Deviasi = (pembanding − penyerapan) / pembanding × 100: "
                 "positif berarti tertinggal.</p>" + _html_table(head, rows, {2, 3, 4}, title=1))


def early_warning(v: PemdaView) -> Block:
    w = v.warnings
    if not len(w):
        return Block("<p>Tidak ada SKPD yang batas atas proyeksinya di bawah ambang.</p>")
    rows = [[_name(v, r.agency), escape(_p(r.absorption)), escape(_p(r.projection)),
             escape(_p(r.high)), "<br>".join(escape(x) for x in r.reasons)]
            for r in w.itertuples(index=False)]
    thr = _p(w["threshold"].iloc[0])
    return Block(f"<p>SKPD yang batas atas proyeksi akhir tahunnya di bawah {escape(thr)} dari "
                 "pagu, bila tidak ada yang berubah:</p>" +
                 _html_table(["SKPD", "Penyerapan", "Proyeksi", "Batas atas", "Alasan"], rows,
                             {1, 2, 3}))


def shown(v: PemdaView, limit: int = FIGURE_LIMIT) -> list[str]:
    """The SKPD the figures draw, in the ranking's order: all of them up to ``limit``; beyond, the
    ``limit`` furthest behind their plan (lowest absorption against it) — a figure of 1.500 rows
    is neither drawn in seconds nor read; every SKPD stays in the tables."""
    order = list(v.ranked["agency"])
    if len(order) <= limit:
        return order
    rated = v.ranked[v.ranked["against_plan"].notna()]
    behind = set(rated.sort_values("against_plan", key=lambda c: c.map(float),
                                   kind="stable")["agency"].head(limit))
    return [a for a in order if a in behind]


def _left_out(v: PemdaView, drawn: list[str]) -> str:
    n = len(v.ranked)
    if len(drawn) == n:
        return ""
    return (f"<p>Gambar ini memuat {len(drawn)} dari {n} SKPD: yang paling tertinggal dari "
            "pembandingnya. Seluruh SKPD ada di tabel peringkat dan tabel kualitas data.</p>")


def heatmap(v: PemdaView) -> Block:
    from .pemda_charts import heatmap as draw

    months = list(range(v.step, v.inp.month + 1, v.step))
    order = shown(v)
    keep = set(order)
    series = [s for s in v.inp.series if s.agency in keep]
    grid = {}
    for m in months:
        t = pemda.absorption_table(series, m, v.tolerance, v.step)
        t = t[t["month"] == m]
        grid[m] = dict(zip(t["agency"], t["against_plan"]))
    df = pd.DataFrame({m: [grid[m].get(a) for a in order] for m in months},
                      index=[v.names.get(a, a) for a in order]).astype(float)
    return Block(_svg(draw(df, "Penyerapan terhadap pembanding (%), per SKPD per periode"),
                      "Peta panas penyerapan terhadap rencana", "heatmap", wide=True) +
                 "<p>Merah: tertinggal dari rencana; biru: mendahului; – : tidak diunggah.</p>" +
                 _left_out(v, order))


def curves(v: PemdaView) -> Block:
    from .pemda_charts import s_curves

    by = {p.agency: p for p in v.projections}
    band_ms = list(range(1, 13))
    lo = [float(v.tolerance["months"][m][0]) for m in band_ms]
    hi = [float(v.tolerance["months"][m][1]) for m in band_ms]
    items = []
    drawn = shown(v)
    by_code = {s.agency: s for s in v.inp.series}
    for s in (by_code[a] for a in drawn):
        ms = [m for m in s.months if m <= v.inp.month]
        p = by.get(s.agency)
        plan_ms = sorted(m for m in s.plan if s.pagu.get(m))
        items.append({"name": v.names.get(s.agency, s.agency), "months": ms,
                      "absorption": [float(s.absorption(m)) for m in ms],
                      "plan_months": plan_ms,
                      "plan": [float(s.plan[m] / s.pagu[m] * 100) for m in plan_ms],
                      "band": None if plan_ms else (band_ms, lo, hi),
                      "projection": None if p is None or p.value is None
                      else (float(p.value), float(p.low), float(p.high))})
    return Block(_svg(s_curves(items, v.inp.month), "Kurva S penyerapan per SKPD", "curves") +
                 "<p>Biru: penyerapan kumulatif; garis putus-putus: rencana kas; abu-abu: rentang "
                 "toleransi; jingga: proyeksi Desember dengan rentangnya.</p>" +
                 _left_out(v, drawn))


def quality(v: PemdaView) -> Block:
    reasons = {a["code"]: a["reason"] for a in v.inp.agencies if a["status"] != "berhasil"}
    rows = []
    for r in v.quality.itertuples(index=False):
        status = "tidak dapat dinilai" if r.unknown else "dapat dinilai"
        note = reasons.get(r.agency, "")
        rows.append([escape(r.rank), _name(v, r.agency), escape(status)] +
                    [escape(x) for x in (r.refused, r.error, r.warning, r.info, r.missing,
                                         r.duplicate, r.stale, r.pagu_versions)] + [escape(note)])
    head = ["#", "SKPD", "Status", "Berkas ditolak",
            *(SEVERITY_LABEL[s] for s in ("error", "warning", "info")),
            "Periode hilang", "Periode ganda", "Periode berulang", "Versi pagu", "Alasan"]
    return Block("<p>SKPD yang berkasnya ditolak atau mengandung kesalahan tidak tertinggal dan "
                 "tidak mendahului: angkanya <strong>belum dapat dinilai</strong> sampai lembarnya "
                 "diperbaiki. Urutan: yang paling bermasalah lebih dulu.</p>" +
                 _html_table(head, rows, set(range(3, 11)), title=1))


def shifts(v: PemdaView) -> Block:
    t = v.table[v.table["pagu_changes"] > 0]
    if not len(t):
        return Block("<p>Tidak ada SKPD yang pagunya berubah sampai periode ini.</p>")
    rows = []
    for r in t.itertuples(index=False):
        pct = None if not r.pagu_first else r.pagu_change / r.pagu_first * 100
        rows.append([_name(v, r.agency), escape(_rp(r.pagu_first)), escape(_rp(r.pagu_latest)),
                     escape(_rp(r.pagu_change)), escape(_p(pct)), escape(r.pagu_changes)])
    total = sum(t["pagu_change"], Decimal(0))
    return Block(_html_table(["SKPD", "Pagu awal", "Pagu terakhir", "Perubahan", "%", "Kali berubah"],
                             rows, {1, 2, 3, 4, 5}) +
                 f"<p>Jumlah perubahan pagu: {escape(_rp(total))}.</p>")


def method(v: PemdaView) -> Block:
    return Block("<p>Proyeksi akhir tahun: dari rencana kas SKPD sendiri bila ada; bila tidak, dari "
                 "pola SKPD lain dan tahun-tahun sebelumnya (median dan persentil 10–90 bagian sisa "
                 "pagu yang terserap sampai Desember); bila pembanding kurang dari lima, garis "
                 "lurus — perkiraan kasar yang selalu diberi label, karena belanja daerah menumpuk "
                 "di akhir tahun. Rentang toleransi bulanan: "
                 f"{escape(v.tolerance['source'])}.</p>")
