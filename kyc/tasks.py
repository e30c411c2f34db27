"""Celery tasks of the KYC pipeline: thin, idempotent, retried with backoff."""

import logging

from celery import shared_task
from django.conf import settings

from smartbank.errors import RetryableError
from smartbank.tasks import database_errors_retried

from .models import KycCase
from .pipeline import kyc_case_run_pipeline
from .services import kyc_case_complete, kyc_case_processing_failed, kyc_case_processing_start

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=None, acks_late=True)
def kyc_case_verify_task(self, case_id: str) -> str:  # noqa: ANN001 - Celery's bound task
    """Verify one KYC case; returns its resulting status.

    Re-running is harmless: a decided case is left alone. An error is recorded on the case and
    retried with exponential backoff; after ``settings.KYC_TASK_MAX_RETRIES`` retries the case
    goes to MANUAL_REVIEW with the error recorded, so it never sticks in PROCESSING. A database
    error retries the whole task (:func:`smartbank.tasks.database_errors_retried`).
    """
    with database_errors_retried(self):
        try:
            case = kyc_case_processing_start(case_id=case_id)
        except KycCase.DoesNotExist:
            logger.warning("kyc case %s not found; task dropped", case_id)
            return "MISSING"
        if case is None:
            return KycCase.objects.values_list("status", flat=True).get(pk=case_id)
        try:
            outcome = kyc_case_run_pipeline(case=case)
        except Exception as exc:
            final = self.request.retries >= settings.KYC_TASK_MAX_RETRIES
            error = f"{type(exc).__name__}: {str(exc)[:200]}"
            logger.warning(
                "kyc case %s pipeline error (%s), final=%s", case_id, type(exc).__name__, final
            )
            kyc_case_processing_failed(case_id=case_id, error=error, final=final)
            if final:
                return KycCase.Status.MANUAL_REVIEW
            raise self.retry(
                exc=RetryableError.from_exc(exc), countdown=min(2**self.request.retries * 5, 300)
            ) from None
        return kyc_case_complete(case_id=case_id, outcome=outcome).status


@shared_task(bind=True, max_retries=3, acks_late=True)
def ocr_flow_run_task(self, flow_id: str) -> str:  # noqa: ANN001 - Celery's bound task
    """Run seed 004's OCR flow after its upload; returns the flow status."""
    from .flows import ocr_flow_error, ocr_flow_run

    with database_errors_retried(self):
        try:
            return ocr_flow_run(flow_id=flow_id).status
        except Exception as exc:
            if self.request.retries >= self.max_retries:
                ocr_flow_error(flow_id=flow_id, error=f"{type(exc).__name__}")
                return "FAILED"
            raise self.retry(
                exc=RetryableError.from_exc(exc), countdown=2**self.request.retries * 5
            ) from None
