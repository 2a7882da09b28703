# Two commands for a new user: `make run` and `make test`. Both install what they need.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# Unset DJANGO_DEBUG means production (emassess/settings.py); these targets are development and
# say so. (The production-style `worker` and `beat` below do not, and neither do the benchmarks:
# bench/setup.py runs every one of them with DJANGO_DEBUG=0 and a throwaway secret key.)
setup run test lint migrations-check: export DJANGO_DEBUG = 1
# The links in emails and the demo's printed logins point at the server `make run` starts
# (`make run PORT=8102`); a SITE_URL set in the environment wins.
SITE_URL ?= http://$(HOST):$(PORT)
setup run: export SITE_URL := $(SITE_URL)

.PHONY: run test bench peer load faults install install-dev install-js setup lint format migrations-check worker beat clean

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

# axe-core, for the browser tests' accessibility checks: the npm package pinned in package-lock.json
# (its only dependency), installed exactly as locked; again only when the lock file changes.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install-js: node_modules/.installed

## Prepare the database: migrate, load the framework and the questionnaire, then the demo organisations.
setup: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_framework
	$(PY) manage.py load_questionnaire
	$(PY) manage.py load_feedback_survey
	$(PY) manage.py install_schedules
	$(PY) manage.py load_demo
	$(PY) manage.py release_figures --all
	$(PY) manage.py send_due_reminders

## Start the app on the embedded defaults (SQLite, eager Celery, email to var/outbox).
run: setup
	@echo "emassess is starting on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	$(PY) manage.py runserver $(HOST):$(PORT)

## Run the whole test suite (browser tests run when Chromium is installed).
test: install-dev install-js
	$(PY) -m pytest $(PYTEST_ARGS)

# The benchmarks run on the local PostgreSQL and Redis: each one gets $(BENCH_DB) created afresh.
BENCH_DB ?= emassess_bench
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/$(BENCH_DB)
BENCH_BROKER_URL ?= redis://127.0.0.1:6379/0
BENCH_ENV := DATABASE_URL=$(BENCH_DATABASE_URL) CELERY_BROKER_URL=$(BENCH_BROKER_URL)
FRESH_BENCH_DB := $(PY) -c "from bench.load import fresh_database; fresh_database('$(BENCH_DB)')"
LOAD_SECONDS ?= 90
FAULT_SECONDS ?= 90

## Run every benchmark under bench/, the peer and the load test, then print one table of their figures
## (about 15 minutes). A benchmark that fails does not stop the others: the table says which figures are
## missing, and make fails. Every one runs with DEBUG off (bench/setup.py); the table says what it ran with.
## Each benchmark's own options, if any: e.g. BENCH_ARGS_dashboards="--quarters 10" BENCH_ARGS_reminders="--managers 2500".
bench: install-dev
	@rm -f var/bench/*.json; status=0; \
	$(foreach name,scoring submit dashboards reminders,echo "== bench.$(name) $(BENCH_ARGS_$(name))"; \
		$(FRESH_BENCH_DB) && $(BENCH_ENV) $(PY) -m bench.$(name) $(BENCH_ARGS_$(name)) || status=1;) \
	echo "== bench.peer"; $(PY) -m bench.peer --database $(BENCH_DB)_peer $(BENCH_ARGS_peer) || status=1; \
	echo "== bench.load"; $(PY) -m bench.load --seconds $(LOAD_SECONDS) --database $(BENCH_DB)_load || status=1; \
	echo; $(PY) -m bench.report; exit $$status

## The peer alone: django-survey-and-report 1.5.0 (in its own venv under var/bench/) beside us, SQLite and PostgreSQL.
peer: install-dev
	$(PY) -m bench.peer --database $(BENCH_DB)_peer

## The load test alone: locust against gunicorn on PostgreSQL for LOAD_SECONDS (127.0.0.1 only).
load: install-dev
	$(PY) -m bench.load --seconds $(LOAD_SECONDS) --database $(BENCH_DB)_load

## Faults under load: kill the worker, restart Redis, PostgreSQL refuses connections; checks what survived.
faults: install-dev
	$(PY) -m bench.faults --seconds $(FAULT_SECONDS)

## Style, the layers (import-linter) and the types (mypy with django-stubs): what CI checks first.
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

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
	rm -rf $(VENV) var db.sqlite3 db.sqlite3-wal db.sqlite3-shm .pytest_cache node_modules
