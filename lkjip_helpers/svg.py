"""A chart's SVG (drawn by :mod:`lkjip_helpers.charts`) placed inside the report's page. Apart
from the drawing on purpose: a notebook kernel given charts drawn elsewhere (``lkjip report``'s
worker) places them without importing matplotlib."""
from __future__ import annotations

import re

from .chartfont import FAMILY

MIN_FONT = 11.0      # pt: no chart text is smaller; at 370 px for 4,8 in (345,6 pt) this is 11,8 px


def inline_svg(svg: bytes, key: str, alt: str, css_class: str = "") -> str:
    """An SVG made by :func:`lkjip_helpers.charts.to_svg` for placing inside the page: no XML
    prologue, sized by the page's CSS (its viewBox keeps the proportions), ids prefixed with
    ``key`` so that several charts on one page never share one, and the alt text as its accessible
    name; ``css_class``: its class attribute (e.g. ``screen`` or ``print``)."""
    from .safe import escape

    text = svg.decode("utf-8")
    text = text[text.index("<svg"):]
    # matplotlib's own <style> (line joins) would apply to the whole page: report.css has it
    text = re.sub(r"<!--.*?-->|<metadata>.*?</metadata>|<style[^>]*>.*?</style>", "", text,
                  flags=re.S)
    head_end = text.index(">")
    head = re.sub(r'\s(width|height|xmlns|xmlns:xlink|version)="[^"]*"', "", text[:head_end])
    head += f' role="img" aria-label="{escape(alt)}" data-min-font-pt="{MIN_FONT:g}"'
    if css_class:
        head = head.replace("<svg", f'<svg class="{css_class}"', 1)
    text = head + text[head_end:]
    text = re.sub(r'id="([^"]+)"', lambda m: f'id="{key}-{m.group(1)}"', text)
    text = re.sub(r'(href|clip-path|mask|fill|stroke)(="|=\'|:\s*)url\(#([^)]+)\)',
                  lambda m: f"{m.group(1)}{m.group(2)}url(#{key}-{m.group(3)})", text)
    text = re.sub(r'(xlink:href|href)="#([^"]+)"', lambda m: f'{m.group(1)}="#{key}-{m.group(2)}"',
                  text)
    # words as text: in the page's embedded DejaVu Sans (lkjip_helpers.chartfont), not
    # matplotlib's list of look-alikes whose other widths would upset the layout
    text = _FAMILY.sub(f"font-family: '{FAMILY}', 'DejaVu Sans', sans-serif", text)
    return re.sub(r">\s+<", "><", text)


def variants(svg: bytes, printed: bytes | None, key: str, alt: str) -> str:
    """A chart's SVG for the page (:func:`lkjip_helpers.charts.page_svgs`): one, or when it
    comes with a print variant, the screen's and the print's (report.css shows each in its
    medium)."""
    if printed is None:
        return inline_svg(svg, key, alt)
    return inline_svg(svg, key, alt, "screen") + inline_svg(printed, key + "-p", alt, "print")


_FAMILY = re.compile(r"font-family: 'DejaVu Sans'[^;\"]*")
