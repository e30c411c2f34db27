"""Submission of a loan application by a customer or an integrator."""

import datetime
import logging
import secrets
import string
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import StepUp
from accounts.services.step_up import step_up_consume
from smartbank.db import exists_after_lock, insert_statement, statements_run
from smartbank.errors import ApplicationError, ConflictError

from .. import rules
from ..countries import country_region, country_resolve
from ..events import loan_application_event_build
from ..models import LoanApplication, LoanApplicationEvent, LoanProduct, Region
from ..selectors import (
    LOAN_APPLICATION_DUPLICATE_OF_CUSTOMER,
    LOAN_APPLICATION_DUPLICATE_OF_EMAIL,
    customer_profile_for,
    loan_product_default,
)
from ._transitions import checks_message_build, checks_publish_on_commit
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
    # One draw of the 36**8 suffixes, written in base 36: as uniform as 8 draws of a letter,
    # with one read of the system's random source instead of eight (issue 13).
    n, suffix = secrets.randbelow(len(_ID_ALPHABET) ** 8), []
    for _ in range(8):
        n, digit = divmod(n, len(_ID_ALPHABET))
        suffix.append(_ID_ALPHABET[digit])
    return f"LOAN-{day:%Y%m%d}-{''.join(suffix)}"


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
    applicant has a PENDING or APPROVED application for the same amount and purpose
    (:func:`loans.selectors.loan_application_duplicates`; submissions of one applicant are
    serialised by an advisory lock, so two identical requests at once cannot both pass).

    The application, its SUBMITTED event, its roll-up counts and its checks message are
    written in one transaction, in one round trip on PostgreSQL
    (:func:`smartbank.db.statements_run`; issue 13). An ``application_id`` already taken (an
    8-character suffix drawn twice) rolls that attempt back and draws again, up to 5 times.
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
        application = LoanApplication(application_id=application_id_generate(), **fields)
        try:
            with transaction.atomic():
                _application_file(application, applicant_key=applicant_key, step_up_id=step_up_id)
            break
        except IntegrityError:
            # An 8-character suffix drawn twice: draw again; any other conflict is raised.
            taken = LoanApplication.objects.filter(application_id=application.application_id)
            if attempt == 4 or not taken.exists():
                raise
    logger.info("loan application %s submitted", application.application_id)
    return application


def _application_file(application: LoanApplication, *, applicant_key: str, step_up_id: Any) -> None:
    """Check for a duplicate under the applicant's lock, use up the step-up, and write the
    unsaved ``application`` with its event, roll-ups and checks message (call in a
    transaction: a failure leaves nothing written)."""
    if application.customer_id is not None:
        duplicates, applicant = LOAN_APPLICATION_DUPLICATE_OF_CUSTOMER, application.customer_id
    else:
        duplicates, applicant = LOAN_APPLICATION_DUPLICATE_OF_EMAIL, application.email
    alias, duplicate = duplicates.statement(
        applicant, application.loan_amount, application.loan_purpose
    )
    if exists_after_lock(f"loan-applicant:{applicant_key}", duplicate, using=alias):
        raise ConflictError(
            "This applicant already has a pending or approved application for the same amount"
            " and purpose.",
            code="DUPLICATE_APPLICATION",
        )
    step_up = None
    if step_up_id is not None:
        step_up = step_up_consume(
            step_up_id=step_up_id,
            user=application.submitted_by,
            action=StepUp.Action.LOAN_APPLICATION,
        )
    event = loan_application_event_build(
        application=application,
        type=EventType.SUBMITTED,
        actor=application.submitted_by,
        data={
            "status": application.status,
            "product": application.product.code,
            "loan_amount": str(application.loan_amount),
            "tenure_months": application.tenure_months,
            "registered_customer": application.customer is not None,
            **({"step_up": {"id": str(step_up.pk), "method": step_up.method}} if step_up else {}),
        },
    )
    message = checks_message_build(application)
    statements = [
        insert_statement(application),  # first: it stamps created_at, which the roll-ups read
        insert_statement(event),
        *rollup_application_added(application),
        insert_statement(message),
    ]
    statements_run(statements, saved=[application, event, message])
    checks_publish_on_commit(message, doorbell=True)
