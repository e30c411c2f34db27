"""Every state of the customer's loan pages in plain words (issue 12): no rule codes, ratios,
screening terms or "score" on the list, the form, an application's page and its live fragment,
from submission to a paid EMI, through each kind of rejection and a staff decision
(:func:`smartbank.tests.wording.assert_plain_words`)."""

import uuid
from decimal import Decimal

import pytest

from accounts.models import LedgerEntry
from accounts.services import ledger_post
from accounts.tests.auth import login_verified
from accounts.tests.banking_factories import onboarded_customer, open_account
from kyc.models import KycCase
from loans.loan_accounts import loan_account_get
from loans.models import LoanApplication
from loans.services import (
    loan_application_approve,
    loan_application_reject,
    loan_application_submit,
    loan_repayment_pay,
)
from loans.tests.factories import default_product, staff_member
from smartbank.tests.wording import assert_plain_words

Status = LoanApplication.Status

#: name -> (overrides of the application, what happens after the checks, expected status)
CASES = {
    "approved": ({}, None, Status.APPROVED),
    "approved-and-paid": ({}, "pay", Status.APPROVED),
    "approved-with-waiver": ({}, "waiver", Status.APPROVED),
    "too-large-for-income": (
        {"loan_amount": Decimal("400000"), "income": Decimal("110000"), "debt": Decimal("0")},
        None,
        Status.REJECTED,
    ),
    "debt-rating-and-income": (
        {"income": Decimal("20000"), "debt": Decimal("15000"), "credit_score": 550,
         "loan_amount": Decimal("50000")},
        None,
        Status.REJECTED,
    ),
    "high-risk-country": ({"country": "IR"}, None, Status.REJECTED),
    "in-review": ({"loan_amount": Decimal("600000"), "income": Decimal("1500000")}, None,
                  Status.REVIEW),
    "first-of-two-approvals": (
        {"loan_amount": Decimal("600000"), "income": Decimal("1500000")}, "maker", Status.REVIEW
    ),
    "approved-by-staff": (
        {"loan_amount": Decimal("600000"), "income": Decimal("1500000")}, "approve",
        Status.APPROVED,
    ),
    "rejected-by-staff": (
        {"loan_amount": Decimal("600000"), "income": Decimal("1500000")}, "reject",
        Status.REJECTED,
    ),
    "identity-check-open": ({}, "kyc-open", Status.REVIEW),
}  # fmt: skip


@pytest.fixture
def product(db):
    return default_product()


def _apply(customer, product, capture, **overrides) -> LoanApplication:
    fields = {
        "loan_amount": Decimal("120000"),
        "tenure_months": 12,
        "loan_purpose": "Wedding",
        "income": Decimal("900000"),
        "debt": Decimal("60000"),
        "credit_score": 760,
        "country": "India",
        **overrides,
    }
    with capture(execute=True):
        application = loan_application_submit(
            submitted_by=customer, customer=customer, product=product, **fields
        )
    application.refresh_from_db()
    return application


def _after(step, application, customer, savings, capture):
    with capture(execute=True):
        if step in ("maker", "approve"):
            loan_application_approve(loan_application_id=application.pk, actor=staff_member())
        if step == "approve":
            loan_application_approve(loan_application_id=application.pk, actor=staff_member())
        if step == "reject":
            loan_application_reject(
                loan_application_id=application.pk,
                actor=staff_member(),
                reason="We could not confirm your employer.",
            )
        if step == "pay":
            loan_repayment_pay(
                loan_application_id=application.pk,
                customer=customer,
                bank_account_id=savings.pk,
                instalment=1,
                idempotency_key=uuid.uuid4(),
            )
        if step == "waiver":
            ledger_post(
                bank_account_id=loan_account_get(application=application).pk,
                entry_type=LedgerEntry.EntryType.DEBIT,
                amount=Decimal("20000.00"),
                narration="Interest relief scheme: certificate AB/2026/000123",
                reference=f"WAIVER-{uuid.uuid4()}",
            )
    application.refresh_from_db()


@pytest.mark.parametrize("case", list(CASES))
def test_every_loan_page_speaks_plain_language(
    client, product, case, django_capture_on_commit_callbacks
):
    overrides, step, status = CASES[case]
    customer = onboarded_customer(full_name="Kalpana Chawla")
    savings = open_account(user=customer)
    if step == "kyc-open":
        KycCase.objects.filter(user=customer).update(status="MANUAL_REVIEW")
    application = _apply(customer, product, django_capture_on_commit_callbacks, **overrides)
    _after(step, application, customer, savings, django_capture_on_commit_callbacks)
    assert application.status == status, application.final_remarks
    login_verified(client, customer)

    for url in (
        f"/loans/{application.application_id}/",
        f"/loans/{application.application_id}/status/",
        "/loans/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_plain_words(response, context=f"{case} {url}")


def test_the_form_its_errors_and_the_empty_list_speak_plain_language(client, product):
    customer = onboarded_customer()
    login_verified(client, customer)
    assert_plain_words(client.get("/loans/"), context="empty list")
    assert_plain_words(client.get("/loans/apply/"), context="form")
    response = client.post("/loans/apply/", {"product": product.pk, "loan_amount": "abc"})
    assert_plain_words(response, context="form with errors")


def test_a_failed_payment_speaks_plain_language(
    client, product, django_capture_on_commit_callbacks
):
    customer = onboarded_customer()
    savings = open_account(user=customer)
    application = _apply(customer, product, django_capture_on_commit_callbacks)
    savings.refresh_from_db()
    ledger_post(
        bank_account_id=savings.pk,
        entry_type=LedgerEntry.EntryType.DEBIT,
        amount=savings.balance - Decimal("10.00"),
        narration="Rent",
    )
    login_verified(client, customer)
    response = client.post(
        f"/loans/{application.application_id}/pay/",
        {"instalment": 1, "bank_account": savings.pk, "idempotency_key": str(uuid.uuid4())},
    )
    assert response.status_code == 400
    text = assert_plain_words(response, context="pay error")
    assert "less than the" in text
