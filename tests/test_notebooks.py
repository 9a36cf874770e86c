"""Each notebook executed with papermill on the sample data (kernel named explicitly), with
assertions on what it produced; and the committed notebooks carry no outputs."""
import json

import nbformat
import papermill as pm
import pytest
from conftest import ROOT

NOTEBOOKS = ROOT / "notebooks"


def run(name, tmp_path, **params):
    out = tmp_path / name
    pm.execute_notebook(str(NOTEBOOKS / name), str(out), parameters=params, kernel_name="python3",
                        cwd=str(ROOT), progress_bar=False,
                        extra_arguments=["--IPKernelApp.log_level=ERROR"])
    return nbformat.read(str(out), as_version=4)


def outputs(nb, mime="text/html"):
    return "\n".join(o.get("data", {}).get(mime, "") if isinstance(o.get("data", {}).get(mime), str)
                     else "".join(o.get("data", {}).get(mime, []))
                     for c in nb.cells if c.cell_type == "code" for o in c.outputs)


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_committed_without_outputs_and_with_one_parameters_cell(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    tagged = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    src = "".join(tagged[0]["source"])
    for name in ("year", "quarter", "raw_dir", "processed_dir", "agency"):
        assert f"{name} = " in src
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_ingest_notebook(tmp_path):
    nb = run("ingest.ipynb", tmp_path, processed_dir=str(tmp_path / "processed"))
    assert (tmp_path / "processed" / "budget_lines.parquet").exists()
    text = outputs(nb, "text/plain")
    assert "'kegiatan': 19" in text and "'pagu': 6671923749" in text


def test_reconcile_notebook(tmp_path):
    nb = run("reconcile.ipynb", tmp_path)
    text = outputs(nb, "text/plain")
    assert "PAGU_REVERTED" in outputs(nb) and "error" in text


def test_laporan_notebook_at_tw2(tmp_path):
    nb = run("laporan.ipynb", tmp_path, quarter=2)
    html = outputs(nb)
    assert "Rp 3.407.000.210" in html           # the refocused pagu stated by TW II
    assert "Rp 1.047.264.062" in html
    assert "disajikan pada laporan TW IV" in html  # chapter III waits for TW IV
    assert "<script>" not in html


def test_refocusing_explorer_notebook(tmp_path):
    nb = run("refocusing_explorer.ipynb", tmp_path)
    html = outputs(nb)
    assert "Pagu di lembar" in html and "Rp 2.501.951.000" in html and "Rp 1.009.235.000" in html
    # the ranked overview as a table without an index column: the rank is the first column
    assert "Porsi dari total potongan" in html and "Potongan di TW II" in html
    assert "row_heading" not in html and "index_name" not in html
    views = [o["data"]["application/vnd.jupyter.widget-view+json"] for c in nb.cells
             if c.cell_type == "code" for o in c.outputs
             if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(views) == 1 and views[0]["model_id"]  # the interactive controls were created
    text = outputs(nb, "text/plain")
    assert "<Figure size" not in text


def test_explorer_ranked_overview():
    """Which programs lost most to the refocusing, and how their absorption changed: every
    program, its cut in Rp and %, its share of the total cut, absorption before and after against
    each pagu version; sortable."""
    from decimal import Decimal

    from lkjip_helpers import sections
    from lkjip_helpers.explorer import cut_quarter, overview, overview_data
    an = sections.load(2020, 4, "data/raw/2020")
    assert cut_quarter(an) == 2
    d = overview_data(an, "program")
    assert len(d) == 8
    p = an.rec.programs
    tw = {q: g.set_index("program_key") for q, g in p[p["year"] == 2020].groupby("quarter")}
    for r in d.itertuples():
        before, after = tw[1].loc[r.key, "pagu"], tw[2].loc[r.key, "pagu"]
        assert r.cut == after - before
        assert r.pagu_v1 == before and r.pagu_v2 == after
        if before:
            assert r.cut_pct == (after - before) * 100 / before
            real = tw[4].loc[r.key, "realisasi"]
            assert r.absorption_after_v1 == Decimal(real) * 100 / before
            assert r.absorption_before_v2 == Decimal(tw[1].loc[r.key, "realisasi"]) * 100 / after
    total = sum(d["cut"], Decimal(0))
    assert total == Decimal("-3264923539")
    assert sum(d["share_of_cut_pct"]) == 100
    t = overview(an, "program")
    assert list(t.columns[:5]) == ["No", "Program", "Potongan di TW II", "Potongan (%)",
                                   "Porsi dari total potongan"]
    assert list(t["No"]) == list(range(1, 9))
    assert t["Program"].iloc[0].endswith("Pelayanan Rehabilitasi Perlindungan dan Jaminan Sosial")
    assert t["Potongan di TW II"].iloc[0] == "-Rp 1.492.716.000"
    assert t["Porsi dari total potongan"].iloc[0] == "45,7%"
    assert "Penyerapan TW I thd versi 1" in t.columns and "Penyerapan TW IV thd versi 2" in t.columns
    by_pct = overview(an, "program", "Potongan terbesar (%)")
    assert by_pct["Potongan (%)"].iloc[0] == "-70,9%"            # Pemberdayaan Perempuan
    by_name = overview(an, "program", "Nama")
    assert list(by_name["Program"]) == sorted(by_name["Program"])
    k = overview(an, "kegiatan")
    assert len(k) == 19 and k.columns[1] == "Kegiatan"
    html = __import__("lkjip_helpers.explorer", fromlist=["styled"]).styled(t).to_html()
    assert "row_heading" not in html


def test_explorer_selection():
    from lkjip_helpers import sections
    from lkjip_helpers.explorer import items, selection, selection_data, versions
    an = sections.load(2020, 4, "data/raw/2020")
    progs = items(an, "program")
    assert len(progs) == 8 and len(items(an, "kegiatan")) == 19
    assert [v[1] for v in versions(an)] == [0, 1, 2]  # 0: the report's budget basis first
    key = progs[0][1]
    d = selection_data(an, "program", key, version_quarter=1)
    assert list(d["change"])[1] == 1009235000 - 2501951000
    t = selection(an, "program", key, 2, 3)
    assert list(t["Triwulan"]) == ["TW I", "TW II", "TW III ◀", "TW IV"]
