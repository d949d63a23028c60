# truce — the commands a new user and CI run.  `make demo`, `make lint`, `make test`, `make bench`.
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
OUT     ?= out/demo

.PHONY: help install demo lint test bench clean pg test-pg

help:
	@echo "make demo   - create .venv, install truce, run the main job on the embedded default"
	@echo "make lint   - ruff check the whole repository (rules in pyproject.toml)"
	@echo "make test   - run the whole test suite"
	@echo "make bench  - run the benchmarks in benchmarks/ (throughput beside a baseline)"
	@echo "make pg     - install/start PostgreSQL + PostGIS (Debian packages), print TRUCE_TEST_PG_URL"
	@echo "make test-pg - the storage contract suite on SQLite and PostgreSQL"

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/truce demo --out $(OUT)

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 -q

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) out build *.egg-info src/*.egg-info .pytest_cache

# PostgreSQL + PostGIS for the storage tests (what .ci/run does before `make test`): installs the
# Debian packages when missing, starts the cluster, creates role/database truce_test.
pg:
	@url=$$(bash .ci/pg-setup) && echo "PostgreSQL ready; for the tests:" && \
	  echo "  export TRUCE_TEST_PG_URL=$$url"

test-pg: $(STAMP)
	url=$$(bash .ci/pg-setup) && TRUCE_TEST_PG_URL=$$url $(BIN)/python -m pytest -n 2 -q tests/unit/storage
