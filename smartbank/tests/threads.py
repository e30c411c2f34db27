"""Concurrency helpers of the tests on real PostgreSQL: callers released at the same moment,
each on a database connection of its own."""

import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection


def run_in_threads(target: Callable[..., Any], args_list: Iterable[tuple[Any, ...]]) -> None:
    """Start one thread per args tuple, released together by a barrier; join them all. Each
    thread closes its own database connection when it ends. An exception in a thread is left
    to ``target`` to record (tests collect outcomes in a list)."""
    args_list = list(args_list)
    barrier = threading.Barrier(len(args_list))

    def wrapped(*args: Any) -> None:
        barrier.wait()
        try:
            target(*args)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrapped, args=args) for args in args_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
