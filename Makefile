# One way to do each thing: CI, pre-commit and people call these targets.
# `make build` and `make test` install whatever is missing first.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
SUDO   := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: build test check serve validate linkcheck lint install npm browser pdf pdf-deps lock bench edition-trial clean

## install: create .venv and install the locked dependencies (only when the lock changed)
## (requirements.txt: every package pinned with hashes, compiled from pyproject.toml; `make lock`)
install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt
	touch $(STAMP)

## lock: re-compile requirements.txt from pyproject.toml (after changing a pin there)
lock: $(STAMP)
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --universal --python-version 3.11 -o requirements.txt

## npm: install the pinned JavaScript packages (ECharts, esbuild, resvg, Noto Sans SC) when package-lock.json changed
npm: $(NPM_STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NPM_STAMP)

## browser: Debian's Chromium and CJK fonts, for the browser tests and benchmarks only (installed when missing);
## building and previewing the site need no browser, no apt and no root
browser:
	@{ command -v chromium && dpkg -s fonts-noto-cjk; } >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update && \
	  $(SUDO) apt-get install -y --no-install-recommends chromium fonts-noto-cjk; }

## pdf-deps: Pango and the CJK fonts WeasyPrint needs to typeset the PDFs (installed when missing)
pdf-deps:
	@{ ldconfig -p | grep -q libpangoft2-1.0 && dpkg -s fonts-noto-cjk; } >/dev/null 2>&1 || { \
	  $(SUDO) apt-get update && \
	  $(SUDO) apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk; }

## validate: check every dataset (exit 1 when anything is invalid); FORMAT=github in CI
validate: $(STAMP)
	$(PY) -m pipeline validate $(if $(FORMAT),--format $(FORMAT))

## linkcheck: check every link inside the built site/ offline (run make build and make pdf first); FORMAT=github in CI
linkcheck: $(STAMP)
	$(PY) -m pipeline linkcheck site $(if $(FORMAT),--format $(FORMAT))

## pdf: each published edition as a PDF into the built site/data/, SHA256SUMS updated (after make build)
pdf: $(STAMP) pdf-deps
	$(PY) -m pipeline pdf

## build: install, validate, build the site into site/; FORMAT=github in CI (annotations, summary)
build: $(STAMP) $(NPM_STAMP)
	$(PY) -m pipeline build $(if $(FORMAT),--format $(FORMAT))

## test: install, run every test, on two workers: the site is built once for both (the first
## worker to need it builds it, tests/sitebuild.py), test files are not split between them
## (--dist loadfile), so a file's fixtures are built once
test: $(STAMP) $(NPM_STAMP) browser pdf-deps
	$(PY) -m pytest -n 2 --dist loadfile

## check: the fast subset for the edit loop (unit, contract and in-process corpus tests; no
## browser, no site build), on every core; `make test` runs everything
CHECK_MARKS := not site and not browser and not slow
check: $(STAMP) $(NPM_STAMP)
	$(PY) -m pytest -n auto -q -m "$(CHECK_MARKS)"

## bench: speed and weight benchmarks with Lighthouse (installs it into benchmarks/node_modules); GROWTH=1 adds the growth benchmark; not a test
bench: $(STAMP) $(NPM_STAMP) browser
	$(PY) benchmarks/run.py $(if $(WRITE),--write) $(if $(GROWTH),--growth)

## edition-trial: in a clone of HEAD (TRIAL=folder, default a new temporary one), add next year's edition and
## correct a published figure as staff do, check the 修订 marks, run every test there; not part of `make test`
edition-trial: $(STAMP) $(NPM_STAMP) browser pdf-deps
	$(PY) benchmarks/edition_trial.py $(TRIAL)

## lint: ruff and mypy, a step of its own (.ci/run and CI call it beside make test)
lint: $(STAMP)
	$(PY) -m ruff check pipeline tests benchmarks
	$(PY) -m mypy pipeline

## serve: live preview
serve: $(STAMP) $(NPM_STAMP)
	$(PY) -m pipeline serve

clean:
	rm -rf site .build
