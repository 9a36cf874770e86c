"""The budget basis: which pagu absorption (penyerapan) is measured against — one rule, written
once, applied to every kegiatan, program and total of every quarter.

The rule (also in the README, "The budget basis", and docs/budget-basis.md):

1. **Year-end report (TW IV) with the annual workbook**: a kegiatan's basis is its final pagu of
   the year, Tabel 3.2 of ``kinerja_<year>.xlsx`` ("pagu akhir (Tabel 3.2)"): the document that
   closes the year states the budget in force at its end.
2. **Otherwise, the pagu in force by the sheets**: the pagu the quarter's sheet states, except when
   that sheet goes back to a pagu an earlier sheet had already replaced (``PAGU_REVERTED``): a
   replaced version is not taken back by a later sheet restating it, so the replacing version stays
   in force ("pagu berlaku (versi TW II)") and the sheet's own figure is shown beside it.
3. A kegiatan that Tabel 3.2 does not list keeps rule 2 at TW IV too; the label then says how many
   kegiatan each basis covers.

The sheets' own pagu is never hidden: every table keeps it beside the basis, and the summary names
the basis and says in one sentence why the other figures differ.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

FINAL, IN_FORCE, SHEET = "akhir", "berlaku", "lembar"


def _tw(q: int) -> str:
    return "TW " + ("I", "II", "III", "IV")[int(q) - 1]


def in_force(history: list[tuple[int, Decimal]]) -> list[tuple[Decimal, int, bool]]:
    """For one kegiatan's ``[(quarter, pagu stated), ...]`` in quarter order: per quarter the pagu
    in force, the quarter whose sheet set it, and whether the sheet restated a replaced version.

    >>> in_force([(1, 10), (2, 5), (3, 10), (4, 10)])
    [(10, 1, False), (5, 2, False), (5, 2, True), (5, 2, True)]
    """
    out = []
    current, since, replaced = None, None, set()
    for q, pagu in history:
        if current is None or pagu == current:
            current, since = (pagu, q) if current is None else (current, since)
            out.append((current, since, False))
        elif pagu in replaced:
            out.append((current, since, True))  # a replaced version restated: not taken back
        else:
            replaced.add(current)
            current, since = pagu, q
            out.append((current, since, False))
    return out


def kegiatan_basis(kegiatan: pd.DataFrame, final: dict[int, Decimal] | None = None,
                   final_label: str = "Tabel 3.2") -> pd.DataFrame:
    """Per kegiatan per quarter: ``pagu_lembar`` (the sheet's), ``pagu_berlaku`` (rule 2) with
    ``berlaku_sejak`` and ``dipulihkan`` (the sheet restated a replaced version), ``pagu_akhir``
    (rule 1, TW IV only; ``final`` maps kegiatan_key to Tabel 3.2's pagu), and the basis chosen:
    ``pagu_dasar``, ``dasar`` (akhir / berlaku / lembar) and ``penyerapan_dasar`` (%)."""
    final = final or {}
    rows = []
    for (year, key), g in kegiatan.groupby(["year", "kegiatan_key"], sort=True):
        g = g.sort_values("quarter")
        states = in_force(list(zip((int(q) for q in g["quarter"]), g["pagu"])))
        for (_, r), (pagu, since, restated) in zip(g.iterrows(), states):
            q = int(r["quarter"])
            fin = final.get(int(key)) if q == 4 else None
            basis, kind = (fin, FINAL) if fin is not None else \
                (pagu, IN_FORCE if pagu != r["pagu"] else SHEET)
            rows.append({"year": int(year), "quarter": q, "kegiatan_key": int(key),
                         "pagu_lembar": r["pagu"], "pagu_berlaku": pagu,
                         "berlaku_sejak": since, "dipulihkan": restated, "pagu_akhir": fin,
                         "pagu_dasar": basis, "dasar": kind,
                         "penyerapan_dasar": _pct(r["realisasi"], basis)})
    cols = ["year", "quarter", "kegiatan_key", "pagu_lembar", "pagu_berlaku", "berlaku_sejak",
            "dipulihkan", "pagu_akhir", "pagu_dasar", "dasar", "penyerapan_dasar"]
    return _money(pd.DataFrame(rows, columns=cols),
                  ["pagu_lembar", "pagu_berlaku", "pagu_akhir", "pagu_dasar"])


def _pct(num, den) -> float | None:
    if num is None or den is None or pd.isna(den) or den == 0:
        return None
    return float(Decimal(num) * 100 / Decimal(den))


def with_basis(kegiatan: pd.DataFrame, basis: pd.DataFrame) -> pd.DataFrame:
    """The kegiatan table with the basis columns beside its own (same rows, same order)."""
    keys = ["year", "quarter", "kegiatan_key"]
    b = basis.drop(columns=["pagu_lembar"]).astype({k: "int64" for k in keys})
    k = kegiatan.astype({c: "int64" for c in keys})
    out = k.merge(b, on=keys, how="left", validate="one_to_one")
    out.index = kegiatan.index
    return out


def aggregate_basis(kegiatan: pd.DataFrame, by: list[str], band) -> pd.DataFrame:
    """Sum the basis of a kegiatan table (with :func:`with_basis` columns) to programs
    (``by=["program_key"]``) or the agency (``by=[]``): ``pagu_dasar``, ``penyerapan_dasar``,
    ``kategori_dasar`` (``band(penyerapan, quarter)``), and ``dasar`` in words."""
    keys = group_keys(kegiatan, by)
    rows = []
    for k, g in kegiatan.groupby(keys, sort=True):
        k = k if isinstance(k, tuple) else (k,)
        pagu = sum(g["pagu_dasar"], Decimal(0))
        real = sum(g["realisasi"], Decimal(0))
        pen = _pct(real, pagu)
        rec = {c: (v if c == "agency_code" else int(v)) for c, v in zip(keys, k)}
        rec.update({"pagu_dasar": pagu, "penyerapan_dasar": pen,
                    "kategori_dasar": band(pen, rec["quarter"]),
                    "dasar": describe(rec["quarter"], list(g["dasar"]), list(g["berlaku_sejak"]),
                                      list(g["dipulihkan"]))})
        rows.append(rec)
    out = pd.DataFrame(rows, columns=keys + ["pagu_dasar", "penyerapan_dasar", "kategori_dasar",
                                             "dasar"])
    return _money(out, ["pagu_dasar"])


def group_keys(df: pd.DataFrame, by: list[str]) -> list[str]:
    """The keys of a program or total row: the agency (when the table has one), year, quarter."""
    return [c for c in ("agency_code",) if c in df.columns] + ["year", "quarter"] + by


def _money(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    from .numbers import is_missing
    from .schema import MONEY, column

    for c in cols:
        df[c] = column([None if is_missing(v) else Decimal(v) for v in df[c]], MONEY)
    return df


def describe(quarter: int, kinds: list[str], since: list[int], restated: list[bool]) -> str:
    """The basis of a group in words: 'pagu akhir (Tabel 3.2)', 'pagu lembar TW II', or the pagu
    in force with the kegiatan whose replaced pagu the sheet restated, or a mix."""
    n_final = sum(k == FINAL for k in kinds)
    if n_final == len(kinds):
        return "pagu akhir (Tabel 3.2)"
    back = sorted({q for q, r in zip(since, restated) if r})
    n_back = sum(restated)
    sheet = (f"pagu lembar {_tw(quarter)}" if not n_back else
             f"pagu berlaku: pagu lembar {_tw(quarter)}, kecuali {n_back} kegiatan yang "
             "pagunya dikembalikan lembar itu ke versi lama (bagi kegiatan itu berlaku versi "
             f"{', '.join(_tw(q) for q in back)})")
    if not n_final:
        return sheet
    return (f"pagu akhir (Tabel 3.2) untuk {n_final} kegiatan; {sheet} untuk "
            f"{len(kinds) - n_final} kegiatan yang tidak ada di Tabel 3.2")


def short(text: str) -> str:
    """A basis of :func:`describe` in a table's cell: 'pagu berlaku' for the pagu in force with
    its exceptions, 'pagu akhir dan pagu lembar' for a mix, others as they are (the whole
    sentence goes under the table)."""
    from .numbers import is_missing

    if is_missing(text):
        return ""
    text = str(text)
    if " untuk " in text:  # a mix (its sheet part may itself be "pagu berlaku: …")
        return "pagu akhir dan pagu lembar"
    if ": " in text:
        return text.split(": ", 1)[0]
    return text


def on_basis(df: pd.DataFrame) -> pd.DataFrame:
    """A kegiatan, program or total table with its pagu, penyerapan and kategori replaced by the
    basis (the sheet's own pagu kept as ``pagu_lembar``): what tables and charts show. A table
    without basis columns (no budget basis computed) is returned as it is."""
    if "pagu_dasar" not in df.columns:
        return df
    out = df.copy()
    out["pagu_lembar"] = df["pagu"]
    out["penyerapan_lembar"] = df["penyerapan"]
    out["pagu"] = df["pagu_dasar"]
    out["penyerapan"] = df["penyerapan_dasar"]
    if "kategori_dasar" in df.columns:
        out["kategori"] = df["kategori_dasar"]
    if "pagu_latest" in df.columns and len(df):
        # "against the latest pagu" on the basis too: the basis of the row's kegiatan, program or
        # agency at the year's last period in the table (at TW IV Tabel 3.2's final pagu), not
        # the last sheet's own pagu (which may restate a replaced version)
        by = ["kegiatan_key"] if "kegiatan_key" in df.columns else \
            ["program_key"] if "program_key" in df.columns else []
        from .numbers import is_missing

        keys = [c for c in ("agency_code",) if c in df.columns] + ["year"] + by
        rows = [tuple(None if is_missing(v) else v for v in r)  # an absent agency code: one key
                for r in df[keys].itertuples(index=False, name=None)]
        month = df["month"] if "month" in df.columns else [None] * len(df)
        when = [(int(q), 0 if is_missing(m) else int(m)) for q, m in zip(df["quarter"], month)]
        last: dict = {}
        for i in sorted(range(len(df)), key=when.__getitem__):
            last[rows[i]] = df["pagu_dasar"].iloc[i]
        latest = [last[r] for r in rows]
        out["pagu_latest"] = latest
        out["penyerapan_latest"] = [_pct(r, p) for r, p in zip(df["realisasi"], latest)]
    return out


@dataclass(frozen=True)
class Alternative:
    label: str
    pagu: Decimal
    penyerapan: float | None
    why: str


@dataclass(frozen=True)
class Headline:
    """The report's headline absorption: on which pagu, and the other bases beside it."""

    label: str                  # e.g. "pagu akhir (Tabel 3.2)"
    pagu: Decimal
    realisasi: Decimal
    penyerapan: float | None
    kategori: str | None
    others: list[Alternative] = field(default_factory=list)


def headline(kegiatan: pd.DataFrame, total: dict, year: int, quarter: int,
             annual_file: str = "") -> Headline:
    """The headline for one period from the kegiatan table with basis columns and the agency
    total row (``pagu_dasar``, ``penyerapan_dasar``, ``kategori_dasar``, ``dasar``)."""
    g = kegiatan[(kegiatan["year"] == year) & (kegiatan["quarter"] == quarter)]
    real = sum(g["realisasi"], Decimal(0))
    sheet = sum(g["pagu"], Decimal(0))
    force = sum(g["pagu_berlaku"], Decimal(0))
    basis = total["pagu_dasar"]
    label = total["dasar"] + (f", {annual_file}" if annual_file and total["dasar"].startswith(
        "pagu akhir") else "")
    others = []
    restated = g[g["dipulihkan"]]
    back = ", ".join(_tw(q) for q in sorted({int(q) for q in restated["berlaku_sejak"]}))
    if sheet != basis:
        why = (f"lembar {_tw(quarter)} mencantumkan lagi pagu yang sudah diganti di {back} "
               f"({len(restated)} kegiatan); versi lama itu tidak dipakai sebagai dasar"
               if len(restated) else
               f"lembar {_tw(quarter)} menyatakan versi pagu lain dari pagu akhir tahun")
        others.append(Alternative(f"pagu lembar {_tw(quarter)}", sheet, _pct(real, sheet), why))
    if force not in (basis, sheet):
        first = int(kegiatan.loc[kegiatan["year"] == year, "quarter"].min())
        later = sorted({int(q) for q in g["berlaku_sejak"] if int(q) > first})
        version = f" (versi {', '.join(_tw(q) for q in later)})" if later else ""
        why = (f"pagu akhir tahun (Tabel 3.2) berbeda {_rp(basis - force)} dari pagu yang berlaku "
               f"menurut lembar triwulan{version}: perubahan sesudahnya, periksa DPA akhir")
        others.append(Alternative(f"pagu berlaku menurut lembar triwulan{version}", force,
                                  _pct(real, force), why))
    return Headline(label, basis, real, total["penyerapan_dasar"], total["kategori_dasar"], others)


def _rp(v) -> str:
    from .numbers import format_rupiah

    return format_rupiah(v)


def final_pagu(budget: pd.DataFrame | None, kegiatan: pd.DataFrame) -> dict[int, Decimal]:
    """Tabel 3.2's pagu per kegiatan_key, matched by (program, kegiatan) name to the TW IV
    kegiatan (the same matching that follows kegiatan across quarters)."""
    from .reconcile.matching import match_names

    if budget is None or not len(budget):
        return {}
    tw4 = kegiatan[kegiatan["quarter"] == 4]
    if not len(tw4):
        return {}
    rows = list(zip(tw4["program"], tw4["kegiatan"]))
    pairs = match_names(rows, list(zip(budget["program"], budget["kegiatan"])))
    keys = [int(k) for k in tw4["kegiatan_key"]]
    pagu = list(budget["pagu"])
    return {keys[j]: Decimal(pagu[i]) for i, (j, _) in pairs.items()}
