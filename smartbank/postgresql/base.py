"""Django's PostgreSQL backend (``django.db.backends.postgresql``), whose health check of a
kept connection sends no query when the server has said nothing since the last one.

``CONN_HEALTH_CHECKS`` makes Django check a persistent connection before the first query of
each request and task; Django's check is a ``SELECT 1``: a round trip on every request, 17 %
of a loaded web process's wall time on the loan submission and as many statements for the
database as the trivial GET's own query (issue 13, py-spy profile in
``bench/results-notes.md``). A connection the server ended (restart, ``pg_terminate_backend``,
an idle timeout, a failover) has its end waiting on the socket: the server's FATAL message,
then end of file. So a kept connection whose socket has nothing to read is used as it is, and
only one with something waiting gets Django's ``SELECT 1`` (which reads it and fails when the
server has gone). This is the check go-sql-driver/mysql makes before reusing a connection
(``conncheck.go``: a non-blocking read of the idle socket). A connection lost without a word
(a cable cut, no FIN) passes both checks alike and fails on its first query.
"""

import select

import psycopg2.extensions
from django.db.backends.postgresql import base

_IDLE = psycopg2.extensions.TRANSACTION_STATUS_IDLE
_IN_TRANSACTION = psycopg2.extensions.TRANSACTION_STATUS_INTRANS


class DatabaseWrapper(base.DatabaseWrapper):
    """``django.db.backends.postgresql`` with :meth:`is_usable` checking the socket first."""

    def is_usable(self) -> bool:
        """Whether the kept connection can take the next query: not closed, not in a failed
        transaction, and nothing from the server waiting on its socket; when something waits
        (a notice, or the server's goodbye), Django's ``SELECT 1`` decides."""
        connection = self.connection
        if connection is None or connection.closed:
            return False
        if connection.info.transaction_status not in (_IDLE, _IN_TRANSACTION):
            return False  # a failed transaction or a lost link: Django's SELECT 1 fails too
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
        if not poller.poll(0):
            return True
        return super().is_usable()
