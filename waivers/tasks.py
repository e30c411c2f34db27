"""Celery task of the waiver verification: thin, idempotent, retried with backoff."""

from celery import shared_task

from smartbank.sweeper import sweep_target_register
from smartbank.tasks import PipelineSteps, pipeline_task_run

from .models import WaiverRequest
from .pipeline import waiver_request_run_checks
from .services import (
    waiver_request_processing_failed,
    waiver_request_processing_start,
    waiver_request_verification_complete,
)

WAIVER_REQUEST_STEPS = PipelineSteps(
    model=WaiverRequest,
    start=waiver_request_processing_start,
    run=waiver_request_run_checks,
    record_keyword="waiver",
    complete=waiver_request_verification_complete,
    fail=waiver_request_processing_failed,
    max_retries="WAIVER_TASK_MAX_RETRIES",
    review_status=WaiverRequest.Status.MANUAL_REVIEW,
)

sweep_target_register(
    WAIVER_REQUEST_STEPS.sweep_target(
        task_name="waivers.tasks.waiver_request_verify_task",
        statuses=(WaiverRequest.Status.PENDING, WaiverRequest.Status.PROCESSING),
    )
)

@shared_task(bind=True, max_retries=None, acks_late=True)
def waiver_request_verify_task(self, waiver_request_id: str) -> str:  # noqa: ANN001
    """Verify one waiver's certificate; returns its resulting status (see
    :func:`smartbank.tasks.pipeline_task_run`: after ``settings.WAIVER_TASK_MAX_RETRIES``
    engine errors the waiver goes to MANUAL_REVIEW, so it never sticks in PROCESSING)."""
    return pipeline_task_run(self, WAIVER_REQUEST_STEPS, waiver_request_id)
