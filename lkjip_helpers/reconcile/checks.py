"""Checks within one quarter's sheet: subtotals, the Total row, footers, percentages, periods."""
from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd

from ..excel.matrix import source_label as _cell  # "K10 (baris ke-3)"
from ..excel.period import quarter_in, year_in
from ..numbers import percent_matches, percent_within_rounding, within_rounding
from .findings import Finding, pct, rp, tw

_REALISASI = re.compile(r"realisasi", re.I)
_PAGU = re.compile(r"anggaran|pagu", re.I)


def _src(row) -> dict:
    return {"source_file": row["source_file"], "source_sheet": row["source_sheet"]}


def sheet_checks(lines: list[dict], stated: list[dict], year: int, quarter: int
                 ) -> list[Finding]:
    """All checks on one sheet's lines and stated totals (records, as ``to_dict("records")``)."""
    out: list[Finding] = []
    period = {"year": year, "quarter": quarter}
    spend = [r for r in lines if r.get("jenis", "belanja") == "belanja"]
    true_pagu = sum((r["pagu"] for r in spend), Decimal(0))
    true_real = sum((r["realisasi"] for r in spend), Decimal(0))
    programs = [s for s in stated if s["kind"] == "program"]
    sums: dict[int, dict[str, Decimal]] = {}
    for r in lines:
        acc = sums.setdefault(int(r["program_no"]), {"pagu": Decimal(0), "realisasi": Decimal(0),
                                                     "rows": 0})
        acc["pagu"] += r["pagu"]
        acc["realisasi"] += r["realisasi"]
        acc["rows"] += 1
    units = {r.get("unit") for r in lines} | {r.get("unit") for r in stated}
    unit = max((int(u) for u in units if u is not None and not pd.isna(u)), default=1)

    for p in programs:
        no = int(p["program_no"])
        for field, label in (("pagu", "Pagu"), ("realisasi", "Realisasi")):
            want = sums.get(no, {}).get(field, Decimal(0))
            if p[field] is None:  # an error value: unknown, a MISSING_VALUE finding of its own
                continue
            if not within_rounding(p[field], want, sums.get(no, {}).get("rows", 0), unit):
                out.append(Finding(
                    "SUBTOTAL_MISMATCH", "error",
                    f"{label} program '{p['label']}' tertulis {rp(p[field])}, padahal jumlah "
                    f"kegiatannya {rp(want)} (selisih {rp(p[field] - want)}).",
                    **period, program_no=no, program=p["label"], field=field,
                    stated=p[field], computed=want, **_src(p),
                    source_cell=_cell(p[f"{field}_cell"], p["source_part"])))

    totals = [s for s in stated if s["kind"] == "total"]
    program_sum = {f: sum((p[f] for p in programs if p[f] is not None), Decimal(0))
                   for f in ("pagu", "realisasi")}
    for t in totals:
        for field, want in (("pagu", true_pagu), ("realisasi", true_real)):
            if t[field] is None:  # unknown (see above)
                continue
            if not within_rounding(t[field], want, len(lines), unit):
                cause = (" Angka Total sama dengan jumlah baris program, jadi kesalahan subtotal "
                         "program ikut terbawa." if t[field] == program_sum[field] else "")
                out.append(Finding(
                    "TOTAL_MISMATCH", "error",
                    f"Baris Total menulis {field} {rp(t[field])}, padahal jumlah seluruh kegiatan "
                    f"{rp(want)} (selisih {rp(t[field] - want)}).{cause}",
                    **period, field=field, stated=t[field], computed=want, **_src(t),
                    source_cell=t[f"{field}_cell"]))

    total_row = totals[0] if totals else None
    for f in stated:
        if f["kind"] == "footer":
            out.extend(_footer(f, total_row, true_pagu, true_real, year, quarter,
                               len(lines), unit))

    for records, kind in ((lines, "kegiatan"), (programs, "program")):
        for r in records:
            out.extend(_percent_and_limits(r, kind, year, quarter, unit))
    out.extend(_duplicates(lines, period))
    return out


def _duplicates(lines: list[dict], period: dict) -> list[Finding]:
    """A line written twice in one program with the same amounts (a row copied): both are summed,
    as the sheet says, and the copy is named."""
    seen: dict[tuple, dict] = {}
    out = []
    for r in lines:
        if not r["pagu"] and not r["realisasi"]:
            continue  # empty lines alike are no copy
        key = (r.get("program_no"), " ".join(str(r.get("kegiatan") or "").lower().split()),
               r.get("sub_kegiatan"), r.get("kode"), r["pagu"], r["realisasi"])
        first = seen.setdefault(key, r)
        if first is r:
            continue
        out.append(Finding(
            "DUPLICATE_LINE", "warning",
            f"Kegiatan '{r['kegiatan']}' tertulis dua kali di program {r.get('program_no')} "
            f"dengan pagu {rp(r['pagu'])} dan realisasi {rp(r['realisasi'])} "
            f"({_cell(first['pagu_cell'], first.get('source_part'))} dan "
            f"{_cell(r['pagu_cell'], r.get('source_part'))}): keduanya dijumlahkan; bila salinan, "
            "hapus salah satunya.", **period, program_no=r.get("program_no"),
            kegiatan=r["kegiatan"], field="pagu", **_src(r),
            source_cell=_cell(r["pagu_cell"], r.get("source_part"))))
    return out


def _footer(f, total_row, true_pagu, true_real, year, quarter, rows=0, unit=1) -> list[Finding]:
    label = f["label"]
    named_q, named_y = quarter_in(label), year_in(label)
    base = {"year": year, "quarter": quarter, "source_file": f["source_file"],
            "source_sheet": f["source_sheet"], "source_cell": f["amount_cell"]}
    field = "realisasi" if _REALISASI.search(label) else ("pagu" if _PAGU.search(label) else None)
    if field is None or f["amount"] is None:
        return []
    true = true_real if field == "realisasi" else true_pagu
    if (named_q is not None and named_q != quarter) or (named_y is not None and named_y != year):
        named = " ".join(x for x in ((tw(named_q) if named_q else ""),
                                     (str(named_y) if named_y else "")) if x)
        return [Finding(
            "PERIOD_MISMATCH", "error",
            f"Catatan kaki '{label}' menyebut {named}, padahal lembar ini {tw(quarter)} {year}; "
            f"angkanya {rp(f['amount'])} bukan {field} lembar ini ({rp(true)}).",
            field=field, stated=f["amount"], computed=true, **base)]
    stated_total = total_row[field] if total_row is not None else None
    if within_rounding(f["amount"], true, rows, unit) and (
            stated_total is None or within_rounding(stated_total, true, rows, unit)):
        return []
    if not within_rounding(f["amount"], true, rows, unit):
        severity = "error"
        detail = (f"jumlah kegiatan sebenarnya {rp(true)}" +
                  ("" if stated_total is None or stated_total == true else
                   f" dan baris Total menulis {rp(stated_total)}" if f["amount"] != stated_total
                   else "; angka ini menyalin baris Total yang juga salah"))
    else:  # the footer is right; the Total row is the cell to fix (TOTAL_MISMATCH)
        severity = "info"
        detail = f"sama dengan jumlah kegiatan sebenarnya, tetapi baris Total menulis " \
                 f"{rp(stated_total)}"
    return [Finding("FOOTER_MISMATCH", severity,
                    f"Catatan kaki '{label}' menulis {rp(f['amount'])}; {detail}.",
                    field=field, stated=f["amount"], computed=true, **base)]


def _percent_and_limits(r, kind: str, year: int, quarter: int, unit: int = 1) -> list[Finding]:
    # a source without pagu (a long table with no pagu column) gives 0 and no cell
    has_pagu = isinstance(r.get("pagu_cell"), str) or r["pagu"] != 0
    no_capaian = r["capaian_cell"] is None or pd.isna(r["capaian_cell"]) or not has_pagu
    if no_capaian and not (kind == "kegiatan" and has_pagu and r["realisasi"] > r["pagu"]):
        return []  # nothing to check (most lines): no message made
    out = []
    if r["pagu"] is None or r["realisasi"] is None:  # unknown: nothing to check it against
        return out
    name = r["kegiatan"] if kind == "kegiatan" else r["label"]
    who = {"program_no": int(r["program_no"]),
           "program": r["program"] if kind == "kegiatan" else r["label"],
           "kegiatan": name if kind == "kegiatan" else None}
    base = {"year": year, "quarter": quarter, **who, "source_file": r["source_file"],
            "source_sheet": r["source_sheet"]}
    part = r["source_part"]
    cap = r["capaian"]
    if no_capaian:
        pass  # the layout has no capaian column, or no pagu to check it against
    elif cap is None or pd.isna(cap):
        out.append(Finding("MISSING_VALUE", "info",
                           f"Capaian (%) {kind} '{name}' kosong; dihitung "
                           f"{pct(_ratio(r['realisasi'], r['pagu']))}.",
                           field="capaian", unit="%", computed=_ratio(r["realisasi"], r["pagu"]),
                           **base, source_cell=_cell(r["capaian_cell"], part)))
    else:
        decimals = int(r["capaian_decimals"])
        if not percent_matches(Decimal(cap), decimals, r["realisasi"], r["pagu"]) and \
                not percent_within_rounding(Decimal(cap), decimals, r["realisasi"], r["pagu"], unit):
            exact = _ratio(r["realisasi"], r["pagu"])
            out.append(Finding(
                "PERCENT_MISMATCH", "error",
                f"Capaian {kind} '{name}' tertulis {pct(cap, decimals)}, padahal "
                f"{rp(r['realisasi'])} / {rp(r['pagu'])} = {pct(exact, max(decimals, 2))}.",
                field="capaian", unit="%", stated=Decimal(cap), computed=exact, **base,
                source_cell=_cell(r["capaian_cell"], part)))
    if kind == "kegiatan" and r.get("jenis", "belanja") == "belanja" and has_pagu \
            and r["realisasi"] > r["pagu"]:
        out.append(Finding(
            "REALISASI_EXCEEDS_PAGU", "error",
            f"Realisasi kegiatan '{name}' {rp(r['realisasi'])} melebihi pagunya {rp(r['pagu'])} "
            f"({pct(_ratio(r['realisasi'], r['pagu']))}).",
            field="realisasi", stated=r["realisasi"], computed=r["pagu"], **base,
            source_cell=_cell(r["realisasi_cell"], part)))
    return out


def _ratio(num, den) -> Decimal | None:
    if den == 0:
        return None
    return (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.0001"))
