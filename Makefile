# PMO Desk: `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/pmo_desk
REDIS_URL ?= redis://127.0.0.1:6379/0
BACKUP_DIR ?= backups

# Django 6 needs Python >= 3.12: take the first suitable interpreter on this machine.
PYTHON_CANDIDATES := $(PYTHON) python3.13 python3.12 $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python) \
	$(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python) $(wildcard /usr/local/bin/python3.1[2-9]) python3
find_python = $(firstword $(foreach c,$(PYTHON_CANDIDATES),$(shell command -v $(c) >/dev/null 2>&1 && \
	$(c) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null && command -v $(c))))

.PHONY: help run test test-fast bench bench-xl worker beat messages lint lint-imports typecheck format check-deploy clean browser prod-check backup restore

help:
	@echo "make run      - set up and serve the demo on http://$(HOST):$(PORT) (SQLite, in-process tasks)"
	@echo "make test     - the whole suite (PostgreSQL and Redis when they answer; CI=true requires them)"
	@echo "make worker   - a Celery worker (needs CELERY_BROKER_URL)"
	@echo "make beat     - the Celery beat scheduler"
	@echo "make bench    - benchmarks at scale (tests/benchmarks)"
	@echo "make bench-xl - seed scale XL (20,000 projects, 500,000 order lines) and compare every page with L"
	@echo "make messages - refresh and compile the French and Dutch catalogs"
	@echo "make lint     - ruff check and format check"
	@echo "make lint-imports - the import rules between the apps (import-linter, ARCHITECTURE.md)"
	@echo "make typecheck    - mypy with the Django and DRF stubs"
	@echo "make prod-check - the production shape: collectstatic, gunicorn, health checks, sign-in"
	@echo "make backup   - dump PostgreSQL and archive the media into BACKUP_DIR ($(BACKUP_DIR))"
	@echo "make restore BACKUP=$(BACKUP_DIR)/pmo-<stamp> - restore both (replaces the current data)"

$(VENV)/.installed: pyproject.toml
	@py="$(call find_python)"; \
	if [ -z "$$py" ]; then \
	  echo "ERROR: PMO Desk needs Python 3.12 or newer (Django 6). None was found among:" >&2; \
	  echo "  $(PYTHON_CANDIDATES)" >&2; \
	  echo "Install one (e.g. 'pyenv install 3.12') or run 'make PYTHON=/path/to/python3.12 ...'." >&2; \
	  exit 1; \
	fi; \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)'; then \
	  echo "Creating $(VENV) with $$py ($$($$py --version))"; rm -rf $(VENV); $$py -m venv $(VENV) || exit 1; \
	fi
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	@touch $@

venv: $(VENV)/.installed

run: venv
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	@if [ -z "$$SKIP_SEED" ] && ! DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo --check >/dev/null 2>&1; then \
	  DEBUG=$${DEBUG:-1} $(PY) manage.py seed_demo --scale S; fi
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST):$(PORT)

# Browser tests drive Debian's chromium: install the package when the machine lacks it (never a
# downloaded browser). Without root or apt, the browser tests skip, except under CI=true.
browser:
	@if [ -z "$$CHROMIUM_PATH" ] && ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
	  echo "Installing Debian's chromium for the browser tests (apt-get install -y chromium)"; \
	  { $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium \
	    || { $$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }; } \
	  || { if [ "$$CI" = true ]; then echo "ERROR: chromium could not be installed" >&2; exit 1; fi; \
	       echo "WARNING: no chromium; the browser tests will be skipped" >&2; }; \
	fi

# The suite uses PostgreSQL and Redis when they answer; with CI=true their absence is a failure.
test: venv browser
	@DATABASE_URL="$${DATABASE_URL:-$(PG_URL)}" REDIS_URL="$${REDIS_URL:-$(REDIS_URL)}" \
	  $(PY) -m pmo.lib.services_probe || exit 1; \
	eval "$$($(PY) -m pmo.lib.services_probe --export)"; \
	DEBUG=1 $(PY) -m pytest -n $${PYTEST_WORKERS:-2} --dist loadfile $(PYTEST_ARGS)

test-fast: venv
	DEBUG=1 DATABASE_URL="$${DATABASE_URL:-$(PG_URL)}" $(PY) -m pytest -x -q -m "not worker and not benchmark" $(PYTEST_ARGS)

# Benchmarks seed scale L inside their own transactions, in a database the suite never uses.
bench: venv  # tests/benchmarks/test_http_table.py prints the issue-14 table (BENCH_SCALES, BENCH_REPEAT)
	DEBUG=1 DATABASE_URL="$${DATABASE_URL:-$(PG_URL)}" TEST_DATABASE_NAME=test_pmo_desk_bench RUN_BENCHMARKS=1 TEST_REDIS_URL="$${TEST_REDIS_URL:-$(REDIS_URL)}" \
	  $(PY) -m pytest tests/benchmarks -m benchmark -s -p no:xdist --create-db $(PYTEST_ARGS)

# Scale XL (10x L): the light figures at L and at XL through gunicorn; XL's database is kept for reuse.
bench-xl: venv  # tests/benchmarks/test_xl_scale.py (BENCH_REPEAT, BENCH_RESEED=1, BENCH_XL_FACTOR)
	DEBUG=1 DATABASE_URL="$${DATABASE_URL:-$(PG_URL)}" TEST_DATABASE_NAME="$${TEST_DATABASE_NAME:-test_pmo_desk_bench}" RUN_BENCHMARKS=1 BENCH_XL=1 TEST_REDIS_URL="$${TEST_REDIS_URL:-$(REDIS_URL)}" \
	  $(PY) -m pytest tests/benchmarks/test_xl_scale.py -m benchmark -s -p no:xdist --create-db $(PYTEST_ARGS)

worker: venv
	CELERY_BROKER_URL="$${CELERY_BROKER_URL:-$(REDIS_URL)}" $(VENV)/bin/celery -A pmo worker --loglevel=INFO

beat: venv
	CELERY_BROKER_URL="$${CELERY_BROKER_URL:-$(REDIS_URL)}" $(VENV)/bin/celery -A pmo beat --loglevel=INFO

messages: venv
	cd $(CURDIR) && DEBUG=1 $(PY) manage.py makemessages -l fr -l nl --no-obsolete --ignore=.venv --ignore=static --ignore=staticfiles
	DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

lint-imports: venv
	DEBUG=1 DJANGO_SETTINGS_MODULE=pmo.settings $(VENV)/bin/lint-imports

typecheck: venv
	DEBUG=1 $(VENV)/bin/mypy pmo projects procurement quality reporting

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-deploy: venv
	DEBUG=0 SECRET_KEY="$${SECRET_KEY:-ci-$$(head -c 32 /dev/urandom | base64 | tr -d '/+=')-production-like-key}" \
	  ALLOWED_HOSTS=pmo.example.com EMAIL_URL=smtp+tls://mailer@smtp.example.com:587 DATABASE_URL="$${DATABASE_URL:-$(PG_URL)}" CELERY_BROKER_URL="$(REDIS_URL)" \
	  $(PY) manage.py check --deploy --fail-level WARNING

# Production shape without Docker: the compose services' own commands, on a throwaway database.
prod-check: venv
	DATABASE_URL="$${DATABASE_URL:-$(PG_URL)}" .ci/production-shape

# Backup and restore of what the app keeps: PostgreSQL (pg_dump custom format) and the media folder.
# Both default to the local services; inside Docker Compose see the README ("Backup and restore").
MEDIA_DIR ?= $${MEDIA_ROOT:-media}
backup:
	@set -euo pipefail; mkdir -p "$(BACKUP_DIR)"; stamp="$$(date -u +%Y%m%dT%H%M%SZ)"; \
	db="$${DATABASE_URL:-$(PG_URL)}"; \
	pg_dump --format=custom --no-owner --no-privileges --dbname="$$db" --file="$(BACKUP_DIR)/pmo-$$stamp.dump"; \
	mkdir -p "$(MEDIA_DIR)"; tar -C "$(MEDIA_DIR)" -czf "$(BACKUP_DIR)/pmo-$$stamp.media.tar.gz" .; \
	echo "Backed up to $(BACKUP_DIR)/pmo-$$stamp.dump and $(BACKUP_DIR)/pmo-$$stamp.media.tar.gz"; \
	echo "Restore with: make restore BACKUP=$(BACKUP_DIR)/pmo-$$stamp"

restore:
	@set -euo pipefail; \
	if [ -z "$(BACKUP)" ] || [ ! -f "$(BACKUP).dump" ] || [ ! -f "$(BACKUP).media.tar.gz" ]; then \
	  echo "usage: make restore BACKUP=$(BACKUP_DIR)/pmo-<stamp> (needs <stamp>.dump and <stamp>.media.tar.gz)" >&2; exit 2; fi; \
	db="$${DATABASE_URL:-$(PG_URL)}"; \
	pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error --dbname="$$db" "$(BACKUP).dump"; \
	media="$(MEDIA_DIR)"; mkdir -p "$$media"; staging="$$(mktemp -d "$$media.restore.XXXXXX")"; \
	tar -C "$$staging" -xzf "$(BACKUP).media.tar.gz"; \
	find "$$media" -mindepth 1 -delete; cp -a "$$staging"/. "$$media"/; rm -rf "$$staging"; \
	echo "Restored the database and $$media from $(BACKUP)"

clean:
	rm -rf $(VENV) staticfiles
