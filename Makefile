# The README's two commands: `make run` and `make test`. Each does all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
TRANSLATIONS := shared/translations
MO_FILES := $(patsubst %.po,%.mo,$(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po))
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup test-setup browser redis strace speech lint bench screens translations-extract clean

run: setup
	$(BIN)/jono init-db --demo
	$(BIN)/jono serve --host $(HOST) --port $(PORT)

test: test-setup lint
	$(BIN)/pytest

setup: $(STAMP) node_modules/.package-lock.json $(MO_FILES) speech

test-setup: setup browser redis strace

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile -i $< -o $@

# Debian's Chromium for the Playwright tests (Playwright's own browser download cannot work here).
browser:
	@command -v chromium >/dev/null || { apt-get update && apt-get install -y --no-install-recommends chromium; }

# Debian's redis-server for the tests of several `jono serve` processes sharing live events
# (each test starts its own on a free port).
redis:
	@command -v redis-server >/dev/null || { apt-get update && apt-get install -y --no-install-recommends redis-server; }

# Debian's strace for the power-cut test: it records every write and fsync of a burst, so the
# database can be rebuilt as a power cut would leave it (tests/storage/test_power_cut.py).
strace:
	@command -v strace >/dev/null || { apt-get update && apt-get install -y --no-install-recommends strace; }

# espeak-ng speaks the lobby displays' call-outs, offline (without it only the chime plays).
speech:
	@command -v espeak-ng >/dev/null || { apt-get update && apt-get install -y --no-install-recommends espeak-ng; }

translations-extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext --ignore-dirs=".* _* node_modules tests bench" -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching

# Benchmarks against a live `jono serve` on loopback, each with a bare baseline (not in `make test`).
bench: setup
	$(BIN)/python -m bench

# Screenshots of every screen in Finnish at its two sizes, from a live demo server (docs/screens).
screens: setup browser
	$(BIN)/python -m tests.e2e.screens docs/screens

# ruff, and the import-linter contracts that keep dependencies one-way (docs/architecture.md).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) node_modules $(MO_FILES)
