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
	$(VENV)/bin/ruff check casusoverleg ui tests packaging
	$(VENV)/bin/ruff format --check casusoverleg ui tests packaging
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# PYTHONDONTWRITEBYTECODE (set on some machines) would make each of the tests' hundreds of
# command-line runs compile the project again; its .pyc files go in the (ignored) __pycache__.
test: $(STAMP) lint
	QT_QPA_PLATFORM=offscreen PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -q -n auto

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m tests.benchmarks

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache

# `make dist`: the self-contained one-folder app in dist/casusoverleg/ (PyInstaller, from
# packaging/casusoverleg.spec) and dist/casusoverleg-<versie>-linux-<arch>.tar.gz. PyInstaller's
# own output goes to build/pyinstaller.log and is shown only when the build fails.
# `make dist-check`: the bundle, run with an empty environment (packaging/dist_check.py).
.PHONY: dist dist-check
DIST_STAMP := $(VENV)/.dist-stamp

$(DIST_STAMP): $(STAMP) pyproject.toml
	@echo "Casusoverleg: PyInstaller installeren in $(VENV) (eenmalig) ..."
	@$(PY) -m pip install -qq --disable-pip-version-check -e '.[dev,dist]'
	@touch $(DIST_STAMP)

dist: $(DIST_STAMP)
	@echo "Casusoverleg: bundel bouwen in dist/casusoverleg/ (enkele minuten) ..."
	@rm -rf dist/casusoverleg
	@mkdir -p build
	@$(PY) -m PyInstaller --noconfirm --log-level WARN --distpath dist \
		--workpath build/pyinstaller packaging/casusoverleg.spec > build/pyinstaller.log 2>&1 \
		|| { cat build/pyinstaller.log; echo "Casusoverleg: bouwen mislukt (zie hierboven)."; exit 1; }
	@cp packaging/linux/casusoverleg.desktop resources/icons/casusoverleg.svg dist/casusoverleg/
	@# Off Windows the two programs are the same bytes (only Windows marks one windowless): one
	@# file under two names (a hard link; the launcher goes by the name) saves 15 MB.
	@if cmp -s dist/casusoverleg/casusoverleg dist/casusoverleg/casusoverleg-gui; then \
		ln -f dist/casusoverleg/casusoverleg dist/casusoverleg/casusoverleg-gui; fi
	@version=$$($(PY) -c 'import casusoverleg; print(casusoverleg.__version__)') && \
		archive=dist/casusoverleg-$$version-linux-$$(uname -m).tar.gz && \
		tar -C dist -czf $$archive casusoverleg && \
		echo "Casusoverleg: bundel klaar: dist/casusoverleg/ ($$(du -sh dist/casusoverleg | cut -f1)), $$archive ($$(du -sh $$archive | cut -f1))."

dist-check: dist
	@$(PY) packaging/dist_check.py dist/casusoverleg
