"""SMS gateways: a small interface and its backends, chosen by ``settings.SMS_BACKEND``.

Like Django's email backends: :class:`ConsoleSmsGateway` (the default) prints each message to
stdout so a developer can follow OTP flows by hand, :class:`LocmemSmsGateway` keeps messages in
:data:`outbox` for tests, and :class:`HttpSmsGateway` posts to a provider's JSON API. No ORM
here, and nothing in this module logs a message's text or number.
"""

import json
import sys
import urllib.error
import urllib.request
import uuid
from abc import ABC, abstractmethod
from typing import TextIO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

#: Messages "sent" by :class:`LocmemSmsGateway`, as ``(to, text)`` pairs, oldest first.
outbox: list[tuple[str, str]] = []


class SmsDeliveryError(Exception):
    """The gateway did not accept the message. The text says why, without the message text."""


class SmsGateway(ABC):
    """Sends one SMS. Subclasses take no required constructor arguments (built from settings)."""

    @abstractmethod
    def send(self, *, to: str, text: str) -> str:
        """Send ``text`` to ``to`` (E.164, e.g. ``+919876543210``).

        Returns the provider's message id. Raises :class:`SmsDeliveryError` on failure.
        """


class ConsoleSmsGateway(SmsGateway):
    """Writes ``SMS to <number>: <text>`` to stdout (development only: it shows OTPs)."""

    def __init__(self, *, stream: TextIO | None = None) -> None:
        self.stream = stream

    def send(self, *, to: str, text: str) -> str:
        stream = self.stream or sys.stdout
        stream.write(f"SMS to {to}: {text}\n")
        stream.flush()
        return f"console-{uuid.uuid4().hex}"


class LocmemSmsGateway(SmsGateway):
    """Appends ``(to, text)`` to the module-level :data:`outbox` (for tests)."""

    def send(self, *, to: str, text: str) -> str:
        outbox.append((to, text))
        return f"locmem-{len(outbox)}"


class HttpSmsGateway(SmsGateway):
    """A provider's HTTP API: ``POST <SMS_GATEWAY_URL>`` with JSON ``{"to", "from", "text"}``
    and ``Authorization: Bearer <SMS_GATEWAY_API_KEY>``; the JSON answer carries ``id``.

    ``from`` is ``settings.SMS_SENDER_ID``; the request gives up after
    ``settings.SMS_GATEWAY_TIMEOUT`` seconds. Raises :class:`ImproperlyConfigured` when the URL
    (http or https) or the key is missing.
    """

    def __init__(
        self,
        *,
        url: str | None = None,
        api_key: str | None = None,
        sender_id: str | None = None,
        timeout: float | None = None,
    ) -> None:
        self.url = url if url is not None else settings.SMS_GATEWAY_URL
        self.api_key = api_key if api_key is not None else settings.SMS_GATEWAY_API_KEY
        self.sender_id = sender_id if sender_id is not None else settings.SMS_SENDER_ID
        self.timeout = timeout if timeout is not None else settings.SMS_GATEWAY_TIMEOUT
        if not self.url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("SMS_GATEWAY_URL must be an http(s) URL.")
        if not self.api_key:
            raise ImproperlyConfigured("SMS_GATEWAY_API_KEY must be set for HttpSmsGateway.")

    def send(self, *, to: str, text: str) -> str:
        payload = json.dumps({"to": to, "from": self.sender_id, "text": text}).encode()
        request = urllib.request.Request(  # noqa: S310 - scheme checked in __init__
            self.url,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Authorization": f"Bearer {self.api_key}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status = response.status
                answer = response.read(65_536)
        except urllib.error.HTTPError as exc:
            raise SmsDeliveryError(f"gateway answered HTTP {exc.code}") from exc
        except urllib.error.URLError as exc:
            raise SmsDeliveryError(f"gateway unreachable: {exc.reason}") from exc
        except OSError as exc:  # a timeout while reading the answer
            raise SmsDeliveryError(f"gateway unreachable: {type(exc).__name__}") from exc
        if not 200 <= status < 300:
            raise SmsDeliveryError(f"gateway answered HTTP {status}")
        try:
            message_id = json.loads(answer)["id"]
        except (ValueError, KeyError, TypeError) as exc:
            raise SmsDeliveryError("gateway answer has no message id") from exc
        return str(message_id)


def get_sms_gateway() -> SmsGateway:
    """The gateway named by ``settings.SMS_BACKEND`` (a dotted path), freshly built."""
    return import_string(settings.SMS_BACKEND)()
