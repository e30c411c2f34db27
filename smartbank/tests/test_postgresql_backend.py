"""The kept-connection health check (smartbank/postgresql): a connection the server ended is
found unusable without a query, a healthy one is used without sending one (issue 13)."""

import select

import pytest
from django.db import connection, connections

pytestmark = pytest.mark.django_db


@pytest.fixture
def kept():
    """A second connection to the test database, as a web process keeps one between
    requests."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's connections")
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def server_side_last_query(pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def test_a_healthy_kept_connection_is_usable_and_the_check_sends_no_query(kept):
    assert type(kept).__module__ == "smartbank.postgresql.base"
    with kept.cursor() as cursor:
        cursor.execute("SELECT 'the last query before the check'")
    pid = kept.connection.info.backend_pid

    assert kept.is_usable()

    assert server_side_last_query(pid) == "SELECT 'the last query before the check'"


def test_a_connection_the_server_ended_is_unusable_and_the_next_one_works(kept):
    pid = kept.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    poller = select.poll()
    poller.register(kept.connection.fileno(), select.POLLIN)
    assert poller.poll(5000), "the server's goodbye reaches the socket within 5 s"

    assert not kept.is_usable()

    kept.health_check_done = False  # a new request: Django checks before the first query
    kept.close_if_health_check_failed()
    assert kept.connection is None
    with kept.cursor() as cursor:  # Django connects anew
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert kept.connection.info.backend_pid != pid


def test_a_connection_in_a_failed_transaction_is_unusable(kept):
    raw = kept.connection
    raw.autocommit = False
    with pytest.raises(Exception), raw.cursor() as cursor:  # noqa: B017, PT011 - any error
        cursor.execute("SELECT no_such_column FROM no_such_table")

    assert not kept.is_usable()
    raw.rollback()
    assert kept.is_usable()
