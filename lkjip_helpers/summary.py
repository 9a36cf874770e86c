"""Per agency and period: how many programs, kegiatan and sub kegiatan a source holds, and pagu and
realisasi over its spending lines (akun 5 / belanja; revenue is kept apart)."""
from __future__ import annotations

import pandas as pd

from .numbers import money_json
from .period import period_of
from .schema import KEYS


def spending(lines: pd.DataFrame) -> pd.DataFrame:
    """The spending lines (jenis ``belanja``): absorption and the periods' sums are over these."""
    return lines[lines["jenis"] == "belanja"]


def group_periods(df: pd.DataFrame):
    """``(agency_code, agency_name, period), frame`` for each agency and period, in order."""
    if not len(df):
        return []
    groups = []
    for key, g in df.groupby(list(KEYS), sort=False, dropna=False):
        code, name, year, month, quarter = key
        groups.append(((code, name, period_of(year, None if pd.isna(month) else month, quarter)),
                       g))
    return sorted(groups, key=lambda kg: (kg[0][0], kg[0][1], kg[0][2].sort_key()))


def count_levels(g: pd.DataFrame) -> dict:
    """programs, kegiatan and sub kegiatan among budget lines of one sheet set."""
    programs = g.loc[g["level"] != "akun", ["source_file", "source_sheet", "program_no"]]
    keg = g[g["level"] == "kegiatan"]
    sub = g[g["level"] == "sub_kegiatan"]
    kegiatan_of_sub = sub[["source_file", "source_sheet", "program_no", "kegiatan"]]
    return {"programs": len(programs.drop_duplicates()),
            "kegiatan": len(keg) + len(kegiatan_of_sub.drop_duplicates()),
            "sub_kegiatan": len(sub)}


def period_summary(lines: pd.DataFrame) -> list[dict]:
    """The ``--json`` periods: ``{agency_code, agency_name, year, month, quarter, programs,
    kegiatan, sub_kegiatan, pagu, realisasi}`` (month None for a quarterly source)."""
    out = []
    for (code, name, period), g in group_periods(lines):
        spend = spending(g)
        out.append({"agency_code": code, "agency_name": name, "year": period.year,
                    "month": period.month, "quarter": period.quarter, **count_levels(g),
                    "pagu": _sum(spend["pagu"]), "realisasi": _sum(spend["realisasi"])})
    return out


def _sum(amounts: pd.Series) -> int | float | None:
    """The sum as JSON; None (unknown) when an amount is unknown (see lkjip_helpers.unknown)."""
    return None if amounts.isna().any() else money_json(amounts.sum())
