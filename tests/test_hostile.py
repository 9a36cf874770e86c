"""Hostile workbooks (issue 9, points 2, 3 and 4): limits checked before the reader sees a file,
an error value in a percent cell (in money cells: test_unknown.py), negative amounts as findings,
every entry of the raw folder accounted for. Limits are lowered so that each test stays small."""
import os
import resource
import subprocess
import sys

import pytest
from conftest import CLEAN, quarter_sheet, write_xlsx
from hostile import patch_xlsx, raw_xlsx

from lkjip_helpers.cli import main
from lkjip_helpers.ingest import ingest


def run(args, capsys):
    status = main([str(a) for a in args])
    cap = capsys.readouterr()
    return status, cap.out, cap.err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def clean_workbook(path, rows=None, title="TW I 2020"):
    return write_xlsx(path, {"TW I": quarter_sheet(rows or CLEAN, title=title)})


def test_a_far_cell_is_refused_before_the_reader_allocates_the_grid(tmp_path):
    """The 8 KB workbook whose one cell sits at XFD1048576 aborted the interpreter; now exit 2,
    with the memory capped so that an allocation of the grid would fail the test."""
    path = raw_xlsx(tmp_path / "jauh.xlsx", ['<c r="A1" t="inlineStr"><is><t>x</t></is></c>',
                                             '<c r="XFD1048576"><v>1</v></c>'],
                    dimension="A1:XFD1048576")

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    proc = subprocess.run([sys.executable, "-m", "lkjip_helpers.cli", "ingest", str(path),
                           "--out", str(tmp_path / "o")], capture_output=True, text=True,
                          preexec_fn=cap)
    assert proc.returncode == 2, proc.stderr
    line = one_line(proc.stderr)
    assert "jauh.xlsx, sheet 'TW I'" in line and "XFD1048576" in line and "LKJIP_LIMIT_GRID" in line


def test_a_declared_dimension_is_not_trusted(tmp_path):
    src = clean_workbook(tmp_path / "a.xlsx")
    path = patch_xlsx(src, tmp_path / "b.xlsx", {b'<dimension ref="A1:J10" />':
                                                 b'<dimension ref="A1:XFD1048576" />'})
    assert b"XFD1048576" in __import__("zipfile").ZipFile(path).read("xl/worksheets/sheet1.xml")
    assert len(ingest([path]).budget_lines) == 4


def test_a_whitespace_bomb_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LKJIP_LIMIT_PART_MB", "1")
    path = raw_xlsx(tmp_path / "bom.xlsx", ['<c r="A1"><v>1</v></c>'], padding=b" " * (3 << 20))
    assert path.stat().st_size < 50_000
    status, _, err = run(["ingest", path], capsys)
    assert status == 2 and "bom.xlsx" in one_line(err) and "LKJIP_LIMIT_PART_MB" in err


def test_a_zip_bomb_ratio_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LKJIP_LIMIT_RATIO_ABOVE_MB", "1")
    monkeypatch.setenv("LKJIP_LIMIT_RATIO", "50")
    path = raw_xlsx(tmp_path / "rasio.xlsx", ['<c r="A1"><v>1</v></c>'], padding=b" " * (2 << 20))
    status, _, err = run(["ingest", path], capsys)
    assert status == 2 and "rasio.xlsx" in one_line(err) and "bom zip" in err


@pytest.mark.parametrize("name,value,words", [
    ("CELLS", "20", "lebih dari 20 sel"),
    ("GRID", "30", "kisi A1:J10"),
    ("SECONDS", "0", "batas waktu"),
    ("FILE_MB", "0.001", "LKJIP_LIMIT_FILE_MB"),
])
def test_each_limit_names_file_and_sheet(name, value, words, tmp_path, capsys, monkeypatch):
    path = clean_workbook(tmp_path / "kecil.xlsx")
    monkeypatch.setenv(f"LKJIP_LIMIT_{name}", value)
    status, _, err = run(["ingest", path, "--out", tmp_path / "o"], capsys)
    assert status == 2
    assert "kecil.xlsx" in one_line(err) and words in err, err
    monkeypatch.delenv(f"LKJIP_LIMIT_{name}")
    assert run(["ingest", path, "--out", tmp_path / "o"], capsys)[0] == 0  # defaults: read


def with_cell(tmp_path, cell: bytes, xml: bytes, name="galat.xlsx"):
    """The clean workbook with one cell's XML replaced (e.g. by an error value)."""
    import re
    import zipfile

    src = clean_workbook(tmp_path / "src.xlsx")
    sheet = zipfile.ZipFile(src).read("xl/worksheets/sheet1.xml")
    old = re.search(rb'<c r="' + cell + rb'"[^>]*>.*?</c>', sheet).group(0)
    return patch_xlsx(src, tmp_path / name, {old: xml})


def test_error_value_in_a_percent_cell_is_a_missing_value(tmp_path):
    from lkjip_helpers.reconcile import reconcile

    path = with_cell(tmp_path, b"J6", b'<c r="J6" t="e"><f>I6/H6</f><v>#N/A</v></c>')
    data = ingest([path])
    line = data.budget_lines.iloc[0]
    assert line["kegiatan"] == "Kegiatan A1" and line["capaian"] is None or \
        str(line["capaian"]) in ("<NA>", "None", "nan")
    f = reconcile(data).findings
    hit = f[(f["code"] == "MISSING_VALUE") & (f["source_cell"] == "J6")]
    assert len(hit) >= 1 and "#N/A" in " ".join(hit["message"])


def test_negative_pagu_and_realisasi_are_findings(tmp_path):
    from lkjip_helpers.reconcile import reconcile

    rows = [list(r) for r in CLEAN]
    rows[1][1], rows[0][1] = -100, 100  # Kegiatan A1's pagu; the program's subtotal follows
    rows[2][2] = -5
    data = ingest([clean_workbook(tmp_path / "neg.xlsx", rows)])
    f = reconcile(data).findings
    neg = f[f["code"] == "NEGATIVE_AMOUNT"]
    got = {(r.source_cell, r.severity) for r in neg.itertuples()}
    assert ("H6", "error") in got and ("I7", "warning") in got


def test_every_entry_of_the_raw_folder_is_accounted_for(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    clean_workbook(raw / "TW1.xlsx")
    (raw / "TW2.xlsx").symlink_to(tmp_path / "share" / "TW2.xlsx")  # a share not mounted
    (raw / "TW3.xlsx").symlink_to(raw / "TW3.xlsx")                  # a loop
    os.mkfifo(raw / "TW4.xlsx")
    (raw / "arsip.xlsx").mkdir()
    (raw / "~$TW1.xlsx").write_bytes(b"lock")
    (raw / "TW5.xlsx").symlink_to("/proc/self/mem")  # a file whose reading fails (EIO), even as root
    status, out, err = run(["reconcile", raw], capsys)
    assert status == 0, err
    warned = [line for line in err.splitlines() if "peringatan" in line]
    for name, words in (("TW2.xlsx", "tidak ada"), ("TW3.xlsx", "berputar"),
                        ("TW4.xlsx", "FIFO"), ("arsip.xlsx", "folder"),
                        ("TW5.xlsx", "tidak dapat dibaca")):
        assert any(name in w and words in w for w in warned), (name, warned)
    assert len(warned) == 5  # the lock file is Excel's, not input
    status, _, err = run(["ingest", raw, "--strict", "--out", tmp_path / "o"], capsys)
    assert status == 2 and "--strict" in one_line(err)


def test_quarter_auto_never_drops_a_quarter_it_could_not_read(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    clean_workbook(raw / "TW3.xlsx", title="TW III 2020")
    (raw / "TW4.xlsx").symlink_to(tmp_path / "share" / "TW4.xlsx")
    status, _, err = run(["report", "--year", 2020, "--raw", raw, "--out", tmp_path / "r",
                          "--format", "html"], capsys)
    assert status == 2
    line = one_line(err)
    assert "--quarter auto" in line and "TW4.xlsx" in line
    assert not (tmp_path / "r" / "2020" / "TW3").exists()
