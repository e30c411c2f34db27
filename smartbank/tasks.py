"""Celery tasks of the shared services (notification delivery; the outbox dispatcher, the
sweeper and the purges that Celery beat runs), thin and idempotent; the retry of transient
database errors that every task uses; and the one skeleton of every pipeline task (KYC cases,
loan applications, waivers)."""

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from celery import Task, shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from .engines.antivirus import ScannerUnavailable
from .errors import RetryableError
from .idempotency import idempotency_key_purge
from .models import Notification
from .notifications import (
    DeliveryOutcome,
    NotificationDeliveryError,
    notification_deliver,
    notification_fail,
    notifications_deliver,
)
from .outbox import outbox_dispatch, outbox_purge
from .sweeper import SweepTarget, stuck_sweep, sweep_target_register

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
        batch: optional ``batch(<entity>_id=)``, tried first on a message's first delivery
            (not on a retry, nor after a worker died on it): decides the record with others
            waiting and returns its status, or ``None`` when its own run raised, for the
            single path (start, run, complete) to record and retry the error.
    """

    model: Any
    start: Callable[..., Any]
    run: Callable[..., Any]
    record_keyword: str
    complete: Callable[..., Any]
    fail: Callable[..., Any]
    max_retries: str
    review_status: str
    batch: Callable[..., str | None] | None = None

    @property
    def id_keyword(self) -> str:
        """``<entity>_id``: "KycCase" → "kyc_case_id"."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.model.__name__).lower() + "_id"

    @property
    def label(self) -> str:
        """The model's verbose name, for log lines."""
        return str(self.model._meta.verbose_name)

    def sweep_target(self, *, task_name: str, statuses: tuple[str, ...]) -> SweepTarget:
        """What the sweeper watches for this pipeline (:mod:`smartbank.sweeper`): records in
        ``statuses`` run ``task_name`` again; a poison one ends through ``fail(final=True)``,
        so it lands in :attr:`review_status` with its audit event."""

        def give_up(entity_id: str, error: str) -> None:
            self.fail(**{self.id_keyword: entity_id}, error=error, final=True)

        return SweepTarget(
            model=self.model, statuses=statuses, task_name=task_name, give_up=give_up
        )


def worker_lost_count(task: Task) -> int:
    """How many times a worker died running this task's message (``task_reject_on_worker_lost``
    hands it out again, with the same id and retry count): deliveries counted in the cache per
    task id, less the first and the retries. 0 when the cache is unreachable.

    A poison record, one that kills the worker each time (a native engine crashing, memory),
    would otherwise loop for ever; :func:`pipeline_task_run` ends it after
    ``settings.TASK_MAX_WORKER_LOST``.
    """
    if not task.request.id:
        return 0
    from django.core.cache import cache

    from .throttles import CACHE_ERRORS

    key = f"task-deliveries:{task.request.id}"
    try:
        cache.add(key, 0, timeout=86_400)
        deliveries = cache.incr(key)
    except CACHE_ERRORS:
        return 0
    return max(deliveries - 1 - task.request.retries, 0)


def pipeline_task_run(task: Task, steps: PipelineSteps, entity_id: str) -> str:
    """The body of every pipeline task; returns the record's resulting status.

    Re-running is harmless: a record past processing is left alone. A message a worker died on
    ``settings.TASK_MAX_WORKER_LOST`` times goes to ``steps.review_status`` instead of running
    again (:func:`worker_lost_count`). An engine error is
    recorded through ``steps.fail`` and retried with exponential backoff (5 s, doubling, at
    most 5 min); after ``settings.<steps.max_retries>`` retries the record goes to
    ``steps.review_status`` with the error recorded, so it never sticks in PROCESSING. A virus
    scanner without a verdict (``ScannerUnavailable``) is retried the same way for
    ``settings.CLAMAV_UNAVAILABLE_MAX_RETRIES`` (about a day): the record waits in PROCESSING
    and is never decided on unscanned files. Both count in ``request.retries``. A
    database error retries the whole body (:func:`database_errors_retried`). Retries and logs
    name the error type only.
    """
    key = {steps.id_keyword: entity_id}
    with database_errors_retried(task):
        lost = worker_lost_count(task)
        if lost >= settings.TASK_MAX_WORKER_LOST:
            logger.warning("%s %s: worker lost %d times, to staff", steps.label, entity_id, lost)
            try:
                steps.fail(**key, error=f"WorkerLost: a worker died {lost} times on it", final=True)
            except steps.model.DoesNotExist:
                return "MISSING"
            return steps.review_status
        if steps.batch is not None and lost == 0 and not task.request.retries:
            try:
                status = steps.batch(**key)
            except steps.model.DoesNotExist:
                logger.warning("%s %s not found; task dropped", steps.label, entity_id)
                return "MISSING"
            if status is not None:
                return status
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
            # No verdict from the virus scanner is no reason to decide: wait far longer for it
            # than for an engine error (settings.CLAMAV_UNAVAILABLE_MAX_RETRIES).
            budget = (
                settings.CLAMAV_UNAVAILABLE_MAX_RETRIES
                if isinstance(exc, ScannerUnavailable)
                else getattr(settings, steps.max_retries)
            )
            final = task.request.retries >= budget
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


def _deliveries(*notification_ids: str) -> list[DeliveryOutcome]:
    """One attempt per notification: alone through :func:`notification_deliver` (an OTP),
    several in one transaction through :func:`notifications_deliver` (a batch of decisions'
    messages)."""
    if len(notification_ids) > 1:
        return notifications_deliver(notification_ids=notification_ids)
    (one,) = notification_ids
    try:
        return [DeliveryOutcome(one, notification_deliver(notification_id=one), None)]
    except Notification.DoesNotExist:
        return [DeliveryOutcome(one, None, None)]
    except NotificationDeliveryError as exc:
        return [DeliveryOutcome(one, Notification.objects.get(pk=one), exc)]


@shared_task(bind=True, max_retries=None, acks_late=True)
def notification_deliver_task(self, notification_id: str, *more_ids: str) -> str:  # noqa: ANN001
    """Deliver one notification, or several in one transaction (a batch of loan decisions'
    emails and SMS, sent by :func:`smartbank.notifications.notifications_enqueue`; see
    :func:`smartbank.notifications.notifications_deliver`); returns the resulting statuses in
    order, joined by commas (``"SENT"``, ``"SENT,SENT"``; ``QUEUED`` for one waiting to retry).

    Re-running is harmless: a SENT or FAILED notification is left alone. A failed attempt is
    retried after ``min(2**retries * 10, 600)`` seconds (10 s, 20 s, 40 s... at most 10 min),
    the retry carrying only the notifications that failed; after
    ``settings.NOTIFICATION_MAX_RETRIES`` retries they are marked FAILED. A database error
    retries the whole task (:func:`database_errors_retried`), so no row stays QUEUED.
    """
    statuses: list[str] = []
    failed: list[str] = []
    error: NotificationDeliveryError | None = None
    with database_errors_retried(self):
        for outcome in _deliveries(notification_id, *more_ids):
            one = outcome.notification_id
            if outcome.notification is None:
                # A message for a row that no longer exists (a reset database): nothing to do.
                logger.warning("notification %s not found; task dropped", one)
                statuses.append("MISSING")
            elif outcome.error is None:
                statuses.append(outcome.notification.status)
            elif self.request.retries >= settings.NOTIFICATION_MAX_RETRIES:
                notification_fail(notification_id=one, error=str(outcome.error))
                statuses.append(Notification.Status.FAILED)
            else:
                failed.append(one)
                statuses.append(Notification.Status.QUEUED)
                error = outcome.error
        if error is not None:
            raise self.retry(
                args=failed, exc=error, countdown=min(2**self.request.retries * 10, 600)
            ) from error
    return ",".join(statuses)


sweep_target_register(
    SweepTarget(
        model=Notification,
        statuses=(Notification.Status.QUEUED,),
        task_name="smartbank.tasks.notification_deliver_task",
        give_up=lambda entity_id, error: notification_fail(notification_id=entity_id, error=error),
    )
)


@shared_task(bind=True, ignore_result=True)
def outbox_dispatch_task(self) -> int:  # noqa: ANN001 - bound task
    """Celery beat, every ``OUTBOX_DISPATCH_INTERVAL_SECONDS``: publish the outbox messages the
    broker refused (:func:`smartbank.outbox.outbox_dispatch`); returns how many went out."""
    with database_errors_retried(self):
        return outbox_dispatch()


@shared_task(bind=True, ignore_result=True)
def stuck_sweep_task(self) -> int:  # noqa: ANN001 - bound task
    """Celery beat, every ``SWEEP_INTERVAL_SECONDS``: enqueue again or give up the records
    stuck in flight (:func:`smartbank.sweeper.stuck_sweep`); returns how many it touched."""
    with database_errors_retried(self):
        report = stuck_sweep()
    return sum(map(len, report.requeued.values())) + sum(map(len, report.given_up.values()))


@shared_task(bind=True, ignore_result=True)
def housekeeping_purge_task(self) -> dict[str, int]:  # noqa: ANN001 - bound task
    """Celery beat, daily: delete expired Idempotency-Key answers and outbox messages
    dispatched more than ``OUTBOX_RETENTION_DAYS`` ago; returns the counts."""
    with database_errors_retried(self):
        return {"idempotency_keys": idempotency_key_purge(), "outbox_messages": outbox_purge()}
