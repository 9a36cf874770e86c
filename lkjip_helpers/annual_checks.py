"""Checks of the annual workbook that compare no two tables but judge one row on its own:
a Renstra end target the year's own target already passes, a polarity that the indicator's name
contradicts, an indicator the quarterly sheets list but never fill, efficiency asked of a
categorical indicator, a stated capaian or efficiency left blank where the inputs are there."""
from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd

from .indicators import parse_value
from .reconcile.findings import Finding, pct
from .reconcile.matching import normalise

# an indicator whose name says it measures a decrease
DECREASE = re.compile(r"^\s*(?:(?:persentase|prosentase|angka|tingkat|jumlah|rasio|indeks)\s+)?"
                      r"(penurunan|menurunnya|turunnya|berkurangnya|pengurangan|menurunkan)\b",
                      re.I)


def _given(v) -> bool:
    return v is not None and not (isinstance(v, float) and v != v) and str(v).strip() not in (
        "", "-", "–")


def indicator_checks(ind: pd.DataFrame, year: int, source_file: str,
                     cells: dict[int, dict] | None = None) -> list[Finding]:
    """The per-indicator checks on the chapter III table (one row per PK indicator, with the
    computed ``capaian`` and ``efisiensi_rasio`` and the stated ``*_tertulis`` values).
    ``cells``: the annual workbook's rows by PK no (for the cells to name)."""
    cells = cells or {}
    out = []
    for r in ind.to_dict("records"):
        no = int(r["no"])
        res = cells.get(no, {})
        where = {"year": year, "source_file": source_file}
        name = r["indikator"]
        target, renstra = parse_value(r["target"]), parse_value(r["target_renstra"])
        if r["polaritas"] == "positif" and target.number is not None and \
                renstra.number is not None and target.number > renstra.number:
            out.append(Finding(
                "RENSTRA_TARGET_PASSED", "warning",
                f"Indikator {no} ('{name}'): target tahun {year} ({r['target']}) sudah melampaui "
                f"target akhir Renstra ({r['target_renstra']}) padahal makin tinggi makin baik; "
                "target Renstra perlu ditinjau (atau target tahun ini salah tulis).",
                field="target_renstra", unit="", stated=renstra.number, computed=target.number,
                source_sheet="PK", source_cell=res.get("_pk_target_renstra_cell"), **where))
        cap = r["capaian"]
        if DECREASE.match(name or "") and r["polaritas"] == "positif" and cap is not None and \
                not pd.isna(cap) and Decimal(cap) > 100:
            out.append(Finding(
                "POLARITY_SUSPECT", "warning",
                f"Indikator {no} ('{name}') mengukur penurunan, tetapi polaritasnya positif dan "
                f"capaiannya {pct(cap)}: polaritasnya mungkin salah (penurunan biasanya makin "
                "rendah makin baik; periksa sheet PK).", field="polaritas", unit="%",
                computed=Decimal(cap).quantize(Decimal("0.0001")), source_sheet="PK",
                source_cell=res.get("_pk_polaritas_cell"), **where))
        if r["polaritas"] == "kategori" and _given(r.get("efisiensi_rasio_tertulis")):
            out.append(Finding(
                "EFFICIENCY_NOT_COMPUTABLE", "warning",
                f"Indikator {no} ('{name}') berupa kategori: efisiensi (penyerapan / capaian) "
                f"tidak dapat dihitung, padahal tertulis {r['efisiensi_rasio_tertulis']}. "
                "Angka itu tidak bermakna dan tidak ditampilkan.", field="efisiensi_rasio",
                unit="%", source_sheet="Indikator", source_cell=res.get("_efisiensi_tertulis_cell"),
                **where))
        for key, label, stated_col in (("capaian", "capaian kinerja", "capaian_tertulis"),
                                       ("efisiensi_rasio", "tingkat efisiensi",
                                        "efisiensi_tertulis")):
            computed = r.get(key)
            if _given(r.get(f"{key}_tertulis")) or computed is None or pd.isna(computed):
                continue
            out.append(Finding(
                "MISSING_VALUE", "info",
                f"Indikator {no} ('{name}'): {label} tidak diisi, padahal datanya ada; "
                f"dihitung {pct(computed)}.", field=key, unit="%",
                computed=Decimal(computed).quantize(Decimal("0.0001")),
                source_sheet="Indikator", source_cell=res.get(f"_{stated_col}_cell"), **where))
    return out


def blank_in_every_quarter(qi: pd.DataFrame | None, year: int) -> list[Finding]:
    """Indicators the quarterly sheets list but whose realisasi is blank in every quarter."""
    if qi is None or not len(qi):
        return []
    out = []
    last = int(qi["quarter"].max())
    for _, g in qi.groupby(qi["indikator"].map(normalise), sort=False):
        if any(_given(v) for v in g["realisasi"]):
            continue
        r = g.sort_values("quarter").iloc[-1]
        qs = ", ".join(f"TW {('I', 'II', 'III', 'IV')[int(q) - 1]}"
                       for q in sorted(set(g["quarter"])))
        out.append(Finding(
            "INDICATOR_BLANK", "warning",
            f"Indikator '{r['indikator']}' tercantum di lembar triwulan ({qs}) tetapi "
            "realisasinya kosong di setiap triwulan.", year=year, quarter=last,
            field="realisasi", unit="", source_file=r["source_file"],
            source_sheet=r["source_sheet"], source_cell=r["source_cell"]))
    return out
