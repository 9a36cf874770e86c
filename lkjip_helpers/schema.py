"""The tidy tables and their checks (pandera), applied where a table crosses a module boundary.

Money columns are exact decimals with two places (``decimal128(20, 2)`` in Arrow, so Parquet keeps
them exact too); stated percentages are ``decimal128(12, 4)``.
"""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pandera.pandas as pa
import pyarrow as pyarrow

MONEY = pd.ArrowDtype(pyarrow.decimal128(20, 2))
PERCENT = pd.ArrowDtype(pyarrow.decimal128(12, 4))
TEXT = pd.StringDtype()

_SOURCE = {
    "source_file": pa.Column(TEXT),
    "source_sheet": pa.Column(TEXT),
    "source_cell": pa.Column(TEXT, nullable=True),
}
_PERIOD = {
    "year": pa.Column("int64", pa.Check.in_range(1990, 2100)),
    "quarter": pa.Column("int64", pa.Check.isin([1, 2, 3, 4])),
}

BUDGET_LINES = pa.DataFrameSchema({
    **_PERIOD,
    "program_no": pa.Column("int64", pa.Check.ge(1)),
    "program": pa.Column(TEXT),
    "kegiatan": pa.Column(TEXT),
    "kode": pa.Column(TEXT, nullable=True),
    "pagu": pa.Column(MONEY),
    "realisasi": pa.Column(MONEY),
    "capaian": pa.Column(PERCENT, nullable=True),
    "capaian_decimals": pa.Column("Int64", nullable=True),
    "line": pa.Column("int64"),
    **_SOURCE,
    "source_part": pa.Column("Int64", nullable=True),
    "pagu_cell": pa.Column(TEXT, nullable=True),
    "realisasi_cell": pa.Column(TEXT, nullable=True),
    "capaian_cell": pa.Column(TEXT, nullable=True),
}, strict=True, ordered=True, name="budget_lines")

STATED_TOTALS = pa.DataFrameSchema({
    **_PERIOD,
    "kind": pa.Column(TEXT, pa.Check.isin(["program", "total", "footer"])),
    "program_no": pa.Column("Int64", nullable=True),
    "label": pa.Column(TEXT),
    "pagu": pa.Column(MONEY, nullable=True),
    "realisasi": pa.Column(MONEY, nullable=True),
    "amount": pa.Column(MONEY, nullable=True),
    "capaian": pa.Column(PERCENT, nullable=True),
    "capaian_decimals": pa.Column("Int64", nullable=True),
    **_SOURCE,
    "source_part": pa.Column("Int64", nullable=True),
    "pagu_cell": pa.Column(TEXT, nullable=True),
    "realisasi_cell": pa.Column(TEXT, nullable=True),
    "capaian_cell": pa.Column(TEXT, nullable=True),
    "amount_cell": pa.Column(TEXT, nullable=True),
}, strict=True, ordered=True, name="stated_totals")

INDICATOR_ROWS = pa.DataFrameSchema({
    **_PERIOD,
    "no": pa.Column(TEXT, nullable=True),
    "tujuan": pa.Column(TEXT, nullable=True),
    "sasaran": pa.Column(TEXT, nullable=True),
    "indikator": pa.Column(TEXT),
    "formulasi": pa.Column(TEXT, nullable=True),
    "target": pa.Column(TEXT, nullable=True),
    "realisasi": pa.Column(TEXT, nullable=True),
    "capaian": pa.Column(TEXT, nullable=True),
    **_SOURCE,
}, strict=True, ordered=True, name="indicators")

ROW_ROLES = pa.DataFrameSchema({
    "source_file": pa.Column(TEXT),
    "source_sheet": pa.Column(TEXT),
    "row": pa.Column("int64"),
    "role": pa.Column(TEXT, pa.Check.isin(["title", "header", "line", "indicator", "total",
                                           "footer", "signature", "reported"])),
    "note": pa.Column(TEXT),
}, strict=True, name="row_roles")

_DTYPES = {"money": MONEY, "percent": PERCENT}


def frame(records: list[dict], schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Build a frame with the schema's columns and dtypes from plain records, then validate it."""
    data = {}
    for name, col in schema.columns.items():
        data[name] = column([rec.get(name) for rec in records], col.dtype.type)
    return schema.validate(pd.DataFrame(data))


def column(values: list, dtype):
    """An array of ``dtype`` from Python values (None for missing; money as Decimal)."""
    if isinstance(dtype, pd.ArrowDtype):
        values = [v if v is None or isinstance(v, Decimal) else Decimal(str(v)) for v in values]
        return pd.array(pyarrow.array(values, type=dtype.pyarrow_dtype), dtype=dtype)
    if str(dtype) == "Int64":
        return pd.array(values, dtype="Int64")
    if isinstance(dtype, pd.StringDtype):
        return pd.array(values, dtype=TEXT)
    return pd.array(values, dtype=str(dtype))


def money(s: pd.Series) -> pd.Series:
    """Cast a money column (e.g. a sum, which Arrow widens to 38 digits) back to ``MONEY``."""
    return s.astype(MONEY)


def read_parquet(path, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Read a table written by :func:`lkjip_helpers.ingest.write_tables`, with its dtypes."""
    df = pd.read_parquet(path)
    records = df.astype(object).where(df.notna(), None).to_dict("records")
    return frame(records, schema)
