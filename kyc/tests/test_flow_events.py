"""The OCR flow's status moves, and its tasks', go through the transition mechanism: each one
leaves an :class:`~kyc.models.OcrFlowEvent` (issue 9), with no OCR text in it."""

import pytest

from kyc.flows import ocr_flow_start

pytestmark = pytest.mark.django_db


def _trail(flow) -> list[tuple[str, str | None, str, str]]:
    return [
        (e.type, e.data.get("task"), e.data["from"], e.data["to"])
        for e in flow.events.order_by("created_at", "id")
    ]


def test_a_rejected_upload_records_the_failure_each_skip_and_the_flow(customer):
    flow = ocr_flow_start(user=customer, data=b"%!PS not an image")

    assert _trail(flow) == [
        ("TASK_FAILED", "UPLOAD_IMAGE", "PENDING", "FAILED"),
        ("TASK_SKIPPED", "PERFORM_OCR", "PENDING", "SKIPPED"),
        ("TASK_SKIPPED", "EXTRACT_DETAILS", "PENDING", "SKIPPED"),
        ("TASK_SKIPPED", "SAVE_RECORD", "PENDING", "SKIPPED"),
        ("FAILED", None, "RUNNING", "FAILED"),
    ]
    assert "UNSUPPORTED_FILE_TYPE" in flow.events.get(type="TASK_FAILED").data["error"]


def test_a_completed_flow_records_every_task_and_the_completion(
    customer, django_capture_on_commit_callbacks, astronaut_card_png
):
    with django_capture_on_commit_callbacks(execute=True):
        flow = ocr_flow_start(user=customer, data=astronaut_card_png)

    flow.refresh_from_db()
    assert flow.status == "COMPLETED"
    assert _trail(flow) == [
        ("TASK_SUCCEEDED", "UPLOAD_IMAGE", "PENDING", "SUCCESS"),
        ("TASK_SUCCEEDED", "PERFORM_OCR", "PENDING", "SUCCESS"),
        ("TASK_SUCCEEDED", "EXTRACT_DETAILS", "PENDING", "SUCCESS"),
        ("COMPLETED", None, "RUNNING", "COMPLETED"),
        ("TASK_SUCCEEDED", "SAVE_RECORD", "PENDING", "SUCCESS"),
    ]
    assert "Armstrong" not in str([e.data for e in flow.events.all()])
