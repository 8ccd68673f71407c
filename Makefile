# Two commands do all the set-up: `make run` serves the API with demo data, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-sqlite test-postgres lint install bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,postgres,redis]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/learning-analytics serve --demo

lint: $(STAMP)
	$(BIN)/ruff check learning_analytics tests bench
	$(BIN)/ruff format --check learning_analytics tests bench
	$(BIN)/mypy learning_analytics

test-sqlite: $(STAMP)
	LA_TEST_DATABASE=sqlite $(BIN)/python -m pytest

test-postgres: $(STAMP)
	LA_TEST_DATABASE=postgres $(BIN)/python -m pytest

test: lint test-sqlite test-postgres

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
