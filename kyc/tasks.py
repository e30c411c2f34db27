"""Celery tasks of the KYC pipeline and seed 004's OCR flow: thin, idempotent, retried."""

import logging

from celery import shared_task
from celery.signals import worker_init
from PIL import Image

from smartbank.engines import faces, ocr
from smartbank.engines.image_hash import image_hash
from smartbank.errors import RetryableError
from smartbank.sweeper import SweepTarget, sweep_target_register
from smartbank.tasks import PipelineSteps, database_errors_retried, pipeline_task_run

from .models import KycCase, OcrFlow
from .pipeline import kyc_case_run_pipeline
from .services import kyc_case_complete, kyc_case_processing_failed, kyc_case_processing_start

KYC_CASE_STEPS = PipelineSteps(
    model=KycCase,
    start=kyc_case_processing_start,
    run=kyc_case_run_pipeline,
    record_keyword="case",
    complete=kyc_case_complete,
    fail=kyc_case_processing_failed,
    max_retries="KYC_TASK_MAX_RETRIES",
    review_status=KycCase.Status.MANUAL_REVIEW,
)

sweep_target_register(
    KYC_CASE_STEPS.sweep_target(
        task_name="kyc.tasks.kyc_case_verify_task",
        statuses=(KycCase.Status.PENDING, KycCase.Status.PROCESSING),
    )
)

logger = logging.getLogger(__name__)


@worker_init.connect
def kyc_engines_warm_up(**_signal: object) -> None:
    """Issue 13: a worker loads dlib's and Tesseract's models before it starts its pool
    processes, which inherit them (copy-on-write, so they share the memory): no process's
    first case waits seconds for them, and a second worker process is at full speed from its
    first case. A missing engine is only logged here: the task reports it (and retries)."""
    try:
        faces.warm_up()
        ocr.warm_up()
        image_hash(Image.new("RGB", (64, 64)))  # imports SciPy's FFT (0.2 s) for the pHash
    except (faces.FaceEngineError, ocr.OcrEngineError) as exc:
        logger.warning("KYC engines not loaded at start: %s", exc)


@shared_task(bind=True, max_retries=None, acks_late=True)
def kyc_case_verify_task(self, kyc_case_id: str) -> str:  # noqa: ANN001 - Celery's bound task
    """Verify one KYC case; returns its resulting status (see
    :func:`smartbank.tasks.pipeline_task_run`: after ``settings.KYC_TASK_MAX_RETRIES`` engine
    errors the case goes to MANUAL_REVIEW, so it never sticks in PROCESSING)."""
    return pipeline_task_run(self, KYC_CASE_STEPS, kyc_case_id)


@shared_task(bind=True, max_retries=3, acks_late=True)
def ocr_flow_run_task(self, ocr_flow_id: str) -> str:  # noqa: ANN001 - Celery's bound task
    """Run seed 004's OCR flow after its upload; returns the flow status. Engine errors are
    recorded by the flow itself; anything else is retried 3 times, then the flow fails."""
    from .flows import ocr_flow_error, ocr_flow_run

    with database_errors_retried(self):
        try:
            return ocr_flow_run(ocr_flow_id=ocr_flow_id).status
        except Exception as exc:
            if self.request.retries >= self.max_retries:
                ocr_flow_error(ocr_flow_id=ocr_flow_id, error=f"{type(exc).__name__}")
                return "FAILED"
            raise self.retry(
                exc=RetryableError.from_exc(exc), countdown=2**self.request.retries * 5
            ) from None


def _ocr_flow_give_up(entity_id: str, error: str) -> None:
    from .flows import ocr_flow_error

    ocr_flow_error(ocr_flow_id=entity_id, error=error)


sweep_target_register(
    SweepTarget(
        model=OcrFlow,
        statuses=(OcrFlow.Status.RUNNING,),
        task_name="kyc.tasks.ocr_flow_run_task",
        give_up=_ocr_flow_give_up,
    )
)
