"""Shared by the services: lock an application, enqueue the checks. Status moves go through
:func:`smartbank.transitions.transition`."""

from typing import Any

from smartbank.celery import enqueue_on_commit
from smartbank.outbox import Doorbell
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
