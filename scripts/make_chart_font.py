"""Write the charts' font for the report's page: DejaVu Sans and DejaVu Sans Bold, as matplotlib
ships them (``mpl-data/fonts/ttf``: the fonts it lays the charts out with), cut down to the
characters of :data:`lkjip_helpers.chartfont.RANGES` (Latin, Indonesian's punctuation and signs),
without hinting, as WOFF: about 20 KB each. The report's page embeds them (``@font-face`` with a
``data:`` URL), so a phone without DejaVu Sans shows the charts' words in the font and at the
widths they were laid out for. Run again after a matplotlib upgrade or a change of the ranges;
``tests/test_charts.py`` checks that the files match matplotlib's fonts.

Run: ``python scripts/make_chart_font.py``."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def subset(source: Path, target: Path) -> None:
    from fontTools import subset as fts
    from fontTools.ttLib import TTFont

    from lkjip_helpers.chartfont import codepoints

    options = fts.Options()
    options.flavor = "woff"
    options.hinting = False           # the browser's own rendering; a third of the size
    options.layout_features = ["kern"]
    options.name_IDs = ["*"]          # the copyright and licence notices stay in the font
    options.notdef_outline = True
    options.ignore_missing_unicodes = True
    font = TTFont(str(source))
    cutter = fts.Subsetter(options)
    cutter.populate(unicodes=sorted(codepoints()))
    cutter.subset(font)
    font.flavor = "woff"
    font.save(str(target))


def main() -> None:
    import shutil

    import matplotlib

    from lkjip_helpers.chartfont import FONTS

    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for weight, (name, source) in FONTS.items():
        subset(ttf / source, ROOT / "lkjip_helpers" / "data" / "fonts" / name)
        print(weight, name, (ROOT / "lkjip_helpers" / "data" / "fonts" / name).stat().st_size)
    shutil.copyfile(ttf / "LICENSE_DEJAVU", ROOT / "lkjip_helpers" / "data" / "fonts" /
                    "LICENSE_DEJAVU")


if __name__ == "__main__":
    main()
