"""Faults survived (issue 9, points 7 and 8): signals, kill -9 at random moments, a dead kernel,
a crash between the steps that replace the report, leftovers of dead runs, two runs at once.

Each run is a real ``lkjip report --format html`` in a process of its own (a few seconds each)."""
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CLEAN, quarter_sheet, write_xlsx
from hostile import tree_digest

from lkjip_helpers import runs


@pytest.fixture
def raw(tmp_path):
    folder = tmp_path / "raw" / "2020"
    folder.mkdir(parents=True)
    write_xlsx(folder / "TW1.xlsx", {"TW I": quarter_sheet(CLEAN, "TRIWULAN I 2020")})
    return folder


def report_cmd(raw: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "lkjip_helpers.cli", "report", "--year", "2020", "--quarter",
            "1", "--raw", str(raw), "--out", str(out), "--format", "html"]


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    out, todo = set(), [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.add(c)
            todo.append(c)
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def wait_gone(pids: set[int], seconds: float = 5) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(p) for p in pids):
        time.sleep(0.1)
    return {p for p in pids if alive(p)}


def kernels_of(pid: int) -> set[int]:
    return {p for p in descendants(pid) if b"ipykernel" in _cmdline(p)}


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def assert_report_whole(folder: Path):
    assert (folder / "laporan.html").stat().st_size > 10_000
    assert (folder / "temuan.xlsx").exists() and (folder / "laporan.ipynb").exists()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_signals_clean_up_and_exit_128_plus_n(sig, raw, tmp_path):
    out = tmp_path / "out"
    before = tree_digest(raw.parent)
    # a shell running `make test &` starts it with SIGINT ignored; an interactive user's is not
    proc = subprocess.Popen(report_cmd(raw, out), stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not kernels_of(proc.pid) and time.monotonic() < deadline:  # stop it mid-run
        time.sleep(0.05)
    family = descendants(proc.pid)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig, err
    assert err.strip().splitlines() == [f"lkjip: dihentikan ({signal.Signals(sig).name})"]
    assert wait_gone(family) == set()  # no kernel, no worker outlives the run
    assert not (out / "2020").exists() or list((out / "2020").iterdir()) == []
    assert tree_digest(raw.parent) == before


def test_a_killed_kernel_is_a_clear_exit(raw, tmp_path):
    proc = subprocess.Popen(report_cmd(raw, tmp_path / "out"), stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not kernels_of(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    for k in kernels_of(proc.pid):
        os.kill(k, signal.SIGKILL)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 4, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "kernel Python mati" in lines[0], err


def test_kills_at_random_moments_leave_old_or_new_report(raw, tmp_path):
    """kill -9 of the whole command at random moments (fixed seed): the report folder always
    holds a whole report, nothing of the dead run keeps running, and the next run removes its
    leftovers."""
    out = tmp_path / "out"
    subprocess.run(report_cmd(raw, out), check=True, capture_output=True)
    folder = out / "2020" / "TW1"
    assert_report_whole(folder)
    before = tree_digest(raw.parent)
    rng = random.Random(9)
    for _ in range(3):
        proc = subprocess.Popen(report_cmd(raw, out), stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 6.0))
        family = descendants(proc.pid)
        proc.kill()
        proc.wait()
        assert_report_whole(folder)
        assert wait_gone(family, 5) == set()
    left = [p for p in (out / "2020").iterdir() if p.name.startswith(".")]
    subprocess.run(report_cmd(raw, out), check=True, capture_output=True)
    assert_report_whole(folder)
    assert [p.name for p in (out / "2020").iterdir()] == ["TW1"], left
    assert tree_digest(raw.parent) == before


def test_two_runs_at_once_end_with_one_whole_report(raw, tmp_path):
    out = tmp_path / "out"
    procs = [subprocess.Popen(report_cmd(raw, out), stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=180)
        assert p.returncode == 0, err
    assert_report_whole(out / "2020" / "TW1")
    assert [p.name for p in (out / "2020").iterdir()] == ["TW1"]


def test_a_crash_between_the_two_renames_is_repaired(tmp_path, monkeypatch):
    folder = tmp_path / "2020" / "TW1"
    folder.mkdir(parents=True)
    (folder / "laporan.html").write_text("lama")
    new = runs.make_temp(folder)
    (new / "laporan.html").write_text("baru")
    monkeypatch.setattr(runs, "_exchange", lambda a, b: False)  # a system without the exchange

    def crash(step):
        raise KeyboardInterrupt(step)

    with pytest.raises(KeyboardInterrupt):
        runs.swap_in(new, folder, crash_hook=crash)
    assert not folder.exists()  # the instant the fallback cannot avoid
    monkeypatch.setattr(runs, "_alive", lambda pid: False)  # as if that run had died
    runs.repair(folder)
    assert (folder / "laporan.html").read_text() == "lama"


def test_the_exchange_keeps_a_report_at_every_instant(tmp_path):
    folder = tmp_path / "2020" / "TW1"
    folder.mkdir(parents=True)
    (folder / "laporan.html").write_text("lama")
    new = runs.make_temp(folder)
    (new / "laporan.html").write_text("baru")
    seen = []
    runs.swap_in(new, folder, crash_hook=lambda step: seen.append(
        (folder / "laporan.html").read_text()))
    assert seen == ["baru"] and (folder / "laporan.html").read_text() == "baru"
    assert [p.name for p in folder.parent.iterdir()] == ["TW1"]


def test_leftovers_are_removed_by_pid_and_age_never_a_live_runs(tmp_path):
    folder = tmp_path / "2020" / "TW4"
    folder.parent.mkdir(parents=True)
    live = subprocess.Popen(["sleep", "30"])
    try:
        dead = subprocess.Popen(["true"])
        dead.wait()
        names = {f".TW4-{dead.pid}-abc": True, f".TW4-{live.pid}-abc": False,
                 f".TW4-old-{dead.pid}": True, ".TW4-k3j2l1": False,  # old style, young
                 "..TW4-k3j2l1.prepared.charts": False, ".TW3-1-x": False, "notes": False}
        for name in names:
            (folder.parent / name).mkdir()
        removed = {p.name for p in runs.cleanup(folder)}
        assert removed == {n for n, gone in names.items() if gone}
        # a day later even the live pid's folder is a leftover (the pid was reused)
        removed = {p.name for p in runs.cleanup(folder, now=time.time() + runs.MAX_AGE + 1)}
        assert removed == {f".TW4-{live.pid}-abc", ".TW4-k3j2l1", "..TW4-k3j2l1.prepared.charts"}
    finally:
        live.kill()
        live.wait()


def test_a_worker_whose_parent_died_while_it_started_exits_at_once():
    """``PR_SET_PDEATHSIG`` is never sent when the parent died before it was set (a kill -9 while
    the worker or the kernel was starting): the pid given is no longer the parent, it exits."""
    code = ("import os, sys; from lkjip_helpers.prepare import die_with_parent; "
            "die_with_parent(int(sys.argv[1])); print('alive')")
    gone = subprocess.run([sys.executable, "-c", code, str(os.getpid() + 10 ** 6)],
                          capture_output=True, text=True)
    here = subprocess.run([sys.executable, "-c", code, str(os.getpid())],
                          capture_output=True, text=True)
    assert (gone.returncode, gone.stdout) == (0, "")
    assert (here.returncode, here.stdout) == (0, "alive\n")
