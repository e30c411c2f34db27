"""The verification task: retries after errors, then staff; re-running changes nothing."""

from decimal import Decimal

import pytest

from waivers.models import WaiverEvent, WaiverRequest
from waivers.tasks import waiver_request_verify_task
from waivers.tests.factories import agri_scan, approved_loan, borrower, submit

pytestmark = pytest.mark.django_db


def test_an_engine_error_is_retried_then_sent_to_staff_with_the_error(
    settings, django_capture_on_commit_callbacks
):
    settings.WAIVER_TASK_MAX_RETRIES = 2
    customer = borrower()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        waiver = submit(
            customer=customer, loan=approved_loan(customer=customer), document=agri_scan()
        )
    # Given the stored scan vanished from storage (a real I/O failure, nothing mocked)
    waiver.document.storage.delete(waiver.document.name)

    from smartbank.celery import app

    # Eager mode re-applies a retried task in place when errors are not propagated.
    app.conf.task_eager_propagates = False
    for callback in callbacks:
        callback()

    waiver.refresh_from_db()
    assert waiver.status == WaiverRequest.Status.MANUAL_REVIEW
    assert waiver.reasons == [
        {
            "code": "ENGINE_ERROR",
            "message": "Automatic verification failed; a member of staff will check your "
            "certificate.",
        }
    ]
    assert waiver.last_error.startswith("FileNotFoundError")
    failures = waiver.events.filter(type=WaiverEvent.Type.PROCESSING_FAILED)
    assert failures.count() == 3  # the first run and two retries
    assert [e.data["final"] for e in failures] == [False, False, True]


def test_rerunning_the_task_on_a_decided_waiver_changes_nothing(django_capture_on_commit_callbacks):
    customer = borrower()
    with django_capture_on_commit_callbacks(execute=True):
        waiver = submit(
            customer=customer,
            loan=approved_loan(customer=customer),
            document=agri_scan(),
            amount=Decimal("1000.00"),
        )
    waiver.refresh_from_db()
    assert waiver.status == WaiverRequest.Status.VERIFIED
    events = waiver.events.count()

    assert waiver_request_verify_task.delay(str(waiver.pk)).get() == "VERIFIED"
    assert waiver.events.count() == events
    assert (
        waiver_request_verify_task.delay("7d3f0c8e-0000-4000-8000-000000000000").get() == "MISSING"
    )
