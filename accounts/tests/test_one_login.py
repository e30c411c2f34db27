"""One login for customers and staff, the landing page, logging out, the favicon, the branded
404 and the onboarding stepper (issue 12).

Codes go to Django's locmem outbox and the locmem SMS gateway (both on this machine); nothing is
mocked.
"""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core import mail
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import OtpDevice, User
from accounts.tests.auth import last_email_code, last_sms_code, login_verified
from accounts.tests.banking_factories import onboarded_customer
from accounts.tests.factories import TEST_PASSWORD, CustomerProfileFactory, UserFactory
from kyc.tests.factories import KycCaseFactory

pytestmark = pytest.mark.django_db


def password_step(client, email, password=TEST_PASSWORD, next_path="/admin/"):
    return client.post(
        f"/accounts/login/?next={next_path}",
        {"username": email, "password": password, "next": next_path},
    )


def code_step(client, email, capture, *, channel="EMAIL", next_path="/admin/"):
    with capture(execute=True):
        client.post(f"/accounts/otp/?next={next_path}", {"action": "send", "channel": channel})
    code = last_email_code(email) if channel == "EMAIL" else None
    return client.post(
        f"/accounts/otp/?next={next_path}", {"action": "verify", "otp": code, "next": next_path}
    )


# --- the staff console behind the one login ----------------------------------------------


@pytest.mark.parametrize(
    ("path", "login_url"),
    [
        ("/admin/", "/accounts/login/?next=/admin/"),
        ("/admin/login/", "/accounts/login/?next=/admin/"),
        ("/admin/login/?next=/admin/kyc/kyccase/", "/accounts/login/?next=/admin/kyc/kyccase/"),
        ("/admin/kyc/kyccase/?status=MANUAL_REVIEW",
         "/accounts/login/?next=/admin/kyc/kyccase/%3Fstatus%3DMANUAL_REVIEW"),
        ("/admin/login/?next=https://evil.example/", "/accounts/login/?next=/admin/"),
    ],
)  # fmt: skip
def test_the_console_sends_strangers_to_the_one_login_with_the_admin_path(client, path, login_url):
    response = client.get(path)
    assert response.status_code == 302 and response.url == login_url
    # django-otp's admin form (its device list and challenge button) is gone.
    page = client.get(response.url).content.decode()
    assert "otp_device" not in page and "OTP Challenge" not in page
    assert "Forgot your password?" in page


def test_a_staff_member_created_in_the_console_logs_in_at_once_with_an_emailed_code(
    client, reviewer, django_capture_on_commit_callbacks
):
    # Given a superuser adds a member of staff in the console (no profile, no device)
    admin = login_verified(client, reviewer)
    added = admin.post(
        "/admin/accounts/user/add/",
        {
            "email": "officer@smartbank.test",
            "full_name": "Omar Officer",
            "password1": TEST_PASSWORD,
            "password2": TEST_PASSWORD,
        },
    )
    assert added.status_code == 302, re.findall(
        r"errorlist[^<]*<li>([^<]*)", added.content.decode()
    )
    officer = User.objects.get(email="officer@smartbank.test")
    User.objects.filter(pk=officer.pk).update(is_staff=True)  # the "Staff status" box
    assert not OtpDevice.objects.filter(user=officer).exists()
    client.logout()

    # When the officer opens the console and logs in where customers do
    assert client.get("/admin/").url == "/accounts/login/?next=/admin/"
    response = password_step(client, officer.email)
    assert response.url == "/admin/"
    # Then the password alone leads to the code step, whose first page shows no error
    code_page = client.get(client.get("/admin/").url)
    assert code_page.status_code == 200
    assert "errorlist" not in code_page.content.decode()
    assert "Please enter" not in code_page.content.decode()
    # and an emailed code (the device made on demand) opens the console
    response = code_step(client, officer.email, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert OtpDevice.objects.get(user=officer).channel == "EMAIL"


def test_a_password_only_session_cannot_reach_the_console(client, reviewer):
    password_step(client, reviewer.email)
    for path in ("/admin/", "/admin/login/", "/admin/kyc/kyccase/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/accounts/otp/?next=")
    assert DEVICE_ID_SESSION_KEY not in client.session
    # The monitoring check a proxy asks still answers 401, not a redirect.
    assert client.get("/admin/monitoring/staff-check/").status_code == 401


def test_a_verified_customer_is_refused_the_console_with_the_branded_page(client, customer):
    login_verified(client, customer)
    for path in ("/admin/", "/admin/login/"):
        response = client.get(path)
        assert response.status_code == 403
        assert "403.html" in [t.name for t in response.templates]


def test_a_wrong_code_keeps_the_sms_channel_chosen(client, django_capture_on_commit_callbacks):
    # Given a customer whose phone is confirmed, past the password, a code sent by SMS
    now = timezone.now()
    profile = CustomerProfileFactory(email_verified_at=now, phone_verified_at=now)
    OtpDevice.objects.create(user=profile.user, channel="SMS", name="sms", confirmed=True)
    password_step(client, profile.user.email, next_path="/kyc/")
    first = client.get("/accounts/otp/?next=/kyc/").content.decode()
    assert "errorlist" not in first
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/otp/?next=/kyc/", {"action": "send", "channel": "SMS"})
    # When a wrong code is typed
    response = client.post("/accounts/otp/?next=/kyc/", {"action": "verify", "otp": "000000"})
    page = response.content.decode()
    # Then the error shows on the code, SMS stays chosen, so "Send a new code" texts again
    assert "That code is not right" in page
    sms_radio = re.search(r'<input[^>]*value="SMS"[^>]*>', page).group(0)
    email_radio = re.search(r'<input[^>]*value="EMAIL"[^>]*>', page).group(0)
    assert "checked" in sms_radio and "checked" not in email_radio
    assert "Send a new code" in page
    # and no page of the second step ever carries the password (the stock admin form did)
    assert TEST_PASSWORD not in first and TEST_PASSWORD not in page
    # and the right code from the SMS logs in
    response = client.post(
        "/accounts/otp/?next=/kyc/",
        {"action": "verify", "otp": last_sms_code(str(profile.phone)), "next": "/kyc/"},
    )
    assert response.status_code == 302 and response.url == "/kyc/"


# --- logging out ----------------------------------------------------------------------------


def test_customers_log_out_to_a_confirmation_page(client, customer):
    login_verified(client, customer)
    response = client.post("/accounts/logout/", follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/accounts/logged-out/"
    assert "You have logged out" in page and 'href="/accounts/login/"' in page
    assert "_auth_user_id" not in client.session


def test_staff_log_out_of_the_console_to_the_same_page(client, reviewer):
    login_verified(client, reviewer)
    response = client.post("/admin/logout/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/logged-out/"
    assert "You have logged out" in response.content.decode()
    assert client.get("/admin/").url.startswith("/accounts/login/")


# --- favicon and the branded 404 ----------------------------------------------------------


def test_every_page_links_the_favicon_and_favicon_ico_leads_to_it(client):
    page = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response.url == "/static/favicon.svg"
    assert finders.find("favicon.svg")


def test_a_404_with_debug_off_renders_the_branded_page(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    assert "We can&#x27;t find that page" in page or "We can't find that page" in page
    assert "Technical" not in page and "URLconf" not in page


# --- the landing page and where "/" leads ---------------------------------------------------


def test_the_landing_page_says_what_smartbank_is_and_starts_registration(client):
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "ID card" in page and "selfie" in page and "Loans" in page and "waiver" in page
    assert re.search(r'<a class="button" href="/accounts/register/">Open an account</a>', page)
    assert re.search(r'<a class="button secondary" href="/accounts/login/">Log in</a>', page)


def test_a_logged_in_person_visiting_home_goes_to_their_next_step(client, reviewer):
    now = timezone.now()
    new = CustomerProfileFactory(email_verified_at=now).user  # phone not confirmed
    contacts_done = CustomerProfileFactory(email_verified_at=now, phone_verified_at=now).user
    in_review = CustomerProfileFactory(email_verified_at=now, phone_verified_at=now).user
    KycCaseFactory(user=in_review)  # MANUAL_REVIEW
    verified = onboarded_customer()
    expected = {
        new: "/accounts/verify/",
        contacts_done: "/kyc/",
        in_review: "/kyc/",
        verified: "/accounts/bank/",
        reviewer: "/admin/",
    }
    for user, target in expected.items():
        login_verified(client, user)
        assert client.get("/").url == target, user
        client.logout()
    # Past the password only, "/" asks for the code first.
    password_step(client, verified.email, next_path="/")
    assert client.get("/").url.startswith("/accounts/otp/")


# --- the onboarding stepper -----------------------------------------------------------------


def current_step(page: str) -> str:
    return re.search(r'<li class="current" aria-current="step">([^<]+)</li>', page).group(1)


def test_the_onboarding_pages_show_the_stepper_at_their_step(
    client, django_capture_on_commit_callbacks
):
    register = client.get("/accounts/register/").content.decode()
    assert current_step(register) == "Your details"
    assert "Step 1 of 4" in register and "Step 1 of 2" not in register

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/register/",
            {
                "full_name": "Neil Armstrong",
                "email": "neil@example.com",
                "phone": "98765 43210",
                "date_of_birth": "1990-08-05",
                "country_of_residence": "IN",
                "password1": "Tranquility-Base-1969",
                "password2": "Tranquility-Base-1969",
            },
        )
    verify = client.get("/accounts/verify/").content.decode()
    assert current_step(verify) == "Email and phone"
    assert "meanwhile" not in verify
    assert "the identity check opens once your email and phone are confirmed" in verify
    assert len(mail.outbox) == 1

    client.logout()
    login_verified(client, onboarded_customer())
    bank = client.get("/accounts/bank/request/")
    assert bank.status_code == 200
    assert current_step(bank.content.decode()) == "Your account"


def test_staff_without_a_profile_get_codes_by_email_only(client, reviewer):
    password_step(client, reviewer.email)
    page = client.get("/accounts/otp/?next=/admin/").content.decode()
    assert 'value="EMAIL"' in page and 'value="SMS"' not in page


def test_an_inactive_staff_member_cannot_log_in(client):
    staff = UserFactory(is_staff=True, is_active=False)
    response = password_step(client, staff.email)
    assert response.status_code == 200 and "_auth_user_id" not in client.session
