"""The verification pipeline end to end, on PostgreSQL, with real Tesseract and dlib.

Registrations go through the integrator API; Celery runs eagerly after commit (conftest), so
each test sees the decision a customer would see.
"""

import datetime
import io

import pytest
from django.db import connection
from rest_framework.test import APIClient

from kyc.models import KycCase, KycCaseEvent, KycCheck
from kyc.tasks import kyc_case_verify_task
from kyc.tests import cards

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


def reason_codes(case: KycCase) -> list[str]:
    return [r["code"] for r in case.reasons]


def test_matching_card_and_selfie_is_verified(
    django_capture_on_commit_callbacks, astronaut_card_png, astronaut_selfie_jpg
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(APIClient(), astronaut_card_png, astronaut_selfie_jpg)
    assert response.json()["status"] == "PENDING"

    case = decided(response)
    assert case.status == KycCase.Status.VERIFIED, case.reasons
    assert case.face_distance is not None and case.face_distance <= 0.5
    assert case.extracted["name"] == NAME
    assert case.extracted["date_of_birth"] == DOB.isoformat()
    assert case.extracted["id_number"] == "XXXX XXXX 0124"
    assert set(case.checks.values_list("status", flat=True)) == {KycCheck.Status.PASSED}
    assert list(case.events.values_list("type", flat=True)) == [
        KycCaseEvent.Type.SUBMITTED,
        KycCaseEvent.Type.PROCESSING_STARTED,
        KycCaseEvent.Type.KYC_COMPLETED,
    ]


def test_id_number_is_encrypted_hashed_and_masked(
    django_capture_on_commit_callbacks, astronaut_card_png, astronaut_selfie_jpg
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(APIClient(), astronaut_card_png, astronaut_selfie_jpg)
    case = decided(response)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM kyc_kyccase")
        row_text = " ".join(str(v) for v in cursor.fetchone())
    assert "234567890124" not in row_text
    assert "2345 6789 0124" not in row_text
    assert case.id_number_masked == "XXXX XXXX 0124"
    assert len(case.id_number_hash) == 64


def test_different_persons_selfie_is_rejected_face_mismatch(
    django_capture_on_commit_callbacks, astronaut_card_png
):
    selfie = cards.to_bytes(cards.selfie_of("grace_hopper"))
    with django_capture_on_commit_callbacks(execute=True):
        response = register(APIClient(), astronaut_card_png, selfie=selfie)
    case = decided(response)
    assert case.status == KycCase.Status.REJECTED
    assert reason_codes(case) == ["FACE_MISMATCH"]
    assert case.face_distance > 0.6


def test_invalid_aadhaar_checksum_is_rejected(
    django_capture_on_commit_callbacks, astronaut_selfie_jpg
):
    card = cards.render_aadhaar(
        name=NAME,
        dob=DOB,
        gender="Male",
        number=cards.INVALID_AADHAAR,
        photo=cards.face_photo("astronaut"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = register(
            APIClient(),
            cards.to_bytes(card, "PNG"),
            astronaut_selfie_jpg,
            id_number=cards.INVALID_AADHAAR,
        )
    case = decided(response)
    assert case.status == KycCase.Status.REJECTED
    assert "ID_CHECKSUM_INVALID" in reason_codes(case)


def test_name_off_by_one_letter_is_verified(
    django_capture_on_commit_callbacks, astronaut_card_png, astronaut_selfie_jpg
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(
            APIClient(), astronaut_card_png, astronaut_selfie_jpg, full_name="Neil Armstrung"
        )
    case = decided(response)
    assert case.status == KycCase.Status.VERIFIED, case.reasons
    assert "edit distance 1" in case.checks.get(name="NAME_MATCH").detail


def test_a_different_name_is_rejected(
    django_capture_on_commit_callbacks, astronaut_card_png, astronaut_selfie_jpg
):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(
            APIClient(), astronaut_card_png, astronaut_selfie_jpg, full_name="Buzz Aldrin"
        )
    case = decided(response)
    assert case.status == KycCase.Status.REJECTED
    assert reason_codes(case) == ["NAME_MISMATCH"]


def test_selfie_without_a_face_is_rejected(django_capture_on_commit_callbacks, astronaut_card_png):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(
            APIClient(), astronaut_card_png, selfie=cards.to_bytes(cards.no_face_photo())
        )
    case = decided(response)
    assert case.status == KycCase.Status.REJECTED
    assert reason_codes(case) == ["NO_FACE_IN_SELFIE"]


def test_selfie_with_two_people_is_rejected(django_capture_on_commit_callbacks, astronaut_card_png):
    with django_capture_on_commit_callbacks(execute=True):
        response = register(
            APIClient(), astronaut_card_png, selfie=cards.to_bytes(cards.two_person_selfie())
        )
    case = decided(response)
    assert case.status == KycCase.Status.REJECTED
    assert reason_codes(case) == ["MULTIPLE_FACES"]


def test_rotated_blurred_compressed_card_is_still_verified(
    django_capture_on_commit_callbacks, astronaut_selfie_jpg
):
    card = cards.render_aadhaar(
        name=NAME,
        dob=DOB,
        gender="Male",
        number=cards.VALID_AADHAAR,
        photo=cards.face_photo("astronaut"),
    )
    scan = cards.to_bytes(cards.degrade(card, angle=3, blur=1, jpeg_quality=50))
    with django_capture_on_commit_callbacks(execute=True):
        response = register(APIClient(), scan, astronaut_selfie_jpg)
    case = decided(response)
    assert case.status == KycCase.Status.VERIFIED, case.reasons


def test_pan_card_is_verified(django_capture_on_commit_callbacks, astronaut_selfie_jpg):
    card = cards.render_pan(
        name=NAME,
        father_name="Stephen Armstrong",
        dob=DOB,
        pan=cards.VALID_PAN,
        photo=cards.face_photo("astronaut"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = register(
            APIClient(),
            cards.to_bytes(card, "PNG"),
            astronaut_selfie_jpg,
            id_type="PAN",
            id_number=cards.VALID_PAN,
        )
    case = decided(response)
    assert case.status == KycCase.Status.VERIFIED, case.reasons
    assert case.extracted["father_name"].casefold() == "stephen armstrong"
    assert case.id_number_masked.endswith("234F")


def test_card_number_differing_from_entered_number_is_rejected(
    django_capture_on_commit_callbacks, astronaut_card_png, astronaut_selfie_jpg
):
    other = cards.valid_aadhaar("98765432101")
    with django_capture_on_commit_callbacks(execute=True):
        response = register(APIClient(), astronaut_card_png, astronaut_selfie_jpg, id_number=other)
    case = decided(response)
    assert case.status == KycCase.Status.REJECTED
    assert reason_codes(case) == ["ID_NUMBER_MISMATCH"]


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


def test_id_verified_for_another_customer_rejects_as_duplicate_id(
    django_capture_on_commit_callbacks, astronaut_card_png, astronaut_selfie_jpg
):
    """The 409 guard can be raced; the pipeline checks again against VERIFIED cases."""
    with django_capture_on_commit_callbacks(execute=True):
        response = register(APIClient(), astronaut_card_png, astronaut_selfie_jpg)
    first = decided(response)
    assert first.status == KycCase.Status.VERIFIED
    # Given a second case that slipped past the registration check (first still PENDING then)
    KycCase.objects.filter(pk=first.pk).update(status=KycCase.Status.REJECTED)
    with django_capture_on_commit_callbacks(execute=True):
        response = register(
            APIClient(), astronaut_card_png, astronaut_selfie_jpg, email="twin@example.com"
        )
    second = decided(response)
    KycCase.objects.filter(pk=first.pk).update(status=KycCase.Status.VERIFIED)
    KycCase.objects.filter(pk=second.pk).update(status=KycCase.Status.PENDING)

    # When verification runs again for the second customer
    assert kyc_case_verify_task.apply(args=[str(second.pk)]).get() == "REJECTED"
    second.refresh_from_db()
    assert "DUPLICATE_ID" in reason_codes(second)
    assert "DUPLICATE_FACE" in [c.code for c in second.checks.all()]


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
            "id_type": "PASSPORT",
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
