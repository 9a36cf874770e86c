"""The tidy tables as plain records, split by agency.

Reconcile works on records: the tables are turned into dicts once, each agency's checks run over its
own records, and each derived table is built once from the rows of every agency. Fifty agencies so
cost what their rows cost, not fifty rounds of pandas' per-call overhead.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..period import Agency, period_of


def column_values(s: pd.Series) -> list:
    """A column as Python values, None where missing (money stays Decimal)."""
    if isinstance(s.dtype, pd.ArrowDtype):
        arr = s.array.__arrow_array__()
        if pa.types.is_decimal(arr.type):  # Arrow's exact text of each value, then Decimal: the
            # same values (digits and scale) in half the time of to_pylist
            return [t if t is None else Decimal(t) for t in pc.cast(arr, pa.string()).to_pylist()]
        return arr.to_pylist()
    return s.to_numpy(dtype=object, na_value=None).tolist()


def records(df: pd.DataFrame) -> list[dict]:
    """Rows as plain dicts with None for missing values (money stays Decimal)."""
    names = list(df.columns)
    cols = [column_values(df[c]) for c in names]
    return [dict(zip(names, row)) for row in zip(*cols)]


def agency_key(code, name) -> str:
    """:attr:`Agency.key` of a row: the code when there is one, else the folded name."""
    return Agency(code or "", name or "").key


def by_period(rows: list[dict], key=None) -> dict:
    """``{(key, period): rows}`` (``key(row)``, or None), each period made once; periods in order
    within each key."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((key(r) if key else None, r["year"], r["month"], r["quarter"]),
                          []).append(r)
    out = [((k[0], period_of(*k[1:])), g) for k, g in groups.items()]
    return dict(sorted(out, key=lambda kg: kg[0][1].sort_key()))


@dataclass
class Group:
    """One agency's rows in the tables (positions, in table order) and the ingest warnings about
    its files: what a worker needs to reconcile it."""

    agency: Agency
    rows: list[int]
    stated_rows: list[int]
    warnings: list


@dataclass
class Part:
    """One agency's records: budget lines (with their row in the table), stated totals, and the
    ingest warnings about its files."""

    agency: Agency
    lines: list[dict] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    stated: list[dict] = field(default_factory=list)
    warnings: list = field(default_factory=list)


def _positions(df: pd.DataFrame) -> dict[str, tuple[Agency, list[int]]]:
    """``{agency key: (agency of its first row, rows)}``."""
    out: dict[str, tuple[Agency, list[int]]] = {}
    if not len(df):
        return out
    groups = df.groupby(["agency_code", "agency_name"], sort=False, dropna=False).indices
    for (code, name), idx in groups.items():  # in order of first appearance
        k = agency_key(code, name)
        if k in out:
            out[k][1].extend(idx.tolist())
        else:
            out[k] = (Agency(code, name), idx.tolist())
    for _, rows in out.values():
        rows.sort()
    return out


def agency_groups(budget_lines: pd.DataFrame, stated_totals: pd.DataFrame,
                  warnings: list) -> list[Group]:
    """Each agency's rows, agencies in order of their key. With one agency (or none) every stated
    total and warning is its own; with several, each goes to the agency it names (a warning to
    the agency whose budget lines came from its file)."""
    lines = _positions(budget_lines)
    if len(lines) <= 1:
        agency, rows = next(iter(lines.values()), (Agency(), []))
        return [Group(agency, rows, list(range(len(stated_totals))), list(warnings))]
    stated = _positions(stated_totals)
    files: dict[str, dict[str, None]] = {}
    for code, name, f in budget_lines[["agency_code", "agency_name", "source_file"]] \
            .drop_duplicates().itertuples(index=False):
        files.setdefault(f, {})[agency_key(code, name)] = None
    warns: dict[str, list] = {k: [] for k in lines}
    for w in warnings:  # a warning that names its agency (a file of several SKPD) is its alone
        for k in files.get(w.file, ()):
            if getattr(w, "agency", None) in (None, k):
                warns[k].append(w)
    return [Group(lines[k][0], lines[k][1], stated[k][1] if k in stated else [], warns[k])
            for k in sorted(lines)]


def agency_parts(groups: list[Group], budget_lines: pd.DataFrame,
                 stated_totals: pd.DataFrame) -> list[Part]:
    """The records of each group's rows (the tables turned into records once)."""
    lines = records(budget_lines.iloc[[i for g in groups for i in g.rows]])
    stated = records(stated_totals.iloc[[i for g in groups for i in g.stated_rows]])
    out, a, b = [], 0, 0
    for g in groups:
        out.append(Part(g.agency, lines[a:a + len(g.rows)], g.rows,
                        stated[b:b + len(g.stated_rows)], g.warnings))
        a, b = a + len(g.rows), b + len(g.stated_rows)
    return out
