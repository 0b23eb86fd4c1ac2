# The two commands in the README: `make demo` and `make test`. Both build .venv from the
# pinned lock file first, so a fresh clone needs nothing but python3 (>= 3.11).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DB ?= detente.db
SAMPLE := src/detente/data/sample_corpus

.PHONY: demo test lint typecheck check bench clean install browser serve

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "detente needs Python >= 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/detente --db $(DB) ingest $(SAMPLE) --quiet
	$(BIN)/detente --db $(DB) stats
	@echo
	@echo "Web app and API:  $(BIN)/detente --db $(DB) serve   ->  http://127.0.0.1:8000/  (API docs: /docs)"
	@echo "  pages: /stories  /dyads?a=RUS&b=ARM&by=month  /alliances?code=CSTO  /claims  /quotes  /articles  /actors  /network"

# Debian's chromium for the browser tests (Playwright drives it; no browser download).
# Skipped when DETENTE_SKIP_BROWSER=1, in which case the browser tests skip too.
browser:
ifneq ($(DETENTE_SKIP_BROWSER),1)
	test -x /usr/bin/chromium || ( \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium )
endif

test: $(STAMP) browser
	$(BIN)/python -m pytest -q -n 2 --dist loadfile
	$(MAKE) --no-print-directory lint typecheck

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks $(wildcard scripts)
	$(BIN)/ruff format --check src tests benchmarks $(wildcard scripts)

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_ingest.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist src/*.egg-info
