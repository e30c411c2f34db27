# SmartBank: `make run` serves the portal with a Celery worker; `make test` runs the whole suite
# on PostgreSQL and Redis. Both install what they need first and are safe to re-run.
SHELL := /bin/bash
PY_SYS ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
APT_PACKAGES := python3-venv tesseract-ocr tesseract-ocr-eng fonts-dejavu-core fonts-dejavu-extra fonts-liberation2 fonts-noto-core libmagic1 postgresql redis-server chromium chromium-driver
TEST_DATABASE_URL ?= postgres://smartbank:smartbank@127.0.0.1:5432/smartbank
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15
TEST_CACHE_URL ?= redis://127.0.0.1:6379/7
HOST ?= 127.0.0.1
PORT ?= 8000
# make run's broker: the port of the default CELERY_BROKER_URL (smartbank/settings.py). A Redis
# of its own, apart from make test's throw-away one on 6379, so queued tasks survive restarts.
RUN_REDIS_PORT := 6380
export OMP_THREAD_LIMIT := 1

.PHONY: run test system-deps venv services migrate demo lint clean

## Install system packages from apt (only those missing).
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

## Python packages into .venv, re-installed only when the requirements change.
venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt requirements-nodeps.txt
	test -x $(PY) || $(PY_SYS) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	$(PIP) install -q --no-deps -r requirements-nodeps.txt
	touch $@

## PostgreSQL and Redis on 127.0.0.1, started without systemd when not running.
services: system-deps
	@bash .ci/services.sh

migrate: venv
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py create_demo_data
	$(PY) manage.py generate_sample_data --count 500 --seed 2026 --if-empty

run: system-deps venv demo
	@mkdir -p var/redis
	@echo "Starting Redis on 127.0.0.1:$(RUN_REDIS_PORT) (queue kept in var/redis), the Celery worker and the web server on http://$(HOST):$(PORT)/ (Ctrl-C stops them)."
	@echo "One-time codes (email and SMS) are printed below by the worker's console backends."
	@rm -f var/celery-worker.pid; redis_started=""; worker_job=""; \
	stop() { \
		for _ in $$(seq 1 100); do \
			[ -s var/celery-worker.pid ] || ! kill -0 $$worker_job 2>/dev/null && break; sleep 0.1; \
		done; \
		pid=$$(cat var/celery-worker.pid 2>/dev/null); \
		if [ -n "$$pid" ]; then \
			kill $$pid 2>/dev/null; \
			for _ in $$(seq 1 150); do kill -0 $$pid 2>/dev/null || break; sleep 0.2; done; \
		fi; \
		rm -f var/celery-worker.pid; \
		if [ -n "$$redis_started" ]; then \
			redis-cli -h 127.0.0.1 -p $(RUN_REDIS_PORT) shutdown >/dev/null 2>&1; redis_started=""; \
		fi; \
	}; \
	trap stop EXIT; trap 'exit 130' INT TERM; \
	if ! redis-cli -h 127.0.0.1 -p $(RUN_REDIS_PORT) ping >/dev/null 2>&1; then \
		redis-server --daemonize yes --bind 127.0.0.1 --port $(RUN_REDIS_PORT) --save '' \
			--appendonly yes --dir $(CURDIR)/var/redis --logfile $(CURDIR)/var/redis/redis.log \
			--pidfile $(CURDIR)/var/redis/redis.pid && redis_started=1; \
		for _ in $$(seq 1 20); do redis-cli -h 127.0.0.1 -p $(RUN_REDIS_PORT) ping >/dev/null 2>&1 && break; sleep 0.5; done; \
	fi; \
	redis-cli -h 127.0.0.1 -p $(RUN_REDIS_PORT) ping >/dev/null || { echo "Redis did not start (var/redis/redis.log)" >&2; exit 1; }; \
	$(VENV)/bin/celery -A smartbank worker --loglevel=INFO --concurrency=2 --pidfile=var/celery-worker.pid 2>&1 | tee var/celery-worker.log & worker_job=$$!; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: system-deps venv services
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) CACHE_URL=$(TEST_CACHE_URL) \
		PRIVATE_STORAGE_ROOT=$(CURDIR)/var/test-private $(PY) -m pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

lint: venv
	$(VENV)/bin/ruff check .

clean:
	rm -rf var .pytest_cache
