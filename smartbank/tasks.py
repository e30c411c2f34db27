"""Celery tasks of the shared services (notification delivery), thin and idempotent; the retry
of transient database errors that every task uses; and the one skeleton of every pipeline task
(KYC cases, loan applications, waivers)."""

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class PipelineSteps:
    """The service calls one pipeline task is made of (STYLE.md: load, run, hand back).

    The services follow the vocabulary of docs/architecture.md: each takes the record's id as
    ``<entity>_id``, the entity being the model's name in snake_case (``kyc_case_id``).

    Attributes:
        model: the model; its ``DoesNotExist`` means the task is stale.
        start: ``start(<entity>_id=)`` marks the record PROCESSING and returns it, or None when
            it is already past processing (the task is then a no-op).
        run: ``run(<record_keyword>=record)`` calls the engines and returns the outcome; any
            exception but a database error is an engine error.
        record_keyword: the keyword ``run`` takes the record under (``case``, ``waiver``).
        complete: ``complete(<entity>_id=, outcome=)`` stores the outcome and decides.
        fail: ``fail(<entity>_id=, error=, final=)`` records an engine error; ``final`` sends
            the record to staff.
        max_retries: settings name of the engine-error retries before ``fail(final=True)``.
        review_status: the status a record ends in after the last retry.
    """

    model: Any
    start: Callable[..., Any]
    run: Callable[..., Any]
    record_keyword: str
    complete: Callable[..., Any]
    fail: Callable[..., Any]
    max_retries: str
    review_status: str

    @property
    def id_keyword(self) -> str:
        """``<entity>_id``: "KycCase" → "kyc_case_id"."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.model.__name__).lower() + "_id"

    @property
    def label(self) -> str:
        """The model's verbose name, for log lines."""
        return str(self.model._meta.verbose_name)


def pipeline_task_run(task: Task, steps: PipelineSteps, entity_id: str) -> str:
    """The body of every pipeline task; returns the record's resulting status.

    Re-running is harmless: a record past processing is left alone. An engine error is
    recorded through ``steps.fail`` and retried with exponential backoff (5 s, doubling, at
    most 5 min); after ``settings.<steps.max_retries>`` retries the record goes to
    ``steps.review_status`` with the error recorded, so it never sticks in PROCESSING. A
    database error retries the whole body (:func:`database_errors_retried`). Retries and logs
    name the error type only.
    """
    key = {steps.id_keyword: entity_id}
    with database_errors_retried(task):
        try:
            record = steps.start(**key)
        except steps.model.DoesNotExist:
            logger.warning("%s %s not found; task dropped", steps.label, entity_id)
            return "MISSING"
        if record is None:
            return steps.model.objects.values_list("status", flat=True).get(pk=entity_id)
        try:
            outcome = steps.run(**{steps.record_keyword: record})
        except TRANSIENT_DATABASE_ERRORS:
            raise
        except Exception as exc:
            final = task.request.retries >= getattr(settings, steps.max_retries)
            error = f"{type(exc).__name__}: {str(exc)[:200]}"
            logger.warning(
                "%s %s engine error (%s), final=%s",
                steps.label,
                entity_id,
                type(exc).__name__,
                final,
            )
            steps.fail(**key, error=error, final=final)
            if final:
                return steps.review_status
            raise task.retry(
                exc=RetryableError.from_exc(exc), countdown=min(2**task.request.retries * 5, 300)
            ) from None
        return steps.complete(**key, outcome=outcome).status


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
