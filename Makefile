# The two commands of the README: `make run` and `make test`.
.PHONY: setup run test test-sqlite test-postgres lint e2e bench messages

PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# PostgreSQL and Redis as they run on the development and CI machines.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/13

setup:
	@bash scripts/setup.sh

run: setup
	@$(PY) manage.py migrate --noinput -v 0
	@echo ""
	@echo "  LibreChat is running: open http://$(HOST):$(PORT)/ in your browser."
	@echo "  The first account you sign up becomes the administrator. Stop with Ctrl+C."
	@echo ""
	@$(PY) -m daphne -b $(HOST) -p $(PORT) librechat.asgi:application

lint:
	@.venv/bin/ruff check .
	@.venv/bin/mypy accounts chat providers librechat files api presets

# Every test, on SQLite (the embedded default) and again on PostgreSQL with Redis and a real
# Celery worker; the browser tests run once, against a real server.
test: setup lint
	@TEST_DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) bash scripts/test.sh

bench: setup
	@$(PY) bench/stream.py
	@$(PY) bench/api.py
	@$(PY) bench/files.py
	@$(PY) bench/providers.py
	@$(PY) bench/sidebar.py

messages:
	@$(PY) manage.py makemessages -l ru --ignore=.venv --ignore=node_modules --ignore=static/dist --ignore=staticfiles --no-location
	@$(PY) manage.py makemessages -d djangojs -l ru --ignore=.venv --ignore=node_modules --ignore=static/dist --ignore=staticfiles --no-location
