"""The customer's waiver request: certificate number, scan and amount checks, submission."""

import hashlib
import logging
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import StepUp
from accounts.services import money_validate
from accounts.services.step_up import step_up_consume
from loans.loan_accounts import loan_account_ensure
from loans.models import LoanApplication
from smartbank.celery import enqueue_on_commit
from smartbank.engines.documents.certificates import normalise_number
from smartbank.errors import ApplicationError
from smartbank.money import format_inr
from smartbank.uploads import UploadRejected, check_upload

from ..events import waiver_event_record
from ..models import CertificateType, WaiverEvent, WaiverRequest, WaiverType

logger = logging.getLogger(__name__)

PAISA = Decimal("0.01")
HUNDRED = Decimal("100")


def _a(name: str, *, capital: bool = False) -> str:
    """``"Interest waiver"`` -> ``"an interest waiver"`` (``capital``: ``"An interest waiver"``)."""
    noun = name[:1].lower() + name[1:]
    article = "an" if noun[:1] in "aeiou" else "a"
    return f"{article.capitalize() if capital else article} {noun}"


# --- submission ---------------------------------------------------------------------------


def certificate_number_validate(*, certificate_type: CertificateType, number: str) -> str:
    """The typed number normalised to the type's pattern (``"mh/2O24/004517"`` ->
    ``"MH/2024/004517"``). Raises :class:`ApplicationError` ``CERTIFICATE_NUMBER_FORMAT``
    (field ``certificate_number``) when it does not fit the pattern."""
    normalised = normalise_number(number, certificate_type.number_pattern)
    if normalised is None:
        raise ApplicationError(
            f"The number of {_a(certificate_type.name)} looks like "
            f"{certificate_type.number_example}.",
            code="CERTIFICATE_NUMBER_FORMAT",
            field="certificate_number",
        )
    return normalised


def check_certificate_upload(*, data: bytes) -> str:
    """Check a scan like a KYC document (sniffed JPG/PNG/PDF, size, decompression bombs);
    returns the sniffed content type. Raises :class:`ApplicationError` on ``document``."""
    try:
        return check_upload(data, max_bytes=settings.WAIVER_MAX_UPLOAD_BYTES)
    except UploadRejected as exc:
        raise ApplicationError(exc.message, code=exc.code, field="document") from exc


def waiver_amount_resolve(
    *,
    outstanding: Decimal,
    waiver_type: WaiverType,
    amount: Decimal | None,
    percent: Decimal | None,
) -> Decimal:
    """The INR amount to waive: ``amount`` as given, or ``percent`` of ``outstanding`` rounded
    half-up to the paisa.

    Raises :class:`ApplicationError` with a field: ``required`` / ``invalid`` (neither or both
    given), ``INVALID_AMOUNT``, ``INVALID_PERCENT`` (not above 0 and at most 100),
    ``NOTHING_OUTSTANDING``, ``WAIVER_EXCEEDS_OUTSTANDING`` and ``ABOVE_WAIVER_TYPE_LIMIT``
    (more than the type's ``max_percent`` of ``outstanding``).
    """
    if (amount is None) == (percent is None):
        raise ApplicationError(
            "Enter either an amount or a percentage.",
            code="required" if amount is None else "invalid",
            field="amount",
        )
    field_name = "amount" if amount is not None else "percent"
    if outstanding <= 0:
        raise ApplicationError(
            "Nothing is owed on this loan.", code="NOTHING_OUTSTANDING", field="loan"
        )
    if amount is not None:
        resolved = money_validate(amount, field="amount")
    else:
        if not isinstance(percent, Decimal) or not (0 < percent <= HUNDRED):
            raise ApplicationError(
                "A percentage is above 0 and at most 100.", code="INVALID_PERCENT", field="percent"
            )
        resolved = (outstanding * percent / HUNDRED).quantize(PAISA, rounding=ROUND_HALF_UP)
        if resolved <= 0:
            raise ApplicationError(
                "That percentage comes to less than one paisa.",
                code="INVALID_PERCENT",
                field="percent",
            )
    if resolved > outstanding:
        raise ApplicationError(
            f"You can ask for at most the {format_inr(outstanding)} still owed on this loan.",
            code="WAIVER_EXCEEDS_OUTSTANDING",
            field=field_name,
        )
    limit = (outstanding * waiver_type.max_percent / HUNDRED).quantize(
        PAISA, rounding=ROUND_HALF_UP
    )
    if resolved > limit:
        raise ApplicationError(
            f"{_a(waiver_type.name, capital=True)} covers at most "
            f"{waiver_type.max_percent.normalize():f}% of what is owed ({format_inr(limit)}).",
            code="ABOVE_WAIVER_TYPE_LIMIT",
            field=field_name,
        )
    return resolved


@transaction.atomic
def waiver_request_submit(
    *,
    customer: Any,
    loan: LoanApplication | None,
    waiver_type: WaiverType | None,
    certificate_type: CertificateType | None,
    certificate_number: str,
    document: bytes,
    amount: Decimal | None = None,
    percent: Decimal | None = None,
    step_up_id: Any = None,
) -> WaiverRequest:
    """A customer asks to waive ``amount`` INR (or ``percent`` of what is owed) on one of their
    APPROVED loans, backed by a scanned certificate; verification is enqueued after commit.

    The loan's LOAN account is opened first if needed (:func:`loans.loan_accounts.
    loan_account_ensure`), and the amount is checked against its balance.

    Raises :class:`ApplicationError` with a field: ``LOAN_NOT_ELIGIBLE`` (``loan``: not one of
    the customer's approved loans), ``invalid_choice`` (an unknown or inactive type),
    ``CERTIFICATE_NOT_ALLOWED`` (the certificate type does not back that waiver type),
    ``CERTIFICATE_NUMBER_FORMAT``, the upload codes of :func:`smartbank.uploads.check_upload`
    (``document``) and those of :func:`waiver_amount_resolve`.

    ``step_up_id``: the customer's PASSED step-up (face or code) confirming this request, used
    up here in this transaction (:func:`accounts.services.step_up.step_up_consume`; errors on
    field ``step_up``). The web form always sends one; the API sends none (README, "Face
    step-up").
    """
    if (
        loan is None
        or loan.customer_id != customer.pk
        or loan.status != LoanApplication.Status.APPROVED
    ):
        raise ApplicationError(
            "Choose one of your approved loans.", code="LOAN_NOT_ELIGIBLE", field="loan"
        )
    if waiver_type is None or not waiver_type.is_active:
        raise ApplicationError("Choose a waiver type.", code="invalid_choice", field="waiver_type")
    if certificate_type is None or not certificate_type.is_active:
        raise ApplicationError(
            "Choose a certificate type.", code="invalid_choice", field="certificate_type"
        )
    if not certificate_type.allowed_waiver_types.filter(pk=waiver_type.pk).exists():
        raise ApplicationError(
            f"{_a(certificate_type.name, capital=True)} does not back {_a(waiver_type.name)}.",
            code="CERTIFICATE_NOT_ALLOWED",
            field="certificate_type",
        )
    number = certificate_number_validate(
        certificate_type=certificate_type, number=certificate_number
    )
    content_type = check_certificate_upload(data=document)
    account = loan_account_ensure(application=loan)
    if account is None:
        raise ApplicationError(
            "Choose one of your approved loans.", code="LOAN_NOT_ELIGIBLE", field="loan"
        )
    outstanding = account.balance
    resolved = waiver_amount_resolve(
        outstanding=outstanding, waiver_type=waiver_type, amount=amount, percent=percent
    )
    step_up = None
    if step_up_id is not None:  # before the scan is stored: a refused step-up stores nothing
        step_up = step_up_consume(
            step_up_id=step_up_id, user=customer, action=StepUp.Action.WAIVER_REQUEST
        )
    waiver = WaiverRequest(
        customer=customer,
        loan=loan,
        waiver_type=waiver_type,
        certificate_type=certificate_type,
        certificate_number=number,
        requested_amount=amount,
        requested_percent=percent,
        amount=resolved,
        outstanding_at_request=outstanding,
        content_type=content_type,
        size_bytes=len(document),
        sha256=hashlib.sha256(document).hexdigest(),
    )
    waiver.document.save("upload", ContentFile(document), save=False)
    waiver.save()
    waiver_event_record(
        waiver=waiver,
        type=WaiverEvent.Type.SUBMITTED,
        actor=customer,
        data={
            "status": waiver.status,
            "loan": loan.application_id,
            "waiver_type": waiver_type.code,
            "certificate_type": certificate_type.code,
            "amount": str(resolved),
            "percent": str(percent) if percent is not None else None,
            "outstanding": str(outstanding),
            **({"step_up": {"id": str(step_up.pk), "method": step_up.method}} if step_up else {}),
        },
    )
    logger.info("waiver %s submitted", waiver.pk)

    enqueue_on_commit("waivers.tasks.waiver_request_verify_task", str(waiver.pk))
    return waiver
