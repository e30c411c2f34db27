"""The customer's KYC pages and private document access, through Django's test client (the
registration that comes before them: ``accounts/tests/test_registration_web.py``)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kyc.models import KycCase, KycCaseEvent, KycDocument
from kyc.tests.factories import KycCaseFactory
from smartbank.tests.auth import login_verified

pytestmark = pytest.mark.django_db


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_kyc_form_then_decision_page(
    client, customer, django_capture_on_commit_callbacks, astronaut_card_png, astronaut_selfie_jpg
):
    login_verified(client, customer)
    page = client.get("/kyc/submit/")
    assert b"Attempts left: 3" in page.content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/kyc/submit/",
            {
                "id_type": "AADHAAR",
                "id_number": "2345 6789 0124",
                "date_of_birth": "1990-08-05",
                "id_document": upload("card.png", astronaut_card_png, "image/png"),
                "selfie": upload("me.jpg", astronaut_selfie_jpg),
            },
        )
    assert response.status_code == 302 and response.url == "/kyc/"

    page = client.get("/kyc/")
    assert b'id="kyc-status">Verified<' in page.content
    assert b'http-equiv="refresh"' not in page.content
    assert b"XXXX XXXX 0124" in page.content
    assert b"234567890124" not in page.content


def test_pending_status_page_updates_in_place(client):
    case = KycCaseFactory(status=KycCase.Status.PENDING, reasons=[])
    login_verified(client, case.user)
    page = client.get("/kyc/").content.decode()
    assert 'http-equiv="refresh"' not in page  # issue 12: no full-page reloads
    assert f'data-live-status="/kyc/cases/{case.pk}/status/"' in page
    assert 'data-final="false"' in page and 'id="kyc-status">Checking<' in page


def test_kyc_form_rejects_text_file_named_jpg_and_bad_number(client, customer):
    login_verified(client, customer)
    response = client.post(
        "/kyc/submit/",
        {
            "id_type": "AADHAAR",
            "id_number": "12345",
            "date_of_birth": "1990-08-05",
            "id_document": upload("card.jpg", b"not an image at all\n" * 20),
            "selfie": upload("me.jpg", b"also text"),
        },
    )
    errors = response.context["form"].errors
    assert "id_document" in errors and "selfie" in errors and "id_number" in errors
    assert KycCase.objects.count() == 0


def test_rejected_customer_may_retry_until_attempts_run_out(client, customer, settings):
    settings.KYC_MAX_ATTEMPTS = 2
    KycCaseFactory(user=customer, status=KycCase.Status.REJECTED, attempt=1)
    login_verified(client, customer)
    assert client.get("/kyc/submit/").status_code == 200
    KycCaseFactory(user=customer, status=KycCase.Status.REJECTED, attempt=2)
    assert client.get("/kyc/submit/").status_code == 302


def test_documents_are_private_and_each_staff_view_is_audited(
    client, reviewer, customer, astronaut_card_png
):
    case = KycCaseFactory(user=customer)
    from kyc.services import _store_document

    document = _store_document(
        case=case,
        kind=KycDocument.Kind.ID_DOCUMENT,
        data=astronaut_card_png,
        content_type="image/png",
    )
    assert "card" not in document.file.name and document.file.name.startswith("kyc/")
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018 - no public URL exists

    login_verified(client, customer)
    assert client.get(f"/kyc/documents/{document.id}/").status_code == 302  # to admin login

    login_verified(client, reviewer)
    response = client.get(f"/kyc/documents/{document.id}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == astronaut_card_png
    assert response["Cache-Control"] == "private, no-store"
    assert case.events.filter(type=KycCaseEvent.Type.DOCUMENT_VIEWED, actor=reviewer).exists()


def test_file_larger_than_10_mb_is_refused(client, customer):
    login_verified(client, customer)
    big = io.BytesIO(b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024 + 1))
    response = client.post(
        "/kyc/submit/",
        {
            "id_type": "AADHAAR",
            "id_number": "234567890124",
            "date_of_birth": "1990-08-05",
            "id_document": upload("big.jpg", big.getvalue()),
            "selfie": upload("s.jpg", b"x"),
        },
    )
    assert "larger than 10 MB" in str(response.context["form"].errors["id_document"])
