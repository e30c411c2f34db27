"""Customers of the load test (``bench/loadtest/run.py`` starts locust on this file).

Each locust user is a customer who, over and over, takes the next pre-rendered Aadhaar card of
the pool (``LOADTEST_POOL``, a JSON manifest written by run.py) and goes through the API as an
integrator's app would:

1. ``POST /api/v1/registrations/`` with the card and a selfie (202);
2. waits for the two verification codes (email, SMS) and confirms both
   (``POST .../verify-contact/``);
3. takes a JWT in two steps (``POST /api/v1/auth/token/``, then the emailed sign-in code to
   ``/api/v1/auth/token/otp/``);
4. polls ``GET /api/v1/kyc/cases/{id}/`` (and now and then ``GET /api/v1/registrations/{id}/``)
   every ``POLL_SECONDS`` until the case is decided;
5. applies for a loan (``POST /api/v1/loan-applications/`` with an ``Idempotency-Key``, 201);
6. polls ``GET /api/v1/loan-applications/{id}/`` until the application is decided.

Codes are read from the workers' outbox file (``LOADTEST_OUTBOX``, see ``deliveries.py``). Every
record the API answered as created, and every client-side wait, is appended as one JSON line
to ``LOADTEST_RECORDS`` for run.py to check against the database. Any unexpected answer is a
locust failure and ends that customer's journey; so is a code that never arrives
(``CODE_TIMEOUT_SECONDS``).
"""

import json
import os
import re
import time
import uuid
from collections import defaultdict
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task
from locust.exception import StopUser

POLL_SECONDS = 2.0
CODE_TIMEOUT_SECONDS = 600.0
DECISION_TIMEOUT_SECONDS = 900.0
OPEN_KYC = {"PENDING", "PROCESSING"}
OPEN_LOAN = {"SUBMITTED", "PROCESSING"}
PASSWORD = "Load-Test-Tulsi-7391"  # noqa: S105 - the load test's customers' password
EMAIL_VERIFY = re.compile(r"verification code is (\d{6})")
SMS_VERIFY = re.compile(r"(\d{6}) is your SmartBank code to verify")
EMAIL_SIGN_IN = re.compile(r"sign-in code is (\d{6})")


class Outbox:
    """The messages the workers sent, read incrementally from the outbox file, by recipient.

    Greenlets share one instance; reading does not yield, so no lock is needed."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self.offset = 0
        self.partial = b""
        self.messages: dict[str, list[str]] = defaultdict(list)

    def refresh(self) -> None:
        try:
            with self.path.open("rb") as handle:
                handle.seek(self.offset)
                data = handle.read()
        except FileNotFoundError:
            return
        self.offset += len(data)
        data = self.partial + data
        complete, _, self.partial = data.rpartition(b"\n")
        for line in complete.splitlines():
            message = json.loads(line)
            self.messages[message["to"]].append(message["text"])

    def count(self, recipient: str) -> int:
        self.refresh()
        return len(self.messages[recipient])

    def wait_code(self, recipient: str, pattern: re.Pattern, *, since: int) -> str | None:
        """The code of the first message to ``recipient`` after its first ``since`` ones that
        matches ``pattern``; None after ``CODE_TIMEOUT_SECONDS``."""
        deadline = time.monotonic() + CODE_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            self.refresh()
            for text in self.messages[recipient][since:]:
                if found := pattern.search(text):
                    return found.group(1)
            gevent.sleep(0.25)
        return None


OUTBOX = Outbox(os.environ["LOADTEST_OUTBOX"])
POOL = iter(json.loads(Path(os.environ["LOADTEST_POOL"]).read_text()))
RECORDS = Path(os.environ["LOADTEST_RECORDS"])


def record(kind: str, **fields: object) -> None:
    with RECORDS.open("a") as handle:
        handle.write(json.dumps({"kind": kind, "at": time.time(), **fields}) + "\n")


def wait_failed(name: str, started: float, message: str) -> None:
    """A client-side wait that never ended: a locust failure like an HTTP one."""
    events.request.fire(
        request_type="WAIT",
        name=name,
        response_time=(time.monotonic() - started) * 1000,
        response_length=0,
        exception=TimeoutError(message),
        context={},
    )


class JourneyFailed(Exception):
    """An answer was not the one expected; the failure is already recorded."""


class Customer(HttpUser):
    wait_time = between(0.5, 1.5)

    def _call(self, method: str, path: str, *, name: str, expect: int, **kwargs: object) -> dict:
        """One request; an answer other than ``expect`` (or not JSON) is a failure."""
        with self.client.request(
            method, path, name=name, catch_response=True, **kwargs
        ) as response:
            if response.status_code != expect:
                response.failure(f"{response.status_code}: {response.text[:300]}")
                raise JourneyFailed
            if expect == 204:
                return {}
            try:
                return response.json()
            except ValueError:
                response.failure(f"not JSON: {response.text[:300]}")
                raise JourneyFailed from None

    def _code(self, recipient: str, pattern: re.Pattern, *, since: int, name: str) -> str:
        started = time.monotonic()
        code = OUTBOX.wait_code(recipient, pattern, since=since)
        if code is None:
            wait_failed(name, started, f"no code for {name} in {CODE_TIMEOUT_SECONDS:.0f} s")
            raise JourneyFailed
        record("wait", name=name, seconds=time.monotonic() - started)
        return code

    def _poll(
        self, path: str, *, name: str, open_statuses: set, wait_name: str, since: float, **kw
    ) -> str:
        """GET ``path`` every POLL_SECONDS until its status is no longer open; returns it and
        records the time from ``since`` (a ``time.monotonic()``) as the wait ``wait_name``."""
        started = time.monotonic()
        while time.monotonic() - started < DECISION_TIMEOUT_SECONDS:
            status = self._call("GET", path, name=name, expect=200, **kw)["status"]
            if status not in open_statuses:
                record("wait", name=wait_name, seconds=time.monotonic() - since)
                return status
            gevent.sleep(POLL_SECONDS)
        wait_failed(wait_name, started, f"still open after {DECISION_TIMEOUT_SECONDS:.0f} s")
        raise JourneyFailed

    @task
    def journey(self) -> None:
        card = next(POOL, None)
        if card is None:
            record("pool_exhausted")
            raise StopUser
        try:
            self._journey(card)
        except JourneyFailed:
            pass

    def _journey(self, card: dict) -> None:
        email, phone = card["email"], card["phone"]
        with open(card["card"], "rb") as id_file, open(card["selfie"], "rb") as selfie:
            files = {
                "id_document": ("card.jpg", id_file.read(), "image/jpeg"),
                "selfie": ("selfie.jpg", selfie.read(), "image/jpeg"),
            }
        registered_at = time.monotonic()
        body = self._call(
            "POST",
            "/api/v1/registrations/",
            name="POST /api/v1/registrations/",
            expect=202,
            data={
                "email": email,
                "password": PASSWORD,
                "full_name": card["name"],
                "date_of_birth": card["dob"],
                "phone": phone,
                "id_type": "AADHAAR",
                "id_number": card["number"],
            },
            files=files,
        )
        registration, case = body["registration_id"], body["kyc_case_id"]
        record("registration", registration_id=registration, kyc_case_id=case, email=email)

        verify = f"/api/v1/registrations/{registration}/verify-contact/"
        verify_name = "POST /api/v1/registrations/[id]/verify-contact/"
        code = self._code(email, EMAIL_VERIFY, since=0, name="email verification code arrives")
        self._call(
            "POST", verify, name=verify_name, expect=200, json={"channel": "EMAIL", "otp": code}
        )
        code = self._code(phone, SMS_VERIFY, since=0, name="SMS verification code arrives")
        self._call(
            "POST", verify, name=verify_name, expect=200, json={"channel": "SMS", "otp": code}
        )

        since = OUTBOX.count(email)
        mfa = self._call(
            "POST",
            "/api/v1/auth/token/",
            name="POST /api/v1/auth/token/",
            expect=200,
            json={"email": email, "password": PASSWORD, "channel": "EMAIL"},
        )["mfa_token"]
        code = self._code(email, EMAIL_SIGN_IN, since=since, name="sign-in code arrives")
        access = self._call(
            "POST",
            "/api/v1/auth/token/otp/",
            name="POST /api/v1/auth/token/otp/",
            expect=200,
            json={"mfa_token": mfa, "otp": code},
        )["access"]
        auth = {"Authorization": f"Bearer {access}"}

        self._call(
            "GET",
            f"/api/v1/registrations/{registration}/",
            name="GET /api/v1/registrations/[id]/",
            expect=200,
            headers=auth,
        )
        kyc_status = self._poll(
            f"/api/v1/kyc/cases/{case}/",
            name="GET /api/v1/kyc/cases/[id]/",
            open_statuses=OPEN_KYC,
            wait_name="KYC decision seen (after registering)",
            since=registered_at,
            headers=auth,
        )
        record("kyc_seen", kyc_case_id=case, status=kyc_status)
        self._call(
            "GET",
            f"/api/v1/registrations/{registration}/",
            name="GET /api/v1/registrations/[id]/",
            expect=200,
            headers=auth,
        )

        applied_at = time.monotonic()
        application = self._call(
            "POST",
            "/api/v1/loan-applications/",
            name="POST /api/v1/loan-applications/",
            expect=201,
            headers={**auth, "Idempotency-Key": str(uuid.uuid4())},
            json={
                "name": card["name"],
                "email": email,
                "phone": phone,
                "region": "APAC",
                "country": "IN",
                "income": "85000.00",
                "debt": "25000.00",
                "credit_score": 720,
                "loan_amount": str(200000 + card["n"] % 50 * 1000),
                "loan_purpose": "Home renovation",
                "documents_uploaded": True,
                "documents": ["aadhaar"],
            },
        )["application"]["application_id"]
        record("loan", application_id=application, registration_id=registration)
        loan_status = self._poll(
            f"/api/v1/loan-applications/{application}/",
            name="GET /api/v1/loan-applications/[id]/",
            open_statuses=OPEN_LOAN,
            wait_name="loan decision seen (after applying)",
            since=applied_at,
            headers=auth,
        )
        record("loan_seen", application_id=application, status=loan_status)
