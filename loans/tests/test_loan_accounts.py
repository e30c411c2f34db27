"""The LOAN account of an approved loan (issue #5): opened once with principal plus scheduled
interest, found by its ledger reference, its balance what is still owed."""

from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import AccountType, BankAccount, LedgerEntry
from accounts.services import ledger_post
from accounts.tests.factories import CustomerProfileFactory, UserFactory
from loans.loan_accounts import (
    loan_account_ensure,
    loan_account_get,
    loan_outstanding,
    loan_total_repayable,
)
from loans.models import LoanApplication, StageStatus
from loans.services import application_id_generate
from loans.tests.factories import default_product

pytestmark = pytest.mark.django_db


def approved_loan(
    *,
    customer,
    loan_amount: Decimal = Decimal("250000.00"),
    tenure_months: int = 24,
    status: str = LoanApplication.Status.APPROVED,
) -> LoanApplication:
    """An application decided as ``status`` (all stages approved), made with the ORM: the
    pipeline and the staff decision are not under test here."""
    approved = status == LoanApplication.Status.APPROVED
    return LoanApplication.objects.create(
        application_id=application_id_generate(),
        customer=customer,
        product=default_product(),  # personal loan, 10.50 % p.a.
        status=status,
        name=customer.full_name,
        email=customer.email,
        phone="+919876543210",
        region="ASIA",
        country="India",
        country_code="IN",
        income=Decimal("900000.00"),
        debt=Decimal("0.00"),
        credit_score=760,
        loan_amount=loan_amount,
        loan_purpose="Crop loan",
        tenure_months=tenure_months,
        final_status=StageStatus.APPROVED if approved else StageStatus.PENDING,
    )


@pytest.fixture
def customer():
    return CustomerProfileFactory(user=UserFactory(full_name="Ramesh Patil")).user


def test_an_approved_loan_gets_one_loan_account_with_principal_and_interest(customer):
    loan = approved_loan(customer=customer, loan_amount=Decimal("250000.00"), tenure_months=24)

    account = loan_account_ensure(application=loan)
    again = loan_account_ensure(application=loan)

    assert again.pk == account.pk
    assert loan_total_repayable(application=loan) == Decimal("278256.23")  # 10.50 % p.a.
    assert (account.user, account.account_type, account.balance) == (
        customer,
        AccountType.LOAN,
        Decimal("278256.23"),
    )
    entry = account.entries.get()
    assert entry.reference == f"{loan.application_id}-LOAN"
    assert entry.narration == f"Loan {loan.application_id}: principal and scheduled interest"
    assert loan_account_get(application=loan) == account


def test_what_is_owed_follows_the_ledger(customer):
    loan = approved_loan(customer=customer)
    assert loan_outstanding(application=loan) == Decimal("278256.23")  # before the account

    account = loan_account_ensure(application=loan)
    ledger_post(
        bank_account_id=account.pk,
        entry_type=LedgerEntry.EntryType.DEBIT,
        amount=Decimal("11594.01"),
        narration="EMI 1",
        reference="EMI-1",
    )

    assert loan_outstanding(application=loan) == Decimal("266662.22")


def test_loans_not_approved_or_without_a_customer_get_no_account(customer):
    in_review = approved_loan(customer=customer, status=LoanApplication.Status.REVIEW)
    integrators = approved_loan(customer=customer)
    integrators.customer = None
    integrators.save(update_fields=["customer"])

    assert loan_account_ensure(application=in_review) is None
    assert loan_account_ensure(application=integrators) is None
    assert loan_outstanding(application=in_review) == Decimal("0.00")
    assert not BankAccount.objects.filter(account_type=AccountType.LOAN).exists()


def test_two_loans_of_one_customer_get_two_accounts(customer):
    first = loan_account_ensure(application=approved_loan(customer=customer))
    second = loan_account_ensure(
        application=approved_loan(customer=customer, loan_amount=Decimal("50000.00"))
    )

    assert first.pk != second.pk
    assert BankAccount.objects.filter(user=customer, account_type=AccountType.LOAN).count() == 2


@pytest.mark.django_db
def test_final_approval_opens_the_loan_account_with_the_total_repayable(
    django_capture_on_commit_callbacks,
):
    """An approved customer's loan is owed in a LOAN account from the moment of approval."""
    from accounts.tests.factories import CustomerProfileFactory
    from kyc.tests.factories import KycCaseFactory
    from loans.loan_accounts import loan_account_get, loan_total_repayable
    from loans.services import loan_application_submit

    now = timezone.now()
    user = CustomerProfileFactory(email_verified_at=now, phone_verified_at=now).user
    KycCaseFactory(user=user, status="VERIFIED")
    with django_capture_on_commit_callbacks(execute=True):
        application = loan_application_submit(
            submitted_by=user,
            customer=user,
            income=Decimal("85000"),
            debt=Decimal("25000"),
            credit_score=720,
            loan_amount=Decimal("250000"),
            loan_purpose="Home Purchase",
            region="APAC",
            country="India",
        )
    application.refresh_from_db()
    assert application.final_status == "APPROVED"
    account = loan_account_get(application=application)
    assert account is not None and account.account_type == "LOAN"
    assert account.balance == loan_total_repayable(application=application)
