# Two commands do all the set-up: `make run` serves the API with demo data, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The graphql-http audit suite (npm, pinned in package-lock.json) that tests/conformance runs with node.
AUDIT := tests/conformance
AUDIT_STAMP := $(AUDIT)/node_modules/.installed

.PHONY: run test test-sqlite test-postgres lint install bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,postgres,redis]'
	touch $(STAMP)

$(AUDIT_STAMP): $(AUDIT)/package.json $(AUDIT)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(AUDIT) --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the GraphQL-over-HTTP audit test will be skipped"; fi

install: $(STAMP) $(AUDIT_STAMP)

run: $(STAMP)
	$(BIN)/learning-analytics serve --demo

lint: $(STAMP)
	$(BIN)/ruff check learning_analytics tests bench
	$(BIN)/ruff format --check learning_analytics tests bench
	$(BIN)/mypy learning_analytics
	$(BIN)/lint-imports

test-sqlite: $(STAMP) $(AUDIT_STAMP)
	LA_TEST_DATABASE=sqlite $(BIN)/python -m pytest

test-postgres: $(STAMP) $(AUDIT_STAMP)
	LA_TEST_DATABASE=postgres $(BIN)/python -m pytest

test: lint test-sqlite test-postgres

clean:
	rm -rf $(VENV) $(AUDIT)/node_modules .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
