"""Task behaviour: retries after errors, attempt limits, and a real worker on Redis."""

import datetime
import time
from pathlib import Path

import pytest

from kyc.models import KycCase, KycCaseEvent
from kyc.services import UploadedDocument, kyc_case_submit
from kyc.tests.factories import KycCaseFactory
from smartbank.tests import cards
from smartbank.tests.workers import solo_worker

DOB = datetime.date(1990, 8, 5)


def submit(user, card: bytes, selfie: bytes) -> KycCase:
    return kyc_case_submit(
        user=user,
        id_type="AADHAAR",
        id_number="234567890124",
        full_name=user.full_name,
        date_of_birth=DOB,
        id_document=UploadedDocument(card),
        selfie=UploadedDocument(selfie),
    )


@pytest.mark.django_db
def test_engine_error_is_retried_then_sent_to_staff_with_the_error(
    customer,
    settings,
    django_capture_on_commit_callbacks,
    astronaut_card_png,
    astronaut_selfie_jpg,
):
    settings.KYC_TASK_MAX_RETRIES = 2
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case = submit(customer, astronaut_card_png, astronaut_selfie_jpg)
    # Given the stored selfie vanished from storage (a real I/O failure, nothing mocked)
    selfie = case.documents.get(kind="SELFIE")
    selfie.file.storage.delete(selfie.file.name)

    from smartbank.celery import app

    # Eager mode re-applies a retried task in place when errors are not propagated.
    app.conf.task_eager_propagates = False
    for callback in callbacks:
        callback()

    case.refresh_from_db()
    assert case.status == KycCase.Status.MANUAL_REVIEW
    assert [r["code"] for r in case.reasons] == ["ENGINE_ERROR"]
    assert case.last_error.startswith("FileNotFoundError")
    failures = case.events.filter(type=KycCaseEvent.Type.PROCESSING_FAILED)
    assert failures.count() == 3  # the first run and two retries
    assert failures.last().data["final"] is True
    assert case.documents.count() == 2  # nothing lost


@pytest.mark.django_db
def test_rejection_on_the_last_attempt_goes_to_staff(
    customer, settings, django_capture_on_commit_callbacks, astronaut_card_png
):
    settings.KYC_MAX_ATTEMPTS = 3
    KycCaseFactory(user=customer, attempt=1, status=KycCase.Status.REJECTED)
    KycCaseFactory(user=customer, attempt=2, status=KycCase.Status.REJECTED)
    with django_capture_on_commit_callbacks(execute=True):
        case = submit(customer, astronaut_card_png, cards.to_bytes(cards.selfie_of("grace_hopper")))
    case.refresh_from_db()
    assert case.attempt == 3
    assert case.status == KycCase.Status.MANUAL_REVIEW
    assert [r["code"] for r in case.reasons] == ["FACE_MISMATCH", "ATTEMPTS_EXHAUSTED"]


@pytest.mark.django_db
def test_rerunning_the_task_on_a_decided_case_changes_nothing(
    customer, django_capture_on_commit_callbacks, astronaut_card_png, astronaut_selfie_jpg
):
    from kyc.tasks import kyc_case_verify_task

    with django_capture_on_commit_callbacks(execute=True):
        case = submit(customer, astronaut_card_png, astronaut_selfie_jpg)
    events = case.events.count()
    assert kyc_case_verify_task.apply(args=[str(case.pk)]).get() == "VERIFIED"
    assert case.events.count() == events


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_on_redis_decides_the_case(
    customer, tmp_path: Path, astronaut_card_png, astronaut_selfie_jpg
):
    log = tmp_path / "worker.log"
    with solo_worker(log):
        case = submit(customer, astronaut_card_png, astronaut_selfie_jpg)  # autocommit: enqueued
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            case.refresh_from_db()
            if case.status not in (KycCase.Status.PENDING, KycCase.Status.PROCESSING):
                break
            time.sleep(0.5)
        assert case.status == KycCase.Status.VERIFIED, log.read_text()
        assert "kyc.tasks.kyc_case_verify_task" in log.read_text()


@pytest.mark.django_db
def test_retry_log_lines_name_the_error_type_only(
    customer,
    settings,
    django_capture_on_commit_callbacks,
    astronaut_card_png,
    astronaut_selfie_jpg,
    caplog,
):
    """An engine's message can quote what it read; Celery's retry log must not carry it."""
    settings.KYC_TASK_MAX_RETRIES = 1
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case = submit(customer, astronaut_card_png, astronaut_selfie_jpg)
    selfie = case.documents.get(kind="SELFIE")
    selfie.file.storage.delete(selfie.file.name)
    from smartbank.celery import app

    app.conf.task_eager_propagates = False
    with caplog.at_level("DEBUG"):
        for callback in callbacks:
            callback()
    assert "Retry in" in caplog.text and "RetryableError('FileNotFoundError')" in caplog.text
    assert selfie.file.name not in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_database_error_retries_the_task_instead_of_killing_it(caplog):
    """The row locked by another connection: the first attempts meet a lock error."""
    from kyc.tasks import kyc_case_verify_task
    from smartbank.celery import app
    from smartbank.tests.db import row_locked_for

    case = KycCaseFactory(status=KycCase.Status.MANUAL_REVIEW)
    app.conf.task_eager_propagates = False  # eager mode retries in place (reset by conftest)
    with row_locked_for(KycCase, case.pk, seconds=1.0):
        result = kyc_case_verify_task.apply(args=[str(case.pk)])
    assert result.get() == KycCase.Status.MANUAL_REVIEW
    assert "database error (OperationalError)" in caplog.text
    assert not case.events.filter(type=KycCaseEvent.Type.PROCESSING_FAILED).exists()
