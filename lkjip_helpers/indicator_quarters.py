"""Each PK indicator across the quarters: its aggregation type (stated in the annual workbook's
``Tipe Agregasi`` or inferred, with a warning), its quarterly and year-to-date capaian by that type
with the rule beside each result, the rule the quarterly sheets' stated capaian seems to follow
(``CAPAIAN_RULE_MISMATCH``), and the year-to-date realisasi against the annual table's."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from .aggregation import (CANDIDATES, LABELS, candidate_values, infer, rule_used, series,
                          to_date)
from .indicators import Value, parse_value
from .numbers import format_as_written
from .reconcile.findings import Finding, pct, tw
from .reconcile.matching import match_names


@dataclass
class Quarterly:
    types: dict[int, tuple[str, str]]           # PK no -> (type key, "dinyatakan" | "ditebak")
    table: pd.DataFrame                         # one row per indicator and quarter
    findings: list[Finding] = field(default_factory=list)


COLUMNS = ["no", "indikator", "tipe_agregasi", "tipe_sumber", "quarter", "target", "nilai_triwulan",
           "capaian_triwulan", "realisasi_sd", "capaian_sd", "rumus", "catatan", "capaian_tertulis",
           "source_file", "source_sheet", "source_cell"]


def _given(v) -> bool:
    return v is not None and not (isinstance(v, float) and v != v) and str(v).strip() != ""


def quarter_rows(pk: dict, qi: pd.DataFrame | None) -> dict[int, dict]:
    """The quarterly sheets' rows of one PK indicator (matched by name), by quarter."""
    if qi is None or not len(qi):
        return {}
    out = {}
    for q, g in qi.groupby("quarter"):
        recs = g.to_dict("records")
        pairs = match_names([("", r["indikator"]) for r in recs], [("", pk["indikator"])])
        if 0 in pairs:
            out[int(q)] = recs[pairs[0][0]]
    return out


def indicator_type(pk: dict, values: list[Value]) -> tuple[str, str, tuple[str, ...]]:
    """(type, 'dinyatakan' or 'ditebak', reasons) for one PK row."""
    stated = pk.get("tipe_agregasi")
    if _given(stated):
        return stated, "dinyatakan", ()
    inf = infer(pk["indikator"], pk.get("satuan"), pk["polaritas"], values)
    return inf.type, "ditebak", inf.reasons


def evaluate_quarters(pk_table: pd.DataFrame, results: dict[int, dict], qi: pd.DataFrame | None,
                      year: int, source_file: str, agrees,
                      negatif_cap: Decimal | None = None) -> Quarterly:
    """Types, the quarterly table and the findings for every PK indicator. ``results``: the
    Indikator sheet's rows by PK no; ``agrees``: the package's printed-precision check."""
    types, rows, findings = {}, [], []
    for pk in pk_table.to_dict("records"):
        no = int(pk["no"])
        qrows = quarter_rows(pk, qi)
        values = {q: parse_value(r.get("realisasi")) for q, r in qrows.items()}
        agg, how, reasons = indicator_type(pk, [values[q] for q in sorted(values)])
        types[no] = (agg, how)
        if how == "ditebak":
            findings.append(Finding(
                "AGGREGATION_INFERRED", "warning",
                f"Indikator {no} ('{pk['indikator']}'): kolom Tipe Agregasi kosong; dibaca "
                f"'{LABELS[agg]}' karena {'; '.join(reasons)}. Nyatakan tipenya di sheet PK.",
                year=year, field="tipe_agregasi", unit="", source_file=source_file,
                source_sheet="PK", source_cell=pk.get("_tipe_agregasi_cell")
                or pk.get("_indikator_cell")))
        target = parse_value(pk["target"])
        for s in series(values, target, agg, pk["polaritas"], negatif_cap):
            r = qrows[s.quarter]
            rows.append({
                "no": no, "indikator": pk["indikator"], "tipe_agregasi": LABELS[agg],
                "tipe_sumber": how, "quarter": s.quarter, "target": pk["target"],
                "nilai_triwulan": s.value.text, "capaian_triwulan": s.in_quarter.value,
                "realisasi_sd": s.to_date.text, "capaian_sd": s.cumulative.value,
                "rumus": s.cumulative.rule, "catatan": s.cumulative.note,
                "capaian_tertulis": r.get("capaian"), "source_file": r["source_file"],
                "source_sheet": r["source_sheet"], "source_cell": r["source_cell"]})
            findings.extend(_rule_findings(no, pk, agg, how, values, s.quarter, r, year, agrees))
        last = max(values) if values else None
        if last == 4:  # the annual table is the year-end figure: compared with TW IV only
            findings.extend(_year_findings(no, pk, agg, values, last, qrows[last],
                                           results.get(no, {}), year))
    return Quarterly(types, pd.DataFrame(rows, columns=COLUMNS), findings)


def _rule_findings(no, pk, agg, how, values, quarter, r, year, agrees) -> list[Finding]:
    """A stated capaian checked against the target the same sheet states: the type's own rule,
    else the rule it matches (CAPAIAN_RULE_MISMATCH), else none (CAPAIAN_MISMATCH)."""
    stated = parse_value(r.get("capaian"))
    target = parse_value(r.get("target")) if _given(r.get("target")) else parse_value(pk["target"])
    if stated.number is None or pk["polaritas"] == "kategori":
        return []
    used = rule_used(stated, values, quarter, target, agrees)
    if agg in used:
        return []
    computed = candidate_values(values, quarter, target).get(agg)
    where = dict(year=year, quarter=quarter, field="capaian", unit="%", stated=stated.number,
                 computed=computed.quantize(Decimal("0.0001")) if computed is not None else None,
                 source_file=r["source_file"], source_sheet=r["source_sheet"],
                 source_cell=r["source_cell"])
    own_text = f"sebagai {LABELS[agg]} ({how}) {CANDIDATES[agg]} = {pct(computed)}"
    if used:
        other = used[0]
        return [Finding(
            "CAPAIAN_RULE_MISMATCH", "error" if how == "dinyatakan" else "warning",
            f"Indikator {no} ('{pk['indikator']}') di lembar {tw(quarter)}: capaian tertulis "
            f"{format_as_written(stated.text)} mengikuti rumus {CANDIDATES[other]}, padahal "
            f"{own_text}.", **where)]
    return [Finding(
        "CAPAIAN_MISMATCH", "warning",
        f"Indikator {no} ('{pk['indikator']}') di lembar {tw(quarter)}: capaian tertulis "
        f"{format_as_written(stated.text)} tidak sesuai rumus tipe mana pun; {own_text}.",
        **where)]


def _year_findings(no, pk, agg, values, last, r, res, year) -> list[Finding]:
    """The year-to-date realisasi of the last quarter (by type) against the annual table's."""
    td = to_date(values, last, agg)
    annual = parse_value(res.get("realisasi"))
    if td.number is None or annual.number is None or td.number == annual.number:
        return []
    how = ("jumlah nilai triwulan" if agg == "tren_positif" else "nilai triwulan terakhir")
    return [Finding(
        "CAPAIAN_MISMATCH", "warning",
        f"Realisasi indikator '{pk['indikator']}' s.d. {tw(last)} ({LABELS[agg]}: {how}) "
        f"{format_as_written(td.text)}, di tabel tahunan {format_as_written(res.get('realisasi'))}.",
        year=year, quarter=last,
        field="realisasi", unit="%", stated=td.number, computed=annual.number,
        source_file=r["source_file"], source_sheet=r["source_sheet"],
        source_cell=r["source_cell"])]
