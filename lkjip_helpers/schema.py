"""The tidy tables and their checks (pandera), applied where a table crosses a module boundary.

Money columns are exact decimals with two places (``decimal128(20, 2)`` in Arrow, so Parquet keeps
them exact too); stated percentages are ``decimal128(12, 4)``.

The specs are plain data; the pandera schemas are built on first use, so that a process that only
reads finished tables (the report's kernel) does not pay for importing pandera.
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import pandas as pd
import pyarrow as pyarrow

MONEY = pd.ArrowDtype(pyarrow.decimal128(20, 2))
PERCENT = pd.ArrowDtype(pyarrow.decimal128(12, 4))
NUMBER = pd.ArrowDtype(pyarrow.decimal128(24, 4))
TEXT = pd.StringDtype()

# column -> (dtype, nullable, check); checks: ("isin", values), ("range", lo, hi), ("ge", lo)
_SOURCE = {"source_file": (TEXT, False, None), "source_sheet": (TEXT, False, None),
           "source_cell": (TEXT, True, None)}
# every table's keys: the agency ("" when no source names it) and the period (month empty for a
# quarterly source; quarter derived from the month for a monthly one, see lkjip_helpers.period)
AGENCY = {"agency_code": (TEXT, False, None), "agency_name": (TEXT, False, None)}
_PERIOD = {**AGENCY, "year": ("int64", False, ("range", 1990, 2100)),
           "month": ("Int64", True, ("range", 1, 12)),
           "quarter": ("int64", False, ("isin", [1, 2, 3, 4]))}
KEYS = tuple(_PERIOD)
LEVELS = ["kegiatan", "sub_kegiatan", "akun"]
JENIS = ["belanja", "pendapatan", "pembiayaan"]
_CELLS = {"pagu_cell": (TEXT, True, None), "realisasi_cell": (TEXT, True, None),
          "capaian_cell": (TEXT, True, None)}

SPECS: dict[str, dict] = {
    # the cash plan (anggaran kas): one row per sub kegiatan (or the template's BELANJA) and month,
    # the month's own amount (not cumulative), the pagu of the plan's version
    "cash_plan": {
        **_PERIOD, "version": (TEXT, True, None),
        **{c: (TEXT, True, None) for c in ("program_code", "program", "kegiatan_code", "kegiatan",
                                           "sub_kegiatan_code", "sub_kegiatan")},
        "pagu": (MONEY, True, None), "plan": (MONEY, False, None), **_SOURCE,
    },
    "budget_lines": {
        **_PERIOD,
        "program_no": ("int64", False, ("ge", 1)),
        "program": (TEXT, False, None), "kegiatan": (TEXT, False, None),
        "sub_kegiatan": (TEXT, True, None),
        "kode": (TEXT, True, None),
        "level": (TEXT, False, ("isin", LEVELS)), "akun": (TEXT, True, None),
        "jenis": (TEXT, False, ("isin", JENIS)),
        # empty: unknown (an error value or a formula without its value; see lkjip_helpers.unknown)
        "pagu": (MONEY, True, None), "realisasi": (MONEY, True, None),
        "capaian": (PERCENT, True, None), "capaian_decimals": ("Int64", True, None),
        "line": ("int64", False, None),
        **_SOURCE, "source_part": ("Int64", True, None), **_CELLS,
        "unit": ("Int64", True, None),  # the stated unit (1000: "dalam ribuan"); empty: rupiah
    },
    "stated_totals": {
        **_PERIOD,
        "kind": (TEXT, False, ("isin", ["program", "kegiatan", "akun", "total", "footer"])),
        "program_no": ("Int64", True, None), "label": (TEXT, False, None),
        "kode": (TEXT, True, None),
        "pagu": (MONEY, True, None), "realisasi": (MONEY, True, None),
        "amount": (MONEY, True, None),
        "capaian": (PERCENT, True, None), "capaian_decimals": ("Int64", True, None),
        **_SOURCE, "source_part": ("Int64", True, None), **_CELLS,
        "amount_cell": (TEXT, True, None), "unit": ("Int64", True, None),
    },
    "indicators": {
        **_PERIOD,
        **{c: (TEXT, True, None) for c in ("no", "tujuan", "sasaran")},
        "indikator": (TEXT, False, None),
        **{c: (TEXT, True, None) for c in ("formulasi", "target", "realisasi", "capaian")},
        **_SOURCE,
    },
    "row_roles": {
        **AGENCY,
        "source_file": (TEXT, False, None), "source_sheet": (TEXT, False, None),
        "row": ("int64", False, None),
        "role": (TEXT, False, ("isin", ["title", "header", "line", "indicator", "total",
                                        "footer", "signature", "reported"])),
        "note": (TEXT, False, None),
    },
}


def register(name: str, spec: dict) -> None:
    """Add a table spec (the findings module registers its own)."""
    SPECS[name] = spec


@lru_cache(maxsize=None)
def schema(name: str):
    """The pandera schema of a table, built on first use."""
    import pandera.pandas as pa

    _checks_without_hypothesis()

    def check(c):
        if c is None:
            return []
        kind, *args = c
        return [{"isin": pa.Check.isin, "range": pa.Check.in_range, "ge": pa.Check.ge}[kind](*args)]

    return pa.DataFrameSchema(
        {col: pa.Column(_text_type() if isinstance(dtype, pd.StringDtype) else dtype, check(chk),
                        nullable=nullable)
         for col, (dtype, nullable, chk) in SPECS[name].items()},
        strict=True, ordered=True, name=name)


@lru_cache(maxsize=None)
def _checks_without_hypothesis() -> None:
    """Load pandera's built-in checks without what it tries for a feature lkjip never uses: its
    first validation imports them, and they import hypothesis for pandera's data-synthesis
    strategies (a quarter of a second of every process that validates a table). Held back only
    when hypothesis is not imported yet, and importable again afterwards (the tests use it)."""
    from .optional import held_back

    with held_back("hypothesis"):
        import pandera.backends.pandas.builtin_checks  # noqa: F401


@lru_cache(maxsize=None)
def _text_type():
    """pandera's string type, answering a match of the column's type with one True: pandera's own
    answers with a True per row and then formats a report of no failures for every text column
    (half the time of a validation). The same verdicts (a test compares them)."""
    import dataclasses

    import numpy as np
    from pandera.engines import pandas_engine

    @dataclasses.dataclass(frozen=True)
    class Text(pandas_engine.STRING):
        def check(self, pandera_dtype, data_container=None):
            got = super().check(pandera_dtype, data_container)
            return True if isinstance(got, np.ndarray) and got.all() else got

    return Text(storage=TEXT.storage)


def frame(records: list[dict], name: str) -> pd.DataFrame:
    """Build a frame of table ``name`` from plain records, with its dtypes, then validate it."""
    return frame_of_columns({col: [rec.get(col) for rec in records] for col in SPECS[name]}, name)


def frame_of_columns(values: dict[str, list], name: str) -> pd.DataFrame:
    """Build a frame of table ``name`` from a list of Python values per column, then validate it."""
    data = {col: column(values[col], dtype) for col, (dtype, _, _) in SPECS[name].items()}
    return schema(name).validate(pd.DataFrame(data))


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


def read_parquet(path, name: str) -> pd.DataFrame:
    """Read a table written by :func:`lkjip_helpers.ingest.write_tables`, with its dtypes."""
    df = pd.read_parquet(path)
    empty = [None] * len(df)
    return frame_of_columns({col: df[col].astype(object).where(df[col].notna(), None).tolist()
                             if col in df.columns else empty for col in SPECS[name]}, name)
