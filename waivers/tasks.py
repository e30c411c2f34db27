"""Celery task of the waiver verification: thin, idempotent, retried with backoff."""

from celery import shared_task

from smartbank.tasks import PipelineSteps, pipeline_task_run

from .models import WaiverRequest
from .pipeline import waiver_request_run_checks
from .services import (
    waiver_request_processing_failed,
    waiver_request_processing_start,
    waiver_request_verification_complete,
)

WAIVER_REQUEST_STEPS = PipelineSteps(
    label="waiver",
    model=WaiverRequest,
    start=lambda waiver_request_id: waiver_request_processing_start(
        waiver_request_id=waiver_request_id
    ),
    run=lambda waiver: waiver_request_run_checks(waiver=waiver),
    complete=lambda waiver_request_id, outcome: waiver_request_verification_complete(
        waiver_request_id=waiver_request_id, outcome=outcome
    ),
    fail=lambda waiver_request_id, error, final: waiver_request_processing_failed(
        waiver_request_id=waiver_request_id, error=error, final=final
    ),
    max_retries="WAIVER_TASK_MAX_RETRIES",
    review_status=WaiverRequest.Status.MANUAL_REVIEW,
)


@shared_task(bind=True, max_retries=None, acks_late=True)
def waiver_request_verify_task(self, waiver_request_id: str) -> str:  # noqa: ANN001
    """Verify one waiver's certificate; returns its resulting status (see
    :func:`smartbank.tasks.pipeline_task_run`: after ``settings.WAIVER_TASK_MAX_RETRIES``
    engine errors the waiver goes to MANUAL_REVIEW, so it never sticks in PROCESSING)."""
    return pipeline_task_run(self, WAIVER_REQUEST_STEPS, waiver_request_id)
