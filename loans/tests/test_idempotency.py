"""``Idempotency-Key`` on the loan API (issue 10): a retried application or staff decision
replays the first answer and creates nothing more; a reused key with another body is a 422."""

import pytest

from accounts.tests.auth import api_client_for
from loans.models import LoanApplication, LoanApplicationEvent

from .factories import default_product, integrator, seed_body, staff_member, submit

pytestmark = pytest.mark.django_db
URL = "/api/v1/loan-applications/"


def test_a_retried_application_replays_the_first_answer_and_creates_one():
    default_product()
    client = api_client_for(integrator())
    headers = {"Idempotency-Key": "loan-retry-1"}

    first = client.post(URL, seed_body(), format="json", headers=headers)
    again = client.post(URL, seed_body(), format="json", headers=headers)

    assert first.status_code == 201
    assert again.status_code == 201 and again.content == first.content
    assert LoanApplication.objects.count() == 1


def test_a_reused_key_with_another_application_answers_422():
    default_product()
    client = api_client_for(integrator())
    headers = {"Idempotency-Key": "loan-retry-2"}
    client.post(URL, seed_body(), format="json", headers=headers)

    response = client.post(URL, seed_body(loan_amount=90000), format="json", headers=headers)

    assert response.status_code == 422
    assert response.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert LoanApplication.objects.count() == 1


def test_a_retried_approval_replays_the_decision_once():
    default_product()
    application = submit(country="Kenya", phone="+254712345678")
    LoanApplication.objects.filter(pk=application.pk).update(status="REVIEW")
    client = api_client_for(staff_member())
    url = f"{URL}{application.application_id}/approve/"
    headers = {"Idempotency-Key": "approve-1"}

    first = client.post(url, {"note": "Cleared"}, format="json", headers=headers)
    again = client.post(url, {"note": "Cleared"}, format="json", headers=headers)
    without_key = client.post(url, {"note": "Cleared"}, format="json")

    assert first.status_code == 200 and first.json()["message"] == "Application approved"
    assert again.status_code == 200 and again.content == first.content
    assert without_key.status_code == 409
    approvals = application.events.filter(type=LoanApplicationEvent.Type.APPROVED)
    assert approvals.count() == 1
