"""Celery tasks of the shared services (notification delivery), thin and idempotent, and the
retry of transient database errors that every task uses."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from .errors import RetryableError
from .models import Notification
from .notifications import NotificationDeliveryError, notification_deliver, notification_fail

logger = logging.getLogger(__name__)

#: Errors of a database that is busy, restarting or briefly unreachable ("database is locked"
#: on SQLite, a dropped PostgreSQL connection): the same call succeeds a little later.
TRANSIENT_DATABASE_ERRORS = (OperationalError, InterfaceError)
#: Retries of a task that keeps meeting them: backoff 5 s doubling to 5 min, about 75 minutes
#: in all. They count in ``request.retries`` like every other retry of the task.
DATABASE_MAX_RETRIES = 20


@contextmanager
def database_errors_retried(task: Task) -> Iterator[None]:
    """Run a task's body; on a transient database error retry the task (``task.retry``).

    A database error cannot be recorded on the row it concerns (the database is the trouble),
    so the whole body runs again later: every task is idempotent and its status moves are
    restartable. The retry names the error type only (:class:`RetryableError`). After
    :data:`DATABASE_MAX_RETRIES` retries the error is raised and the task fails.
    """
    try:
        yield
    except TRANSIENT_DATABASE_ERRORS as exc:
        retries = task.request.retries
        logger.warning(
            "task %s: database error (%s), retry %d", task.name, type(exc).__name__, retries + 1
        )
        raise task.retry(
            exc=RetryableError.from_exc(exc),
            countdown=min(2**retries * 5, 300),
            max_retries=DATABASE_MAX_RETRIES,
        ) from None


@shared_task(bind=True, max_retries=None, acks_late=True)
def notification_deliver_task(self, notification_id: str) -> str:  # noqa: ANN001 - bound task
    """Deliver one notification; returns its resulting status (``SENT`` / ``FAILED``).

    Re-running is harmless: a SENT or FAILED notification is left alone. A failed attempt is
    retried after ``min(2**retries * 10, 600)`` seconds (10 s, 20 s, 40 s... at most 10 min);
    after ``settings.NOTIFICATION_MAX_RETRIES`` retries the notification is marked FAILED. A
    database error is retried (:func:`database_errors_retried`), so the row never stays QUEUED.
    """
    with database_errors_retried(self):
        try:
            return notification_deliver(notification_id=notification_id).status
        except Notification.DoesNotExist:
            # A message for a row that no longer exists (a reset database): nothing to deliver.
            logger.warning("notification %s not found; task dropped", notification_id)
            return "MISSING"
        except NotificationDeliveryError as exc:
            if self.request.retries >= settings.NOTIFICATION_MAX_RETRIES:
                notification_fail(notification_id=notification_id, error=str(exc))
                return Notification.Status.FAILED
            raise self.retry(exc=exc, countdown=min(2**self.request.retries * 10, 600)) from exc
