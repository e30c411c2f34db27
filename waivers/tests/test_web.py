"""Customer waiver pages and the staff-only certificate view."""

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import StepUp
from accounts.tests.auth import login_verified
from accounts.tests.step_up_factories import passed_step_up
from waivers.models import WaiverEvent, WaiverRequest
from waivers.services import waiver_request_approve
from waivers.tests.factories import (
    agri_scan,
    approved_loan,
    borrower,
    waiver_in_review,
    waiver_officer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def farmer():
    return borrower(email="ramesh@example.com")


@pytest.fixture
def loan(farmer):
    return approved_loan(customer=farmer)


def form_data(loan, **overrides):
    data = {
        "loan": loan.application_id,
        "waiver_type": "interest",
        "certificate_type": "agri-debt-relief",
        "certificate_number": "MH/2024/004517",
        "amount": "20000",
        "percent": "",
        "document": SimpleUploadedFile("certificate.png", agri_scan(), "image/png"),
        # confirmed as the page does after the camera or a code (issue 14)
        "step_up_id": str(passed_step_up(loan.customer, action=StepUp.Action.WAIVER_REQUEST).pk),
    }
    data.update(overrides)
    return data


def test_the_form_offers_the_customers_approved_loans_with_what_is_owed(client, farmer, loan):
    approved_loan(customer=borrower())  # someone else's
    login_verified(client, farmer)

    page = client.get("/waivers/new/").content.decode()

    options = re.findall(r'<option value="(LOAN-[^"]+)"[^>]*>([^<]+)</option>', page)
    assert options == [
        (loan.application_id, f"{loan.application_id} · Personal loan · ₹2,78,256.23 owed")
    ]
    assert "Agricultural debt relief certificate" in page and "MH/2024/004517" in page


def test_a_request_leads_to_its_page_which_updates_in_place_while_checking(client, farmer, loan):
    login_verified(client, farmer)

    response = client.post("/waivers/new/", form_data(loan), follow=True)

    waiver = WaiverRequest.objects.get()
    assert response.redirect_chain == [(f"/waivers/{waiver.pk}/", 302)]
    page = response.content.decode()
    assert 'http-equiv="refresh"' not in page  # issue 12: no full-page reloads
    assert f'data-live-status="/waivers/{waiver.pk}/status/"' in page
    assert 'id="waiver-status">Checking your certificate<' in page
    assert "Interest waiver of ₹20,000.00 on loan" in page
    assert "We are checking your certificate." in page and "this page updates by itself" in page


def test_errors_show_next_to_the_field_and_nothing_is_saved(client, farmer, loan):
    login_verified(client, farmer)

    response = client.post(
        "/waivers/new/", form_data(loan, certificate_number="2024/004517", amount="999999")
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors == {
        "certificate_number": [
            "The number of an agricultural debt relief certificate looks like MH/2024/004517."
        ]
    }
    assert not WaiverRequest.objects.exists()


def test_an_approved_waiver_shows_the_reduced_amount_owed(client, farmer, loan):
    waiver = waiver_in_review(customer=farmer, loan=loan, amount=Decimal("25000.00"))
    waiver_request_approve(waiver_request_id=waiver.pk, actor=waiver_officer())
    login_verified(client, farmer)

    page = client.get(f"/waivers/{waiver.pk}/").content.decode()
    listing = client.get("/waivers/").content.decode()

    assert 'data-final="true"' in page
    assert 'id="waiver-status">Approved<' in page
    assert 'You now owe <strong id="waiver-outstanding">₹2,53,256.23</strong>' in page
    assert waiver.loan.application_id in listing and "₹25,000.00" in listing


def test_another_customers_waiver_is_not_found(client, farmer, loan):
    waiver = waiver_in_review(customer=farmer, loan=loan, amount=Decimal("5000.00"))
    login_verified(client, borrower())

    assert client.get(f"/waivers/{waiver.pk}/").status_code == 404


def test_without_an_approved_loan_the_form_sends_the_customer_back(client):
    customer = borrower()
    approved_loan(customer=customer, status="REVIEW")
    login_verified(client, customer)

    response = client.get("/waivers/new/", follow=True)

    assert response.redirect_chain == [("/waivers/", 302)]
    page = response.content.decode()
    assert "You can ask for a waiver once one of your loans is approved." in page
    assert 'id="waiver-refusal"' in page


def test_waiver_officers_open_the_scan_and_each_view_is_audited(client, farmer, loan):
    scan = agri_scan()
    waiver = waiver_in_review(customer=farmer, loan=loan, amount=Decimal("5000"), document=scan)
    officer = waiver_officer()
    login_verified(client, officer)

    response = client.get(f"/waivers/{waiver.pk}/certificate/")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == scan
    event = waiver.events.get(type=WaiverEvent.Type.DOCUMENT_VIEWED)
    assert event.actor == officer


def test_customers_and_staff_without_the_permission_cannot_open_scans(client, farmer, loan):
    waiver = waiver_in_review(customer=farmer, loan=loan, amount=Decimal("5000"))
    url = f"/waivers/{waiver.pk}/certificate/"

    login_verified(client, farmer)
    assert client.get(url).status_code == 302  # to the staff login
    login_verified(client, borrower(is_staff=True))
    assert client.get(url).status_code == 404
    assert not waiver.events.filter(type=WaiverEvent.Type.DOCUMENT_VIEWED).exists()
