# Tập Số — everything a fresh clone needs, from two commands: `make run`, `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test setup setup-test catalogues migrate lint check chromium bench translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.run-installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.run-installed catalogues

setup-test: $(VENV)/.test-installed catalogues

catalogues: $(VENV)/.run-installed
	$(BIN)/pybabel compile --use-fuzzy -d translations 2>&1 | grep -v '^compiling' || true

migrate: setup
	$(BIN)/trainer db upgrade

run: migrate
	$(BIN)/trainer serve --host $(HOST) --port $(PORT)

# Debian's chromium for the browser tests (Playwright cannot download its own here).
chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-core >/dev/null; }

lint: setup-test
	$(BIN)/ruff check trainer tests benchmarks

check: setup
	$(BIN)/trainer check lessons

test: setup-test chromium lint
	$(BIN)/trainer check lessons
	$(BIN)/pytest

# Re-extract UI strings after changing templates or code; then translate the new ones.
translations: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -o translations/messages.pot --no-location --sort-output --project "Tap So" .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --ignore-obsolete --no-fuzzy-matching

# Benchmarks against a bare-Flask baseline (wrk from Debian, locust from PyPI); ~6 minutes.
# Writes benchmarks/results.md; exits 1 if a target is missed.
bench: setup-test
	@command -v wrk >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) instance .pytest_cache
