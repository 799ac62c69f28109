# pop-forums — `make run` to try it, `make test` to check it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1

.PHONY: run install migrate seed test test-fast lint format translations compile-translations clean

run: install migrate seed  ## set up everything, then serve on http://127.0.0.1:8000
	@echo
	@echo "  pop-forums is starting: open http://$(HOST):$(PORT)"
	@$(BIN)/python -c "from app.demo import credentials_text; print('  ' + credentials_text())"
	@echo
	$(BIN)/pop-forums serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

$(BIN)/pop-forums: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/pop-forums compile-translations

migrate: install
	$(BIN)/pop-forums migrate

seed: install
	$(BIN)/pop-forums seed-demo --if-empty

test: install lint  ## the whole suite: lint, types, unit, database, browser
	$(BIN)/pytest

test-fast: install  ## the edit-test loop: SQLite only, no load tests, no browser, no lint
	$(BIN)/pytest -m "not postgres and not load and not e2e and not fuzz"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy app migrations

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

translations: install  ## extract messages and update the sq and en catalogs
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 -o app/locales/messages.pot --no-location --sort-output --project pop-forums .
	$(BIN)/pybabel update -i app/locales/messages.pot -d app/locales --no-fuzzy-matching --ignore-obsolete

compile-translations: $(BIN)/pop-forums
	$(BIN)/pybabel compile -d app/locales --statistics 2>&1 | grep -v "^$$" || true

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
