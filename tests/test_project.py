"""The project's own promises: environment.yml in step with pyproject, the sample data reproducible."""
import re
import tomllib

import yaml
from conftest import ROOT, SAMPLE

from lkjip_helpers.excel.workbook import open_workbook


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[ ;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _spec(req: str) -> str:
    return req.strip().replace(" ", "").lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["test"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    conda = [d for d in env["dependencies"] if isinstance(d, str)
             and _name(d) not in ("python", "pip")]
    assert sorted(map(_spec, conda)) == sorted(map(_spec, wanted))
    # conda match specs: no pip extras (dask[distributed] is dask + distributed on conda-forge)
    assert not [d for d in conda if "[" in d]
    pip_section = [d for d in env["dependencies"] if isinstance(d, dict)][0]["pip"]
    assert pip_section == ["-e ."]


def test_sample_workbooks_are_what_the_script_writes(tmp_path):
    import runpy
    script = runpy.run_path(str(ROOT / "scripts" / "make_sample_data.py"))
    assert script["main"](["--out", str(tmp_path)]) == 0
    for committed in sorted(SAMPLE.glob("*.xlsx")):
        fresh = tmp_path / committed.name
        a, b = open_workbook(committed), open_workbook(fresh)
        assert [(g.name, g.rows, sorted(g.merged)) for g in a] == \
            [(g.name, g.rows, sorted(g.merged)) for g in b], committed.name


def test_script_refuses_to_overwrite(tmp_path, capsys):
    import runpy
    main = runpy.run_path(str(ROOT / "scripts" / "make_sample_data.py"))["main"]
    main(["--out", str(tmp_path)])
    before = (tmp_path / "pengukuran_kinerja_2020_TW1.xlsx").stat().st_mtime_ns
    main(["--out", str(tmp_path)])
    assert (tmp_path / "pengukuran_kinerja_2020_TW1.xlsx").stat().st_mtime_ns == before
    assert "not overwritten" in capsys.readouterr().err
