"""The report's figures, in one house style: large type for a phone, colour-blind-safe colours
(Okabe–Ito), values written on the bars so nobody has to read an axis, Indonesian number formats.

Every function takes tidy tables and returns a matplotlib Figure; none opens a workbook."""
from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

# Okabe–Ito
BLUE, SKY, GREEN, YELLOW, ORANGE, VERMILLION, PURPLE, GREY = (
    "#0072B2", "#56B4E9", "#009E73", "#F0E442", "#E69F00", "#D55E00", "#CC79A7", "#999999")
PAGU_COLOUR = "#C9D9EA"
RATING_COLOURS = {
    "Sangat Tinggi": GREEN, "Sangat Baik": GREEN, "Tinggi": SKY, "Baik": SKY,
    "Sedang": YELLOW, "Cukup": YELLOW, "Rendah": ORANGE, "Kurang": ORANGE,
    "Sangat Rendah": VERMILLION, "Sangat Kurang": VERMILLION,
}
ROMAN = ("I", "II", "III", "IV")
STYLE = {
    "font.size": 13, "axes.titlesize": 15, "axes.titleweight": "bold", "axes.labelsize": 13,
    "xtick.labelsize": 12, "ytick.labelsize": 12, "legend.fontsize": 12,
    "axes.spines.top": False, "axes.spines.right": False, "figure.dpi": 100,
    "savefig.dpi": 110, "font.family": "DejaVu Sans", "axes.titlelocation": "left",
}


def short_rupiah(x: float) -> str:
    """``Rp 1,5 M`` (miliar), ``Rp 250 jt`` (juta): axis and bar labels."""
    x = float(x)
    if abs(x) >= 1e9:
        return f"Rp {x / 1e9:.2f}".rstrip("0").rstrip(".").replace(".", ",") + " M"
    if abs(x) >= 1e6:
        return f"Rp {x / 1e6:.0f} jt"
    return f"Rp {x:,.0f}".replace(",", ".")


def _pct(x: float, decimals: int = 1) -> str:
    return f"{x:.{decimals}f}%".replace(".", ",")


def _wrap(text: str, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(str(text), width)[:3])


def _f(v) -> float:
    return float(v) if v is not None and not (isinstance(v, float) and pd.isna(v)) else float("nan")


def pagu_realisasi_per_program(programs: pd.DataFrame, year: int, quarter: int):
    """Horizontal bars: each program's pagu (light) and realisasi (dark), penyerapan written."""
    g = programs[(programs["year"] == year) & (programs["quarter"] == quarter)]
    g = g.sort_values("pagu", key=lambda s: s.map(float))
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7, 0.8 * len(g) + 1.6))
        y = range(len(g))
        pagu = [_f(v) for v in g["pagu"]]
        real = [_f(v) for v in g["realisasi"]]
        ax.barh(y, pagu, color=PAGU_COLOUR, label="Pagu", height=0.7)
        ax.barh(y, real, color=BLUE, label="Realisasi", height=0.4)
        for i, (p, r, pen) in enumerate(zip(pagu, real, g["penyerapan"])):
            ax.text(p, i, f"  {_pct(_f(pen))}", va="center", fontsize=11)
        ax.set_yticks(list(y), [_wrap(f"{no}. {n}") for no, n in zip(g["program_no"], g["program"])])
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: short_rupiah(x)))
        ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.set_xlim(0, max(pagu + real) * 1.25 if pagu else 1)
        ax.set_title(f"Pagu dan realisasi per program, TW {ROMAN[quarter - 1]} {year}")
        ax.legend(loc="lower right", frameon=False)
        fig.tight_layout()
    return fig


def absorption_curve(totals: pd.DataFrame, year: int):
    """Cumulative penyerapan TW I→IV against a straight-line plan (25% a quarter); against each
    quarter's own pagu and against the latest pagu. Never capped at 100%."""
    g = totals[totals["year"] == year].sort_values("quarter")
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7, 4.6))
        ax.plot([0, 1, 2, 3, 4], [0, 25, 50, 75, 100], color=GREY, ls="--", lw=2,
                label=STRAIGHT_LINE)
        q = [0] + [int(x) for x in g["quarter"]]
        own = [0.0] + [_f(v) for v in g["penyerapan"]]
        latest = [0.0] + [_f(v) for v in g["penyerapan_latest"]]
        ax.plot(q, own, color=BLUE, lw=3, marker="o", ms=8, label="Terhadap pagu triwulan itu")
        if any(abs(a - b) > 0.05 for a, b in zip(own, latest)):
            ax.plot(q, latest, color=ORANGE, lw=2.5, marker="s", ms=7,
                    label="Terhadap pagu terakhir")
        for x, v in zip(q[1:], own[1:]):
            ax.annotate(_pct(v), (x, v), textcoords="offset points", xytext=(0, 9),
                        ha="center", fontsize=11, color=BLUE)
        ax.set_xticks([0, 1, 2, 3, 4], ["", "TW I", "TW II", "TW III", "TW IV"])
        ax.set_ylim(0, max(110, max(own + latest) * 1.1))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.0f}%"))
        ax.set_title(f"Penyerapan anggaran kumulatif {year}")
        ax.legend(loc="upper left", frameon=False)
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
    return fig


STRAIGHT_LINE = "Garis lurus (tidak ada rencana kas)"
PLAN_LINE = "Rencana kas (anggaran kas)"
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def absorption_against_plan(curve: pd.DataFrame, actual: pd.DataFrame, title: str):
    """Cumulative penyerapan month by month against the cash plan (``curve``: month, rak_pct for
    1..12) instead of a straight line; each realisasi point (``actual``: month, capaian_pct,
    deviasi_rfk) coloured by its deviation from the plan — the larger, the worse
    (:func:`lkjip_helpers.plan.deviation_colour`). Never capped at 100%."""
    from .plan import deviation_colour

    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7, 4.6))
        c = curve.sort_values("month")
        xs = [0] + [int(m) for m in c["month"]]
        plan = [0.0] + [_f(v) for v in c["rak_pct"]]
        ax.plot(xs, plan, color=GREY, ls="--", lw=2, label=PLAN_LINE)
        a = actual.sort_values("month")
        mx = [0] + [int(m) for m in a["month"]]
        real = [0.0] + [_f(v) for v in a["capaian_pct"]]
        ax.plot(mx, real, color=BLUE, lw=3, label="Realisasi kumulatif")
        for m, v, d in zip(a["month"], a["capaian_pct"], a["deviasi_rfk"]):
            colour = deviation_colour(None if pd.isna(d) else float(d)) or BLUE
            ax.scatter([int(m)], [_f(v)], s=80, color=colour, zorder=3, edgecolor="white")
            ax.annotate(_pct(_f(v)), (int(m), _f(v)), textcoords="offset points", xytext=(0, 9),
                        ha="center", fontsize=11, color=BLUE)
        ax.set_xticks(range(13), [""] + list(MONTH_ABBR))
        ax.set_ylim(0, max(110, max(plan + real) * 1.1))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.0f}%"))
        ax.set_title(title)
        ax.legend(loc="upper left", frameon=False)
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
    return fig


def refocusing(programs: pd.DataFrame, year: int):
    """Pagu per program in each quarter's sheet (TW I on top in each group), with the largest
    change against TW I written beside it: where the refocusing cut, and what came back."""
    g = programs[programs["year"] == year]
    quarters = sorted(int(q) for q in g["quarter"].unique())
    last = g.sort_values("quarter").groupby("program_key").last()
    first = g[g["quarter"] == quarters[0]].set_index("program_key")
    order = list(first["pagu"].map(float).sort_values().index)
    colours = [PAGU_COLOUR, VERMILLION, SKY, BLUE]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7, 0.95 * len(order) + 1.8))
        h = 0.8 / max(len(quarters), 1)
        top = 0.0
        for k, q in enumerate(quarters):
            sub = g[g["quarter"] == q].set_index("program_key")
            vals = [_f(sub.loc[p, "pagu"]) if p in sub.index else 0.0 for p in order]
            top = max([top] + vals)
            ax.barh([i + ((len(quarters) - 1) / 2 - k) * h for i in range(len(order))], vals,
                    height=h, color=colours[k % 4], label=f"TW {ROMAN[q - 1]}",
                    edgecolor="white", linewidth=0.5)
        for i, p in enumerate(order):
            base = _f(first.loc[p, "pagu"])
            lows = [(_f(g[(g["quarter"] == q) & (g["program_key"] == p)]["pagu"].iloc[0]), q)
                    for q in quarters[1:] if ((g["quarter"] == q) & (g["program_key"] == p)).any()]
            change = min(lows)[0] - base if lows else 0.0
            if base and abs(change) >= 0.005 * base:
                ax.text(base, i, f"  {_pct(change / base * 100)} di TW {ROMAN[min(lows)[1] - 1]}",
                        va="center", fontsize=11, color=VERMILLION)
        ax.set_yticks(range(len(order)),
                      [_wrap(f"{last.loc[p, 'program_no']}. {last.loc[p, 'program']}") for p in order])
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: short_rupiah(x)))
        ax.xaxis.set_major_locator(MaxNLocator(4))
        ax.set_xlim(0, top * 1.45 if top else 1)
        ax.set_title(f"Pagu per program menurut lembar tiap triwulan, {year}")
        ax.legend(loc="lower right", frameon=False, ncol=2)
        fig.tight_layout()
    return fig


def indicator_capaian(indicators: pd.DataFrame, scale_name: str = ""):
    """Each indicator's capaian, coloured by its rating, the rating written on the bar."""
    g = indicators.iloc[::-1]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7, 0.9 * len(g) + 1.6))
        vals = [_f(v) for v in g["capaian"]]
        colours = [RATING_COLOURS.get(k, GREY) for k in g["kategori"]]
        ax.barh(range(len(g)), [0 if pd.isna(v) else v for v in vals], color=colours, height=0.6)
        ax.axvline(100, color=GREY, ls="--", lw=1.5)
        for i, (v, k) in enumerate(zip(vals, g["kategori"])):
            label = "–" if pd.isna(v) else f"{_pct(v)}  {k or ''}"
            ax.text((0 if pd.isna(v) else v) + 2, i, label, va="center", fontsize=11)
        ax.set_yticks(range(len(g)), [_wrap(t, 34) for t in g["indikator"]])
        ax.set_xlim(0, max([100] + [v for v in vals if not pd.isna(v)]) * 1.35)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.0f}%"))
        ax.set_title("Capaian indikator kinerja")
        fig.tight_layout()
    return fig


def capaian_vs_penyerapan(indicators: pd.DataFrame):
    """Capaian kinerja against penyerapan of the budget behind each indicator: above the diagonal,
    more result than money spent."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7, 5.5))
        x = [_f(v) for v in indicators["penyerapan"]]
        y = [_f(v) for v in indicators["capaian"]]
        top = max([110] + [v for v in x + y if not pd.isna(v)]) * 1.1
        ax.plot([0, top], [0, top], color=GREY, ls="--", lw=1.5, label="capaian = penyerapan")
        colours = [RATING_COLOURS.get(k, GREY) for k in indicators["kategori"]]
        ax.scatter(x, y, s=160, c=colours, edgecolor="black", zorder=3)
        for xi, yi, no in zip(x, y, indicators["no"]):
            if not (pd.isna(xi) or pd.isna(yi)):
                ax.annotate(f"IKU {no}", (xi, yi), textcoords="offset points", xytext=(8, 6),
                            fontsize=11)
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_xlabel("Penyerapan anggaran sasaran")
        ax.set_ylabel("Capaian kinerja")
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}%"))
        ax.set_title("Capaian kinerja dibanding penyerapan anggaran")
        ax.legend(loc="lower right", frameon=False)
        fig.tight_layout()
    return fig


def to_svg(fig) -> bytes:
    """The figure as SVG bytes (and closed): sharp on a phone and in print, faster to make than a
    PNG. Glyphs are drawn as paths, so a reader without DejaVu Sans sees the same layout (with
    text left as text, another font's widths clipped the titles in WeasyPrint)."""
    import io

    buf = io.BytesIO()
    with plt.rc_context({"svg.fonttype": "path", "svg.hashsalt": "lkjip"}):
        fig.savefig(buf, format="svg", bbox_inches="tight")  # long titles widen the canvas
    plt.close(fig)
    return buf.getvalue()

def inline_svg(svg: bytes, key: str, alt: str) -> str:
    """An SVG made by :func:`to_svg` for placing inside the page: no XML prologue, sized by the
    page's CSS (its viewBox keeps the proportions), ids prefixed with ``key`` so that several
    charts on one page never share one, and the alt text as its accessible name."""
    import re

    from .safe import escape

    text = svg.decode("utf-8")
    text = text[text.index("<svg"):]
    # matplotlib's own <style> (line joins) would apply to the whole page: report.css has it
    text = re.sub(r"<!--.*?-->|<metadata>.*?</metadata>|<style[^>]*>.*?</style>", "", text,
                  flags=re.S)
    head_end = text.index(">")
    head = re.sub(r'\s(width|height|xmlns|xmlns:xlink|version)="[^"]*"', "", text[:head_end])
    head += f' role="img" aria-label="{escape(alt)}"'
    text = head + text[head_end:]
    text = re.sub(r'id="([^"]+)"', lambda m: f'id="{key}-{m.group(1)}"', text)
    text = re.sub(r'(href|clip-path|mask|fill|stroke)(="|=\'|:\s*)url\(#([^)]+)\)',
                  lambda m: f"{m.group(1)}{m.group(2)}url(#{key}-{m.group(3)})", text)
    text = re.sub(r'(xlink:href|href)="#([^"]+)"', lambda m: f'{m.group(1)}="#{key}-{m.group(2)}"',
                  text)
    return re.sub(r">\s+<", "><", text)


def selection_chart(data: pd.DataFrame, title: str):
    """The explorer's chart: pagu stated per quarter and cumulative realisasi for one item."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7, 3.8))
        labels = [f"TW {ROMAN[q - 1]}" for q in data["quarter"]]
        ax.bar(labels, [_f(v) for v in data["pagu"]], color=PAGU_COLOUR, label="Pagu")
        ax.plot(labels, [_f(v) for v in data["realisasi"]], color=BLUE, marker="o", lw=3,
                label="Realisasi kumulatif")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _: short_rupiah(x)))
        ax.set_title(_wrap(title, 60))
        ax.legend(frameon=False)
        fig.tight_layout()
    return fig
