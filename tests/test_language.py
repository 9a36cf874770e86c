"""One language on the console: every message the package gives a user — its errors (file, sheet,
cell and what is wrong) and the lines the commands print on stderr — is Bahasa Indonesia. The
README and the code stay English; finding codes stay identifiers."""
import ast
import re
from pathlib import Path

from lkjip_helpers.errors import LkjipError

PACKAGE = Path(__file__).resolve().parent.parent / "lkjip_helpers"
# words that give an English sentence away (none is an Indonesian word; "file", "sheet",
# "workbook", "manifest" and option names are the users' own vocabulary and stay)
ENGLISH = re.compile(r"\b(the|is|are|not|no|cannot|can't|found|must|needs?|without|with|of|"
                     r"has|have|only|also|but|give|use|read|written|missing|invalid|unknown|"
                     r"expected|failed|empty|such|nothing|exists|both|either|neither|line)\b",
                     re.I)
# calls whose first argument a user reads: the package's errors (LkjipError and its kinds, the
# number parser's NumberError, the messages of the matrix reader) and argparse type errors
CALLS = {"LkjipError", "WorkbookError", "LayoutError", "CellError", "ConfigError",
         "OutputError", "ReportError", "NumberError", "TooLarge", "ArgumentTypeError", "err"}


def _text(node) -> str:
    """The literal parts of a message (f-string holes left out)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return " ".join(_text(v) for v in node.values)
    if isinstance(node, ast.BinOp):
        return _text(node.left) + " " + _text(node.right)
    if isinstance(node, ast.IfExp):
        return _text(node.body) + " " + _text(node.orelse)
    return ""


def _messages():
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            stderr = name == "print" and any(
                k.arg == "file" and "stderr" in ast.unparse(k.value) for k in node.keywords)
            if name in CALLS or stderr:
                yield f"{path.relative_to(PACKAGE.parent)}:{node.lineno}", _text(node.args[0])


def _english(text: str) -> list[str]:
    text = re.sub(r"--[a-z-]+|`[^`]*`|'[^']*'|\([A-Z_]+\)", " ", text)  # options, quoted names
    return ENGLISH.findall(text)


def test_the_check_sees_english():
    assert _english("the file is empty (0 bytes), not a workbook")
    assert not _english("file kosong (0 byte), bukan workbook; sebutkan --year")


def test_every_message_a_user_reads_is_indonesian():
    found = list(_messages())
    assert len(found) > 100          # the walk sees the package's messages
    english = [(where, text) for where, text in found if _english(text)]
    assert english == []


def test_an_error_names_its_cell_in_indonesian():
    err = LkjipError("bukan jumlah rupiah", "data/x.xlsx", "TW I", "H6")
    assert str(err) == "x.xlsx, sheet 'TW I', sel H6: bukan jumlah rupiah"


# argparse's own English and help texts' usual words besides the ones above
HELP_ENGLISH = re.compile(ENGLISH.pattern + r"|\b(usage|options|positional|arguments?|show|help|"
                          r"message|exit|and|or|for|to|when|default|this|that|which|from|into|"
                          r"write|print|check|render|each|every|one|an?|error|required|invalid|"
                          r"choice|choose|expected|unrecognized|allowed|agency|quarter|month)\b",
                          re.I)


def _help_english(text: str) -> list[str]:
    text = re.sub(r"--[a-z-]+|`[^`]*`|'[^']*'|\{[^}]*\}|\([a-z_, |.\s]+\)", " ", text)  # options,
    return HELP_ENGLISH.findall(text)  # quoted names, choices, column names


def _said(argv: list[str]) -> tuple[int, str]:
    import contextlib
    import io

    from lkjip_helpers.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as exc:
            status = exc.code
    return status, out.getvalue() + err.getvalue()


def test_the_help_check_sees_argparses_english():
    assert _help_english("usage: lkjip [-h]\n\noptions:\n  -h, --help  show this help message")
    assert _help_english("the following arguments are required: --year")
    assert not _help_english("cara pakai: lkjip [-h]\n\nopsi:\n  -h, --help  tampilkan bantuan "
                             "ini lalu keluar; --fail-on {error,warning} (file, kode_skpd)")


def test_every_help_is_indonesian():
    """`lkjip --help` and each command's --help: usage line, section titles, every option's
    text (flags, metavariables, choices and column names excepted)."""
    from lkjip_helpers.cli import COMMANDS

    assert {"ingest", "reconcile", "report", "batch", "renja", "template"} <= set(COMMANDS)
    for argv in [[]] + [[c] for c in COMMANDS]:
        status, text = _said(argv + ["--help"])
        assert status == 0 and text.startswith(f"cara pakai: lkjip {' '.join(argv)}".rstrip())
        assert "opsi:" in text and "tampilkan bantuan ini lalu keluar" in text, argv
        assert _help_english(text) == [], (argv, text)


def test_argument_errors_and_version_are_indonesian():
    cases = {("report",): "lkjip report: argumen wajib belum diberikan: --year",
             ("report", "--year", "x"): "lkjip report: argumen --year: 'x' bukan tahun",
             ("reconcile", "--fail-on", "x"): "pilihan 'x' tidak ada (pilih salah satu: 'error', "
                                              "'warning')",
             ("report", "--year", "2020", "--bogus"): "lkjip: argumen tidak dikenal: --bogus",
             ("batch", "d", "--year", "2020"): "salah satu dari --month --quarter wajib diberikan",
             ("batch", "d", "--year", "abc", "--month", "1"): "'abc' bukan bilangan bulat",
             ("renja", "--year", "2020", "--quarter"): "argumen --quarter: memerlukan satu nilai",
             (): "lkjip: argumen wajib belum diberikan: PERINTAH"}
    for argv, expected in cases.items():
        status, text = _said(list(argv))
        assert status == 2 and expected in text, (argv, text)
        assert len(text.splitlines()) == 1 and _help_english(text) == [], (argv, text)
    status, text = _said(["--version"])
    assert status == 0 and re.fullmatch(r"lkjip \d+\.\d+\.\d+\S*\n", text)


def test_refusals_kept_in_tables_are_indonesian_too():
    """Messages the walk above cannot see (a table of reasons, a ValueError told on a manifest's
    row): what the user reads, in Indonesian."""
    from pathlib import Path

    import pytest

    from lkjip_helpers import manifest
    from lkjip_helpers.excel.workbook import _REFUSED, refuse_reason

    texts = list(_REFUSED.values()) + [refuse_reason(Path("catatan.txt")),
                                       refuse_reason(Path("tanpa_ekstensi"))]
    for bad, parse in (("Juni?", manifest._int), ("2022-02-30", lambda t: manifest._date(t, False)),
                       ("bulan ketiga", manifest._month)):
        with pytest.raises(ValueError) as exc:
            parse(bad)
        texts.append(str(exc.value))
    assert [t for t in texts if _english(t)] == []
    assert manifest._month("Juni") == 6 and manifest._month("Nopember") == 11
