"""The report's Renja section (every quarter): the indicators across the quarters by their
aggregation type, with the rule beside each result, and the Permendagri 86/2017 evaluation form in
short, with ``evaluasi_renja.xlsx`` (the whole form) written beside the report. Plain, escaped
HTML through :func:`lkjip_helpers.sections.table`."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd

from .numbers import format_as_written, format_percent, format_rupiah
from .pipeline import Analysis
from .present import fold
from .renja import ABSENT, RenjaForm, build
from .safe import escape
from .period import ROMAN, tw
from .sections import Block, table

FILE = "evaluasi_renja.xlsx"


def forms_of(an: Analysis) -> list[RenjaForm]:
    """One form per agency, as of the analysis's quarter. An agency's annual workbook is the
    one of its name (or the only one, for a single agency); the indicator evaluation
    (``an.kinerja``) belongs to the year's first annual workbook."""
    from .reconcile.matching import normalise

    annuals = [a for a in an.data.annuals if f"_{an.year}" in a.file] or an.data.annuals[:1]
    lines = an.rec.lines
    groups = lines.groupby(["agency_code", "agency_name"], dropna=False, sort=True)
    scale = an.kinerja.scale if an.kinerja is not None else None
    out = []
    for (code, name), part in groups:
        name = "" if name is None or (not isinstance(name, str) and pd.isna(name)) else name
        if groups.ngroups == 1:
            annual = annuals[0] if annuals else None
        else:
            annual = next((a for a in annuals if normalise(a.summary.get("nama_pd", "")) ==
                           normalise(name)), None)
        kin = an.kinerja if annual is not None and annuals and annual is annuals[0] else None
        basis, label = _basis(an) if groups.ngroups == 1 else ({}, "")
        form = build(part, annual, kin, an.year, an.quarter,
                     (an.agency if groups.ngroups == 1 else "") or name, scale, basis)
        form.month, form.basis = an.month, label
        out.append(form)
    return out


def _basis(an: Analysis) -> tuple[dict, str]:
    """The report's budget basis (docs/budget-basis.md) per kegiatan and quarter, for column 7,
    and the period's basis in words; empty where the report has none (monthly sources, several
    agencies: the sheets' own pagu)."""
    k, totals = an.rec.kegiatan, an.rec.totals
    if "pagu_dasar" not in k.columns or "dasar" not in totals.columns:
        return {}, ""
    basis = {(int(key), int(y), int(q)): v for key, y, q, v in
             zip(k["kegiatan_key"], k["year"], k["quarter"], k["pagu_dasar"]) if v is not None}
    now = totals[(totals["year"] == an.year) & (totals["quarter"] == an.quarter)]
    return basis, (str(now["dasar"].iloc[0]) if len(now) else "")


def form_of(an: Analysis) -> RenjaForm:
    """The form of the analysis's (first) agency."""
    return forms_of(an)[0]


def k_text(v, satuan: str = "") -> str:
    """A K value the Indonesian way (``70,31``; a level as written; the absent word kept)."""
    if v is None:
        return ""
    if isinstance(v, Decimal):
        body = f"{v.normalize():f}".replace(".", ",")
        return body + ("%" if satuan.strip() == "%" else "")
    return str(v)


def _pct(v) -> str:
    return format_percent(v, 2) if isinstance(v, Decimal) else ("" if v is None else str(v))


def _rp(v) -> str:
    return format_rupiah(v) if isinstance(v, Decimal) else ("" if v is None else str(v))


def quarterly_indicators(an: Analysis) -> str:
    """Each PK indicator in one row: its target, then each quarter's realisasi to date (by the
    indicator's aggregation type) with its capaian, and the quarter's own value where it is not
    the year to date (summed, or empty); the rules, and why a cell shows "–", once under the
    table (they were a long text in each of the indicator-by-quarter rows)."""
    if an.kinerja is None or an.kinerja.quarterly is None or not len(an.kinerja.quarterly):
        return ""
    q = an.kinerja.quarterly
    q = q[q["quarter"] <= an.quarter]
    quarters = sorted({int(x) for x in q["quarter"]})
    if not quarters:
        return ""
    rows, rules, dashes = [], {}, {}
    for no, part in q.groupby("no", sort=True):
        first = part.iloc[0]
        row = {"IKU": no, "Indikator": first["indikator"],
               "Tipe": f"{first['tipe_agregasi']} ({first['tipe_sumber']})",
               # values as the sheets wrote them, in the Indonesian style ("70.31%" → "70,31%")
               "Target": format_as_written(first["target"])}
        by_q = {int(r["quarter"]): r for r in part.to_dict("records")}
        for quarter in quarters:
            r = by_q.get(quarter)
            text, why = _quarter_cell(r)
            row[tw(quarter)] = text
            if why:
                dashes.setdefault(why, {}).setdefault(no, []).append(quarter)
        rules.setdefault(first["rumus"], []).append(no)
        rows.append(row)
    # the quarters' cells are short sentences: left-aligned and free to wrap (a number column
    # keeps its text on one line on a wide screen, and four of them pushed the table sideways)
    body = table(pd.DataFrame(rows), (), caption="Indikator kinerja per triwulan: realisasi "
                 "s.d. triwulan dan capaiannya", head="Indikator")
    lines = [f"Cara menghitung ({_which(nos, len(rows))}) — {rule}."
             for rule, nos in rules.items()]
    lines += [f"Capaian – ({_where(at)}): {why}." for why, at in dashes.items()]
    if any(str(r["Tipe"]).endswith("(ditebak)") for r in rows):
        lines.append("(ditebak): kolom Tipe Agregasi di sheet PK kosong; tipe dibaca dari nama "
                     "dan nilai indikator (lihat temuan).")
    return body + "".join(f'<p class="warn">{escape(t)}</p>' for t in _against_annual(an)) + \
        "".join(f'<p class="src">{escape(t)}</p>' for t in lines)


def _against_annual(an: Analysis) -> list[str]:
    """Where an indicator's year to date in the quarterly sheets differs from the annual
    table's realisasi (the finding ``CAPAIAN_MISMATCH`` of field ``realisasi``), a line under
    the table: the chapter on indicator achievement uses the annual table, this one the
    sheets, and the reader should not meet two verdicts unexplained."""
    f = getattr(an, "findings", None)
    if f is None or not len(f) or "field" not in f.columns:
        return []
    f = f[(f["code"] == "CAPAIAN_MISMATCH") & (f["field"] == "realisasi")
          & (f["quarter"].fillna(0) <= an.quarter)]
    return [f"Berbeda dengan tabel tahunan: {m} Bagian Capaian indikator kinerja memakai tabel "
            "tahunan; periksa mana yang benar (lihat temuan)." for m in f["message"]]


def _quarter_cell(r) -> tuple[str, str]:
    """A quarter's cell, and why its capaian is "–" (empty when there is one): '70,31%; capaian
    81,76%' ("capaian" kept with its value), '50 (triwulan ini 20); capaian 50,00%' for a
    summed type, '300 (triwulan ini kosong); capaian …' where the latest value is carried,
    '– (triwulan ini 20)' where the year to date cannot be summed; a note beside a capaian
    ('tercapai', 'dibatasi pada 120%') in brackets after it."""
    if r is None:
        return "–", "indikator tidak ada di lembar triwulan itu"
    to_date, value = format_as_written(r["realisasi_sd"]), format_as_written(r["nilai_triwulan"])
    note = r["catatan"] if isinstance(r["catatan"], str) and r["catatan"] else ""
    own = ("" if value == to_date else " (triwulan ini kosong)" if value == "–" else
           f" (triwulan ini {value})")
    if not isinstance(r["capaian_sd"], Decimal):  # None (or NaN in a frame): not computed
        why = note.replace(": ", ", ") or "capaian tidak dapat dihitung"
        return (f"–{own}" if to_date == "–" else f"{to_date}{own}; capaian\u00a0–"), why
    return (f"{to_date}{own}; capaian\u00a0{_pct(r['capaian_sd'])}" +
            (f" ({note})" if note else "")), ""


def _which(nos: list, total: int) -> str:
    """'semua indikator', or 'IKU 1, 3'."""
    return "semua indikator" if len(nos) == total else "IKU " + ", ".join(map(str, nos))


def _where(at: dict) -> str:
    """'IKU 2, 3 TW I–IV; IKU 4 TW II' from each indicator's quarters."""
    spans: dict[str, list] = {}
    for no, qs in at.items():
        qs = sorted(qs)
        span = (f"{tw(qs[0])}–{ROMAN[qs[-1] - 1]}"
                if len(qs) > 2 and qs == list(range(qs[0], qs[-1] + 1))
                else ", ".join(tw(x) for x in qs))
        spans.setdefault(span, []).append(no)
    return "; ".join(f"IKU {', '.join(map(str, nos))} {span}" for span, nos in spans.items())


def form_table(form: RenjaForm) -> str:
    rows = pd.DataFrame({
        "No": [r["no"] for r in form.rows],
        "Program / Kegiatan": [r["nama"] for r in form.rows],
        "Indikator": [r["indikator"] for r in form.rows],
        "Target Renja K (7)": [k_text(r["k7"], r["satuan"]) for r in form.rows],
        "Realisasi K (12)": [k_text(r["k12"], r["satuan"]) for r in form.rows],
        "Capaian K (13)": [_pct(r["k13"]) for r in form.rows],
        "Kategori K": [r["rating_k"] for r in form.rows],
        "Pagu (7)": [_rp(r["rp7"]) for r in form.rows],
        "Realisasi Rp (12)": [_rp(r["rp12"]) for r in form.rows],
        "Capaian Rp (13)": [_pct(r["rp13"]) for r in form.rows],
        "Kategori Rp": [r["rating_rp"] for r in form.rows],
        "Capaian Renstra K (15)": [_pct(r["k15"]) for r in form.rows],
    })
    body = table(rows, ("Target Renja K (7)", "Realisasi K (12)", "Capaian K (13)", "Pagu (7)",
                        "Realisasi Rp (12)", "Capaian Rp (13)", "Capaian Renstra K (15)"),
                 caption=f"Evaluasi hasil Renja s.d. {form.until} {form.year} "
                         f"(Permendagri 86/2017), ringkas{' — ' + form.agency if form.agency else ''}",
                 head="Program / Kegiatan")
    n_prog = sum(1 for r in form.rows if r["level"] == "program" and r["first"])
    n_keg = sum(1 for r in form.rows if r["level"] != "program" and r["first"])
    return fold(f'Formulir evaluasi Renja <span class="n">({n_prog} program, {n_keg} '
                "kegiatan)</span>", body)


def renja_section(an: Analysis, output_dir: str | None = None) -> Block:
    """The section; with ``output_dir``, ``evaluasi_renja.xlsx`` is written there too."""
    forms = forms_of(an)
    form = forms[0]
    html = [quarterly_indicators(an), *(form_table(f) for f in forms),
            f'<p class="src">{escape(ABSENT)}: masukan tidak ada di lembar triwulan maupun sheet '
            f"Renja workbook tahunan (bukan nol). Kategori: {escape(form.scale.source)}</p>",
            '<p class="src">K = kinerja (indikator), Rp = anggaran; angka dalam kurung = nomor '
            "kolom formulir Permendagri 86/2017. Kategori Rp di sini memakai skala tahunan itu; "
            "kategori penyerapan di Ringkasan memakai batas per triwulan aplikasi monitoring "
            "(tertulis di bawah Ringkasan), jadi penyerapan yang sama bisa bernama lain di "
            "kedua tempat.</p>"]
    if form.basis:
        html.append(f'<p class="src">Pagu (7) dan Capaian Rp (13) terhadap dasar laporan: '
                    f"{escape(form.basis)}, seperti di seluruh laporan ini (pagu yang ditulis "
                    "lembar triwulan ada di tabel anggaran per kegiatan).</p>")
    numbering = _numbering_note(forms, an)
    if numbering:
        html.append(f'<p class="src">{escape(numbering)}</p>')
    html += [f'<p class="warn">{escape(n)}</p>' for n in form.notes]
    if output_dir:
        path = save_renja_workbook(an, output_dir, forms)
        html.append(f'<p class="src">Formulir lengkap (kolom 1–17, K dan Rp, rumus pemeriksa): '
                    f"{escape(path.name)} (di folder yang sama dengan laporan ini).</p>")
    return Block("".join(html))


def _numbering_note(forms: list[RenjaForm], an: Analysis) -> str:
    """Where the form numbers a program otherwise than the program table and its chart, one
    line saying so and why, with the first program whose numbers differ; empty when they
    agree, when that program's name is not unique, or for several agencies (several forms)."""
    if len(forms) != 1:
        return ""
    form, p = forms[0], an.at(an.rec.programs)
    sheet: dict[str, list[int]] = {}
    for n, name in zip(p["program_no"], p["program"]):
        sheet.setdefault(str(name), []).append(int(n))
    for r in form.rows:
        if r["level"] != "program" or not r["first"] or not r["nama"]:
            continue
        theirs = sheet.get(str(r["nama"]), [])
        if len(theirs) == 1 and str(theirs[0]) != str(r["no"]):
            why = ("mengikuti urutan workbook tahunan (Program Ke, seperti Tabel 3.2)"
                   if form.annual_numbers else
                   "dinomori ulang berurutan (1, 2, 3, …) menurut lembar triwulan")
            return (f"Nomor program di formulir ini {why}, tabel dan grafik anggaran per program "
                    f"memakai nomor program dari lembar triwulan: mis. '{r['nama']}' nomor "
                    f"{r['no']} di formulir ini, nomor {theirs[0]} di tabel anggaran per program.")
    return ""


def save_renja_workbook(an: Analysis, output_dir: str, forms: list[RenjaForm] | None = None,
                        force: bool = False) -> Path:
    """``evaluasi_renja.xlsx`` in ``output_dir`` (its path returned); not again when lkjip
    report's worker writes it (``an.renja_workbook``), unless ``force``."""
    path = Path(output_dir) / FILE
    if force or an.renja_workbook != str(path):
        from .renja_xlsx import write

        write(forms if forms is not None else forms_of(an), path)
    return path
