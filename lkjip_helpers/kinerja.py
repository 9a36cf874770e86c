"""The LKjIP chapter III computation: each indicator's capaian, rating, year-on-year change, progress
to the Renstra target, budget per sasaran and its share, kinerja against anggaran and efficiency;
the year's budget table; and the findings where a stated figure differs from the computed one.

Stated values are compared at their printed precision (rounding or truncation passes), like the
quarterly percentages."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import pandas as pd

from .aggregation import LABELS
from .annual import Annual
from .indicator_quarters import evaluate_quarters
from .indicators import (Scale, capaian, check_scale, efficiency_pmk, efficiency_seed,
                         Value, load_scale, parse_value, progress, rate)
from .numbers import format_as_written
from .reconcile.findings import Finding, pct, rp, tw
from .reconcile.matching import match_names, normalise


@dataclass
class Kinerja:
    indicators: pd.DataFrame   # one row per PK indicator: stated and computed side by side
    budget: pd.DataFrame       # Tabel 3.2: one row per kegiatan, with the TW IV figures beside
    findings: list[Finding] = field(default_factory=list)
    scale: Scale | None = None
    scale_issues: list[str] = field(default_factory=list)
    quarterly: pd.DataFrame | None = None  # each indicator by quarter, by its aggregation type


def _agrees(stated, computed: Decimal | None) -> bool | None:
    """Does a stated value (as typed, e.g. '107%') match the computed one at its precision?
    None when there is nothing to compare (no stated value, or a category)."""
    v = parse_value(stated)
    if v.number is None or computed is None:
        return None
    q = Decimal(1).scaleb(-v.decimals)
    return v.number in (computed.quantize(q, ROUND_HALF_UP), computed.quantize(q, ROUND_DOWN))


def _pct(num, den) -> Decimal | None:
    if num is None or den in (None, 0) or pd.isna(den):
        return None
    return Decimal(num) * 100 / Decimal(den)


def evaluate(annual: Annual, year: int, scale: Scale | None = None,
             quarters: pd.DataFrame | None = None, quarter_indicators: pd.DataFrame | None = None,
             negatif_cap: Decimal | None = None) -> Kinerja:
    """Compute the chapter III figures from an annual workbook; ``quarters`` (budget lines of the
    year, any quarters) lets the budget be checked against TW IV and the PK against the quarters."""
    scale = scale or load_scale()
    findings: list[Finding] = []
    src = {"year": year, "source_file": annual.file}
    budget = annual.budget.copy()
    results = {int(r["no"]): r for r in annual.results.to_dict("records")}
    total_pd = annual.summary.get("anggaran_pd")

    rows = []
    for pk in annual.pk.to_dict("records"):
        no = int(pk["no"])
        res = results.get(no, {})
        pol = pk["polaritas"]
        target, real = parse_value(pk["target"]), parse_value(res.get("realisasi"))
        cap = capaian(target, real, pol, negatif_cap)
        if cap.value is None and pol != "kategori" and "kosong" not in (cap.note or ""):
            on_target = (cap.note or "").startswith("target")  # "≥ 80%", a target of 0, …
            findings.append(Finding(
                "MISSING_VALUE", "warning", f"Indikator {no} ('{pk['indikator']}'): {cap.note}.",
                field="capaian", source_sheet="PK" if on_target else "Indikator",
                source_cell=pk.get("_target_cell") if on_target else res.get("_realisasi_cell"),
                **src))
        findings.extend(_scale_doubt(no, pk, res, target, real, cap.value, src))
        label, rnote = rate(cap.value, scale)
        prog = progress(real, parse_value(pk["target_renstra"]), pol)
        last = parse_value(res.get("realisasi_lalu"))
        # the budget behind the sasaran: its supporting programs, or only the kegiatan named
        progs = {int(p) for p in (pk["program_pendukung"] or []) if str(p).strip().isdigit()}
        keg = {normalise(k) for k in (pk["kegiatan_pendukung"] or [])}
        sel = budget[budget["program_no"].isin(progs)]
        if keg:
            sel = sel[[normalise(k) in keg for k in sel["kegiatan"]]]
        b_pagu = sum(sel["pagu"], Decimal(0))
        b_real = sum(sel["realisasi"], Decimal(0))
        penyerapan = _pct(b_real, b_pagu)
        rec = {
            "no": no, "sasaran": pk["sasaran"], "indikator": pk["indikator"], "polaritas": pol,
            "satuan": pk["satuan"], "target": pk["target"], "realisasi": res.get("realisasi"),
            "realisasi_lalu": res.get("realisasi_lalu"),
            "realisasi_nasional": res.get("realisasi_nasional"),
            "target_renstra": pk["target_renstra"], "analisis": res.get("analisis"),
            "capaian": cap.value, "capaian_rumus": cap.rule, "capaian_catatan": cap.note,
            "kategori": label, "kategori_catatan": rnote,
            "perubahan": (real.number - last.number) if real.number is not None
            and last.number is not None else None,
            "kemajuan": prog,
            "anggaran": b_pagu, "realisasi_anggaran": b_real, "penyerapan": penyerapan,
            "persen_anggaran_pd": _pct(b_pagu, total_pd),
            # a categorical indicator's capaian compares levels: no efficiency can be computed
            "efisiensi_rasio": efficiency_seed(penyerapan, cap.value) if pol != "kategori"
            else None,
            "efisiensi_pmk": efficiency_pmk([(b_pagu, b_real, cap.value)]) if pol != "kategori"
            else None,
        }
        rec["efisiensi_lkjip"] = (100 - rec["efisiensi_rasio"]) \
            if rec["efisiensi_rasio"] is not None else None
        rec["_anggaran_pd"] = total_pd
        stated = {"capaian": res.get("capaian_tertulis"),
                  "kemajuan": res.get("kemajuan_tertulis"),
                  "anggaran": res.get("anggaran_tertulis"),
                  "persen_anggaran_pd": res.get("persen_pd_tertulis"),
                  "realisasi_anggaran": res.get("realisasi_anggaran_tertulis"),
                  "penyerapan": res.get("penyerapan_tertulis"),
                  "efisiensi_rasio": res.get("efisiensi_tertulis")}
        for k, v in stated.items():
            rec[f"{k}_tertulis"] = v
        rows.append(rec)
        findings.extend(_indicator_findings(rec, res, stated, src, b_pagu, b_real))

    findings.extend(_unchecked_pd_share(rows, results, annual.summary, src))
    ind = pd.DataFrame(rows).drop(columns=["_anggaran_pd"])
    from .annual_checks import blank_in_every_quarter, indicator_checks

    cells = {int(p["no"]): {**results.get(int(p["no"]), {}),
                            "_pk_target_renstra_cell": p.get("_target_renstra_cell"),
                            "_pk_polaritas_cell": p.get("_polaritas_cell")}
             for p in annual.pk.to_dict("records")}
    findings.extend(indicator_checks(ind, year, annual.file, cells))
    findings.extend(blank_in_every_quarter(quarter_indicators, year))
    tw4 = _tw4_matches(budget, quarters)
    findings.extend(_budget_findings(budget, src, tw4))
    findings.extend(_pk_findings(annual, budget, src, quarters))
    qk = evaluate_quarters(annual.pk, results, quarter_indicators, year, annual.file, _agrees,
                           negatif_cap)
    findings.extend(qk.findings)
    ind["tipe_agregasi"] = [LABELS[qk.types[int(n)][0]] for n in ind["no"]]
    ind["tipe_sumber"] = [qk.types[int(n)][1] for n in ind["no"]]
    budget["penyerapan"] = [_pct(r, p) for r, p in zip(budget["realisasi"], budget["pagu"])]
    budget = _with_tw4(budget, tw4)
    return Kinerja(ind, budget, findings, scale, check_scale(scale), qk.table)


def _indicator_findings(rec, res, stated, src, b_pagu, b_real) -> list[Finding]:
    """A stated percentage is checked against the inputs the same table states (as the quarterly
    percentages are), so that one wrong amount is one finding, not a cascade."""
    out = []
    num = lambda k: parse_value(stated[k]).number  # noqa: E731
    s_pagu = Decimal(stated["anggaran"]) if _given(stated["anggaran"]) else b_pagu
    s_real = Decimal(stated["realisasi_anggaran"]) if _given(stated["realisasi_anggaran"]) \
        else b_real
    s_pen = num("penyerapan") if num("penyerapan") is not None else rec["penyerapan"]
    s_cap = num("capaian") if num("capaian") is not None else rec["capaian"]
    basis = {
        "capaian": (rec["capaian"], "capaian kinerja", f"{rec['capaian_rumus']}"),
        "kemajuan": (rec["kemajuan"], "tingkat kemajuan",
                     f"realisasi {rec['realisasi']} / target akhir Renstra {rec['target_renstra']}"
                     if rec["polaritas"] != "negatif" else
                     f"(2 × target akhir Renstra {rec['target_renstra']} − realisasi "
                     f"{rec['realisasi']}) / target akhir Renstra {rec['target_renstra']}"),
        "persen_anggaran_pd": (_pct(s_pagu, rec["_anggaran_pd"]), "persentase anggaran terhadap PD",
                               f"{rp(s_pagu)} / {rp(rec['_anggaran_pd'])}"),
        "penyerapan": (_pct(s_real, s_pagu), "penyerapan anggaran sasaran",
                       f"{rp(s_real)} / {rp(s_pagu)}"),
        "efisiensi_rasio": (efficiency_seed(s_pen, s_cap), "tingkat efisiensi",
                            f"penyerapan {pct(s_pen)} / capaian {pct(s_cap)}"),
    }
    for k, (computed, text, how) in basis.items():
        ok = _agrees(stated[k], computed)
        if ok is False:
            out.append(Finding(
                "CAPAIAN_MISMATCH", "error",
                f"Indikator {rec['no']} ('{rec['indikator']}'): {text} tertulis "
                f"{format_as_written(stated[k])}, "
                f"padahal {how} = {pct(computed)}.", field=k, unit="%", stated=num(k),
                computed=computed.quantize(Decimal("0.0001")), source_sheet="Indikator",
                source_cell=res.get(f"_{_stated_col(k)}_cell"), **src))
    for k, computed, text in (("anggaran", b_pagu, "anggaran sasaran"),
                              ("realisasi_anggaran", b_real, "realisasi anggaran sasaran")):
        if _given(stated[k]) and Decimal(stated[k]) != computed:
            out.append(Finding(
                "CAPAIAN_MISMATCH", "error",
                f"Indikator {rec['no']}: {text} tertulis {rp(stated[k])}, padahal jumlah kegiatan "
                f"pendukungnya di Tabel 3.2 {rp(computed)} (selisih {rp(Decimal(stated[k]) - computed)}).",
                field=k, stated=Decimal(stated[k]), computed=computed, source_sheet="Indikator",
                source_cell=res.get(f"_{_stated_col(k)}_cell"), **src))
    return out


def _unchecked_pd_share(rows: list[dict], results: dict, summary: dict, src: dict
                        ) -> list[Finding]:
    """Stated shares of the Perangkat Daerah's budget that cannot be checked (its Anggaran
    Perangkat Daerah on the Ringkasan sheet is 0 or missing): one MISSING_VALUE warning, at that
    cell, or at the first stated share when the Ringkasan has no such row (the check vanished)."""
    stated = [r for r in rows if parse_value(r["persen_anggaran_pd_tertulis"]).number is not None]
    total = summary.get("anggaran_pd")
    if not stated or (total is not None and total != 0):
        return []
    cell = summary.get("_anggaran_pd_cell")
    where = ({"source_sheet": "Ringkasan", "source_cell": cell} if cell else
             {"source_sheet": "Indikator",
              "source_cell": results.get(int(stated[0]["no"]), {}).get("_persen_pd_tertulis_cell")})
    said = "Rp 0" if total is not None else "kosong" if cell else "tidak ada"
    return [Finding("MISSING_VALUE", "warning",
                    f"Anggaran Perangkat Daerah di lembar Ringkasan {said}: persentase anggaran "
                    f"sasaran terhadap PD yang tertulis pada {len(stated)} indikator tidak dapat "
                    "diperiksa.", field="persen_anggaran_pd", **src, **where)]


def _scale_doubt(no: int, pk: dict, res: dict, target: Value, real: Value,
                 cap: Decimal | None, src: dict) -> list[Finding]:
    """A target or realisasi written as a fraction ('0.8', '1.000') beside the other's percent
    ('92%'): the capaian (11.500%) follows the text as written, and the doubt is an
    AMBIGUOUS_NUMBER warning at the fraction's cell."""
    pair = ((target, real, "target", "PK", pk.get("_target_cell")),
            (real, target, "realisasi", "Indikator", res.get("_realisasi_cell")))
    for mine, other, what, sheet, cell in pair:
        if mine.number is None or other.number is None or "%" in (mine.text or "") or \
                "%" not in (other.text or "") or not 0 < mine.number <= 1 < other.number:
            continue
        return [Finding(
            "AMBIGUOUS_NUMBER", "warning",
            f"Indikator {no}: {what} tertulis {format_as_written(mine.text)} tanpa %, sedangkan "
            f"{'realisasi' if what == 'target' else 'target'} {format_as_written(other.text)}: "
            f"capaian dihitung dari angka yang tertulis"
            + (f" ({pct(cap)})" if cap is not None else "")
            + f"; jika maksudnya {pct(mine.number * 100, 0)}, perbaiki selnya.", field=what,
            source_sheet=sheet, source_cell=cell, **src)]
    return []


def _given(v) -> bool:
    return v is not None and not (isinstance(v, float) and v != v)


def _stated_col(k: str) -> str:
    return {"capaian": "capaian_tertulis", "kemajuan": "kemajuan_tertulis",
            "anggaran": "anggaran_tertulis", "persen_anggaran_pd": "persen_pd_tertulis",
            "realisasi_anggaran": "realisasi_anggaran_tertulis",
            "penyerapan": "penyerapan_tertulis", "efisiensi_rasio": "efisiensi_tertulis"}[k]


def _budget_findings(budget: pd.DataFrame, src, tw4: dict[int, dict]) -> list[Finding]:
    from .numbers import percent_matches

    out = []
    for i, r in enumerate(budget.to_dict("records")):
        base = {**src, "program_no": int(r["program_no"]), "program": r["program"],
                "kegiatan": r["kegiatan"], "source_sheet": "Anggaran"}
        cap = r.get("capaian_tertulis")
        if cap is not None and not (isinstance(cap, float) and pd.isna(cap)) and \
                not percent_matches(cap[0], cap[1], r["realisasi"], r["pagu"]):
            computed = _pct(r["realisasi"], r["pagu"])   # None: a pagu of 0
            out.append(Finding(
                "PERCENT_MISMATCH", "error",
                f"Capaian '{r['kegiatan']}' di Tabel 3.2 tertulis {pct(cap[0], cap[1])}, padahal "
                + (f"{rp(r['realisasi'])} / {rp(r['pagu'])} = {pct(computed)}."
                   if computed is not None else
                   f"pagunya Rp 0: capaian tidak dapat dihitung (realisasi {rp(r['realisasi'])})."),
                field="capaian", unit="%", stated=cap[0],
                computed=computed.quantize(Decimal("0.0001")) if computed is not None else None,
                source_cell=r.get("_capaian_tertulis_cell"), **base))
        for fld in ("pagu", "realisasi"):   # as every quarterly reader says it
            if r[fld] is not None and not pd.isna(r[fld]) and r[fld] < 0:
                out.append(Finding(
                    "NEGATIVE_AMOUNT", "error" if fld == "pagu" else "warning",
                    f"{fld} negatif: {rp(r[fld])} ('{r['kegiatan']}', Tabel 3.2)", field=fld,
                    stated=r[fld], source_cell=r.get(f"_{fld}_cell"), **base))
        for fld, other in (("pagu", "pagu_lain"), ("realisasi", "realisasi_lain")):
            v = r.get(other)
            if v is not None and not (isinstance(v, float) and pd.isna(v)) and v != r[fld]:
                out.append(Finding(
                    "CROSS_TABLE_MISMATCH", "error",
                    f"{fld.capitalize()} '{r['kegiatan']}': Tabel 3.2 menulis {rp(r[fld])}, tabel "
                    f"lain di dokumen LKjIP (kolom '{fld.capitalize()} Tabel Lain' workbook "
                    f"tahunan) {rp(v)}.", field=fld, stated=v, computed=r[fld],
                    source_cell=r.get(f"_{other}_cell"), **base))
        if i in tw4:
            q = tw4[i]
            for fld in ("pagu", "realisasi"):
                if q[fld] != r[fld]:
                    severity = "error" if fld == "realisasi" else "warning"
                    why = ("realisasi akhir tahun harus sama dengan realisasi kumulatif TW IV"
                           if fld == "realisasi" else
                           "versi pagu berbeda: periksa pagu mana yang berlaku (DPA akhir)")
                    out.append(Finding(
                        "CROSS_TABLE_MISMATCH", severity,
                        f"{fld.capitalize()} '{r['kegiatan']}': Tabel 3.2 menulis {rp(r[fld])}, "
                        f"lembar {tw(int(q['quarter']))} {rp(q[fld])} ({q['source_file']}, sheet "
                        f"{q['source_sheet']!r}, sel {q[f'{fld}_cell']}); {why}.",
                        field=fld, stated=r[fld], computed=q[fld],
                        source_cell=r.get(f"_{fld}_cell"), **base))
    return out


def _tw4_matches(budget: pd.DataFrame, quarters) -> dict[int, dict]:
    """Annual budget rows matched (by name and program) to the TW IV sheet's budget lines (the
    year-end figures are compared with the year-end sheet only, never with an earlier quarter)."""
    if quarters is None or not len(quarters):
        return {}
    q = quarters[quarters["quarter"] == 4]
    if not len(q):
        return {}
    qrec = q.to_dict("records")
    pairs = match_names([(r["program"], r["kegiatan"]) for r in qrec],
                        list(zip(budget["program"], budget["kegiatan"])))
    return {i: qrec[j] for i, (j, _) in pairs.items()}


def _with_tw4(budget: pd.DataFrame, tw4: dict[int, dict]) -> pd.DataFrame:
    budget = budget.copy()
    budget["pagu_tw_akhir"] = [tw4[i]["pagu"] if i in tw4 else None for i in range(len(budget))]
    budget["realisasi_tw_akhir"] = [tw4[i]["realisasi"] if i in tw4 else None
                                    for i in range(len(budget))]
    return budget


def _pk_findings(annual: Annual, budget: pd.DataFrame, src, quarters) -> list[Finding]:
    """PK program budgets against the pagu the quarterly sheets state for that program's kegiatan:
    a PK budget that matches no quarter's pagu is a PK_BUDGET_MISMATCH."""
    if quarters is None or not len(quarters):
        return []
    out = []
    qs = sorted(int(q) for q in quarters["quarter"].unique())
    per_q = {}
    for q in qs:
        rows = quarters[quarters["quarter"] == q].to_dict("records")
        pairs = match_names([(r["program"], r["kegiatan"]) for r in rows],
                            list(zip(budget["program"], budget["kegiatan"])))
        per_q[q] = {i: rows[j] for i, (j, _) in pairs.items()}
    for p in annual.pk_budget.to_dict("records"):
        pno = p.get("program_no")
        if pno is None or pd.isna(pno):
            continue
        idx = [i for i, v in enumerate(budget["program_no"]) if int(v) == int(pno)]
        # a quarter none of whose kegiatan of the program were found has no pagu to compare
        sums = {q: sum((per_q[q][i]["pagu"] for i in idx if i in per_q[q]), Decimal(0))
                for q in qs if any(i in per_q[q] for i in idx)}
        if p["anggaran"] in sums.values():
            continue
        if not sums:
            out.append(Finding(
                "PK_BUDGET_MISMATCH", "warning",
                f"Anggaran PK program '{p['program']}' {rp(p['anggaran'])} tidak dapat "
                f"dibandingkan: program {int(pno)} tidak punya kegiatan di Tabel 3.2 yang "
                "ditemukan di lembar triwulan.", field="pagu", stated=p["anggaran"],
                computed=None, program_no=int(pno), program=p["program"],
                source_sheet="Anggaran PK", source_cell=p.get("_anggaran_cell"), **src))
            continue
        first = sums[min(sums)]
        versions = ", ".join(f"{tw(q)} {rp(v)}" for q, v in sums.items())
        out.append(Finding(
            "PK_BUDGET_MISMATCH", "error",
            f"Anggaran PK program '{p['program']}' {rp(p['anggaran'])} tidak sama dengan pagu "
            f"triwulan mana pun ({versions}); selisih dengan {tw(min(sums))} "
            f"{rp(p['anggaran'] - first)}.", field="pagu", stated=p["anggaran"], computed=first,
            program_no=int(pno), program=p["program"], source_sheet="Anggaran PK",
            source_cell=p.get("_anggaran_cell"), **src))
    return out
