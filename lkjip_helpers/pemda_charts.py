"""The pemda report's figures, in the house style of :mod:`lkjip_helpers.charts`: a heatmap of
SKPD × month (absorption against plan: behind in vermillion, ahead in blue — never the other way
round), and small-multiple S-curves with the plan or the tolerance band and the year-end projection.
Each takes plain tables and returns a matplotlib Figure."""
from __future__ import annotations

import math

import pandas as pd

import matplotlib.pyplot as plt

from .charts import BLUE, GREY, MIN_FONT, ORANGE, STYLE, TITLE_FONT, VERMILLION, _pct, _wrap

PHONE_PX = 370  # a phone's screen less the page's padding, in CSS px
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def heatmap(grid: pd.DataFrame, title: str):
    """``grid``: one row per SKPD (its name as index), one column per month, absorption against
    plan in % (100 = on plan; NaN: not uploaded)."""
    from matplotlib.colors import LinearSegmentedColormap, TwoSlopeNorm

    cmap = LinearSegmentedColormap.from_list("lkjip", [VERMILLION, "#F7F7F7", BLUE])
    values = grid.astype(float).to_numpy()
    n, k = values.shape
    width = min(0.9 * k, 9) + 3.2
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(width, 0.42 * n + 1.6), layout="constrained")
        ax.imshow(values, cmap=cmap, norm=TwoSlopeNorm(100, 0, 200), aspect="auto")
        for i in range(n):
            for j in range(k):
                v = values[i, j]
                ax.text(j, i, "–" if math.isnan(v) else f"{v:.0f}", ha="center", va="center",
                        fontsize=11, color="black")
        ax.set_xticks(range(k), [MONTH_ABBR[int(m) - 1] for m in grid.columns])
        ax.set_yticks(range(n), [_wrap(str(a), 30) for a in grid.index], fontsize=11)
        ax.tick_params(length=0)
        for s in ax.spines.values():
            s.set_visible(False)
        # the title over the whole figure from its left edge, as the agency report's charts have
        # it, wrapped to the figure's width (over the axes alone it ran off a narrow figure's
        # right edge) and to a phone's screen, where the figure keeps its drawn width (1 pt =
        # 1 px) and scrolls inside its box: a bold DejaVu Sans letter is about 0,65 em wide
        chars = min(width * 72, PHONE_PX) / (TITLE_FONT * 0.65)
        fig.suptitle(_wrap(title, int(chars), 2), x=0.01, ha="left", fontsize=TITLE_FONT,
                     fontweight="bold")
    return fig


def s_curves(curves: list[dict], month: int, columns: int = 2):
    """One small panel per SKPD, same axes: cumulative absorption by month (dots joined), the plan
    (dashed) or the tolerance band (shaded), and the year-end projection with its interval.
    ``curves``: {"name", "months", "absorption", "plan_months", "plan", "band", "projection":
    (value, low, high) or None}. Phone-first like the agency report's charts: 4,8 in wide in all,
    text at :data:`~lkjip_helpers.charts.MIN_FONT` pt (11 px or more on a 370 px screen)."""
    rows = max(1, math.ceil(len(curves) / columns))
    with plt.rc_context(STYLE):
        # the same limits and ticks set on every panel, not shared axes: matplotlib's sharing
        # walks every sibling on each tick and limit (quadratic: 50 panels took seconds)
        fig, axes = plt.subplots(rows, columns, figsize=(4.8, 2.2 * rows), squeeze=False)
        for ax in axes.flat[len(curves):]:
            ax.set_visible(False)
        for i, (ax, c) in enumerate(zip(axes.flat, curves)):
            if c.get("band"):
                ms, lo, hi = c["band"]
                ax.fill_between(ms, lo, hi, color=GREY, alpha=0.25, linewidth=0)
            if c.get("plan"):
                ax.plot(c["plan_months"], c["plan"], "--", color=GREY, linewidth=1.5)
            ax.plot(c["months"], c["absorption"], "-o", color=BLUE, markersize=3.5,
                    linewidth=2)
            p = c.get("projection")
            if p and p[0] is not None:
                ax.errorbar([12], [p[0]], yerr=[[p[0] - p[1]], [p[2] - p[0]]], fmt="o",
                            color=ORANGE, markersize=5, capsize=3, linewidth=1.5)
            ax.axvline(month, color=GREY, linewidth=0.8, linestyle=":")
            last = c["absorption"][-1] if c["absorption"] else None
            ax.set_title(_wrap(c["name"], 18) + ("" if last is None else f"\n{_pct(last)}"),
                         fontsize=MIN_FONT, fontweight="normal")
            ax.set_xlim(0.5, 12.5)
            ax.set_ylim(0, 105)
            ax.set_xticks([3, 6, 9, 12], ["Mar", "Jun", "Sep", "Des"], fontsize=MIN_FONT)
            ax.set_yticks([0, 50, 100])
            ax.tick_params(axis="y", labelsize=MIN_FONT)
            # tick labels on the outer panels only, as shared axes would have them
            ax.tick_params(labelbottom=i + columns >= len(curves), labelleft=i % columns == 0)
        fig.tight_layout()
    return fig
