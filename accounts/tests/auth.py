"""Log test clients in the way a customer or staff member ends up after password + OTP."""

import re
from typing import Any

from django.core import mail
from django_otp import DEVICE_ID_SESSION_KEY
from rest_framework.test import APIClient

from accounts.models import OtpDevice


def login_verified(client: Any, user: Any) -> Any:
    """Log ``user`` into Django's test ``client`` with the second factor already passed
    (as ``django_otp.login`` leaves the session). Returns the client."""
    client.force_login(user)
    device, _ = OtpDevice.objects.get_or_create(
        user=user, channel=OtpDevice.Channel.EMAIL, defaults={"name": "email"}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def api_client_for(user: Any) -> APIClient:
    """An API client authenticated as ``user`` (as with a JWT from the two-step exchange)."""
    client = APIClient()
    client.force_authenticate(user)
    return client


def last_code(text: str) -> str:
    """The 6-digit code in a message body."""
    match = re.search(r"\b(\d{6})\b", text)
    assert match, "no 6-digit code in the message"
    return match.group(1)


def last_email_code(to: str) -> str:
    """The code in the newest email sent to ``to`` (Django's locmem outbox)."""
    messages = [m for m in mail.outbox if to in m.to and "code" in m.subject]
    assert messages, f"no code email to {to}"
    return last_code(messages[-1].body)


def last_sms_code(to: str) -> str:
    """The code in the newest SMS sent to ``to`` (the locmem SMS gateway's outbox)."""
    from smartbank.sms import outbox

    texts = [text for number, text in outbox if number == to]
    assert texts, f"no SMS to {to}"
    return last_code(texts[-1])
