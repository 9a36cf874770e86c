"""SIPD-RI flat exports made for the tests from the header lists in docs/formats.md (no real export
is at hand). Each builder returns rows (header first) for conftest.write_xlsx.

The made data: two SKPD (Dinas Sosial 1.06…, Dinas Kesehatan 1.02…), a sub unit of Dinas Sosial,
three levels, two sumber dana, a kegiatan code written the variant way (1.06.02.02.01.0002), amounts
as numbers and as ``1.234.567,89`` text.
"""
from __future__ import annotations

SOSIAL = ("1.06.0.00.0.00.01.0000", "Dinas Sosial")
SOSIAL_SUB = ("1.06.0.00.0.00.01.0001", "UPT Panti Sosial")
KESEHATAN = ("1.02.0.00.0.00.01.0000", "Dinas Kesehatan")

# (skpd, sub unit, program, kegiatan, sub kegiatan code as written, names)
SUBS = {
    "S1": (SOSIAL, SOSIAL, ("1.06.02", "Program Rehabilitasi Sosial"),
           ("1.06.02.2.01", "Rehabilitasi Sosial Dasar"), "1.06.02.2.01.0001",
           "Penyediaan Permakanan"),
    "S2": (SOSIAL, SOSIAL_SUB, ("1.06.02", "Program Rehabilitasi Sosial"),
           ("1.06.02.2.01", "Rehabilitasi Sosial Dasar"), "1.06.02.02.01.0002",  # variant spelling
           "Penyediaan Sandang"),
    "S3": (SOSIAL, SOSIAL, ("1.06.03", "Program Perlindungan Sosial"),
           ("1.06.03.2.01", "Perlindungan Sosial Korban Bencana"), "1.06.03.2.01.0001",
           "Penyediaan Makanan Korban Bencana"),
    "K1": (KESEHATAN, KESEHATAN, ("1.02.02", "Program Pemenuhan Upaya Kesehatan"),
           ("1.02.02.2.01", "Penyediaan Fasilitas Kesehatan"), "1.02.02.2.01.0001",
           "Pembangunan Puskesmas"),
}

DATA_ANGGARAN_SLUG = [
    "tahun", "kode_urusan", "nama_urusan", "kode_skpd", "nama_skpd", "kode_sub_unit",
    "nama_sub_unit", "kode_bidang_urusan", "nama_bidang_urusan", "kode_program", "nama_program",
    "kode_kegiatan", "nama_kegiatan", "kode_sub_kegiatan", "nama_sub_kegiatan", "kode_sumber_dana",
    "nama_sumber_dana", "kode_rekening", "nama_rekening", "kode_standar_harga",
    "nama_standar_harga", "pagu"]
DATA_ANGGARAN_TITLE = [h.replace("_", " ").title().replace("Skpd", "SKPD")
                       for h in DATA_ANGGARAN_SLUG]
RAK_HEADER = [
    "Tahun", "Daerah", "Kode Urusan", "Nama Urusan", "Kode Bidang Urusan", "Nama Bidang Urusan",
    "Kode SKPD", "Nama SKPD", "Kode Sub SKPD", "Nama Sub SKPD", "Kode Program", "Nama Program",
    "Kode Kegiatan", "Nama Kegiatan", "Kode Sub Kegiatan", "Nama Sub Kegiatan", "Kode Akun",
    "Nama Akun", "Nilai Rincian", "Total RAK", *[f"bulan{m}" for m in range(1, 13)]]
REALISASI_HEADER = [
    "id", "kode sub unit", "nama organisasi", "kode organisasi", "nama sub organisasi",
    "kode urusan", "nama urusan", "kode bidang urusan", "nama bidang urusan", "kode program",
    "nama program", "kode kegiatan", "nama kegiatan", "kode sub kegiatan", "nama sub kegiatan",
    "kode rekening", "nama rekening", "realisasi"]

DANA = {"DAU": ("1.1.01", "Dana Alokasi Umum"), "DAK": ("1.2.02", "DAK Fisik")}


def _levels(key: str, sub_name: str | None = None) -> dict:
    skpd, unit, prog, keg, code, name = SUBS[key]
    return {"skpd": skpd, "unit": unit, "prog": prog, "keg": keg, "code": code,
            "name": sub_name or name}


def data_anggaran(lines, slug: bool = True, year: int = 2022) -> list[list]:
    """lines: [(sub key, sumber dana, akun, pagu)]"""
    rows = [list(DATA_ANGGARAN_SLUG if slug else DATA_ANGGARAN_TITLE)]
    for key, dana, akun, pagu in lines:
        lv = _levels(key)
        rows.append([year, "1", "Urusan Wajib", lv["skpd"][0], lv["skpd"][1], lv["unit"][0],
                     lv["unit"][1], lv["code"][:4], "Bidang", lv["prog"][0], lv["prog"][1],
                     lv["keg"][0], lv["keg"][1], lv["code"], lv["name"], DANA[dana][0],
                     DANA[dana][1], akun, "Belanja " + akun, "SH." + akun, "Barang", pagu])
    return rows


def rak(lines, year: int = 2022, header=None) -> list[list]:
    """lines: [(sub key, akun, nilai rincian, total rak, [12 monthly amounts])]"""
    rows = [list(header or RAK_HEADER)]
    for key, akun, nilai, total, months in lines:
        lv = _levels(key)
        rows.append([year, "Kab. Contoh", "1", "Urusan Wajib", lv["code"][:4], "Bidang",
                     lv["skpd"][0], lv["skpd"][1], lv["unit"][0], lv["unit"][1], lv["prog"][0],
                     lv["prog"][1], lv["keg"][0], lv["keg"][1], lv["code"], lv["name"], akun,
                     "Belanja " + akun, nilai, total, *months])
    return rows


def realisasi(lines) -> list[list]:
    """lines: [(sub key, akun, realisasi, sub kegiatan name or None)]"""
    rows = [list(REALISASI_HEADER)]
    for i, (key, akun, amount, name) in enumerate(lines, start=1):
        lv = _levels(key, name)
        rows.append([i, lv["unit"][0], lv["skpd"][1], lv["skpd"][0][:17], lv["unit"][1], "1",
                     "Urusan Wajib", lv["code"][:4], "Bidang", lv["prog"][0], lv["prog"][1],
                     lv["keg"][0], lv["keg"][1], lv["code"], lv["name"], akun, "Belanja " + akun,
                     amount])
    return rows


def one_line_with_plan(folder, realised: dict[str, int]):
    """An SKPD of one sub kegiatan (pagu 2.400.000, its anggaran kas 100.000 a month January-June
    and 300.000 a month July-December) and its realisasi exports ``{"2022-03-31": amount}``."""
    from conftest import write_xlsx

    folder.mkdir(parents=True, exist_ok=True)
    write_xlsx(folder / "data_anggaran_murni.xlsx",
               {"Sheet1": data_anggaran([("K1", "DAK", "5.2.03.01.01.0001", 2_400_000)])})
    write_xlsx(folder / "rak_murni.xlsx", {"Sheet1": rak([("K1", "5.2.03.01.01.0001", 2_400_000,
                                                           2_400_000,
                                                           [100_000] * 6 + [300_000] * 6)])})
    for day, amount in realised.items():
        write_xlsx(folder / f"{day}.xlsx",
                   {"Sheet1": realisasi([("K1", "5.2.03.01.01.0001", amount, None)])})
    return folder
