"""The account statement page after issue 12: a malformed date is a form error (never the
whole history instead), the balance chart's data, and tables that fit a phone."""

import datetime
from decimal import Decimal

import pytest

from accounts.models import LedgerEntry
from accounts.services import ledger_post
from accounts.tests.auth import login_verified
from accounts.tests.banking_factories import open_account
from accounts.tests.factories import UserFactory
from smartbank.tests.wording import assert_plain_words


@pytest.fixture
def account(db):
    account = open_account(reviewer=UserFactory(is_staff=True, is_superuser=True))
    ledger_post(
        bank_account_id=account.pk,
        entry_type=LedgerEntry.EntryType.CREDIT,
        amount=Decimal("150000.00"),
        narration="Salary",
        reference="SAL-1",
    )
    return account


@pytest.mark.parametrize(
    "query",
    ["from=2025-13-45", "from=yesterday", "to=2025-02-30", "from=2025-01-01&to=31-01-2025"],
)
def test_a_malformed_date_is_a_form_error_not_the_whole_history(client, account, query):
    login_verified(client, account.user)

    response = client.get(f"/accounts/bank/{account.pk}/?{query}")

    assert response.status_code == 400
    assert response.context["statement"] is None
    text = assert_plain_words(response, context=query)
    assert "Enter a real date, such as 2026-01-31." in text
    assert "Correct the dates above to see the statement." in text
    assert "Salary" not in text  # nothing listed for dates it could not read
    assert 'id="statement-csv"' not in response.content.decode()


def test_the_csv_refuses_a_malformed_date(client, account):
    login_verified(client, account.user)
    response = client.get(f"/accounts/bank/{account.pk}/statement.csv?from=2025-13-45")
    assert response.status_code == 400
    assert response.content.decode() == "Enter a real date, such as 2026-01-31."


def test_the_statement_has_a_balance_chart_and_stacked_rows(client, account):
    login_verified(client, account.user)
    today = datetime.date.today().isoformat()

    response = client.get(f"/accounts/bank/{account.pk}/?from=2020-01-01&to={today}")

    assert response.status_code == 200
    chart = response.context["chart_data"]
    assert chart["labels"][0] == "Opening"
    assert chart["balance"] == [0.0, 1000.0, 151000.0]
    html = response.content.decode()
    assert 'id="statement-chart-data"' in html and "js/loan_charts.js" in html
    assert '<div class="table-scroll">' in html and 'class="statement stack"' in html
    assert 'data-label="Balance"' in html
    assert_plain_words(response)


def test_no_dates_shows_everything(client, account):
    login_verified(client, account.user)
    response = client.get(f"/accounts/bank/{account.pk}/")
    assert response.status_code == 200
    assert [e.narration for e in response.context["statement"].entries][-1] == "Salary"
    assert_plain_words(client.get("/accounts/bank/"), context="accounts list")
