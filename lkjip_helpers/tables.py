"""The LKjIP tables, formatted the Indonesian way (``Rp 1.234.567``, ``12,34%``), ready for the report
and for pasting into the official document: Tabel 3.1.x.A–G for each sasaran and Tabel 3.2.

Where the annual workbook states a value, the table shows it beside the computed one, marked ``≠``
when they differ at the printed precision."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from .indicators import parse_value
from .kinerja import Kinerja, _agrees
from .numbers import format_as_written, format_percent, format_rupiah
from .reconcile.matching import normalise

TITLES = {
    "A": "Target dan Realisasi Kinerja",
    "B": "Realisasi Kinerja Tahun Ini dan Tahun Lalu",
    "C": "Realisasi Kinerja terhadap Target Akhir Renstra",
    "D": "Perbandingan Realisasi Kinerja dengan Nasional",
    "E": "Anggaran yang Dialokasikan untuk Sasaran",
    "F": "Capaian Kinerja dan Anggaran",
    "G": "Efisiensi Penggunaan Sumber Daya",
}


NOT_COMPUTABLE = "tidak dapat dihitung (indikator kategori)"


def _p(v, decimals=2) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "–"
    return format_percent(v, decimals)


def _rp(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "–"
    return format_rupiah(v)


def _text(v) -> str:
    """A text column's value; '' for an empty one (None, or NaN in a column pandas made float)."""
    return "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)


def _shown(v) -> str:
    """A value copied from the workbook, in the Indonesian style at the precision it was typed
    with ('49.48%' → '49,48%', 'Madya' as is); '–' when empty."""
    return format_as_written(v)


def _side(stated, computed: Decimal | None, money: bool = False) -> tuple[str, str]:
    """(stated as printed, computed formatted), the computed marked ≠ when they differ."""
    if money:
        c = _rp(computed)
        if stated is None or (isinstance(stated, float) and pd.isna(stated)):
            return "–", c
        return _rp(stated), c + (" ≠" if Decimal(stated) != computed else "")
    v = parse_value(stated)
    c = _p(computed, 2)
    if v.text is None:
        return "–", c
    ok = _agrees(stated, computed)
    return format_as_written(v.text), c + (" ≠" if ok is False else "")


def sasaran_groups(k: Kinerja) -> list[tuple[int, str, pd.DataFrame]]:
    """The indicators grouped by sasaran, numbered 1.. in PK order."""
    out: list[tuple[int, str, pd.DataFrame]] = []
    seen: dict[str, int] = {}
    for _, r in k.indicators.iterrows():
        key = normalise(r["sasaran"])
        if key not in seen:
            seen[key] = len(seen) + 1
            out.append((seen[key], r["sasaran"], []))
        out[seen[key] - 1][2].append(r)
    return [(n, s, pd.DataFrame(rows)) for n, s, rows in out]


def indicator_tables(k: Kinerja, year: int) -> dict[str, pd.DataFrame]:
    """``{"3.1.1.A": frame, …}`` for every sasaran and letter A–G."""
    out = {}
    for n, _sasaran, g in sasaran_groups(k):
        rows = {letter: [] for letter in TITLES}
        for _, r in g.iterrows():
            cap_s, cap_c = _side(r["capaian_tertulis"], r["capaian"])
            rows["A"].append({"Indikator": r["indikator"], "Target": _shown(r["target"]),
                              "Realisasi": _shown(r["realisasi"]), "Capaian (tertulis)": cap_s,
                              "Capaian (dihitung)": cap_c,
                              "Kategori": (_text(r["kategori"]) or "–") +
                              (f" ({_text(r['kategori_catatan'])})"
                               if _text(r["kategori_catatan"]) else "")})
            change = r["perubahan"]
            rows["B"].append({"Indikator": r["indikator"], "Target": _shown(r["target"]),
                              f"Realisasi {year - 1}": _shown(r["realisasi_lalu"]),
                              f"Realisasi {year}": _shown(r["realisasi"]),
                              "Perubahan (poin)": "–" if change is None or pd.isna(change) else
                              format_percent(change, 2).replace("%", "")})
            kem_s, kem_c = _side(r["kemajuan_tertulis"], r["kemajuan"])
            rows["C"].append({"Indikator": r["indikator"],
                              "Target Akhir Renstra": _shown(r["target_renstra"]),
                              f"Realisasi {year}": _shown(r["realisasi"]),
                              "Tingkat Kemajuan (tertulis)": kem_s,
                              "Tingkat Kemajuan (dihitung)": kem_c})
            rows["D"].append({"Indikator": r["indikator"], f"Realisasi {year}": _shown(r["realisasi"]),
                              "Realisasi Nasional": _shown(r["realisasi_nasional"]),
                              "Keterangan": "data nasional tidak tersedia"
                              if _shown(r["realisasi_nasional"]) == "–" else ""})
            ang_s, ang_c = _side(r["anggaran_tertulis"], r["anggaran"], money=True)
            pd_s, pd_c = _side(r["persen_anggaran_pd_tertulis"], r["persen_anggaran_pd"])
            rows["E"].append({"Indikator": r["indikator"], "Anggaran (tertulis)": ang_s,
                              "Anggaran (dihitung, Tabel 3.2)": ang_c,
                              "% thd Anggaran PD (tertulis)": pd_s,
                              "% thd Anggaran PD (dihitung)": pd_c})
            real_s, real_c = _side(r["realisasi_anggaran_tertulis"], r["realisasi_anggaran"],
                                   money=True)
            pen_s, pen_c = _side(r["penyerapan_tertulis"], r["penyerapan"])
            rows["F"].append({"Indikator": r["indikator"], "Target Kinerja": _shown(r["target"]),
                              "Realisasi Kinerja": _shown(r["realisasi"]),
                              "Capaian Kinerja": cap_c, "Anggaran": ang_c,
                              "Realisasi Anggaran (tertulis)": real_s,
                              "Realisasi Anggaran (dihitung)": real_c,
                              "Penyerapan (tertulis)": pen_s, "Penyerapan (dihitung)": pen_c})
            eff_s, eff_c = _side(r["efisiensi_rasio_tertulis"], r["efisiensi_rasio"])
            eff_l, eff_p = _p(r["efisiensi_lkjip"]), _p(r["efisiensi_pmk"])
            if r["polaritas"] == "kategori":  # levels, not amounts: no efficiency exists
                eff_c = eff_l = eff_p = NOT_COMPUTABLE
            rows["G"].append({"Indikator": r["indikator"], "Capaian Kinerja": cap_c,
                              "Penyerapan Anggaran": pen_c,
                              "Rasio penyerapan/capaian (tertulis)": eff_s,
                              "Rasio penyerapan/capaian (dihitung)": eff_c,
                              "Efisiensi (100 − rasio)": eff_l,
                              "Efisiensi PMK 214/2017": eff_p})
        for letter, recs in rows.items():
            out[f"3.1.{n}.{letter}"] = pd.DataFrame(recs)
    return out


def tabel_3_2(k: Kinerja) -> pd.DataFrame:
    """Tabel 3.2, realisasi anggaran per kegiatan; the last quarter's sheet beside it where it
    differs, and the stated % beside the computed one."""
    rows = []
    last_prog = None
    for _, r in k.budget.iterrows():
        cap = r.get("capaian_tertulis")
        stated = "–" if cap is None or (isinstance(cap, float) and pd.isna(cap)) else \
            format_percent(cap[0], cap[1])
        computed = _p(r["penyerapan"])
        if stated != "–" and cap is not None:
            from .numbers import percent_matches

            if not percent_matches(cap[0], cap[1], r["realisasi"], r["pagu"]):
                computed += " ≠"
        tw_pagu, tw_real = r.get("pagu_tw_akhir"), r.get("realisasi_tw_akhir")
        note = []
        if tw_pagu is not None and not pd.isna(tw_pagu) and tw_pagu != r["pagu"]:
            note.append(f"pagu TW IV {_rp(tw_pagu)}")
        if tw_real is not None and not pd.isna(tw_real) and tw_real != r["realisasi"]:
            note.append(f"realisasi TW IV {_rp(tw_real)}")
        first = r["program_no"] != last_prog
        last_prog = r["program_no"]
        rows.append({"No": str(int(r["program_no"])) if first else "",
                     "Program": r["program"] if first else "", "Kegiatan": r["kegiatan"],
                     "Pagu Anggaran": _rp(r["pagu"]), "Realisasi": _rp(r["realisasi"]),
                     "% (tertulis)": stated, "% (dihitung)": computed,
                     "Catatan": "; ".join(note)})
    total_p = sum(k.budget["pagu"], Decimal(0))
    total_r = sum(k.budget["realisasi"], Decimal(0))
    rows.append({"No": "", "Program": "Jumlah", "Kegiatan": "", "Pagu Anggaran": _rp(total_p),
                 "Realisasi": _rp(total_r), "% (tertulis)": "",
                 "% (dihitung)": _p(total_r * 100 / total_p if total_p else None), "Catatan": ""})
    return pd.DataFrame(rows)
