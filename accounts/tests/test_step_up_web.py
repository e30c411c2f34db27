"""The step-up JSON endpoints the page calls (issue 14): a burst's answers, its status for its
owner only, and codes in the background."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.events import step_up_event_record
from accounts.tests.auth import login_verified
from accounts.tests.step_up_factories import StepUpFactory, customer_with_kyc_face

pytestmark = pytest.mark.django_db


def frames(count: int = 6) -> list:
    from smartbank.tests import bursts

    shots = bursts.jpegs(bursts.static_frames(count=count))
    return [SimpleUploadedFile(f"f{i}.jpg", s, "image/jpeg") for i, s in enumerate(shots)]


def test_a_step_ups_status_is_its_owners_only_and_needs_a_login(client):
    owner, other = customer_with_kyc_face(), customer_with_kyc_face()
    step_up = StepUpFactory(user=owner, status="FAILED", code="NO_BLINK")
    url = f"/accounts/step-up/{step_up.pk}/"

    assert client.get(url).json() == {"detail": "Log in first.", "code": "not_authenticated"}
    login_verified(client, other)
    assert client.get(url).json() == {"detail": "Not found.", "code": "not_found"}
    login_verified(client, owner)
    assert client.get(url).json() == {
        "step_up_id": str(step_up.pk),
        "status": "FAILED",
        "code": "NO_BLINK",
        "message": "We could not see you blink. Look at the camera and blink once or twice.",
        "face_state": "AVAILABLE",
    }


def test_refused_bursts_answer_in_plain_words_with_a_code(client):
    customer = customer_with_kyc_face()
    login_verified(client, customer)

    too_few = client.post(
        "/accounts/step-up/face/", {"action": "LOAN_APPLICATION", "frames": frames(2)}
    )
    unknown = client.post("/accounts/step-up/face/", {"action": "TRANSFER", "frames": frames()})
    for _ in range(3):
        StepUpFactory(user=customer, status="FAILED", code="NO_BLINK", decided_at=timezone.now())
    locked = client.post(
        "/accounts/step-up/face/", {"action": "LOAN_APPLICATION", "frames": frames()}
    )

    assert (too_few.status_code, too_few.json()["code"]) == (400, "STEP_UP_FRAMES")
    assert (unknown.status_code, unknown.json()["code"]) == (400, "STEP_UP_ACTION")
    assert (locked.status_code, locked.json()["code"]) == (429, "STEP_UP_LOCKED")
    assert locked.json()["detail"].startswith("You tried the camera too many times.")


def test_a_code_is_sent_in_the_background_to_a_confirmed_channel_only(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    customer = customer_with_kyc_face(email="eileen@example.com")
    login_verified(client, customer)

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/accounts/step-up/code/", {"channel": "EMAIL"})
    refused = client.post("/accounts/step-up/code/", {"channel": "SMS"})  # phone has no device
    too_soon = client.post("/accounts/step-up/code/", {"channel": "EMAIL"})

    assert sent.json() == {"detail": "We sent a code to e***@example.com."}
    assert [m.subject for m in mailoutbox] == ["Your SmartBank code to confirm a request"]
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid_choice")
    assert (too_soon.status_code, too_soon.json()["code"]) == (429, "OTP_RESEND_TOO_SOON")


def test_staff_see_a_step_up_and_its_trail_read_only_in_the_console(client, reviewer):
    step_up = StepUpFactory(status="FAILED", code="FACE_MISMATCH", face_distance=0.71)
    step_up_event_record(step_up=step_up, type="FAILED", data={"code": "FACE_MISMATCH"})
    login_verified(client, reviewer)

    listing = client.get("/admin/accounts/stepup/?status__exact=FAILED").content.decode()
    page = client.get(f"/admin/accounts/stepup/{step_up.pk}/change/").content.decode()

    assert "FACE_MISMATCH" in listing and "0.71" in listing
    assert "FACE_MISMATCH" in page and 'name="_save"' not in page  # nothing to edit
    assert client.get("/admin/accounts/stepup/add/").status_code == 403
