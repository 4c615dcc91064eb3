# The two commands a newcomer needs:  make run   and   make test
# Both create .venv with a Python 3.12+ they find on the machine and install what they need.

VENV   := .venv
PY     := $(VENV)/bin/python
SHELL  := /bin/bash
HOST   ?= 127.0.0.1
PORT   ?= 8000

# The first Python 3.12 or newer: a real python3.13 / python3.12 / python3 on the PATH
# (pyenv shims for a version that is not selected fail when run, so they are passed over),
# else the newest 3.12+ under pyenv's versions folder.
define FIND_PYTHON
for c in python3.13 python3.12 python3; do \
  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
    command -v $$c; exit 0; fi; \
done; \
root="$${PYENV_ROOT:-$$(pyenv root 2>/dev/null || echo "$$HOME/.pyenv")}"; \
for p in $$(ls -d "$$root"/versions/3.1[2-9]* 2>/dev/null | sort -rV); do \
  if "$$p/bin/python3" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
    echo "$$p/bin/python3"; exit 0; fi; \
done; exit 1
endef

.PHONY: run test check bench setup setup-dev browser pdf-deps lint format clean

run: setup pdf-deps ## Set up and serve the site on the embedded default (SQLite, eager Celery, console email)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_curriculum
	$(PY) manage.py load_demo_accounts
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}" $(PY) manage.py runserver $(HOST):$(PORT)

test: setup-dev browser pdf-deps ## Set up and run the whole test suite
	$(PY) -m pytest $(PYTEST_ARGS)

check: setup-dev ## Lint, imports that follow the flow, types, migrations in step with models, deployment checks
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=cmo_portal.settings.prod \
	DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	DJANGO_ALLOWED_HOSTS=cmo-pathways.example.org EMAIL_URL=smtp+tls://mailer@smtp.example.org:587 \
	SITE_URL=https://cmo-pathways.example.org DEFAULT_FROM_EMAIL="CMO Pathways <hello@cmo-pathways.example.org>" \
	DATABASE_URL=postgres://cmo:check-only@db.example.org:5432/cmo_pathways \
	$(PY) manage.py check --deploy --fail-level WARNING

# The page benchmark of issue 16 (README, "Benchmarks"): seeds its data set into a
# PostgreSQL database of its own (created when missing), serves it with gunicorn under
# production's settings and measures the main pages with wrk. It is not a test.
# BENCH_ARGS passes options on, e.g. BENCH_ARGS="--size small --duration 3" or "--soak 5".
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cmo_bench
# Production's shared cache is Redis (docker-compose.yml); the benchmark uses its own number.
BENCH_CACHE_URL ?= rediscache://127.0.0.1:6379/3
bench: setup
	@command -v wrk >/dev/null || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's wrk for the benchmark"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else echo "No wrk and no root to install it: the benchmark uses its Python load driver."; fi; }
	@db="$(BENCH_DATABASE_URL)"; case "$$db" in postgres*://*) name="$${db##*/}"; name="$${name%%\?*}"; \
	  if command -v psql >/dev/null && ! psql "$${db%/*}/postgres" -Atqc "select 1 from pg_database where datname='$$name'" | grep -q 1; then \
	    echo "Creating the database $$name"; psql "$${db%/*}/postgres" -qc "create database \"$$name\""; fi;; esac
	DJANGO_SETTINGS_MODULE=cmo_portal.settings.bench DATABASE_URL="$(BENCH_DATABASE_URL)" \
	CACHE_URL="$(BENCH_CACHE_URL)" $(PY) manage.py bench_pages $(BENCH_ARGS)

setup: $(VENV)/.installed-run
setup-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	@py="$$($(FIND_PYTHON))" || { echo "CMO Pathways needs Python 3.12 or newer and found none (tried python3.13, python3.12, python3 and pyenv's versions): install one and run this again."; exit 1; }; \
	echo "Creating $(VENV) with $$py"; \
	"$$py" -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@ $(VENV)/.installed-run

# Browser tests drive Debian's Chromium (Playwright's own browser download does not work
# everywhere). Installed when missing and we may; without it the browser tests are
# skipped with a printed reason, except under CI=true where that is a failure.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "No /usr/bin/chromium and no root to install it: browser tests will be skipped."; fi; \
	fi

# The plan's PDF export (WeasyPrint) needs Pango and a font with Arial's metrics from the
# system: installed the same way, for the site (make run) and the tests alike; without
# them the PDF tests are skipped, or fail in CI.
PDF_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation
pdf-deps:
	@missing="$$(for p in $(PDF_DEBS); do \
	  [ "$$(dpkg-query -W -f='$${db:Status-Status}' $$p 2>/dev/null)" = installed ] || echo $$p; done)"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Pango and fonts for the PDF export:" $$missing; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Missing" $$missing "and no root to install them: PDF exports will fail, their tests are skipped."; fi; \
	fi

lint: setup-dev
	$(VENV)/bin/ruff check .

format: setup-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) data/db.sqlite3 data/cache test-artifacts
