"""Following kegiatan from one quarter to the next, by name and by program.

Names are compared after folding case, punctuation and white space (so a page break in the middle of a
name does not matter), then by fuzzy similarity (rapidfuzz) for spelling variants such as
``Pelebagaan`` / ``Pelembagaan``. Pairs are taken best first, so an exact match always wins over a
near one; a kegiatan under a program of the same name scores higher than one elsewhere.
"""
from __future__ import annotations

import re
import unicodedata

from ..period import period_of
from .levels import normal_code

MIN_SCORE = 88.0
PROGRAM_BONUS = 5.0


def normalise(name: str) -> str:
    """``'Pelayanan  dan\\nRehabilitasi-Sosial '`` -> ``'pelayanan dan rehabilitasi sosial'``."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


def match_names(prev: list[tuple[str, str]], cur: list[tuple[str, str]],
                min_score: float = MIN_SCORE, prev_codes: list | None = None,
                cur_codes: list | None = None) -> dict[int, tuple[int, float]]:
    """Pair items of ``cur`` with items of ``prev``; items are ``(program, kegiatan)``.
    Where both carry a code (``prev_codes``/``cur_codes``), equal codes pair first.

    Returns ``{index in cur: (index in prev, name similarity 0..100)}`` for the pairs found.
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    if not prev or not cur:
        return {}
    out: dict[int, tuple[int, float]] = {}
    used_p: set[int] = set()
    # 0. the same code (sub kegiatan, kegiatan or akun), whatever the names say
    if prev_codes and cur_codes:
        by_code: dict[str, int] = {}
        for j, c in enumerate(prev_codes):
            if c:
                by_code.setdefault(c, j)
        for i, c in enumerate(cur_codes):
            j = by_code.get(c) if c else None
            if j is not None and j not in used_p:
                out[i] = (j, 100.0)
                used_p.add(j)
    if len(out) == len(cur):
        return out
    pn = [normalise(k) for _, k in prev]
    cn = [normalise(k) for _, k in cur]
    pp = [normalise(p) for p, _ in prev]
    cp = [normalise(p) for p, _ in cur]
    # 1. identical names, same program first, then in order (cheap, and always right)
    by_name: dict[str, list[int]] = {}
    for j, n in enumerate(pn):
        by_name.setdefault(n, []).append(j)
    for same_program in (True, False):
        for i, n in enumerate(cn):
            if i in out:
                continue
            for j in by_name.get(n, ()):
                if j not in used_p and (not same_program or pp[j] == cp[i]):
                    out[i] = (j, 100.0)
                    used_p.add(j)
                    break
    # 2. the rest by similarity, best pair first
    rest_c = [i for i in range(len(cur)) if i not in out]
    rest_p = [j for j in range(len(prev)) if j not in used_p]
    if rest_c and rest_p:
        scores = process.cdist([cn[i] for i in rest_c], [pn[j] for j in rest_p],
                               scorer=fuzz.ratio, score_cutoff=min_score)
        cands = []
        for a, b in zip(*np.nonzero(scores)):
            i, j = rest_c[a], rest_p[b]
            ratio = float(scores[a, b])
            bonus = PROGRAM_BONUS if cp[i] and cp[i] == pp[j] else 0.0
            cands.append((ratio + bonus, -abs(i - j), ratio, i, j))
        cands.sort(reverse=True)
        for _, _, ratio, i, j in cands:
            if i in out or j in used_p:
                continue
            used_p.add(j)
            out[i] = (j, ratio)
    return out


def follow_kegiatan(lines: list[dict]) -> list[dict]:
    """One agency's budget lines (records) with ``kegiatan_key`` and ``program_key``: the same key
    for the same kegiatan (program) in every period of a year, and ``match_score`` (name
    similarity with the period before), set on the records given (reconcile's own), which are
    returned.

    A kegiatan seen for the first time gets a new key; its program gets the key most of its
    kegiatan had the period before (so two programs of the same name stay apart)."""
    n = len(lines)
    years = [int(r["year"]) for r in lines]
    quarters = [int(r["quarter"]) for r in lines]
    months = [None if r["month"] is None else int(r["month"]) for r in lines]
    programs = [r["program"] for r in lines]
    kegiatan = [r["kegiatan"] if r["sub_kegiatan"] is None else
                f"{r['kegiatan']} / {r['sub_kegiatan']}" for r in lines]
    codes = [None if r["kode"] is None else normal_code(r["kode"]) for r in lines]
    program_no = [int(r["program_no"]) for r in lines]
    k_key: list[int | None] = [None] * n
    p_key: list[int | None] = [None] * n
    score: list[float | None] = [None] * n
    periods: dict[tuple, list[int]] = {}
    for i in range(n):
        periods.setdefault((years[i], months[i], quarters[i]), []).append(i)
    groups = {(k[0], period_of(*k).sort_key()): idx for k, idx in periods.items()}
    next_k, next_p = 1, 1
    prev_idx, prev_year = None, None
    for (year, _period), idx in sorted(groups.items()):
        if year != prev_year:
            prev_idx = None
        pairs = {}
        if prev_idx is not None:
            pairs = match_names([(programs[j], kegiatan[j]) for j in prev_idx],
                                [(programs[i], kegiatan[i]) for i in idx],
                                prev_codes=[codes[j] for j in prev_idx],
                                cur_codes=[codes[i] for i in idx])
        votes: dict[int, dict[int, int]] = {}
        for a, (b, _) in pairs.items():
            pk = p_key[prev_idx[b]]
            v = votes.setdefault(program_no[idx[a]], {})
            v[pk] = v.get(pk, 0) + 1
        prog_key: dict[int, int] = {}
        taken: set[int] = set()
        for pno in sorted(votes, key=lambda p: -max(votes[p].values())):
            best = max(votes[pno].items(), key=lambda kv: kv[1])[0]
            if best not in taken:
                prog_key[pno] = best
                taken.add(best)
        next_p = max([next_p] + [k + 1 for k in prog_key.values()])
        for i in idx:
            if program_no[i] not in prog_key:
                prog_key[program_no[i]] = next_p
                next_p += 1
        for a, i in enumerate(idx):
            if a in pairs:
                b, s = pairs[a]
                k_key[i] = k_key[prev_idx[b]]
                score[i] = s
            else:
                k_key[i] = next_k
                next_k += 1
            p_key[i] = prog_key[program_no[i]]
        prev_idx, prev_year = idx, year
    for r, k, p, s in zip(lines, k_key, p_key, score):  # reconcile's own records: no copy
        r["kegiatan_key"], r["program_key"], r["match_score"] = k, p, s
    return lines
