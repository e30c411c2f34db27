"""The sweeper: records stuck in flight are enqueued again, and a poison one goes to staff.

Issue #10: a worker killed as a whole (SIGKILL, out of memory, a lost machine) leaves its
message unacknowledged in Redis until the visibility timeout, and a broker that lost its queue
leaves the record waiting for ever. Every app registers what it sends through Celery as a
:class:`SweepTarget`; :func:`stuck_sweep` (run by Celery beat every ``SWEEP_INTERVAL_SECONDS``)
finds the records of each target still in one of its in-flight statuses
``SWEEP_STUCK_AFTER_SECONDS`` after their last change, and

- enqueues the target's task again through the outbox, marked ``swept`` (the attempt counter
  is the number of swept messages for that record), or
- after ``SWEEP_MAX_ATTEMPTS`` sweeps, gives up through the target's own failure service: a KYC
  case or a waiver goes to MANUAL_REVIEW, a loan application to REVIEW, a notification or an
  OCR flow to FAILED, each with an audit event. A record never loops for ever.

A record whose last message still waits for the broker, or was enqueued less than the stuck age
ago, is left alone: the dispatcher owns it, or a worker may still be on it. The stuck age must be
longer than a task may run plus its longest retry countdown (``CELERY_TASK_TIME_LIMIT`` 300 s
plus 600 s); tasks are idempotent, so an early sweep costs a duplicate run, never a second
decision.
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from .celery import tasks_modules_import
from .models import OutboxMessage
from .outbox import outbox_enqueue

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepTarget:
    """What the sweeper watches for one task.

    Attributes:
        model: the model whose rows the task works on (with ``status`` and ``updated_at``).
        statuses: the statuses in which a row waits for the task (PENDING, PROCESSING...).
        task_name: the Celery task's registered name; it takes the row's id as its only
            argument.
        give_up: ``give_up(entity_id, error)`` ends a poison row through the app's own
            failure service (``error``: a short text without personal data).
    """

    model: type[models.Model]
    statuses: tuple[str, ...]
    task_name: str
    give_up: Callable[[str, str], Any]


SWEEP_TARGETS: dict[str, SweepTarget] = {}


def sweep_target_register(target: SweepTarget) -> SweepTarget:
    """Register ``target`` (by task name, so importing a module twice registers it once)."""
    SWEEP_TARGETS[target.task_name] = target
    return target


@dataclass
class SweepReport:
    """What one sweep did: ids re-enqueued and ids given up, per task name."""

    requeued: dict[str, list[str]]
    given_up: dict[str, list[str]]


def stuck_sweep(*, now: datetime.datetime | None = None, limit: int = 200) -> SweepReport:
    """Re-enqueue or give up every stuck record of every registered target (at most ``limit``
    per target per run, oldest change first). Returns a :class:`SweepReport`; logs ids only."""
    tasks_modules_import()  # every app's tasks module registers its targets
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.SWEEP_STUCK_AFTER_SECONDS)
    report = SweepReport(requeued={}, given_up={})
    for target in SWEEP_TARGETS.values():
        stuck = (
            target.model.objects.filter(status__in=target.statuses, updated_at__lte=cutoff)
            .order_by("updated_at")
            .values_list("pk", flat=True)[:limit]
        )
        for pk in stuck:
            entity_id = str(pk)
            messages = OutboxMessage.objects.filter(
                task_name=target.task_name, entity_id=entity_id
            )
            if messages.filter(Q(dispatched_at__isnull=True) | Q(created_at__gt=cutoff)).exists():
                continue
            attempts = messages.filter(swept=True).count()
            with transaction.atomic():
                if attempts >= settings.SWEEP_MAX_ATTEMPTS:
                    target.give_up(
                        entity_id, f"Stuck in flight: enqueued again {attempts} times, no result"
                    )
                    report.given_up.setdefault(target.task_name, []).append(entity_id)
                else:
                    outbox_enqueue(target.task_name, entity_id, swept=True)
                    report.requeued.setdefault(target.task_name, []).append(entity_id)
    for kind, found in (("re-enqueued", report.requeued), ("gave up on", report.given_up)):
        for task_name, ids in found.items():
            logger.warning("sweeper %s %d stuck record(s) of %s", kind, len(ids), task_name)
    return report
