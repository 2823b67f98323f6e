# EU-Russia STI Cooperation Portal: `make run` and `make test` do all set-up on a fresh machine
# that has only Python 3.11.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE := portal.settings
export PYTHONUNBUFFERED := 1
export PATH := $(CURDIR)/$(BIN):$(PATH)
# `make run PORT=8001` serves on another port (on 127.0.0.1 only); links in mail follow it
# unless PORTAL_SITE_URL says otherwise.
PORT ?= 8000

# With DATABASE_URL unset, the embedded PostgreSQL server of var/postgres runs for the whole
# command that follows: started if it is not running, stopped when the command ends (Ctrl-C
# included) unless something else still uses it (portal/embedded_db.py).
WITH_DB := $(BIN)/python -m portal.embedded_db run --

# mypy's django-stubs plugin loads the settings but never connects to a database: a DATABASE_URL
# naming no server keeps it from starting or joining the embedded PostgreSQL (mypy exits without
# running atexit, so a server it started would be left running).
MYPY := DATABASE_URL=postgres://mypy@127.0.0.1:1/unused $(BIN)/mypy

.PHONY: run test install install-dev serve check lint format migrations messages bench screenshots clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: install, migrate, compile translations, load demo data, serve with worker and beat
run serve: export PORTAL_SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(WITH_DB) $(MAKE) --no-print-directory serve PORT=$(PORT)

serve:
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py compile_translations
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ with a Celery worker and beat (Ctrl-C stops all)."
	$(BIN)/python -m portal.procfile start --port $(PORT)

## test: lint and type-check, then the whole pytest suite
test: install-dev
	$(WITH_DB) $(MAKE) --no-print-directory check

check:
	$(BIN)/python manage.py compile_translations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MYPY) .
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MYPY) .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## messages: refresh the catalogues after changing strings (needs GNU gettext)
messages: install
	$(BIN)/python manage.py makemessages --all --no-location --no-obsolete
	$(BIN)/python manage.py compile_translations

## bench: run every benchmark (each prints one JSON object as its last line)
bench: install-dev
	for b in benchmarks/*.py; do \
	  case "$$(basename $$b)" in _*|bench_wsgi.py) continue;; esac; \
	  $(BIN)/python $$b || exit 1; \
	done

## screenshots: main pages at 1280 and 390 px in en and ru, with demo data, into var/screenshots/
screenshots: install-dev
	$(WITH_DB) $(BIN)/pytest tests/browser/screenshots.py -p no:cacheprovider -q -s

clean:
	rm -rf $(VENV) var
