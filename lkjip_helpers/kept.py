"""Values kept as JSON that come back as they were: Decimal, tuple, NaN, dates, data frames (with
their dtypes) and the package's own records, for what the processed stage keeps beside its Parquet
tables (the annual workbook read, refusals, duplicate periods, the plans' checks).

Reading builds nothing but plain values, frames and an allow-list of the package's dataclasses
(:data:`CLASSES`): unlike a pickle, a processed folder can never run code.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from decimal import Decimal
from pathlib import Path

import pandas as pd


def _classes() -> dict[str, type]:
    from .annual import Annual
    from .gather import Duplicate, Refusal
    from .period import Agency, Period

    return {c.__name__: c for c in (Annual, Duplicate, Refusal, Agency, Period)}


def encode(v):
    """A JSON-ready form of ``v``; TypeError for a value it cannot bring back."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return v if math.isfinite(v) else {"$float": repr(v)}
    if isinstance(v, Decimal):
        return {"$decimal": str(v)}
    if isinstance(v, tuple):
        return {"$tuple": [encode(x) for x in v]}
    if isinstance(v, list):
        return [encode(x) for x in v]
    if isinstance(v, dict):
        return {"$dict": [[encode(k), encode(x)] for k, x in v.items()]}
    if isinstance(v, dt.datetime):
        return {"$datetime": v.isoformat()}
    if isinstance(v, dt.date):
        return {"$date": v.isoformat()}
    if isinstance(v, pd.DataFrame):
        return {"$frame": {"columns": [encode(c) for c in v.columns],
                           "dtypes": [str(d) for d in v.dtypes],
                           "data": [[encode(x) for x in v[c].tolist()] for c in v.columns]}}
    if dataclasses.is_dataclass(v) and type(v).__name__ in _classes():
        return {"$record": type(v).__name__,
                "fields": {f.name: encode(getattr(v, f.name)) for f in dataclasses.fields(v)}}
    if hasattr(v, "item") and not isinstance(v, (list, dict)):  # a NumPy scalar
        return encode(v.item())
    if v is pd.NA or v is pd.NaT:
        return {"$na": True}
    raise TypeError(f"cannot keep a {type(v).__name__} value")


def decode(v):
    """The value :func:`encode` was given."""
    if isinstance(v, list):
        return [decode(x) for x in v]
    if not isinstance(v, dict):
        return v
    (tag, body), = [(k, x) for k, x in v.items() if k != "fields"] or [(None, None)]
    if tag == "$float":
        return float(body)
    if tag == "$decimal":
        return Decimal(body)
    if tag == "$tuple":
        return tuple(decode(x) for x in body)
    if tag == "$dict":
        return {decode(k): decode(x) for k, x in body}
    if tag == "$datetime":
        return dt.datetime.fromisoformat(body)
    if tag == "$date":
        return dt.date.fromisoformat(body)
    if tag == "$na":
        return pd.NA
    if tag == "$frame":
        return _frame(body)
    if tag == "$record":
        cls = _classes().get(body)
        if cls is None:
            raise ValueError(f"unknown record {body!r}")
        return cls(**{k: decode(x) for k, x in v["fields"].items()})
    raise ValueError(f"unknown value {tag!r}")


def _frame(body: dict) -> pd.DataFrame:
    columns = [decode(c) for c in body["columns"]]
    data = {}
    for c, dtype, values in zip(columns, body["dtypes"], body["data"]):
        s = pd.Series([decode(x) for x in values], dtype=object)
        data[c] = s if dtype == "object" else s.astype(dtype)
    return pd.DataFrame(data, columns=columns)


def write(path: Path, obj) -> None:
    Path(path).write_text(json.dumps(encode(obj), ensure_ascii=False), encoding="utf-8")


def read(path: Path):
    return decode(json.loads(Path(path).read_text(encoding="utf-8")))
