"""The report's sections as HTML blocks, one function per notebook cell. Every text that comes from a
workbook is HTML-escaped (pandas' Styler would not escape it); figures are inline SVG, so the report
travels as one file and opens offline. How things look to a reader (tables that stack on a phone,
findings message first, folding) is in :mod:`lkjip_helpers.present`. Every figure is computed from the budget
lines (the true sums); stated figures appear only where they differ, as findings."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pandas as pd

from . import plan_report
from .basis import on_basis, short
from .numbers import format_as_written, format_percent, format_rupiah
from .period import row_labels as _labels
from .pipeline import Analysis, analyse, quarter_ends
from .present import PEFA_PI2, PEFA_SCORE, counts, findings_block, fold, kinds, where
from .present import table as _table
from .safe import escape
from .severity import SEVERITY_WORDS
from .svg import variants

ROMAN = ("I", "II", "III", "IV")


class Block:
    """HTML that a notebook cell displays (and nbconvert keeps as text/html)."""

    def __init__(self, html: str):
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def _rp(v) -> str:
    return format_rupiah(v)  # "–" when missing


def _p(v, d=1) -> str:
    return format_percent(v, d)  # "–" when missing


def table(df: pd.DataFrame, numeric: tuple[str, ...] = (), caption: str | None = None,
          css: str = "", head: str | None = None, total_last: bool = False) -> str:
    """An escaped HTML table (see :func:`lkjip_helpers.present.table`)."""
    return _table(df, numeric, caption, css, head, total_last)


# the report's charts: key -> (how to draw it from the analysis, its alt text); matplotlib is
# imported only when a chart is drawn here (a kernel given the worker's charts never imports it)
def _charts():
    from . import charts

    return charts


CHARTS = {
    "program": (lambda an: _charts().pagu_realisasi_per_program(an.at(on_basis(an.rec.programs)),
                                                                an.year, an.quarter,
                                                                an.period.long_label),
                "Pagu (dasar laporan) dan realisasi per program"),
    "curve": (lambda an: plan_report.figure(an.rec, an.year)
              if plan_report.has_plan(an.rec, an.year)
              else _charts().absorption_curve(on_basis(an.rec.totals), an.year),
              "Penyerapan kumulatif dibanding rencana kas (atau garis lurus bila tidak ada)"),
    "refocusing": (lambda an: _charts().refocusing(quarter_ends(an.rec.programs), an.year),
                   "Pagu per program tiap triwulan"),
    "indicators": (lambda an: _charts().indicator_capaian(an.kinerja.indicators),
                   "Capaian indikator menurut kategori"),
    "scatter": (lambda an: _charts().capaian_vs_penyerapan(an.kinerja.indicators),
                "Capaian dibanding penyerapan"),
}


def figure(an: Analysis, key: str) -> str:
    """A chart embedded in the page (inline SVG): the report stays one file. Drawn here, or taken
    from ``an.charts`` or the handoff when it was drawn beforehand (see :func:`draw_charts`): each
    chart comes as soon as it is drawn, so the first chart's cell does not wait for the last. Its
    words are text in the page's embedded font; a chart with a character that font lacks comes
    in two variants, glyphs as paths for the screen and words as text for print (see
    :func:`lkjip_helpers.charts.page_svgs`)."""
    make, alt = CHARTS[key]
    if key not in an.charts and an.handoff:
        from .handoff import fetch

        an.charts.update(fetch(an.handoff, chart_name(key)) or {})
    if key not in an.charts:
        an.charts.update(_draw(make(an), key))
    svgs = variants(an.charts[key], an.charts.get(PRINT.format(key)), key, alt)
    return f"<figure>{svgs}</figure>"


PRINT = "{}.print"  # a print variant's key in ``Analysis.charts`` (see charts.page_svgs)


def chart_name(key: str) -> str:
    """The name a chart is handed over under (:mod:`lkjip_helpers.handoff`)."""
    return f"chart:{key}"


def _draw(fig, key: str) -> dict[str, bytes]:
    svg, printed = _charts().page_svgs(fig)
    return {key: svg} if printed is None else {key: svg, PRINT.format(key): printed}


def draw_charts(an: Analysis, keys=None):
    """Every chart the report shows (of ``keys``; None: all), in the report's order: ``(key,
    {key: SVG})``, or ``{key: screen SVG, key.print: print SVG}`` (see :func:`figure`), one at a
    time."""
    rated = an.kinerja is not None and an.year_end  # ratings are year-end figures
    for k in CHARTS:
        if keys is not None and k not in keys:
            continue
        if rated or k not in ("indicators", "scatter"):
            yield k, _draw(CHARTS[k][0](an), k)


def load(year: int, quarter: int | str, raw_dir: str, scale: str | None = None,
         bands: str | None = None, negatif_cap: float | None = None,
         prepared: str = "", processed_dir: str = "", agency: str = "",
         month: int | None = None, manifest: str = "") -> Analysis:
    """The analysis behind the report (paths relative to the project folder).

    ``prepared``: the address of a :class:`~lkjip_helpers.handoff.Handoff` where ``lkjip report``
    (or a batch worker) hands over the same analysis and its charts, made in another process while
    the kernel starts; this waits for it. When it is absent, was made for other parameters, or its
    producer failed or died (said at once), the analysis is made here — and a bad workbook fails
    in this cell, with its message. ``processed_dir``: the tables ``lkjip ingest`` wrote, read
    instead of the raw folder while they were made from exactly its files. ``agency``: the agency
    of the report when the data hold several (its code or name). ``month`` (1-12; 0 or None: by
    quarter): a monthly source's report of that month. ``manifest``: the agency and period of
    the files it lists (a batch's agency)."""
    from .config import resolve
    from .prepare import analysis_key

    q = None if str(quarter).lower() == "auto" else int(quarter)
    if prepared:
        from .handoff import fetch

        got = fetch(prepared, "analysis")
        if got is not None and got[0] == analysis_key(year, quarter, raw_dir, scale, bands,
                                                      negatif_cap, month):
            return got[1]
    return analyse([resolve(raw_dir)], int(year), q, scale=scale or None,
                   bands=resolve(bands) if bands else None, negatif_cap=negatif_cap,
                   processed=resolve(processed_dir) if processed_dir else None,
                   agency=agency or "", month=int(month) if month else None,
                   manifest=resolve(manifest) if manifest else None)


def _period(an: Analysis) -> str:
    return an.period.long_label


def _totals(an: Analysis):
    return an.at(an.rec.totals).iloc[0]


def _step(an: Analysis) -> str:
    """What one step of the series is called: ``triwulan``, or ``bulan`` for a monthly source."""
    return "bulan" if an.month else "triwulan"


# ------------------------------------------------------------------ sections
def title(an: Analysis, agency: str = "") -> Block:
    name = agency or an.agency
    made = dt.datetime.now().strftime("%d-%m-%Y %H:%M")
    return Block(f'<header class="lk-title"><h1>Laporan Anggaran dan Kinerja</h1>'
                 f'<p class="lk-sub agency">{escape(name)}</p>'
                 f'<p class="lk-sub period">Tahun {an.year}, sampai dengan '
                 f'{_until(an)}</p><p class="src">dibuat {made}</p></header>')


def _until(an: Analysis) -> str:
    return an.period.label if an.month else f"Triwulan {ROMAN[an.quarter - 1]}"


def on_track(kategori: str | None, bands: dict, quarter: int) -> tuple[str, str]:
    """(css class, words) for a band: the two highest are on track, the middle one lags a
    little, the rest lag."""
    labels = [label for label, _ in bands["quarters"][quarter]] + [bands["lowest"]]
    if kategori not in labels:
        return "", "belum dapat dinilai"
    i = labels.index(kategori)
    return ("ok", "sesuai jalur") if i <= 1 else ("", "agak tertinggal") if i == 2 else \
        ("bad", "tertinggal")


def _headline(an: Analysis):
    """The headline absorption on the budget basis (lkjip_helpers.basis), with the other bases."""
    from .basis import Headline, headline

    t = _totals(an)
    if "pagu_dasar" not in t.index:  # an analysis made without the basis: the sheet's own pagu
        return Headline(f"pagu lembar {_period(an)}", t["pagu"], t["realisasi"], t["penyerapan"],
                        None if pd.isna(t["kategori"]) else t["kategori"])
    annual = next((a.file for a in an.data.annuals if f"_{an.year}" in a.file), "") \
        if an.kinerja is not None else ""
    return headline(an.rec.kegiatan, t, an.year, an.quarter, annual)


def summary(an: Analysis) -> Block:
    """The first screen: how much was spent of what (and which pagu), whether that is on track
    for the quarter, what is wrong; then the figures as cards, what is missing, the band table."""
    head = _headline(an)
    bands = an.rec.bands
    tw = an.period.label
    cls, words = on_track(head.kategori, bands, an.quarter)
    bounds = ", ".join(f"{escape(label)} mulai {format_percent(lower, 0)}"
                       for label, lower in bands["quarters"][an.quarter][:2])
    c = counts(an.findings)
    html = [f'<div class="status {cls}">',
            f'<p class="lead">Sampai akhir {tw} {an.year} terserap <b>{_rp(head.realisasi)}</b> '
            f'dari pagu <b>{_rp(head.pagu)}</b>: <b>{_p(head.penyerapan)}</b>.</p>',
            f'<p class="src basis">Dasar: {escape(head.label)}.</p>']
    for o in head.others:
        html.append(f'<p class="src basis-other">Terhadap {escape(o.label)} {_rp(o.pagu)} '
                    f'penyerapan {_p(o.penyerapan)}: {escape(o.why)}.</p>')
    against_plan = plan_report.to_date(an.rec, an.year, an.month) if an.month else ""
    if an.period.closes_quarter:
        html.append(f"<p><b>{escape(words.capitalize())}</b>: untuk akhir {tw} penyerapan ini "
                    f"tergolong <b>{escape(head.kategori or '–')}</b> ({bounds}).</p>")
    elif not against_plan:  # the band table judges the end of a quarter only
        html.append(f"<p><b>Belum dapat dinilai</b>: tabel rentang kategori menilai akhir "
                    f"triwulan saja, dan tidak ada rencana kas untuk menilai akhir {tw}.</p>")
    html.append(against_plan)
    if c["error"]:
        top = "; ".join(f"{n} {escape(label[:1].lower() + label[1:])}"
                        for label, n in kinds(an.findings, "error")[:2])
        first = an.findings[an.findings["severity"] == "error"].iloc[0]
        html.append(f'<p><b>Yang perlu diperbaiki: {c["error"]} kesalahan</b> pada lembar kerja '
                    f"({top}, …). Yang pertama:</p>"
                    f'<p class="first-finding">{escape(first["message"])} '
                    f'<span class="where">({where(first)})</span></p>'
                    f'<p><a href="#temuan">Lihat semua temuan</a></p>')
    else:
        html.append("<p><b>Tidak ada kesalahan</b> pada lembar kerja.</p>")
    html.append("</div>")
    cards = [
        ("Pagu", _rp(head.pagu), escape(head.label)),
        ("Realisasi", _rp(head.realisasi), f"kumulatif s.d. {_period(an)}"),
        ("Penyerapan", _p(head.penyerapan), f"kategori <b>{escape(head.kategori or '–')}</b>"),
        ("Temuan", f"{c['error']} kesalahan",
         f"{c['warning']} perlu diperiksa · {c['info']} catatan"),
    ]
    if an.kinerja is not None and an.year_end:
        ind = an.kinerja.indicators
        by = ind["kategori"].fillna("tidak dinilai").value_counts()
        cards.append(("Indikator", f"{len(ind)} IKU",
                      " · ".join(f"{n} {escape(k)}" for k, n in by.items())
                      + _indicator_doubts(an.findings)))
    elif an.kinerja is not None:
        cards.append(("Indikator", f"{len(an.kinerja.indicators)} IKU",
                      "target tahun ini; capaian dinilai pada laporan TW IV"))
    html.append('<div class="cards">')
    for label, value, note in cards:
        # an amount may go to the next line after its "Rp" in a narrow card, never inside it
        shown = (f'Rp <span class="amt">{escape(value[3:])}</span>' if value.startswith("Rp ")
                 else escape(value))
        html.append(f'<div class="card"><div class="lbl">{escape(label)}</div>'
                    f'<div class="val">{shown}</div><div class="note">{note}</div></div>')
    html.append("</div>")
    for m in an.missing:
        html.append(f'<p class="warn">Tidak lengkap: {escape(m)}.</p>')
    html.append(f'<p class="src">Batas kategori penyerapan: {escape(bands["source"])}</p>')
    return Block("".join(html))


# findings that put an indicator's figures or rating in doubt
INDICATOR_CODES = ("CAPAIAN_MISMATCH", "CAPAIAN_RULE_MISMATCH", "POLARITY_SUSPECT",
                   "INDICATOR_BLANK")


def _indicator_doubts(findings: pd.DataFrame) -> str:
    """The indicator card's warning, on a line of its own: its ratings stand on figures the
    findings question (``angka indikator: 5 kesalahan, 2 perlu diperiksa (lihat temuan)``), or
    nothing."""
    if findings is None or not len(findings):
        return ""
    f = findings[findings["code"].isin(INDICATOR_CODES)]
    n = f["severity"].value_counts()
    parts = [f"{n[s]} {SEVERITY_WORDS[s]}" for s in ("error", "warning") if n.get(s)]
    return (f'<br><span class="doubt">angka indikator: {", ".join(parts)} '
            '(<a href="#temuan">lihat temuan</a>)</span>') if parts else ""


def _sheet_pagu(g: pd.DataFrame) -> dict:
    """The sheet's own pagu beside the basis, where they differ anywhere in the table."""
    if "pagu_lembar" not in g.columns or all(a == b for a, b in zip(g["pagu"], g["pagu_lembar"])):
        return {}
    return {"Pagu di lembar": [_rp(v) for v in g["pagu_lembar"]],
            "Penyerapan terhadap pagu lembar": [_p(v) for v in g["penyerapan_lembar"]]}


def _basis_note(g: pd.DataFrame) -> str:
    if "dasar" not in g.columns or not len(g):
        return ""
    kinds = sorted(set(g["dasar"]))
    return f'<p class="src basis">Pagu dan penyerapan: {escape("; ".join(kinds))}.</p>'


def budget_by_program(an: Analysis) -> Block:
    from .basis import on_basis

    p = on_basis(an.rec.programs)
    g = an.at(p).sort_values("program_no")
    rows = pd.DataFrame({
        "Program": [f"{int(n)}. {p}" for n, p in zip(g["program_no"], g["program"])],
        "Penyerapan": [_p(v) for v in g["penyerapan"]],
        "Pagu": [_rp(v) for v in g["pagu"]],
        "Realisasi": [_rp(v) for v in g["realisasi"]],
        f"Realisasi dalam {_step(an)}": [_rp(v) for v in g["realisasi_increment"]],
        **_sheet_pagu(g),
    })
    return Block(figure(an, "program") + _basis_note(g) +
                 table(rows, ("Pagu", "Realisasi", "Penyerapan", f"Realisasi dalam {_step(an)}",
                              "Pagu di lembar", "Penyerapan terhadap pagu lembar"), head="Program"))


def absorption(an: Analysis) -> Block:
    t = on_basis(an.rec.totals)
    t = t[t["year"] == an.year].sort_values(["quarter", "month"] if "month" in t.columns
                                            else "quarter")
    step = _step(an)
    rows = pd.DataFrame({
        step.capitalize(): _labels(t),
        "Pagu": [_rp(v) for v in t["pagu"]],
        "Realisasi kumulatif": [_rp(v) for v in t["realisasi"]],
        f"Realisasi dalam {step}": [_rp(v) for v in t["realisasi_increment"]],
        "Penyerapan": [_p(v) for v in t["penyerapan"]],
        "Kategori": list(t["kategori"]),
        **({"Dasar": [short(d) for d in t["dasar"]]} if "dasar" in t.columns else {}),
        **_sheet_pagu(t),
    })
    # a long basis in words under the table, not in a narrow cell many lines tall
    notes = ([f"{label} ({short(d)}): {_after_label(d)}."
              for label, d in zip(_labels(t), t["dasar"]) if short(d) not in ("", d)]
             if "dasar" in t.columns else [])
    return Block(figure(an, "curve") +
                 table(rows, ("Pagu", "Realisasi kumulatif", f"Realisasi dalam {step}",
                              "Penyerapan", "Pagu di lembar", "Penyerapan terhadap pagu lembar"),
                       head=step.capitalize()) +
                 "".join(f'<p class="src">Dasar {escape(n)}</p>' for n in notes) +
                 plan_report.block(an.rec, an.year))


def _after_label(basis: str) -> str:
    """A basis in words without the short label :func:`short` gave it ('pagu berlaku: pagu
    lembar TW III, kecuali …' → 'pagu lembar TW III, kecuali …'; a mix stays whole)."""
    text = str(basis)
    label = short(text)
    return text[len(label) + 2:] if text.startswith(label + ": ") else text


def refocusing(an: Analysis) -> Block:
    rec = an.rec
    html = [figure(an, "refocusing")]
    v = rec.versions[rec.versions["year"] == an.year]
    if len(v) > 1:
        html.append("<p>Lembar-lembar triwulan memakai " + str(len(v)) + " versi pagu: " +
                    "; ".join(f"versi {int(r.version)} ({escape(r.quarters)}) {_rp(r.pagu)}"
                              for r in v.itertuples()) + ".</p>")
    pc = rec.program_changes[rec.program_changes["year"] == an.year]
    if len(pc):
        step = "month" if an.month else "quarter"   # a monthly source changes month by month
        totals = pc.groupby(step)["change"].apply(lambda s: sum(s, Decimal(0)))
        q = int(totals.map(lambda x: abs(x)).astype(float).idxmax())
        g = pc[pc[step] == q].sort_values("change", key=lambda s: s.map(float))
        pefa = rec.pefa[(rec.pefa["year"] == an.year)
                        & (rec.pefa[step] == q).fillna(False).astype(bool)]
        at = _labels(g.head(1))[0]
        html.append(f"<p>Perubahan pagu terbesar terjadi di {at}: jumlahnya {_rp(totals[q])} "
                    "(bagian tiap program di tabel di bawah).</p>")
        if len(pefa):
            score = str(pefa.iloc[0]["score"])
            html.append(f"<p>Pergeseran susunan anggaran antar kegiatan (PEFA PI-2): "
                        f"<b>{_p(pefa.iloc[0]['variance_pct'])}</b>, skor <b>{escape(score)}</b>"
                        f" — {escape(PEFA_SCORE.get(score, ''))}.</p>"
                        f'<p class="explain">{escape(PEFA_PI2)}</p>')
        rows = pd.DataFrame({
            "Program": _numbered(g, an.at(rec.programs), rec.programs[rec.programs[step] == q]),
            "Pagu sebelum": [_rp(x) for x in g["pagu_before"]],
            "Pagu sesudah": [_rp(x) for x in g["pagu_after"]],
            "Perubahan": [_rp(x) for x in g["change"]],
            "Perubahan (%)": [_p(x) for x in g["change_pct"]],
            "Porsi dari total perubahan": [_p(x) for x in g["share_of_change_pct"]]})
        html.append(table(rows, ("Pagu sebelum", "Pagu sesudah", "Perubahan", "Perubahan (%)",
                                 "Porsi dari total perubahan"),
                          caption=f"Perubahan pagu di {at}", head="Program"))
    else:
        html.append(f"<p>Pagu tidak berubah antar {_step(an)}.</p>")
    return Block("".join(html))


def _numbered(changes: pd.DataFrame, *sources: pd.DataFrame) -> list[str]:
    """Each changed program named as the program table names it ("3. Pembinaan Lingkungan
    Sosial": two programs may share a name): its number from the first of ``sources`` (the
    report's period, then the change's) that has the program."""
    keys = ["agency_code", "program_key"]
    numbers: dict[tuple, int] = {}
    for src in reversed(sources):
        if set(keys + ["program_no"]) <= set(src.columns):
            numbers.update({_key(k): n for k, n in zip(src[keys].itertuples(index=False,
                                                                            name=None),
                                                        src["program_no"]) if not pd.isna(n)})
    if not set(keys) <= set(changes.columns):
        return list(changes["program"])
    return [f"{int(numbers[_key(k)])}. {name}" if _key(k) in numbers else name
            for k, name in zip(changes[keys].itertuples(index=False, name=None),
                               changes["program"])]


def _key(values: tuple) -> tuple:
    """A key with its absent parts alike (None, NaN), as basis.on_basis keys its rows."""
    from .numbers import is_missing

    return tuple(None if is_missing(v) else v for v in values)


def indicators(an: Analysis) -> Block:
    if an.kinerja is None:
        return Block('<p class="warn">Capaian indikator belum dapat dihitung: workbook tahunan '
                     f"kinerja_{an.year}.xlsx tidak ada.</p>")
    k = an.kinerja
    if not an.year_end:
        return _targets(an)
    html = [figure(an, "indicators"), figure(an, "scatter")]
    rows = pd.DataFrame({
        "Indikator": [f"IKU {n}. {t}" for n, t in zip(k.indicators["no"],
                                                      k.indicators["indikator"])],
        "Target": [format_as_written(v) for v in k.indicators["target"]],
        "Realisasi": [format_as_written(v) for v in k.indicators["realisasi"]],
        "Capaian": [_p(v) for v in k.indicators["capaian"]],
        "Kategori": [f"{a or '–'}" + (f" ({b})" if b else "") for a, b in
                     zip(k.indicators["kategori"], k.indicators["kategori_catatan"])],
        "Rumus": k.indicators["capaian_rumus"]})
    html.append(table(rows, ("Capaian",), head="Indikator"))
    if k.scale:
        html.append(f'<p class="src">Skala penilaian: {escape(k.scale.source)}</p>')
    if k.scale_issues:
        html.append('<p class="warn">Skala ini tidak rapi: ' + escape("; ".join(k.scale_issues)) +
                    "</p>")
    return Block("".join(html))


def _targets(an: Analysis) -> Block:
    """An early quarter's report shows the year's targets, never year-end ratings."""
    k = an.kinerja.indicators
    rows = pd.DataFrame({"IKU": k["no"], "Indikator": k["indikator"], "Target": k["target"],
                         "Target akhir Renstra": k["target_renstra"],
                         "Polaritas": k["polaritas"]})
    return Block(f"<p>Target indikator tahun {an.year} (Perjanjian Kinerja). Capaian tahunan "
                 f"dinilai pada laporan TW IV; laporan {_period(an)} tidak menilainya.</p>"
                 + table(rows))


def findings(an: Analysis) -> Block:
    """First what kinds of finding there are and how many (in words), then every finding, message
    first, with its file › sheet › cell: errors open, the rest folded."""
    return Block(f'<div id="temuan">{findings_block(an.findings)}</div>')


def chapter3(an: Analysis) -> Block:
    if an.kinerja is None:
        return Block('<p class="warn">Tabel Bab III membutuhkan workbook tahunan '
                     f"kinerja_{an.year}.xlsx.</p>")
    if not an.year_end:
        return Block("<p>Tabel Bab III (capaian kinerja tahunan) disajikan pada laporan TW IV.</p>")
    from .tables import TITLES, indicator_tables, tabel_3_2

    tabs = indicator_tables(an.kinerja, an.year)
    html = []
    for key, df in tabs.items():
        letter = key.rsplit(".", 1)[1]
        html.append(table(df, tuple(c for c in df.columns if c != "Indikator"),
                          caption=f"Tabel {key} {TITLES[letter]}", head="Indikator"))
    t32 = tabel_3_2(an.kinerja)
    html.append(table(t32, ("Pagu Anggaran", "Realisasi", "% (tertulis)", "% (dihitung)"),
                      caption=f"Tabel 3.2 Realisasi Anggaran Tahun {an.year}", head="Kegiatan",
                      total_last=True))
    n_ind = len(an.kinerja.indicators)
    return Block('<p class="src">Tanda ≠: angka tertulis di dokumen berbeda dari hasil hitung. '
                 "Angka yang disalin dari lembar ditulis dengan gaya Indonesia, dengan jumlah "
                 "desimal seperti aslinya.</p>"
                 '<p class="src">Efisiensi (Tabel 3.1.x.G): rasio = penyerapan anggaran ÷ capaian '
                 "kinerja × 100, dan efisiensi = 100 − rasio (cara yang lazim di LKjIP); "
                 "Efisiensi PMK 214/2017 (Peraturan Menteri Keuangan) membandingkan realisasi "
                 "dengan anggaran yang sepadan dengan capaiannya (pagu × capaian, capaian paling "
                 "banyak 100%). Pada keduanya, makin besar makin hemat; di bawah 0 berarti "
                 "anggaran terpakai lebih banyak daripada capaiannya.</p>" +
                 fold(f'Tabel 3.1.x.A–G dan Tabel 3.2 <span class="n">({len(tabs) + 1} tabel, '
                      f"{n_ind} indikator, {len(t32) - 1} kegiatan)</span>", "".join(html)))


def kegiatan(an: Analysis) -> Block:
    from .basis import on_basis

    k = on_basis(an.rec.kegiatan)
    g = an.at(k)
    sub = g["sub_kegiatan"] if "sub_kegiatan" in g.columns else pd.Series(dtype=object)
    three = bool(sub.notna().any())  # sub kegiatan: the third level, where the sheets have it
    rows = pd.DataFrame({
        "Kegiatan": g["kegiatan"], **({"Sub kegiatan": sub.fillna("")} if three else {}),
        "Program": g["program"],
        "Penyerapan": [_p(v) for v in g["penyerapan"]],
        "Pagu": [_rp(v) for v in g["pagu"]], "Realisasi": [_rp(v) for v in g["realisasi"]],
        f"Dalam {_step(an)}": [_rp(v) for v in g["realisasi_increment"]], **_sheet_pagu(g)})
    what = "kegiatan dan sub kegiatan" if three else "kegiatan"
    return Block(fold(f'Tabel anggaran per {what} <span class="n">({len(rows)} '
                      "baris)</span>" if three else
                      f'Tabel anggaran per kegiatan <span class="n">({len(rows)} '
                      "kegiatan)</span>",
                      _basis_note(an.at(an.rec.totals)) +
                      table(rows, ("Pagu", "Realisasi", "Penyerapan", f"Dalam {_step(an)}",
                                   "Pagu di lembar", "Penyerapan terhadap pagu lembar"),
                            head="Kegiatan")))


def sources(an: Analysis) -> Block:
    bl = an.data.budget_lines
    keys = ["source_file", "source_sheet", "year", "quarter"] + (["month"] if an.month else [])
    src = bl.groupby(keys).size().reset_index(name="n")
    rows = pd.DataFrame({"File": src["source_file"], "Sheet": src["source_sheet"],
                         _step(an).capitalize(): _labels(src),
                         "Baris kegiatan": src["n"]})
    extra = "".join(f"<li>{escape(a.file)} (workbook tahunan)</li>" for a in an.data.annuals)
    from . import __version__

    return Block(table(rows, ("Baris kegiatan",)) +
                 (f"<ul>{extra}</ul>" if extra else "") +
                 f'<p class="src">Dibuat {dt.datetime.now():%d-%m-%Y %H:%M} dengan lkjip '
                 f"{escape(__version__)}. Semua angka dihitung dari baris kegiatan; angka tertulis "
                 "(subtotal, total, catatan kaki) yang berbeda tercantum sebagai temuan.</p>")


def save_findings_workbook(an: Analysis, output_dir: str | None, force: bool = False) -> Block:
    """The findings workbook beside the report (only when ``output_dir`` is given; not again when
    lkjip report's worker writes it, unless ``force``)."""
    if not output_dir:
        return Block("")
    path = Path(output_dir) / "temuan.xlsx"
    if force or an.findings_workbook != str(path):  # else the worker writes it
        import dataclasses

        from .reconcile.export import write_findings_workbook

        rec = dataclasses.replace(an.rec, findings=an.findings)  # quarterly and annual findings
        write_findings_workbook(rec, an.data, path)
    return Block(f'<p class="src">Workbook temuan untuk analis: {escape(path.name)} '
                 "(di folder yang sama dengan laporan ini).</p>")
