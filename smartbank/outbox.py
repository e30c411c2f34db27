"""The transactional outbox: tasks are recorded with the state change, then published.

Issue #10 ("Nothing lost"): a task enqueued straight to the broker is lost when the broker is
down at that moment (the request answered 500 after its transaction had committed) or loses
its queue. Here every enqueue is an :class:`~smartbank.models.OutboxMessage` row written in the
caller's transaction: a rolled-back transaction leaves no row and enqueues nothing. After the
commit the message is published at once (:func:`outbox_publish`); if the broker refuses, the
request still succeeds and the row waits. The dispatcher (:func:`outbox_dispatch`, run by
Celery beat every ``OUTBOX_DISPATCH_INTERVAL_SECONDS``) publishes every row still waiting after
``OUTBOX_DISPATCH_GRACE_SECONDS``. Publishing twice is harmless: every task is idempotent.

This is the pattern of Richardson, *Microservices Patterns* (2018), "Transactional outbox".

A pipeline whose worker takes what is waiting in batches (loan applications, issue 13) can
give its messages a :class:`Doorbell` instead: after the commit the request only rings it
(one ``SET NX`` in the shared cache), and a single no-argument task is published when it was
not already rung. The task answers the bell (deletes the key) before it claims what waits, so
every commit that found the bell rung is seen by that claim; the batch that decides a record
marks its row dispatched in its own transaction (:func:`outbox_mark_decided`). Rows no batch
took are published one by one by the dispatcher after the grace, as every other row.
"""

import datetime
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import kombu.exceptions
import redis.exceptions
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from .celery import app, tasks_modules_import
from .models import OutboxMessage
from .throttles import CACHE_ERRORS

logger = logging.getLogger(__name__)

#: Broker failures a publish can meet (Redis down, restarting, unreachable): kombu wraps them
#: in its ``OperationalError``; redis-py's and socket errors may surface bare. Each leaves the
#: row for the dispatcher; any other error (a bug) is raised.
PUBLISH_ERRORS: tuple[type[BaseException], ...] = (
    kombu.exceptions.OperationalError,
    redis.exceptions.RedisError,
    OSError,
)


#: Celery's autodiscovery is not thread-safe: a second thread asking while the first imports
#: the tasks modules returns at once with nothing registered (``_RACE_PROTECTION`` in
#: ``celery.loaders.base``), and its request answered 500 ``NotRegistered`` (gunicorn's threads,
#: found by ``make loadtest``). One thread discovers; the others wait for it.
_discovery_lock = threading.Lock()


def _task(task_name: str) -> Any:
    if task_name not in app.tasks:
        with _discovery_lock:
            if task_name not in app.tasks:
                tasks_modules_import()  # what the worker's autodiscovery imports
    return app.tasks[task_name]


@dataclass(frozen=True)
class Doorbell:
    """A shared-cache key that says "a task deciding what waits is on its way".

    Attributes:
        key: the cache key (``settings.CACHES["default"]``, Redis: shared by every web and
            worker process; a per-process cache would only delay, never lose, see
            :func:`doorbell_ring`).
        task_name: the registered name of the no-argument task that answers it
            (:func:`doorbell_answer` first, then claims and decides a batch).
        seconds: how long a ring nobody answered holds (a task lost with the broker, a
            worker killed before answering): later commits ring again after it.
    """

    key: str
    task_name: str
    seconds: float = 10.0


def outbox_enqueue(
    task_name: str, *args: str, swept: bool = False, doorbell: Doorbell | None = None
) -> OutboxMessage:
    """Record ``task_name(*args)`` in the current transaction and publish it after commit.

    Returns the row. Raises ``KeyError`` for an unknown task name, inside the caller's
    transaction. With ``CELERY_TASK_ALWAYS_EAGER`` the task runs in the committing process
    after commit, and its exceptions propagate (tests); otherwise a broker failure is logged
    and left to :func:`outbox_dispatch`. ``swept`` marks a re-enqueue by the sweeper. With a
    ``doorbell`` (not in eager mode) the commit rings it instead of publishing the row
    (:func:`doorbell_ring`); the row waits for the batch that decides its record.
    """
    message = outbox_message_build(task_name, *args, swept=swept)
    message.save(force_insert=True)
    outbox_publish_on_commit(message, doorbell=doorbell)
    return message


def outbox_message_build(task_name: str, *args: str, swept: bool = False) -> OutboxMessage:
    """The unsaved row of :func:`outbox_enqueue` (``KeyError`` for an unknown task name), for
    a service that inserts it with its own rows (:func:`smartbank.db.statements_run`), then
    calls :func:`outbox_publish_on_commit`."""
    _task(task_name)
    return OutboxMessage(
        task_name=task_name,
        args=list(args),
        entity_id=str(args[0])[:64] if args else "",
        swept=swept,
    )


def outbox_publish_on_commit(message: OutboxMessage, *, doorbell: Doorbell | None = None) -> None:
    """After the current transaction commits, publish the inserted ``message`` or ring
    ``doorbell`` for it (:func:`outbox_enqueue`'s second half)."""
    if doorbell is not None and not app.conf.task_always_eager:
        _task(doorbell.task_name)
        transaction.on_commit(lambda: doorbell_ring(doorbell, message=message))
    else:
        transaction.on_commit(lambda: outbox_publish(message))


def doorbell_ring(doorbell: Doorbell, *, message: OutboxMessage | None = None) -> bool:
    """Ring ``doorbell`` after a commit; returns whether a task is on its way.

    ``SET NX`` of the key for ``doorbell.seconds``: when it was not set, the doorbell's task
    is published (one for every commit made while it waits); when it was, a task published
    earlier has not answered yet and its claim will see this commit. A broker that refuses
    the task clears the key again (the next commit rings anew) and returns False: ``message``
    waits for :func:`outbox_dispatch`. A cache that cannot be reached publishes ``message``
    itself (:func:`outbox_publish`), or the task when there is no message. Never raises for
    a broker or cache failure.
    """
    try:
        rung = cache.add(doorbell.key, 1, timeout=doorbell.seconds)
    except CACHE_ERRORS as exc:
        logger.warning("doorbell %s: cache unreachable (%s)", doorbell.key, type(exc).__name__)
        if message is not None:
            return outbox_publish(message)
        rung = True
    if not rung:
        return True
    try:
        _task(doorbell.task_name).apply_async(retry=False)
    except PUBLISH_ERRORS as exc:
        logger.warning(
            "doorbell %s: broker refused %s (%s); the dispatcher will publish what waits",
            doorbell.key,
            doorbell.task_name,
            type(exc).__name__,
        )
        doorbell_answer(doorbell)
        return False
    return True


def doorbell_answer(doorbell: Doorbell) -> None:
    """Clear ``doorbell`` (its task calls this first, before it claims): a commit after this
    rings again and publishes another task. A cache failure is logged; the key then expires
    after ``doorbell.seconds``."""
    try:
        cache.delete(doorbell.key)
    except CACHE_ERRORS as exc:
        logger.warning("doorbell %s: cache unreachable (%s)", doorbell.key, type(exc).__name__)


def outbox_mark_decided(task_name: str, entity_ids: Iterable[str]) -> int:
    """Mark dispatched the waiting messages of ``task_name`` for ``entity_ids``, whose
    records a batch decided (call in the batch's transaction: a rollback keeps them waiting);
    returns how many. Their publish would only find the record decided."""
    ids = [str(entity_id)[:64] for entity_id in entity_ids]
    if not ids:
        return 0
    return OutboxMessage.objects.filter(
        task_name=task_name, entity_id__in=ids, dispatched_at__isnull=True
    ).update(dispatched_at=timezone.now())


def outbox_publish(message: OutboxMessage) -> bool:
    """Send one message to the broker and mark it dispatched; returns whether it went out.

    A broker error is not raised: it is counted on the row (``publish_attempts``,
    ``last_error`` = the error's type) and logged with the message id only. In eager mode the
    row is marked first and the task runs here, raising what it raises.
    """
    task = _task(message.task_name)
    if app.conf.task_always_eager:
        _mark_dispatched(message)
        task.apply_async(args=message.args)
        return True
    try:
        task.apply_async(args=message.args, retry=False)
    except PUBLISH_ERRORS as exc:
        OutboxMessage.objects.filter(pk=message.pk).update(
            publish_attempts=message.publish_attempts + 1, last_error=type(exc).__name__
        )
        logger.warning(
            "outbox %s: broker refused %s (%s); the dispatcher will retry",
            message.pk,
            message.task_name,
            type(exc).__name__,
        )
        return False
    _mark_dispatched(message)
    return True


_MARK_DISPATCHED_SQL = (
    "SET LOCAL synchronous_commit TO OFF; "  # noqa: S608 - the table name is the model's
    f"UPDATE {OutboxMessage._meta.db_table} SET dispatched_at = %s, publish_attempts = %s"
    " WHERE id = %s AND dispatched_at IS NULL"
)


def _mark_dispatched(message: OutboxMessage) -> None:
    """Record that the broker took ``message``: one UPDATE.

    After a commit (autocommit, the usual case) on PostgreSQL the UPDATE runs in one round
    trip with ``synchronous_commit`` off for its own implicit transaction only: it does not
    wait for the WAL flush (~2.6 ms here, as long as the whole submission's queries; issue 13).
    A mark lost in a database crash only leaves the row to :func:`outbox_dispatch`, which
    publishes it again: harmless, every task is idempotent. Inside a transaction (the
    dispatcher, eager mode) the plain UPDATE joins it.
    """
    now, attempts = timezone.now(), message.publish_attempts + 1
    if connection.vendor == "postgresql" and connection.get_autocommit():
        with connection.cursor() as cursor:
            cursor.execute(_MARK_DISPATCHED_SQL, [now, attempts, message.pk])
        return
    OutboxMessage.objects.filter(pk=message.pk, dispatched_at__isnull=True).update(
        dispatched_at=now, publish_attempts=attempts
    )


def outbox_dispatch(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """Publish the messages still waiting ``OUTBOX_DISPATCH_GRACE_SECONDS`` after they were
    written (oldest first, at most ``limit``); returns how many went out.

    The grace leaves the fresh ones to the publish after their commit. The batch stops at the
    first broker error (the broker is down: the next run tries again). Rows are claimed with
    ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two dispatchers never send the same
    row at once (SQLite serialises writers anyway).
    """
    cutoff = (now or timezone.now()) - datetime.timedelta(
        seconds=settings.OUTBOX_DISPATCH_GRACE_SECONDS
    )
    sent = 0
    with transaction.atomic():
        waiting = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(dispatched_at__isnull=True, created_at__lte=cutoff)
            .order_by("created_at")[:limit]
        )
        for message in waiting:
            if not outbox_publish(message):
                break
            sent += 1
    if sent:
        logger.info("outbox: dispatched %d waiting message(s)", sent)
    return sent


def outbox_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete messages dispatched more than ``OUTBOX_RETENTION_DAYS`` ago; returns how many.
    Waiting messages are never deleted."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    deleted, _ = OutboxMessage.objects.filter(dispatched_at__lte=cutoff).delete()
    return deleted
