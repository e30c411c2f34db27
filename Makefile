# SmartBank: `make run` serves the portal with production settings (gunicorn, WhiteNoise, a Celery
# worker and beat); `make dev` is development mode; `make test` runs the whole suite on
# PostgreSQL and Redis. They install what they need first and are safe to re-run.
SHELL := /bin/bash
PY_SYS ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# Tesseract's models for the Latin letters of other states' passports (smartbank/engines/ocr.py
# STATE_LANGUAGES): a page's visual zone is read in its issuing state's language.
OCR_STATE_LANGUAGES := deu fra spa ita por nld nor swe dan fin isl
APT_PACKAGES := python3-venv tesseract-ocr tesseract-ocr-eng $(addprefix tesseract-ocr-,$(OCR_STATE_LANGUAGES)) fonts-dejavu-core fonts-dejavu-extra fonts-liberation2 fonts-noto-core libmagic1 postgresql redis-server chromium chromium-driver clamav-daemon
TEST_DATABASE_URL ?= postgres://smartbank:smartbank@127.0.0.1:5432/smartbank
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15
TEST_CACHE_URL ?= redis://127.0.0.1:6379/7
HOST ?= 127.0.0.1
PORT ?= 8000
# make run's broker: the port of the default CELERY_BROKER_URL (smartbank/settings.py). A Redis
# of its own, apart from make test's throw-away one on 6379, so queued tasks survive restarts.
RUN_REDIS_PORT := 6380
# make run's secrets (smartbank/secrets_file.py): generated on the first run, then kept, since
# they decrypt the stored ID numbers. smartbank/settings.py reads this file (DJANGO_SECRETS_FILE).
SECRETS_FILE := var/secrets.env
# make run has production settings but serves plain HTTP on 127.0.0.1, where these four
# HTTPS-only defaults would redirect the browser to an https:// nobody serves and keep its
# cookies from coming back; HSTS 0, so no browser pins 127.0.0.1 to HTTPS for a year. Behind
# TLS leave them unset (smartbank/tests/test_deploy.py starts the app both ways).
LOOPBACK_HTTP := SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false SECURE_HSTS_SECONDS=0
# gunicorn for 2 cores: 2 processes of 4 threads, a listen queue of 128 that holds a burst (issue
# #8), the access log on stdout, no control socket (one per user's home, which a second gunicorn
# on the machine would take over). make dev serves with runserver instead.
GUNICORN_OPTIONS := --workers 2 --threads 4 --backlog 128 --access-logfile - --no-control-socket
RUN_WEB = $(VENV)/bin/gunicorn smartbank.wsgi --bind $(HOST):$(PORT) $(GUNICORN_OPTIONS)
# make run's monitoring (issue 14): Flower on 127.0.0.1 only, its login FLOWER_BASIC_AUTH read
# from $(SECRETS_FILE); every web and worker process keeps its metric counts in METRICS_DIR
# (PROMETHEUS_MULTIPROC_DIR, emptied at each start), which /metrics sums (smartbank/monitoring.py).
# Flower keeps retrying a broker that is down instead of exiting on SIGTERM: killed after 10 s.
FLOWER_PORT ?= 5555
FLOWER_OPTIONS := --address=127.0.0.1 --port=$(FLOWER_PORT)
METRICS_DIR := var/prometheus
# collectstatic's manifest (STATIC_ROOT); remade only when a static file or a package changes.
STATIC_MANIFEST := var/staticfiles/staticfiles.json
export OMP_THREAD_LIMIT := 1

.PHONY: run dev test system-deps venv services secrets migrate demo lint clean loadtest bench

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

## PostgreSQL, Redis and clamd on 127.0.0.1, started without systemd when not running.
services: system-deps
	@bash .ci/services.sh

## Secrets for make run in $(SECRETS_FILE) (git-ignored, mode 0600): made once, never overwritten.
secrets: venv
	@$(PY) -m smartbank.secrets_file $(SECRETS_FILE)

migrate: venv secrets
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py create_demo_data
	$(PY) manage.py generate_sample_data --count 500 --seed 2026 --if-empty

$(STATIC_MANIFEST): $(shell find static -type f) $(VENV)/.installed | secrets
	$(PY) manage.py collectstatic --noinput -v 0

## The portal as production runs it (DJANGO_DEBUG off, gunicorn, WhiteNoise), over plain HTTP on
## 127.0.0.1 (LOOPBACK_HTTP), with a Celery worker, Celery beat and make run's Redis.
run: system-deps venv demo $(STATIC_MANIFEST)
	@mkdir -p var/redis
	@echo "Starting Redis on 127.0.0.1:$(RUN_REDIS_PORT) (queue kept in var/redis), the Celery worker, Celery beat (log in var/celery-beat.log) and $(filter gunicorn runserver,$(notdir $(RUN_WEB))) on http://$(HOST):$(PORT)/ (Ctrl-C stops them)."
	@echo "One-time codes (email and SMS) are printed below by the worker's console backends."
	@echo "Uploads are scanned by clamd on var/clamav/clamd.sock (.ci/clamd.sh; started unless one answers there, with only the EICAR test signature of .ci/clamav/: README, Virus scanning)."
	@echo "Flower: http://127.0.0.1:$(FLOWER_PORT)/ (log in var/flower.log; login FLOWER_BASIC_AUTH in $(SECRETS_FILE)). Metrics: http://$(HOST):$(PORT)/metrics with the header 'Authorization: Bearer <METRICS_TOKEN in $(SECRETS_FILE)>'."
	@rm -f var/celery-worker.pid var/celery-beat.pid; redis_started=""; worker_job=""; beat_job=""; flower_job=""; \
	export $(LOOPBACK_HTTP); \
	rm -rf $(METRICS_DIR); mkdir -p $(METRICS_DIR); export PROMETHEUS_MULTIPROC_DIR=$(CURDIR)/$(METRICS_DIR); \
	stop_celery() { \
		for _ in $$(seq 1 100); do \
			[ -s $$1 ] || ! kill -0 $$2 2>/dev/null && break; sleep 0.1; \
		done; \
		pid=$$(cat $$1 2>/dev/null); \
		if [ -n "$$pid" ]; then \
			kill $$pid 2>/dev/null; \
			for _ in $$(seq 1 150); do kill -0 $$pid 2>/dev/null || break; sleep 0.2; done; \
		fi; \
		rm -f $$1; \
	}; \
	stop() { \
		if [ -n "$$flower_job" ]; then \
			kill $$flower_job 2>/dev/null; \
			for _ in $$(seq 1 100); do kill -0 $$flower_job 2>/dev/null || break; sleep 0.1; done; \
			kill -0 $$flower_job 2>/dev/null && kill -9 $$flower_job; flower_job=""; \
		fi; \
		stop_celery var/celery-beat.pid "$$beat_job"; \
		stop_celery var/celery-worker.pid "$$worker_job"; \
		if [ -n "$$redis_started" ]; then \
			redis-cli -h 127.0.0.1 -p $(RUN_REDIS_PORT) shutdown >/dev/null 2>&1; redis_started=""; \
		fi; \
		if [ -n "$$clamd_started" ]; then bash .ci/clamd.sh stop; clamd_started=""; fi; \
	}; \
	trap stop EXIT; trap 'exit 130' INT TERM; \
	if ! redis-cli -h 127.0.0.1 -p $(RUN_REDIS_PORT) ping >/dev/null 2>&1; then \
		redis-server --daemonize yes --bind 127.0.0.1 --port $(RUN_REDIS_PORT) --save '' \
			--appendonly yes --dir $(CURDIR)/var/redis --logfile $(CURDIR)/var/redis/redis.log \
			--pidfile $(CURDIR)/var/redis/redis.pid && redis_started=1; \
		for _ in $$(seq 1 20); do redis-cli -h 127.0.0.1 -p $(RUN_REDIS_PORT) ping >/dev/null 2>&1 && break; sleep 0.5; done; \
	fi; \
	redis-cli -h 127.0.0.1 -p $(RUN_REDIS_PORT) ping >/dev/null || { echo "Redis did not start (var/redis/redis.log)" >&2; exit 1; }; \
	if ! bash .ci/clamd.sh ping; then bash .ci/clamd.sh start && clamd_started=1 || exit 1; fi; \
	$(VENV)/bin/celery -A smartbank worker --loglevel=INFO --concurrency=2 --pidfile=var/celery-worker.pid 2>&1 | tee var/celery-worker.log & worker_job=$$!; \
	$(VENV)/bin/celery -A smartbank beat --loglevel=INFO --schedule var/celerybeat-schedule --pidfile=var/celery-beat.pid >var/celery-beat.log 2>&1 & beat_job=$$!; \
	FLOWER_BASIC_AUTH="$${FLOWER_BASIC_AUTH:-$$(sed -n 's/^FLOWER_BASIC_AUTH=//p' $(SECRETS_FILE))}" env -u PROMETHEUS_MULTIPROC_DIR \
		$(VENV)/bin/celery -A smartbank flower $(FLOWER_OPTIONS) >var/flower.log 2>&1 & flower_job=$$!; \
	$(RUN_WEB)

## Development mode: make run with DJANGO_DEBUG=true (Django's debug pages, static files from
## the source folders) and runserver, which reloads on code changes. Never for production.
dev:
	@DJANGO_DEBUG=true $(MAKE) --no-print-directory run RUN_WEB='$(PY) manage.py runserver $(HOST):$(PORT)'

test: system-deps venv services
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) CACHE_URL=$(TEST_CACHE_URL) \
		PRIVATE_STORAGE_ROOT=$(CURDIR)/var/test-private $(PY) -m pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

lint: venv
	$(VENV)/bin/ruff check .

clean:
	rm -rf var .pytest_cache

## Load test (bench/loadtest/, not part of make test): 50 customers register, apply for loans and
## poll for 2 minutes against gunicorn, 2 Celery workers, PostgreSQL and Redis on 127.0.0.1;
## prints its figures and fails when an error or a lost record is found. Options:
## make loadtest LOADTEST_ARGS="--users 20 --duration 60".
loadtest: system-deps venv services $(VENV)/.installed-load
	$(PY) bench/loadtest/run.py $(LOADTEST_ARGS)

## Every benchmark under bench/ (issue 13): one table of figures, anchors, ratios and targets,
## written to bench/results.md with the machine's description. BENCH_ARGS=--quick for a look.
bench: system-deps venv services $(VENV)/.installed-load
	$(PY) bench/run_all.py $(BENCH_ARGS)

# locust on top of requirements.txt; pip check's one known complaint is face-recognition's dlib,
# which dlib-bin provides (requirements-nodeps.txt).
$(VENV)/.installed-load: requirements-load.txt $(VENV)/.installed
	$(PIP) install -q -r requirements-load.txt
	@! $(PIP) check | grep -v '^face-recognition .* requires dlib, which is not installed' | grep .
	touch $@
