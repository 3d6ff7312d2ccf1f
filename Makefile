# linli — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= 1
PYTEST_WORKERS ?= auto

.PHONY: demo test install serve seed lint fmt migrate messages lock bench faults replica-check worker clean stack stack-smoke stack-down

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev,serve]'
	touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	mkdir -p var
	$(PY) manage.py migrate --noinput

## make demo: install, migrate the SQLite database in var/, seed the demo district, serve 127.0.0.1:8000 like a
## product (LINLI_ENV=demo: DEBUG off, static files by WhiteNoise, Chinese error pages, demo accounts, loopback only)
demo: migrate
	$(PY) manage.py seed_demo --scale $(SCALE)
	@echo "Demo accounts: see README.md (password: linli-demo-2026). Serving http://127.0.0.1:$(PORT)/"
	LINLI_ENV=demo $(PY) manage.py runserver 127.0.0.1:$(PORT)

## make serve: the developer's server (DEBUG on)
serve: $(STAMP)
	$(PY) manage.py runserver $(HOST):$(PORT)

## make test: the whole suite (SQLite by default; set DATABASE_URL for PostgreSQL). --dist load, not worksteal:
## pytest-django runs every transactional test after the others because their flush empties the reference data
## of the migrations; a stolen batch would run ordinary tests after the thief's own flush, without that data.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	LINLI_ENV=test $(BIN)/pytest -n $(PYTEST_WORKERS) --dist load $(PYTEST_ARGS)

worker: $(STAMP)
	$(PY) manage.py task_worker --queue-name '*'

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore='.venv/*' --ignore='var/*'
	$(PY) manage.py compilemessages --ignore='.venv/*'

lock:
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra serve --python-version 3.11 -o requirements.lock

## make bench: every benchmark figure on PostgreSQL (DATABASE_URL, default the local server), one dated table in
## bench/results/; exits 1 on a miss. Heavy: run it when the machine is otherwise idle.
bench: $(STAMP)
	$(PY) bench/run.py --all --scale $(SCALE)

## make faults: break a private copy of the system on purpose (kill -9 an app process and the task worker, restart
## PostgreSQL and Redis under load: private clusters on free ports, never the machine's) and print what survived
## (bench/faults/run.py; needs nginx and the PostgreSQL server binaries); exits 1 when anything was lost or doubled.
faults: $(STAMP)
	$(PY) bench/faults/run.py

## make replica-check: the read-replica router against a real streaming replica (a private primary made with initdb
## and a replica made with pg_basebackup, both on free ports; bench/faults/replica.py)
replica-check: $(STAMP)
	$(PY) bench/faults/replica.py

## make stack: the production-like stack on loopback (nginx → two granian processes, a task worker, PostgreSQL,
## Redis; LINLI_ENV=production); make stack-smoke checks it through nginx; make stack-down stops it (docs/deployment.md)
stack: $(STAMP)
	deploy/stack/up.sh

stack-smoke: $(STAMP)
	$(PY) deploy/stack/smoke.py

stack-down:
	deploy/stack/down.sh

clean:
	rm -rf $(VENV) var .pytest_cache
