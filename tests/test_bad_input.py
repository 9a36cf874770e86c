"""Bad input: exit status 2, one line on stderr naming file, sheet and cell, nothing written."""
import os
import subprocess
import sys

import pytest
from conftest import quarters, CLEAN, FIXTURES, HEADER, SAMPLE, quarter_sheet, write_xlsx

from lkjip_helpers.cli import main


def run(args, capsys):
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_refused(status, err, *parts):
    assert status == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for p in parts:
        assert p in lines[0], (p, lines[0])


def test_bad_amount_names_file_sheet_and_cell(tmp_path, capsys):
    rows = quarter_sheet(CLEAN, title="TRIWULAN III 2020")
    rows[5][8] = "Rp 2.91,1.88,000x"  # Kegiatan A1's realisasi, row 6, column I
    path = write_xlsx(tmp_path / "TW3.xlsx", {"TW III": rows})
    out = tmp_path / "out"
    status, _, err = run(["ingest", str(path), "--out", str(out)], capsys)
    assert_refused(status, err, "TW3.xlsx", "sheet 'TW III'", "sel I6",
                   "'Rp 2.91,1.88,000x' bukan jumlah rupiah")
    assert not out.exists() or not any(out.iterdir())


def test_missing_pagu_under_anggaran_is_an_error_not_a_guess(tmp_path, capsys):
    header = [list(HEADER[0]), [None] * 7 + ["Nilai", "Realisasi", "Capaian (%)"]]
    rows = [["TW 1 2020"]] + header + [[None] * 6 + ["Program A", 10, 5, None]]
    path = write_xlsx(tmp_path / "x.xlsx", {"S": rows})
    status, _, err = run(["ingest", str(path), "--out", str(tmp_path / "o")], capsys)
    assert_refused(status, err, "x.xlsx", "sheet 'S'", "sel H3", "tidak ada kolom 'Pagu'")


def test_bad_percentage(tmp_path, capsys):
    rows = quarter_sheet(CLEAN, title="TW 2 2020")
    rows[6][9] = "banyak"
    path = write_xlsx(tmp_path / "p.xlsx", {"S": rows})
    status, _, err = run(["ingest", str(path), "--out", str(tmp_path / "o")], capsys)
    assert_refused(status, err, "p.xlsx", "sel J7", "'banyak' bukan persentase")


def test_amount_without_a_name(tmp_path, capsys):
    rows = quarter_sheet(CLEAN, title="TW 2 2020")
    rows[6][6] = None
    path = write_xlsx(tmp_path / "n.xlsx", {"S": rows})
    status, _, err = run(["ingest", str(path), "--out", str(tmp_path / "o")], capsys)
    assert_refused(status, err, "n.xlsx", "sel H7", "angka tanpa nama program/kegiatan")


def test_no_period_anywhere(tmp_path, capsys):
    path = write_xlsx(tmp_path / "laporan.xlsx", {"Sheet1": quarter_sheet(CLEAN, title="Laporan")})
    status, _, err = run(["ingest", str(path), "--out", str(tmp_path / "o")], capsys)
    assert_refused(status, err, "laporan.xlsx", "tahun dan triwulan tidak dapat ditentukan", "--year")


def test_corrupt_file(tmp_path, capsys):
    path = tmp_path / "rusak.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    status, _, err = run(["ingest", str(path), "--out", str(tmp_path / "o")], capsys)
    assert_refused(status, err, "rusak.xlsx", "tidak dapat dibaca sebagai workbook")


def test_text_file_named_xlsx(tmp_path, capsys):
    path = tmp_path / "catatan.xlsx"
    path.write_text("hanya teks")
    status, _, err = run(["ingest", str(path)], capsys)
    assert_refused(status, err, "catatan.xlsx", "bukan workbook .xlsx")


PEER = sorted(p.name for p in (FIXTURES / "peer-corpus").iterdir())


@pytest.mark.parametrize("name", PEER)
def test_peer_corpus_gets_a_clean_answer(name, tmp_path, capsys):
    out = tmp_path / "o"
    status, _, err = run(["ingest", str(FIXTURES / "peer-corpus" / name), "--out", str(out)],
                         capsys)
    assert_refused(status, err, name)
    assert not out.exists()


def test_a_folder_with_a_stray_xls_is_refused_whole(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    write_xlsx(tmp_path / "in" / "TW1.xlsx", {"TW I": quarter_sheet(CLEAN, title="TW I 2020")})
    (tmp_path / "in" / "lama.xls").write_bytes((FIXTURES / "peer-corpus" / "base.xls").read_bytes())
    status, _, err = run(["ingest", str(tmp_path / "in"), "--out", str(tmp_path / "o")], capsys)
    assert_refused(status, err, "lama.xls", "simpan sebagai .xlsx")
    assert not (tmp_path / "o").exists()


def test_the_console_command_exits_2_without_traceback(tmp_path):
    bad = tmp_path / "kosong.xlsx"
    bad.write_bytes(b"")
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run([sys.executable, "-m", "lkjip_helpers.cli", "ingest", str(bad)],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "lkjip: kosong.xlsx: file kosong (0 byte), bukan workbook"


def test_raw_files_are_never_modified(tmp_path, capsys):
    before = {p: p.stat().st_mtime_ns for p in SAMPLE.iterdir()}
    digest = {p: p.read_bytes() for p in SAMPLE.iterdir()}
    assert main(["ingest", str(SAMPLE), "--out", str(tmp_path)]) == 0
    assert {p: p.stat().st_mtime_ns for p in SAMPLE.iterdir()} == before
    assert {p: p.read_bytes() for p in SAMPLE.iterdir()} == digest


def test_two_sheets_for_one_quarter_are_refused(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    write_xlsx(tmp_path / "in" / "TW3.xlsx", {"TW III": quarter_sheet(CLEAN, title="TW III 2020")})
    write_xlsx(tmp_path / "in" / "TW3 revisi.xlsx", {"TW III": quarter_sheet(CLEAN, title="TW III 2020")})
    status, _, err = run(["ingest", str(tmp_path / "in"), "--out", str(tmp_path / "o")], capsys)
    assert_refused(status, err, "TW3.xlsx", "sheet 'TW III'", "TW 3 2020 juga ada di TW3 revisi.xlsx")


def test_hidden_sheets_are_left_out(tmp_path):
    from openpyxl import load_workbook

    from lkjip_helpers.ingest import ingest
    path = write_xlsx(tmp_path / "k.xlsx", {"TW I": quarter_sheet(CLEAN, title="TW I 2020"),
                                            "TW I lama": quarter_sheet(CLEAN, title="TW I 2020")})
    wb = load_workbook(path)
    wb["TW I lama"].sheet_state = "hidden"
    wb.save(path)
    data = ingest([path])
    assert quarters(data) == [(2020, 1)] and len(data.budget_lines) == 4
    assert data.skipped == ["k.xlsx sheet 'TW I lama' (tersembunyi)"]
