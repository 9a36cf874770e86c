"""The processed stage (partitioned by agency, stamped with its inputs' hashes) and reading many
files over processes."""
import json

import pandas as pd
import pytest
from lra_sheets import lra_workbook
from test_monthly import write_manifest

from lkjip_helpers.cli import main
from lkjip_helpers.ingest import ingest, raw_inputs, write_tables
from lkjip_helpers.period import Agency
from lkjip_helpers.processed import is_fresh, read_processed
from lkjip_helpers.reconcile import reconcile


def two_agencies(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    rows = []
    for code in ("1", "2"):
        for m in (1, 2, 3):
            name = f"{code}_{m}.xlsx"
            lra_workbook(raw / name, [("5", "B", 1000, 100 * m * int(code)),
                                      ("5.1", "O", 1000, 100 * m * int(code))])
            rows.append([name, code, f"Dinas {code}", "2022", str(m), "", ""])
    return raw, write_manifest(raw / "m.csv", rows)


def test_tables_partitioned_by_agency_and_read_back(tmp_path):
    raw, m = two_agencies(tmp_path)
    data = ingest([raw], manifest=m)
    out = tmp_path / "processed"
    write_tables(data, out, tmp_path)
    assert sorted(p.name for p in out.glob("agency=*")) == ["agency=1", "agency=2"]
    one = pd.read_parquet(out / "agency=2" / "budget_lines.parquet")
    assert set(one["agency_code"]) == {"2"} and len(one) == 3
    back = read_processed(out)
    assert back.budget_lines.equals(data.budget_lines)
    assert back.stated_totals.equals(data.stated_totals)
    stamp = json.loads((out / "inputs.json").read_text())
    assert [f["name"] for f in stamp["files"]] == sorted(
        ["m.csv"] + [f"{c}_{m}.xlsx" for c in "12" for m in (1, 2, 3)])
    assert is_fresh(out, raw_inputs([raw], m))


def test_a_processed_table_is_never_used_for_other_raw_files(tmp_path, capsys):
    raw, m = two_agencies(tmp_path)
    out = tmp_path / "processed"
    assert main(["ingest", str(raw), "--manifest", str(m), "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["reconcile", str(raw), "--manifest", str(m), "--processed", str(out),
                 "--json"]) == 0
    fresh = capsys.readouterr()
    assert "dibaca ulang" not in fresh.err
    # a raw file changes after ingest: the tables are not used, the raw files are read again
    lra_workbook(raw / "1_3.xlsx", [("5", "B", 1000, 50), ("5.1", "O", 1000, 50)])
    assert not is_fresh(out, raw_inputs([raw], m))
    assert main(["reconcile", str(raw), "--manifest", str(m), "--processed", str(out),
                 "--json"]) == 0
    stale = capsys.readouterr()
    assert "dibaca ulang" in stale.err
    codes = [f["code"] for f in json.loads(stale.out)["findings"]]
    assert "REALISASI_DECREASED" in codes  # from the new file: 200 -> 50
    assert "REALISASI_DECREASED" not in [f["code"] for f in json.loads(fresh.out)["findings"]]


def test_reading_over_processes_gives_the_same_tables(tmp_path):
    raw, m = two_agencies(tmp_path)
    one = ingest([raw], manifest=m, workers=1)
    two = ingest([raw], manifest=m, workers=2)
    for name in ("budget_lines", "stated_totals", "row_roles"):
        assert getattr(one, name).equals(getattr(two, name)), name
    assert reconcile(one).findings.equals(reconcile(two).findings)


@pytest.mark.parametrize("cores,load,files,expected", [
    (4, 0.1, 200, 4), (4, 1.2, 200, 3), (2, 0.2, 200, 2), (2, 1.6, 200, 1), (2, 11.0, 200, 1),
    (16, 0.0, 400, 8), (4, 0.0, 40, 4), (4, 0.0, 24, 3), (4, 0.0, 23, 1)])
def test_files_read_over_the_idle_cores(monkeypatch, cores, load, files, expected):
    """Processes only for many files, as many as there are idle cores (at most 8, 8 files each
    at least); on a busy machine the files are read in this process."""
    import os

    from lkjip_helpers import readmany

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert readmany.default_workers(files) == expected


def test_no_progress_bar_off_a_terminal(capsys):
    import io

    from lkjip_helpers.readmany import _bar, _NoBar
    assert isinstance(_bar(1000, io.StringIO()), _NoBar)


def a_run_with_refusals_and_duplicates(tmp_path):
    """Two agencies by manifest, one file refused (not a workbook), one month uploaded twice."""
    raw, m = two_agencies(tmp_path)
    (raw / "rusak.xlsx").write_bytes(b"not a workbook")
    lra_workbook(raw / "1_3b.xlsx", [("5", "B", 1000, 330), ("5.1", "O", 1000, 330)])
    rows = [line.split(",") for line in m.read_text().splitlines()[1:]]
    rows += [["rusak.xlsx", "2", "Dinas 2", "2022", "4", "", ""],
             ["1_3b.xlsx", "1", "Dinas 1", "2022", "3", "", "2022-04-05 10:00:00"]]
    return raw, write_manifest(raw / "m.csv", rows)


def test_processed_tables_keep_the_rest_of_the_run(tmp_path):
    """The annual workbook read, refusals, duplicate periods and unread entries come back with
    the tables (run.json), so a stage reading them loses no finding."""
    from conftest import SAMPLE

    from lkjip_helpers.processed import fresh_tables
    data = ingest([SAMPLE])
    out = tmp_path / "p2020"
    write_tables(data, out, tmp_path)
    back = fresh_tables(out, [SAMPLE])
    assert back is not None and back.skipped == data.skipped
    (a,), (b,) = data.annuals, back.annuals
    assert a.summary == b.summary and a.file == b.file
    for name in ("pk", "results", "budget", "pk_budget", "renja"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.equals(y) and list(x.dtypes) == list(y.dtypes), name
    raw, m = a_run_with_refusals_and_duplicates(tmp_path)
    data = ingest([raw], manifest=m)
    assert data.refused and data.duplicates
    write_tables(data, tmp_path / "p2022", tmp_path)
    back = fresh_tables(tmp_path / "p2022", [raw], m)
    assert back.refused == data.refused and back.duplicates == data.duplicates
    want, got = reconcile(data).findings, reconcile(back).findings
    assert {"FILE_REFUSED", "DUPLICATE_PERIOD"} <= set(got["code"])
    assert got.equals(want)


def test_the_stamp_holds_the_options_that_shape_the_tables(tmp_path):
    from conftest import CLEAN, quarter_sheet, write_xlsx

    from lkjip_helpers.ingest import ingest_options
    from lkjip_helpers.processed import fresh_tables
    raw = tmp_path / "raw"
    raw.mkdir()
    write_xlsx(raw / "a.xlsx", {"S": quarter_sheet(CLEAN, title="TW I 2021")})
    write_tables(ingest([raw], agency="1.02.0.00.0.00.07.0000 Dinas Tujuh"), tmp_path / "p", tmp_path)
    assert fresh_tables(tmp_path / "p", [raw]) is None  # made with --agency: not for a plain run
    back = fresh_tables(tmp_path / "p", [raw], options=ingest_options(agency="1.02.0.00.0.00.07.0000 Dinas Tujuh"))
    assert list(back.agencies) == [Agency("1.02.0.00.0.00.07.0000", "Dinas Tujuh")]


def test_later_stages_read_the_processed_tables_not_the_raw_folder(tmp_path, monkeypatch):
    """Reconcile, the notebooks and the report (sections.load, pipeline.analyse) read
    data/processed/<year> while it was made from exactly the raw files; else the raw folder."""
    import shutil

    from conftest import SAMPLE

    import lkjip_helpers.pipeline as pipeline
    from lkjip_helpers import report, sections
    raw = tmp_path / "raw" / "2020"
    shutil.copytree(SAMPLE, raw)
    processed = tmp_path / "data" / "processed" / "2020"
    write_tables(ingest([raw]), processed, tmp_path)
    want = sections.load(2020, 2, str(raw))

    def no_raw(*a, **k):
        raise AssertionError("the raw folder was read")
    monkeypatch.setattr(pipeline, "ingest", no_raw)
    got = sections.load(2020, 2, str(raw), processed_dir=str(processed))
    assert got.findings.equals(want.findings) and got.rec.totals.equals(want.rec.totals)
    assert got.kinerja is not None and got.agency == want.agency
    assert report._processed(tmp_path, raw, 2020) == str(processed)
    assert report._latest_quarter(raw, 2020, str(processed)) == 4
    # a raw file changes: the processed tables are not used any more
    (raw / "pengukuran_kinerja_2020_TW2.xlsx").write_bytes(
        (SAMPLE / "pengukuran_kinerja_2020_TW1.xlsx").read_bytes())
    assert report._processed(tmp_path, raw, 2020) == ""
    assert report._stale_note(tmp_path, 2020)
    with pytest.raises(AssertionError, match="raw folder was read"):
        sections.load(2020, 2, str(raw), processed_dir=str(processed))


def test_reconciling_over_processes_gives_the_same_tables(tmp_path):
    from lkjip_helpers.reconcile.parallel import chunks
    raw, m = two_agencies(tmp_path)
    data = ingest([raw], manifest=m, workers=1)
    one, two = reconcile(data, workers=1), reconcile(data, workers=2)
    for name in ("findings", "lines", "kegiatan", "programs", "totals", "versions",
                 "program_changes", "pefa"):
        assert getattr(one, name).equals(getattr(two, name)), name
    from types import SimpleNamespace
    groups = [SimpleNamespace(rows=[0] * n) for n in (5, 1, 1, 1, 1, 1)]
    assert [len(c) for c in chunks(groups, 2)] == [1, 5]  # about as many lines each


@pytest.mark.parametrize("cores,load,agencies,lines,expected", [
    (2, 0.1, 50, 13800, 2), (2, 1.6, 50, 13800, 1), (2, 11.0, 50, 13800, 1),
    (8, 0.0, 50, 13800, 4), (4, 0.0, 7, 13800, 1), (4, 0.0, 50, 4999, 1)])
def test_agencies_reconciled_over_the_idle_cores(monkeypatch, cores, load, agencies, lines,
                                                 expected):
    """Processes for many agencies and lines only, as many as there are idle cores (at most 4);
    on a busy machine reconcile stays in this process."""
    import os
    from types import SimpleNamespace

    from lkjip_helpers.reconcile.parallel import default_workers

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    groups = [SimpleNamespace(rows=[0] * (lines // agencies + (i < lines % agencies)))
              for i in range(agencies)]
    assert default_workers(groups) == expected
