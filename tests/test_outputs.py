"""Outputs never replace inputs; terminal and file safety; exit statuses for bad arguments and a
hostile environment (issue 9, points 1, 5 and 6)."""
import csv
import errno
import os
import resource
import shutil
import subprocess
import sys

import pytest
from conftest import CLEAN, SAMPLE, quarter_sheet, write_xlsx
from hostile import patch_xlsx, tree_digest

from lkjip_helpers.cli import main


def run(args, capsys):
    status = main([str(a) for a in args])
    cap = capsys.readouterr()
    return status, cap.out, cap.err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture
def raw(tmp_path):
    """A raw folder with one quarter."""
    folder = tmp_path / "raw"
    folder.mkdir()
    write_xlsx(folder / "TW1.xlsx", {"TW I": quarter_sheet(CLEAN, title="TW I 2020")})
    return folder


def test_xlsx_never_replaces_an_input_workbook(raw, capsys):
    before = tree_digest(raw)
    status, _, err = run(["reconcile", raw / "TW1.xlsx", "--xlsx", raw / "TW1.xlsx", "--force"],
                         capsys)
    assert status == 2 and "TW1.xlsx" in one_line(err) and "masukan" in err
    status, _, err = run(["reconcile", raw, "--xlsx", raw / "temuan.xlsx"], capsys)
    assert status == 2 and "folder data mentah raw/" in one_line(err)
    assert tree_digest(raw) == before


def test_xlsx_replaces_only_its_own_workbook_without_force(raw, tmp_path, capsys):
    foreign = tmp_path / "catatan.xlsx"
    write_xlsx(foreign, {"S": [["penting"]]})
    digest = foreign.read_bytes()
    status, _, err = run(["reconcile", raw, "--xlsx", foreign], capsys)
    assert status == 2 and "tidak dibuat oleh lkjip" in one_line(err)
    assert foreign.read_bytes() == digest
    ours = tmp_path / "temuan.xlsx"
    assert run(["reconcile", raw, "--xlsx", ours], capsys)[0] == 0
    assert run(["reconcile", raw, "--xlsx", ours], capsys)[0] == 0  # its own: replaced
    assert run(["reconcile", raw, "--xlsx", foreign, "--force"], capsys)[0] == 0
    assert foreign.read_bytes() != digest


def test_no_output_through_a_link_a_fifo_or_a_device(raw, tmp_path, capsys):
    target = tmp_path / "target.xlsx"
    target.write_bytes(b"keep")
    (tmp_path / "link.xlsx").symlink_to(target)
    os.mkfifo(tmp_path / "fifo.xlsx")
    for path, word in ((tmp_path / "link.xlsx", "link simbolik"), (tmp_path / "fifo.xlsx", "FIFO"),
                       ("/dev/null", "perangkat")):
        status, _, err = run(["reconcile", raw, "--xlsx", path, "--force"], capsys)
        assert status == 2 and word in one_line(err), err
    assert target.read_bytes() == b"keep" and os.path.exists("/dev/null")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "budget_lines.parquet").symlink_to(target)
    status, _, err = run(["ingest", raw, "--out", tmp_path / "out"], capsys)
    assert status == 2 and "link simbolik" in one_line(err)
    assert target.read_bytes() == b"keep"
    status, _, err = run(["template", "--year", 2020, "--out", tmp_path / "fifo.xlsx", "--force"],
                         capsys)
    assert status == 2 and "FIFO" in one_line(err)


def test_ingest_out_is_a_file_or_inside_the_raw_folder(raw, tmp_path, capsys):
    before = tree_digest(raw)
    (tmp_path / "afile").write_text("x")
    status, _, err = run(["ingest", raw, "--out", tmp_path / "afile"], capsys)
    assert status == 2 and "afile" in one_line(err)
    status, _, err = run(["ingest", raw, "--out", raw / "olah"], capsys)
    assert status == 2 and "data mentah" in one_line(err)
    assert tree_digest(raw) == before


def test_raw_folder_is_byte_identical_around_every_command(tmp_path, capsys):
    raw = tmp_path / "2020"
    shutil.copytree(SAMPLE, raw)
    before = tree_digest(raw)
    commands = [["ingest", raw, "--out", tmp_path / "p"],
                ["ingest", raw, "--json", "--out", tmp_path / "p"],
                ["reconcile", raw, "--json", "--xlsx", tmp_path / "t.xlsx"],
                ["reconcile", raw, "--xlsx", raw / "pengukuran_kinerja_2020_TW1.xlsx", "--force"],
                ["reconcile", raw, "--fail-on", "error"],
                ["template", "--year", 2020, "--out", raw / "kinerja_2020.xlsx"],
                ["renja", "--year", 2020, "--quarter", 4, "--raw", raw,
                 "--out", tmp_path / "r.xlsx"],
                ["renja", "--year", 2020, "--quarter", 4, "--raw", raw, "--force",
                 "--out", raw / "pengukuran_kinerja_2020_TW1.xlsx"],
                ["ingest", raw, "--out", raw]]
    for cmd in commands:
        run(cmd, capsys)
        assert tree_digest(raw) == before, cmd
    assert (tmp_path / "r.xlsx").exists() and (tmp_path / "p").is_dir()


def test_csv_fields_never_become_formulas_with_either_separator(tmp_path):
    from lkjip_helpers.ingest import ingest
    from lkjip_helpers.reconcile import reconcile, write_findings_csv
    from lkjip_helpers.safe import neutralise

    evil = "x;=cmd|' /C calc'!A0"
    assert neutralise(evil) == "x;'=cmd|' /C calc'!A0"
    assert neutralise("a,+1") == "a,'+1" and neutralise(" =1") == "' =1"
    assert neutralise("Rp 1.000; dibaca") == "Rp 1.000; dibaca"
    rows = [list(r) for r in CLEAN]
    rows[1][0] = evil
    rows[1][3] = "99%"  # a finding that names the kegiatan
    data = ingest([write_xlsx(tmp_path / "a.xlsx", {"TW I 2020": quarter_sheet(rows, "TW I 2020")})])
    write_findings_csv(reconcile(data).findings, tmp_path / "f.csv")
    text = (tmp_path / "f.csv").read_text()
    for sep in (",", ";"):
        for row in csv.reader(text.splitlines(), delimiter=sep):
            for field in row:
                assert not field.lstrip().startswith(("=", "+", "@")), (sep, field)
    assert text.startswith('"')  # every field quoted


def control_workbook(tmp_path, name="TW1.xlsx"):
    rows = [list(r) for r in CLEAN]
    rows[1][0] = "Kegiatan XESCX XNULX XBELX"
    rows[1][3] = "99%"  # a finding that names the kegiatan
    src = write_xlsx(tmp_path / "plain.xlsx", {"TW I": quarter_sheet(rows, title="TW I 2020")})
    folder = tmp_path / "ctl"
    folder.mkdir(exist_ok=True)
    out = patch_xlsx(src, folder / name, {b"XESCX": b"_x001B_[2J", b"XNULX": b"_x0000_",
                                           b"XBELX": b"_x0007_"})
    src.unlink()
    return out


def test_control_characters_are_escaped_on_the_terminal_and_in_xlsx(tmp_path, capsys):
    from openpyxl import load_workbook

    path = control_workbook(tmp_path)
    status, out, err = run(["reconcile", path, "--xlsx", tmp_path / "t.xlsx"], capsys)
    assert status == 0, err
    assert "\x1b" not in out + err and "\x00" not in out + err and "\x07" not in out + err
    assert "\\x1b[2J" in out  # the finding naming the kegiatan shows it escaped
    assert "karakter kendali" in err  # the xlsx writer's warning
    wb = load_workbook(tmp_path / "t.xlsx")
    names = [c.value for row in wb["TW I 2020"].iter_rows() for c in row
             if isinstance(c.value, str) and "Kegiatan \\x1b" in c.value]
    assert names == ["Kegiatan \\x1b[2J \\x00 \\x07"]
    status, out, _ = run(["reconcile", path, "--json"], capsys)
    assert "\x1b" not in out and "\\u001b[2J" in out


def test_a_newline_in_a_file_name_does_not_split_the_error(tmp_path, capsys):
    bad = tmp_path / "rusak\nbaris\x1b[31m.xlsx"
    bad.write_bytes(b"")
    status, _, err = run(["ingest", bad], capsys)
    assert status == 2
    assert one_line(err) == ("lkjip: rusak\\nbaris\\x1b[31m.xlsx: file kosong (0 byte), "
                             "bukan workbook")


def test_html_escape_shows_controls():
    from lkjip_helpers.safe import escape

    assert escape("<b>\x1b[2J\x00</b>\n") == "&lt;b&gt;\\x1b[2J\\x00&lt;/b&gt;\n"


@pytest.mark.parametrize("args,words", [
    (["report", "--year", "3000"], "tahun 3000"),
    (["ingest", "--year", "19x", "a.xlsx"], "bukan tahun"),
    (["frobnicate"], "pilihan 'frobnicate' tidak ada"),
    (["report", "--year", "2020", "--quarter", "7"], "--quarter"),
])
def test_bad_arguments_exit_2_in_one_line(args, words, capsys):
    try:
        status = main(args)
    except SystemExit as exc:  # argparse
        status = exc.code
    assert status == 2
    assert words in one_line(capsys.readouterr().err)


def test_missing_folder_exits_2(tmp_path, capsys):
    status, _, err = run(["report", "--year", 2020, "--raw", tmp_path / "tidak_ada",
                          "--format", "html"], capsys)
    assert status == 2 and "tidak_ada" in one_line(err)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES, errno.EROFS, errno.EDQUOT])
def test_a_hostile_environment_exits_2_in_one_line(code, raw, tmp_path, capsys, monkeypatch):
    import pandas as pd

    def fail(self, path, *a, **k):
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(pd.DataFrame, "to_parquet", fail)
    status, _, err = run(["ingest", raw, "--out", tmp_path / "o"], capsys)
    assert status == 2, err
    assert "lkjip:" in one_line(err) and "internal error" not in err
    assert not list((tmp_path / "o").glob("*.parquet"))


def test_file_size_limit_exits_2_without_traceback(raw, tmp_path):
    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))

    proc = subprocess.run([sys.executable, "-m", "lkjip_helpers.cli", "reconcile", str(raw),
                           "--xlsx", str(tmp_path / "t.xlsx")], capture_output=True, text=True,
                          preexec_fn=limit)
    assert proc.returncode == 2, proc.stderr
    assert "batas ukuran file" in one_line(proc.stderr)
    assert not (tmp_path / "t.xlsx").exists()
    assert not list(tmp_path.glob(".tmp-*"))


def test_amounts_too_large_or_not_finite_are_bad_input(tmp_path, capsys):
    for value in (10 ** 18, 1e308, "1.000.000.000.000.000.000"):
        rows = [list(r) for r in CLEAN]
        rows[1][1] = value
        path = write_xlsx(tmp_path / "big.xlsx", {"TW I": quarter_sheet(rows, title="TW I 2020")})
        status, _, err = run(["ingest", path, "--out", tmp_path / "o"], capsys)
        assert status == 2, (value, err)
        assert "sel H6" in one_line(err) and "terlalu besar" in err
