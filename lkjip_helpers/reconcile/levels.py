"""Parents against their children, by code: ``LEVEL_SUM_MISMATCH``.

A row with a code (akun ``5`` over ``5.1``–``5.4``; program ``1.06.02`` over its kegiatan
``1.06.02.2.01`` over its sub kegiatan ``1.06.02.2.01.0001``) is placed under the nearest code above
it in the same sheet; a parent whose pagu or realisasi is not the sum of its children is an error,
naming both the parent's cell and the children's cells.
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from ..excel.akun import ancestors, normalise_akun
from ..excel.codes import hierarchy
from ..numbers import is_missing, within_rounding
from .findings import Finding, rp


@lru_cache(maxsize=4096)  # a pure function of the code; a kabupaten repeats the same few hundred
def code_ancestors(code: str) -> tuple[str, ...]:
    """Nearest first: akun ``5.1.02`` -> ``5.1, 5``; sub kegiatan ``1.06.02.2.01.0001`` ->
    ``1.06.02.2.01, 1.06.02``; kegiatan ``1.06.02.2.01`` -> ``1.06.02``."""
    if normalise_akun(code) == code:
        return tuple(ancestors(code))
    sub = hierarchy(code)
    if sub is not None:
        return (sub[1], sub[0])
    keg = hierarchy(code + ".0000")
    if keg is not None and keg[1] == code:
        return (keg[0],)
    return ()


@lru_cache(maxsize=4096)
def normal_code(code: str) -> str:
    """A code as matched: Permendagri variants (``1.06.02.02.01``) folded, akun codes as they are."""
    sub = hierarchy(code)
    if sub is not None:
        return sub[2]
    keg = hierarchy(code + ".0000")
    return keg[1] if keg is not None else code


def level_checks(lines: list[dict], stated: list[dict], period: dict) -> list[Finding]:
    """LEVEL_SUM_MISMATCH for one sheet's coded rows (records as in the tidy tables)."""
    nodes: dict[str, dict] = {}
    for r in list(lines) + [s for s in stated if s.get("kode")]:
        if r.get("kode"):
            nodes.setdefault(normal_code(r["kode"]), r)
    parents = {s.get("kode") and normal_code(s["kode"]) for s in stated if s.get("kode")}
    children: dict[str, list[dict]] = {}
    for code, r in nodes.items():
        up = next((a for a in code_ancestors(code) if a in nodes), None)
        if up is not None:
            children.setdefault(up, []).append(r)
    out = []
    for code in sorted(c for c in parents if c in children):
        p = nodes[code]
        kids = children[code]
        # amounts stated "dalam ribuan": a parent agrees within the rounding its rows carry
        unit = max((int(u) for u in [p.get("unit")] + [k.get("unit") for k in kids]
                    if u is not None and not is_missing(u)), default=1)
        for field in ("pagu", "realisasi"):
            want = sum((k[field] for k in kids), Decimal(0))
            if p[field] is None or within_rounding(p[field], want, len(kids), unit):
                continue
            kids = sorted(kids, key=lambda k: _row_of(k.get("pagu_cell")))  # in sheet order
            cells = ", ".join(k[f"{field}_cell"] for k in kids if k.get(f"{field}_cell"))
            label = p.get("label") or p.get("kegiatan") or ""
            out.append(Finding(
                "LEVEL_SUM_MISMATCH", "error",
                f"{field.capitalize()} {code} '{label}' tertulis {rp(p[field])} "
                f"({p[f'{field}_cell']}), padahal jumlah {len(kids)} rincian di bawahnya "
                f"({cells}) {rp(want)} (selisih {rp(p[field] - want)}).",
                **period, field=field, stated=p[field], computed=want,
                kegiatan=label, source_file=p["source_file"], source_sheet=p["source_sheet"],
                source_cell=p[f"{field}_cell"]))
    return out


def _row_of(cell) -> int:
    digits = "".join(ch for ch in str(cell or "") if ch.isdigit())
    return int(digits or 0)
