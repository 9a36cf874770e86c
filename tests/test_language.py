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
