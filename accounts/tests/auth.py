"""Log test clients in the way a customer or staff member ends up after password + OTP.

The session and the code readers are :mod:`smartbank.tests.auth`'s (every app's tests may use
them); here the second factor is the customer's EMAIL device, as after a real login.
"""

from typing import Any

from accounts.models import OtpDevice
from smartbank.tests import auth
from smartbank.tests.auth import api_client_for, last_code, last_email_code, last_sms_code

__all__ = ["api_client_for", "last_code", "last_email_code", "last_sms_code", "login_verified"]


def login_verified(client: Any, user: Any) -> Any:
    """Log ``user`` into Django's test ``client`` with the second factor already passed on
    their EMAIL device (as ``django_otp.login`` leaves the session). Returns the client."""
    device, _ = OtpDevice.objects.get_or_create(
        user=user, channel=OtpDevice.Channel.EMAIL, defaults={"name": "email"}
    )
    return auth.login_verified(client, user, device=device)
