# lkjip: `make report` runs the main job on the bundled sample data, `make test` runs the tests.
# Both create .venv and install the project on first use; later runs reuse it.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
YEAR   ?= 2020
QUARTER ?= 4

.PHONY: report test setup sample-data bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

report: $(STAMP)
	$(VENV)/bin/lkjip ingest data/raw/$(YEAR)
	$(VENV)/bin/lkjip report --year $(YEAR) --quarter $(QUARTER)
	@echo "Buka reports/$(YEAR)/TW$(QUARTER)/laporan.html (satu file, bisa dibuka offline)."

test: $(STAMP)
	$(PY) -m pytest

sample-data: $(STAMP)
	$(PY) scripts/make_sample_data.py

bench: $(STAMP)
	$(PY) benchmarks/bench_ingest.py
	$(PY) benchmarks/bench_report.py

clean:
	rm -rf data/processed/* reports/* .pytest_cache
