"""Celery task of loan applications: thin, idempotent, retried with backoff."""

from celery import shared_task
from django.conf import settings

from smartbank.sweeper import sweep_target_register
from smartbank.tasks import PipelineSteps, database_errors_retried, pipeline_task_run

from .models import LoanApplication
from .pipeline import loan_application_run_checks
from .services import (
    loan_application_checks_complete,
    loan_application_processing_failed,
    loan_application_processing_start,
    loan_applications_decide,
    loan_applications_decide_waiting,
)


def _decide_in_batch(*, loan_application_id: str) -> str | None:
    """The application decided with up to ``settings.LOAN_DECISION_BATCH_SIZE - 1`` others
    waiting, in one transaction (:func:`loans.services.loan_applications_decide`)."""
    return loan_applications_decide(
        loan_application_id=loan_application_id, limit=settings.LOAN_DECISION_BATCH_SIZE
    )


LOAN_APPLICATION_STEPS = PipelineSteps(
    model=LoanApplication,
    start=loan_application_processing_start,
    run=loan_application_run_checks,
    record_keyword="application",
    complete=loan_application_checks_complete,
    fail=loan_application_processing_failed,
    max_retries="LOAN_TASK_MAX_RETRIES",
    review_status=LoanApplication.Status.REVIEW,
    batch=_decide_in_batch,
)

sweep_target_register(
    LOAN_APPLICATION_STEPS.sweep_target(
        task_name="loans.tasks.loan_application_process_task",
        statuses=(LoanApplication.Status.SUBMITTED, LoanApplication.Status.PROCESSING),
    )
)


@shared_task(bind=True, max_retries=None, acks_late=True)
def loan_application_process_task(self, loan_application_id: str) -> str:  # noqa: ANN001
    """Run the three verification stages of one application; returns its resulting status
    (see :func:`smartbank.tasks.pipeline_task_run`: after ``settings.LOAN_TASK_MAX_RETRIES``
    engine errors the application goes to REVIEW)."""
    return pipeline_task_run(self, LOAN_APPLICATION_STEPS, loan_application_id)


@shared_task(bind=True, max_retries=None)
def loan_applications_decide_waiting_task(self) -> int:  # noqa: ANN001
    """Answer the checks' doorbell that submissions ring: decide up to
    ``settings.LOAN_DECISION_BATCH_SIZE`` waiting applications
    (:func:`loans.services.loan_applications_decide_waiting`); returns how many.

    Not ``acks_late``: a worker that dies on it loses only the ring. The applications it left
    keep their own messages, which the dispatcher publishes after its grace; that path counts
    worker deaths, so a poison application ends in REVIEW (:func:`pipeline_task_run`).
    """
    with database_errors_retried(self):
        return loan_applications_decide_waiting(limit=settings.LOAN_DECISION_BATCH_SIZE)
