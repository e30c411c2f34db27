"""The registration API's answers to a known ID number and to bad files and fields, on
PostgreSQL with real Tesseract and dlib (moved from ``kyc/tests/test_pipeline.py``: the KYC
decisions stay there, submitted through ``kyc_case_submit``).

Celery runs eagerly after commit (conftest), so each test sees what the integrator would see.
"""

import datetime
import io

import pytest
from rest_framework.test import APIClient

from kyc.models import KycCase

pytestmark = pytest.mark.django_db(transaction=False)

DOB = datetime.date(1990, 8, 5)
NAME = "Neil Armstrong"


def register(client: APIClient, id_document: bytes, selfie: bytes, **fields: object):
    data = {
        "email": "neil@example.com",
        "password": "Tranquility-Base-1969",
        "full_name": NAME,
        "date_of_birth": DOB.isoformat(),
        "phone": "+919876543210",
        "id_type": "AADHAAR",
        "id_number": "2345 6789 0124",
        "id_document": io.BytesIO(id_document),
        "selfie": io.BytesIO(selfie),
    }
    data.update(fields)
    data["id_document"].name = "card.png"
    data["selfie"].name = "selfie.jpg"
    return client.post("/api/v1/registrations/", data, format="multipart")


def decided(response) -> KycCase:
    assert response.status_code == 202, response.content
    return KycCase.objects.get(user__profile__id=response.json()["registration_id"])


def test_second_customer_with_the_same_id_number_gets_409(
    django_capture_on_commit_callbacks, astronaut_card_png, astronaut_selfie_jpg
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(APIClient(), astronaut_card_png, selfie=astronaut_selfie_jpg)
    assert decided(response).status == KycCase.Status.VERIFIED
    response = register(
        APIClient(), astronaut_card_png, astronaut_selfie_jpg, email="impostor@example.com"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "DUPLICATE_ID"
    assert KycCase.objects.count() == 1


def test_text_file_named_jpg_is_400_and_nothing_is_created():
    response = register(APIClient(), b"just some text, not an image\n" * 10, selfie=b"hello")
    assert response.status_code == 400
    body = response.json()
    assert "id_document" in body["errors"]
    assert KycCase.objects.count() == 0


def test_missing_and_malformed_fields_are_400_with_field_errors(astronaut_card_png):
    response = APIClient().post(
        "/api/v1/registrations/",
        {
            "email": "not-an-email",
            "password": "x",
            "full_name": NAME,
            "date_of_birth": "05/08/1990",
            "phone": "123",
            "id_type": "VOTER_ID",
            "id_number": "1",
            "id_document": io.BytesIO(astronaut_card_png),
        },
        format="multipart",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"email", "date_of_birth", "phone", "id_type", "selfie"} <= set(errors)


def test_weak_password_is_400(astronaut_card_png, astronaut_selfie_jpg):
    response = register(APIClient(), astronaut_card_png, astronaut_selfie_jpg, password="password")
    assert response.status_code == 400
    assert "password" in response.json()["errors"]
