"""Password reset by email with Django's own views, for customers and staff (issue 12).

The email goes through the notifications path to Django's locmem outbox (on this machine);
nothing is mocked. The rate-limit counts live in the test cache (emptied before each test).
"""

import re

import pytest
from django.core import mail

from accounts.models import UserEvent
from accounts.tests.auth import last_email_code
from accounts.tests.factories import TEST_PASSWORD, CustomerProfileFactory
from smartbank.models import Notification

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Sea-Of-Tranquility-1969"  # noqa: S105 - a test credential


def ask_for_link(client, email, capture, address="127.0.0.1"):
    with capture(execute=True):
        return client.post("/accounts/password-reset/", {"email": email}, REMOTE_ADDR=address)


def reset_link(email: str) -> str:
    (message,) = [m for m in mail.outbox if email in m.to and "password" in m.subject.lower()]
    return re.search(r"http://testserver(/accounts/password-reset/\S+/)", message.body).group(1)


def set_new_password(client, link: str):
    form_page = client.get(link)  # Django swaps the token for a session key and redirects
    assert form_page.status_code == 302
    return client.post(
        form_page.url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )


def test_a_customer_resets_the_password_by_email_and_still_needs_a_code(
    client, django_capture_on_commit_callbacks
):
    user = CustomerProfileFactory().user
    # The login page offers the reset
    login_page = client.get("/accounts/login/").content.decode()
    assert '<a href="/accounts/password-reset/">Forgot your password?</a>' in login_page

    # When the customer asks for a link (typing the email in capitals)
    response = ask_for_link(client, user.email.upper(), django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response.url == "/accounts/password-reset/sent/"
    assert "Check your email" in client.get(response.url).content.decode()
    # Then one email with a one-use link left as a notification, its body wiped once sent
    (message,) = mail.outbox
    assert message.subject == "Reset your SmartBank password" and message.to == [user.email]
    notification = Notification.objects.get(template="password_reset")
    assert notification.status == "SENT" and notification.body_encrypted == ""

    # When they choose a new password from the link
    link = reset_link(user.email)
    done = set_new_password(client, link)
    assert done.status_code == 302 and done.url == "/accounts/password-reset/done/"
    complete = client.get(done.url).content.decode()
    assert "Your password is changed" in complete
    # Then they are not logged in, the link is spent, the reset is audited
    assert "_auth_user_id" not in client.session
    assert "This link no longer works" in client.get(link, follow=True).content.decode()
    assert list(UserEvent.objects.filter(user=user).values_list("type", "actor")) == [
        ("PASSWORD_RESET", user.pk)
    ]
    # and the new password (not the old one) leads to the code step, not into the pages
    old = client.post("/accounts/login/", {"username": user.email, "password": TEST_PASSWORD})
    assert old.status_code == 200 and "_auth_user_id" not in client.session
    client.post("/accounts/login/", {"username": user.email, "password": NEW_PASSWORD})
    assert client.get("/kyc/").url.startswith(("/accounts/otp/", "/accounts/verify/"))


def test_an_unknown_email_gets_the_same_answer_and_no_email(
    client, django_capture_on_commit_callbacks
):
    user = CustomerProfileFactory().user
    known = ask_for_link(client, user.email, django_capture_on_commit_callbacks)
    unknown = ask_for_link(client, "nobody@example.com", django_capture_on_commit_callbacks)
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert Notification.objects.filter(template="password_reset").count() == 1


def test_reset_requests_are_limited_per_email_and_per_address_alike_for_unknown_emails(
    client, settings, django_capture_on_commit_callbacks
):
    settings.API_RATE_LIMITS = {
        **settings.API_RATE_LIMITS,
        "password_reset_account": "2/hour",
        "password_reset_address": "4/hour",
    }
    user = CustomerProfileFactory().user
    capture = django_capture_on_commit_callbacks

    # Per email, whatever the address: the third request of the hour waits
    known = [ask_for_link(client, user.email, capture, f"10.0.1.{n}") for n in range(3)]
    unknown = [ask_for_link(client, "nobody@example.com", capture, f"10.0.2.{n}") for n in range(3)]
    assert [r.status_code for r in known] == [302, 302, 429]
    assert [r.status_code for r in unknown] == [302, 302, 429]
    assert known[-1].content == unknown[-1].content
    assert "Please wait a while" in known[-1].content.decode()
    assert len(mail.outbox) == 2

    # Per address, whatever the email: the fifth request of the hour waits
    answers = [ask_for_link(client, f"guess{n}@example.com", capture, "10.0.3.3") for n in range(5)]
    assert [r.status_code for r in answers] == [302] * 4 + [429]


def test_the_limit_is_not_counted_when_the_cache_is_down(
    client, settings, django_capture_on_commit_callbacks
):
    # Nothing listens on port 1: the cache is unreachable, as when Redis restarts.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    user = CustomerProfileFactory().user
    response = ask_for_link(client, user.email, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and len(mail.outbox) == 1


def test_staff_reset_their_password_and_log_into_the_console_with_a_code(
    client, reviewer, django_capture_on_commit_callbacks
):
    ask_for_link(client, reviewer.email, django_capture_on_commit_callbacks)
    set_new_password(client, reset_link(reviewer.email))
    assert "_auth_user_id" not in client.session

    response = client.post(
        "/accounts/login/?next=/admin/",
        {"username": reviewer.email, "password": NEW_PASSWORD, "next": "/admin/"},
    )
    assert response.url == "/admin/"
    assert client.get("/admin/").url.startswith("/accounts/otp/")  # still the second factor
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/otp/?next=/admin/", {"action": "send", "channel": "EMAIL"})
    response = client.post(
        "/accounts/otp/?next=/admin/",
        {"action": "verify", "otp": last_email_code(reviewer.email), "next": "/admin/"},
    )
    assert response.url == "/admin/" and client.get("/admin/").status_code == 200


def test_a_reset_revokes_the_api_refresh_tokens_the_old_password_opened(
    client, django_capture_on_commit_callbacks
):
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
    from rest_framework_simplejwt.tokens import RefreshToken

    user = CustomerProfileFactory().user
    token = RefreshToken.for_user(user)
    ask_for_link(client, user.email, django_capture_on_commit_callbacks)
    set_new_password(client, reset_link(user.email))
    assert BlacklistedToken.objects.filter(token__jti=token["jti"]).exists()
    event = UserEvent.objects.get(user=user, type="PASSWORD_RESET")
    assert event.data == {"refresh_tokens_revoked": 1}
