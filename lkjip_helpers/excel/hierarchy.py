"""Telling program rows from kegiatan rows by the numbers.

A sheet interleaves program rows (subtotals) and kegiatan rows with no level column, and formatting
(bold) cannot be trusted. A program row's pagu is the sum of the pagu of the kegiatan below it, up to the
next program. We choose the split of the rows into blocks ``[program, kegiatan, …]`` that makes the most
blocks add up, by pagu first and realisasi second, so that one wrong subtotal does not break the rest.
Realisasi that does not add up is a finding of the reconcile step, never a reason to change the split.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal  # noqa: F401  (inputs are Decimals)


@dataclass(frozen=True)
class Split:
    """``programs``: indices of program rows; ``parent[i]``: the program row of row i
    (itself for a program row). ``alternatives``: how many splits score as well (1 = unique)."""

    programs: list[int]
    parent: list[int]
    matched_pagu: int
    alternatives: int


def infer_hierarchy(pagu: list[Decimal], realisasi: list[Decimal]) -> Split:
    """Split rows into program blocks; see the module docstring.

    Score of a split: (blocks whose pagu adds up, blocks whose realisasi adds up); the best wins.
    Ties are counted (``alternatives``) on the pagu score alone; among equal pagu scores the realisasi
    score decides, then the split with fewer, longer blocks.
    """
    n = len(pagu)
    if n == 0:
        return Split([], [], 0, 1)
    pagu = [int(p * 100) for p in pagu]  # whole sen: exact, and integer sums are fast
    realisasi = [int(r * 100) for r in realisasi]
    split = _search(pagu, realisasi, lone=False)
    if split is None or split.matched_pagu < len(split.programs):
        # a block does not add up: a program without kegiatan (a lone row) may be why. Taken only
        # when it makes more blocks add up, so it never competes with an ordinary split.
        with_lone = _search(pagu, realisasi, lone=True)
        if split is None or with_lone.matched_pagu > split.matched_pagu:
            return with_lone
    return split


def _search(pagu: list[int], realisasi: list[int], lone: bool) -> Split | None:
    """The best split (None when there is none: a single row without ``lone``)."""
    n = len(pagu)
    pre_p = [0]
    pre_r = [0]
    for p, r in zip(pagu, realisasi):
        pre_p.append(pre_p[-1] + p)
        pre_r.append(pre_r[-1] + r)
    # best[i]: best score for rows i..n-1 split into blocks: (pagu matches, realisasi matches,
    # -blocks); count[i]: number of splits reaching the best pagu score; nxt[i]: end of first block.
    # A block i..j-1 (program row i) scores a match when its kegiatan add up; the candidates for
    # the end j are the matching ends (looked up by prefix sum) and the best end overall
    # (a suffix maximum), so the whole search is linear in the number of rows.
    NEG = (-1, -1, -(10 ** 9))
    best: list[tuple[int, int, int]] = [NEG] * (n + 1)
    count = [0] * (n + 1)
    nxt = [0] * (n + 1)
    best[n] = (0, 0, 0)
    count[n] = 1
    ends_p: dict[int, list[int]] = {}
    ends_r: dict[int, list[int]] = {}
    suf_best, suf_j = NEG, n + 1      # max of best[j] over j >= i+2, and where
    suf_pagu, suf_count = -1, 0       # max of best[j][0] over j >= i+2, and how many splits
    for i in range(n - 1, -1, -1):
        j_new = i + 2
        if j_new <= n and best[j_new] != NEG:
            ends_p.setdefault(pre_p[j_new], []).append(j_new)
            ends_r.setdefault(pre_r[j_new], []).append(j_new)
            if best[j_new] > suf_best:
                suf_best, suf_j = best[j_new], j_new
            if best[j_new][0] > suf_pagu:
                suf_pagu, suf_count = best[j_new][0], count[j_new]
            elif best[j_new][0] == suf_pagu:
                suf_count += count[j_new]
        single = lone and _single_allowed(i, n, nxt, pre_p, pre_r, pagu, realisasi)
        if suf_j > n and not single:
            continue
        matches_p = ends_p.get(pre_p[i + 1] + pagu[i], [])
        matches_r = ends_r.get(pre_r[i + 1] + realisasi[i], [])
        cand_best = NEG
        cands = {j for j in (suf_j, *matches_p, *matches_r) if j <= n}
        if single:
            cands.add(i + 1)
        for j in cands:
            rest = best[j]
            alone = j == i + 1  # a program without kegiatan never scores a match itself
            mp = int(not alone and pre_p[j] - pre_p[i + 1] == pagu[i])
            mr = int(not alone and pre_r[j] - pre_r[i + 1] == realisasi[i])
            score = (rest[0] + mp, rest[1] + mr, rest[2] - 1)
            if score > cand_best or (score == cand_best and j > nxt[i]):
                cand_best, nxt[i] = score, j
        single_pagu = best[i + 1][0] if single else -1
        best_pagu = max(suf_pagu, single_pagu,
                        max((best[j][0] + 1 for j in matches_p), default=-1))
        total = suf_count if suf_pagu == best_pagu else 0
        total += sum(count[j] for j in matches_p if best[j][0] + 1 == best_pagu)
        total += count[i + 1] if single and single_pagu == best_pagu else 0
        best[i], count[i] = cand_best, total
    if best[0] == NEG:
        return None
    programs, parent = [], [0] * n
    i = 0
    while i < n:
        j = nxt[i]
        programs.append(i)
        for k in range(i, j):
            parent[k] = i
        i = j
    return Split(programs, parent, best[0][0], count[0])


def _single_allowed(i, n, nxt, pre_p, pre_r, pagu, realisasi) -> bool:
    """May row i be a program without kegiatan (a block of one row)? Only as the last row, or
    when the block after it adds up in pagu and realisasi both: a lone row never scores a match
    itself, so it is chosen only where it lets its neighbours add up."""
    k = i + 1
    if k == n:
        return True
    j = nxt[k]
    return j - k >= 2 and pre_p[j] - pre_p[k + 1] == pagu[k] and \
        pre_r[j] - pre_r[k + 1] == realisasi[k]
