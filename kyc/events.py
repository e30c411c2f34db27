"""Writers of the append-only KYC audit trails (cases, OCR flows). Call them inside the
service's transaction."""

from typing import Any

from smartbank.transitions import event_writer

from .models import KycCase, KycCaseEvent, OcrFlow, OcrFlowEvent, OcrFlowTask


@event_writer(KycCase, target="case")
def kyc_case_event_record(
    *,
    case: KycCase,
    type: str,  # noqa: A002 - the event's field name
    actor: Any = None,
    data: dict[str, Any] | None = None,
) -> KycCaseEvent:
    """Append one event to ``case``'s history.

    ``actor`` is the staff user or customer who acted, ``None`` for the system (the pipeline).
    ``data`` is JSON: old/new status, reason codes, check summaries. Never an ID number or OCR
    text.
    """
    return KycCaseEvent.objects.create(case=case, type=type, actor=actor, data=data or {})


@event_writer(OcrFlow, target="flow")
def ocr_flow_event_record(
    *,
    flow: OcrFlow,
    type: str,  # noqa: A002 - the event's field name
    actor: Any = None,
    data: dict[str, Any] | None = None,
) -> OcrFlowEvent:
    """Append one event to ``flow``'s history. ``data`` is JSON (``{"from", "to"}``); never
    OCR text or the values read."""
    return OcrFlowEvent.objects.create(flow=flow, type=type, actor=actor, data=data or {})


@event_writer(OcrFlowTask, target="task")
def ocr_flow_task_event_record(
    *,
    task: OcrFlowTask,
    type: str,  # noqa: A002 - the event's field name
    actor: Any = None,
    data: dict[str, Any] | None = None,
) -> OcrFlowEvent:
    """Append a task's event to its flow's history (one trail per flow), ``data`` with the
    task's name: ``{"task": "PERFORM_OCR", "from", "to", "error"}``."""
    return ocr_flow_event_record(
        flow=task.flow, type=type, actor=actor, data={"task": task.name, **(data or {})}
    )
