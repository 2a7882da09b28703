# Two commands for a new user: `make run` and `make test`. Both install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench install install-dev setup lint format migrations-check worker beat clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when a requirements file changes.
$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Prepare the database: migrate, load the framework and the questionnaire, then the demo organisations.
setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_framework
	$(PY) manage.py load_questionnaire
	$(PY) manage.py load_demo
	$(PY) manage.py send_due_reminders

## Start the app on the embedded defaults (SQLite, eager Celery, email to var/outbox).
run: setup
	@echo "emassess is starting on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	$(PY) manage.py runserver $(HOST):$(PORT)

## Run the whole test suite (browser tests run when Chromium is installed).
test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

## Run the benchmarks under bench/ and print their figures (a throwaway database unless DATABASE_URL is set).
bench: install-dev
	$(PY) -m bench.scoring
	$(PY) -m bench.submit
	$(PY) -m bench.dashboards
	$(PY) -m bench.reminders

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

## Production-style processes (need CELERY_BROKER_URL).
worker: install
	$(VENV)/bin/celery -A emassess worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A emassess beat --loglevel=INFO --scheduler django_celery_beat.schedulers:DatabaseScheduler

clean:
	rm -rf $(VENV) var db.sqlite3 .pytest_cache
