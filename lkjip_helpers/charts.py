"""The report's figures, in one house style, drawn for a phone: a fixed width of 4,8 inches shown
about 370 CSS px wide on a 390 px screen, so that no text is under 11 px there (no text under
:data:`MIN_FONT` pt); Okabe–Ito colours, each series at least 3:1 against white (the light ones
outlined in black); values written on the bars so nobody has to read an axis; labels placed so
that none overlaps another; Indonesian number formats.

Every function takes tidy tables and returns a :class:`matplotlib.figure.Figure` made with the
object-oriented API: no pyplot, no global backend or style switched (safe in a JupyterLab session
and on threaded workers). None opens a workbook."""
from __future__ import annotations

import io
import textwrap

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from .svg import MIN_FONT, inline_svg  # noqa: F401 - inline_svg: also imported from here

# Okabe–Ito
BLUE, SKY, GREEN, YELLOW, ORANGE, VERMILLION, PURPLE, GREY, BLACK = (
    "#0072B2", "#56B4E9", "#009E73", "#F0E442", "#E69F00", "#D55E00", "#CC79A7", "#999999",
    "#000000")
TEXT = "#1a1a1a"
QUARTER_COLOURS = (BLUE, VERMILLION, GREEN, PURPLE)   # each at least 3:1 on white
RATING_COLOURS = {
    "Sangat Tinggi": GREEN, "Sangat Baik": GREEN, "Tinggi": SKY, "Baik": SKY,
    "Sedang": YELLOW, "Cukup": YELLOW, "Rendah": ORANGE, "Kurang": ORANGE,
    "Sangat Rendah": VERMILLION, "Sangat Kurang": VERMILLION,
}
ROMAN = ("I", "II", "III", "IV")
WIDTH = 4.8          # inches: every chart has this width (the page shows it at most 560 px wide)
TITLE_FONT = 12.5
EDGE = {"edgecolor": BLACK, "linewidth": 1.0}   # outlines the light fills (WCAG 1.4.11)
# rcParams of the house style, for figures still drawn with pyplot elsewhere (pemda_charts)
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


def _wrap(text: str, width: int = 24, lines: int = 3) -> str:
    """A name from the sheets as a label: wrapped, cut with "…", its "$" escaped (matplotlib would
    draw "$\\frac{1}{0}$" as mathematics instead of the text the sheet holds)."""
    parts = textwrap.wrap(str(text), width)
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][: width - 1] + "…"
    return plain("\n".join(parts))


def plain(text: str) -> str:
    """``text`` drawn as written: every "$" escaped for matplotlib's mathtext."""
    return str(text).replace("$", "\\$")


def _f(v) -> float:
    return float(v) if v is not None and not (isinstance(v, float) and pd.isna(v)) else float("nan")


def _figure(height: float, title: str):
    """A figure of the house width with one axes, its title above at the left."""
    fig = Figure(figsize=(WIDTH, height), layout="constrained")
    fig.get_layout_engine().set(h_pad=0.04, w_pad=0.04)
    ax = fig.add_subplot()
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=MIN_FONT, colors=TEXT)
    fig.suptitle(_wrap(title, 38, 2), x=0.01, ha="left", fontsize=TITLE_FONT,
                 fontweight="bold", color=TEXT)
    return fig, ax


def _legend(ax, handles, ncols: int = 2):
    """The legend above the axes, under the title (the layout makes room for it)."""
    ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0, 1.01), ncols=ncols,
              frameon=False, fontsize=MIN_FONT, handlelength=1.5, columnspacing=1.0,
              borderaxespad=0.2)


def _money_axis(axis):
    axis.set_major_formatter(FuncFormatter(lambda x, _: short_rupiah(x)))
    axis.set_major_locator(MaxNLocator(3))


def pagu_realisasi_per_program(programs: pd.DataFrame, year: int, quarter: int,
                               label: str = "") -> Figure:
    """Horizontal bars: each program's pagu (outlined) with its realisasi inside (filled),
    penyerapan written after the bar. ``label``: the period in the title (default TW of
    ``quarter``; a monthly source's rows come already narrowed to their month)."""
    g = programs[(programs["year"] == year) & (programs["quarter"] == quarter)]
    g = g.sort_values("pagu", key=lambda s: s.map(float))
    fig, ax = _figure(0.8 * len(g) + 1.5, "Pagu dan realisasi per program, "
                                          + (label or f"TW {ROMAN[quarter - 1]} {year}"))
    y = range(len(g))
    pagu = [_f(v) for v in g["pagu"]]
    real = [_f(v) for v in g["realisasi"]]
    ax.barh(y, pagu, color="white", height=0.7, **EDGE)
    ax.barh(y, real, color=BLUE, height=0.44)
    for i, (p, r, pen) in enumerate(zip(pagu, real, g["penyerapan"])):
        ax.text(max(p, r), i, f" {_pct(_f(pen))}", va="center", fontsize=MIN_FONT, color=TEXT)
    ax.set_yticks(list(y), [_wrap(f"{no}. {n}", 22, 4) for no, n in zip(g["program_no"],
                                                                        g["program"])])
    _money_axis(ax.xaxis)
    _xlim(ax, pagu + real, 1.32)
    _legend(ax, [Patch(facecolor="white", label="Pagu", **EDGE),
                  Patch(facecolor=BLUE, label="Realisasi (penyerapan %)")], ncols=1)
    return fig


def _xlim(ax, values, pad: float) -> None:
    """A money axis from 0 (or below it, for a negative amount: a refund, a pagu raised rather
    than cut) to the largest value with room for its label; never an empty range (all zero:
    matplotlib warned on stderr)."""
    vals = [v for v in values if not pd.isna(v)]
    lo, hi = min([0.0, *vals]), max([0.0, *vals])
    ax.set_xlim(lo * pad, hi * pad if hi > 0 else (0 if lo < 0 else 1))


def absorption_curve(totals: pd.DataFrame, year: int) -> Figure:
    """Cumulative penyerapan TW I→IV against a straight-line plan (25% a quarter); against each
    quarter's own pagu and against the latest pagu. Never capped at 100%."""
    g = totals[totals["year"] == year]
    monthly = "month" in g.columns and g["month"].notna().all() and len(g)
    g = g.sort_values(["quarter", "month"] if monthly else "quarter")
    fig, ax = _figure(3.9, f"Penyerapan anggaran kumulatif {year}")
    ax.plot([0, 1, 2, 3, 4], [0, 25, 50, 75, 100], color=BLACK, ls="--", lw=1.5)
    # a monthly source: each month at its place on the quarters' axis (March = TW I)
    q = [0] + ([int(x) / 3 for x in g["month"]] if monthly else [int(x) for x in g["quarter"]])
    own = [0.0] + [_f(v) for v in g["penyerapan"]]
    latest = [0.0] + [_f(v) for v in g["penyerapan_latest"]]
    ax.plot(q, own, color=BLUE, lw=2.5, marker="o", ms=6)
    handles = [Line2D([], [], color=BLACK, ls="--", lw=1.5, label=STRAIGHT_LINE),
               Line2D([], [], color=BLUE, lw=2.5, marker="o",
                      label="Terhadap pagu bulan itu" if monthly
                      else "Terhadap pagu triwulan itu")]
    if any(abs(a - b) > 0.05 for a, b in zip(own, latest)):
        ax.plot(q, latest, color=VERMILLION, lw=2, marker="s", ms=5)
        handles.append(Line2D([], [], color=VERMILLION, lw=2, marker="s",
                              label="Terhadap pagu terakhir"))
    top = max(110, max(own + latest) * 1.12)
    for x, v, w in zip(q[1:], own[1:], latest[1:]):
        below = not pd.isna(w) and w > v + 0.05   # the other line is above: write under
        if below and v < top * 0.15:  # no room under it above the axis: under it to the right,
            at, ha = (8, 2), "left"  # where the rising line is above the words
        else:
            at, ha = (0, -15 if below else 7), "center"
        ax.annotate(_pct(v), (x, v), textcoords="offset points", xytext=at, ha=ha,
                    va="top" if below else "bottom", fontsize=MIN_FONT, color=BLUE)
    ax.set_xticks([0, 1, 2, 3, 4], [""] + ([MONTH_ABBR[i] for i in (2, 5, 8, 11)] if monthly
                                           else ["TW I", "TW II", "TW III", "TW IV"]))
    ax.set_ylim(0, top)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.0f}%"))
    ax.yaxis.set_major_locator(MaxNLocator(5))
    ax.grid(axis="y", alpha=0.3)
    _legend(ax, handles, ncols=1)
    return fig


STRAIGHT_LINE = "Garis lurus (tidak ada rencana kas)"
PLAN_LINE = "Rencana kas (anggaran kas)"
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def absorption_against_plan(curve: pd.DataFrame, actual: pd.DataFrame, title: str) -> Figure:
    """Cumulative penyerapan month by month against the cash plan (``curve``: month, rak_pct for
    1..12) instead of a straight line; each realisasi point (``actual``: month, capaian_pct,
    deviasi_rfk) coloured by its deviation from the plan — the larger, the worse
    (:func:`lkjip_helpers.plan.deviation_colour`). Never capped at 100%."""
    from .plan import deviation_colour

    fig, ax = _figure(3.9, title)
    c = curve.sort_values("month")
    xs = [0] + [int(m) for m in c["month"]]
    plan = [0.0] + [_f(v) for v in c["rak_pct"]]
    ax.plot(xs, plan, color=BLACK, ls="--", lw=1.5)
    a = actual.sort_values("month")
    mx = [0] + [int(m) for m in a["month"]]
    real = [0.0] + [_f(v) for v in a["capaian_pct"]]
    ax.plot(mx, real, color=BLUE, lw=2.5)
    for m, v, d in zip(a["month"], a["capaian_pct"], a["deviasi_rfk"]):
        colour = deviation_colour(None if pd.isna(d) else float(d)) or BLUE
        ax.scatter([int(m)], [_f(v)], s=50, color=colour, zorder=3, edgecolor=BLACK,
                   linewidths=1)
        ax.annotate(_pct(_f(v)), (int(m), _f(v)), textcoords="offset points", xytext=(0, 7),
                    ha="center", fontsize=MIN_FONT, color=BLUE)
    ax.set_xticks(range(0, 13, 3), [""] + [MONTH_ABBR[i] for i in (2, 5, 8, 11)])
    ax.set_ylim(0, max(110, max(plan + real) * 1.12))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.0f}%"))
    ax.grid(axis="y", alpha=0.3)
    _legend(ax, [Line2D([], [], color=BLACK, ls="--", lw=1.5, label=PLAN_LINE),
                 Line2D([], [], color=BLUE, lw=2.5, label="Realisasi kumulatif")], ncols=1)
    return fig


def refocusing(programs: pd.DataFrame, year: int) -> Figure:
    """Pagu per program in each quarter's sheet (TW I on top in each group), with the largest
    change against TW I written beside it: where the refocusing cut, and what came back."""
    g = programs[programs["year"] == year]
    quarters = sorted(int(q) for q in g["quarter"].unique())
    last = g.sort_values("quarter").groupby("program_key").last()
    first = g[g["quarter"] == quarters[0]].set_index("program_key")
    order = list(first["pagu"].map(float).sort_values().index)
    fig, ax = _figure(0.85 * len(order) + 1.6,
                      f"Pagu per program menurut lembar tiap triwulan, {year}")
    h = 0.8 / max(len(quarters), 1)
    seen: list[float] = []
    for k, q in enumerate(quarters):
        sub = g[g["quarter"] == q].set_index("program_key")
        vals = [_f(sub.loc[p, "pagu"]) if p in sub.index else 0.0 for p in order]
        seen += vals
        ax.barh([i + ((len(quarters) - 1) / 2 - k) * h for i in range(len(order))], vals,
                height=h, color=QUARTER_COLOURS[k % 4], edgecolor="white", linewidth=0.4)
    for i, p in enumerate(order):
        base = _f(first.loc[p, "pagu"])
        lows = [(_f(g[(g["quarter"] == q) & (g["program_key"] == p)]["pagu"].iloc[0]), q)
                for q in quarters[1:] if ((g["quarter"] == q) & (g["program_key"] == p)).any()]
        change = min(lows)[0] - base if lows else 0.0
        if base and abs(change) >= 0.005 * base:
            ax.text(base, i, f" {_pct(change / base * 100)} di TW {ROMAN[min(lows)[1] - 1]}",
                    va="center", fontsize=MIN_FONT, color=TEXT)
    ax.set_yticks(range(len(order)),
                  [_wrap(f"{last.loc[p, 'program_no']}. {last.loc[p, 'program']}", 22, 4)
                   for p in order])
    _money_axis(ax.xaxis)
    _xlim(ax, seen, 1.75)
    _legend(ax, [Patch(facecolor=QUARTER_COLOURS[k % 4], label=f"TW {ROMAN[q - 1]}")
                  for k, q in enumerate(quarters)], ncols=2)
    return fig


def indicator_capaian(indicators: pd.DataFrame, scale_name: str = "") -> Figure:
    """Each indicator's capaian, coloured by its rating (outlined), the rating written after."""
    g = indicators.iloc[::-1]
    fig, ax = _figure(0.85 * len(g) + 1.2, "Capaian indikator kinerja")
    vals = [_f(v) for v in g["capaian"]]
    colours = [RATING_COLOURS.get(k, GREY) for k in g["kategori"]]
    ax.barh(range(len(g)), [0 if pd.isna(v) else v for v in vals], color=colours, height=0.6,
            **EDGE)
    ax.axvline(100, color=BLACK, ls="--", lw=1)
    for i, (v, k) in enumerate(zip(vals, g["kategori"])):
        label = "–" if pd.isna(v) else f"{_pct(v)}\n{k or ''}"
        ax.text((0 if pd.isna(v) else v) + 3, i, label, va="center", fontsize=MIN_FONT,
                color=TEXT)
    ax.set_yticks(range(len(g)), [_wrap(f"IKU {n}. {t}", 22, 4) for n, t in
                                  zip(g["no"], g["indikator"])])
    ax.set_xlim(0, max([100] + [v for v in vals if not pd.isna(v)]) * 1.7)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:.0f}%"))
    ax.xaxis.set_major_locator(MaxNLocator(4))
    return fig


def capaian_vs_penyerapan(indicators: pd.DataFrame) -> Figure:
    """Capaian kinerja against penyerapan of the budget behind each indicator: above the diagonal,
    more result than money spent. The labels are placed where they overlap nothing."""
    fig, ax = _figure(4.6, "Capaian kinerja dibanding penyerapan anggaran")
    x = [_f(v) for v in indicators["penyerapan"]]
    y = [_f(v) for v in indicators["capaian"]]
    top = max([110] + [v for v in x + y if not pd.isna(v)]) * 1.12
    ax.plot([0, top], [0, top], color=BLACK, ls="--", lw=1)
    colours = [RATING_COLOURS.get(k, GREY) for k in indicators["kategori"]]
    ax.scatter(x, y, s=70, c=colours, edgecolor=BLACK, linewidths=1, zorder=3)
    ax.set_xlim(0, top)
    ax.set_ylim(0, top)
    ax.set_xlabel("Penyerapan anggaran sasaran", fontsize=MIN_FONT, color=TEXT)
    ax.set_ylabel("Capaian kinerja", fontsize=MIN_FONT, color=TEXT)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}%"))
        axis.set_major_locator(MaxNLocator(4))
    _legend(ax, [Line2D([], [], color=BLACK, ls="--", lw=1, label="capaian = penyerapan")], 1)
    points = [(xi, yi, f"IKU {no}") for xi, yi, no in zip(x, y, indicators["no"])
              if not (pd.isna(xi) or pd.isna(yi))]
    place_labels(fig, ax, points)
    return fig


# offsets (points) tried in turn for a point's label: right, left, above, below, the diagonals,
# then further out
_OFFSETS = [(7, -5), (-7, -5), (0, 8), (0, -18), (7, 6), (-7, 6), (7, -16), (-7, -16),
            (14, -5), (-14, -5), (0, 20), (0, -30), (16, 16), (-16, 16), (16, -28), (-16, -28)]


def place_labels(fig, ax, points: list[tuple[float, float, str]]) -> None:
    """Write each label beside its point at the first offset where it overlaps no label placed
    before, no marker and stays inside the axes (the last offset tried when none is free)."""
    renderer = _renderer(fig)
    ax_box = ax.get_window_extent(renderer)
    taken = []
    for xi, yi, _ in points:   # the markers themselves
        px, py = ax.transData.transform((xi, yi))
        taken.append((px - 6, py - 6, px + 6, py + 6))
    for xi, yi, text in points:
        t = None
        for dx, dy in _OFFSETS:
            if t is not None:
                t.remove()
            t = ax.annotate(text, (xi, yi), textcoords="offset points", xytext=(dx, dy),
                            ha="left" if dx > 0 else "right" if dx < 0 else "center",
                            fontsize=MIN_FONT, color=TEXT)
            b = t.get_window_extent(renderer)
            box = (b.x0, b.y0, b.x1, b.y1)
            inside = (b.x0 >= ax_box.x0 and b.x1 <= ax_box.x1 and b.y0 >= ax_box.y0
                      and b.y1 <= ax_box.y1)
            if inside and not any(_overlap(box, o) for o in taken):
                break
        taken.append(box)


def _overlap(a, b, pad: float = 1.0) -> bool:
    return a[0] < b[2] - pad and b[0] < a[2] - pad and a[1] < b[3] - pad and b[1] < a[3] - pad


def _renderer(fig):
    """A renderer for measuring text (the layout done once), without pyplot."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    return canvas.get_renderer()


def text_boxes(fig) -> list[tuple[str, float, tuple]]:
    """(text, size in pt, window box) of every text a drawn figure shows: for the checks that no
    label overlaps another, none leaves the canvas and none is too small."""
    from matplotlib.text import Text

    renderer = _renderer(fig)
    hidden = set()
    for ax in fig.axes:   # tick labels of ticks outside the view are not drawn
        for axis, (lo, hi) in ((ax.xaxis, sorted(ax.get_xlim())), (ax.yaxis, sorted(ax.get_ylim()))):
            for tick in axis.get_major_ticks():
                if not lo - 1e-9 <= tick.get_loc() <= hi + 1e-9:
                    hidden.update((id(tick.label1), id(tick.label2)))
    out = []
    for t in fig.findobj(Text):
        if not t.get_visible() or not t.get_text().strip() or id(t) in hidden:
            continue
        b = t.get_window_extent(renderer)
        out.append((t.get_text(), float(t.get_fontsize()), (b.x0, b.y0, b.x1, b.y1)))
    return out


def to_svg(fig: Figure, text: bool = False) -> bytes:
    """The figure as SVG bytes: sharp on a phone and in print. Glyphs are drawn as paths, so a
    reader without DejaVu Sans sees the same layout (the explorer in JupyterLab). The canvas
    keeps the figure's width.

    ``text``: its words kept as text in DejaVu Sans, for a page that brings the font along
    (:func:`page_svgs`) or is printed where it is installed: a third of the size, drawn in a
    quarter of the time, and the chart's words are found in the page's and the PDF's text."""
    svg = _svg(fig, text)
    _release(fig)
    return svg


def page_svgs(fig: Figure) -> tuple[bytes, bytes | None]:
    """The figure for the report's page: ``(svg, None)``, its words as text, shown in the page's
    embedded DejaVu Sans (:mod:`lkjip_helpers.chartfont`) on screen and in print; or, when a word
    holds a character that font lacks, ``(screen, print)``: glyphs as paths for the screen, drawn
    at the places the first variant's layout gave (a second ``savefig`` would lay the figure out
    again, and measure every text again, for the same result), and the words as text for print
    (the PDF is made where DejaVu Sans is installed)."""
    import matplotlib

    from .chartfont import covers

    printed = _svg(fig, True)
    if covers(printed):
        _release(fig)
        return printed, None
    engine = fig.get_layout_engine()
    if engine is not None:   # laid out above: the next save only draws
        with matplotlib.rc_context({"figure.autolayout": False,
                                    "figure.constrained_layout.use": False}):
            fig.set_layout_engine(None)
    try:
        screen = _svg(fig, False)
    finally:
        if engine is not None:
            fig.set_layout_engine(engine)
    _release(fig)
    return screen, printed


def _svg(fig: Figure, text: bool) -> bytes:
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none" if text else "path"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def _release(fig: Figure) -> None:
    """A figure pyplot made elsewhere: released (pyplot would keep it)."""
    import sys

    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None and pyplot.fignum_exists(getattr(fig, "number", -1)):
        pyplot.close(fig)


def cut_ranking(data: pd.DataFrame, level: str = "program") -> Figure:
    """The explorer's overview: each program's (or kegiatan's) cut at the refocusing, largest on
    top, with its % of its own pagu and its share of the total cut written beside."""
    g = data[[c is not None and not pd.isna(c) and c != 0 for c in data["cut"]]]
    g = g.iloc[sorted(range(len(g)), key=lambda i: float(g["cut"].iloc[i]), reverse=True)]
    q = data.attrs.get("cut_quarter")
    fig, ax = _figure(0.55 * max(len(g), 1) + 1.3,
                      f"Potongan pagu per {level}" + (f" di TW {ROMAN[q - 1]}" if q else ""))
    vals = [-_f(v) for v in g["cut"]]
    ax.barh(range(len(g)), vals, color=VERMILLION, height=0.6)
    for i, (v, pct, share) in enumerate(zip(vals, g["cut_pct"], g["share_of_cut_pct"])):
        ax.text(v, i, f" {_pct(-_f(pct))} · {_pct(_f(share))} total", va="center",
                fontsize=MIN_FONT, color=TEXT)
    ax.set_yticks(range(len(g)), [_wrap(t, 22, 2) for t in g["label"]])
    _money_axis(ax.xaxis)
    _xlim(ax, vals, 1.9)
    return fig


def selection_chart(data: pd.DataFrame, title: str) -> Figure:
    """The explorer's chart: pagu stated per quarter (outlined bars) and cumulative realisasi
    (line) for one item."""
    fig, ax = _figure(3.6, title)
    labels = [f"TW {ROMAN[q - 1]}" for q in data["quarter"]]
    ax.bar(labels, [_f(v) for v in data["pagu"]], color="white", **EDGE)
    ax.plot(labels, [_f(v) for v in data["realisasi"]], color=BLUE, marker="o", lw=2.5)
    _money_axis(ax.yaxis)
    _legend(ax, [Patch(facecolor="white", label="Pagu", **EDGE),
                  Line2D([], [], color=BLUE, marker="o", lw=2.5, label="Realisasi kumulatif")])
    return fig
