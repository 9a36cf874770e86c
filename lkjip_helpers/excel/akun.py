"""Account codes (kode rekening / akun) and where a row sits by its code.

``5`` Belanja Daerah → ``5.1`` Belanja Operasi → ``5.1.02`` → … → ``5.1.02.01.01.0024``;
``4`` Pendapatan, ``5`` Belanja, ``6`` Pembiayaan. A row's parent is the nearest code above it in the
same sheet that is a prefix of it by whole segments. Codes are placed by their codes, never by sums.
"""
from __future__ import annotations

import re
from functools import lru_cache

_AKUN = re.compile(r"^[4-6](?:\.\d{1,4}){0,5}$")
_SPACE = re.compile(r"\s+")
JENIS = {"4": "pendapatan", "5": "belanja", "6": "pembiayaan"}


def normalise_akun(text) -> str | None:
    """``' 5.1. '`` -> ``'5.1'``; None when the text is not an account code."""
    if text is None:
        return None
    if isinstance(text, float) and text.is_integer():
        text = str(int(text))
    return _akun_of_text(text if type(text) is str else str(text))


@lru_cache(maxsize=8192)  # a pure function of the text; a kabupaten repeats the same few hundred
def _akun_of_text(text: str) -> str | None:
    code = _SPACE.sub("", text).strip(".")
    return code if _AKUN.match(code) else None


def jenis_of(code: str) -> str:
    return JENIS[code.split(".")[0]]


def ancestors(code: str) -> list[str]:
    """``5.1.02`` -> ``['5.1', '5']`` (nearest first)."""
    parts = code.split(".")
    return [".".join(parts[:k]) for k in range(len(parts) - 1, 0, -1)]


@lru_cache(maxsize=8192)
def _ancestors(code: str) -> tuple[str, ...]:
    return tuple(ancestors(code))


def place(codes: list[str]) -> dict[str, str | None]:
    """Each code's parent among ``codes`` (the nearest ancestor present), None at the top."""
    present = set(codes)
    return {c: next((a for a in _ancestors(c) if a in present), None) for c in codes}
