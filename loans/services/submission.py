"""Submission of a loan application by a customer or an integrator."""

import datetime
import hashlib
import logging
import secrets
import string
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import StepUp
from accounts.services.step_up import step_up_consume
from smartbank.errors import ApplicationError, ConflictError

from .. import rules
from ..countries import country_region, country_resolve
from ..events import loan_application_event_record
from ..models import LoanApplication, LoanApplicationEvent, LoanProduct, Region
from ..selectors import (
    customer_profile_for,
    loan_application_duplicate_exists,
    loan_product_default,
)
from ._transitions import enqueue_checks
from .rollups import rollup_application_added

logger = logging.getLogger(__name__)

EventType = LoanApplicationEvent.Type
_ID_ALPHABET = string.ascii_uppercase + string.digits
PAISA = Decimal("0.01")
CREDIT_SCORE_RANGE = (300, 900)  # CIBIL's range; FICO's 300-850 fits inside
MAX_DOCUMENTS = 20


def application_id_generate(*, on: datetime.date | None = None) -> str:
    """``LOAN-YYYYMMDD-XXXXXXXX``: the local date and 8 random upper-case letters and digits."""
    day = on or timezone.localdate()
    suffix = "".join(secrets.choice(_ID_ALPHABET) for _ in range(8))
    return f"LOAN-{day:%Y%m%d}-{suffix}"


def _amount(value: Any, *, field: str, positive: bool) -> Decimal:
    if isinstance(value, int | str) and not isinstance(value, bool):
        value = Decimal(str(value))
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ApplicationError("Enter an amount in rupees.", code="invalid", field=field)
    if value < 0 or (positive and value == 0):
        word = "positive" if positive else "zero or more"
        raise ApplicationError(f"The amount must be {word}.", code="invalid", field=field)
    if value != value.quantize(PAISA):
        raise ApplicationError(
            "An amount has at most 2 decimal places.", code="invalid", field=field
        )
    if value >= Decimal("1e12"):
        raise ApplicationError("The amount is too large.", code="invalid", field=field)
    return value.quantize(PAISA)


def _text(value: str, *, field: str, max_length: int) -> str:
    value = " ".join(str(value or "").split())
    if not value:
        raise ApplicationError("This field is required.", code="required", field=field)
    if len(value) > max_length:
        raise ApplicationError(f"At most {max_length} characters.", code="max_length", field=field)
    return value


def _applicant_lock(*, key: str) -> None:
    """Serialise submissions of one applicant (transaction-scoped PostgreSQL advisory lock),
    so two identical requests at once cannot both pass the duplicate check."""
    if connection.vendor != "postgresql":  # SQLite serialises every write anyway
        return
    digest = hashlib.sha256(f"loan-applicant:{key}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)]
        )


@transaction.atomic
def loan_application_submit(
    *,
    submitted_by: Any,
    income: Decimal,
    debt: Decimal,
    credit_score: int,
    loan_amount: Decimal,
    loan_purpose: str,
    country: str,
    region: str | None = None,
    product: LoanProduct | None = None,
    customer: Any = None,
    name: str = "",
    email: str = "",
    phone: str = "",
    date_of_birth: datetime.date | None = None,
    tenure_months: int | None = None,
    documents_uploaded: bool = False,
    documents: Sequence[str] = (),
    step_up_id: Any = None,
) -> LoanApplication:
    """File a loan application and enqueue its verification after commit.

    For a registered ``customer`` (a user with a customer profile) the applicant's name,
    email, phone and date of birth come from their account and profile, and KYC means their
    KYC case is VERIFIED; ``name``/``email``/``phone`` are then ignored. Without ``customer``
    (an integrator's submission) they are required and checked by seed 001's KYC rules; the
    phone is stored in E.164 when phonenumbers can read it (national numbers in the country's
    plan: :func:`loans.rules.phone_normalise`), else as given.

    ``country`` is a name or an ISO 3166 alpha-2/alpha-3 code (stored as ``country_code`` and
    ``country``); the stored region is the country's (:func:`loans.countries.country_region`:
    APAC, EMEA or AMERICAS), whatever ``region`` says: integrators may still send one of seed
    001's codes (:class:`~loans.models.Region`; anything else is refused), the web form sends
    none (issue 12: "India (APAC)" and "India (ASIA)" were split on the dashboard); amounts
    ``Decimal`` INR (ints and numeric strings accepted) with at most 2 places;
    ``credit_score`` 300-900; ``tenure_months`` 1 to the product's maximum (default: the
    maximum); ``product`` default :func:`loans.selectors.loan_product_default`.

    ``step_up_id``: the customer's PASSED step-up (face or code) confirming this application,
    used up here (:func:`accounts.services.step_up.step_up_consume`, in this transaction, so a
    refused application leaves it unused). The web form always sends one; API submissions
    (integrators, clients holding a JWT from password + code) send none (README, "Face
    step-up"). Its errors are :class:`ApplicationError` on field ``step_up``.

    Returns the SUBMITTED application. Raises :class:`ApplicationError` with ``field`` for
    invalid input, and :class:`ConflictError` ``DUPLICATE_APPLICATION`` (409) when the same
    applicant has a PENDING or APPROVED application for the same amount and purpose.
    """
    product = product or loan_product_default()
    if product is None or not product.is_active:
        raise ApplicationError(
            "This loan product is not available.", code="invalid_choice", field="product"
        )
    income = _amount(income, field="income", positive=False)
    debt = _amount(debt, field="debt", positive=False)
    loan_amount = _amount(loan_amount, field="loan_amount", positive=True)
    if not isinstance(credit_score, int) or not (
        CREDIT_SCORE_RANGE[0] <= credit_score <= CREDIT_SCORE_RANGE[1]
    ):
        raise ApplicationError(
            "A credit score is a whole number from 300 to 900.",
            code="invalid",
            field="credit_score",
        )
    loan_purpose = _text(loan_purpose, field="loan_purpose", max_length=200)
    if region is not None and region not in Region.values:
        raise ApplicationError(
            f"Choose one of {', '.join(Region.values)}.", code="invalid_choice", field="region"
        )
    resolved = country_resolve(country)
    if resolved is None:
        raise ApplicationError(
            "Enter a country name or ISO 3166 code.", code="invalid", field="country"
        )
    country_code, country_name = resolved
    region = country_region(country_code)
    if tenure_months is None:
        tenure_months = product.max_tenure_months
    if not (1 <= tenure_months <= product.max_tenure_months):
        raise ApplicationError(
            f"Choose a tenure from 1 to {product.max_tenure_months} months.",
            code="invalid",
            field="tenure_months",
        )
    documents = [str(d).strip()[:100] for d in documents if str(d).strip()]
    if len(documents) > MAX_DOCUMENTS:
        raise ApplicationError(
            f"At most {MAX_DOCUMENTS} documents.", code="invalid", field="documents"
        )

    if customer is not None:
        profile = customer_profile_for(user=customer)
        if profile is None:
            raise ApplicationError(
                "Only registered customers apply from their account.", code="NOT_A_CUSTOMER"
            )
        name, email = customer.full_name, customer.email
        phone, date_of_birth = str(profile.phone), profile.date_of_birth
        applicant_key = f"customer:{customer.pk}"
    else:
        name = _text(name, field="name", max_length=150)
        email = _text(email, field="email", max_length=254)
        phone = rules.phone_normalise(
            _text(phone, field="phone", max_length=32), country_code=country_code
        )
        applicant_key = f"email:{email.casefold()}"

    _applicant_lock(key=applicant_key)
    if loan_application_duplicate_exists(
        customer=customer, email=email, loan_amount=loan_amount, loan_purpose=loan_purpose
    ):
        raise ConflictError(
            "This applicant already has a pending or approved application for the same amount"
            " and purpose.",
            code="DUPLICATE_APPLICATION",
        )
    step_up = None
    if step_up_id is not None:
        step_up = step_up_consume(
            step_up_id=step_up_id, user=submitted_by, action=StepUp.Action.LOAN_APPLICATION
        )

    fields = {
        "customer": customer,
        "submitted_by": submitted_by,
        "product": product,
        "name": name,
        "email": email,
        "phone": phone,
        "region": region,
        "country": country_name,
        "country_code": country_code,
        "date_of_birth": date_of_birth,
        "income": income,
        "debt": debt,
        "credit_score": credit_score,
        "loan_amount": loan_amount,
        "loan_purpose": loan_purpose,
        "tenure_months": tenure_months,
        "documents_uploaded": bool(documents_uploaded),
        "documents": documents,
    }
    for attempt in range(5):
        try:
            with transaction.atomic():
                application = LoanApplication.objects.create(
                    application_id=application_id_generate(), **fields
                )
            break
        except IntegrityError:  # an 8-character suffix collided: draw again
            if attempt == 4:
                raise
    loan_application_event_record(
        application=application,
        type=EventType.SUBMITTED,
        actor=submitted_by,
        data={
            "status": application.status,
            "product": product.code,
            "loan_amount": str(loan_amount),
            "tenure_months": tenure_months,
            "registered_customer": customer is not None,
            **({"step_up": {"id": str(step_up.pk), "method": step_up.method}} if step_up else {}),
        },
    )
    rollup_application_added(application)
    logger.info("loan application %s submitted", application.application_id)
    enqueue_checks(application, doorbell=True)
    return application
