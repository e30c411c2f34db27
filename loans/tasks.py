"""Celery tasks of loan applications: thin, idempotent, retried with backoff."""

import logging

from celery import shared_task
from django.conf import settings

from smartbank.errors import RetryableError
from smartbank.tasks import database_errors_retried

from .models import LoanApplication
from .pipeline import loan_application_run_checks
from .services import (
    loan_application_checks_complete,
    loan_application_processing_failed,
    loan_application_processing_start,
)

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=None, acks_late=True)
def loan_application_process_task(self, application_pk: str) -> str:  # noqa: ANN001
    """Run the three verification stages of one application; returns its resulting status.

    Re-running is harmless: an application whose checks finished is left alone. An error is
    recorded and retried with exponential backoff; after ``settings.LOAN_TASK_MAX_RETRIES``
    retries the application goes to REVIEW with the error recorded. A database error retries
    the whole task (:func:`smartbank.tasks.database_errors_retried`).
    """
    with database_errors_retried(self):
        try:
            application = loan_application_processing_start(application_pk=application_pk)
        except LoanApplication.DoesNotExist:
            logger.warning("loan application %s not found; task dropped", application_pk)
            return "MISSING"
        if application is None:
            return LoanApplication.objects.values_list("status", flat=True).get(pk=application_pk)
        try:
            outcome = loan_application_run_checks(application=application)
        except Exception as exc:
            final = self.request.retries >= settings.LOAN_TASK_MAX_RETRIES
            error = f"{type(exc).__name__}: {str(exc)[:200]}"
            logger.warning(
                "loan application %s checks error (%s), final=%s",
                application_pk,
                type(exc).__name__,
                final,
            )
            loan_application_processing_failed(
                application_pk=application_pk, error=error, final=final
            )
            if final:
                return LoanApplication.Status.REVIEW
            raise self.retry(
                exc=RetryableError.from_exc(exc), countdown=min(2**self.request.retries * 5, 300)
            ) from None
        return loan_application_checks_complete(
            application_pk=application_pk, outcome=outcome
        ).status
