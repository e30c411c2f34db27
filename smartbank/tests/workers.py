"""A real Celery worker process for tests: solo pool, this test run's database and Redis."""

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection


@contextmanager
def solo_worker(log_path: Path, **env: str) -> Iterator[subprocess.Popen]:
    """Start ``celery worker --pool=solo`` on the test database (PostgreSQL, committed data:
    use ``django_db(transaction=True)``) and ``CELERY_BROKER_URL``'s Redis, with ``env`` on top
    of this process's environment; its output goes to ``log_path``. This process stops
    publishing eagerly and the queue is purged first. Skips without a Redis broker."""
    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
        pytest.skip("needs CELERY_BROKER_URL=redis://... (make test sets it)")
    from smartbank.celery import app

    app.conf.task_always_eager = False
    app.control.purge()
    db = connection.settings_dict
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}"
        f"/{db['NAME']}",
        "PRIVATE_STORAGE_ROOT": str(settings.PRIVATE_STORAGE_ROOT),
        "OMP_THREAD_LIMIT": "1",
        **env,
    }
    with log_path.open("w") as log:
        worker = subprocess.Popen(  # noqa: S603 - our own worker, fixed arguments
            [sys.executable, "-m", "celery", "-A", "smartbank", "worker", "--pool=solo",
             "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield worker
        finally:
            worker.terminate()
            worker.wait(timeout=30)


def wait_until(done: Callable[[], bool], *, timeout: float, interval: float = 0.2) -> bool:
    """Call ``done`` every ``interval`` seconds until it returns true or ``timeout`` seconds
    have passed; returns its last answer (a worker works at its own pace)."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
    return True
