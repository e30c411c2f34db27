"""Customer pages for bank accounts and the staff console, through Django's test client."""

import csv
import datetime
import io
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import AccountEvent, AccountType, BankAccount, LedgerEntry
from accounts.services import bank_account_request, ledger_post
from accounts.tests.auth import login_verified
from accounts.tests.banking_factories import (
    FixedDepositRateFactory,
    local_datetime,
    onboarded_customer,
    open_account,
)
from accounts.tests.factories import CustomerProfileFactory
from smartbank.money import format_inr

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("0"), "₹0.00"),
        (Decimal("999.5"), "₹999.50"),
        (Decimal("1000"), "₹1,000.00"),
        (Decimal("100000"), "₹1,00,000.00"),
        (Decimal("107185.905"), "₹1,07,185.91"),
        (Decimal("123456789.01"), "₹12,34,56,789.01"),
        (Decimal("-1234.5"), "-₹1,234.50"),
        (None, ""),
    ],
)
def test_inr_uses_indian_grouping_and_paise(amount, text):
    assert format_inr(amount) == text


# --- customer pages -------------------------------------------------------------------------


def test_list_shows_accounts_with_balances_and_masked_numbers(client, reviewer):
    FixedDepositRateFactory(annual_rate_percent=Decimal("7.00"))
    user = onboarded_customer()
    savings = open_account(user=user, reviewer=reviewer)
    fd = open_account(
        user=user,
        reviewer=reviewer,
        account_type=AccountType.FIXED_DEPOSIT,
        fd_amount=Decimal("100000.00"),
        fd_tenure_months=12,
    )
    login_verified(client, user)

    page = page_text(client.get("/accounts/bank/"))

    assert "₹1,000.00" in page and "₹1,00,000.00" in page
    assert savings.number_masked in page and savings.number not in page
    assert f'href="/accounts/bank/{fd.pk}/"' in page
    assert "₹1,07,185.90" in page  # the FD's maturity amount
    assert "Request an account" in page


def test_request_a_savings_account_from_the_form(client):
    user = onboarded_customer()
    login_verified(client, user)
    form_page = page_text(client.get("/accounts/bank/request/"))
    assert 'value="FIXED_DEPOSIT"' in form_page and "₹1,000.00" in form_page

    response = client.post("/accounts/bank/request/", {"account_type": "SAVINGS"}, follow=True)

    account = BankAccount.objects.get(user=user)
    assert account.status == BankAccount.Status.REQUESTED
    assert response.redirect_chain[-1][0] == "/accounts/bank/"
    assert f"Your savings account {account.number_masked} will be opened" in page_text(response)


def test_fd_request_form_puts_service_errors_on_the_fields(client):
    FixedDepositRateFactory()
    user = onboarded_customer()
    login_verified(client, user)

    response = client.post(
        "/accounts/bank/request/",
        {"account_type": "FIXED_DEPOSIT", "fd_amount": "500", "fd_tenure_months": "12"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "fd_amount": ["A fixed deposit is at least ₹10,000.00."]
    }
    assert BankAccount.objects.count() == 0

    response = client.post(
        "/accounts/bank/request/",
        {"account_type": "FIXED_DEPOSIT", "fd_amount": "25000.00", "fd_tenure_months": "12"},
    )
    assert response.status_code == 302
    fd = BankAccount.objects.get(user=user)
    assert (fd.account_type, fd.fd_principal, fd.fd_tenure_months) == (
        "FIXED_DEPOSIT",
        Decimal("25000.00"),
        12,
    )


def test_fd_fields_typed_before_switching_to_savings_are_ignored(client):
    user = onboarded_customer()
    login_verified(client, user)
    client.post(
        "/accounts/bank/request/",
        {"account_type": "SAVINGS", "fd_amount": "25000.00", "fd_tenure_months": "12"},
    )
    account = BankAccount.objects.get(user=user)
    assert account.account_type == "SAVINGS" and account.fd_principal is None


def test_customers_not_onboarded_get_a_clear_refusal_and_nothing_is_created(client):
    now = timezone.now()
    user = CustomerProfileFactory(email_verified_at=now, phone_verified_at=now).user  # no KYC
    login_verified(client, user)

    listing = page_text(client.get("/accounts/bank/"))
    assert "Complete identity verification (KYC) before opening an account." in listing
    assert "Request an account" not in listing

    response = client.post("/accounts/bank/request/", {"account_type": "SAVINGS"}, follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/bank/"
    assert "Complete identity verification (KYC)" in page_text(response)
    assert BankAccount.objects.count() == 0


def test_pages_need_a_login(client, reviewer):
    account = open_account(reviewer=reviewer)
    for url in (
        "/accounts/bank/",
        "/accounts/bank/request/",
        f"/accounts/bank/{account.pk}/",
        f"/accounts/bank/{account.pk}/statement.csv",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url


def _history(reviewer):
    """An account with entries on 1 Mar, 31 Mar and 2 Apr 2025 (local time)."""
    account = open_account(reviewer=reviewer)
    LedgerEntry.objects.filter(account=account).update(
        created_at=local_datetime(datetime.date(2025, 3, 1))
    )  # entries refuse save(); a queryset update stands in for the passage of time
    salary = ledger_post(
        bank_account_id=account.pk,
        entry_type="CREDIT",
        amount=Decimal("150000.00"),
        narration="Salary March",
        reference="SAL-MAR",
    )
    LedgerEntry.objects.filter(pk=salary.pk).update(
        created_at=local_datetime(datetime.date(2025, 3, 31), hour=23)
    )
    bill = ledger_post(
        bank_account_id=account.pk,
        entry_type="DEBIT",
        amount=Decimal("200.25"),
        narration='=HYPERLINK("http://evil")',
    )
    LedgerEntry.objects.filter(pk=bill.pk).update(
        created_at=local_datetime(datetime.date(2025, 4, 2))
    )
    return account


def test_statement_page_shows_the_full_number_and_filters_by_date(client, reviewer):
    account = _history(reviewer)
    login_verified(client, account.user)

    everything = page_text(client.get(f"/accounts/bank/{account.pk}/"))
    assert account.number in everything
    assert "₹1,50,799.75" in everything  # 1,000 + 1,50,000 - 200.25
    assert "Salary March" in everything and "HYPERLINK" in everything

    march = client.get(f"/accounts/bank/{account.pk}/?from=2025-03-02&to=2025-03-31")
    text = page_text(march)
    assert [e.narration for e in march.context["statement"].entries] == ["Salary March"]
    assert "HYPERLINK" not in text and "Opening deposit" not in text
    assert "₹1,000.00" in text and "₹1,51,000.00" in text  # opening and closing balances
    csv_link = f"/accounts/bank/{account.pk}/statement.csv?from=2025-03-02&amp;to=2025-03-31"
    assert f'href="{csv_link}"' in text

    reversed_ = client.get(f"/accounts/bank/{account.pk}/?from=2025-04-01&to=2025-03-01")
    assert "The end date is before the start date." in page_text(reversed_)


def test_statement_csv_is_an_attachment_with_the_filtered_entries(client, reviewer):
    account = _history(reviewer)
    login_verified(client, account.user)

    response = client.get(f"/accounts/bank/{account.pk}/statement.csv?from=2025-03-31")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="statement-{account.number}-2025-03-31_today.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["Date", "Narration", "Reference", "Debit (INR)", "Credit (INR)", "Balance"],
        ["2025-03-31 23:00", "Salary March", "SAL-MAR", "", "150000.00", "151000.00"],
        ["2025-04-02 12:00", '\'=HYPERLINK("http://evil")', "", "200.25", "", "150799.75"],
    ]


def test_another_customers_account_is_404_on_every_page(client, reviewer):
    victim = open_account(reviewer=reviewer)
    requested = bank_account_request(user=victim.user, account_type=AccountType.CURRENT)
    login_verified(client, onboarded_customer())

    for account_id in (victim.pk, requested.pk, uuid.uuid4()):
        for url in (
            f"/accounts/bank/{account_id}/",
            f"/accounts/bank/{account_id}/?from=2025-01-01&to=2025-12-31",
            f"/accounts/bank/{account_id}/statement.csv",
            f"/accounts/bank/{account_id}/statement.csv?from=2025-01-01",
        ):
            assert client.get(url).status_code == 404, url
    # Account numbers are not page addresses at all.
    assert client.get(f"/accounts/bank/{victim.number}/").status_code == 404
    listing = page_text(client.get("/accounts/bank/"))
    assert victim.number_masked not in listing and requested.number_masked not in listing


# --- staff console --------------------------------------------------------------------------


def decide(client, account, action, reason=""):
    return client.post(
        f"/admin/accounts/bankaccount/{account.pk}/decide/",
        {"action": action, "reason": reason},
        follow=True,
    )


def test_staff_approve_from_the_account_page_then_a_second_approval_is_refused(client, reviewer):
    account = bank_account_request(user=onboarded_customer(), account_type=AccountType.SAVINGS)
    login_verified(client, reviewer)

    page = page_text(client.get(f"/admin/accounts/bankaccount/{account.pk}/change/"))
    assert "Approve (open the account)" in page

    response = decide(client, account, "approve")
    assert "Account opened and the opening credit posted." in page_text(response)
    account.refresh_from_db()
    assert account.status == "ACTIVE" and account.balance == Decimal("1000.00")
    assert "₹1,000.00" in page_text(response)

    again = decide(client, account, "approve")
    assert "An account in ACTIVE cannot move to ACTIVE." in page_text(again)
    assert account.entries.count() == 1
    assert account.events.filter(type=AccountEvent.Type.APPROVED).count() == 1


def test_staff_reject_needs_a_reason_and_the_customer_sees_it(client, reviewer):
    account = bank_account_request(user=onboarded_customer(), account_type=AccountType.CURRENT)
    login_verified(client, reviewer)

    assert "Give a reason." in page_text(decide(client, account, "reject"))
    decide(client, account, "reject", "Business proof missing.")
    account.refresh_from_db()
    assert account.status == "REJECTED"

    login_verified(client, account.user)
    assert "Business proof missing." in page_text(client.get("/accounts/bank/"))


def test_staff_freeze_and_close_with_reasons(client, reviewer):
    account = open_account(reviewer=reviewer)
    login_verified(client, reviewer)
    assert "Account frozen." in page_text(decide(client, account, "freeze", "Court order"))
    assert "Account active again." in page_text(decide(client, account, "unfreeze"))
    assert "Account closed." in page_text(decide(client, account, "close", "Customer asked"))
    account.refresh_from_db()
    assert account.status == "CLOSED"


def test_approve_action_on_the_list_opens_requests_and_reports_the_rest(client, reviewer):
    waiting = bank_account_request(user=onboarded_customer(), account_type=AccountType.SAVINGS)
    already = open_account(reviewer=reviewer)
    login_verified(client, reviewer)

    listing = page_text(client.get("/admin/accounts/bankaccount/"))
    assert listing.index(waiting.number) < listing.index(already.number)  # requests first

    response = client.post(
        "/admin/accounts/bankaccount/",
        {"action": "approve_selected", "_selected_action": [waiting.pk, already.pk]},
        follow=True,
    )
    text = page_text(response)
    assert "1 account(s) opened." in text
    assert f"{already.number}: An account in ACTIVE cannot move to ACTIVE." in text
    waiting.refresh_from_db()
    assert waiting.status == "ACTIVE"


def test_customers_cannot_reach_the_decision_view(client):
    account = bank_account_request(user=onboarded_customer(), account_type=AccountType.SAVINGS)
    login_verified(client, account.user)
    response = client.post(
        f"/admin/accounts/bankaccount/{account.pk}/decide/", {"action": "approve"}
    )
    assert response.status_code == 403  # the staff console refuses a verified customer
    account.refresh_from_db()
    assert account.status == "REQUESTED"


def test_staff_edit_fd_rates_and_see_the_ledger_read_only(client, reviewer):
    account = open_account(reviewer=reviewer)
    login_verified(client, reviewer)
    assert client.get("/admin/accounts/fixeddepositrate/add/").status_code == 200
    entry = account.entries.get()
    page = client.get(f"/admin/accounts/ledgerentry/{entry.pk}/change/")
    assert page.status_code == 200 and b'name="amount"' not in page.content
    assert client.post(f"/admin/accounts/ledgerentry/{entry.pk}/delete/").status_code == 403


def test_staff_with_view_permission_only_cannot_approve_through_the_list_action(client):
    from django.contrib.auth.models import Permission

    from accounts.tests.factories import UserFactory

    # Given a staff member who may only view bank accounts, and a waiting request
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_bankaccount"))
    waiting = bank_account_request(user=onboarded_customer(), account_type=AccountType.SAVINGS)
    login_verified(client, viewer)
    assert client.get("/admin/accounts/bankaccount/").status_code == 200
    # When they post the approve action from the list
    client.post(
        "/admin/accounts/bankaccount/",
        {"action": "approve_selected", "_selected_action": [waiting.pk]},
    )
    # Then the request stays REQUESTED
    waiting.refresh_from_db()
    assert waiting.status == "REQUESTED"
