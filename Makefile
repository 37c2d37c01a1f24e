# The project's whole vocabulary. Every target creates .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help demo test bench lint notebook clean

help:
	@echo "make demo   plan the bundled synthetic county, write out/demo (map.html, plan.json, report.html, CSV)"
	@echo "make test   run the test suite"
	@echo "make bench  run the benchmarks (public instance sets, scale runs)"
	@echo "make lint   ruff"
	@echo "make notebook  run notebooks/walkthrough.ipynb and save it with its outputs"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	# bytecode of the project's own modules, as an installed wheel has it (about 0.2 s a run)
	$(BIN)/python -m compileall -q geodata optimizer benchmarks >/dev/null
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/schoolplan run scenarios/demo.yaml --out out/demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m benchmarks all

lint: $(STAMP)
	$(BIN)/ruff check geodata optimizer benchmarks tests
	$(BIN)/ruff format --check geodata optimizer benchmarks tests

notebook: $(STAMP)
	$(BIN)/python notebooks/execute.py

clean:
	rm -rf $(VENV) out
