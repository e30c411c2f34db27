"""Two payments of one instalment at once, on real PostgreSQL (issue 12): the application row
lock lets one through; the other pays nothing."""

import uuid
from decimal import Decimal

import pytest

from accounts.models import LedgerEntry
from accounts.tests.banking_factories import onboarded_customer, open_account
from loans.models import LoanApplication, LoanRepayment
from loans.services import loan_application_submit, loan_repayment_pay
from smartbank.errors import ConflictError
from smartbank.tests.threads import run_in_threads

from .factories import default_product

pytestmark = pytest.mark.django_db(transaction=True)


def approved_loan():
    """An approved loan disbursed to the customer's savings account (the checks run after the
    submission commits: Celery is eager in tests)."""
    product = default_product()
    customer = onboarded_customer()
    savings = open_account(user=customer)
    application = loan_application_submit(
        submitted_by=customer,
        customer=customer,
        product=product,
        loan_amount=Decimal("120000"),
        tenure_months=12,
        loan_purpose="Wedding",
        income=Decimal("900000"),
        debt=Decimal("60000"),
        credit_score=760,
        country="India",
    )
    application.refresh_from_db()
    assert application.status == LoanApplication.Status.APPROVED, application.final_remarks
    return application, customer, savings


@pytest.mark.parametrize("same_key", [False, True], ids=["two-tabs", "double-click"])
def test_two_payments_of_one_instalment_at_once_pay_it_once(same_key):
    application, customer, savings = approved_loan()
    savings.refresh_from_db()
    before = savings.balance
    keys = [uuid.uuid4()] * 2 if same_key else [uuid.uuid4(), uuid.uuid4()]
    results: list[str] = []

    def pay(key):
        try:
            result = loan_repayment_pay(
                loan_application_id=application.pk,
                customer=customer,
                bank_account_id=savings.pk,
                instalment=1,
                idempotency_key=key,
            )
            results.append("paid" if result.created else "replayed")
        except ConflictError as exc:
            results.append(exc.code)

    run_in_threads(pay, [(k,) for k in keys])

    assert sorted(results) == (["paid", "replayed"] if same_key else ["ALREADY_PAID", "paid"])
    repayment = LoanRepayment.objects.get(application=application)
    savings.refresh_from_db()
    assert savings.balance == before - repayment.amount
    assert (
        LedgerEntry.objects.filter(account=savings, entry_type="DEBIT").count() == 1
    )  # one EMI debit, nothing else
