"""Integrator API: tokens, registration status, access rules, the OpenAPI schema."""

import pytest
from django.test import TestCase
from rest_framework.test import APIClient

from accounts.tests.auth import last_email_code
from accounts.tests.factories import TEST_PASSWORD, CustomerProfileFactory
from kyc.models import KycCase, KycCheck
from kyc.tests.factories import KycCaseFactory

pytestmark = pytest.mark.django_db


def jwt_pair(user) -> dict:
    """Tokens through the two-step exchange: password, then the code emailed to the user."""
    with TestCase.captureOnCommitCallbacks(execute=True):  # the code email goes after commit
        step1 = APIClient().post(
            "/api/v1/auth/token/", {"email": user.email, "password": TEST_PASSWORD}, format="json"
        )
    assert step1.status_code == 200, step1.content
    assert set(step1.json()) == {"mfa_token", "channel", "detail", "expires_in"}
    step2 = APIClient().post(
        "/api/v1/auth/token/otp/",
        {"mfa_token": step1.json()["mfa_token"], "otp": last_email_code(user.email)},
        format="json",
    )
    assert step2.status_code == 200, step2.content
    assert set(step2.json()) == {"access", "refresh"}
    return step2.json()


def token_for(user) -> str:
    return jwt_pair(user)["access"]


def test_owner_reads_registration_status_with_reasons_and_checks():
    profile = CustomerProfileFactory()
    case = KycCaseFactory(
        user=profile.user,
        status=KycCase.Status.REJECTED,
        reasons=[{"code": "FACE_MISMATCH", "message": "differs"}],
    )
    KycCheck.objects.create(
        case=case,
        position=0,
        name="FACE_MATCH",
        status="FAILED",
        code="FACE_MISMATCH",
        detail="distance 0.712",
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(profile.user)}")

    body = client.get(f"/api/v1/registrations/{profile.id}/").json()

    assert body["registration_id"] == str(profile.id)
    assert body["status"] == "REJECTED"
    assert body["reasons"] == [{"code": "FACE_MISMATCH", "message": "differs"}]
    assert body["checks"] == [
        {"name": "FACE_MATCH", "status": "FAILED", "detail": "distance 0.712"}
    ]
    assert body["submitted_at"] and "decided_at" in body


def test_another_customers_registration_is_404_and_staff_see_it(reviewer):
    owner = CustomerProfileFactory()
    KycCaseFactory(user=owner.user)
    intruder = CustomerProfileFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(intruder.user)}")
    assert client.get(f"/api/v1/registrations/{owner.id}/").status_code == 404

    staff = APIClient()
    staff.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(reviewer)}")
    assert staff.get(f"/api/v1/registrations/{owner.id}/").json()["status"] == "MANUAL_REVIEW"


def test_registration_status_needs_authentication():
    profile = CustomerProfileFactory()
    assert APIClient().get(f"/api/v1/registrations/{profile.id}/").status_code == 401


def test_token_refresh_and_wrong_password():
    profile = CustomerProfileFactory()
    refresh = jwt_pair(profile.user)["refresh"]
    again = APIClient().post("/api/v1/auth/token/refresh/", {"refresh": refresh})
    assert again.status_code == 200 and "access" in again.json()
    wrong = APIClient().post(
        "/api/v1/auth/token/", {"email": profile.user.email, "password": "nope"}
    )
    assert wrong.status_code == 401


def test_duplicate_email_is_409(astronaut_card_png, astronaut_selfie_jpg):
    import io

    CustomerProfileFactory(user__email="taken@example.com")
    response = APIClient().post(
        "/api/v1/registrations/",
        {
            "email": "taken@example.com",
            "password": "Tranquility-Base-1969",
            "full_name": "Neil Armstrong",
            "date_of_birth": "1990-08-05",
            "phone": "+919876543210",
            "id_type": "AADHAAR",
            "id_number": "234567890124",
            "id_document": io.BytesIO(astronaut_card_png),
            "selfie": io.BytesIO(astronaut_selfie_jpg),
        },
        format="multipart",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "EMAIL_TAKEN"


def test_openapi_schema_and_swagger_ui_are_served():
    schema = APIClient().get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in (
        "/api/v1/registrations/",
        "/api/v1/registrations/{registration_id}/",
        "/api/v1/auth/token/",
        "/api/v1/kyc/ocr/",
        "/api/v1/kyc/flows/{flow_id}/",
    ):
        assert path in text
    docs = APIClient().get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"cdn.jsdelivr" not in docs.content


def test_openapi_schema_generates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", "/dev/null")
