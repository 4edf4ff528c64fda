# Tập Số — everything a fresh clone needs, from two commands: `make run`, `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 0.0.0.0
PORT   ?= 5000

PIP    := $(BIN)/pip --quiet --disable-pip-version-check --no-input
# The packages come from hashed lock files (requirements/*.txt, `make lock`): every
# machine installs the same files. Then the app itself, editable, with no download
# (setuptools' notice that an editable install is one is silenced: it is what we asked for).
EDITABLE := PYTHONWARNINGS="ignore:Editable installation" \
	$(PIP) install --no-deps --no-build-isolation -e .

.PHONY: run test setup setup-test catalogues migrate lint check chromium nginx speech bench \
	translations lock wheel provincial audit clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

$(VENV)/.run-installed: requirements/run.txt pyproject.toml | $(BIN)/python
	$(PIP) install --require-hashes -r requirements/run.txt
	$(EDITABLE)
	touch $@

$(VENV)/.test-installed: requirements/test.txt pyproject.toml | $(BIN)/python
	$(PIP) install --require-hashes -r requirements/test.txt
	$(EDITABLE)
	touch $@ $(VENV)/.run-installed

setup: $(VENV)/.run-installed catalogues

setup-test: $(VENV)/.test-installed catalogues

catalogues: | $(BIN)/python $(VENV)/.run-installed
	$(BIN)/pybabel compile --use-fuzzy -d translations 2>&1 | grep -v '^compiling' || true

migrate: setup
	$(BIN)/trainer db upgrade

run: migrate speech
	$(BIN)/trainer serve --host $(HOST) --port $(PORT)

# Debian's chromium for the browser tests (Playwright cannot download its own here).
chromium:
	@test -x /usr/bin/chromium || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-core >/dev/null; }

# Debian's espeak-ng speaks every "Nghe" without a device voice (opusenc keeps the files
# small). Where apt is not allowed, the app runs without it and the volunteer pages say so.
speech:
	@command -v espeak-ng >/dev/null && command -v opusenc >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends espeak-ng opus-tools >/dev/null; } || \
	  echo "espeak-ng not installed: 'Nghe' plays recordings and device voices only."

lint: setup-test
	$(BIN)/ruff check trainer tests benchmarks

check: setup
	$(BIN)/trainer check lessons

# Debian's nginx for the provincial set-up test (tests/deploy/), run as a plain process.
nginx:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null; }

# One test process per core (pytest-xdist); a file's tests stay together in one process,
# sharing its server. A single file runs alone as usual: `.venv/bin/pytest tests/x.py`.
test: setup-test chromium nginx speech lint
	$(BIN)/trainer check lessons
	$(BIN)/pytest --numprocesses auto --dist loadfile

# The provincial set-up for real: PostgreSQL, two servers, nginx, a server killed mid-lesson.
provincial: setup-test nginx
	PATH="$(CURDIR)/$(BIN):$$PATH" deploy/provincial-test.sh

# The wheel and sdist a release publishes, into dist/.
wheel: setup-test
	$(BIN)/python -m build --no-isolation --outdir dist .

# After changing dependencies in pyproject.toml: pin them again, with hashes (needs PyPI).
lock: | $(BIN)/python
	$(PIP) install uv
	for lock in run test; do extras="--extra postgres"; \
	  test $$lock = test && extras="$$extras --extra test"; \
	  $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	    --custom-compile-command "make lock" $$extras \
	    -o requirements/$$lock.txt pyproject.toml requirements/build.in; done

# Known vulnerabilities in the pinned packages of the lock files (needs the network:
# PyPI's advisory database). Run before a release on a machine with internet.
audit: | $(BIN)/python
	$(PIP) install pip-audit
	$(BIN)/pip-audit --disable-pip --require-hashes --progress-spinner off \
	  -r requirements/run.txt -r requirements/test.txt

# Re-extract UI strings after changing templates or code; then translate the new ones.
translations: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -o translations/messages.pot --no-location --sort-output --project "Tap So" .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --ignore-obsolete --no-fuzzy-matching
	# the problems `trainer check` reports: English in the code, Vietnamese catalogue
	$(BIN)/pybabel extract --no-default-keywords -k P_ -o translations/problems.pot --no-location --sort-output --project "Tap So" trainer
	$(BIN)/pybabel update -D problems -i translations/problems.pot -d translations -l vi --ignore-obsolete --no-fuzzy-matching

# Lighthouse (npm) for the phone figures, in a local folder, never installed globally.
LIGHTHOUSE_VERSION := 12.8.2
LIGHTHOUSE := benchmarks/.lighthouse/node_modules/.bin/lighthouse
$(LIGHTHOUSE):
	@command -v npm >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null; }
	npm install --silent --no-audit --no-fund --prefix benchmarks/.lighthouse lighthouse@$(LIGHTHOUSE_VERSION)

# Benchmarks against a bare-Flask baseline (wrk from Debian, locust from PyPI), and the
# phone figures (Lighthouse, page heights, screen text sizes); ~12 minutes.
# Writes benchmarks/results.md; exits 1 if a target is missed.
bench: setup-test speech chromium $(LIGHTHOUSE)
	@command -v wrk >/dev/null || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) instance .pytest_cache build dist
