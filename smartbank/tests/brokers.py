"""Tests' control of where this process publishes Celery tasks."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

#: A broker URL nothing listens on (port 9 is "discard"; Redis refuses at once).
UNREACHABLE_BROKER = "redis://127.0.0.1:9/0"


@contextmanager
def publishing_to(url: str) -> Iterator[None]:
    """Point this process's Celery app (the "web server") at ``url``, not eagerly. Celery reads
    ``CELERY_BROKER_URL`` from the environment before its configuration, so both change."""
    from smartbank.celery import app

    old = app.conf.broker_url, app.conf.task_always_eager, os.environ.get("CELERY_BROKER_URL")
    app.conf.broker_url, app.conf.task_always_eager = url, False
    os.environ["CELERY_BROKER_URL"] = url
    app._after_fork()  # drop the connection pools of the old URL
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = old[:2]
        if old[2] is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = old[2]
        app._after_fork()
