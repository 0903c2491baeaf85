# Benchmarks and the soak test of rendered services (docs/benchmarks.md); the template's
# own tests run with `uv run pytest -n 2` (README.md). Options: make bench ARGS="--help".

export UV_CACHE_DIR ?= $(HOME)/.cache/copier-backend/uv

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the tasks
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-7s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: bench
bench: ## Measure render, HTTP, test-suite and memory costs against floors (needs wrk)
	uv run --group bench python bench/run.py $(ARGS)

.PHONY: soak
soak: ## Load a rendered service for a bounded time; fail on errors or memory growth
	uv run --group bench python bench/soak.py $(ARGS)
