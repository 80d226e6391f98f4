# Two commands for a newcomer: `make run` and `make test`. Both create .venv and install.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint bench clean

# pip -qq: only errors. Its warnings (a machine's pip configuration, setuptools' notes on the
# editable install) buried the window's start under some 160 lines; a failure still shows.
$(STAMP): pyproject.toml
	@echo "Casusoverleg: programma en onderdelen installeren in $(VENV) (eenmalig; dat kan enkele minuten duren) ..."
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -qq --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install -qq --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)
	@echo "Casusoverleg: geïnstalleerd."

run: $(STAMP)
	@$(PY) -m ui.xcbcheck
	$(VENV)/bin/casusoverleg --demo

lint: $(STAMP)
	$(VENV)/bin/ruff check casusoverleg ui tests
	$(VENV)/bin/ruff format --check casusoverleg ui tests
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: $(STAMP) lint
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -n auto

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m tests.benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
