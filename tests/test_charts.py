"""The report's charts on a phone: text at least 11 CSS px at 390 px, no label over another or off
the canvas, every series at least 3:1 against white, no pyplot and no backend switched."""
import itertools
import subprocess
import sys

import pytest
from conftest import SAMPLE
from matplotlib.colors import to_rgba

from lkjip_helpers import charts

PHONE_CONTENT_PX = 390 - 2 * 10   # the page's side padding on a phone (report.css)


@pytest.fixture(scope="module")
def figures():
    from lkjip_helpers import sections
    from lkjip_helpers.explorer import overview_data, selection_data

    an = sections.load(2020, 4, str(SAMPLE))
    out = {k: make(an) for k, (make, _alt) in sections.CHARTS.items()}
    out["ranking"] = charts.cut_ranking(overview_data(an, "program"))
    out["ranking_kegiatan"] = charts.cut_ranking(overview_data(an, "kegiatan"), "kegiatan")
    key = sorted(an.rec.programs["program_key"])[0]
    out["selection"] = charts.selection_chart(selection_data(an, "program", key, 1),
                                              "Pelayanan Rehabilitasi Perlindungan dan Jaminan")
    return out


def test_text_is_at_least_11px_on_a_phone(figures):
    for name, fig in figures.items():
        assert fig.get_figwidth() == charts.WIDTH, name
        svg = charts.to_svg(fig).decode()
        assert f'viewBox="0 0 {charts.WIDTH * 72:g} ' in svg, name   # the canvas keeps its width
        px_per_pt = PHONE_CONTENT_PX / (charts.WIDTH * 72)
        sizes = [size for _t, size, _b in charts.text_boxes(fig)]
        assert len(sizes) > 5, name
        assert min(sizes) * px_per_pt >= 11, (name, min(sizes))


def test_no_label_overlaps_another_or_leaves_the_canvas(figures):
    for name, fig in figures.items():
        boxes = charts.text_boxes(fig)
        w, h = fig.bbox.width, fig.bbox.height
        for (ta, _sa, a), (tb, _sb, b) in itertools.combinations(boxes, 2):
            assert not charts._overlap(a, b), (name, ta, tb)
        for t, _s, b in boxes:
            assert b[0] >= -0.5 and b[1] >= -0.5 and b[2] <= w + 0.5 and b[3] <= h + 0.5, (name, t)


def _contrast(colour) -> float:
    def lin(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b, _a = to_rgba(colour)
    lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    return 1.05 / (lum + 0.05)


def _series_contrast(face, edge, width) -> float:
    """A mark stands out by its fill or by an outline of at least 1 pt (WCAG 1.4.11)."""
    best = _contrast(face) if to_rgba(face)[3] > 0 else 1.0
    if width >= 1 and to_rgba(edge)[3] > 0:
        best = max(best, _contrast(edge))
    return best


def test_every_series_has_3_to_1_contrast_on_white(figures):
    from matplotlib.collections import PathCollection
    checked = 0
    for name, fig in figures.items():
        for ax in fig.axes:
            for p in ax.patches:
                c = _series_contrast(p.get_facecolor(), p.get_edgecolor(), p.get_linewidth())
                assert c >= 3, (name, p.get_facecolor(), c)
                checked += 1
            for line in ax.lines:
                assert _contrast(line.get_color()) >= 3, (name, line.get_color())
                checked += 1
            for coll in ax.collections:
                if isinstance(coll, PathCollection):
                    for face in coll.get_facecolors():
                        edge = coll.get_edgecolors()[0]
                        assert _series_contrast(face, edge, coll.get_linewidths()[0]) >= 3, name
                        checked += 1
    assert checked > 50
    # the quarters' colours are Okabe–Ito and pass on their own
    assert all(_contrast(c) >= 3 for c in charts.QUARTER_COLOURS)


def test_no_pyplot_and_no_backend_switched_at_import():
    code = ("import sys, matplotlib; before = matplotlib.rcParams._get('backend'); "
            "import lkjip_helpers.charts, lkjip_helpers.sections, lkjip_helpers.explorer; "
            "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported'; "
            "assert matplotlib.rcParams._get('backend') == before, 'backend switched'")
    subprocess.run([sys.executable, "-c", code], check=True)
    import inspect
    assert "matplotlib.use(" not in inspect.getsource(charts)


def test_page_svgs_are_the_svgs_of_a_fresh_figure():
    """page_svgs gives each of the sample's charts once, its words as text in the page's font;
    a chart with a character that font lacks comes with glyphs as paths for the screen and words
    as text for print, both from one layout: each byte for byte what to_svg gives for a freshly
    made figure (the same chart, the same places), and the figure keeps its layout engine."""
    import matplotlib

    from lkjip_helpers import sections

    an = sections.load(2020, 4, str(SAMPLE))
    with matplotlib.rc_context({"svg.hashsalt": "lkjip"}):   # clip-path ids: fixed for comparing
        for key, (make, _alt) in sections.CHARTS.items():
            svg, printed = charts.page_svgs(make(an))
            assert printed is None and svg == charts.to_svg(make(an), text=True), key
            assert b"<text" in svg, key

        def greek(label="Ω-program"):   # U+03A9: in DejaVu Sans, not in the page's font
            fig = sections.CHARTS["program"][0](an)
            fig.axes[0].set_xlabel(label)
            return fig

        fig = greek()
        engine = fig.get_layout_engine()
        screen, printed = charts.page_svgs(fig)
        assert fig.get_layout_engine() is engine
        assert screen == charts.to_svg(greek()) and b"<text" not in screen
        assert printed == charts.to_svg(greek(), text=True) and "Ω".encode() in printed


def test_the_pages_chart_font_is_matplotlibs_dejavu_cut_to_its_ranges():
    """The embedded fonts (scripts/make_chart_font.py) are the DejaVu Sans matplotlib lays the
    charts out with: every character of the ranges that font has, no other, each as wide as
    there; covers() says which charts they can show; the page's rules hold both weights."""
    from pathlib import Path

    import matplotlib
    from fontTools.ttLib import TTFont

    from lkjip_helpers import chartfont

    here = Path(chartfont.__file__).parent / "data" / "fonts"
    for weight, (name, source) in chartfont.FONTS.items():
        made = TTFont(str(here / name))
        full = TTFont(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / source))
        cmap, full_cmap = made.getBestCmap(), full.getBestCmap()
        assert made.flavor == "woff", name
        assert set(cmap) == chartfont.codepoints() & set(full_cmap), name
        assert made["name"].getDebugName(1) == "DejaVu Sans", name
        for code, glyph in cmap.items():
            assert made["hmtx"][glyph][0] == full["hmtx"][full_cmap[code]][0], (name, hex(code))
    assert (here / "LICENSE_DEJAVU").read_text().startswith("Fonts are (c) Bitstream")
    assert chartfont.covers("<svg><text>Rp 1.234,5 jt – 80,5% ≥ 11 (TW IV)</text></svg>".encode())
    assert chartfont.covers(b"<svg><text>Dinas &amp; Sosial</text></svg>")
    assert not chartfont.covers("<svg><text>Ω</text></svg>".encode())
    assert not chartfont.covers(b"<svg><text>&#937;</text></svg>")
    rules = chartfont.font_face()
    assert rules.count("@font-face") == 2 and rules.count("data:font/woff;base64,") == 2
    assert "font-weight: 400" in rules and "font-weight: 700" in rules


def test_a_name_with_dollar_signs_is_drawn_as_written():
    """'$\\frac{1}{0}$' in a program's name was drawn as a fraction (matplotlib's mathtext)."""
    import re

    from lkjip_helpers import charts

    fig, ax = charts._figure(3, "Judul $x$ biaya")
    ax.set_yticks([0, 1], [charts._wrap(r"Pemberdayaan $\frac{1}{0}$ Perempuan"),
                           charts._wrap("Rp 5$")])
    texts = re.findall(r">([^<]*\$[^<]*)<", charts.to_svg(fig, True).decode())
    assert texts == [r"$\frac{1}{0}$ Perempuan", "Rp 5$", "Judul $x$ biaya"]


def test_a_zero_or_negative_amount_draws_without_a_warning():
    """A pagu of 0 with a refund (negative realisasi) set an empty axis range: matplotlib's
    UserWarning reached the report run's stderr."""
    import warnings
    from decimal import Decimal as D

    import pandas as pd

    programs = pd.DataFrame({"year": [2022, 2022], "quarter": [1, 1], "program_no": [1, 2],
                             "program": ["BELANJA DAERAH", "BELANJA MODAL"],
                             "pagu": [D(0), D(0)], "realisasi": [D(-50), D(0)],
                             "penyerapan": [None, None]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = charts.pagu_realisasi_per_program(programs, 2022, 1)
        assert fig.axes[0].get_xlim() == pytest.approx((-50 * 1.32, 0.0))   # the refund shows
        programs["realisasi"] = [D(0), D(0)]
        fig = charts.pagu_realisasi_per_program(programs, 2022, 1)
        assert fig.axes[0].get_xlim() == (0.0, 1.0)
