"""Issue 11: an ID card found again however it is re-saved. The pipeline stores the card's
perceptual hash and compares it with other customers' ID documents; a near-identical one sends
the case to staff (``DOCUMENT_REUSE``), whose console links the other case. Real Tesseract and
dlib on rendered cards, PostgreSQL, Celery eager after commit (conftest).

The distances these rely on (256-bit pHash, ``smartbank.engines.image_hash``, threshold 12):
the astronaut card re-saved as JPEG quality 85 is 2 bits from the PNG; two customers' cards
on the Aadhaar template with different photos, names and numbers 58 or more
(``bench/document_hashes.py``).
"""

import datetime
import io

import pytest
from PIL import Image

from kyc.models import KycCase, KycCheck, KycDocument
from kyc.services import UploadedDocument, kyc_case_submit
from smartbank.tests import cards
from smartbank.tests.auth import api_client_for, login_verified
from smartbank.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DOB = datetime.date(1990, 8, 5)


def submit(id_document: bytes, selfie: bytes, *, user=None, **fields: object) -> KycCase:  # noqa: ANN001
    """``user``'s KYC submission (a new customer named Neil Armstrong unless given), as
    submitted: its verification runs after commit."""
    data = {"date_of_birth": DOB, "id_type": "AADHAAR", "id_number": "2345 6789 0124"}
    data.update(fields)
    user = user or UserFactory(full_name="Neil Armstrong")
    case = kyc_case_submit(
        user=user,
        full_name=user.full_name,
        id_document=UploadedDocument(id_document),
        selfie=UploadedDocument(selfie),
        **data,
    )
    return case


def decided(case: KycCase) -> KycCase:
    """The case once its verification task ran."""
    case.refresh_from_db()
    return case


def as_jpeg(png: bytes, quality: int = 85) -> bytes:
    """The same picture saved again as JPEG: other bytes, another SHA-256."""
    return cards.to_bytes(Image.open(io.BytesIO(png)), "JPEG", quality=quality)


def reuse_check(case: KycCase) -> KycCheck:
    return case.checks.get(name="DOCUMENT_REUSE")


def test_a_card_another_customer_sent_goes_to_staff_when_re_saved_as_jpeg(
    django_capture_on_commit_callbacks, astronaut_card_png, astronaut_selfie_jpg
):
    # Given a customer whose case with this card was rejected (the selfie was someone else)
    hopper_selfie = cards.to_bytes(cards.selfie_of("grace_hopper"))
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(astronaut_card_png, hopper_selfie)
    first = decided(first)
    assert first.status == KycCase.Status.REJECTED
    assert first.reasons[0]["code"] == "FACE_MISMATCH"
    # When a new customer sends the same card re-saved as JPEG, with a selfie that matches it
    copy = as_jpeg(astronaut_card_png)
    with django_capture_on_commit_callbacks(execute=True):
        second = submit(copy, astronaut_selfie_jpg, user=UserFactory(full_name="Neil Armstrong"))
    second = decided(second)

    # Then every other check passes, and staff look because of the card
    assert second.status == KycCase.Status.MANUAL_REVIEW
    assert [r["code"] for r in second.reasons] == ["DOCUMENT_REUSED"]
    check = reuse_check(second)
    assert (check.status, check.code) == ("REVIEW", "DOCUMENT_REUSED")
    assert f"case {first.pk}" in check.detail and "rejected" in check.detail
    documents = {d.kind: d for d in KycDocument.objects.filter(case__in=[first, second])}
    assert len({d.sha256 for d in KycDocument.objects.filter(kind="ID_DOCUMENT")}) == 2
    assert len(documents[KycDocument.Kind.ID_DOCUMENT].phash) == 64
    assert not KycDocument.objects.get(case=first, kind="SELFIE").phash  # selfies: not hashed


def test_different_customers_cards_on_the_same_template_are_not_reuse(
    django_capture_on_commit_callbacks, astronaut_card_png, astronaut_selfie_jpg
):
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(astronaut_card_png, astronaut_selfie_jpg)
    first = decided(first)
    hopper_card = cards.render_aadhaar(
        name="Grace Hopper",
        dob=datetime.date(1985, 12, 9),
        gender="Female",
        number=cards.valid_aadhaar("34567890123"),
        photo=cards.face_photo("grace_hopper"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        second = submit(
            cards.to_bytes(hopper_card, "JPEG"),
            cards.to_bytes(cards.selfie_of("grace_hopper")),
            user=UserFactory(full_name="Grace Hopper"),
            date_of_birth=datetime.date(1985, 12, 9),
            id_number=cards.valid_aadhaar("34567890123"),
        )
    second = decided(second)

    assert first.status == KycCase.Status.VERIFIED, first.reasons
    assert second.status == KycCase.Status.VERIFIED, second.reasons
    check = reuse_check(second)
    assert (check.status, check.detail) == ("PASSED", "no other customer's document alike")


def test_the_same_customer_sending_their_card_again_is_not_reuse(
    django_capture_on_commit_callbacks, customer, astronaut_card_png, astronaut_selfie_jpg
):
    hopper_selfie = cards.to_bytes(cards.selfie_of("grace_hopper"))
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(astronaut_card_png, hopper_selfie, user=customer)
    first = decided(first)
    assert first.status == KycCase.Status.REJECTED
    with django_capture_on_commit_callbacks(execute=True):
        again = submit(as_jpeg(astronaut_card_png), astronaut_selfie_jpg, user=customer)
    again = decided(again)

    assert again.attempt == 2
    assert again.status == KycCase.Status.VERIFIED, again.reasons
    assert reuse_check(again).status == "PASSED"


def test_staff_follow_a_link_to_the_other_case_and_the_customer_reads_plain_words(
    client,
    reviewer,
    django_capture_on_commit_callbacks,
    astronaut_card_png,
    astronaut_selfie_jpg,
):
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(astronaut_card_png, cards.to_bytes(cards.selfie_of("grace_hopper")))
    first = decided(first)
    fraudster = UserFactory(full_name="Neil Armstrong", email="second@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        second = submit(
            as_jpeg(astronaut_card_png, quality=50), astronaut_selfie_jpg, user=fraudster
        )
    second = decided(second)
    assert second.status == KycCase.Status.MANUAL_REVIEW

    # Staff: the evidence links the other case's page, and that page links back
    login_verified(client, reviewer)
    page = client.get(f"/admin/kyc/kyccase/{second.pk}/change/").content.decode()
    assert "Other customers&#x27; ID documents like this one" in page
    assert f'<a href="/admin/kyc/kyccase/{first.pk}/change/">Case ' in page
    assert first.user.email in page and "Rejected" in page
    back = client.get(f"/admin/kyc/kyccase/{first.pk}/change/").content.decode()
    assert f'<a href="/admin/kyc/kyccase/{second.pk}/change/">Case ' in back

    # The customer: why in plain words, nothing of the other case
    client.logout()
    login_verified(client, fraudster)
    status_page = client.get("/kyc/").content.decode()
    # issue 12: a fraud signal reads neutrally, nothing says what matched
    assert "Our team is checking your documents, usually within one working day." in status_page
    assert "another customer" not in status_page and "already sent" not in status_page
    assert str(first.pk) not in status_page and "DOCUMENT_REUSED" not in status_page
    body = api_client_for(fraudster).get(f"/api/v1/kyc/cases/{second.pk}/").json()
    check = next(c for c in body["checks"] if c["name"] == "DOCUMENT_REUSE")
    assert check["detail"] == "Our team is checking your documents."
    assert str(first.pk) not in str(body)
