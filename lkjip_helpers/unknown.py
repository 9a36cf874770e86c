"""Amounts that are not known, and the sheets they keep out of every sum.

An error value (``#DIV/0!``, ``#N/A``, ``#VALUE!``, ``#REF!``...) or a formula saved without its
value in a pagu or realisasi cell is never read as 0 and never replaced by a neighbouring cell: the
reader keeps the line with an empty amount and a ``MISSING_VALUE`` finding of error severity naming
the cell.

A sheet with such a line is then *held out* of everything that sums: its subtotals and totals are
not checked, its period gets no total, absorption or band, it is not followed across quarters, and
a report of its quarter is refused with one line naming the cells (an earlier quarter is left out
of a later report with a note, as a missing sheet is). The lines stay in the ingested tables, with
the empty amount, so that ingest, the processed tables and the findings still show them.

An error value in a stated subtotal or Total row only leaves that one stated figure unknown (it is
not checked); the lines below it are exact and are used. The long layout with account codes and
the LRA refuse such a cell in a line (exit 2, naming it); in a parent code's row (``5`` over
``5.1``…) it is a MISSING_VALUE warning and that parent is not checked against its children.
"""
from __future__ import annotations

import pandas as pd

from .limits import NO_CACHE

UNKNOWN_NOTE = ("jumlahnya tidak diketahui: lembar ini tidak dijumlahkan (subtotal, total dan "
                "penyerapan periodenya tidak dihitung)")


def unknown_sheets(lines: pd.DataFrame) -> dict[tuple[str, str], list[str]]:
    """``{(file, sheet): [cells]}`` of the sheets with a budget line whose pagu or realisasi is
    unknown (empty), the cells in order."""
    if not len(lines):
        return {}
    out: dict[tuple[str, str], list[str]] = {}
    for key in ("pagu", "realisasi"):
        missing = lines[lines[key].isna()]
        for f, s, cell in zip(missing["source_file"], missing["source_sheet"],
                              missing[f"{key}_cell"]):
            out.setdefault((f, s), []).append(str(cell))
    return out


def held_sheets(lines: list[dict]) -> set[tuple[str, str]]:
    """``{(file, sheet)}`` of the sheets with an unknown amount, from budget-line records."""
    return {(r["source_file"], r["source_sheet"]) for r in lines
            if r["pagu"] is None or r["realisasi"] is None}


def known(df: pd.DataFrame, held: dict) -> pd.DataFrame:
    """The rows of ``df`` (budget lines or stated totals) outside the held sheets."""
    if not held or not len(df):
        return df
    keep = [(f, s) not in held for f, s in zip(df["source_file"], df["source_sheet"])]
    return df[keep].reset_index(drop=True)


def held_periods(lines: pd.DataFrame) -> list[tuple[int, int, int | None, str]]:
    """``(year, quarter, month or None, text)`` of each held sheet: the text names the file, sheet
    and cells."""
    held = unknown_sheets(lines)
    if not held:
        return []
    out = []
    periods = lines[["source_file", "source_sheet", "year", "quarter", "month"]].drop_duplicates(
        ["source_file", "source_sheet"])
    for f, s, y, q, m in periods.itertuples(index=False):
        if (f, s) in held:
            cells = held[(f, s)]
            more = f" dan {len(cells) - 3} lagi" if len(cells) > 3 else ""
            out.append((int(y), int(q), None if pd.isna(m) else int(m),
                        f"{f}, sheet {s!r}: nilai tidak diketahui di sel "
                        f"{', '.join(cells[:3])}{more} (galat atau rumus tanpa nilai; lihat temuan "
                        "MISSING_VALUE)"))
    return out


def unreadable_text(value) -> str:
    """What an unreadable cell (:class:`~lkjip_helpers.excel.workbook.Unreadable`) holds."""
    if value.what == NO_CACHE:
        return ("rumus tanpa nilai tersimpan (workbook disimpan tanpa menghitung ulang); buka dan "
                "simpan ulang di Excel/LibreOffice, atau ketik angkanya")
    return f"berisi nilai galat {value.what}, bukan angka; perbaiki rumusnya atau ketik angkanya"
