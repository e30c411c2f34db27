"""Seed 003's decision rule, shared by the KYC pipeline and the waiver verification, and the one
way services enqueue a task after commit."""

import pytest

from smartbank.celery import enqueue_on_commit
from smartbank.checks import CheckResult, decide

MESSAGES = {"FACE_MISMATCH": "The faces differ.", "OCR_NO_TEXT": "No text was read."}


def test_a_failed_check_rejects_with_the_reasons_of_the_failed_checks_only():
    checks = [
        CheckResult("OCR", "REVIEW", "OCR_NO_TEXT"),
        CheckResult("FACE_MATCH", "FAILED", "FACE_MISMATCH"),
        CheckResult("DUPLICATE_ID", "FAILED", "DUPLICATE_ID"),
    ]
    assert decide(checks, MESSAGES) == (
        "REJECTED",
        [
            {"code": "FACE_MISMATCH", "message": "The faces differ."},
            {"code": "DUPLICATE_ID", "message": "DUPLICATE_ID"},  # no message: the code
        ],
    )


def test_a_check_in_review_or_in_error_sends_the_record_to_staff():
    checks = [CheckResult("FILES", "PASSED"), CheckResult("OCR", "ERROR", "OCR_NO_TEXT")]
    assert decide(checks, MESSAGES) == (
        "MANUAL_REVIEW",
        [{"code": "OCR_NO_TEXT", "message": "No text was read."}],
    )


def test_only_passed_checks_verify():
    assert decide([CheckResult("FILES", "PASSED")], MESSAGES) == ("VERIFIED", [])


@pytest.mark.django_db
def test_a_task_is_enqueued_by_name_only_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        enqueue_on_commit("smartbank.tasks.notification_deliver_task", "0")
    assert len(callbacks) == 1  # nothing ran before the commit


@pytest.mark.django_db
def test_an_unknown_task_name_fails_inside_the_callers_transaction():
    with pytest.raises(KeyError):
        enqueue_on_commit("kyc.tasks.no_such_task", "0")
