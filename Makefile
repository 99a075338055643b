# MSP Outcomes. `make run` serves the app; `make test` runs every test; `make demo` serves
# the app on a separate database of synthetic data. Needs Python >= 3.11 and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8501
STREAMLIT_FLAGS := --server.address $(HOST) --server.port $(PORT) --server.headless true \
	--browser.gatherUsageStats false
DEMO_DATABASE_URL := sqlite:///data/demo.sqlite3
# Test processes in parallel (pytest-xdist): one per core. `make test PYTEST_WORKERS=0` runs
# the suite in one process.
PYTEST_WORKERS ?= auto

.PHONY: run demo test lint format migrate clean-venv help

help:
	@echo "make run    - install, migrate the database and serve the app on http://$(HOST):$(PORT)"
	@echo "make demo   - the same app on data/demo.sqlite3, filled with synthetic data"
	@echo "make test   - install the test dependencies and run the whole suite"
	@echo "make lint   - ruff lint and format check"

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

migrate: $(VENV)/.installed
	$(BIN)/msp migrate

run: $(VENV)/.installed
	$(BIN)/msp migrate
	$(BIN)/python -m streamlit run streamlit_app.py $(STREAMLIT_FLAGS)

demo: $(VENV)/.installed
	MSP_DATABASE_URL=$(DEMO_DATABASE_URL) $(BIN)/msp migrate
	MSP_DATABASE_URL=$(DEMO_DATABASE_URL) MSP_DEMO=1 \
		$(BIN)/python -m streamlit run streamlit_app.py $(STREAMLIT_FLAGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(VENV)/.installed-test lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean-venv:
	rm -rf $(VENV)
