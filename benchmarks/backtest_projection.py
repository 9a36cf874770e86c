"""Backtest of the year-end projection (lkjip_helpers.projection): from each month m of a series,
predict its last available month with only what would have been known; mean absolute error
(percentage points) and interval coverage by m. Prints Markdown tables (the README quotes them).

1. the made kabupaten (lkjip_helpers.synthetic: 50 SKPD × 12 months, 2023 and 2024): 2024 predicted
   with 2023 as references (what a pemda really has), with the same year's other SKPD as references
   (optimistic), and with no references (straight line, own cash plan only) for comparison;
2. the real series of benchmarks/data/lra_series_real.csv (one Toba SKPD, 2022; fragments of
   Simalungun SKPD, 2023), each predicted with all the others as references.

Run: ``python benchmarks/backtest_projection.py [--seed N]`` (about a second).
"""
from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lkjip_helpers.backtest import backtest, summary  # noqa: E402
from lkjip_helpers.projection import MonthlySeries  # noqa: E402
from lkjip_helpers.synthetic import kabupaten  # noqa: E402

REAL = ROOT / "benchmarks" / "data" / "lra_series_real.csv"


def real_series(path: Path = REAL) -> tuple[list[MonthlySeries], list[str]]:
    """The real series; where no pagu is stored, pagu 100 and realisasi = the stated percent.
    A month whose realisasi is below an earlier month's is left out (and named)."""
    by = defaultdict(list)
    for r in csv.DictReader(open(path, encoding="utf-8")):
        by[(r["agency"], int(r["year"]))].append(r)
    out, left_out = [], []
    for (agency, year), rows in sorted(by.items()):
        pagu, real, best = {}, {}, Decimal(-1)
        for r in sorted(rows, key=lambda r: int(r["month"])):
            m = int(r["month"])
            p = Decimal(r["pagu"]) if r["pagu"] else Decimal(100)
            x = Decimal(r["realisasi"]) if r["pagu"] else Decimal(r["absorption"])
            if r["pagu"] == "" and Decimal(r["realisasi"]) < best:
                left_out.append(f"{agency} {year}-{m:02d}")
                continue
            best = max(best, Decimal(r["realisasi"]))
            pagu[m], real[m] = p, x
        out.append(MonthlySeries(agency, year, pagu, real))
    return out, left_out


def table(df, title: str) -> str:
    lines = [f"**{title}**", "", "| m | n | MAE (points) | coverage | mean width | methods |",
             "|---|---|---|---|---|---|"]
    for m, r in df.iterrows():
        lines.append(f"| {m} | {r.n} | {r.mae:.2f} | {r.coverage:.1f}% | {r.width:.2f} | "
                     f"{r.methods} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    made = kabupaten(50, (2023, 2024), seed=args.seed)
    y = [s for s in made if s.year == 2024]
    runs = [("made kabupaten 2024, references: 2023 (all 50 SKPD)", dict(mode="earlier_years")),
            ("made kabupaten 2024, references: the other SKPD of 2024", dict(mode="same_year")),
            ("made kabupaten 2024, no references (cash plan at own pace, else straight line)",
             dict(mode="earlier_years", min_references=10**9))]
    for title, opts in runs:
        res = backtest(y, made, **opts)
        print(table(summary(res), title))
        print(summary(res, "method").drop(columns="methods").to_string(), "\n")
    real, left_out = real_series()
    res = backtest(real, mode="pooled", min_references=3)
    print(table(summary(res), "real series (Toba 2022, Simalungun 2023), references: all the "
                              "other real series, at least 3"))
    print(f"left out (realisasi below an earlier month): {', '.join(left_out) or 'none'}")
    print(res.to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
