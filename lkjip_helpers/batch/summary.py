"""What the pemda report needs of each agency, made on the worker from the agency's analysis:
small, picklable, no frames. And the pemda report's input, gathered from the outcomes."""
from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..projection import MonthlySeries


def summarise(an, code: str, name: str) -> dict:
    """The agency's totals of its year as a monthly series (a quarterly sheet stands at its
    quarter's last month, a monthly source at its month), with its cash plan (anggaran kas,
    cumulative, from the plan tables of :mod:`lkjip_helpers.plan`) when the folder has one; its
    findings by severity and code, pagu versions and what is missing. The folder's agencies, if
    it holds several, are summed month by month."""
    return {"code": code, "name": name, "year": int(an.year), "quarter": int(an.quarter),
            "series": series_of(an, code),
            "findings": {s: int((an.findings["severity"] == s).sum())
                         for s in ("error", "warning", "info")},
            "codes": {str(c): int(n) for c, n in an.findings["code"].value_counts().items()},
            "pagu_versions": int(len(an.rec.versions[an.rec.versions["year"] == an.year])),
            "missing": list(an.missing)}


def series_of(an, code: str) -> MonthlySeries:
    """:func:`summarise`'s series: pagu and cumulative realisasi per month, and the cumulative
    cash plan for every month 1..12 when there is one."""
    import pandas as pd

    t = an.rec.totals
    t = t[t["year"] == an.year]
    pagu: dict[int, Decimal] = {}
    real: dict[int, Decimal] = {}
    for r in t.itertuples(index=False):
        m = int(r.quarter) * 3 if pd.isna(r.month) else int(r.month)
        pagu[m] = pagu.get(m, Decimal(0)) + Decimal(str(r.pagu))
        real[m] = real.get(m, Decimal(0)) + Decimal(str(r.realisasi))
    plan: dict[int, Decimal] = {}
    c = an.rec.plan_curve
    if len(c):
        c = c[(c["year"] == an.year) & (c["level"] == "skpd")]
        for m, amount in zip(c["month"], c["plan_cum"]):
            plan[int(m)] = plan.get(int(m), Decimal(0)) + Decimal(str(amount))
    return MonthlySeries(code, int(an.year), pagu, real, plan)


@dataclass
class PemdaInput:
    """Everything the pemda notebook shows: the period, each agency's outcome (code, name, status,
    reason, findings, link) and series, and reference series of earlier years."""
    year: int
    month: int                                   # the period's closing month
    cadence: str                                 # "Q" quarterly sources, "M" monthly
    agencies: list[dict] = field(default_factory=list)
    history: list[MonthlySeries] = field(default_factory=list)
    name: str = ""                               # the pemda's name, when known

    @property
    def series(self) -> list[MonthlySeries]:
        """One series per agency, an empty one for an agency that failed (it has no data)."""
        return [a["series"] if a.get("series") is not None
                else MonthlySeries(a["code"], self.year, {}, {}) for a in self.agencies]


def gather(year: int, month: int, cadence: str, outcomes: list, history=(), name: str = ""
           ) -> PemdaInput:
    agencies = []
    for o in outcomes:
        s = o.summary or {}
        agencies.append({"code": o.agency, "name": o.name or s.get("name", ""), "status": o.status,
                         "reason": o.reason, "findings": dict(o.findings),
                         "codes": s.get("codes", {}), "pagu_versions": s.get("pagu_versions", 0),
                         "series": s.get("series"), "missing": s.get("missing", []),
                         "link": f"{o.agency}/laporan.html" if o.ok else ""})
    return PemdaInput(year, month, cadence, agencies, list(history), name)


def save(inp: PemdaInput, path: Path) -> Path:
    from ..files import atomic_write

    def write(tmp: Path):
        with open(tmp, "wb") as fh:
            pickle.dump(inp, fh, protocol=pickle.HIGHEST_PROTOCOL)

    return atomic_write(path, write)


def load(path: Path | str) -> PemdaInput:
    with open(path, "rb") as fh:
        return pickle.load(fh)
