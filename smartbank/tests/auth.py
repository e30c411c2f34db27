"""Log test clients in as someone who passed the second factor, and read the codes sent.

Through django-otp's own API only, so the tests of every app may use it: the device is one of
the user's django-otp devices (whichever device model the project installs,
``django_otp.device_classes()``), made bare when the user has none. ``accounts.tests.auth``
gives customers their EMAIL device first.
"""

import re
from typing import Any

from django.core import mail
from django_otp import DEVICE_ID_SESSION_KEY, device_classes, devices_for_user
from django_otp.models import Device
from rest_framework.test import APIClient


def otp_device_for(user: Any) -> Device:
    """One of ``user``'s django-otp devices, created (name ``test``, other fields at their
    defaults) when they have none."""
    device = next(iter(devices_for_user(user, confirmed=None)), None)
    if device is None:
        (device_class,) = device_classes()
        device = device_class.objects.create(user=user, name="test")
    return device


def login_verified(client: Any, user: Any, *, device: Device | None = None) -> Any:
    """Log ``user`` into Django's test ``client`` with the second factor already passed (as
    ``django_otp.login`` leaves the session), on ``device`` or :func:`otp_device_for`'s.
    Returns the client."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = (device or otp_device_for(user)).persistent_id
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
