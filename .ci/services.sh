#!/usr/bin/env bash
# Start PostgreSQL and Redis on 127.0.0.1 and clamd (the virus scanner, .ci/clamd.sh) without
# systemd when they are not running, and make the test role and database. Safe to run again.
# Used by `make test`.
set -euo pipefail
# The newest installed PostgreSQL (15 on Debian 12; other releases ship other versions).
PG_VERSION="${PG_VERSION:-$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)}"
[ -n "$PG_VERSION" ] || { echo "PostgreSQL is not installed" >&2; exit 1; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  if ! pg_lsclusters -h 2>/dev/null | grep -q "^${PG_VERSION} main"; then
    $SUDO pg_createcluster "$PG_VERSION" main >/dev/null
  fi
  $SUDO pg_ctlcluster "$PG_VERSION" main start || true
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432 -q || { echo "PostgreSQL did not start" >&2; exit 1; }

psql_admin() { if [ "$(id -u)" = 0 ]; then su postgres -c "psql -qtA -c \"$1\""; else sudo -u postgres psql -qtA -c "$1"; fi; }
if [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname='smartbank'")" != "1" ]; then
  psql_admin "CREATE ROLE smartbank LOGIN PASSWORD 'smartbank' CREATEDB" >/dev/null
fi
if [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname='smartbank'")" != "1" ]; then
  psql_admin "CREATE DATABASE smartbank OWNER smartbank" >/dev/null
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  # Append-only file, as production should run it: queued tasks survive a Redis restart.
  REDIS_DIR="$(cd "$(dirname "$0")/.." && pwd)/var/redis-test"
  mkdir -p "$REDIS_DIR"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly yes \
    --dir "$REDIS_DIR" --logfile "$REDIS_DIR/redis.log" >/dev/null
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "Redis did not start" >&2; exit 1; }
# The tests' CLAMAV_ADDRESS default is this clamd's socket (smartbank/settings.py).
bash "$(dirname "$0")/clamd.sh" start
echo "PostgreSQL and Redis are up on 127.0.0.1"
