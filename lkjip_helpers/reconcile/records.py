"""The tidy tables as plain records, split by agency.

Reconcile works on records: the tables are turned into dicts once, each agency's checks run over its
own records, and each derived table is built once from the rows of every agency. Fifty agencies so
cost what their rows cost, not fifty rounds of pandas' per-call overhead.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..period import Agency, period_of


def column_values(s: pd.Series) -> list:
    """A column as Python values, None where missing (money stays Decimal)."""
    if isinstance(s.dtype, pd.ArrowDtype):
        return s.array.__arrow_array__().to_pylist()
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
class Part:
    """One agency's records: budget lines (with their row in the table), stated totals, and the
    ingest warnings about its files."""

    agency: Agency
    lines: list[dict] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    stated: list[dict] = field(default_factory=list)
    warnings: list = field(default_factory=list)


def agency_parts(budget_lines: pd.DataFrame, stated_totals: pd.DataFrame,
                 warnings: list) -> list[Part]:
    """Each agency's records, agencies in order of their key. With one agency (or none) every
    stated total and warning is its own; with several, each goes to the agency it names (a warning
    to the agency whose budget lines came from its file)."""
    lines = records(budget_lines)
    stated = records(stated_totals)
    keys = [agency_key(r["agency_code"], r["agency_name"]) for r in lines]
    parts: dict[str, Part] = {}
    for i, (k, r) in enumerate(zip(keys, lines)):
        part = parts.get(k)
        if part is None:
            part = parts[k] = Part(Agency(r["agency_code"], r["agency_name"]))
        part.lines.append(r)
        part.rows.append(i)
    if len(parts) <= 1:
        part = next(iter(parts.values()), None) or Part(Agency())
        part.stated, part.warnings = stated, list(warnings)
        return [part]
    for r in stated:
        part = parts.get(agency_key(r["agency_code"], r["agency_name"]))
        if part is not None:
            part.stated.append(r)
    files: dict[str, dict[str, None]] = {}
    for k, r in zip(keys, lines):
        files.setdefault(r["source_file"], {})[k] = None
    for w in warnings:
        for k in files.get(w.file, ()):
            parts[k].warnings.append(w)
    return [parts[k] for k in sorted(parts)]
