"""Step-up services (issue 14): what a burst must be, the lock after three failures, the code
path, and the one use of a passed step-up by its own action."""

import datetime

import pytest
from cryptography.fernet import Fernet
from django.utils import timezone

from accounts.models import OtpDevice, StepUp, StepUpEvent
from accounts.selectors import step_up_face_state
from accounts.services.step_up import (
    step_up_code_confirm,
    step_up_code_send,
    step_up_consume,
    step_up_face_start,
)
from accounts.tests.auth import last_email_code
from accounts.tests.step_up_factories import StepUpFactory, customer_with_kyc_face, passed_step_up
from smartbank.errors import ApplicationError
from smartbank.tests import bursts, cards

LOAN, WAIVER = StepUp.Action.LOAN_APPLICATION, StepUp.Action.WAIVER_REQUEST


def refused(code: str, call, **kwargs) -> ApplicationError:  # noqa: ANN001
    with pytest.raises(ApplicationError) as caught:
        call(**kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


# --- use ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_passed_step_up_is_used_once_by_its_own_action():
    customer = customer_with_kyc_face()
    step_up = passed_step_up(customer, action=LOAN)

    used = step_up_consume(step_up_id=step_up.pk, user=customer, action=LOAN)

    assert used.status == "USED" and used.used_at is not None
    event = used.events.get(type=StepUpEvent.Type.USED)
    assert event.actor == customer
    assert {"from": "PASSED", "to": "USED", "action": LOAN, "method": "FACE"} == event.data
    error = refused(
        "STEP_UP_USED", step_up_consume, step_up_id=step_up.pk, user=customer, action=LOAN
    )
    assert error.field == "step_up"


@pytest.mark.django_db
def test_another_customers_or_another_actions_step_up_is_refused():
    customer, other = customer_with_kyc_face(), customer_with_kyc_face()
    step_up = passed_step_up(customer, action=LOAN)

    refused("STEP_UP_REQUIRED", step_up_consume, step_up_id=step_up.pk, user=other, action=LOAN)
    refused(
        "STEP_UP_REQUIRED", step_up_consume, step_up_id=step_up.pk, user=customer, action=WAIVER
    )
    refused("STEP_UP_REQUIRED", step_up_consume, step_up_id=None, user=customer, action=LOAN)
    refused(
        "STEP_UP_REQUIRED", step_up_consume, step_up_id="not-a-uuid", user=customer, action=LOAN
    )
    step_up.refresh_from_db()
    assert step_up.status == "PASSED"  # still there for its own action


@pytest.mark.django_db
def test_an_expired_failed_or_unfinished_step_up_is_refused(settings):
    customer = customer_with_kyc_face()
    old = passed_step_up(customer)
    StepUp.objects.filter(pk=old.pk).update(
        decided_at=timezone.now() - datetime.timedelta(seconds=settings.STEP_UP_VALID_SECONDS + 1)
    )
    failed = StepUpFactory(user=customer, status="FAILED", code="NO_BLINK")
    pending = StepUpFactory(user=customer)

    refused("STEP_UP_EXPIRED", step_up_consume, step_up_id=old.pk, user=customer, action=LOAN)
    for step_up in (failed, pending):
        refused(
            "STEP_UP_NOT_PASSED", step_up_consume, step_up_id=step_up.pk, user=customer, action=LOAN
        )


# --- what a burst must be -----------------------------------------------------------------


@pytest.mark.django_db
def test_a_burst_needs_a_verified_kyc_face_and_camera_pictures():
    no_face = customer_with_kyc_face(face=None)
    frames = bursts.jpegs(bursts.blink_frames(count=6))
    refused("NO_KYC_FACE", step_up_face_start, user=no_face, action=LOAN, frames=frames)
    assert step_up_face_state(user=no_face) == "UNAVAILABLE"

    customer = customer_with_kyc_face()
    refused("STEP_UP_FRAMES", step_up_face_start, user=customer, action=LOAN, frames=frames[:4])
    pdf = cards.to_bytes(cards.face_photo("astronaut"), "PDF")
    error = refused(
        "STEP_UP_FRAMES", step_up_face_start, user=customer, action=LOAN, frames=[pdf, *frames]
    )
    assert error.field == "frames"
    refused(
        "UNSUPPORTED_FILE_TYPE",
        step_up_face_start,
        user=customer,
        action=LOAN,
        frames=[b"not a picture", *frames],
    )
    assert not StepUp.objects.exists()


@pytest.mark.django_db
def test_a_burst_the_check_cannot_open_fails_with_engine_error_and_deletes_the_burst(
    settings, django_capture_on_commit_callbacks
):
    customer = customer_with_kyc_face()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        step_up = step_up_face_start(
            user=customer, action=LOAN, frames=bursts.jpegs(bursts.blink_frames(count=6))
        )
    # Given the key the burst was encrypted with is gone (a real decryption failure)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    from smartbank.celery import app

    app.conf.task_eager_propagates = False  # eager mode re-applies a retried task in place
    for callback in callbacks:
        callback()

    step_up.refresh_from_db()
    assert (step_up.status, step_up.code) == ("FAILED", "ENGINE_ERROR")
    assert bytes(step_up.frames_encrypted) == b""
    failures = step_up.events.filter(type=StepUpEvent.Type.PROCESSING_FAILED)
    assert failures.count() == 2 and failures.last().data["final"] is True  # run + one retry
    assert step_up_face_state(user=customer) == "AVAILABLE"  # not the customer's failure


# --- three failures lock the face path; codes still work ----------------------------------


@pytest.mark.django_db
def test_three_failed_face_step_ups_lock_the_face_path_for_an_hour_and_codes_still_work(
    django_capture_on_commit_callbacks, mailoutbox
):
    # Given a customer whose face step-up failed twice in the last half hour
    customer = customer_with_kyc_face(email="eileen@example.com")
    now = timezone.now()
    for minutes in (30, 20):
        StepUpFactory(
            user=customer,
            status="FAILED",
            code="NO_BLINK",
            decided_at=now - datetime.timedelta(minutes=minutes),
        )

    # When a third burst, a still photo, fails
    with django_capture_on_commit_callbacks(execute=True):
        third = step_up_face_start(
            user=customer, action=LOAN, frames=bursts.jpegs(bursts.static_frames())
        )
    third.refresh_from_db()

    # Then the face path is locked for an hour from the third failure, with an audit event
    assert (third.status, third.code) == ("FAILED", "NO_BLINK")
    locked = third.events.get(type=StepUpEvent.Type.FACE_LOCKED)
    assert (
        locked.data["locked_until"] == (third.decided_at + datetime.timedelta(hours=1)).isoformat()
    )
    assert step_up_face_state(user=customer) == "LOCKED"
    error = refused(
        "STEP_UP_LOCKED",
        step_up_face_start,
        user=customer,
        action=LOAN,
        frames=bursts.jpegs(bursts.blink_frames(count=6)),
    )
    assert "Confirm with a code instead" in error.message

    # And a code still confirms the action
    with django_capture_on_commit_callbacks(execute=True):
        sent = step_up_code_send(user=customer, channel="EMAIL")
    assert sent == "We sent a code to e***@example.com."
    assert mailoutbox[-1].subject == "Your SmartBank code to confirm a request"
    by_code = step_up_code_confirm(
        user=customer, action=LOAN, channel="EMAIL", token=last_email_code(customer.email)
    )
    assert (by_code.method, by_code.status) == ("OTP", "PASSED")
    assert by_code.events.get().type == StepUpEvent.Type.OTP_CONFIRMED
    assert step_up_consume(step_up_id=by_code.pk, user=customer, action=LOAN).status == "USED"

    # And an hour after the third failure the camera may be tried again
    StepUp.objects.filter(user=customer, status="FAILED").update(
        decided_at=now - datetime.timedelta(minutes=61)
    )
    assert step_up_face_state(user=customer) == "AVAILABLE"


@pytest.mark.django_db
def test_a_wrong_code_makes_no_step_up_and_counts_as_a_wrong_guess(
    django_capture_on_commit_callbacks,
):
    customer = customer_with_kyc_face(email="neil@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        step_up_code_send(user=customer, channel="EMAIL")
    code = last_email_code(customer.email)
    wrong = "000000" if code != "000000" else "111111"

    refused(
        "OTP_INVALID",
        step_up_code_confirm,
        user=customer,
        action=LOAN,
        channel="EMAIL",
        token=wrong,
    )

    assert not StepUp.objects.exists()
    assert OtpDevice.objects.get(user=customer, channel="EMAIL").failed_guesses == 1
    refused(
        "invalid_choice",
        step_up_code_send,
        user=customer_with_kyc_face(),  # a phone not yet confirmed by code
        channel="SMS",
    )
