"""Login lockout per account and per address, on real django-axes and the real database
(issue #10).

Each failure comes from its own address (``REMOTE_ADDR``) unless the test is about one address,
so a lock can only come from the account's count. Nothing is mocked.
"""

import pytest
from axes.models import AccessAttempt
from rest_framework.test import APIClient

from accounts.tests.factories import TEST_PASSWORD, CustomerProfileFactory

pytestmark = pytest.mark.django_db

UNKNOWN = "nobody@example.com"


def token_step(email, password, address):
    return APIClient().post(
        "/api/v1/auth/token/", {"email": email, "password": password}, REMOTE_ADDR=address
    )


def addresses(first, count):
    return [f"10.0.{first}.{n}" for n in range(1, count + 1)]


def test_api_five_failures_from_twenty_addresses_lock_the_account_like_an_unknown_email(
    settings,
):
    assert settings.AXES_FAILURE_LIMIT == 5
    user = CustomerProfileFactory().user

    answers = [token_step(user.email, "wrong", address) for address in addresses(1, 20)]
    # The fifth failure locks; the address of each attempt has failed only once.
    assert [a.status_code for a in answers] == [401] * 4 + [429] * 16
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {user.email}

    locked = token_step(user.email, TEST_PASSWORD, "10.0.9.1")
    assert locked.status_code == 429
    assert locked.json() == {
        "detail": "Too many failed attempts. Try again later.",
        "code": "locked",
    }

    # An email with no account, failed the same way, answers exactly the same.
    for address in addresses(2, 20):
        token_step(UNKNOWN, "wrong", address)
    unknown = token_step(UNKNOWN, TEST_PASSWORD, "10.0.9.2")
    assert (unknown.status_code, unknown.json()) == (locked.status_code, locked.json())


def test_api_lock_counts_the_email_whatever_its_case():
    user = CustomerProfileFactory().user
    for n, address in enumerate(addresses(1, 5)):
        token_step(user.email.upper() if n % 2 else user.email, "wrong", address)
    assert token_step(user.email, TEST_PASSWORD, "10.0.9.1").status_code == 429


def test_api_an_address_failing_against_many_accounts_is_locked():
    user = CustomerProfileFactory().user
    for n in range(5):
        token_step(f"guess{n}@example.com", "wrong", "10.0.3.3")

    assert token_step(user.email, TEST_PASSWORD, "10.0.3.3").status_code == 429
    # The account itself is not locked: from another address its password works.
    assert token_step(user.email, TEST_PASSWORD, "10.0.3.4").status_code == 200


def test_web_login_locks_the_account_across_addresses_and_answers_as_for_unknown_emails(client):
    user = CustomerProfileFactory().user
    for address in addresses(1, 5):
        client.post(
            "/accounts/login/", {"username": user.email, "password": "wrong"}, REMOTE_ADDR=address
        )
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {user.email}

    locked = client.post(
        "/accounts/login/",
        {"username": user.email, "password": TEST_PASSWORD},
        REMOTE_ADDR="10.0.9.1",
    )
    assert locked.status_code == 429 and b"Too many failed attempts" in locked.content
    assert "_auth_user_id" not in client.session

    for address in addresses(2, 5):
        client.post(
            "/accounts/login/", {"username": UNKNOWN, "password": "wrong"}, REMOTE_ADDR=address
        )
    unknown = client.post(
        "/accounts/login/",
        {"username": UNKNOWN, "password": TEST_PASSWORD},
        REMOTE_ADDR="10.0.9.2",
    )
    assert (unknown.status_code, unknown.content) == (locked.status_code, locked.content)


def test_staff_login_locks_the_staff_account_across_addresses(client, reviewer):
    # Staff log in where customers do (the console has no login form of its own).
    for address in addresses(1, 5):
        client.post(
            "/accounts/login/?next=/admin/",
            {"username": reviewer.email, "password": "wrong", "next": "/admin/"},
            REMOTE_ADDR=address,
        )
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {reviewer.email}

    locked = client.post(
        "/accounts/login/?next=/admin/",
        {"username": reviewer.email, "password": TEST_PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="10.0.9.1",
    )
    assert locked.status_code == 429 and b"Too many failed attempts" in locked.content
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/", REMOTE_ADDR="10.0.9.1").url == "/accounts/login/?next=/admin/"
