"""The report as one HTML page: nbconvert renders the executed notebook's outputs and headings with
our own small template (``templates/lkjip``: one stylesheet, no script, no external URL), then the
table of contents is put in after the summary. The same page, with its print rules, is what
Chromium or WeasyPrint lays out on A4 (running header with the agency and period, "Halaman X dari
Y", the table of contents with page numbers; see :mod:`lkjip_helpers.pdf`)."""
from __future__ import annotations

import html as _html
import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "templates"
CSS_FILE = TEMPLATES / "lkjip" / "report.css"
TOC_TITLE = "Daftar isi"

_H2 = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>', re.S)
_ANCHOR = re.compile(r'<a class="anchor-link" href="#[^"]*">[^<]*</a>')


def stylesheet() -> str:
    """report.css without its comments (they are for us, not for the reader's download)."""
    css = CSS_FILE.read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return re.sub(r"\n\s*\n+", "\n", css).strip()


def exporter():
    """nbconvert's exporter for the page (outputs only, our template), used once so that its
    template is compiled and its filters imported: a later :func:`render` with it only renders."""
    from nbformat.v4 import new_markdown_cell, new_notebook

    made = _page_exporter()(template_name="lkjip", extra_template_basedirs=[str(TEMPLATES)])
    made.exclude_input = True
    made.exclude_input_prompt = True
    made.exclude_output_prompt = True
    made.from_notebook_node(new_notebook(cells=[new_markdown_cell("# -")]),
                            resources={"lkjip": {"css": "", "title": ""}})
    return made


def _page_exporter():
    """nbconvert's HTMLExporter without its last pass, which parses the whole page with
    BeautifulSoup and writes it out again, to give an ``<img>`` without alt text a placeholder
    and to make JupyterLab's cells (``.jp-Notebook``) focusable: the report's template has
    neither (charts are inline SVG with their own accessible name, and no JupyterLab markup), so
    the pass changes nothing in it — and took a fifth of a second for each report
    (``tests/test_report.py`` checks that the page is the same). The filters it registers first
    are registered the same way."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            info = nb.metadata.get("language_info", {})
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code",
                Highlight2HTML(pygments_lexer=info.get("pygments_lexer", info.get("name")),
                               parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return PageExporter


def render(notebook, made=None) -> str:
    """The executed notebook (a path, or the notebook itself) as the report's page (outputs
    only); ``made``: an :func:`exporter` made beforehand."""
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4) if isinstance(notebook, (str, Path)) \
        else notebook
    page, _ = (made or exporter()).from_notebook_node(
        nb, resources={"lkjip": {"css": stylesheet(), "title": "Laporan Anggaran dan Kinerja"}})
    return finish(page)


def finish(page: str) -> str:
    """Headings without their pilcrow links, the title naming the report (its ``<h1>``: the
    agency's or the pemda's), agency and period, the table of contents before the second
    section."""
    page = _ANCHOR.sub("", page)
    subs = re.findall(r'<p class="lk-sub [a-z]+">(.*?)</p>', page)
    h1 = re.search(r"<h1>([^<]+)</h1>", page)
    if subs or h1:
        page = re.sub(r"<title>(.*?)</title>",
                      lambda m: f"<title>{' · '.join([h1.group(1) if h1 else m.group(1)] + subs)}"
                                "</title>", page, count=1)
    heads = _H2.findall(page)
    if len(heads) >= 2:
        page = page.replace(f'<h2 id="{heads[1][0]}">', toc(heads[1:]) + f'<h2 id="{heads[1][0]}">',
                            1)
    return in_sections(with_chart_font(_amounts_whole(page)))


_AMOUNT = re.compile(r"(>[^<]*)")
_RP = re.compile(r"\bRp (?=-?\d)")


def _amounts_whole(page: str) -> str:
    """An amount never broken after its "Rp" ("Rp" at a line's end, its digits on the next): a
    no-break space between them, in the page's text only (the style sheets and the charts'
    drawings are left as they are)."""
    def text(m: re.Match) -> str:
        return _RP.sub("Rp\u00a0", m.group(1))

    head, sep, body = page.partition("<body")
    return head + sep + _AMOUNT.sub(text, body)


def with_chart_font(page: str) -> str:
    """The charts' font (:mod:`lkjip_helpers.chartfont`) in a stylesheet of its own, when a chart
    of the page has its words in it."""
    from .chartfont import FAMILY, font_face

    if f"font-family: '{FAMILY}'" not in page or "</head>" not in page:
        return page
    return page.replace("</head>", f"<style>{font_face()}</style>\n</head>", 1)


_WIDE = re.compile(r'<table class="[^"]*\bwide\b')  # 7 columns or more (lkjip_helpers.present)


def in_sections(page: str) -> str:
    """Each ``<h2>`` and what follows it, up to the next, in a ``<section>``; ``class="wide"``
    when it holds a wide table (printed landscape, see report.css)."""
    start, end = page.find('<main class="lk">'), page.rfind("</main>")
    if start < 0 or end < 0:
        return page
    start += len('<main class="lk">')
    parts = re.split(r'(?=<h2 id=")', page[start:end])
    body = "".join(
        part if not part.startswith("<h2") else
        ('<section class="wide">' if _WIDE.search(part) else "<section>") + part + "</section>"
        for part in parts)
    return page[:start] + body + page[end:]


def toc(heads: list[tuple[str, str]]) -> str:
    """``<nav>`` with a jump link to each section (in print, with its page number)."""
    items = "".join(f'<li><a href="#{i}">{_strip_tags(t)}</a></li>' for i, t in heads)
    return (f'<nav class="toc" aria-label="{TOC_TITLE}"><p class="kind">{TOC_TITLE}</p>'
            f"<ol>{items}</ol></nav>")


def _strip_tags(text: str) -> str:
    return _html.escape(_html.unescape(re.sub(r"<[^>]+>", "", text)).strip(), quote=False)
