"""Derive benchmarks/data/lra_series_real.csv (belanja, akun 5, per SKPD per month) from the real
uploads in ../shared/outside/lra-kabupaten/ (read-only; see the README there for their origin).

- toba-2022/: one SKPD's monthly LRA workbooks; the month comes from the app's manifest.csv, the
  ANGGARAN (pagu) and REALISASI of the row whose KODE REKENING is ``5`` from the sheet.
- serapan_skpd_simalungun_2023.csv: the app's table of monthly realisasi and percent per SKPD;
  no pagu is stored, so ``absorption`` is the percent as the app stored it.

Run once, by hand: ``python scripts/real_lra_series.py [SHARED_DIR]``. (Reads the LRA sheet with a
few lines of openpyxl; issue 11 brings the project's LRA reader.)
"""
from __future__ import annotations

import csv
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "data" / "lra_series_real.csv"


def belanja(path: Path) -> tuple[Decimal, Decimal]:
    """ANGGARAN and REALISASI of the row coded ``5`` (the first two numbers right of the code)."""
    ws = openpyxl.load_workbook(path, data_only=True, read_only=True).worksheets[0]
    for row in ws.iter_rows(values_only=True):
        cells = [v for v in row if v is not None]
        if cells and str(cells[0]).strip() == "5":
            nums = [Decimal(str(v)) for v in cells[1:] if isinstance(v, (int, float))]
            return nums[0], nums[1]
    raise ValueError(f"{path.name}: no row coded 5")


def main(argv: list[str]) -> int:
    shared = Path(argv[0]) if argv else ROOT.parent.parent / "shared" / "outside" / "lra-kabupaten"
    rows = []
    for r in csv.DictReader(open(shared / "toba-2022" / "manifest.csv", encoding="utf-8")):
        pagu, real = belanja(shared / "toba-2022" / r["file"])
        rows.append({"source": "toba-2022", "agency": f"toba-{r['kode_skpd']}", "year": r["tahun"],
                     "month": r["bulan"], "pagu": pagu, "realisasi": real,
                     "absorption": (real / pagu * 100).quantize(Decimal("0.01"))})
    for r in csv.DictReader(open(shared / "serapan_skpd_simalungun_2023.csv", encoding="utf-8")):
        if r["kode_rekening"] == "5":
            rows.append({"source": "simalungun-2023", "agency": f"simalungun-{r['id_skpd']}",
                         "year": r["tahun"], "month": r["bulan"], "pagu": "",
                         "realisasi": r["realisasi"], "absorption": r["persen"]})
    rows.sort(key=lambda r: (r["source"], r["agency"], int(r["year"]), int(r["month"])))
    with open(OUT, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} rows -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
