# factcheck — run `make help` for the list of targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
AXE := tests/browser/axe/node_modules/axe-core/axe.min.js
HOST ?= 127.0.0.1
PORT ?= 5000
SHARED ?= ../shared
# make test runs on TEST_WORKERS pytest-xdist workers (a database and a folder each; CI has 2
# cores), each test module whole on one worker, modules handed out in collection order (slow
# tests are collected first: tests/conftest.py); TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= 2
# Hashed lock files (make lock): the app alone, the app with its dev and train extras, and those
# with Locust for make loadtest (the same versions as dev.txt: it is resolved under it).
APP_LOCK := requirements/app.txt
DEV_LOCK := requirements/dev.txt
LOAD_LOCK := requirements/load.txt
# requirements/overrides.txt drops sentence-transformers (and so torch): see that file.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 \
  --overrides requirements/overrides.txt --generate-hashes --index-url https://pypi.org/simple --custom-compile-command "make lock" \
  --quiet $(if $(UPGRADE),--upgrade)

.PHONY: help install lock run test lint format bench eval eval-claimants train chromium axe clean loadtest vocab translations

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

# Exactly the locked versions, each checked against its hash; then the project itself, without
# resolving anything (setuptools, its build backend, is in the lock).
$(INSTALLED): $(DEV_LOCK) pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

install: $(INSTALLED) ## Create .venv and install the locked dev + train set (requirements/dev.txt), then the project

# The interface's catalogues (Flask-Babel): English is the source text, French the translation.
CATALOGUES := factcheck/translations
POT := $(CATALOGUES)/messages.pot
PYBABEL := $(BIN)/pybabel

translations: install ## Extract the interface's messages, update the French catalogue, compile it (the .mo ships)
	$(PYBABEL) extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
	  --project factcheck --copyright-holder "factcheck" -o $(POT) .
	$(PYBABEL) update -i $(POT) -d $(CATALOGUES) --no-wrap --ignore-obsolete --no-fuzzy-matching
	$(PYBABEL) compile --statistics -d $(CATALOGUES)

lock: install ## Re-resolve requirements/app.txt and dev.txt from pyproject.toml on PyPI, with hashes (UPGRADE=1: newest versions)
	$(UV_COMPILE) -o $(APP_LOCK)
	$(UV_COMPILE) --extra dev --extra train -o $(DEV_LOCK)
	$(UV_COMPILE) --extra dev --extra train --extra load --constraint $(DEV_LOCK) -o $(LOAD_LOCK)

instance/secret_key:
	@mkdir -p instance
	@umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))' > $@
	@echo "generated instance/secret_key"

run: install instance/secret_key ## Migrate the SQLite database, load seeds, demo users and the worked example, serve on :5000 with a job worker
	$(BIN)/factcheck init
	$(BIN)/factcheck seed --demo-users --worked-example
	@echo "Serving on http://$(HOST):$(PORT)/ with a background job worker (Ctrl-C stops both)"
	@export FACTCHECK_SESSION_COOKIE_SECURE=false FACTCHECK_ORG_URL=http://$(HOST):$(PORT)/; \
	  $(BIN)/factcheck worker & worker=$$!; \
	  trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	  trap 'exit 0' INT TERM; \
	  $(BIN)/gunicorn --workers 2 --threads 4 --bind $(HOST):$(PORT) --access-logfile - 'factcheck:create_app()'

chromium: ## Install Debian's Chromium for the browser tests when it is missing
	@test -x $(CHROMIUM) || { echo "installing chromium from Debian"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

$(AXE): tests/browser/axe/package.json tests/browser/axe/package-lock.json
	@command -v npm >/dev/null || { echo "installing npm from Debian"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	cd tests/browser/axe && npm ci --no-audit --no-fund --silent
	@touch $@

axe: $(AXE) ## Install axe-core for the accessibility tests (npm ci from tests/browser/axe's lock file)

test: install chromium axe ## Run the whole test suite (TEST_WORKERS=2: on xdist workers) (PostgreSQL too when FACTCHECK_TEST_POSTGRES_URL is set)
	@if [ -z "$$FACTCHECK_TEST_POSTGRES_URL" ]; then \
	  echo "NOTE: FACTCHECK_TEST_POSTGRES_URL is not set: PostgreSQL tests will be skipped (SQLite only)"; fi
	$(BIN)/pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder)

lint: install ## ruff check, ruff format --check, mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install ## Apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install ## Benchmarks: ratios against bare baselines (BENCH_ARGS="--postgres URL --count 1000000 --full")
	$(BIN)/python bench/run.py $(BENCH_ARGS)

loadtest: install ## Load test gunicorn on SQLite and PostgreSQL (fc_load) with Locust, 50 users; DURATION=60 s each
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOAD_LOCK)
	$(BIN)/python bench/loadtest.py --duration $${DURATION:-60} $(LOADTEST_ARGS)

eval: install ## Held-out figures: check-worthiness (French dev + leave-one-article-out, claimants, quantities, English grouped-CV and dev-test) and fact-check matching (CheckThat! 2020 dev) (the train extra, in the dev lock)
	@test -d $(SHARED)/data/ct24-checkworthy-en || { echo "make eval needs $(SHARED)/data/ct24-checkworthy-en"; exit 1; }
	@test -d $(SHARED)/data/fr-checkworthy || { echo "make eval needs $(SHARED)/data/fr-checkworthy"; exit 1; }
	$(BIN)/python -u -m factcheck.extraction.evaluate --data $(SHARED)/data/ct24-checkworthy-en \
	  --fr-data $(SHARED)/data/fr-checkworthy
	@test -d $(SHARED)/data/claim-retrieval-en || { echo "make eval needs $(SHARED)/data/claim-retrieval-en"; exit 1; }
	@echo "== fact-check matching, CheckThat! 2020 Task 2 dev (weights chosen by CV on train):" && \
	  $(BIN)/python -m factcheck.memory.evaluate --data $(SHARED)/data/claim-retrieval-en

eval-claimants: install ## French claimant figure on train only, with its misses (for tuning the rules without reading dev)
	$(BIN)/python -m factcheck.extraction.evaluate --fr-data $(SHARED)/data/fr-checkworthy --claimants train --errors

train: install ## Refit the weights (English: several minutes; KEEP_EN=1 refits French only) (the train extra, in the dev lock)
	$(BIN)/python -u -m factcheck.extraction.train --fr-data $(SHARED)/data/fr-checkworthy \
	  $(if $(KEEP_EN),--keep-en factcheck/extraction/model/checkworthy.json,--data $(SHARED)/data/ct24-checkworthy-en) \
	  -o factcheck/extraction/model/checkworthy.json

vocab: install ## Rebuild the packaged schema.org 30.0 subset from $(SHARED)/data/schemaorg-30.0 (tools/make_vocab.py)
	$(BIN)/python -m tools.make_vocab --source $(SHARED)/data/schemaorg-30.0/schemaorg-current-https.jsonld

clean: ## Remove caches and test artifacts (keeps .venv and instance/)
	rm -rf .pytest_cache .mypy_cache .ruff_cache artifacts
