"""Celery task of the waiver verification: thin, idempotent, retried with backoff."""

import logging

from celery import shared_task
from django.conf import settings

from smartbank.errors import RetryableError
from smartbank.tasks import database_errors_retried

from .models import WaiverRequest
from .pipeline import waiver_request_run_checks
from .services import (
    waiver_request_processing_failed,
    waiver_request_processing_start,
    waiver_request_verification_complete,
)

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=None, acks_late=True)
def waiver_request_verify_task(self, waiver_id: str) -> str:  # noqa: ANN001 - Celery's bound task
    """Verify one waiver's certificate; returns its resulting status.

    Re-running is harmless: a waiver past verification is left alone. An error is recorded on
    the waiver and retried with exponential backoff (5 s, doubling, at most 5 min); after
    ``settings.WAIVER_TASK_MAX_RETRIES`` retries the waiver goes to MANUAL_REVIEW with the error
    recorded, so it never sticks in PROCESSING. A database error retries the whole task
    (:func:`smartbank.tasks.database_errors_retried`).
    """
    with database_errors_retried(self):
        try:
            waiver = waiver_request_processing_start(waiver_id=waiver_id)
        except WaiverRequest.DoesNotExist:
            logger.warning("waiver %s not found; task dropped", waiver_id)
            return "MISSING"
        if waiver is None:
            return WaiverRequest.objects.values_list("status", flat=True).get(pk=waiver_id)
        try:
            outcome = waiver_request_run_checks(waiver=waiver)
        except Exception as exc:
            final = self.request.retries >= settings.WAIVER_TASK_MAX_RETRIES
            error = f"{type(exc).__name__}: {str(exc)[:200]}"
            logger.warning(
                "waiver %s verification error (%s), final=%s", waiver_id, type(exc).__name__, final
            )
            waiver_request_processing_failed(waiver_id=waiver_id, error=error, final=final)
            if final:
                return WaiverRequest.Status.MANUAL_REVIEW
            raise self.retry(
                exc=RetryableError.from_exc(exc), countdown=min(2**self.request.retries * 5, 300)
            ) from None
        return waiver_request_verification_complete(waiver_id=waiver_id, outcome=outcome).status
