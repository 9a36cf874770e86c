"""The pemda report's charts (lkjip_helpers.pemda_charts) keep every word on the canvas and none
over another, for few and many SKPD and periods, long names included."""
import itertools

import numpy as np
import pandas as pd
import pytest

from lkjip_helpers import charts, pemda_charts

TITLE = "Penyerapan terhadap pembanding (%), per SKPD per periode"  # pemda_sections.heatmap's


def _inside_and_apart(fig):
    boxes = charts.text_boxes(fig)
    w, h = fig.bbox.width, fig.bbox.height
    for t, _s, b in boxes:
        assert b[0] >= -0.5 and b[1] >= -0.5 and b[2] <= w + 0.5 and b[3] <= h + 0.5, t
    for (ta, _sa, a), (tb, _sb, b) in itertools.combinations(boxes, 2):
        assert not charts._overlap(a, b), (ta, tb)
    return [t for t, _s, _b in boxes]


@pytest.mark.parametrize("agencies,months", [(1, 1), (4, 3), (12, 12), (50, 4)])
def test_heatmap_keeps_its_words_on_the_canvas(agencies, months):
    rng = np.random.default_rng(agencies * 100 + months)
    names = [f"{i:02d} Dinas Pemberdayaan Masyarakat dan Desa Nomor {i}" if i % 3 == 0
             else f"{i:02d} RSUD {i}" for i in range(agencies)]
    grid = pd.DataFrame(rng.uniform(0, 250, (agencies, months)), index=names,
                        columns=list(range(12 // months, 13, 12 // months))[:months])
    grid.iloc[0, 0] = float("nan")
    fig = pemda_charts.heatmap(grid, TITLE)
    words = " ".join(" ".join(_inside_and_apart(fig)).split())
    assert TITLE in words  # the title whole (on one line or two)
    # on a phone the figure keeps its drawn width (1 pt = 1 px) and scrolls in its box: the
    # title's lines fit the screen's first 370 px
    box = fig._suptitle.get_window_extent(charts._renderer(fig))
    assert box.x1 * 72 / fig.dpi <= pemda_charts.PHONE_PX


def test_s_curves_keep_their_words_on_the_canvas():
    curves = [{"name": f"{i:02d} Badan Perencanaan Pembangunan Daerah {i}", "months": [3, 6, 9],
               "absorption": [5.0 + i, 30.0, 55.5], "plan_months": [3, 6, 9, 12],
               "plan": [10.0, 30.0, 60.0, 95.0], "band": None,
               "projection": (80.0, 70.0, 95.0)} for i in range(5)]
    _inside_and_apart(pemda_charts.s_curves(curves, 9))
