"""LOAN accounts (issue #5): opened once by the system, never requested by customers; their
balance is what the borrower owes and a DEBIT (waiver, repayment) reduces it."""

from decimal import Decimal

import pytest

from accounts.forms_banking import BankAccountRequestForm
from accounts.models import AccountEvent, AccountType, BankAccount, LedgerEntry
from accounts.services import bank_account_request, ledger_post, loan_account_open
from accounts.tests.auth import api_client_for
from accounts.tests.banking_factories import onboarded_customer
from accounts.tests.factories import UserFactory
from smartbank.errors import ApplicationError

pytestmark = pytest.mark.django_db

REFERENCE = "LOAN-20261122-AB12CD34-LOAN"


def test_the_loan_account_opens_active_with_what_is_owed_once():
    user = UserFactory()

    account = loan_account_open(
        user=user, amount_owed=Decimal("278256.23"), narration="Loan principal", reference=REFERENCE
    )
    again = loan_account_open(
        user=user, amount_owed=Decimal("999.00"), narration="Loan principal", reference=REFERENCE
    )

    assert again.pk == account.pk
    assert (account.account_type, account.status, account.balance) == (
        AccountType.LOAN,
        BankAccount.Status.ACTIVE,
        Decimal("278256.23"),
    )
    assert account.opened_at is not None and len(account.number) == 15
    assert list(account.entries.values_list("entry_type", "amount", "reference")) == [
        ("CREDIT", Decimal("278256.23"), REFERENCE)
    ]
    event = AccountEvent.objects.get(account=account)
    assert event.type == AccountEvent.Type.OPENED and event.actor is None
    assert event.data == {"to": "ACTIVE", "amount_owed": "278256.23", "reference": REFERENCE}


def test_a_debit_reduces_what_is_owed_and_never_below_zero():
    account = loan_account_open(
        user=UserFactory(), amount_owed=Decimal("1000.00"), narration="Loan", reference=REFERENCE
    )

    ledger_post(
        bank_account_id=account.pk,
        entry_type=LedgerEntry.EntryType.DEBIT,
        amount=Decimal("400.00"),
        narration="Waiver",
        reference="WAIVER-1",
    )
    with pytest.raises(ApplicationError) as caught:
        ledger_post(
            bank_account_id=account.pk,
            entry_type=LedgerEntry.EntryType.DEBIT,
            amount=Decimal("600.01"),
            narration="Waiver",
            reference="WAIVER-2",
        )

    account.refresh_from_db()
    assert account.balance == Decimal("600.00")
    assert caught.value.code == "INSUFFICIENT_FUNDS"


def test_customers_cannot_ask_for_a_loan_account():
    customer = onboarded_customer()

    with pytest.raises(ApplicationError) as caught:
        bank_account_request(user=customer, account_type="LOAN")
    response = api_client_for(customer).post(
        "/api/v1/accounts/", {"account_type": "LOAN"}, format="json"
    )

    assert (caught.value.code, caught.value.field) == ("invalid_choice", "account_type")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["account_type"]
    assert [value for value, _ in BankAccountRequestForm().fields["account_type"].choices] == [
        "SAVINGS",
        "CURRENT",
        "FIXED_DEPOSIT",
    ]
    assert not BankAccount.objects.exists()


def test_the_customer_sees_the_loan_account_as_what_is_still_owed(client):
    from accounts.tests.auth import login_verified

    customer = onboarded_customer()
    account = loan_account_open(
        user=customer, amount_owed=Decimal("278256.23"), narration="Loan", reference=REFERENCE
    )
    login_verified(client, customer)

    listing = client.get("/accounts/bank/").content.decode()
    statement = client.get(f"/accounts/bank/{account.pk}/").content.decode()

    assert 'Loan<br><span class="muted">The balance is what you still owe</span>' in listing
    assert 'Still owed <strong id="account-balance">₹2,78,256.23</strong>' in statement
