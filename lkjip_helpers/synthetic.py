"""A made kabupaten: monthly series of many SKPD over several years, for the projection's backtest,
the pemda report's tests and the scale benchmarks. Nothing here is real data; it is shaped on what
the real series show (``docs/projection.md``): back-loaded spending (the median SKPD of a real
kabupaten had spent 35% by June and 65% by November), a December rush, an APBD Perubahan around
September that moves some pagu up or down, plans (anggaran kas) that run ahead of spending, now and
then a month uploaded twice or not at all. Seeded: the same arguments give the same kabupaten.
"""
from __future__ import annotations

import math
import random
from decimal import Decimal

from .projection import MonthlySeries

KINDS = ("Dinas", "Badan", "Kecamatan", "RSUD", "Satuan", "Kantor")


def _curve(rng: random.Random, gamma: float) -> list[float]:
    """Cumulative shares of the year's spending, month 1..12, ending at 1: a power curve with
    noisy monthly increments."""
    base = [(k / 12) ** gamma for k in range(13)]
    inc = [(base[k] - base[k - 1]) * math.exp(rng.gauss(0, 0.35)) for k in range(1, 13)]
    total = sum(inc)
    out, acc = [], 0.0
    for x in inc:
        acc += x / total
        out.append(acc)
    out[-1] = 1.0
    return out


def agencies(n: int, seed: int = 1) -> list[dict]:
    """The SKPD of the made kabupaten with their lasting traits: name, code, pagu (lognormal
    around Rp 15 miliar, a few hospitals far above), how late they spend, how much of the pagu
    they usually spend, and whether they keep a cash plan."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind = KINDS[i % len(KINDS)]
        scale = 8.0 if kind == "RSUD" else 0.25 if kind == "Kecamatan" else 1.0
        pagu = round(math.exp(rng.gauss(math.log(15e9 * scale), 0.6)), -3)
        out.append({"agency": f"{i + 1:02d} {kind} {i + 1:02d}", "code": f"1.{i + 1:02d}.0.00.0.00.01.0000",
                    "pagu": pagu, "gamma": rng.uniform(1.0, 2.3),
                    "final": rng.uniform(0.72, 0.98), "has_plan": rng.random() < 0.6})
    return out


def kabupaten(n: int = 50, years: tuple[int, ...] = (2023, 2024), seed: int = 1,
              quirks: bool = True) -> list[MonthlySeries]:
    """One :class:`MonthlySeries` per SKPD per year (12 months). ``quirks``: some months repeat
    the previous upload and a few are missing, as in real upload sets."""
    traits = agencies(n, seed)
    out = []
    for year in years:
        rng = random.Random(seed * 1000 + year)
        shock = rng.gauss(0, 0.03)                       # a year that is late for everyone
        lateness = rng.gauss(0, 0.15)
        for t in traits:
            pagu0 = t["pagu"] * math.exp(rng.gauss(0, 0.1))
            change_at = rng.choice((9, 10)) if rng.random() < 0.5 else None
            pagu1 = pagu0 * (1 + rng.uniform(-0.15, 0.1)) if change_at else pagu0
            final = min(max(t["final"] + shock + rng.gauss(0, 0.04), 0.3), 1.0)
            curve = _curve(rng, max(t["gamma"] + lateness + rng.gauss(0, 0.15), 0.8))
            pagu, real, plan = {}, {}, {}
            for k in range(1, 13):
                p = pagu1 if change_at and k >= change_at else pagu0
                pagu[k] = Decimal(round(p))
                real[k] = Decimal(round(min(final * curve[k - 1] * pagu1, p)))
                if t["has_plan"]:
                    plan[k] = Decimal(round(p * (k / 12) ** max(t["gamma"] - 0.4, 0.8)))
            if quirks:
                r = rng.random()
                if r < 0.08:                             # a month uploaded again unchanged
                    k = rng.randint(3, 11)
                    real[k] = real[k - 1]
                    pagu[k] = pagu[k - 1]
                elif r < 0.12:                           # a month not uploaded
                    real.pop(rng.randint(2, 11))
            out.append(MonthlySeries(t["agency"], year, pagu, real, plan))
    return out


ROMAN = ("I", "II", "III", "IV")
HEADER = [["NO", "Sasaran strategis", "Indikator Kinerja", "Target", "Realisasi", "Capaian (%)",
           "Program / Kegiatan", "Anggaran", None, None],
          [None, None, None, None, None, None, None, "Pagu", "Realisasi", "Capaian (%)"]]
SHARES = ((1, 3), (2, 3))          # each program is 1/3 and 2/3 of the pagu; each kegiatan half


def _split(amount: Decimal, parts: int) -> list[Decimal]:
    """Whole rupiah parts that add up exactly to ``amount`` (the last takes the remainder)."""
    each = (amount / parts).to_integral_value(rounding="ROUND_FLOOR")
    return [each] * (parts - 1) + [amount - each * (parts - 1)]


def _capaian(real: Decimal, pagu: Decimal) -> str:
    from .numbers import format_percent

    return format_percent(real / pagu * 100) if pagu else "-"


def quarter_rows(s: MonthlySeries, quarter: int, name: str, code: str = "") -> list[list]:
    """The "Pengukuran Kinerja" sheet of one quarter, naming its SKPD (unit code and name) above
    the table, figures from the series at the quarter's last month: two programs, two kegiatan
    each, numbers that add up."""
    m = quarter * 3
    pagu, real = s.pagu[m], s.realisasi[m]
    rows = [["PENGUKURAN KINERJA"],
            [f"TRIWULAN {ROMAN[quarter - 1]} Tahun Anggaran {s.year}"],
            [f"SKPD : {code} {name}" if code else f"SKPD : {name}"], []] + \
        [list(r) for r in HEADER]
    p_parts = [(pagu * a / b).to_integral_value() for a, b in SHARES[:-1]]
    p_parts.append(pagu - sum(p_parts))
    r_parts = [(real * a / b).to_integral_value() for a, b in SHARES[:-1]]
    r_parts.append(real - sum(r_parts))
    for i, (p, r) in enumerate(zip(p_parts, r_parts), start=1):
        rows.append([None] * 6 + [f"Program {i}", int(p), int(r), _capaian(r, p)])
        for j, (kp, kr) in enumerate(zip(_split(p, 2), _split(r, 2)), start=1):
            rows.append([None] * 6 + [f"Kegiatan {i}.{j}", int(kp), int(kr), _capaian(kr, kp)])
    rows.append([None] * 6 + ["Total", int(pagu), int(real), _capaian(real, pagu)])
    return rows


def write_agency(s: MonthlySeries, folder, name: str | None = None,
                 quarters: tuple[int, ...] = (1, 2, 3, 4), code: str = "",
                 prefix: str = "pengukuran_kinerja") -> list:
    """One workbook per quarter (``<prefix>_<year>_TW<q>.xlsx``) for a made SKPD, in the quarterly
    matrix layout the sample year uses. Quarters whose month is missing are skipped."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [write_sheet(quarter_rows(s, q, name or s.agency, code), f"TW {ROMAN[q - 1]}",
                        folder / f"{prefix}_{s.year}_TW{q}.xlsx")
            for q in quarters if q * 3 in s.realisasi]


def write_sheet(rows: list[list], title: str, path):
    """A workbook of one sheet, cell by cell (text stays text); returns its path."""
    from openpyxl import Workbook

    from .safe import set_text

    wb = Workbook()
    ws = wb.active
    ws.title = title
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row, start=1):
            if v is not None:
                set_text(ws.cell(row=r, column=c), v)
    wb.save(path)
    return path


LRA_HEADER = ["KODE REKENING", "URAIAN", "ANGGARAN", "REALISASI"]
LAST_DAY = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def lra_rows(s: MonthlySeries, month: int, name: str, code: str = "") -> list[list]:
    """The monthly LRA of one SKPD as of ``month`` (cumulative from January), figures from the
    series: akun 5 stated over 5.1 (two thirds of the pagu and of the realisasi) and 5.2, numbers
    that add up. Its period in the ``periode … s.d …`` line, its SKPD in ``Unit Organisasi``."""
    from .period import MONTHS

    pagu, real = s.pagu[month], s.realisasi[month]
    p1, r1 = (pagu * 2 / 3).to_integral_value(), (real * 2 / 3).to_integral_value()
    return [["PEMERINTAH KABUPATEN CONTOH"],
            ["LAPORAN REALISASI ANGGARAN PENDAPATAN DAN BELANJA DAERAH"],
            [f"periode 1 Januari s.d {LAST_DAY[month - 1]} {MONTHS[month - 1]} {s.year}"], [],
            ["Unit Organisasi", ":", f"{code} {name}".strip()], [],
            LRA_HEADER,
            ["5", "BELANJA DAERAH", int(pagu), int(real)],
            ["5.1", "BELANJA OPERASI", int(p1), int(r1)],
            ["5.2", "BELANJA MODAL", int(pagu - p1), int(real - r1)]]


def write_agency_lra(s: MonthlySeries, folder, name: str | None = None,
                     months: tuple[int, ...] = tuple(range(1, 13)), code: str = "") -> list:
    """One LRA workbook per month (``lra_<year>_<MM>.xlsx``) for a made SKPD: a monthly source.
    Months missing from the series are skipped."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [write_sheet(lra_rows(s, m, name or s.agency, code), "LRA",
                        folder / f"lra_{s.year}_{m:02d}.xlsx")
            for m in months if m in s.realisasi]
