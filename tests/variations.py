"""A generator of ordinary variations of the sample year: the true figures of the seed's four
quarterly tables (program rows recomputed as the sum of their kegiatan, so that a clean year has no
finding of its own), then kegiatan renamed, added, dropped or moved between programs, a year that
starts at TW II, a single quarter, a program without a kegiatan line, a blank realisasi.

``year_rows()`` gives ``{quarter: [Row, ...]}``; each variation takes and returns such a dict;
``write_year(folder, quarters)`` writes one workbook per quarter in the layout of ``conftest``."""
from __future__ import annotations

import copy
import shutil
from dataclasses import dataclass, replace

from conftest import HEADER, SAMPLE, SEED, write_xlsx

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Row:
    program_no: int
    kid: str | None          # kegiatan id (K2.1), None for a program row
    name: str
    pagu: int | None = None
    realisasi: int | None = None
    blank_realisasi: bool = False


def year_rows() -> dict[int, list[Row]]:
    """The seed's kegiatan of each quarter, in printed order, under their programs."""
    out = {}
    for q in (1, 2, 3, 4):
        rows = []
        for r in SEED["quarters"][f"TW{q}"]["rows"]:
            if r["level"] == "program":
                rows.append(Row(r["program_no"], None, r["name"]))
            else:
                rows.append(Row(r["program_no"], r["kegiatan_id"], r["name"], r["pagu"],
                                r["realisasi"]))
        out[q] = rows
    return out


def _kegiatan(rows, kid):
    return next(i for i, r in enumerate(rows) if r.kid == kid)


def renamed(year, kid="K3.2", new="Penguatan Kapasitas Tenaga Kesejahteraan Sosial", from_q=3):
    year = copy.deepcopy(year)
    for q in range(from_q, 5):
        if q in year:
            i = _kegiatan(year[q], kid)
            year[q][i] = replace(year[q][i], name=new)
    return year


def added(year, program_no=5, name="Sosialisasi Kesetaraan Gender", from_q=2,
          pagu=25_000_000, realisasi_per_q=5_000_000):
    year = copy.deepcopy(year)
    for q in range(from_q, 5):
        if q in year:
            rows = year[q]
            last = max(i for i, r in enumerate(rows) if r.program_no == program_no)
            rows.insert(last + 1, Row(program_no, f"K{program_no}.new", name, pagu,
                                      realisasi_per_q * (q - from_q + 1)))
    return year


def dropped(year, kid="K4.3", from_q=3):
    year = copy.deepcopy(year)
    for q in range(from_q, 5):
        if q in year:
            del year[q][_kegiatan(year[q], kid)]
    return year


def moved(year, kid="K5.2", to_program=6, from_q=3):
    year = copy.deepcopy(year)
    for q in range(from_q, 5):
        if q in year:
            rows = year[q]
            row = rows.pop(_kegiatan(rows, kid))
            last = max(i for i, r in enumerate(rows) if r.program_no == to_program)
            rows.insert(last + 1, replace(row, program_no=to_program))
    return year


def starting_at(year, first=2):
    return {q: rows for q, rows in year.items() if q >= first}


def single(year, quarter=2):
    return {quarter: year[quarter]}


def program_without_kegiatan(year, name="Program Penanggulangan Bencana Sosial",
                             pagu=40_000_000, realisasi=10_000_000):
    """A program row that carries its own money: no kegiatan line under it (at the end)."""
    year = copy.deepcopy(year)
    for q, rows in year.items():
        rows.append(Row(99, "P99", name, pagu, realisasi))
    return year


def blank_realisasi(year, kid="K8.1", quarters=(1,)):
    year = copy.deepcopy(year)
    for q in quarters:
        if q in year:
            i = _kegiatan(year[q], kid)
            year[q][i] = replace(year[q][i], realisasi=0, blank_realisasi=True)
    return year


VARIATIONS = {
    "clean": lambda y: y,
    "renamed": renamed,
    "added": added,
    "dropped": dropped,
    "moved": moved,
    "starts_at_tw2": starting_at,
    "single_quarter": single,
    "program_without_kegiatan": program_without_kegiatan,
    "blank_realisasi": blank_realisasi,
}


def _pct(real: int, pagu: int) -> str | None:
    if not pagu:
        return None
    from decimal import ROUND_HALF_UP, Decimal
    v = (Decimal(real) * 100 / Decimal(pagu)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return f"{v}%".replace(".", ",")


def sheet_rows(rows: list[Row], quarter: int, year: int = 2020) -> list[list]:
    """The quarter's sheet: title, header, program rows (sums of their kegiatan), kegiatan, Total."""
    out = [[f"PENGUKURAN KINERJA TRIWULAN {ROMAN[quarter]} Tahun Anggaran {year}"], []] + HEADER
    total_p = total_r = 0
    i = 0
    while i < len(rows):
        r = rows[i]
        if r.kid == "P99":  # a program without kegiatan: its own row holds the money
            out.append([None] * 6 + [r.name, r.pagu, r.realisasi, _pct(r.realisasi, r.pagu)])
            total_p += r.pagu
            total_r += r.realisasi
            i += 1
            continue
        if r.kid is None:
            block = []
            j = i + 1
            while j < len(rows) and rows[j].kid not in (None, "P99"):
                block.append(rows[j])
                j += 1
            if block:
                p = sum(k.pagu for k in block)
                real = sum(k.realisasi for k in block)
                out.append([None] * 6 + [r.name, p, real, _pct(real, p)])
                for k in block:
                    out.append([None] * 6 + [k.name, k.pagu,
                                             None if k.blank_realisasi else k.realisasi,
                                             _pct(k.realisasi, k.pagu)])
                    total_p += k.pagu
                    total_r += k.realisasi
            i = j
            continue
        i += 1
    out.append([None] * 6 + ["Total", total_p, total_r, None])
    return out


def truth(rows: list[Row]) -> tuple[int, int]:
    """(pagu, realisasi) of a quarter: the sum of its kegiatan (and program-only rows)."""
    ks = [r for r in rows if r.kid is not None]
    return sum(r.pagu for r in ks), sum(r.realisasi for r in ks)


def write_year(folder, quarters: dict[int, list[Row]], annual: bool = False, year: int = 2020):
    folder.mkdir(parents=True, exist_ok=True)
    for q, rows in quarters.items():
        write_xlsx(folder / f"pengukuran_{year}_TW{q}.xlsx",
                   {f"TW {ROMAN[q]}": sheet_rows(rows, q, year)})
    if annual:
        shutil.copyfile(SAMPLE / f"kinerja_{year}.xlsx", folder / f"kinerja_{year}.xlsx")
    return folder
