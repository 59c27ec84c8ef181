# factcheck — run `make help` for the list of targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 5000
SHARED ?= ../shared

.PHONY: help install run test lint format bench eval train chromium clean loadtest

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(INSTALLED) ## Create .venv and install the project with its dev tools

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

test: install chromium ## Run the whole test suite (PostgreSQL too when FACTCHECK_TEST_POSTGRES_URL is set)
	@if [ -z "$$FACTCHECK_TEST_POSTGRES_URL" ]; then \
	  echo "NOTE: FACTCHECK_TEST_POSTGRES_URL is not set: PostgreSQL tests will be skipped (SQLite only)"; fi
	$(BIN)/pytest

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
	$(BIN)/python -m pip install --quiet -e '.[dev,load]'
	$(BIN)/python bench/loadtest.py --duration $${DURATION:-60} $(LOADTEST_ARGS)

eval: install ## Held-out figures: check-worthiness (French dev + leave-one-article-out, claimants, quantities, English grouped-CV and dev-test) and fact-check matching (CheckThat! 2020 dev)
	@test -d $(SHARED)/data/ct24-checkworthy-en || { echo "make eval needs $(SHARED)/data/ct24-checkworthy-en"; exit 1; }
	@test -d $(SHARED)/data/fr-checkworthy || { echo "make eval needs $(SHARED)/data/fr-checkworthy"; exit 1; }
	$(BIN)/python -u -m factcheck.extraction.evaluate --data $(SHARED)/data/ct24-checkworthy-en \
	  --fr-data $(SHARED)/data/fr-checkworthy
	@test -d $(SHARED)/data/claim-retrieval-en || { echo "make eval needs $(SHARED)/data/claim-retrieval-en"; exit 1; }
	@echo "== fact-check matching, CheckThat! 2020 Task 2 dev (weights chosen by CV on train):" && \
	  $(BIN)/python -m factcheck.memory.evaluate --data $(SHARED)/data/claim-retrieval-en

train: install ## Refit the weights (English: several minutes; KEEP_EN=1 refits French only)
	$(BIN)/python -u -m factcheck.extraction.train --fr-data $(SHARED)/data/fr-checkworthy \
	  $(if $(KEEP_EN),--keep-en factcheck/extraction/model/checkworthy.json,--data $(SHARED)/data/ct24-checkworthy-en) \
	  -o factcheck/extraction/model/checkworthy.json

clean: ## Remove caches and test artifacts (keeps .venv and instance/)
	rm -rf .pytest_cache .mypy_cache .ruff_cache artifacts
