"""Rate limits on the public API (issue #10): per client address and per account, on the shared
cache (``make test``: Redis through CACHE_URL), answering 429 with ``Retry-After`` in the API's
error shape. The rates are lowered to 3 here; a request counts whether or not it then succeeds.
"""

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.tests.factories import CustomerProfileFactory

pytestmark = pytest.mark.django_db

LIMIT = 3


@pytest.fixture(autouse=True)
def low_rates(settings):
    settings.API_RATE_LIMITS = {key: f"{LIMIT}/hour" for key in settings.API_RATE_LIMITS}


def post(path, data, address, **extra):
    return APIClient().post(path, data, REMOTE_ADDR=address, **extra)


def assert_throttled(response):
    assert response.status_code == 429, response.content
    body = response.json()
    assert body["code"] == "throttled" and body["detail"]
    assert 0 < int(response["Retry-After"]) <= 3600


def assert_not_throttled(response):
    assert response.status_code != 429, response.content


def registration(account):
    return "/api/v1/registrations/", {"email": f"{account}@example.com"}


def token(account):
    return "/api/v1/auth/token/", {"email": f"{account}@example.com", "password": "wrong-one"}


def token_otp(account):
    from django.core import signing

    from accounts.api.auth import MFA_SALT

    user = CustomerProfileFactory(user__email=f"{account}@example.com").user
    mfa = signing.dumps({"u": str(user.pk), "c": "EMAIL"}, salt=MFA_SALT)
    return "/api/v1/auth/token/otp/", {"mfa_token": mfa, "otp": "000000"}


def refresh(account):
    user = CustomerProfileFactory(user__email=f"{account}@example.com").user
    return "/api/v1/auth/token/refresh/", {"refresh": str(RefreshToken.for_user(user))}


def verify_contact(account):
    profile = CustomerProfileFactory(user__email=f"{account}@example.com")
    path = f"/api/v1/registrations/{profile.pk}/verify-contact/"
    return path, {"channel": "EMAIL", "otp": "000000"}


def resend_otp(account):
    profile = CustomerProfileFactory(user__email=f"{account}@example.com")
    return f"/api/v1/registrations/{profile.pk}/resend-otp/", {"channel": "EMAIL"}


ENDPOINTS = [registration, token, token_otp, refresh, verify_contact, resend_otp]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_one_address_past_its_limit_gets_429_and_another_address_still_works(endpoint):
    for n in range(LIMIT):
        assert_not_throttled(post(*endpoint(f"a{n}"), "10.0.0.1"))

    assert_throttled(post(*endpoint("a-last"), "10.0.0.1"))
    assert_not_throttled(post(*endpoint("other"), "10.0.0.2"))


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_one_account_from_many_addresses_gets_429_and_another_account_still_works(endpoint):
    path, data = endpoint("victim")
    for n in range(LIMIT):
        assert_not_throttled(post(path, data, f"10.0.1.{n}"))

    assert_throttled(post(path, data, "10.0.1.200"))
    assert_not_throttled(post(*endpoint("someone-else"), "10.0.1.201"))


def test_the_token_steps_share_one_count_per_account():
    user = CustomerProfileFactory(user__email="both@example.com").user
    for n in range(LIMIT):
        assert_not_throttled(post(*token("both"), f"10.0.2.{n}"))

    from django.core import signing

    from accounts.api.auth import MFA_SALT

    mfa = signing.dumps({"u": str(user.pk), "c": "EMAIL"}, salt=MFA_SALT)
    otp_step = post("/api/v1/auth/token/otp/", {"mfa_token": mfa, "otp": "000000"}, "10.0.2.99")
    assert_throttled(otp_step)


def test_a_forged_x_forwarded_for_does_not_escape_the_address_limit():
    for n in range(LIMIT):
        path, data = registration(f"x{n}")
        assert_not_throttled(post(path, data, "10.0.3.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"))

    path, data = registration("x-last")
    assert_throttled(post(path, data, "10.0.3.1", HTTP_X_FORWARDED_FOR="192.0.2.250"))
