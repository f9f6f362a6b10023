# TrustFair: `make run` installs everything and starts the portal with demo data;
# `make test` runs the whole test suite. See README.md.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
# Django 6.1 needs Python >= 3.12: take python3.13/3.12 from PATH, else from pyenv's versions.
PYTHON ?= $(shell for p in python3.13 python3.12 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[23]*/bin/python3 2>/dev/null | sort -r); do \
	$$p -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1 && { command -v $$p; break; }; done)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test system-deps lint messages vendor-jsqr

$(PY):
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or 3.13 is required (Django 6.1 needs it): install python3.13 and run again." >&2; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

install: $(PY)
	@command -v msgfmt >/dev/null || { echo "gettext is needed to compile translations (Debian: apt-get install gettext)" >&2; exit 1; }
	$(PY) -m pip install --quiet -e . --group dev
	@mkdir -p var
	$(PY) manage.py compilemessages --ignore '.venv' -v 0
	$(PY) manage.py collectstatic --noinput -v 0

# Debian packages the browser tests and PDFs need (Chromium, CJK fonts, Pango for WeasyPrint, poppler's
# pdffonts/pdftotext for the PDF tests, gettext for translations).
system-deps:
	@need=""; for p in chromium fonts-noto-cjk libharfbuzz-subset0 libpangoft2-1.0-0 poppler-utils gettext; do dpkg -s $$p >/dev/null 2>&1 || need="$$need $$p"; done; \
	if [ -n "$$need" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$need; \
	  else echo "Install these system packages first:$$need (Debian: sudo apt-get install$$need)" >&2; exit 1; fi; fi

# The background worker (emails, later credit recomputes) runs beside the development server.
run: install
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py seed_demo
	$(PY) manage.py start_schedules
	@if [ -n "$$REDIS_URL" ]; then $(PY) manage.py rqworker --with-scheduler --job-class django_tasks_rq.Job default; \
	  else $(PY) manage.py db_worker; fi >var/worker.log 2>&1 & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	echo "Background worker running (log: var/worker.log). Portal: http://$(HOST):$(PORT)/"; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: system-deps install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(PY)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The QR decoder of the lead-capture page, refreshed from npm (see static/fairs/leads/vendor/).
vendor-jsqr:
	scripts/vendor_jsqr.sh
