# The two commands a new user runs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST := 127.0.0.1

PIP_INSTALL := $(VENV)/bin/pip install --quiet --disable-pip-version-check

.PHONY: install install-dev catalogues run test lint bench css browser wrk messages

# Running needs requirements.txt only; tests, the benchmark and the linter need requirements-dev.txt
# (which includes it). Each set has its own marker, so `make test` after `make run` still installs
# the dev set, and editing either file reinstalls what depends on it.
$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@

# The translations (DESIGN.md 12): the .po catalogues are committed, their compiled .mo files are
# not; this compiles each one that changed, with Babel (no GNU gettext needed to run).
catalogues: $(VENV)/.installed
	$(PY) -m bookingsite.core.catalogues

install: $(VENV)/.installed catalogues

install-dev: $(VENV)/.installed-dev catalogues

# Links printed and emailed (the demo seed's bookings included) follow PORT, unless SITE_URL says otherwise.
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo ""
	@echo "  Flowkey Booking Links is running (Ctrl+C stops it)."
	@echo "  Public booking link:  http://$(HOST):$(PORT)/book/sarahs-swim-school/"
	@echo "                   or:  http://sarahs-swim-school.localhost:$(PORT)/"
	@echo "  Demo owner login:     sarah@example.com / swim-demo-2026"
	@echo "  Operator admin:       http://$(HOST):$(PORT)/staff/  operator@example.com / operator-demo-2026"
	@echo "  Emails are written to var/mail/."
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

# Debian's Chromium drives the browser tests; install it when it is missing (needs root).
browser:
	@test -x /usr/bin/chromium || { echo "Installing Debian's chromium for the browser tests..."; \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

test: install-dev browser
	$(PY) -m pytest

# What .ci/run checks before the tests: ruff (pyproject.toml) and no model change without its migration.
lint: install-dev
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

# wrk drives the throughput run of the benchmark; install it when it is missing (needs root).
wrk:
	@command -v wrk >/dev/null || { echo "Installing Debian's wrk for the benchmark..."; \
		apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

# Not part of `make test`: seeds a scratch PostgreSQL database (DATABASE_URL's server, else the
# local one) and prints the figures that docs/benchmarks.md records.
bench: install-dev browser wrk
	$(PY) -m bench

# Developers only: re-extract every translatable text into the catalogues (needs GNU gettext's
# xgettext and msgmerge); translations already made are kept, fuzzy where the English changed.
messages: install-dev
	$(PY) manage.py makemessages --locale de --locale es --locale fr --extension html,txt,py --no-obsolete \
		--ignore '.venv/*' --ignore 'node_modules/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'static/*'

# Developers only: rebuild static/css/app.css from tailwind/ (needs Node and npm).
css:
	npm install --no-audit --no-fund
	npx tailwindcss -i tailwind/app.css -o static/css/app.css --minify
