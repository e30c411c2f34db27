"""Celery task of the face step-up check: thin, idempotent, retried once on an engine error."""

from celery import shared_task

from smartbank.sweeper import sweep_target_register
from smartbank.tasks import PipelineSteps, pipeline_task_run

from .models import StepUp
from .pipeline import step_up_run
from .services.step_up import (
    step_up_check_complete,
    step_up_processing_failed,
    step_up_processing_start,
)

STEP_UP_STEPS = PipelineSteps(
    model=StepUp,
    start=step_up_processing_start,
    run=step_up_run,
    record_keyword="step_up",
    complete=step_up_check_complete,
    fail=step_up_processing_failed,
    max_retries="STEP_UP_TASK_MAX_RETRIES",
    review_status=StepUp.Status.FAILED,
)

# A check that never ran ends FAILED (ENGINE_ERROR) after the sweeper's tries, its burst deleted.
sweep_target_register(
    STEP_UP_STEPS.sweep_target(
        task_name="accounts.tasks.step_up_check_task", statuses=StepUp.IN_FLIGHT
    )
)


@shared_task(bind=True, max_retries=None, acks_late=True)
def step_up_check_task(self, step_up_id: str) -> str:  # noqa: ANN001 - Celery's bound task
    """Check one face step-up's burst; returns its resulting status, PASSED or FAILED (see
    :func:`smartbank.tasks.pipeline_task_run`: after ``settings.STEP_UP_TASK_MAX_RETRIES``
    engine errors it FAILS with ``ENGINE_ERROR`` and the customer is offered a code)."""
    return pipeline_task_run(self, STEP_UP_STEPS, step_up_id)
