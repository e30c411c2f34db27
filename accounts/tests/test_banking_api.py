"""The bank account API: list, request, detail, statement; refusals and IDOR attempts."""

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AccountType, BankAccount, LedgerEntry
from accounts.services import bank_account_request, ledger_post
from accounts.tests.auth import api_client_for
from accounts.tests.banking_factories import (
    FixedDepositRateFactory,
    local_datetime,
    onboarded_customer,
    open_account,
)
from accounts.tests.factories import CustomerProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def iso(value: datetime.datetime) -> str:
    """A datetime as DRF renders it (local time zone, ISO 8601)."""
    return timezone.localtime(value).isoformat()


def test_list_shows_only_the_callers_accounts_with_balances_as_strings(reviewer):
    user = onboarded_customer()
    account = open_account(user=user, reviewer=reviewer)
    open_account(reviewer=reviewer)  # someone else's

    response = api_client_for(user).get("/api/v1/accounts/")

    assert response.status_code == 200
    account.refresh_from_db()
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "accounts": [
            {
                "number": account.number,
                "account_type": "SAVINGS",
                "status": "ACTIVE",
                "balance": "1000.00",
                "currency": "INR",
                "requested_at": iso(account.created_at),
                "opened_at": iso(account.opened_at),
                "rejection_reason": "",
                "fixed_deposit": None,
            }
        ],
    }


def test_list_pages_newest_first_with_the_total():
    user = onboarded_customer()
    savings = bank_account_request(user=user, account_type=AccountType.SAVINGS)
    current = bank_account_request(user=user, account_type=AccountType.CURRENT)
    client = api_client_for(user)

    first = client.get("/api/v1/accounts/", {"limit": 1}).json()
    second = client.get(first["next"]).json()

    assert first["count"] == second["count"] == 2
    assert [a["number"] for a in first["accounts"]] == [current.number]
    assert first["previous"] is None
    assert first["next"].endswith("/api/v1/accounts/?limit=1&offset=1")
    assert [a["number"] for a in second["accounts"]] == [savings.number]
    assert second["next"] is None and second["previous"]
    for bad in ({"limit": 0}, {"limit": 1001}, {"offset": -1}, {"limit": "ten"}):
        response = client.get("/api/v1/accounts/", bad)
        assert response.status_code == 400, bad
        assert response.json()["code"] == "invalid" and list(response.json()["errors"]) == [
            next(iter(bad))
        ]


def test_request_a_savings_account():
    user = onboarded_customer()

    response = api_client_for(user).post(
        "/api/v1/accounts/", {"account_type": "SAVINGS"}, format="json"
    )

    assert response.status_code == 201
    account = BankAccount.objects.get(user=user)
    assert response.json() == {
        "number": account.number,
        "account_type": "SAVINGS",
        "status": "REQUESTED",
        "balance": "0.00",
        "currency": "INR",
        "requested_at": iso(account.created_at),
        "opened_at": None,
        "rejection_reason": "",
        "fixed_deposit": None,
    }


def test_request_a_fixed_deposit_shows_rate_and_projected_maturity():
    FixedDepositRateFactory(annual_rate_percent=Decimal("7.00"))
    user = onboarded_customer()

    response = api_client_for(user).post(
        "/api/v1/accounts/",
        {"account_type": "FIXED_DEPOSIT", "fd_amount": "100000.00", "fd_tenure_months": 12},
        format="json",
    )

    assert response.status_code == 201
    today = timezone.localdate()
    assert response.json()["fixed_deposit"] == {
        "principal": "100000.00",
        "tenure_months": 12,
        "annual_rate_percent": "7.00",
        "maturity_date": (today + relativedelta(months=12)).isoformat(),
        "maturity_amount": "107185.90",
    }


def test_fd_below_the_minimum_is_a_400_on_the_field():
    FixedDepositRateFactory()
    user = onboarded_customer()

    response = api_client_for(user).post(
        "/api/v1/accounts/",
        {"account_type": "FIXED_DEPOSIT", "fd_amount": "5000", "fd_tenure_months": 12},
        format="json",
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "BELOW_MINIMUM"
    assert body["errors"] == {"fd_amount": ["A fixed deposit is at least ₹10,000.00."]}
    assert BankAccount.objects.count() == 0


def test_not_onboarded_callers_get_403_and_nothing_is_created():
    now = timezone.now()
    contact_pending = CustomerProfileFactory(email_verified_at=now).user
    cases = [
        (UserFactory(), "NOT_A_CUSTOMER"),
        (contact_pending, "CONTACT_NOT_VERIFIED"),
        (
            CustomerProfileFactory(email_verified_at=now, phone_verified_at=now).user,
            "KYC_NOT_VERIFIED",
        ),
    ]
    for user, code in cases:
        response = api_client_for(user).post(
            "/api/v1/accounts/", {"account_type": "SAVINGS"}, format="json"
        )
        assert response.status_code == 403
        body = response.json()
        assert set(body) == {"detail", "code"}
        assert body["code"] == code
    assert BankAccount.objects.count() == 0


def test_anonymous_callers_are_refused():
    response = APIClient().get("/api/v1/accounts/")
    assert response.status_code in (401, 403)
    response = APIClient().post("/api/v1/accounts/", {"account_type": "SAVINGS"}, format="json")
    assert response.status_code in (401, 403)
    assert BankAccount.objects.count() == 0


def _backdate(entry: LedgerEntry, when: datetime.datetime) -> None:
    # Entries refuse save(); a queryset update stands in for the passage of time in tests.
    LedgerEntry.objects.filter(pk=entry.pk).update(created_at=when)


def test_statement_filters_by_local_dates_with_opening_and_closing_balances(reviewer):
    user = onboarded_customer()
    account = open_account(user=user, reviewer=reviewer)
    _backdate(account.entries.get(), local_datetime(datetime.date(2025, 3, 1)))
    march = ledger_post(
        bank_account_id=account.pk,
        entry_type="CREDIT",
        amount=Decimal("500.00"),
        narration="Salary",
        reference="SAL-MAR",
    )
    _backdate(march, local_datetime(datetime.date(2025, 3, 31), hour=23))
    april = ledger_post(
        bank_account_id=account.pk,
        entry_type="DEBIT",
        amount=Decimal("200.25"),
        narration="Electricity bill",
    )
    _backdate(april, local_datetime(datetime.date(2025, 4, 2)))

    response = api_client_for(user).get(
        f"/api/v1/accounts/{account.number}/statement/?from=2025-03-02&to=2025-03-31"
    )

    assert response.status_code == 200
    march.refresh_from_db()
    assert response.json() == {
        "account_number": account.number,
        "currency": "INR",
        "date_from": "2025-03-02",
        "date_to": "2025-03-31",
        "opening_balance": "1000.00",
        "closing_balance": "1500.00",
        "entries": [
            {
                "created_at": iso(march.created_at),
                "entry_type": "CREDIT",
                "amount": "500.00",
                "balance_after": "1500.00",
                "narration": "Salary",
                "reference": "SAL-MAR",
            }
        ],
    }
    everything = api_client_for(user).get(f"/api/v1/accounts/{account.number}/statement/")
    assert [e["balance_after"] for e in everything.json()["entries"]] == [
        "1000.00",
        "1500.00",
        "1299.75",
    ]
    assert everything.json()["closing_balance"] == "1299.75"


def test_statement_rejects_malformed_or_reversed_dates(reviewer):
    user = onboarded_customer()
    account = open_account(user=user, reviewer=reviewer)
    client = api_client_for(user)
    bad = client.get(f"/api/v1/accounts/{account.number}/statement/?from=01-03-2025")
    assert bad.status_code == 400 and "from" in bad.json()["errors"]
    reversed_ = client.get(
        f"/api/v1/accounts/{account.number}/statement/?from=2025-04-01&to=2025-03-01"
    )
    assert reversed_.status_code == 400 and "to" in reversed_.json()["errors"]


def test_statement_from_the_first_to_the_last_date_there_is_shows_everything(reviewer):
    # Found by schemathesis: to=9999-12-31 was a 500 (no next day to stop before).
    user = onboarded_customer()
    account = open_account(user=user, reviewer=reviewer)

    response = api_client_for(user).get(
        f"/api/v1/accounts/{account.number}/statement/?from=0001-01-01&to=9999-12-31"
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["opening_balance"], body["closing_balance"]) == ("0.00", "1000.00")
    assert [e["balance_after"] for e in body["entries"]] == ["1000.00"]


def test_another_customers_account_is_404_on_every_endpoint(reviewer):
    victim = open_account(reviewer=reviewer)
    requested = bank_account_request(user=victim.user, account_type=AccountType.CURRENT)
    attacker = api_client_for(onboarded_customer())
    staff = api_client_for(reviewer)  # staff use the admin, not the customer API

    for client in (attacker, staff):
        for number in (victim.number, requested.number):
            for url in (
                f"/api/v1/accounts/{number}/",
                f"/api/v1/accounts/{number}/statement/",
                f"/api/v1/accounts/{number}/statement/?from=2025-01-01&to=2025-12-31",
                f"/api/v1/accounts/{number}/statement/?from=bad",
            ):
                response = client.get(url)
                assert response.status_code == 404, url
                assert response.json() == {"detail": "Not found.", "code": "not_found"}
        assert client.get("/api/v1/accounts/").json() == {
            "count": 0,
            "next": None,
            "previous": None,
            "accounts": [],
        }
    assert attacker.get("/api/v1/accounts/999999999999999/").status_code == 404
    assert attacker.get("/api/v1/accounts/not-a-number/statement/").status_code == 404


def test_owner_sees_the_detail_of_their_account(reviewer):
    account = open_account(reviewer=reviewer)
    response = api_client_for(account.user).get(f"/api/v1/accounts/{account.number}/")
    assert response.status_code == 200
    assert response.json()["number"] == account.number
    assert response.json()["balance"] == "1000.00"
