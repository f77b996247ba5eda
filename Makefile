# OpenJXC — `make run` (install + demo data + serve) and `make test` (install + whole suite).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DATA ?= data
PORT ?= 8000
HOST ?= 127.0.0.1
PG_URL ?= $(OPENJXC_TEST_DATABASE_URL)

.PHONY: run reset-demo install install-test test test-sqlite test-pg browser-deps bench fuzz lint clean

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	@test -f $(DATA)/openjxc.sqlite3 || $(BIN)/jxc init --data-dir $(DATA) --admin-user admin --admin-password admin123 --demo
	@echo "OpenJXC: http://$(if $(filter 0.0.0.0,$(HOST)),<this computer's address>,$(HOST)):$(PORT)/  (user admin, password admin123; Ctrl+C stops it)"
	$(BIN)/jxc serve --data-dir $(DATA) --host $(HOST) --port $(PORT)

# Throw the demo books away and start again with fresh ones (asks first).
reset-demo: install
	@printf "Delete $(DATA) (all its books and backups) and create new demo books? [y/N] " && read answer && [ "$$answer" = y ]
	rm -rf $(DATA)
	$(BIN)/jxc init --data-dir $(DATA) --admin-user admin --admin-password admin123 --demo

# Chromium for the browser tests (Debian package; skipped where apt is not available).
browser-deps:
	@test -x /usr/bin/chromium || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
		(apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null) || \
		echo "note: /usr/bin/chromium missing and cannot be installed here; browser tests will fail"; }

test: install-test browser-deps
	$(BIN)/ruff check openjxc tests bench scripts
	$(BIN)/ruff format --check openjxc tests bench scripts
	$(BIN)/pytest -q -n 2 --durations=20
	@if [ -n "$(PG_URL)" ]; then $(MAKE) --no-print-directory test-pg; fi

test-pg: install-test
	OPENJXC_DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -n 2 --durations=30

bench: install-test
	$(BIN)/python -m bench

# schema fuzzing of the served OpenAPI document against a real `jxc serve` (minutes; not part of `make test`)
fuzz: install-test
	$(BIN)/python scripts/fuzz.py

lint: install-test
	$(BIN)/ruff check openjxc tests bench scripts
	$(BIN)/ruff format --check openjxc tests bench scripts

clean:
	rm -rf $(VENV) *.egg-info
