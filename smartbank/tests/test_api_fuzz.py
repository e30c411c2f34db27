"""schemathesis against the API's own OpenAPI schema (issue #10): every operation of
``/api/schema/``, with generated inputs, as a KYC-verified customer and as staff; no 5xx.

The schema is loaded from the project's WSGI app (``schemathesis.openapi.from_wsgi``) and every
case is called through it in process, inside the test's database transaction (PostgreSQL with
``make test``). Each case carries the caller's JWT (``Authorization: Bearer``), as an
integrator's would; schemathesis generates no credentials of its own.

Checks: schemathesis' defaults, so besides ``not_a_server_error`` the answers must conform to
the schema (documented status codes, content types, response bodies and headers), an operation
that needs a login must refuse a request without one (``ignored_auth``) and an undeclared method
must be refused. Two are off, as too noisy for what they would tell:

- ``positive_data_acceptance`` expects a 2xx for anything the schema allows, but a valid phone
  number, a real country, a loan the caller owns or an image for an upload are business rules
  the schema cannot state, and drf-spectacular's decimal pattern also matches ``""``.
- ``negative_data_rejection`` expects a 4xx for anything the schema forbids, but DRF reads an
  empty form or query value (``?status=``) as an omitted one, on purpose.

To reach past the first 404 and 400, half the draws of a path parameter or body field named in
:data:`KNOWN` take the fixture's value (the customer's account, loan, waiver, case; a valid
phone number, a country, amounts), the other fields staying generated.

Bounded for ``make test`` (about two minutes on two cores): few examples per operation beyond
schemathesis' deterministic coverage cases, no deadline, derandomized (the same inputs every
run). Rate limits and django-axes' lockout are raised for the test so the run reaches the views
(a 429 would not be a failure either). Work enqueued after commit (KYC and waiver OCR, loan
checks) never runs: the test's transaction is rolled back, not committed.
"""

import io
from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import strategies as st
from rest_framework_simplejwt.tokens import RefreshToken

MAX_EXAMPLES = 20

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {"with-security-parameters": False},  # the test sends the JWT
        "checks": {
            "positive_data_acceptance": {"enabled": False},
            "negative_data_rejection": {"enabled": False},
        },
    }
)

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)

#: Path parameters and body fields, by name, that the fixture fills with values of its records
#: or that pass the rules the schema cannot state.
KNOWN: dict[str, Any] = {}


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(out, "PNG")
    return out.getvalue()


PNG = _png()


def _with_known(values: Any) -> Any:
    """Each field of ``values`` named in :data:`KNOWN`: what was generated, or the known
    value."""
    if not isinstance(values, dict) or not any(name in KNOWN for name in values):
        return st.just(values)
    return st.fixed_dictionaries(
        {
            name: st.sampled_from([value, KNOWN[name]]) if name in KNOWN else st.just(value)
            for name, value in values.items()
        }
    )


@schema.hook
def flatmap_path_parameters(context: schemathesis.HookContext, path_parameters: Any) -> Any:
    return _with_known(path_parameters)


@schema.hook
def flatmap_body(context: schemathesis.HookContext, body: Any) -> Any:
    return _with_known(body)


@pytest.fixture
def wsgi_in_test_transaction() -> Iterator[None]:
    """Requests through the WSGI app keep the test's connection open, as Django's test client
    does: closing it at the end of a request would end the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(db, settings, wsgi_in_test_transaction) -> dict[str, Any]:  # noqa: ANN001
    """A KYC-verified customer with an account, an approved loan with a waiver in review and a
    loan awaiting review; a member of staff in every officer group. Fills :data:`KNOWN`."""
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from accounts.tests.banking_factories import open_account
    from accounts.tests.factories import CustomerProfileFactory, UserFactory
    from kyc.models import OcrFlow
    from kyc.tests.factories import KycCaseFactory
    from waivers.tests import factories as waivers

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast setup
    settings.API_RATE_LIMITS = {name: "100000/hour" for name in settings.API_RATE_LIMITS}
    settings.AXES_FAILURE_LIMIT = 100000
    now = timezone.now()
    customer = UserFactory(full_name="Neil Armstrong")
    profile = CustomerProfileFactory(user=customer, email_verified_at=now, phone_verified_at=now)
    case = KycCaseFactory(user=customer, status="VERIFIED", reasons=[])
    staff = UserFactory(is_staff=True, full_name="Sam Staff")
    staff.groups.add(*Group.objects.all())  # the officer groups the migrations seed
    account = open_account(user=customer, reviewer=staff)
    loan = waivers.approved_loan(customer=customer)
    in_review = waivers.approved_loan(customer=customer, status="REVIEW")
    waiver = waivers.waiver_in_review(customer=customer, loan=loan, amount=1000, document=PNG)
    flow = OcrFlow.objects.create(user=customer)
    KNOWN.clear()
    KNOWN.update(
        registration_id=str(profile.id),
        kyc_case_id=str(case.id),
        flow_id=str(flow.id),
        number=account.number,
        application_id=in_review.application_id,
        waiver_id=str(waiver.id),
        refresh=str(RefreshToken.for_user(customer)),
        loan=loan.application_id,
        waiver_type="interest",
        certificate_type="agri-debt-relief",
        certificate_number="MH/2024/004517",
        product="personal-standard",
        phone="+919876543210",
        country="India",
        email="fuzz.customer@example.com",
        id_number="234567890124",
        income="900000.00",
        debt="50000.00",
        loan_amount="250000.00",
        amount="100.00",
        percent="5.00",
        document=PNG,
        id_document=PNG,
        selfie=PNG,
    )
    return {"customer": customer, "staff": staff}


def _bearer(user: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {RefreshToken.for_user(user).access_token}"}


BOUNDED = hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    # One world per operation, shared by its examples; the WSGI app is slow to answer at times.
    suppress_health_check=list(hypothesis.HealthCheck),
)


@schema.parametrize()
@BOUNDED
def test_api_as_a_verified_customer(case: schemathesis.Case, fuzz_world: dict[str, Any]) -> None:
    case.call_and_validate(headers=_bearer(fuzz_world["customer"]))


@schema.parametrize()
@BOUNDED
def test_api_as_staff(case: schemathesis.Case, fuzz_world: dict[str, Any]) -> None:
    case.call_and_validate(headers=_bearer(fuzz_world["staff"]))
