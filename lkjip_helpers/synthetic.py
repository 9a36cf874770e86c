"""A made kabupaten: monthly series of many SKPD over several years, for the projection's backtest,
the pemda report's tests and the scale benchmarks. Nothing here is real data; it is shaped on what
the real series show (``docs/projection.md``): back-loaded spending (the median SKPD of a real
kabupaten had spent 35% by June and 65% by November), a December rush, an APBD Perubahan around
September that moves some pagu up or down, plans (anggaran kas) that run ahead of spending, now and
then a month uploaded twice or not at all. Seeded: the same arguments give the same kabupaten.
"""
from __future__ import annotations

import math
import random
from decimal import Decimal

from .projection import MonthlySeries

KINDS = ("Dinas", "Badan", "Kecamatan", "RSUD", "Satuan", "Kantor")


def _curve(rng: random.Random, gamma: float) -> list[float]:
    """Cumulative shares of the year's spending, month 1..12, ending at 1: a power curve with
    noisy monthly increments."""
    base = [(k / 12) ** gamma for k in range(13)]
    inc = [(base[k] - base[k - 1]) * math.exp(rng.gauss(0, 0.35)) for k in range(1, 13)]
    total = sum(inc)
    out, acc = [], 0.0
    for x in inc:
        acc += x / total
        out.append(acc)
    out[-1] = 1.0
    return out


def agencies(n: int, seed: int = 1) -> list[dict]:
    """The SKPD of the made kabupaten with their lasting traits: name, code, pagu (lognormal
    around Rp 15 miliar, a few hospitals far above), how late they spend, how much of the pagu
    they usually spend, and whether they keep a cash plan."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        scale = 8.0 if kind == "RSUD" else 0.25 if kind == "Kecamatan" else 1.0
        pagu = round(math.exp(rng.gauss(math.log(15e9 * scale), 0.6)), -3)
        out.append({"agency": f"{i + 1:02d} {kind} {i + 1:02d}", "code": f"1.{i + 1:02d}.0.00.0.00.01.0000",
                    "pagu": pagu, "gamma": rng.uniform(1.0, 2.3),
                    "final": rng.uniform(0.72, 0.98), "has_plan": rng.random() < 0.6})
    return out


def kabupaten(n: int = 50, years: tuple[int, ...] = (2023, 2024), seed: int = 1,
              quirks: bool = True) -> list[MonthlySeries]:
    """One :class:`MonthlySeries` per SKPD per year (12 months). ``quirks``: some months repeat
    the previous upload and a few are missing, as in real upload sets."""
    traits = agencies(n, seed)
    out = []
    for year in years:
        rng = random.Random(seed * 1000 + year)
        shock = rng.gauss(0, 0.03)                       # a year that is late for everyone
        lateness = rng.gauss(0, 0.15)
        for t in traits:
            pagu0 = t["pagu"] * math.exp(rng.gauss(0, 0.1))
            change_at = rng.choice((9, 10)) if rng.random() < 0.5 else None
            pagu1 = pagu0 * (1 + rng.uniform(-0.15, 0.1)) if change_at else pagu0
            final = min(max(t["final"] + shock + rng.gauss(0, 0.04), 0.3), 1.0)
            curve = _curve(rng, max(t["gamma"] + lateness + rng.gauss(0, 0.15), 0.8))
            pagu, real, plan = {}, {}, {}
            for k in range(1, 13):
                p = pagu1 if change_at and k >= change_at else pagu0
                pagu[k] = Decimal(round(p))
                real[k] = Decimal(round(min(final * curve[k - 1] * pagu1, p)))
                if t["has_plan"]:
                    plan[k] = Decimal(round(p * (k / 12) ** max(t["gamma"] - 0.4, 0.8)))
            if quirks:
                r = rng.random()
                if r < 0.08:                             # a month uploaded again unchanged
                    k = rng.randint(3, 11)
                    real[k] = real[k - 1]
                    pagu[k] = pagu[k - 1]
                elif r < 0.12:                           # a month not uploaded
                    real.pop(rng.randint(2, 11))
            out.append(MonthlySeries(t["agency"], year, pagu, real, plan))
    return out
