"""One-time passwords: contact verification, the login second factor, lockouts (issue #3).

Email goes to Django's locmem outbox and SMS to the locmem SMS gateway (both on this machine);
nothing is mocked.
"""

import datetime
import io

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import CustomerProfile, OtpDevice
from accounts.tests.auth import last_email_code, last_sms_code, login_verified
from accounts.tests.factories import TEST_PASSWORD, CustomerProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "neil@example.com"
PHONE = "+919876543210"


@pytest.fixture
def registered(django_capture_on_commit_callbacks, astronaut_card_png, astronaut_selfie_jpg):
    """A customer registered through the API; codes sent to the email and the phone."""
    with django_capture_on_commit_callbacks(execute=True):
        response = APIClient().post(
            "/api/v1/registrations/",
            {
                "email": EMAIL,
                "password": "Tranquility-Base-1969",
                "full_name": "Neil Armstrong",
                "date_of_birth": "1990-08-05",
                "phone": PHONE,
                "id_type": "AADHAAR",
                "id_number": "234567890124",
                "id_document": io.BytesIO(astronaut_card_png),
                "selfie": io.BytesIO(astronaut_selfie_jpg),
            },
            format="multipart",
        )
    assert response.status_code == 202, response.content
    return response.json()["registration_id"]


def verify(registration_id, channel, otp):
    return APIClient().post(
        f"/api/v1/registrations/{registration_id}/verify-contact/",
        {"channel": channel, "otp": otp},
        format="json",
    )


def test_registration_codes_verify_email_and_phone(registered):
    assert verify(registered, "EMAIL", last_email_code(EMAIL)).json() == {
        "email_verified": True,
        "phone_verified": False,
    }
    assert verify(registered, "SMS", last_sms_code(PHONE)).json() == {
        "email_verified": True,
        "phone_verified": True,
    }
    profile = CustomerProfile.objects.get(pk=registered)
    assert profile.email_verified_at and profile.phone_verified_at


def test_a_code_is_single_use(registered):
    code = last_email_code(EMAIL)
    assert verify(registered, "EMAIL", code).status_code == 200
    again = verify(registered, "EMAIL", code)
    assert again.status_code == 400
    assert again.json()["code"] == "OTP_NO_CODE"


def test_an_expired_code_is_refused(registered):
    code = last_email_code(EMAIL)
    OtpDevice.objects.filter(user__email=EMAIL, channel="EMAIL").update(
        valid_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = verify(registered, "EMAIL", code)
    assert response.status_code == 400 and response.json()["code"] == "OTP_EXPIRED"


def test_five_wrong_guesses_lock_the_code_even_the_right_one(registered):
    right = last_email_code(EMAIL)
    wrong = "000000" if right != "000000" else "111111"
    codes = [verify(registered, "EMAIL", wrong).json()["code"] for _ in range(5)]
    assert codes == ["OTP_INVALID"] * 4 + ["OTP_LOCKED"]
    assert verify(registered, "EMAIL", right).json()["code"] == "OTP_LOCKED"
    assert CustomerProfile.objects.get(pk=registered).email_verified_at is None


def test_resend_is_rate_limited_and_replaces_the_code(
    registered, settings, django_capture_on_commit_callbacks
):
    old = last_email_code(EMAIL)
    response = APIClient().post(
        f"/api/v1/registrations/{registered}/resend-otp/", {"channel": "EMAIL"}
    )
    assert response.status_code == 400 and response.json()["code"] == "OTP_RESEND_TOO_SOON"

    settings.OTP_RESEND_COOLDOWN_SECONDS = 0
    with django_capture_on_commit_callbacks(execute=True):
        response = APIClient().post(
            f"/api/v1/registrations/{registered}/resend-otp/", {"channel": "EMAIL"}
        )
    assert response.status_code == 202
    new = last_email_code(EMAIL)
    if new != old:
        assert verify(registered, "EMAIL", old).json()["code"] == "OTP_INVALID"
    assert verify(registered, "EMAIL", new).status_code == 200


def test_codes_are_stored_only_hashed(registered):
    code = last_email_code(EMAIL)
    device = OtpDevice.objects.get(user__email=EMAIL, channel="EMAIL")
    assert code not in device.token_hash and len(device.token_hash) == 64


def test_jwt_needs_password_then_otp(django_capture_on_commit_callbacks):
    user = CustomerProfileFactory().user
    with django_capture_on_commit_callbacks(execute=True):
        step1 = APIClient().post(
            "/api/v1/auth/token/", {"email": user.email, "password": TEST_PASSWORD}
        )
    assert step1.status_code == 200 and "access" not in step1.json()
    bad = APIClient().post(
        "/api/v1/auth/token/otp/", {"mfa_token": step1.json()["mfa_token"], "otp": "12345x"}
    )
    assert bad.status_code == 400
    good = APIClient().post(
        "/api/v1/auth/token/otp/",
        {"mfa_token": step1.json()["mfa_token"], "otp": last_email_code(user.email)},
    )
    assert good.status_code == 200 and {"access", "refresh"} == set(good.json())
    forged = APIClient().post(
        "/api/v1/auth/token/otp/", {"mfa_token": "x" + step1.json()["mfa_token"], "otp": "123456"}
    )
    assert forged.status_code == 400 and forged.json()["code"] == "MFA_TOKEN_INVALID"


def test_sms_login_code_only_once_the_phone_is_verified():
    user = CustomerProfileFactory().user
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": user.email, "password": TEST_PASSWORD, "channel": "SMS"}
    )
    assert response.status_code == 400 and response.json()["code"] == "CHANNEL_NOT_VERIFIED"


@pytest.mark.parametrize("email", ["someone@example.com", "nobody@example.com"])
def test_repeated_failures_lock_the_jwt_endpoint_without_revealing_the_email(email, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(email="someone@example.com")
    answers = [
        APIClient().post(
            "/api/v1/auth/token/", {"email": email, "password": "wrong"}, REMOTE_ADDR="127.0.0.9"
        )
        for _ in range(4)
    ]
    assert [a.status_code for a in answers] == [401, 401, 429, 429]
    assert answers[0].json() == {
        "detail": "Invalid email or password.",
        "code": "invalid_credentials",
    }
    assert answers[-1].json()["code"] == "locked"


def test_web_login_then_otp_then_pages(client, django_capture_on_commit_callbacks):
    user = CustomerProfileFactory(email_verified_at=timezone.now()).user
    response = client.post("/accounts/login/", {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    # The password alone does not open customer pages.
    page = client.get("/kyc/")
    assert page.status_code == 302 and page.url.startswith("/accounts/otp/")

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/otp/", {"action": "send", "channel": "EMAIL"})
    response = client.post(
        "/accounts/otp/?next=/kyc/", {"action": "verify", "otp": last_email_code(user.email)}
    )
    assert response.status_code == 302 and response.url == "/kyc/"
    assert client.get("/kyc/submit/").status_code == 200


def test_web_login_locks_after_repeated_failures(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    user = CustomerProfileFactory().user
    for _ in range(2):
        client.post("/accounts/login/", {"username": user.email, "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": user.email, "password": TEST_PASSWORD})
    assert locked.status_code == 429
    assert b"Too many failed attempts" in locked.content


def test_staff_need_an_otp_for_the_admin(client, reviewer):
    client.force_login(reviewer)
    # The password alone leads to the code step of the one login, not into the console.
    response = client.get("/admin/kyc/kyccase/")
    assert response.status_code == 302
    assert response.url == "/accounts/otp/?next=%2Fadmin%2Fkyc%2Fkyccase%2F"
    login_verified(client, reviewer)
    assert client.get("/admin/kyc/kyccase/").status_code == 200


def test_web_registration_sends_codes_and_verification_page_confirms_both(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/register/",
            {
                "full_name": "Neil Armstrong",
                "email": EMAIL,
                "phone": "98765 43210",
                "date_of_birth": "1990-08-05",
                "password1": "Tranquility-Base-1969",
                "password2": "Tranquility-Base-1969",
            },
        )
    assert response.url.startswith("/accounts/verify/")
    assert len(mail.outbox) == 1
    # Until the email is confirmed, customer pages lead back to the verification page.
    assert client.get("/kyc/submit/").url.startswith("/accounts/verify/")

    client.post(
        "/accounts/verify/",
        {"channel": "EMAIL", "action": "verify", "email-otp": last_email_code(EMAIL)},
    )
    response = client.post(
        "/accounts/verify/?next=/kyc/submit/",
        {
            "channel": "SMS",
            "action": "verify",
            "sms-otp": last_sms_code(PHONE),
            "next": "/kyc/submit/",
        },
    )
    assert response.status_code == 302 and response.url == "/kyc/submit/"
    assert client.get("/kyc/submit/").status_code == 200


def test_demo_staff_can_log_into_the_admin_with_an_emailed_code(
    client, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    call_command("create_demo_data", stdout=io.StringIO())
    email, password = "staff@smartbank.local", "smartbank-demo-staff"
    # The console sends a stranger to the one login, which sends them back after both steps.
    assert client.get("/admin/").url == "/accounts/login/?next=/admin/"
    response = client.post(
        "/accounts/login/?next=/admin/",
        {"username": email, "password": password, "next": "/admin/"},
    )
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/").url == "/accounts/otp/?next=%2Fadmin%2F"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/otp/?next=/admin/", {"action": "send", "channel": "EMAIL"})
    response = client.post(
        "/accounts/otp/?next=/admin/",
        {"action": "verify", "otp": last_email_code(email), "next": "/admin/"},
    )
    assert response.status_code == 302 and response.url == "/admin/"
    assert client.get("/admin/kyc/kyccase/").status_code == 200


def test_registration_and_contact_verification_are_audited(registered):
    verify(registered, "EMAIL", last_email_code(EMAIL))
    profile = CustomerProfile.objects.get(pk=registered)
    assert list(profile.events.values_list("type", flat=True)) == ["REGISTERED", "EMAIL_VERIFIED"]


def test_codes_per_hour_are_capped_so_resends_cannot_extend_guessing(
    registered, settings, django_capture_on_commit_callbacks
):
    settings.OTP_RESEND_COOLDOWN_SECONDS = 0
    settings.OTP_MAX_CODES_PER_HOUR = 3
    answers = []
    for _ in range(3):  # the registration already sent one code: two more allowed
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(APIClient().post(f"/api/v1/registrations/{registered}/resend-otp/",
                                            {"channel": "EMAIL"}))
    assert [a.status_code for a in answers] == [202, 202, 400]
    assert answers[-1].json()["code"] == "OTP_TOO_MANY_CODES"


def test_web_login_accepts_the_email_in_any_case(client):
    user = CustomerProfileFactory(email_verified_at=timezone.now()).user
    response = client.post("/accounts/login/", {"username": user.email.upper(),
                                                "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.url.startswith("/")
