"""The loan application form asks the customer to confirm it is them (issue 14): a face
step-up sent from the page and checked in Celery, or a one-time code; nothing is filed
without one, and a confirmation is used once, by this action only."""

import pytest

from accounts.models import StepUp
from accounts.tests.auth import last_email_code, login_verified
from accounts.tests.step_up_factories import StepUpFactory, customer_with_kyc_face, passed_step_up
from loans.models import LoanApplication
from loans.tests.factories import default_product
from smartbank.tests import bursts

FORM = {
    "loan_amount": "300000",
    "tenure_months": "36",
    "loan_purpose": "Home renovation",
    "income": "900000",
    "debt": "120000",
    "credit_score": "760",
    "country": "India",
    "region": "APAC",
}
REQUIRED = "Confirm it&#x27;s you with your face or a code first."


@pytest.fixture
def form(db) -> dict:
    return {"product": default_product().pk, **FORM}


def test_the_form_is_refused_without_a_confirmation_and_nothing_is_filed(client, form):
    customer = customer_with_kyc_face(email="kalpana@example.com")
    login_verified(client, customer)

    page = client.get("/loans/apply/").content.decode()
    assert 'data-face="AVAILABLE"' in page and "Send me a code" in page

    response = client.post("/loans/apply/", form)

    assert response.status_code == 200
    assert REQUIRED in response.content.decode()
    assert response.context["form"].errors == {}  # the application itself was fine
    assert not LoanApplication.objects.exists()


def test_without_a_camera_a_code_confirms_the_application(
    client, form, django_capture_on_commit_callbacks
):
    # Given a customer with no face on file (the page offers codes only)
    customer = customer_with_kyc_face(face=None, email="kalpana@example.com")
    login_verified(client, customer)
    page = client.get("/loans/apply/").content.decode()
    assert 'data-face="UNAVAILABLE"' in page and "data-step-up-face" not in page

    # When she asks for a code (a page without JavaScript posts the form for it)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/loans/apply/", {**form, "step_up_send": "1"})
    html = response.content.decode()
    assert "We sent a code to k***@example.com." in html
    assert 'value="Home renovation"' in html and "errorlist" not in html  # kept, not checked
    assert not LoanApplication.objects.exists()

    # And sends the form with it, pressing Enter in the code field: without JavaScript that
    # posts the form's first submit button, "Send me a code", with the code typed
    code = last_email_code(customer.email)
    response = client.post(
        "/loans/apply/",
        {**form, "step_up_send": "1", "step_up_channel": "EMAIL", "step_up_code": code},
    )

    # Then the application is filed, confirmed by the code step-up, now used
    application = LoanApplication.objects.get(customer=customer)
    assert response.status_code == 302
    step_up = StepUp.objects.get(user=customer)
    assert (step_up.method, step_up.status, step_up.action) == ("OTP", "USED", "LOAN_APPLICATION")
    submitted = application.events.get(type="SUBMITTED")
    assert submitted.data["step_up"] == {"id": str(step_up.pk), "method": "OTP"}


def test_a_wrong_code_is_shown_on_the_code_and_nothing_is_filed(
    client, form, django_capture_on_commit_callbacks
):
    customer = customer_with_kyc_face(face=None, email="kalpana@example.com")
    login_verified(client, customer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/loans/apply/", {**form, "step_up_send": "1"})
    wrong = "000000" if last_email_code(customer.email) != "000000" else "111111"

    response = client.post("/loans/apply/", {**form, "step_up_code": wrong})

    assert "That code is not right. Check it and try again." in response.content.decode()
    assert not LoanApplication.objects.exists() and not StepUp.objects.exists()


def test_a_confirmation_is_used_once_and_only_for_its_own_action(client, form):
    customer = customer_with_kyc_face(email="kalpana@example.com")
    login_verified(client, customer)
    step_up = passed_step_up(customer)
    for_a_waiver = passed_step_up(customer, action=StepUp.Action.WAIVER_REQUEST)
    still_checking = StepUpFactory(user=customer)

    assert client.post("/loans/apply/", {**form, "step_up_id": step_up.pk}).status_code == 302
    again = client.post(
        "/loans/apply/", {**form, "loan_purpose": "A car", "step_up_id": step_up.pk}
    )
    other = client.post(
        "/loans/apply/", {**form, "loan_purpose": "A car", "step_up_id": for_a_waiver.pk}
    )
    early = client.post(
        "/loans/apply/", {**form, "loan_purpose": "A car", "step_up_id": still_checking.pk}
    )

    assert "That confirmation was already used." in again.content.decode()
    assert REQUIRED in other.content.decode()
    assert "We have not confirmed it&#x27;s you yet." in early.content.decode()
    assert LoanApplication.objects.count() == 1
    for_a_waiver.refresh_from_db()
    assert for_a_waiver.status == "PASSED"


def test_a_blinking_burst_sent_from_the_page_confirms_the_application(
    client, form, django_capture_on_commit_callbacks
):
    # Given a customer whose verified KYC selfie is the astronaut
    customer = customer_with_kyc_face(face="astronaut", email="eileen@example.com")
    login_verified(client, customer)

    # When the page posts the camera's burst, and the check runs after the commit
    frames = bursts.jpegs(bursts.blink_frames())
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            "/accounts/step-up/face/",
            {"action": "LOAN_APPLICATION", "frames": [_upload(f, i) for i, f in enumerate(frames)]},
        )
    assert started.status_code == 202
    body = started.json()
    assert body["status"] == "PENDING" and body["message"] == "Checking…"

    # Then polling shows it passed, and the form sent with its id files the application
    status = client.get(body["status_url"]).json()
    assert status == {
        "step_up_id": body["step_up_id"],
        "status": "PASSED",
        "code": "",
        "message": "Thank you, that's you.",
        "face_state": "AVAILABLE",
    }
    response = client.post("/loans/apply/", {**form, "step_up_id": body["step_up_id"]})
    assert response.status_code == 302
    application = LoanApplication.objects.get(customer=customer)
    assert application.events.get(type="SUBMITTED").data["step_up"]["method"] == "FACE"


def test_after_three_failures_the_page_offers_only_the_code(client, form):
    customer = customer_with_kyc_face(email="kalpana@example.com")
    from django.utils import timezone

    for _ in range(3):
        StepUpFactory(user=customer, status="FAILED", code="NO_BLINK", decided_at=timezone.now())
    login_verified(client, customer)

    page = client.get("/loans/apply/").content.decode()

    assert 'data-face="LOCKED"' in page and "data-step-up-face" not in page
    assert "You tried the camera too many times. Confirm with a code instead" in page


def _upload(data: bytes, index: int):  # noqa: ANN202
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(f"frame-{index}.jpg", data, "image/jpeg")
