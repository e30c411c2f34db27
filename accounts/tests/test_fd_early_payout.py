"""A fixed deposit paid out before maturity by its customer (issue 14: a critical action behind
the face step-up): the quote, the postings, the closure, and nothing without a confirmation."""

from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.models import AccountType, BankAccount, StepUp
from accounts.selectors.early_payout import fd_early_payout_quote
from accounts.services.early_payout import fd_early_payout
from accounts.tests.auth import login_verified
from accounts.tests.banking_factories import FixedDepositRateFactory, open_account
from accounts.tests.step_up_factories import customer_with_kyc_face, passed_step_up
from smartbank.errors import ApplicationError

pytestmark = pytest.mark.django_db
PAYOUT = StepUp.Action.FD_EARLY_PAYOUT


@pytest.fixture
def customer():
    return customer_with_kyc_face(email="kalpana@example.com")


def deposit_held(customer, *, months: int, days: int = 3) -> BankAccount:  # noqa: ANN001
    """₹1,00,000.00 for 12 months at 7.00 % p.a., opened ``months`` months and ``days`` ago."""
    FixedDepositRateFactory()
    deposit = open_account(
        user=customer,
        account_type=AccountType.FIXED_DEPOSIT,
        fd_amount=Decimal("100000.00"),
        fd_tenure_months=12,
    )
    opened = timezone.now() - relativedelta(months=months, days=days)
    BankAccount.objects.filter(pk=deposit.pk).update(opened_at=opened)
    deposit.refresh_from_db()
    return deposit


def test_paying_out_early_credits_the_lower_rates_interest_and_closes_the_deposit(customer):
    # Given a deposit held 6 whole months and a savings account (₹1,000.00 opening deposit)
    deposit = deposit_held(customer, months=6)
    savings = open_account(user=customer)

    # Then the quote is 6 months at 7.00 - 1.00 = 6.00 %: 1,00,000 x 1.015^2 = 1,03,022.50
    quote = fd_early_payout_quote(account=deposit)
    assert (quote.months_held, quote.rate_percent) == (6, Decimal("6.00"))
    assert (quote.interest, quote.amount) == (Decimal("3022.50"), Decimal("103022.50"))

    # When she pays it out, confirmed by a step-up
    step_up = passed_step_up(customer, action=PAYOUT)
    closed = fd_early_payout(
        bank_account_id=deposit.pk,
        customer=customer,
        to_bank_account_id=savings.pk,
        step_up_id=step_up.pk,
    )

    # Then the deposit is emptied and closed, the savings account credited, once
    savings.refresh_from_db()
    assert (closed.status, closed.balance) == ("CLOSED", Decimal("0.00"))
    assert savings.balance == Decimal("104022.50")
    assert list(deposit.entries.values_list("entry_type", "amount", "reference")) == [
        ("CREDIT", Decimal("100000.00"), "OPENING"),
        ("DEBIT", Decimal("100000.00"), "EARLY-PAYOUT"),
    ]
    credit = savings.entries.get(reference=f"FD-PAYOUT-{deposit.number}")
    assert credit.amount == Decimal("103022.50")
    assert credit.narration == f"Early payout of fixed deposit {deposit.number_masked}"
    event = closed.events.get(type="CLOSED")
    assert event.actor == customer
    assert event.data["early_payout"] == {
        "principal": "100000.00",
        "months_held": 6,
        "rate_percent": "6.00",
        "interest": "3022.50",
        "amount": "103022.50",
        "to_account": savings.number_masked,
        "step_up": {"id": str(step_up.pk), "method": "FACE"},
    }
    step_up.refresh_from_db()
    assert step_up.status == "USED"


def test_without_a_confirmation_or_to_another_customers_account_nothing_moves(customer):
    deposit = deposit_held(customer, months=6)
    savings = open_account(user=customer)
    someone_else = open_account(user=customer_with_kyc_face(face=None))
    loan_confirmation = passed_step_up(customer, action=StepUp.Action.LOAN_APPLICATION)

    refusals = [
        ({"to_bank_account_id": savings.pk, "step_up_id": None}, "STEP_UP_REQUIRED"),
        (
            {"to_bank_account_id": savings.pk, "step_up_id": loan_confirmation.pk},
            "STEP_UP_REQUIRED",
        ),
        (
            {
                "to_bank_account_id": someone_else.pk,
                "step_up_id": passed_step_up(customer, action=PAYOUT).pk,
            },
            "PAYOUT_ACCOUNT_INVALID",
        ),
        ({"to_bank_account_id": deposit.pk, "step_up_id": None}, "PAYOUT_ACCOUNT_INVALID"),
    ]
    for kwargs, code in refusals:
        with pytest.raises(ApplicationError) as refused:
            fd_early_payout(bank_account_id=deposit.pk, customer=customer, **kwargs)
        assert refused.value.code == code

    deposit.refresh_from_db()
    savings.refresh_from_db()
    assert (deposit.status, deposit.balance, savings.balance) == (
        "ACTIVE",
        Decimal("100000.00"),
        Decimal("1000.00"),
    )
    assert not StepUp.objects.filter(status="USED").exists()


def test_a_matured_deposit_or_a_savings_account_has_no_early_payout(customer):
    matured = deposit_held(customer, months=12)
    savings = open_account(user=customer)
    assert fd_early_payout_quote(account=matured) is None
    assert fd_early_payout_quote(account=savings) is None
    with pytest.raises(ApplicationError) as refused:
        fd_early_payout(
            bank_account_id=matured.pk,
            customer=customer,
            to_bank_account_id=savings.pk,
            step_up_id=passed_step_up(customer, action=PAYOUT).pk,
        )
    assert refused.value.code == "FD_NOT_PAYABLE"


def test_the_customer_pays_out_from_the_deposits_page_after_confirming_it_is_her(client, customer):
    deposit = deposit_held(customer, months=6)
    savings = open_account(user=customer)
    login_verified(client, customer)

    # Given her deposit's page, which offers the early payout and what it pays today
    statement = client.get(f"/accounts/bank/{deposit.pk}/").content.decode()
    assert f'href="/accounts/bank/{deposit.pk}/early-payout/"' in statement
    assert "(today: ₹1,03,022.50)" in statement
    page = client.get(f"/accounts/bank/{deposit.pk}/early-payout/").content.decode()
    assert 'id="early-payout-amount">₹1,03,022.50<' in page
    assert "6.00% p.a. (instead of 7.00%)" in page and 'data-action="FD_EARLY_PAYOUT"' in page

    # When she sends it without confirming, nothing happens
    url = f"/accounts/bank/{deposit.pk}/early-payout/"
    refused = client.post(url, {"to_account": str(savings.pk)})
    assert "Confirm it&#x27;s you with your face or a code first." in refused.content.decode()
    deposit.refresh_from_db()
    assert deposit.status == "ACTIVE"

    # When she sends it with a passed step-up, the money is in her savings account
    step_up = passed_step_up(customer, action=PAYOUT)
    response = client.post(url, {"to_account": str(savings.pk), "step_up_id": str(step_up.pk)})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/bank/{savings.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert f"Your fixed deposit {deposit.number_masked} is closed; ₹1,03,022.50 was paid" in page
    deposit.refresh_from_db()
    assert deposit.status == "CLOSED"

    # And a closed deposit, or another customer's, has no payout page
    assert client.get(url).status_code == 404
    other = deposit_held(customer_with_kyc_face(face=None), months=3)
    assert client.get(f"/accounts/bank/{other.pk}/early-payout/").status_code == 404
