# The template's own tests (README.md), benchmarks and the soak test of rendered
# services (docs/benchmarks.md). Options: make test ARGS="-k sqlite", make bench ARGS="--help".

# One package cache per tool, shared by every rendered service's install.
export UV_CACHE_DIR ?= $(HOME)/.cache/copier-backend/uv
export npm_config_cache ?= $(HOME)/.cache/copier-backend/npm

# The starter page (make starter): where it listens, and the template it renders.
HOST ?= 127.0.0.1
PORT ?= 8080
TEMPLATE_URL ?=

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the tasks
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-9s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: test
test: ## Every tier; deep, contract, fuzz and update on the covering set (what CI runs)
	uv run pytest -n 2 --matrix=covering $(ARGS)

.PHONY: test-full
test-full: ## Every tier on every combination: must pass before a release is tagged
	uv run pytest -n 2 --matrix=full $(ARGS)

.PHONY: bench
bench: ## Measure each framework's HTTP costs, render, tests and memory against floors (needs wrk)
	uv run --group bench python bench/run.py $(ARGS)

.PHONY: soak
soak: ## Load a rendered service for a bounded time; fail on errors or memory growth
	uv run --group bench python bench/soak.py $(ARGS)

.PHONY: starter
starter: ## The service starter page on http://127.0.0.1:8080/ (HOST, PORT, TEMPLATE_URL: docs/starter.md)
	HOST=$(HOST) PORT=$(PORT) TEMPLATE_URL=$(TEMPLATE_URL) uv run --no-dev --group starter python -m starter
