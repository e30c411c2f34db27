"""A row locked by another database connection for a while: what a busy database does to a task.

PostgreSQL (``make test``) gives up waiting after ``lock_timeout`` with ``LockNotAvailable``,
which Django raises as ``django.db.OperationalError``, the same class as SQLite's
"database is locked".
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection, models, transaction


@contextmanager
def row_locked_for(model: type[models.Model], pk: object, *, seconds: float) -> Iterator[None]:
    """Hold ``SELECT ... FOR UPDATE`` on one row from another thread for ``seconds`` while this
    thread's connection waits at most 200 ms for a lock. Needs a ``transaction=True`` test."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's lock_timeout (make test)")
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                model.objects.select_for_update().get(pk=pk)
                locked.set()
                release.wait(30)
        finally:
            connection.close()  # this thread's own connection

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(10), "the row was not locked"
    timer = threading.Timer(seconds, release.set)
    timer.start()
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
        timer.cancel()
        release.set()
        holder.join()
