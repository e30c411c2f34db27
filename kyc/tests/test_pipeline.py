"""The verification pipeline end to end, on PostgreSQL, with real Tesseract and dlib.

Each customer is a new user (:mod:`smartbank.tests.factories`) who submits through
``kyc_case_submit``, what the registration API and the KYC form call; Celery runs eagerly after
commit (conftest), so each test sees the decision a customer would see. The registration API's
own answers (409, 400s) are tested in ``accounts/tests/test_registration_api.py``.
"""

import datetime

import pytest
from django.db import connection

from kyc.models import KycCase, KycCaseEvent, KycCheck
from kyc.services import UploadedDocument, kyc_case_submit
from kyc.tasks import kyc_case_verify_task
from kyc.tests.factories import KycCaseFactory
from smartbank.errors import ConflictError
from smartbank.tests import cards
from smartbank.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=False)

DOB = datetime.date(1990, 8, 5)
NAME = "Neil Armstrong"


def submit(id_document: bytes, selfie: bytes, **fields: object) -> KycCase:
    """A new customer's KYC submission; the case as submitted (PENDING, verification runs after
    commit)."""
    data = {
        "email": "neil@example.com",
        "full_name": NAME,
        "date_of_birth": DOB,
        "id_type": "AADHAAR",
        "id_number": "2345 6789 0124",
    }
    data.update(fields)
    customer = UserFactory(email=data.pop("email"), full_name=data.pop("full_name"))
    return kyc_case_submit(
        user=customer,
        full_name=customer.full_name,
        id_document=UploadedDocument(id_document),
        selfie=UploadedDocument(selfie),
        **data,
    )


def decided(submitted: KycCase) -> KycCase:
    """The case once its verification task ran."""
    submitted.refresh_from_db()
    return submitted


def reason_codes(case: KycCase) -> list[str]:
    return [r["code"] for r in case.reasons]


def test_matching_card_and_selfie_is_verified(
    django_capture_on_commit_callbacks, astronaut_card_png, astronaut_selfie_jpg
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = submit(astronaut_card_png, astronaut_selfie_jpg)
    assert submitted.status == KycCase.Status.PENDING

    case = decided(submitted)
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
        submitted = submit(astronaut_card_png, astronaut_selfie_jpg)
    case = decided(submitted)
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
        submitted = submit(astronaut_card_png, selfie=selfie)
    case = decided(submitted)
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
        submitted = submit(
            cards.to_bytes(card, "PNG"),
            astronaut_selfie_jpg,
            id_number=cards.INVALID_AADHAAR,
        )
    case = decided(submitted)
    assert case.status == KycCase.Status.REJECTED
    assert "ID_CHECKSUM_INVALID" in reason_codes(case)


def test_name_off_by_one_letter_is_verified(
    django_capture_on_commit_callbacks, astronaut_card_png, astronaut_selfie_jpg
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = submit(astronaut_card_png, astronaut_selfie_jpg, full_name="Neil Armstrung")
    case = decided(submitted)
    assert case.status == KycCase.Status.VERIFIED, case.reasons
    assert "edit distance 1" in case.checks.get(name="NAME_MATCH").detail


def test_a_different_name_is_rejected(
    django_capture_on_commit_callbacks, astronaut_card_png, astronaut_selfie_jpg
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = submit(astronaut_card_png, astronaut_selfie_jpg, full_name="Buzz Aldrin")
    case = decided(submitted)
    assert case.status == KycCase.Status.REJECTED
    assert reason_codes(case) == ["NAME_MISMATCH"]


def test_selfie_without_a_face_is_rejected(django_capture_on_commit_callbacks, astronaut_card_png):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = submit(astronaut_card_png, selfie=cards.to_bytes(cards.no_face_photo()))
    case = decided(submitted)
    assert case.status == KycCase.Status.REJECTED
    assert reason_codes(case) == ["NO_FACE_IN_SELFIE"]


def test_selfie_with_two_people_is_rejected(django_capture_on_commit_callbacks, astronaut_card_png):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = submit(astronaut_card_png, selfie=cards.to_bytes(cards.two_person_selfie()))
    case = decided(submitted)
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
        submitted = submit(scan, astronaut_selfie_jpg)
    case = decided(submitted)
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
        submitted = submit(
            cards.to_bytes(card, "PNG"),
            astronaut_selfie_jpg,
            id_type="PAN",
            id_number=cards.VALID_PAN,
        )
    case = decided(submitted)
    assert case.status == KycCase.Status.VERIFIED, case.reasons
    assert case.extracted["father_name"].casefold() == "stephen armstrong"
    assert case.id_number_masked.endswith("234F")


def test_card_number_differing_from_entered_number_is_rejected(
    django_capture_on_commit_callbacks, astronaut_card_png, astronaut_selfie_jpg
):
    other = cards.valid_aadhaar("98765432101")
    with django_capture_on_commit_callbacks(execute=True):
        submitted = submit(astronaut_card_png, astronaut_selfie_jpg, id_number=other)
    case = decided(submitted)
    assert case.status == KycCase.Status.REJECTED
    assert reason_codes(case) == ["ID_NUMBER_MISMATCH"]


def test_id_verified_for_another_customer_rejects_as_duplicate_id(
    django_capture_on_commit_callbacks, astronaut_card_png, astronaut_selfie_jpg
):
    """The 409 guard can be raced; the pipeline checks again against VERIFIED cases."""
    with django_capture_on_commit_callbacks(execute=True):
        submitted = submit(astronaut_card_png, astronaut_selfie_jpg)
    first = decided(submitted)
    assert first.status == KycCase.Status.VERIFIED
    # Given a second case that slipped past the registration check (first still PENDING then)
    KycCase.objects.filter(pk=first.pk).update(status=KycCase.Status.REJECTED)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = submit(astronaut_card_png, astronaut_selfie_jpg, email="twin@example.com")
    second = decided(submitted)
    KycCase.objects.filter(pk=first.pk).update(status=KycCase.Status.VERIFIED)
    KycCase.objects.filter(pk=second.pk).update(status=KycCase.Status.PENDING)

    # When verification runs again for the second customer
    assert kyc_case_verify_task.apply(args=[str(second.pk)]).get() == "REJECTED"
    second.refresh_from_db()
    assert "DUPLICATE_ID" in reason_codes(second)
    assert "DUPLICATE_FACE" in [c.code for c in second.checks.all()]


def test_a_second_customer_with_the_same_id_number_is_refused(astronaut_card_png):
    KycCaseFactory(id_number="234567890124")  # another customer's case, in manual review

    with pytest.raises(ConflictError) as refused:
        submit(astronaut_card_png, astronaut_card_png, email="impostor@example.com")
    assert (refused.value.code, refused.value.field) == ("DUPLICATE_ID", "id_number")
    assert KycCase.objects.count() == 1
