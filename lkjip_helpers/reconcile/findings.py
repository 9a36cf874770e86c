"""Findings: what in the sheets does not add up, each with the cell to fix and a message in Bahasa
Indonesia. Codes are stable identifiers; severities are error, warning and info."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pandas as pd

from ..numbers import format_percent, format_rupiah
from ..schema import NUMBER, TEXT, frame, register
SEVERITIES = ("error", "warning", "info")
CODES = {
    "SUBTOTAL_MISMATCH": "Subtotal program tidak sama dengan jumlah kegiatannya",
    "TOTAL_MISMATCH": "Baris Total tidak sama dengan jumlah kegiatan",
    "FOOTER_MISMATCH": "Angka di catatan kaki tidak sama dengan Total atau jumlah sebenarnya",
    "PERIOD_MISMATCH": "Label menyebut triwulan atau tahun lain",
    "AGENCY_MISMATCH": "Lembar menyebut instansi lain daripada --agency atau manifest",
    "PERCENT_MISMATCH": "Persentase capaian tidak sesuai realisasi / pagu",
    "REALISASI_EXCEEDS_PAGU": "Realisasi melebihi pagu",
    "REALISASI_DECREASED": "Realisasi kumulatif turun dari triwulan sebelumnya",
    "PAGU_CHANGED": "Pagu berubah dari triwulan sebelumnya",
    "PAGU_REVERTED": "Pagu kembali ke versi lama yang sudah diganti",
    "MISSING_VALUE": "Nilai kosong",
    "NEGATIVE_AMOUNT": "Pagu atau realisasi negatif",
    "AMBIGUOUS_NUMBER": "Angka yang pembacaannya menebak",
    "UNMATCHED_KEGIATAN": "Kegiatan tidak dapat diikuti antar triwulan",
    "UNREAD_ROW": "Baris yang tidak terbaca",
    "DUPLICATE_LINE": "Baris kegiatan tertulis dua kali dengan angka sama",
    "AMBIGUOUS_HIERARCHY": "Pembagian program/kegiatan tidak tunggal",
    "NO_PROGRAMS": "Tidak ada baris program",
    "NO_KEGIATAN": "Program tanpa baris kegiatan",
    "UNIT_SCALED": "Angka ditulis dalam ribuan/jutaan: dikalikan satuannya",
    "CODE_HIERARCHY_MISMATCH": "Kolom Kode dan angka-angka menunjuk susunan program yang berbeda",
    "RENSTRA_TARGET_PASSED": "Target tahun ini sudah melampaui target akhir Renstra",
    "POLARITY_SUSPECT": "Polaritas indikator mungkin salah",
    "INDICATOR_BLANK": "Indikator tidak pernah diisi di lembar triwulan",
    "EFFICIENCY_NOT_COMPUTABLE": "Efisiensi diminta dari indikator kategori",
    "KEGIATAN_MOVED": "Kegiatan pindah program antar triwulan",
    "CAPAIAN_MISMATCH": "Angka indikator tertulis berbeda dari hasil hitung",
    "CROSS_TABLE_MISMATCH": "Angka kegiatan berbeda antar tabel",
    "PK_BUDGET_MISMATCH": "Anggaran program di PK berbeda dari pagu triwulan",
    "AGGREGATION_INFERRED": "Tipe agregasi indikator tidak dinyatakan: ditebak dari nama/nilai",
    "CAPAIAN_RULE_MISMATCH": "Capaian triwulan tertulis mengikuti rumus tipe indikator lain",
    "PLAN_MISMATCH": "Rencana kas (anggaran kas) tidak sama dengan pagu atau jumlahnya sendiri",
    "BEHIND_PLAN": "Penyerapan di belakang rencana kas lebih dari toleransi",
    "AHEAD_OF_PLAN": "Penyerapan mendahului rencana kas lebih dari toleransi",
    "LEVEL_SUM_MISMATCH": "Kode induk tidak sama dengan jumlah rinciannya",
    "DUPLICATE_PERIOD": "Dua berkas untuk satu instansi dan periode",
    "STALE_REPEAT": "Angka sebulan sama persis dengan bulan sebelumnya",
    "MISSING_PERIOD": "Periode yang tidak dilaporkan",
    "FILE_REFUSED": "Berkas tidak dapat dibaca (dilewati, instansi lain tetap diproses)",
}

GUESSED = "Angka dibaca dengan menebak: "   # the start of every AMBIGUOUS_NUMBER message

register("findings", {
    "code": (TEXT, False, ("isin", list(CODES))),
    "severity": (TEXT, False, ("isin", list(SEVERITIES))),
    "agency_code": (TEXT, True, None), "agency_name": (TEXT, True, None),
    **{c: ("Int64", True, None) for c in ("year", "month", "quarter", "program_no")},
    **{c: (TEXT, True, None) for c in ("program", "kegiatan", "field")},
    "unit": (TEXT, False, ("isin", ["Rp", "%", ""])),
    **{c: (NUMBER, True, None) for c in ("stated", "computed", "difference")},
    **{c: (TEXT, True, None) for c in ("source_file", "source_sheet", "source_cell")},
    "message": (TEXT, False, None),
})


@dataclass
class Finding:
    code: str
    severity: str
    message: str
    year: int | None = None
    quarter: int | None = None
    program_no: int | None = None
    program: str | None = None
    kegiatan: str | None = None
    field: str | None = None
    unit: str = "Rp"
    stated: Decimal | None = None
    computed: Decimal | None = None
    difference: Decimal | None = None
    source_file: str | None = None
    source_sheet: str | None = None
    source_cell: str | None = None
    month: int | None = None
    agency_code: str | None = None
    agency_name: str | None = None

    def __post_init__(self):
        if self.difference is None and self.stated is not None and self.computed is not None:
            self.difference = Decimal(self.stated) - Decimal(self.computed)


def findings_frame(items: list[Finding]) -> pd.DataFrame:
    """The findings as a validated frame, most severe first, then by period and cell."""
    order = {s: i for i, s in enumerate(SEVERITIES)}
    items = sorted(items, key=lambda f: (order[f.severity], f.agency_code or "", f.year or 0,
                                         f.quarter or 0, f.month or 0,
                                         f.source_file or "", _cell_key(f.source_cell), f.code))
    return frame([dict(vars(f)) for f in items], "findings")


def findings_json(findings: pd.DataFrame) -> list[dict]:
    """The findings as JSON-ready dicts: exact numbers (an int when whole, else the Decimal, which
    :func:`lkjip_helpers.numbers.json_text` writes as its exact literal), None for missing
    values."""
    out = []
    for rec in findings.to_dict("records"):
        row = {}
        for k, v in rec.items():
            if v is None or v is pd.NA or (isinstance(v, float) and v != v):
                row[k] = None
            elif isinstance(v, Decimal):
                row[k] = int(v) if v == v.to_integral() else v
            elif k in ("year", "month", "quarter", "program_no"):
                row[k] = int(v)
            else:
                row[k] = v
        out.append(row)
    return out


def _cell_key(cell: str | None):
    if not cell:
        return (0, "")
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell.split(" ")[0] if ch.isdigit())
    return (int(digits or 0), letters)


def rp(value) -> str:
    return "tidak diketahui" if value is None else format_rupiah(value)


def pct(value, decimals: int = 2) -> str:
    return format_percent(value, decimals)


def tw(quarter: int) -> str:
    return "TW " + ("I", "II", "III", "IV")[int(quarter) - 1]
