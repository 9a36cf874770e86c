"""Telling program rows from kegiatan rows by the numbers.

A sheet interleaves program rows (subtotals) and kegiatan rows with no level column, and formatting
(bold) cannot be trusted. A program row's pagu is the sum of the pagu of the kegiatan below it, up to the
next program. We choose the split of the rows into blocks ``[program, kegiatan, …]`` that makes the most
blocks add up, by pagu first and realisasi second, so that one wrong subtotal does not break the rest.
Realisasi that does not add up is a finding of the reconcile step, never a reason to change the split.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


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
    pre_p = [Decimal(0)]
    pre_r = [Decimal(0)]
    for p, r in zip(pagu, realisasi):
        pre_p.append(pre_p[-1] + p)
        pre_r.append(pre_r[-1] + r)
    # best[i]: best score for rows i..n-1 split into blocks: (pagu matches, realisasi matches,
    # -blocks); count[i]: number of splits reaching the best pagu score; nxt[i]: end of first block
    NEG = (-1, -1, -(10 ** 9))
    best: list[tuple[int, int, int]] = [NEG] * (n + 1)
    count = [0] * (n + 1)
    nxt = [0] * (n + 1)
    best[n] = (0, 0, 0)
    count[n] = 1
    for i in range(n - 1, -1, -1):
        cand_best = NEG
        cand_count = 0
        best_pagu = -1
        for j in range(i + 2, n + 1):  # block = program row i, kegiatan rows i+1..j-1
            rest = best[j]
            if rest == NEG:
                continue
            mp = int(pre_p[j] - pre_p[i + 1] == pagu[i])
            mr = int(pre_r[j] - pre_r[i + 1] == realisasi[i])
            score = (rest[0] + mp, rest[1] + mr, rest[2] - 1)
            if score[0] > best_pagu:
                best_pagu, cand_count = score[0], count[j]
            elif score[0] == best_pagu:
                cand_count += count[j]
            if score > cand_best:
                cand_best, nxt[i] = score, j
        best[i], count[i] = cand_best, cand_count
    programs, parent = [], [0] * n
    i = 0
    if best[0] == NEG:  # a single row: a program without kegiatan
        return Split([0], [0], 0, 1)
    while i < n:
        j = nxt[i]
        programs.append(i)
        for k in range(i, j):
            parent[k] = i
        i = j
    return Split(programs, parent, best[0][0], count[0])
