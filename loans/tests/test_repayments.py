"""Loan servicing a customer expects (issue 12): the schedule with due dates, "Pay EMI" from the
savings account through the ledger, a double click paying once, a clear error when the balance
is too low, a waiver shown on the schedule, and nobody else's loan."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import AccountType, BankAccount, LedgerEntry
from accounts.selectors import bank_account_ledger_balance
from accounts.services import ledger_post
from accounts.tests.auth import login_verified
from accounts.tests.banking_factories import onboarded_customer, open_account
from loans import emi
from loans.loan_accounts import (
    InstalmentState,
    instalment_due_date,
    loan_account_get,
)
from loans.models import LoanApplication, LoanApplicationEvent, LoanRepayment
from loans.services import loan_application_submit, loan_repayment_pay
from loans.tests.factories import default_product
from smartbank.errors import ConflictError, NotAllowed
from smartbank.money import format_inr

AMOUNT, TENURE, RATE = Decimal("120000"), 12, Decimal("10.50")


@pytest.fixture
def product(db):
    return default_product()  # Personal loan, 10.50 % p.a.


@pytest.fixture
def borrower(db):
    return onboarded_customer(full_name="Kalpana Chawla", email="kalpana@example.com")


@pytest.fixture
def savings(borrower):
    return open_account(user=borrower)  # ACTIVE, ₹1,000 opening deposit


def approve_loan(customer, product, capture, **overrides) -> LoanApplication:
    """Submit through the service and run the checks after commit: approved automatically
    (within every rule, below the high-value amount) and disbursed to the savings account."""
    fields = {
        "loan_amount": AMOUNT,
        "tenure_months": TENURE,
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
    assert application.status == LoanApplication.Status.APPROVED, application.final_remarks
    return application


def pay_form(client, application, *, account, key=None, instalment=1):
    return client.post(
        f"/loans/{application.application_id}/pay/",
        {
            "instalment": instalment,
            "bank_account": account.pk,
            "idempotency_key": str(key or uuid.uuid4()),
        },
    )


def test_the_schedule_has_due_dates_a_month_apart_from_the_disbursement(
    client, borrower, product, savings, django_capture_on_commit_callbacks
):
    application = approve_loan(borrower, product, django_capture_on_commit_callbacks)
    login_verified(client, borrower)

    page = client.get(f"/loans/{application.application_id}/")
    schedule = page.context["schedule"]
    start = timezone.localdate(application.disbursed_at)
    assert [r.due_date for r in schedule.rows] == [
        instalment_due_date(start=start, instalment=n) for n in range(1, TENURE + 1)
    ]
    assert schedule.rows[0].due_date.month == (start.month % 12) + 1
    html = page.content.decode()
    first_due = schedule.rows[0].due_date
    assert f"{first_due.day} {first_due:%b %Y}" in html
    assert schedule.next_due.instalment == 1
    assert 'id="pay-emi"' in html


def test_due_dates_keep_to_the_end_of_short_months():
    start = datetime.date(2026, 1, 31)
    assert [instalment_due_date(start=start, instalment=n) for n in (1, 2, 13)] == [
        datetime.date(2026, 2, 28),
        datetime.date(2026, 3, 31),
        datetime.date(2027, 2, 28),
    ]


def test_paying_an_emi_moves_it_through_the_ledger_and_marks_the_instalment_paid(
    client, borrower, product, savings, django_capture_on_commit_callbacks
):
    # Given an approved loan disbursed to her savings account
    application = approve_loan(borrower, product, django_capture_on_commit_callbacks)
    savings.refresh_from_db()
    loan_account = loan_account_get(application=application)
    instalment = emi.emi(principal=AMOUNT, annual_rate_percent=RATE, tenure_months=TENURE)
    balance_before, owed_before = savings.balance, loan_account.balance
    login_verified(client, borrower)

    # When she pays the first EMI from it
    response = pay_form(client, application, account=savings)

    # Then the money left her account and what she owes fell by the same amount
    assert response.status_code == 302
    assert response["Location"] == f"/loans/{application.application_id}/#repayment"
    savings.refresh_from_db()
    loan_account.refresh_from_db()
    assert savings.balance == balance_before - instalment
    assert loan_account.balance == owed_before - instalment
    assert savings.balance == bank_account_ledger_balance(account=savings)
    reference = f"{application.application_id}-EMI-001"
    assert LedgerEntry.objects.filter(reference=reference).count() == 2
    repayment = LoanRepayment.objects.get(application=application)
    assert (repayment.instalment, repayment.amount) == (1, instalment)
    event = application.events.get(type=LoanApplicationEvent.Type.EMI_PAID)
    assert event.actor == borrower
    assert event.data["amount"] == str(instalment)

    # And her page shows the instalment paid, the next one due and the balance owed
    page = client.get(response["Location"])
    html = page.content.decode()
    assert f"Instalment 1 is paid: {format_inr(instalment)}" in html
    rows = page.context["schedule"].rows
    assert rows[0].state == InstalmentState.PAID and rows[1].state == InstalmentState.DUE
    assert format_inr(loan_account.balance) in html
    assert "1 of 12 instalments" in html
    assert "Pay instalment 2" in html


def test_the_same_form_sent_twice_pays_once(
    client, borrower, product, savings, django_capture_on_commit_callbacks
):
    application = approve_loan(borrower, product, django_capture_on_commit_callbacks)
    login_verified(client, borrower)
    key = uuid.uuid4()

    first = pay_form(client, application, account=savings, key=key)
    savings.refresh_from_db()
    after_first = savings.balance
    second = pay_form(client, application, account=savings, key=key)  # the double click

    assert first.status_code == second.status_code == 302
    savings.refresh_from_db()
    assert savings.balance == after_first
    assert LoanRepayment.objects.filter(application=application).count() == 1
    html = client.get(second["Location"]).content.decode()
    assert "was already paid with this form; nothing more was taken" in html


def test_a_balance_too_low_is_a_clear_form_error(
    client, borrower, product, savings, django_capture_on_commit_callbacks
):
    # Given her savings spent down to ₹500 after the disbursement
    application = approve_loan(borrower, product, django_capture_on_commit_callbacks)
    savings.refresh_from_db()
    ledger_post(
        bank_account_id=savings.pk,
        entry_type=LedgerEntry.EntryType.DEBIT,
        amount=savings.balance - Decimal("500.00"),
        narration="Car purchase",
    )
    login_verified(client, borrower)

    response = pay_form(client, application, account=savings)

    assert response.status_code == 400
    html = response.content.decode()
    due = format_inr(response.context["schedule"].next_due.amount_due)
    assert f"has ₹500.00, less than the {due} due" in html
    assert "Add money to it or choose another account." in html
    savings.refresh_from_db()
    assert savings.balance == Decimal("500.00")
    assert not LoanRepayment.objects.exists()


def test_an_instalment_already_paid_is_refused_by_the_service(
    borrower, product, savings, django_capture_on_commit_callbacks
):
    application = approve_loan(borrower, product, django_capture_on_commit_callbacks)
    pay = {"loan_application_id": application.pk, "customer": borrower, "instalment": 1}
    loan_repayment_pay(bank_account_id=savings.pk, idempotency_key=uuid.uuid4(), **pay)
    with pytest.raises(ConflictError) as exc:
        loan_repayment_pay(bank_account_id=savings.pk, idempotency_key=uuid.uuid4(), **pay)
    assert exc.value.code == "ALREADY_PAID"
    with pytest.raises(ConflictError) as exc:
        loan_repayment_pay(
            bank_account_id=savings.pk, idempotency_key=uuid.uuid4(), **{**pay, "instalment": 3}
        )
    assert exc.value.code == "NOT_NEXT"
    with pytest.raises(NotAllowed):
        loan_repayment_pay(
            bank_account_id=savings.pk,
            idempotency_key=uuid.uuid4(),
            **{**pay, "customer": onboarded_customer(), "instalment": 2},
        )


def test_another_customers_loan_is_404(
    client, borrower, product, savings, django_capture_on_commit_callbacks
):
    application = approve_loan(borrower, product, django_capture_on_commit_callbacks)
    intruder = onboarded_customer()
    their_savings = open_account(user=intruder)
    login_verified(client, intruder)

    assert client.get(f"/loans/{application.application_id}/status/").status_code == 404
    assert pay_form(client, application, account=their_savings).status_code == 404
    assert pay_form(client, application, account=savings).status_code == 404
    assert not LoanRepayment.objects.exists()


def test_paying_from_someone_elses_account_is_refused(
    client, borrower, product, savings, django_capture_on_commit_callbacks
):
    application = approve_loan(borrower, product, django_capture_on_commit_callbacks)
    other = open_account(user=onboarded_customer())
    login_verified(client, borrower)

    response = pay_form(client, application, account=other)

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not LoanRepayment.objects.exists()


def test_an_approved_waiver_shows_on_the_schedule(
    client, borrower, product, savings, django_capture_on_commit_callbacks
):
    # Given a waiver of ₹15,000 approved on the loan: waivers post it as a DEBIT with the
    # reference WAIVER-<id> to the loan's LOAN account (waivers.services.decisions)
    application = approve_loan(borrower, product, django_capture_on_commit_callbacks)
    loan_account = loan_account_get(application=application)
    ledger_post(
        bank_account_id=loan_account.pk,
        entry_type=LedgerEntry.EntryType.DEBIT,
        amount=Decimal("15000.00"),
        narration="Interest relief scheme: certificate AB/2026/000123",
        reference=f"WAIVER-{uuid.uuid4()}",
    )
    instalment = emi.emi(principal=AMOUNT, annual_rate_percent=RATE, tenure_months=TENURE)
    login_verified(client, borrower)

    page = client.get(f"/loans/{application.application_id}/")

    # Then the last instalment is covered, the one before reduced, and the page says so
    schedule = page.context["schedule"]
    loan_account.refresh_from_db()
    assert schedule.waived_total == Decimal("15000.00")
    assert schedule.outstanding == loan_account.balance
    assert sum(r.amount_due for r in schedule.rows) == schedule.outstanding
    assert schedule.rows[-1].state == InstalmentState.WAIVED
    assert schedule.rows[-2].state == InstalmentState.REDUCED
    assert schedule.rows[0].amount_due == instalment
    html = page.content.decode()
    assert "Covered by your waiver" in html and "Reduced by your waiver" in html
    assert "₹15,000.00" in html and "Interest relief scheme" in html


def test_the_pay_form_needs_an_active_account(
    client, borrower, product, django_capture_on_commit_callbacks
):
    # Given an approved loan but no account yet (nothing disbursed)
    application = approve_loan(borrower, product, django_capture_on_commit_callbacks)
    assert not BankAccount.objects.filter(user=borrower, account_type=AccountType.SAVINGS)
    login_verified(client, borrower)

    html = client.get(f"/loans/{application.application_id}/").content.decode()

    assert "You need an active savings or current account to pay from." in html
    assert "Not disbursed yet" in html
