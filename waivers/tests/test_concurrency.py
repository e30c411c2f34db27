"""Two staff clicking at once: one approval, one clear error, one ledger posting."""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections

from accounts.models import BankAccount, LedgerEntry
from loans.loan_accounts import loan_account_ensure, loan_outstanding
from smartbank.errors import ApplicationError
from waivers.models import WaiverRequest
from waivers.services import waiver_request_approve
from waivers.tests.factories import approved_loan, borrower, waiver_in_review, waiver_officer

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*calls):
    """Run each call in its own thread (own database connection), released at once; returns
    what each returned or raised, in order."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome under test
            results[index] = exc
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_officers_approving_at_once_yield_one_approval_and_one_debit():
    customer = borrower()
    loan = approved_loan(customer=customer)
    waiver = waiver_in_review(customer=customer, loan=loan, amount=Decimal("25000.00"))
    first, second = waiver_officer(), waiver_officer()

    results = run_together(
        lambda: waiver_request_approve(waiver_request_id=waiver.pk, actor=first),
        lambda: waiver_request_approve(waiver_request_id=waiver.pk, actor=second),
    )

    approved = [r for r in results if isinstance(r, WaiverRequest)]
    errors = [r for r in results if isinstance(r, ApplicationError)]
    assert len(approved) == 1, results
    assert [e.code for e in errors] == ["INVALID_TRANSITION"]
    assert LedgerEntry.objects.filter(reference=f"WAIVER-{waiver.pk}").count() == 1
    assert loan_outstanding(application=loan) == Decimal("253256.23")
    waiver.refresh_from_db()
    assert waiver.status == WaiverRequest.Status.APPROVED
    assert waiver.events.filter(type="APPROVED").count() == 1


def test_two_waivers_of_one_loan_approved_at_once_never_take_more_than_is_owed():
    customer = borrower()
    loan = approved_loan(customer=customer)
    one = waiver_in_review(
        customer=customer, loan=loan, amount=Decimal("90000.00"), waiver="relief-full"
    )
    two = waiver_in_review(
        customer=customer,
        loan=loan,
        amount=Decimal("190000.00"),
        waiver="relief-full",
        number="MH/2024/000888",
    )
    # two approvals each above the four-eyes amount: the makers first
    maker, checker = waiver_officer(), waiver_officer()
    waiver_request_approve(waiver_request_id=two.pk, actor=maker)

    results = run_together(
        lambda: waiver_request_approve(waiver_request_id=one.pk, actor=checker),
        lambda: waiver_request_approve(waiver_request_id=two.pk, actor=checker),
    )

    codes = sorted(getattr(r, "code", "APPROVED") for r in results)
    assert codes == ["APPROVED", "WAIVER_EXCEEDS_OUTSTANDING"], results
    account = BankAccount.objects.get(account_type="LOAN", user=customer)
    assert account.balance >= 0
    assert account.balance in (Decimal("188256.23"), Decimal("88256.23"))


def test_opening_the_loan_account_from_two_requests_at_once_opens_one():
    customer = borrower()
    loan = approved_loan(customer=customer)

    results = run_together(
        lambda: loan_account_ensure(application=loan), lambda: loan_account_ensure(application=loan)
    )

    assert results[0].pk == results[1].pk, results
    assert BankAccount.objects.filter(user=customer, account_type="LOAN").count() == 1
    assert LedgerEntry.objects.filter(reference=f"{loan.application_id}-LOAN").count() == 1


def test_one_certificate_behind_two_waivers_approved_at_once_backs_only_one():
    # Given two customers' waivers on the same certificate number, both awaiting a decision
    # (made directly: the verification would have rejected the later one)
    waivers = []
    for _ in range(2):
        customer = borrower()
        waivers.append(
            waiver_in_review(
                customer=customer, loan=approved_loan(customer=customer), amount=Decimal("5000.00")
            )
        )
    first, second = waiver_officer(), waiver_officer()

    results = run_together(
        lambda: waiver_request_approve(waiver_request_id=waivers[0].pk, actor=first),
        lambda: waiver_request_approve(waiver_request_id=waivers[1].pk, actor=second),
    )

    codes = sorted(getattr(r, "code", "APPROVED") for r in results)
    assert codes == ["APPROVED", "CERTIFICATE_ALREADY_USED"], results
    assert WaiverRequest.objects.filter(status="APPROVED").count() == 1
    assert LedgerEntry.objects.filter(reference__startswith="WAIVER-").count() == 1
