"""What the pemda report needs of each agency, made on the worker from the agency's analysis:
small, picklable, no frames. And the pemda report's input, gathered from the outcomes."""
from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..projection import MonthlySeries


def summarise(an, code: str, name: str) -> dict:
    """The agency's quarterly totals of its year as a monthly series (a quarter stands at its last
    month), its findings by severity and code, pagu versions and what is missing."""
    t = an.rec.totals
    t = t[t["year"] == an.year]
    pagu, real = {}, {}
    for r in t.itertuples(index=False):
        m = int(r.quarter) * 3
        pagu[m], real[m] = Decimal(str(r.pagu)), Decimal(str(r.realisasi))
    f = an.findings
    return {"code": code, "name": name, "year": int(an.year), "quarter": int(an.quarter),
            "series": MonthlySeries(code, int(an.year), pagu, real),
            "findings": {s: int((f["severity"] == s).sum()) for s in ("error", "warning", "info")},
            "codes": {str(c): int(n) for c, n in f["code"].value_counts().items()},
            "pagu_versions": int(len(an.rec.versions[an.rec.versions["year"] == an.year])),
            "missing": list(an.missing)}


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
