"""Shared by the services: lock an application, enqueue the checks. Status moves go through
:func:`smartbank.transitions.transition`."""

from typing import Any

from smartbank.celery import enqueue_on_commit
from smartbank.models import OutboxMessage
from smartbank.outbox import Doorbell, outbox_message_build, outbox_publish_on_commit
from smartbank.transitions import lock

from ..models import LoanApplication


def locked(pk: Any) -> LoanApplication:
    return lock(LoanApplication, pk)


#: The task that runs one application's checks (its own message: reprocessing, the
#: dispatcher's publish of a submission no batch took, the sweeper).
CHECKS_TASK = "loans.tasks.loan_application_process_task"
#: Rung by each submission's commit instead of publishing its own message (issue 13): the
#: answering task decides the waiting applications in batches
#: (:func:`loans.services.processing.loan_applications_decide_waiting`).
CHECKS_DOORBELL = Doorbell(
    key="loans:checks-doorbell", task_name="loans.tasks.loan_applications_decide_waiting_task"
)


def enqueue_checks(application: LoanApplication, *, doorbell: bool = False) -> None:
    """Record the application's checks message in the outbox; published after commit, or,
    with ``doorbell`` (a SUBMITTED application), left for the batch the commit rings for."""
    enqueue_on_commit(
        CHECKS_TASK, str(application.pk), doorbell=CHECKS_DOORBELL if doorbell else None
    )


def checks_message_build(application: LoanApplication) -> OutboxMessage:
    """The unsaved checks message of ``application``, for a service that inserts it with the
    application (then :func:`checks_publish_on_commit`)."""
    return outbox_message_build(CHECKS_TASK, str(application.pk))


def checks_publish_on_commit(message: OutboxMessage, *, doorbell: bool = False) -> None:
    """After commit, publish the inserted checks ``message``, or with ``doorbell`` ring
    :data:`CHECKS_DOORBELL` for it, as :func:`enqueue_checks` does."""
    outbox_publish_on_commit(message, doorbell=CHECKS_DOORBELL if doorbell else None)
