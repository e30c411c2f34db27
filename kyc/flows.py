"""Seed 004's OCR flow as services: upload -> OCR -> extract name and DOB -> save.

Each task of an :class:`~kyc.models.OcrFlow` records its status and error; a failed task
ends the flow and marks the remaining tasks SKIPPED. Every status move of the flow and of its
tasks goes through :func:`smartbank.transitions.transition` and leaves an
:class:`~kyc.models.OcrFlowEvent`. The upload check runs in the request (it only reads bytes);
The virus scan, OCR and extraction run in a Celery task; an infected upload fails the flow
at PERFORM_OCR and is deleted, and while clamd gives no verdict the task retries and the flow
waits (issue #11: it is never read unscanned).
"""

import logging
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from smartbank.celery import enqueue_on_commit
from smartbank.engines import documents
from smartbank.engines.ocr import OcrEngineError, ocr_image
from smartbank.errors import ApplicationError
from smartbank.malware import malware_scan
from smartbank.transitions import lock, transition
from smartbank.uploads import UploadRejected, check_upload, load_image

from .models import IdType, OcrFlow, OcrFlowEvent, OcrFlowTask

logger = logging.getLogger(__name__)

OCR_FLOW_MAX_BYTES = 10 * 1024 * 1024
#: The ID types seed 004's flow reads (its extraction is the cards' blind readers).
OCR_FLOW_ID_TYPES = (IdType.AADHAAR, IdType.PAN)


def _task(flow: OcrFlow, name: str) -> OcrFlowTask:
    return flow.tasks.get(name=name)


_TASK_EVENTS = {
    OcrFlowTask.Status.SUCCESS: OcrFlowEvent.Type.TASK_SUCCEEDED,
    OcrFlowTask.Status.FAILED: OcrFlowEvent.Type.TASK_FAILED,
    OcrFlowTask.Status.SKIPPED: OcrFlowEvent.Type.TASK_SKIPPED,
}


def _finish(task: OcrFlowTask, status: str, error: str = "") -> None:
    task.error = error[:300]
    task.finished_at = timezone.now()
    transition(
        task,
        to=status,
        event=_TASK_EVENTS[status],
        data={"error": task.error} if task.error else None,
        update_fields=["error", "finished_at"],
    )


@transaction.atomic
def _fail(flow: OcrFlow, task: OcrFlowTask, error: str) -> OcrFlow:
    """``task`` FAILED with ``error``, the tasks still PENDING SKIPPED, the flow FAILED."""
    _finish(task, OcrFlowTask.Status.FAILED, error)
    for pending in flow.tasks.filter(status=OcrFlowTask.Status.PENDING):
        _finish(pending, OcrFlowTask.Status.SKIPPED)
    return transition(flow, to=OcrFlow.Status.FAILED, event=OcrFlowEvent.Type.FAILED)


@transaction.atomic
def ocr_flow_start(*, user: Any, data: bytes, id_type: str = "") -> OcrFlow:
    """Create a flow, run its upload task, and enqueue the rest after commit.

    Raises :class:`ApplicationError` (field ``id_type``) for an unknown ID type. A rejected
    file does not raise: the flow is stored FAILED at UPLOAD_IMAGE with the reason, as seed
    004 records failures.
    """
    if id_type and id_type not in OCR_FLOW_ID_TYPES:
        raise ApplicationError("Choose AADHAAR or PAN.", code="invalid_choice", field="id_type")
    flow = OcrFlow.objects.create(user=user, id_type=id_type)
    OcrFlowTask.objects.bulk_create(
        OcrFlowTask(flow=flow, position=i, name=name)
        for i, name in enumerate(OcrFlowTask.Name.values)
    )
    upload = _task(flow, OcrFlowTask.Name.UPLOAD_IMAGE)
    try:
        content_type = check_upload(data, max_bytes=OCR_FLOW_MAX_BYTES)
    except UploadRejected as exc:
        return _fail(flow, upload, f"{exc.code}: {exc.message}")
    flow.content_type = content_type
    flow.file.save("upload", ContentFile(data), save=False)
    flow.save(update_fields=["content_type", "file", "updated_at"])
    _finish(upload, OcrFlowTask.Status.SUCCESS)

    enqueue_on_commit("kyc.tasks.ocr_flow_run_task", str(flow.id))
    return flow


def ocr_flow_run(*, ocr_flow_id: Any) -> OcrFlow:
    """Run OCR, extraction and save for a flow whose upload succeeded. Idempotent."""
    flow = OcrFlow.objects.get(pk=ocr_flow_id)
    if flow.status != OcrFlow.Status.RUNNING:
        return flow
    ocr_task = _task(flow, OcrFlowTask.Name.PERFORM_OCR)
    with flow.file.open("rb") as fh:
        data = fh.read()
    scan = malware_scan({"Upload": data})  # ScannerUnavailable: the task retries
    if scan.infected:
        logger.warning("ocr flow %s: upload infected (%s), deleted", flow.id, scan.check.detail)
        flow.file.delete(save=False)
        flow.save(update_fields=["file", "updated_at"])
        return _fail(flow, ocr_task, "The file failed our security check and was deleted.")
    try:
        ocr = ocr_image(load_image(data))
    except (UploadRejected, OcrEngineError, OSError) as exc:
        return _fail(flow, ocr_task, f"OCR error: {type(exc).__name__}")
    if not ocr.text.strip():
        return _fail(flow, ocr_task, "No text found in the image.")
    _finish(ocr_task, OcrFlowTask.Status.SUCCESS)

    extract_task = _task(flow, OcrFlowTask.Name.EXTRACT_DETAILS)
    if flow.id_type:
        candidates = [
            documents.extract_aadhaar(ocr)
            if flow.id_type == IdType.AADHAAR
            else documents.extract_pan(ocr)
        ]
    else:
        candidates = [documents.extract_aadhaar(ocr), documents.extract_pan(ocr)]
    found = next((c for c in candidates if c.name and c.date_of_birth), None)
    if found is None:
        missing = [
            f for f in ("name", "date_of_birth") if not any(getattr(c, f) for c in candidates)
        ]
        what = ", ".join(missing) or "name and date of birth together"
        return _fail(flow, extract_task, f"Not found on the document: {what}.")
    _finish(extract_task, OcrFlowTask.Status.SUCCESS)

    with transaction.atomic():
        flow = lock(OcrFlow, flow.pk)
        if flow.status != OcrFlow.Status.RUNNING:  # failed meanwhile (the task's last retry)
            return flow
        flow.extracted_name = found.name or ""
        flow.extracted_date_of_birth = found.date_of_birth
        flow.ocr_confidence = ocr.mean_confidence
        flow.id_type = found.id_type
        transition(
            flow,
            to=OcrFlow.Status.COMPLETED,
            event=OcrFlowEvent.Type.COMPLETED,
            update_fields=[
                "extracted_name",
                "extracted_date_of_birth",
                "ocr_confidence",
                "id_type",
            ],
        )
        _finish(_task(flow, OcrFlowTask.Name.SAVE_RECORD), OcrFlowTask.Status.SUCCESS)
    logger.info("ocr flow %s completed", flow.id)
    return flow


@transaction.atomic
def ocr_flow_error(*, ocr_flow_id: Any, error: str) -> None:
    """Mark the first unfinished task of a flow FAILED after the task's last retry."""
    flow = lock(OcrFlow, ocr_flow_id)
    task = flow.tasks.filter(status=OcrFlowTask.Status.PENDING).first()
    if flow.status == OcrFlow.Status.RUNNING and task is not None:
        _fail(flow, task, error)
