"""API refresh tokens: one refresh each, revoked by API, web and admin logout (issue #10).

Tokens come from the real two-step exchange (password, then the emailed code from Django's
locmem outbox); blacklisting is simplejwt's ``token_blacklist`` on the real database.
"""

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.tests.auth import last_email_code, login_verified
from accounts.tests.factories import TEST_PASSWORD, CustomerProfileFactory

pytestmark = pytest.mark.django_db

BLACKLISTED = {"detail": "Token is blacklisted", "code": "token_not_valid"}


@pytest.fixture
def user():
    return CustomerProfileFactory().user


@pytest.fixture
def tokens(user, django_capture_on_commit_callbacks):
    """Factory: ``{access, refresh}`` for ``user`` through /auth/token/ then /auth/token/otp/."""

    def obtain():
        with django_capture_on_commit_callbacks(execute=True):
            step1 = APIClient().post(
                "/api/v1/auth/token/", {"email": user.email, "password": TEST_PASSWORD}
            )
        assert step1.status_code == 200, step1.content
        step2 = APIClient().post(
            "/api/v1/auth/token/otp/",
            {"mfa_token": step1.json()["mfa_token"], "otp": last_email_code(user.email)},
        )
        assert step2.status_code == 200, step2.content
        return step2.json()

    return obtain


def refresh(token):
    return APIClient().post("/api/v1/auth/token/refresh/", {"refresh": token}, format="json")


def logout(token):
    return APIClient().post("/api/v1/auth/logout/", {"refresh": token}, format="json")


def can_read_accounts(access):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get("/api/v1/accounts/").status_code == 200


def test_a_refresh_token_works_once_and_its_successor_works(tokens):
    first = tokens()["refresh"]

    rotated = refresh(first)
    assert rotated.status_code == 200 and set(rotated.json()) == {"access", "refresh"}
    assert rotated.json()["refresh"] != first
    assert can_read_accounts(rotated.json()["access"])

    reused = refresh(first)
    assert reused.status_code == 401
    assert reused.json() == BLACKLISTED
    assert reused["WWW-Authenticate"] == 'Bearer realm="api"'

    assert refresh(rotated.json()["refresh"]).status_code == 200


def test_a_forged_refresh_token_answers_401_in_the_error_shape():
    response = refresh("not-a-token")
    assert response.status_code == 401
    assert response.json() == {"detail": "Token is invalid", "code": "token_not_valid"}


def test_api_logout_revokes_that_refresh_token_only(tokens):
    phone, laptop = tokens()["refresh"], tokens()["refresh"]

    assert logout(phone).status_code == 204

    assert refresh(phone).json() == BLACKLISTED and refresh(phone).status_code == 401
    assert logout(phone).status_code == 401
    assert refresh(laptop).status_code == 200


def test_web_logout_revokes_every_refresh_token_of_the_user(client, user, tokens):
    phone, laptop = tokens()["refresh"], tokens()["refresh"]
    someone_else = CustomerProfileFactory().user
    other_token = OutstandingToken.objects.create(
        user=someone_else, jti="other", token="x", expires_at="2999-01-01T00:00:00Z"
    )
    login_verified(client, user)

    response = client.post("/accounts/logout/")
    assert response.status_code == 302

    for token in (phone, laptop):
        reused = refresh(token)
        assert (reused.status_code, reused.json()) == (401, BLACKLISTED)
    other_token.refresh_from_db()
    assert not hasattr(other_token, "blacklistedtoken")


def test_admin_logout_revokes_every_refresh_token_of_the_staff_member(client, user, tokens):
    """The admin's own logout view (not the customer pages') revokes too: one receiver of
    Django's ``user_logged_out`` signal serves every session logout."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    token = tokens()["refresh"]
    login_verified(client, user)

    response = client.post("/admin/logout/")
    assert response.status_code == 302  # to LOGOUT_REDIRECT_URL

    reused = refresh(token)
    assert (reused.status_code, reused.json()) == (401, BLACKLISTED)
