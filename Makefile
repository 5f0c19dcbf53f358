# Attention Atlas. Every target installs what it needs into .venv when missing (a stamp file
# records it) and is quick when it is already there.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SITE_STAMP := $(VENV)/.stamp-site
DEV_STAMP := $(VENV)/.stamp-dev
# axe-core, injected into every page by the browser tests (package.json, package-lock.json).
NODE_STAMP := node_modules/.package-lock.json

.PHONY: help install install-dev install-pretrained serve site test lint format validate bench linkcheck demos demos-check screenshot clean

help:
	@echo "make serve      build the site (ja + en) and serve it on http://127.0.0.1:8000 with reload"
	@echo "make test       install everything and run every test"
	@echo "make site       build the site into site/"
	@echo "make validate   validate resources.yaml"
	@echo "make linkcheck  check the catalogue's links and update linkstatus.json"
	@echo "make demos      re-render the demo outputs the site embeds (skips unchanged demos)"
	@echo "make bench      run the benchmarks (link checker vs lychee, demos, site build)"
	@echo "make lint       ruff check and format check, mypy on tools/ and demos/"
	@echo "make screenshot retake the README's screenshot of a resource page (headless chromium)"

$(PY):
	$(PYTHON) -m venv $(VENV)

# The site needs only the runtime dependencies (no torch). A path-based (compat) editable
# install: new modules are importable at once and start-up stays quick (no import finder).
$(SITE_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e . --config-settings editable_mode=compat
	touch $@

# Tests, demos and benchmarks: pinned CPU torch (requirements-ci.txt) plus the extras.
$(DEV_STAMP): pyproject.toml requirements-ci.txt requirements-pretrained.txt $(SITE_STAMP)
	$(PY) -m pip install -q -r requirements-ci.txt -e '.[demos,pretrained,dev]' --config-settings editable_mode=compat
	$(PY) -m pip install -q --no-deps --require-hashes -r requirements-pretrained.txt
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

install: $(SITE_STAMP)
install-dev: $(DEV_STAMP)

# The pretrained demo alone (make test installs it with everything else).
install-pretrained: $(SITE_STAMP)
	$(PY) -m pip install -q -e '.[demos,pretrained]' --config-settings editable_mode=compat
	$(PY) -m pip install -q --no-deps --require-hashes -r requirements-pretrained.txt

serve: $(SITE_STAMP)
	$(PY) -m tools.site serve

site: $(SITE_STAMP)
	$(PY) -m tools.site build

validate: $(SITE_STAMP)
	$(PY) -m tools.validate resources.yaml

# One pytest-xdist worker per core; tests marked xdist_group share a worker; workers take
# tests in the order tests/conftest.py gives them (the longest first).
test: $(DEV_STAMP) $(NODE_STAMP)
	$(PY) -m pytest -n auto --dist loadgroup --no-loadscope-reorder

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m mypy

format: $(DEV_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(DEV_STAMP)
	@set -e; for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b; done

linkcheck: $(SITE_STAMP)
	$(PY) -m tools.linkcheck

demos: $(DEV_STAMP)
	$(PY) -m demos render

demos-check: $(DEV_STAMP)
	$(PY) -m demos check

screenshot: site $(DEV_STAMP)
	$(PY) -m tools.site.screenshot --out docs/assets/screenshot-resource.png

clean:
	rm -rf site build .pytest_cache .ruff_cache
