"""The second factor cannot be skipped: not in the admin, not through the API's session auth."""

from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import OtpDevice
from accounts.tests.auth import login_verified
from accounts.tests.factories import TEST_PASSWORD


def test_admin_login_refuses_a_wrong_otp(client, reviewer, django_capture_on_commit_callbacks):
    # Given a staff member past the password of the one login, a code just sent by email
    client.post(
        "/accounts/login/?next=/admin/",
        {"username": reviewer.email, "password": TEST_PASSWORD, "next": "/admin/"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/otp/?next=/admin/", {"action": "send", "channel": "EMAIL"})
    # When someone who knows the password types a wrong code
    response = client.post(
        "/accounts/otp/?next=/admin/", {"action": "verify", "otp": "000000", "next": "/admin/"}
    )
    # Then the code page answers again and the admin stays closed
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get("/admin/kyc/kyccase/").url.startswith("/accounts/otp/")
    device = OtpDevice.objects.get(user=reviewer, channel=OtpDevice.Channel.EMAIL)
    assert device.failed_guesses == 1


def test_api_refuses_a_session_without_the_second_factor(client, customer):
    # Given a customer who passed the password step on the web but not the OTP step
    client.force_login(customer)
    # When the session calls the API
    response = client.get("/api/v1/accounts/")
    # Then the API treats it as unauthenticated
    assert response.status_code in (401, 403)


def test_api_accepts_a_session_with_the_second_factor(client, customer):
    login_verified(client, customer)
    assert client.get("/api/v1/accounts/").status_code == 200
