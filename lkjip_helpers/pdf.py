"""The report's A4 PDF: headless Chromium where the machine has it, WeasyPrint otherwise.

Both lay out the same page with its print rules (``templates/lkjip/report.css``): A4, a section
with a wide table on landscape pages, headings kept with what follows, the agency and period in
the running header, "Halaman X dari Y" in the footer, every fold (``<details>``) printed open.

Chromium (Debian's ``chromium-headless-shell``, else ``chromium``; ``LKJIP_CHROMIUM`` names
another executable) is driven over its
DevTools pipe (``--remote-debugging-pipe``: JSON messages on file descriptors 3 and 4, no port, no
Node.js): it is started while the notebook runs (:meth:`Chromium.start`), then loads the page and
prints it (``Page.printToPDF``) in about a fifth of WeasyPrint's time. It does not implement the
two rules of CSS paged media the report uses beyond page counters: ``string-set`` (the running
header: the agency and period are written into the page's rules instead) and ``target-counter``
(the table of contents' page numbers: each heading is made a link back to its contents entry, so
the PDF's link annotations say on which page each section starts, and the numbers are then written
on the contents' page at the right end of each entry's link, with :mod:`pypdf` reading the PDF: an
incremental update appended to Chromium's bytes, no second layout). The page is laid out once,
for print: it is loaded unseen (on screen its body is not displayed, so nothing is laid out
until ``Page.printToPDF`` lays it out for print; loaded for a screen, or with print media
emulated, it was laid out twice more while loading, a quarter of the printing time), and the PDF
is not tagged (as WeasyPrint's): the PDF is a quarter of the tagged one's size.

``LKJIP_PDF=weasyprint`` (or ``chromium``) chooses the engine; without it Chromium is used when
found, and a Chromium that fails (missing, crashed, silent for :data:`TIMEOUT` seconds) leaves the
PDF to WeasyPrint.
"""
from __future__ import annotations

import base64
import html as _html
import io
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

TIMEOUT = 120.0  # seconds Chromium may take to answer one request
_SCREEN_SVG = re.compile(r'<svg\b[^>]*\bclass="screen".*?</svg>', re.S)
_SUB = re.compile(r'<p class="lk-sub (agency|period)">(.*?)</p>', re.S)
_TOC_LINK = re.compile(r'<nav class="toc".*?</nav>', re.S)
_LINK = re.compile(r'<a href="#([^"]+)">(.*?)</a>', re.S)
_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", "--disable-sync", "--disable-component-update",
         "--disable-extensions", "--disable-default-apps", "--mute-audio",
         "--remote-debugging-pipe")
TOC_NUMBER_PT = 10  # the contents' font size in print, for the numbers written on it
# Chromium's print rules: the page loaded unseen (laid out only when printed), no ligatures, and for
# the table of contents a dotted leader and room for the page number written afterwards at the
# link's right end (see number_contents)
_CHROMIUM_CSS = """@media screen { body { display: none; } }
@media print {
body { font-variant-ligatures: none; }  /* "fi" stays two letters in the PDF's text */
nav.toc { font-size: %dpt; }
nav.toc a { display: flex; align-items: baseline; padding-right: 2.4em; }
nav.toc a::after { content: ""; flex: 1 1 auto; margin: 0 0.3em;
  border-bottom: 1px dotted #777; }
h2 a.lk-back { color: inherit; text-decoration: none; }
}""" % TOC_NUMBER_PT


# the browser runs at a lower priority: its boot, while the notebook's last cells run, takes the
# CPU they leave (measured in two runs of 12 alternating rounds: the PDF's addition 0,83 / 0,96 s
# on average against 0,96 / 1,03 s at the same priority); its print later has a core of its own
NICE = 10


class PdfError(OSError):
    """Chromium could not print the page (WeasyPrint then does)."""


def engine() -> str:
    """"chromium" or "weasyprint": ``LKJIP_PDF`` when set, else Chromium when it is found."""
    chosen = os.environ.get("LKJIP_PDF", "").strip().lower()
    if chosen in ("chromium", "weasyprint"):
        return chosen
    return "chromium" if chromium_path() else "weasyprint"


def chromium_path() -> str | None:
    named = os.environ.get("LKJIP_CHROMIUM", "").strip()
    if named:
        return named if os.access(named, os.X_OK) else shutil.which(named)
    # the headless shell first: the same Blink without a browser's user interface, a third of
    # the full browser's CPU time to start and to print (Debian: chromium-headless-shell)
    for name in ("chromium-headless-shell", "chrome-headless-shell", "chromium",
                 "chromium-browser", "google-chrome-stable", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def print_page(page: str) -> str:
    """The report's page as it is printed: the charts' screen variants left out (glyphs as paths,
    hidden in print), every fold open."""
    page = _SCREEN_SVG.sub("", page)
    return re.sub(r"<details(?![^>]*\bopen\b)", "<details open", page)


def running_header(page: str) -> str:
    """Chromium's rules for the running header: the agency and period as literal strings (it has
    no ``string-set``), and :data:`_CHROMIUM_CSS`; put in before ``</head>``."""
    found = {k: " ".join(_html.unescape(re.sub(r"<[^>]+>", "", v)).split())
             for k, v in _SUB.findall(page)}
    rules = "".join(f"@top-{side} {{ content: {_css_string(found[k])}; }} "
                    for side, k in (("left", "agency"), ("right", "period")) if k in found)
    css = f"@page {{ {rules}}}\n@page wide {{ {rules}}}\n{_CHROMIUM_CSS}"
    return page.replace("</head>", f"<style>{css}</style></head>", 1)


def _css_string(text: str) -> str:
    """``text`` as a CSS string: quotes, backslashes and line ends escaped, nothing else can
    leave it."""
    out = "".join(c if c.isprintable() and c not in '"\\<>' else f"\\{ord(c):x} " for c in text)
    return f'"{out}"'


def mark_headings(page: str, entries: dict[str, str]) -> str:
    """Each contents entry and its heading linked to each other (``#lk-toc-<id>`` on the entry's
    item, the heading's text a link to it): Chromium draws a link where the heading is drawn, so
    the PDF says on which page each section starts (its outline would too, but only in a
    tagged PDF: three times the bytes and a third more time), and in the PDF a heading leads
    back to its line in the contents."""
    for anchor in entries:
        esc = _html.escape(anchor, quote=True)
        page = page.replace(f'<li><a href="#{esc}">', f'<li id="lk-toc-{esc}"><a href="#{esc}">',
                            1)
        page = re.sub(rf'(<h2 id="{re.escape(esc)}">)(.*?)(</h2>)',
                      lambda m: f'{m.group(1)}<a class="lk-back" href="#lk-toc-{esc}">'
                                f"{m.group(2)}</a>{m.group(3)}", page, count=1, flags=re.S)
    return page


def contents(page: str) -> dict[str, str]:
    """The table of contents' entries: anchor id -> title (plain text)."""
    nav = _TOC_LINK.search(page)
    if not nav:
        return {}
    return {_html.unescape(i): " ".join(_html.unescape(re.sub(r"<[^>]+>", "", t)).split())
            for i, t in _LINK.findall(nav.group(0))}


def to_pdf(page: str, path: Path, browser: "Chromium | None" = None, keep: bool = False) -> str:
    """Write ``page`` as an A4 PDF to ``path`` (whole or not at all); returns the engine that
    made it. See :func:`render`."""
    from .files import atomic_write

    path = Path(path)
    data, made = render(page, path.parent, browser, keep)
    atomic_write(path, lambda tmp: tmp.write_bytes(data))
    return made


def render(page: str, folder: Path, browser: "Chromium | None" = None,
           keep: bool = False) -> tuple[bytes, str]:
    """``page`` as A4 PDF bytes, and the engine that made them. ``browser``: a Chromium started
    beforehand, closed here unless ``keep`` (a batch worker prints its agencies' reports with
    one browser; one that failed is closed all the same, see :meth:`Chromium.alive`); without it
    one is started when Chromium is the engine. A Chromium that fails leaves the PDF to
    WeasyPrint, unless ``LKJIP_PDF=chromium`` asked for it (then :class:`PdfError`). ``folder``:
    where the page is written for Chromium to load (a hidden file, removed once loaded). Raises
    ImportError/OSError when WeasyPrint's libraries are missing."""
    if engine() == "chromium":
        own = browser is None
        printed = False
        try:
            if own:
                found = chromium_path()
                if not found:
                    raise PdfError("Chromium tidak ditemukan")
                browser = Chromium(found).start(folder)
            data = browser.print(page, folder)
            printed = True
            return data, "chromium"
        except PdfError:
            if os.environ.get("LKJIP_PDF", "").strip().lower() == "chromium":
                raise
        finally:
            if browser is not None and not (keep and printed and not own):
                browser.close(wait=False)
    elif browser is not None:
        browser.close()
    return weasyprint(page, folder), "weasyprint"


def weasyprint(page: str, folder: Path) -> bytes:
    """A4 PDF through WeasyPrint; raises ImportError/OSError when its libraries are missing."""
    from weasyprint import HTML

    return HTML(string=print_page(page), base_url=str(folder)).write_pdf()


class Chromium:
    """One headless Chromium driven over its DevTools pipe: :meth:`start` returns at once (the
    browser boots while the caller works), :meth:`print` makes a PDF, :meth:`close` ends it. The
    browser gets a profile folder of its own, removed at close, and exits when the pipe closes
    (also when this process is killed)."""

    def __init__(self, executable: str, timeout: float = TIMEOUT):
        self.executable = executable
        self.timeout = timeout
        self.proc: subprocess.Popen | None = None
        self.profile = ""
        self._out = self._in = -1
        self._buf = b""
        self._id = 0
        self._events: list[dict] = []
        self._prints = 0
        self._session = ""
        self._failed: BaseException | None = None
        self._opening = None

    def start(self, folder: Path | None = None) -> "Chromium":
        """Start the browser and, in a thread of this process, open its page on an empty file of
        ``folder`` (a later page from the same folder is then loaded in the same renderer
        process, already running when the report is ready)."""
        cmd_r, cmd_w = os.pipe()   # we write commands, Chromium reads them on fd 3
        res_r, res_w = os.pipe()   # Chromium writes answers on fd 4
        _remove_leftovers()
        self.profile = tempfile.mkdtemp(prefix=f"lkjip-chromium-{os.getpid()}-")

        def fds():  # in the child: the pipe ends at 3 and 4, where Chromium looks for them
            a, b = os.dup(cmd_r), os.dup(res_w)
            os.dup2(a, 3)
            os.dup2(b, 4)
            os.nice(NICE)

        try:
            self.proc = subprocess.Popen(
                [self.executable, *_ARGS, f"--user-data-dir={self.profile}", "about:blank"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                close_fds=False, preexec_fn=fds, start_new_session=True)
        except OSError as exc:
            for fd in (cmd_r, cmd_w, res_r, res_w):
                os.close(fd)
            shutil.rmtree(self.profile, ignore_errors=True)
            raise PdfError(f"Chromium tidak dapat dijalankan: {exc}") from None
        os.close(cmd_r)
        os.close(res_w)
        self._out, self._in = cmd_w, res_r
        os.set_inheritable(cmd_w, False)
        os.set_inheritable(res_r, False)
        import threading

        self._opening = threading.Thread(target=self._open, args=(folder,), daemon=True,
                                         name="lkjip-chromium")
        self._opening.start()
        return self

    def _open(self, folder: Path | None) -> None:
        """The browser's first page (the one it opens at start when it has it), attached, an
        empty page of ``folder`` loaded; what goes wrong is kept for :meth:`print` to raise."""
        try:
            pages = [t["targetId"] for t in self.call("Target.getTargets")["targetInfos"]
                     if t.get("type") == "page"]
            target = pages[0] if pages else \
                self.call("Target.createTarget", url="about:blank")["targetId"]
            self._session = self.call("Target.attachToTarget", targetId=target,
                                      flatten=True)["sessionId"]
            self.call("Page.enable", self._session)
            if folder is not None and Path(folder).is_dir():
                self._load("<!DOCTYPE html><html></html>", Path(folder))
        except BaseException as exc:  # noqa: BLE001 - raised by print()
            self._failed = exc

    def _load(self, page: str, folder: Path) -> None:
        self._prints += 1
        file = folder / f".lkjip-cetak-{os.getpid()}-{id(self):x}-{self._prints}.html"
        file.write_text(page, encoding="utf-8")
        try:
            self._events.clear()  # an earlier page's
            self.call("Page.navigate", self._session, url=file.resolve().as_uri())
            self.wait("Page.loadEventFired", self._session)
        finally:
            file.unlink(missing_ok=True)

    def print(self, page: str, folder: Path, numbered: bool = True) -> bytes:
        """The page as PDF bytes, the contents' page numbers written in (``numbered``). The
        page is written to a hidden file of ``folder`` for the browser to load (removed once
        loaded). The browser may print again."""
        if self.proc is None:
            raise PdfError("Chromium belum dijalankan")
        self._opening.join()
        if self._failed is not None:
            if isinstance(self._failed, PdfError):
                raise self._failed
            raise PdfError(f"Chromium: {self._failed}")
        entries = contents(page)
        reader = _importing("pypdf") if numbered else None  # while Chromium prints
        self._load(mark_headings(running_header(print_page(page)), entries), Path(folder))
        data = self.call("Page.printToPDF", self._session, preferCSSPageSize=True,
                         printBackground=True, generateTaggedPDF=False)["data"]
        data = base64.b64decode(data)
        if reader is not None:
            reader.join()
        return number_contents(data, entries) if numbered else data

    def call(self, method: str, session: str | None = None, **params) -> dict:
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self._out, data):]
        except OSError as exc:
            raise PdfError(f"Chromium berhenti ({method}): {exc}") from None
        while True:
            answer = self._next()
            if answer.get("id") == self._id:
                if "error" in answer:
                    raise PdfError(f"Chromium menolak {method}: "
                                   f"{answer['error'].get('message', answer['error'])}")
                return answer.get("result", {})
            self._events.append(answer)

    def wait(self, event: str, session: str | None = None) -> dict:
        def mine(m):
            return m.get("method") == event and m.get("sessionId") == session

        for i, m in enumerate(self._events):
            if mine(m):
                return self._events.pop(i)
        while True:
            m = self._next()
            if mine(m):
                return m
            self._events.append(m)

    def _next(self) -> dict:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._in], [], [], left)[0]:
                raise PdfError(f"Chromium tidak menjawab dalam {self.timeout:.0f} detik")
            chunk = os.read(self._in, 1 << 20)
            if not chunk:
                raise PdfError("Chromium berhenti sebelum selesai mencetak")
            self._buf += chunk
        msg, _, self._buf = self._buf.partition(b"\0")
        return json.loads(msg)

    def alive(self) -> bool:
        """Started, not closed, its process running and its first page opened (or opening)."""
        return self.proc is not None and self.proc.poll() is None and self._failed is None

    def kill(self) -> None:
        """End the browser from another thread (one waiting for it then gets PdfError)."""
        proc = self.proc
        if proc is not None:
            _kill(proc)

    def close(self, wait: bool = True) -> None:
        """End the browser: its pipe closed, it exits by itself. ``wait``: until it has, and its
        profile folder is removed; else a thread of this process waits for it (a folder left by a
        process that exits first is removed by the next start)."""
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        if self._opening is not None and self._opening.is_alive():
            _kill(proc)  # its page still opening: the thread reading the pipe sees its end first
            self._opening.join(timeout=5)  # (its descriptors are not closed under it)
        for fd in (self._out, self._in):
            try:
                os.close(fd)  # Chromium exits when its pipe closes
            except OSError:
                pass
        if wait:
            _reap(proc, self.profile)
        else:
            import threading

            threading.Thread(target=_reap, args=(proc, self.profile), daemon=True,
                             name="lkjip-chromium-exit").start()


def _importing(name: str):
    """A thread importing ``name`` (started): pypdf, while the browser loads and prints the page
    (0,2 CPU s holding this process's interpreter lock, no longer taken while the notebook's
    last cells run and their outputs are handled here)."""
    import importlib
    import threading

    def load():
        try:
            importlib.import_module(name)
        except ImportError:  # said where it is used
            pass

    thread = threading.Thread(target=load, daemon=True, name=f"lkjip-import-{name}")
    thread.start()
    return thread


def _kill(proc: subprocess.Popen) -> None:
    """SIGKILL the browser and its helper processes (its session: ``start_new_session``), so that
    none of them writes into its profile folder after."""
    import signal

    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        proc.kill()


def _reap(proc: subprocess.Popen, profile: str) -> None:
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        _kill(proc)
        proc.wait()
    for _ in range(5):  # a helper process may still be leaving a file behind
        shutil.rmtree(profile, ignore_errors=True)
        if not os.path.exists(profile):
            return
        time.sleep(0.1)


def _remove_leftovers() -> None:
    """Profile folders of browsers whose lkjip process was killed (``kill -9``: the browser then
    exits when its pipe closes, but its folder stays)."""
    for folder in Path(tempfile.gettempdir()).glob("lkjip-chromium-*-*"):
        pid = folder.name.split("-")[2]
        if not pid.isdigit() or Path(f"/proc/{pid}").exists() or not Path("/proc/self").exists():
            continue
        shutil.rmtree(folder, ignore_errors=True)


def number_contents(data: bytes, entries: dict[str, str]) -> bytes:
    """Write each contents entry's page number at its link's right end. A section starts on the
    page where its heading's link (:func:`mark_headings`) is drawn; the entries' links are named
    by the anchor they jump to. Returned as the PDF with an incremental update appended (the
    original bytes untouched; the contents' page rewritten with a second content stream and a
    font), written here: pypdf reads the PDF, but its writer would copy every object first."""
    if not entries:
        return data
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    reader = PdfReader(io.BytesIO(data))
    links = []  # (page, anchor, rect) of every named link
    starts: dict[str, int] = {}
    for number, page in enumerate(reader.pages, start=1):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            dest = annot.get("/Dest")
            if annot.get("/Subtype") != "/Link" or dest is None or isinstance(dest, list):
                continue
            name = str(dest).lstrip("/")
            if name.startswith("lk-toc-"):
                starts.setdefault(name[len("lk-toc-"):], number)
            elif name in entries:
                links.append((page, name, [float(v) for v in annot["/Rect"]]))
    size = int(reader.trailer["/Size"])
    objects: list[tuple[int, bytes]] = []

    def add(body: bytes) -> IndirectObject:
        nonlocal size
        objects.append((size, body))
        size += 1
        return IndirectObject(size - 1, 0, reader)

    font = None
    by_page: dict[int, list[str]] = {}
    pages = {}
    for page, name, (x0, y0, x1, y1) in links:
        if name not in starts:
            continue
        number = str(starts[name])
        pt = TOC_NUMBER_PT
        x = max(x0, x1) - len(number) * 0.556 * pt  # Helvetica's digits: 556/1000 em wide
        # the digits centred on the line, raised to the entry's baseline (DejaVu Sans' metrics
        # put it 0,06 em above Helvetica digits' centred baseline: measured with pdftotext -bbox)
        y = min(y0, y1) + max(0.0, (abs(y1 - y0) - 0.716 * pt) / 2) + 0.06 * pt
        key = page.indirect_reference.idnum
        pages[key] = page
        by_page.setdefault(key, []).append(
            f"BT /LkToc {pt} Tf 0.1 0.1 0.1 rg {x:.2f} {y:.2f} Td ({number}) Tj ET")
    for key, texts in by_page.items():
        page = pages[key]
        if font is None:
            font = add(b"<</Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                       b"/Encoding /WinAnsiEncoding>>")
        resources = DictionaryObject(page.get("/Resources", DictionaryObject()).get_object())
        fonts = DictionaryObject(resources.get("/Font", DictionaryObject()).get_object())
        fonts[NameObject("/LkToc")] = font
        resources[NameObject("/Font")] = fonts
        old = page.get("/Contents")
        old = [] if old is None else (list(old.get_object()) if isinstance(old.get_object(),
                                                                          ArrayObject) else [old])
        changed = DictionaryObject(page)
        changed[NameObject("/Resources")] = resources
        changed[NameObject("/Contents")] = ArrayObject(
            [add(_stream(b"q\n")), *old,
             add(_stream(("\nQ\n" + "\n".join(texts) + "\n").encode("ascii")))])
        objects.append((key, _serial(changed)))
    if not objects:
        return data
    return _append_update(data, reader, objects, size)


def _stream(content: bytes) -> bytes:
    return b"<</Length %d>>\nstream\n" % len(content) + content + b"\nendstream"


def _serial(obj) -> bytes:
    out = io.BytesIO()
    obj.write_to_stream(out)
    return out.getvalue()


def _append_update(data: bytes, reader, objects: list[tuple[int, bytes]], size: int) -> bytes:
    """``data`` with an incremental update: ``objects`` (number, body) and an xref section
    pointing back to the previous one (PDF 1.7, 7.5.6)."""
    previous = re.findall(rb"startxref\s+(\d+)", data[-1024:])
    if not previous:
        raise PdfError("PDF Chromium tanpa startxref")
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offsets = {}
    for number, body in objects:
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    for number in sorted(offsets):
        out += b"%d 1\n%010d 00000 n \n" % (number, offsets[number])
    trailer = _trailer(reader.trailer, size, int(previous[-1]))
    out += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _trailer(trailer, size: int, prev: int) -> bytes:
    from pypdf.generic import DictionaryObject, NameObject, NumberObject

    new = DictionaryObject({NameObject(k): trailer.raw_get(k) for k in ("/Root", "/Info", "/ID")
                            if k in trailer})
    new[NameObject("/Size")] = NumberObject(size)
    new[NameObject("/Prev")] = NumberObject(prev)
    return _serial(new)


