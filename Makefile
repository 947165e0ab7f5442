# parcelbridge — `make run` starts the whole system, `make test` runs every test tier.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum pyproject.toml | cut -c1-12)
BENCH_STAMP := $(VENV)/.bench-installed-$(shell sha256sum pyproject.toml | cut -c1-12)
PB := $(BIN)/parcelbridge
PYTEST := $(BIN)/pytest

.PHONY: help prereqs install run stop reset infra-up infra-down infra-status unit integration e2e browser replication faults test lint bench clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

# The system tools every tier needs (Java, Maven, Go, git, npm, Chromium, python3-venv), only those missing;
# runs no command when all are present. .ci/run calls the same script, so `make test` needs nothing CI alone adds.
prereqs:  ## Install missing system tools with apt-get (sudo if not root); PREREQS_ARGS=--dry-run only tells
	@$(PYTHON) deploy/local/prerequisites.py $(PREREQS_ARGS)

$(STAMP): pyproject.toml | prereqs
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version' 
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -U pip
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]' --config-settings editable_mode=compat
	$(BIN)/python -m services.console.assets
	@rm -f $(VENV)/.installed-*; touch $@

install: prereqs $(STAMP)  ## Create .venv and install the project with its pinned dependencies

run: install  ## Start everything (Kafka, store, services, simulator); Ctrl-C stops it all
	$(PB) run

stop: install  ## Stop everything 'make run' started (from another terminal)
	$(PB) stop

reset: install  ## Stop everything and delete all local data
	$(PB) stop
	$(PB) infra reset --yes
	rm -f .local/demo-shipper.json .local/demo-operator.json

infra-up: install  ## Start Kafka and FerretDB (idempotent)
	$(PB) infra up

infra-down: install  ## Stop Kafka and FerretDB (data kept)
	$(PB) infra down

infra-status: install  ## Show whether Kafka and FerretDB run and answer
	$(PB) infra status

lint: install  ## ruff, and the import contracts in .importlinter (no import circle, layers kept)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache --no-logo

unit: install  ## Unit tests: no I/O, seconds
	$(PYTEST) tests/unit -q

integration: install  ## Integration tests against the real broker and store (started if needed)
	$(PB) infra run -- $(PYTEST) tests/integration -q

e2e: install  ## End-to-end tests: the whole stack as processes
	$(PB) infra run -- $(PYTEST) tests/e2e -q

browser: install  ## Browser tests: Debian's headless Chromium against the operator console
	$(PB) infra run -- $(PYTEST) tests/browser -q

replication: install  ## Leader failures on a 3-broker cluster of its own (REPLICATION_PORT_BASE, 23000): nothing acked lost
	$(PYTEST) tests/replication -q

faults: install  ## Fault tier: kill -9 each process, the store and the broker under load (own stack, FAULTS_PORT_BASE)
	$(PYTEST) tests/faults -q

test: lint  ## Every tier; brings the infrastructure up itself and leaves it as it found it
	$(PYTEST) tests/unit -q
	$(PB) infra run -- $(PYTEST) tests/integration tests/e2e tests/browser tests/replication -q
	$(PYTEST) tests/faults -q

$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev,bench]' --config-settings editable_mode=compat
	@rm -f $(VENV)/.bench-installed-*; touch $@

bench: $(BENCH_STAMP)  ## Measure this machine on an isolated stack (not in 'make test'): bench/results/; BENCH_ARGS=--quick
	$(PB) bench $(BENCH_ARGS)

clean:  ## Remove the venv and every downloaded or generated file (data included)
	-$(PB) infra down
	rm -rf $(VENV) .local .pytest_cache .ruff_cache
