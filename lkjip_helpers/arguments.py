"""argparse in Bahasa Indonesia: the ``lkjip`` command's usage line, help sections and argument
errors speak the console's one language.

argparse's own texts ("usage:", "options", "show this help message and exit", "the following
arguments are required") come from ``gettext`` with no Indonesian catalogue; rather than switch
the process's gettext domain (global state), the parser here names its sections, adds its own
``--help``, writes its usage prefix, and turns argparse's few error sentences into Indonesian
before printing the one line.
"""
from __future__ import annotations

import argparse
import re

from .safe import printable

USAGE = "cara pakai: "
HELP = "tampilkan bantuan ini lalu keluar"
VERSION = "tampilkan versi program lalu keluar"

# argparse's error sentences (Python 3.10-3.13), in the order they are tried
_ERRORS = [
    (r"the following arguments are required: (.*)", r"argumen wajib belum diberikan: \1"),
    (r"one of the arguments (.*) is required", r"salah satu dari \1 wajib diberikan"),
    (r"unrecognized arguments: (.*)", r"argumen tidak dikenal: \1"),
    (r"invalid choice: (.*) \(choose from (.*)\)", r"pilihan \1 tidak ada (pilih salah satu: \2)"),
    (r"invalid int value: (.*)", r"\1 bukan bilangan bulat"),
    (r"invalid float value: (.*)", r"\1 bukan angka"),
    (r"invalid \S+ value: (.*)", r"nilai \1 tidak dapat dipakai"),
    (r"expected one argument", "memerlukan satu nilai"),
    (r"expected at most one argument", "paling banyak satu nilai"),
    (r"expected at least one argument", "memerlukan paling sedikit satu nilai"),
    (r"expected (\d+) arguments?", r"memerlukan \1 nilai"),
    (r"not allowed with argument (.*)", r"tidak boleh dipakai bersama \1"),
    (r"ambiguous option: (\S+) could match (.*)", r"opsi \1 ambigu: bisa \2"),
    (r"ignored explicit argument (.*)", r"nilai \1 tidak dipakai opsi ini"),
    (r"unexpected option string: (.*)", r"opsi \1 tidak diharapkan di sini"),
]


def indonesian(message: str) -> str:
    """One of argparse's error messages in Bahasa Indonesia (ours, already Indonesian, kept)."""
    head = ""
    m = re.fullmatch(r"argument (\S+): (.*)", message, re.S)
    if m:
        head, message = f"argumen {m.group(1)}: ", m.group(2)
    for pattern, replacement in _ERRORS:
        if re.fullmatch(pattern, message, re.S):
            return head + re.sub(pattern, replacement, message, flags=re.S)
    return head + message


class Formatter(argparse.HelpFormatter):
    """Help in Bahasa Indonesia: the usage line's prefix."""

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, USAGE if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """An argument parser that speaks Bahasa Indonesia; bad arguments exit 2 with one line (and
    where to read the usage). Its subcommands' parsers are of this class too."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", Formatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "argumen"
        self._optionals.title = "opsi"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help=HELP)

    def error(self, message: str):
        self.exit(2, printable(f"{self.prog}: {indonesian(message)} (lihat {self.prog} --help)")
                  + "\n")
