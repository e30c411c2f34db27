"""Registering with a passport through the API (issue 11): ``id_type=PASSPORT`` with the
nationality and the expiry date, end to end on PostgreSQL with real Tesseract and dlib, and
the 400 field errors of a passport's own fields. Celery runs eagerly after commit (conftest).
"""

import datetime
import io

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from kyc.models import KycCase
from smartbank.tests import cards, passports

pytestmark = pytest.mark.django_db(transaction=False)

PERSON = passports.holder()


@pytest.fixture(scope="module")
def passport_jpg() -> bytes:
    page = passports.render_passport(PERSON, photo=cards.face_photo("astronaut"))
    return cards.to_bytes(page, "JPEG", quality=92)


def register(client: APIClient, id_document: bytes, **fields: object):
    data = {
        "email": "neil@example.com",
        "password": "Tranquility-Base-1969",
        "full_name": "Neil Armstrong",
        "date_of_birth": PERSON.date_of_birth.isoformat(),
        "phone": "+919876543210",
        "id_type": "PASSPORT",
        "id_number": "k1234567",
        "nationality": "IND",
        "document_expiry": PERSON.expiry.isoformat(),
        "id_document": io.BytesIO(id_document),
        "selfie": io.BytesIO(cards.to_bytes(cards.selfie_of("astronaut"))),
    }
    data.update(fields)
    data["id_document"].name = "passport.jpg"
    data["selfie"].name = "selfie.jpg"
    return client.post("/api/v1/registrations/", data, format="multipart")


def test_registration_with_a_passport_is_verified(django_capture_on_commit_callbacks, passport_jpg):
    client = APIClient()
    with django_capture_on_commit_callbacks(execute=True):
        response = register(client, passport_jpg)
    assert response.status_code == 202, response.content

    case = KycCase.objects.get(pk=response.json()["kyc_case_id"])
    assert case.status == KycCase.Status.VERIFIED, case.reasons
    assert (case.id_type, case.nationality, case.document_expiry) == (
        "PASSPORT",
        "IND",
        PERSON.expiry,
    )
    assert case.id_number_masked == "XXXX4567"

    client.force_authenticate(case.user)
    detail = client.get(f"/api/v1/kyc/cases/{case.id}/").json()
    assert detail["status"] == "VERIFIED"
    assert {"name": "MRZ", "status": "PASSED"}.items() <= next(
        check for check in detail["checks"] if check["name"] == "MRZ"
    ).items()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"nationality": ""}, "nationality", "Enter the nationality as printed in the passport"),
        ({"nationality": "XYZ"}, "nationality", "Enter the nationality as printed in the passport"),
        ({"document_expiry": ""}, "document_expiry", "Enter the passport's date of expiry."),
        (
            {"document_expiry": (datetime.date.today() - datetime.timedelta(days=1)).isoformat()},
            "document_expiry",
            "This passport has expired.",
        ),
        ({"id_number": "K12"}, "id_number", "A passport number has 6 to 9 letters and digits"),
    ],
    ids=["no-nationality", "unknown-nationality", "no-expiry", "expired", "short-number"],
)
def test_a_passports_own_fields_are_400_field_errors(passport_jpg, fields, field, message):
    response = register(APIClient(), passport_jpg, **fields)
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert field in errors and errors[field][0].startswith(message), errors
    assert not User.objects.exists() and not KycCase.objects.exists()


def test_nationality_may_be_given_as_alpha_2(django_capture_on_commit_callbacks, passport_jpg):
    with django_capture_on_commit_callbacks(execute=False):
        response = register(APIClient(), passport_jpg, nationality="in")
    assert response.status_code == 202, response.content
    assert KycCase.objects.get().nationality == "IND"
