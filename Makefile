# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: run test lint typecheck unit bench fuzz clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/digest

lint: $(STAMP)
	$(BIN)/ruff check digest tui tests bench
	$(BIN)/ruff format --check digest tui tests bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy digest tui

unit: $(STAMP)
	$(BIN)/pytest

test: lint typecheck unit

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	$(BIN)/python bench/refresh.py
	$(BIN)/python bench/parse_corpus.py
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/summarize.py
	$(BIN)/python bench/cluster.py
	$(BIN)/python bench/build.py
	$(BIN)/python bench/tui.py

fuzz: $(STAMP)
	$(BIN)/python bench/fuzz.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
