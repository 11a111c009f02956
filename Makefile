# Wayfinder: two commands on a fresh machine.
#   make run   install, migrate, load the Kentucky demo data, serve http://127.0.0.1:8000
#   make test  install what the tests need, run the whole suite on SQLite and PostgreSQL

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
PYTEST_WORKERS ?= 2
export DEBUG ?= 1
export WAYFINDER_DEMO ?= 1

.PHONY: run serve install migrate demo-data test check test-sqlite test-postgres test-smoke lint format bench bench-import bench-search bench-referrals bench-metrics bench-assessments bench-fhir bench-ccda clean

$(STAMP): pyproject.toml requirements.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -c requirements.lock -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py createcachetable

demo-data: migrate
	$(PY) manage.py load_demo
	@mkdir -p var && printf '# Written by make run: this checkout runs the demo (wayfinder/settings.py).\nDEBUG=1\nWAYFINDER_DEMO=1\n' >var/local.env

# Beside the app, `make run` starts the demo state identity provider (:8020) and the
# development exchange portal (:8010), and points Wayfinder at them (docs/operations.md).
DEMO_IDP := http://127.0.0.1:8020
DEMO_PORTAL := http://127.0.0.1:8010
run: export STATE_SSO_ISSUER ?= $(DEMO_IDP)
run: export STATE_SSO_CLIENT_ID ?= wayfinder-demo
run: export STATE_SSO_CLIENT_SECRET ?= demo-secret-not-for-production
run: export STATE_SSO_MFA_ACR_VALUES ?= urn:wayfinder:demo:loa:mfa
run: export SMART_LAUNCH_EXCHANGES ?= [{"name": "Kentucky Health Information Exchange (development portal)", "iss": "$(DEMO_PORTAL)/fhir", "client_id": "wayfinder-demo", "client_secret": "demo-secret-not-for-production"}]
run: demo-data
	@$(PY) manage.py demo_signins
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) manage.py db_worker --interval 1 >var/worker.log 2>&1 & \
	  $(PY) manage.py run_scheduler >var/scheduler.log 2>&1 & \
	  $(PY) manage.py run_demo_idp --port 8020 >var/demo-idp.log 2>&1 & \
	  $(PY) manage.py run_exchange_portal --port 8010 >var/exchange-portal.log 2>&1 & \
	  $(PY) manage.py runserver 127.0.0.1:8000

test: install
	./scripts/ensure-system-packages.sh
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

# Static checks: lint, types of the access layer, actions and selectors (mypy with
# django-stubs), the layers of docs/architecture.md, the links between apps (system
# checks) and migrations that match the models. .pre-commit-config.yaml runs the same.
check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

test-sqlite: install
	@echo "=== test suite on SQLite ==="
	env -u DATABASE_URL DEBUG=0 WAYFINDER_DEMO=0 $(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-postgres: install
	@echo "=== test suite on PostgreSQL 15 ==="
	DEBUG=0 WAYFINDER_DEMO=0 ./scripts/with-postgres.sh $(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The production smoke test alone (it is also part of both suites above): collectstatic with
# the production storage, gunicorn + db_worker + run_scheduler with DEBUG=0 (docs/operations.md).
test-smoke: install
	env -u DATABASE_URL DEBUG=0 WAYFINDER_DEMO=0 $(VENV)/bin/pytest -q tests/test_production_smoke.py
	DEBUG=0 WAYFINDER_DEMO=0 ./scripts/with-postgres.sh $(VENV)/bin/pytest -q tests/test_production_smoke.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# --- benchmarks (not part of the test suite; results in benchmarks/results/) ---
BENCH_REFERRALS ?= 1000000
BENCH_SEARCH_SIZES ?= 12000 100000 1000000
# The search benchmark's PostgreSQL gets the buffer cache a production server would (25% of 8 GB).
BENCH_PG_SHARED_BUFFERS ?= 2GB

bench: bench-import bench-search bench-referrals bench-metrics bench-assessments bench-fhir bench-ccda

bench-import: install
	$(PY) benchmarks/bench_import.py
	WITH_POSTGRES_ROLE=superuser ./scripts/with-postgres.sh $(PY) benchmarks/bench_import.py

bench-search: install
	$(PY) benchmarks/bench_search.py --keep-db --sizes $(BENCH_SEARCH_SIZES)
	PG_KEEP_DIR=var/bench-cache/postgres PG_SHARED_BUFFERS=$(BENCH_PG_SHARED_BUFFERS) WITH_POSTGRES_ROLE=superuser \
		./scripts/with-postgres.sh $(PY) benchmarks/bench_search.py --keep-db --sizes $(BENCH_SEARCH_SIZES)

bench-referrals: install
	$(PY) benchmarks/bench_referrals.py --referrals $(BENCH_REFERRALS)
	WITH_POSTGRES_ROLE=superuser ./scripts/with-postgres.sh $(PY) benchmarks/bench_referrals.py --referrals $(BENCH_REFERRALS)

# FHIR inbound (issue #19): 100-entry transaction p95, observations/s with N stored.
# The filled databases are kept (benchmarks/data/ and the PostgreSQL cluster below).
BENCH_FHIR_STORED ?= 1000000
bench-fhir: install
	env -u DATABASE_URL $(PY) benchmarks/bench_fhir.py --stored $(BENCH_FHIR_STORED)
	PG_KEEP_DIR=var/bench-cache/postgres-fhir PG_SHARED_BUFFERS=$(BENCH_PG_SHARED_BUFFERS) WITH_POSTGRES_ROLE=superuser \
		./scripts/with-postgres.sh $(PY) benchmarks/bench_fhir.py --stored $(BENCH_FHIR_STORED)

# Dashboards and the incentive report: 1,000,000 referrals and assessments, 1,000 organizations.
bench-metrics: install
	$(PY) benchmarks/bench_metrics.py --referrals $(BENCH_REFERRALS)
	PG_KEEP_DIR=var/bench-cache/postgres-metrics WITH_POSTGRES_ROLE=superuser ./scripts/with-postgres.sh $(PY) benchmarks/bench_metrics.py --referrals $(BENCH_REFERRALS)

bench-ccda: install
	env -u DATABASE_URL $(PY) benchmarks/bench_ccda.py
	WITH_POSTGRES_ROLE=superuser ./scripts/with-postgres.sh $(PY) benchmarks/bench_ccda.py

bench-assessments: install
	env -u DATABASE_URL $(PY) benchmarks/bench_assessments.py
	WITH_POSTGRES_ROLE=superuser PG_SHARED_BUFFERS=$(BENCH_PG_SHARED_BUFFERS) ./scripts/with-postgres.sh $(PY) benchmarks/bench_assessments.py

clean:
	rm -rf $(VENV) var staticfiles
