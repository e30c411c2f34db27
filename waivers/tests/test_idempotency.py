"""``Idempotency-Key`` on the waiver API (issue 10): a retried multipart request (a fresh
upload of the same file) replays the first answer; another body under the key is a 422; a
retried approval debits the loan once."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.auth import api_client_for
from loans.loan_accounts import loan_outstanding
from waivers.models import WaiverRequest
from waivers.tests.factories import (
    agri_scan,
    approved_loan,
    borrower,
    waiver_in_review,
    waiver_officer,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/waivers/"


def body(application, **overrides):
    return {
        "loan": application.application_id,
        "waiver_type": "interest",
        "certificate_type": "agri-debt-relief",
        "certificate_number": "MH/2024/004517",
        "percent": "10",
        "document": SimpleUploadedFile("certificate.png", agri_scan(), "image/png"),
        **overrides,
    }


def test_a_retried_waiver_request_replays_and_a_changed_one_answers_422():
    farmer = borrower(email="ramesh@example.com")
    loan = approved_loan(customer=farmer)
    client = api_client_for(farmer)
    headers = {"Idempotency-Key": "waiver-1"}

    first = client.post(URL, body(loan), format="multipart", headers=headers)
    again = client.post(URL, body(loan), format="multipart", headers=headers)
    changed = client.post(URL, body(loan, percent="20"), format="multipart", headers=headers)

    assert first.status_code == 201, first.json()
    assert again.status_code == 201 and again.content == first.content
    assert changed.status_code == 422 and changed.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert WaiverRequest.objects.count() == 1


def test_a_retried_approval_debits_the_loan_once():
    farmer = borrower(email="ramesh@example.com")
    loan = approved_loan(customer=farmer)
    waiver = waiver_in_review(customer=farmer, loan=loan, amount=Decimal("25000.00"))
    client = api_client_for(waiver_officer())
    url, headers = f"{URL}{waiver.pk}/approve/", {"Idempotency-Key": "approve-w-1"}

    first = client.post(url, {"note": "Scheme 2024"}, format="json", headers=headers)
    again = client.post(url, {"note": "Scheme 2024"}, format="json", headers=headers)

    assert first.status_code == 200 and first.json()["status"] == "APPROVED"
    assert again.status_code == 200 and again.content == first.content
    assert loan_outstanding(application=loan) == Decimal("253256.23")
