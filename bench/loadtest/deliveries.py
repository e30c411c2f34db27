"""The load test's mailbox: an email backend and an SMS gateway that append each message as
one JSON line to the file named by ``LOADTEST_OUTBOX``, so the locust process reads the codes
the Celery workers send (console and locmem backends cannot cross processes).

The workers load them through ``EMAIL_BACKEND=bench.loadtest.deliveries.JsonlEmailBackend`` and
``SMS_BACKEND=bench.loadtest.deliveries.JsonlSmsGateway`` (``bench/loadtest/run.py`` sets both, with
the repository on ``PYTHONPATH``). Each line is ``{"channel", "to", "subject", "text"}``, written
with one ``write`` on a file opened for appending, so two workers never interleave a line. The
file holds one-time codes: it lives in the run's private temporary folder and goes with it.
"""

import json
import os
import uuid

from django.core.mail.backends.base import BaseEmailBackend

from smartbank.sms import SmsGateway


def _append(lines: list[dict]) -> None:
    data = "".join(json.dumps(line) + "\n" for line in lines).encode()
    fd = os.open(os.environ["LOADTEST_OUTBOX"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


class JsonlEmailBackend(BaseEmailBackend):
    """Django email backend: one line per recipient of each message."""

    def send_messages(self, email_messages) -> int:  # noqa: ANN001 - Django's signature
        _append(
            [
                {"channel": "EMAIL", "to": to, "subject": message.subject, "text": message.body}
                for message in email_messages
                for to in message.recipients()
            ]
        )
        return len(email_messages)


class JsonlSmsGateway(SmsGateway):
    """SMS gateway: one line per message."""

    def send(self, *, to: str, text: str) -> str:
        _append([{"channel": "SMS", "to": to, "subject": "", "text": text}])
        return f"loadtest-{uuid.uuid4().hex}"
