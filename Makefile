# lkjip: `make report` runs the main job on the bundled sample data, `make test` runs the tests.
# Both create .venv and install the project on first use; later runs reuse it.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
YEAR   ?= 2020
QUARTER ?= 4

.PHONY: report test setup compiled sample-data bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# the package's bytecode, written even where PYTHONDONTWRITEBYTECODE is set (an editable install
# is not compiled by pip): each of a report's three processes would otherwise compile the
# package's modules from source again (0,3 s each); compileall skips what is up to date
compiled: $(STAMP)
	$(PY) -m compileall -q lkjip_helpers

report: $(STAMP) compiled
	$(VENV)/bin/lkjip ingest data/raw/$(YEAR)
	$(VENV)/bin/lkjip report --year $(YEAR) --quarter $(QUARTER)
	@echo "Buka reports/$(YEAR)/TW$(QUARTER)/laporan.html (satu file, bisa dibuka offline)."

test: $(STAMP) compiled
	$(PY) -m pytest

sample-data: $(STAMP)
	$(PY) scripts/make_sample_data.py

bench: $(STAMP) compiled
	$(PY) benchmarks/bench_ingest.py
	$(PY) benchmarks/bench_report.py

clean:
	rm -rf data/processed/* reports/* .pytest_cache
