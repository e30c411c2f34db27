"""The waiver request form asks the customer to confirm it is them (issue 14): without a
confirmation, or with one made for another action, nothing is stored, not even the scan."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import StepUp
from accounts.tests.auth import login_verified
from accounts.tests.step_up_factories import passed_step_up
from waivers.models import WaiverRequest
from waivers.tests.factories import agri_scan, approved_loan, borrower

pytestmark = pytest.mark.django_db


def form_data(loan, **overrides) -> dict:  # noqa: ANN001
    return {
        "loan": loan.application_id,
        "waiver_type": "interest",
        "certificate_type": "agri-debt-relief",
        "certificate_number": "MH/2024/004517",
        "amount": "20000",
        "percent": "",
        "document": SimpleUploadedFile("certificate.png", agri_scan(), "image/png"),
        **overrides,
    }


def test_a_waiver_needs_its_own_confirmation_and_nothing_is_stored_without_it(client):
    farmer = borrower(email="ramesh@example.com")
    loan = approved_loan(customer=farmer)
    login_verified(client, farmer)
    for_a_loan = passed_step_up(farmer, action=StepUp.Action.LOAN_APPLICATION)

    page = client.get("/waivers/new/").content.decode()
    missing = client.post("/waivers/new/", form_data(loan))
    borrowed = client.post("/waivers/new/", form_data(loan, step_up_id=str(for_a_loan.pk)))

    assert "<legend>Confirm it's you</legend>" in page and 'data-action="WAIVER_REQUEST"' in page
    for response in (missing, borrowed):
        assert response.status_code == 200
        assert "Confirm it&#x27;s you with your face or a code first." in response.content.decode()
    assert not WaiverRequest.objects.exists()

    own = passed_step_up(farmer, action=StepUp.Action.WAIVER_REQUEST)
    response = client.post("/waivers/new/", form_data(loan, step_up_id=str(own.pk)))
    waiver = WaiverRequest.objects.get()
    assert response.status_code == 302
    assert waiver.events.get(type="SUBMITTED").data["step_up"] == {
        "id": str(own.pk),
        "method": "FACE",
    }
    own.refresh_from_db()
    for_a_loan.refresh_from_db()
    assert (own.status, for_a_loan.status) == ("USED", "PASSED")
