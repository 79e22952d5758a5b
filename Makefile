# One task runner for people, the README and CI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
GRAPHIQL := app/api/graphiql/PINNED

.PHONY: install run test lint format openapi graphql-schema configuration bench bench-graphql bench-directory bench-webhooks bench-subscriptions clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

# GraphiQL's browser build, pinned, from the npm registry (no Python package ships it).
$(GRAPHIQL): app/api/graphiql_assets.py
	$(PYTHON) app/api/graphiql_assets.py

install: $(STAMP) $(GRAPHIQL)

## Serve the API on the embedded SQLite database with demo data (http://127.0.0.1:8000).
run: install
	$(BIN)/rapport dev

## Run the whole suite on SQLite and PostgreSQL.
test: install
	$(BIN)/pytest -n 2 --dist loadgroup

lint: install
	$(BIN)/ruff check app tests benchmarks
	$(BIN)/ruff format --check app tests benchmarks
	$(BIN)/mypy app tests benchmarks

format: install
	$(BIN)/ruff check --fix app tests benchmarks
	$(BIN)/ruff format app tests benchmarks

## Regenerate the committed OpenAPI document from the app.
openapi: install
	$(BIN)/python -m app.api.contract

## Regenerate the committed GraphQL SDL from the schema.
graphql-schema: install
	$(BIN)/python -m app.api.graphql.sdl

## Regenerate docs/configuration.md from the Settings class.
configuration: install
	$(BIN)/python -m app.settings_reference

## The REST API against a raw asyncpg floor, as rapport_app on PostgreSQL (--full: BENCH_ARGS=--full).
bench: install
	$(BIN)/python benchmarks/rest_api.py $(BENCH_ARGS)

## GraphQL against PostGraphile v4 (npm, cached in .bench/) and the REST calls, as rapport_app.
bench-graphql: install
	$(BIN)/python benchmarks/graphql_api.py

## The directory sync of 10,000 people (first, re-sync, no-op) against COPY, on PostgreSQL.
bench-directory: install
	$(BIN)/python benchmarks/directory_sync.py

## Webhooks from commit to receiver, the outbox's cost on a write, the scheduler at 10,000 pairs.
bench-webhooks: install
	$(BIN)/python benchmarks/webhooks.py

## Live subscriptions on PostgreSQL: 1,000 subscribers of one meeting, and across processes.
bench-subscriptions: install
	$(BIN)/python benchmarks/subscriptions.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
