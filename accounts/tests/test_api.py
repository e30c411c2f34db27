"""Integrator API: tokens, registration status, access rules, the OpenAPI schema."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from rest_framework.test import APIClient

from accounts.tests.auth import api_client_for, last_email_code, login_verified
from accounts.tests.factories import TEST_PASSWORD, CustomerProfileFactory
from kyc.models import KycCase, KycCheck
from kyc.tests.factories import KycCaseFactory
from smartbank.tests import cards

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
    assert body["checks"] == [  # plain words for the customer (issue 12)
        {"name": "FACE_MATCH", "status": "FAILED", "detail": "This did not pass; see why above."}
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
        "/api/v1/kyc/cases/{kyc_case_id}/",
    ):
        assert path in text
    docs = APIClient().get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"cdn.jsdelivr" not in docs.content


def test_openapi_schema_generates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", "/dev/null")


def _register(id_document: bytes, selfie: bytes):
    return APIClient().post(
        "/api/v1/registrations/",
        {
            "email": "neil@example.com",
            "password": "Tranquility-Base-1969",
            "full_name": "Neil Armstrong",
            "date_of_birth": "1990-08-05",
            "phone": "+919876543210",
            "id_type": "AADHAAR",
            "id_number": "2345 6789 0124",
            "id_document": io.BytesIO(id_document),
            "selfie": io.BytesIO(selfie),
        },
        format="multipart",
    )


def test_registration_names_its_kyc_case_and_the_case_url_outlives_a_resubmission(
    client, django_capture_on_commit_callbacks, astronaut_card_png, astronaut_selfie_jpg
):
    # Given a registration whose selfie is another person: the first case is rejected
    with django_capture_on_commit_callbacks(execute=True):
        created = _register(astronaut_card_png, cards.to_bytes(cards.selfie_of("grace_hopper")))
    assert created.status_code == 202, created.content
    first = KycCase.objects.get()
    assert created.json() == {
        "registration_id": str(first.user.profile.id),
        "kyc_case_id": str(first.id),
        "status": "PENDING",
    }
    first.refresh_from_db()
    assert first.status == KycCase.Status.REJECTED
    owner = api_client_for(first.user)
    registration_url = f"/api/v1/registrations/{created.json()['registration_id']}/"
    before = owner.get(registration_url).json()
    assert (before["kyc_case_id"], before["status"]) == (str(first.id), "REJECTED")

    # When the customer confirms their email and resubmits with their own selfie
    verified = APIClient().post(
        f"{registration_url}verify-contact/",
        {"channel": "EMAIL", "otp": last_email_code("neil@example.com")},
        format="json",
    )
    assert verified.status_code == 200, verified.content
    login_verified(client, first.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/kyc/submit/",
            {
                "id_type": "AADHAAR",
                "id_number": "2345 6789 0124",
                "date_of_birth": "1990-08-05",
                "id_document": SimpleUploadedFile("card.png", astronaut_card_png, "image/png"),
                "selfie": SimpleUploadedFile("me.jpg", astronaut_selfie_jpg, "image/jpeg"),
            },
        )
    assert response.status_code == 302
    second = KycCase.objects.exclude(pk=first.pk).get()
    assert second.status == KycCase.Status.VERIFIED

    # Then the registration reports the new case and says so, the old URL the old case
    after = owner.get(registration_url).json()
    assert (after["kyc_case_id"], after["status"]) == (str(second.id), "VERIFIED")
    old = owner.get(f"/api/v1/kyc/cases/{first.id}/").json()
    assert (old["kyc_case_id"], old["attempt"], old["status"]) == (str(first.id), 1, "REJECTED")
    assert old["reasons"] == before["reasons"] and old["checks"] == before["checks"]
    assert [r["code"] for r in old["reasons"]] == ["FACE_MISMATCH"]
    new = owner.get(f"/api/v1/kyc/cases/{second.id}/").json()
    assert (new["attempt"], new["status"], new["reasons"]) == (2, "VERIFIED", after["reasons"])


def test_registration_before_any_kyc_submission_reports_no_case():
    profile = CustomerProfileFactory()

    body = api_client_for(profile.user).get(f"/api/v1/registrations/{profile.id}/").json()

    assert body == {
        "registration_id": str(profile.id),
        "kyc_case_id": None,
        "status": "PENDING",
        "reasons": [],
        "checks": [],
        "submitted_at": None,
        "decided_at": None,
    }


def test_registration_detail_names_the_case_it_reports(reviewer):
    profile = CustomerProfileFactory()
    KycCaseFactory(user=profile.user, status=KycCase.Status.REJECTED, attempt=1)
    latest = KycCaseFactory(user=profile.user, attempt=2)

    for viewer in (profile.user, reviewer):
        body = api_client_for(viewer).get(f"/api/v1/registrations/{profile.id}/").json()
        assert (body["kyc_case_id"], body["status"]) == (str(latest.id), "MANUAL_REVIEW")


def test_unknown_registration_answers_the_not_found_body_on_every_endpoint(customer):
    registration_id = uuid.uuid4()
    client = api_client_for(customer)
    for response in (
        client.get(f"/api/v1/registrations/{registration_id}/"),
        APIClient().post(
            f"/api/v1/registrations/{registration_id}/verify-contact/",
            {"channel": "EMAIL", "otp": "123456"},
            format="json",
        ),
        APIClient().post(
            f"/api/v1/registrations/{registration_id}/resend-otp/",
            {"channel": "EMAIL"},
            format="json",
        ),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "code": "not_found"}
