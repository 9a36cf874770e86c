"""Findings about an agency's series of periods as a whole: ``DUPLICATE_PERIOD`` (two files for
one period), ``STALE_REPEAT`` (a month whose figures are the month before's), ``MISSING_PERIOD``
(a period the agency lacks though it had the periods around it, or others have it)."""
from __future__ import annotations

from decimal import Decimal

from ..period import Agency, Period, period_columns
from .findings import Finding, rp
from .records import by_period


def duplicate_finding(d) -> Finding:
    others = "; ".join(d.others)
    return Finding(
        "DUPLICATE_PERIOD", "warning",
        f"{d.period.long_label} ada di lebih dari satu berkas: dipakai {d.used} ({d.why}); "
        f"tidak dipakai {others}. Selisih belanja (dipakai − tidak dipakai): pagu "
        f"{rp(d.pagu_difference)}, realisasi {rp(d.realisasi_difference)}.",
        **period_columns(d.period), agency_code=d.agency.code, agency_name=d.agency.name,
        unit="Rp", field="realisasi", difference=d.realisasi_difference,
        source_file=d.used.split(", sheet ")[0], source_sheet=_sheet(d.used))


def _sheet(text: str) -> str | None:
    return text.split(", sheet ", 1)[1].strip("'") if ", sheet " in text else None


def _periods(lines: list[dict]) -> dict[tuple[str, str], dict[Period, list[dict]]]:
    """``{(agency_code, agency_name): {period: records}}``, periods in order."""
    order: dict[tuple[str, str], dict] = {}  # agencies in order of their first row
    for r in lines:
        order.setdefault((r["agency_code"], r["agency_name"]), {})
    for (who, p), g in by_period(lines, lambda r: (r["agency_code"], r["agency_name"])).items():
        order[who][p] = g  # periods in order
    return order


def _figures(g: list[dict]) -> list[tuple]:
    ident = [r["kode"] if r["kode"] is not None else f"{r['program']}|{r['kegiatan']}" for r in g]
    return sorted(zip(ident, (r["pagu"] for r in g), (r["realisasi"] for r in g)))


def _sum(g: list[dict], field: str) -> Decimal:
    return sum((r[field] for r in g), Decimal(0))


def stale_repeats(lines: list[dict]) -> list[Finding]:
    """A month (of a monthly source) whose every line has the same pagu and realisasi as the
    month before, with some realisasi: likely last month's file uploaded again. ``lines``: the
    spending lines (records)."""
    out = []
    for (code, name), by_p in _periods(lines).items():
        ps = list(by_p)
        for prev, cur in zip(ps, ps[1:]):
            if cur.kind != "M" or prev.kind != "M" or prev.year != cur.year:
                continue
            a, b = by_p[prev], by_p[cur]
            if _sum(b, "realisasi") == 0 or _figures(a) != _figures(b):
                continue
            first = b[0]
            out.append(Finding(
                "STALE_REPEAT", "warning",
                f"Angka {cur.long_label} sama persis dengan {prev.long_label} ({len(b)} baris; "
                f"realisasi {rp(_sum(b, 'realisasi'))}): kemungkinan berkas bulan lalu diunggah "
                f"ulang. Periksa apakah {cur.label} sudah dilaporkan.",
                **period_columns(cur), agency_code=code, agency_name=name, unit="Rp",
                field="realisasi", stated=_sum(b, "realisasi"), computed=_sum(a, "realisasi"),
                source_file=first["source_file"], source_sheet=first["source_sheet"]))
    return out


def missing_periods(lines: list[dict]) -> list[Finding]:
    """Per agency and year: a month (or quarter) missing between its first and last, or one that
    other agencies of the run have. ``lines``: the spending lines of every agency (records)."""
    series = _periods(lines)
    have: dict[tuple[int, str], set[int]] = {}
    for by_p in series.values():
        for p in by_p:
            have.setdefault((p.year, p.kind), set()).add(p.n)
    out = []
    for (code, name), by_p in series.items():
        mine: dict[tuple[int, str], set[int]] = {}
        for p in by_p:
            mine.setdefault((p.year, p.kind), set()).add(p.n)
        for (year, kind), ns in mine.items():
            gaps = set(range(min(ns), max(ns) + 1)) - ns
            others = have[(year, kind)] - ns - gaps
            for n in sorted(gaps | others):
                p = Period(year, kind, n)
                why = ("padahal periode sebelum dan sesudahnya ada" if n in gaps else
                       "padahal instansi lain dalam run ini memilikinya")
                out.append(Finding(
                    "MISSING_PERIOD", "warning",
                    f"{Agency(code, name).label}: tidak ada laporan {p.long_label}, {why}.",
                    **period_columns(p), agency_code=code, agency_name=name, unit=""))
    return out
