"""Every write to waiver data: the customer's request, the verification's status changes and
the staff decision that posts the waiver to the loan's ledger (issue #5).

Each status change locks the waiver row, checks ``WaiverRequest.ALLOWED_TRANSITIONS``, saves
with ``update_fields`` and appends a :class:`~waivers.models.WaiverEvent`, in one transaction,
so two members of staff approving at once yield one approval and one clear error.
"""

import hashlib
import json
import logging
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import BankAccount, LedgerEntry
from accounts.services import ledger_post, money_validate
from loans.loan_accounts import loan_account_ensure
from loans.models import LoanApplication
from smartbank.crypto import encrypt_text
from smartbank.errors import ApplicationError, ConflictError, InvalidTransition
from smartbank.money import format_inr
from smartbank.notifications import notification_send
from smartbank.uploads import UploadRejected, check_upload

from .certificates import normalise_number
from .events import waiver_event_record
from .models import CertificateType, WaiverCheck, WaiverEvent, WaiverRequest, WaiverType
from .selectors import certificate_used_elsewhere, document_used_elsewhere, user_may_decide_waivers

logger = logging.getLogger(__name__)

Status = WaiverRequest.Status
PAISA = Decimal("0.01")
HUNDRED = Decimal("100")

REASON_MESSAGES: dict[str, str] = {
    "UNREADABLE_DOCUMENT": "We could not open the certificate you uploaded.",
    "DOCUMENT_REUSED": "This scan was already used for another waiver request.",
    "CERTIFICATE_ALREADY_USED": "This certificate already backs another waiver request.",
    "OCR_NO_TEXT": "We could not read any text on the certificate.",
    "OCR_LOW_CONFIDENCE": "The certificate was hard to read, so a member of staff will check it.",
    "CERTIFICATE_NUMBER_NOT_FOUND": (
        "We could not find the certificate number you entered on the certificate."
    ),
    "CERTIFICATE_NUMBER_MISMATCH": (
        "The number on the certificate differs by one character from the number you entered, "
        "so a member of staff will check it."
    ),
    "CERTIFICATE_NUMBER_LOW_CONFIDENCE": (
        "The certificate number was hard to read, so a member of staff will check it."
    ),
    "CERTIFICATE_NUMBER_UNCLEAR": (
        "We could not read the certificate number clearly, so a member of staff will check it."
    ),
    "ENGINE_ERROR": "Automatic verification failed; a member of staff will check your certificate.",
    "STAFF_APPROVED": "Approved by our loans team.",
    "STAFF_REJECTED": "Rejected by our loans team.",
}


def reason(code: str, message: str | None = None) -> dict[str, str]:
    """``{"code": code, "message": text}``; the text defaults to :data:`REASON_MESSAGES`."""
    return {"code": code, "message": message or REASON_MESSAGES.get(code, code)}


def _a(name: str, *, capital: bool = False) -> str:
    """``"Interest waiver"`` -> ``"an interest waiver"`` (``capital``: ``"An interest waiver"``)."""
    noun = name[:1].lower() + name[1:]
    article = "an" if noun[:1] in "aeiou" else "a"
    return f"{article.capitalize() if capital else article} {noun}"


class NotAllowed(ApplicationError):
    """The user may not take this action on this waiver (HTTP 403)."""

    status_code = 403


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one verification step, before it is stored as a :class:`WaiverCheck`.

    ``status`` is a ``WaiverCheck.Status`` value; ``code`` a stable reason code such as
    ``CERTIFICATE_NUMBER_NOT_FOUND`` (empty when the check passed); ``detail`` plain words for
    staff, never OCR text beyond the certificate numbers read.
    """

    name: str
    status: str
    code: str = ""
    detail: str = ""


@dataclass(frozen=True)
class VerificationOutcome:
    """What the verification learnt, ready for :func:`waiver_request_verification_complete`.

    ``ocr`` is the OCR result as JSON (stored encrypted); ``candidates`` the numbers found,
    each ``{"read", "number", "confidence", "line", "distance"}``.
    """

    checks: list[CheckResult]
    ocr: dict[str, Any] | None = None
    ocr_confidence: float | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)


# --- notifications ------------------------------------------------------------------------


def _notify(waiver: WaiverRequest) -> None:
    """Queue the ``waiver_decision`` email in the decision's transaction (delivery after
    commit). ``status`` is APPROVED, REJECTED, or REVIEW while staff have still to decide."""
    status = {Status.APPROVED: "APPROVED", Status.REJECTED: "REJECTED"}.get(waiver.status, "REVIEW")
    outstanding = ""
    if waiver.status == Status.APPROVED and waiver.ledger_entry_id:
        outstanding = format_inr(waiver.ledger_entry.balance_after)
    notification_send(
        channel="EMAIL",
        template="waiver_decision",
        recipient=waiver.customer.email,
        context={
            "full_name": waiver.customer.full_name,
            "status": status,
            "loan_application_id": waiver.loan.application_id,
            "waiver_type": waiver.waiver_type.name,
            "amount": format_inr(waiver.amount),
            "outstanding": outstanding,
            "reasons": waiver.reasons,
        },
        user=waiver.customer,
    )


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
        },
    )
    logger.info("waiver %s submitted", waiver.pk)

    from .tasks import waiver_request_verify_task

    transaction.on_commit(lambda: waiver_request_verify_task.delay(str(waiver.pk)))
    return waiver


# --- status changes -----------------------------------------------------------------------


def _locked(waiver_id: Any) -> WaiverRequest:
    return WaiverRequest.objects.select_for_update().get(pk=waiver_id)


def _move(waiver: WaiverRequest, to: str) -> str:
    old = waiver.status
    if to not in WaiverRequest.ALLOWED_TRANSITIONS[Status(old)]:
        raise InvalidTransition(
            f"A waiver request that is {Status(old).label.lower()} cannot become "
            f"{Status(to).label.lower()}.",
            code="INVALID_TRANSITION",
        )
    waiver.status = to
    return old


@transaction.atomic
def waiver_request_processing_start(*, waiver_id: Any) -> WaiverRequest | None:
    """Mark the waiver PROCESSING. Returns ``None`` when it is past verification
    (idempotent: a redelivered task does nothing)."""
    waiver = _locked(waiver_id)
    if waiver.status not in (Status.PENDING, Status.PROCESSING):
        return None
    old = _move(waiver, Status.PROCESSING)
    waiver.save(update_fields=["status", "updated_at"])
    waiver_event_record(
        waiver=waiver,
        type=WaiverEvent.Type.PROCESSING_STARTED,
        data={"from": old, "to": waiver.status},
    )
    return waiver


def decide(checks: list[CheckResult]) -> tuple[str, list[dict[str, str]]]:
    """Any FAILED check -> REJECTED; otherwise any REVIEW or ERROR -> MANUAL_REVIEW; otherwise
    VERIFIED. Returns ``(status, reasons)``, the reasons those of the deciding checks."""
    failed = [c for c in checks if c.status == WaiverCheck.Status.FAILED]
    review = [
        c for c in checks if c.status in (WaiverCheck.Status.REVIEW, WaiverCheck.Status.ERROR)
    ]
    if failed:
        return Status.REJECTED, [reason(c.code) for c in failed]
    if review:
        return Status.MANUAL_REVIEW, [reason(c.code) for c in review]
    return Status.VERIFIED, []


@transaction.atomic
def waiver_request_verification_complete(
    *, waiver_id: Any, outcome: VerificationOutcome
) -> WaiverRequest:
    """Store the verification's checks and decide: VERIFIED / MANUAL_REVIEW / REJECTED.

    Idempotent: a waiver no longer PROCESSING is returned unchanged. Notifies the customer.
    """
    waiver = _locked(waiver_id)
    if waiver.status != Status.PROCESSING:
        return waiver
    status, reasons = decide(outcome.checks)
    WaiverCheck.replace_all(results=outcome.checks, waiver=waiver)
    old = _move(waiver, status)
    waiver.reasons = reasons
    waiver.ocr_encrypted = encrypt_text(json.dumps(outcome.ocr)) if outcome.ocr else ""
    waiver.ocr_confidence = outcome.ocr_confidence
    waiver.candidates = outcome.candidates
    waiver.last_error = ""
    if status == Status.REJECTED:
        waiver.decided_at = timezone.now()
    waiver.save(
        update_fields=[
            "status",
            "reasons",
            "ocr_encrypted",
            "ocr_confidence",
            "candidates",
            "last_error",
            "decided_at",
            "updated_at",
        ]
    )
    waiver_event_record(
        waiver=waiver,
        type=WaiverEvent.Type.VERIFICATION_COMPLETED,
        data={
            "from": old,
            "to": status,
            "reasons": [r["code"] for r in reasons],
            "checks": {c.name: c.status for c in outcome.checks},
        },
    )
    logger.info("waiver %s verified: %s", waiver.pk, status)
    _notify(waiver)
    return waiver


@transaction.atomic
def waiver_request_processing_failed(*, waiver_id: Any, error: str, final: bool) -> WaiverRequest:
    """Record an engine or worker error; after the last retry send the waiver to staff.

    ``error`` is a short description without personal data (exception type and message).
    ``final`` True moves a PENDING or PROCESSING waiver to MANUAL_REVIEW with ``ENGINE_ERROR``.
    """
    waiver = _locked(waiver_id)
    waiver.last_error = error[:1000]
    update = ["last_error", "updated_at"]
    data: dict[str, Any] = {"error": error[:300], "final": final}
    if final and waiver.status in (Status.PENDING, Status.PROCESSING):
        data["from"] = _move(waiver, Status.MANUAL_REVIEW)
        data["to"] = waiver.status
        waiver.reasons = [reason("ENGINE_ERROR")]
        update += ["status", "reasons"]
    waiver.save(update_fields=update)
    waiver_event_record(waiver=waiver, type=WaiverEvent.Type.PROCESSING_FAILED, data=data)
    if "to" in data:
        _notify(waiver)
    return waiver


# --- staff decisions ----------------------------------------------------------------------


def _check_officer(waiver: WaiverRequest, officer: Any) -> None:
    if not user_may_decide_waivers(user=officer):
        raise NotAllowed("Only waiver officers decide waiver requests.", code="FORBIDDEN")
    if waiver.customer_id == officer.pk:
        raise NotAllowed("You cannot decide your own waiver request.", code="OWN_WAIVER")


def _check_decidable(waiver: WaiverRequest, action: str) -> None:
    if waiver.status not in WaiverRequest.DECIDABLE_STATUSES:
        raise InvalidTransition(
            f"This waiver request is {Status(waiver.status).label.lower()}; only verified "
            f"requests and requests in manual review can be {action}.",
            code="INVALID_TRANSITION",
        )


def _check_certificate_free(waiver: WaiverRequest) -> None:
    for other, code in (
        (certificate_used_elsewhere(waiver=waiver), "CERTIFICATE_ALREADY_USED"),
        (document_used_elsewhere(waiver=waiver), "DOCUMENT_REUSED"),
    ):
        if other is not None and other.status == Status.APPROVED:
            raise ConflictError(REASON_MESSAGES[code] + " Reject this request.", code=code)


def _post_waiver(waiver: WaiverRequest) -> LedgerEntry:
    """DEBIT the waiver to the loan's LOAN account (opened first if needed), once."""
    application_id = waiver.loan.application_id
    account = loan_account_ensure(application=waiver.loan)
    if account is None:
        raise ApplicationError(
            f"Loan {application_id} is not an approved loan of a registered customer.",
            code="LOAN_NOT_ELIGIBLE",
        )
    try:
        return ledger_post(
            account_id=account.pk,
            entry_type=LedgerEntry.EntryType.DEBIT,
            amount=waiver.amount,
            narration=(
                f"{waiver.waiver_type.name}: {waiver.certificate_type.name} "
                f"{waiver.certificate_number}"
            )[:200],
            reference=waiver.ledger_reference,
        )
    except ConflictError as exc:  # DUPLICATE_POSTING: the unique reference, as a backstop
        raise ConflictError(
            "This waiver was already applied to the loan.", code="ALREADY_POSTED"
        ) from exc
    except ApplicationError as exc:
        if exc.code != "INSUFFICIENT_FUNDS":
            raise
        owed = BankAccount.objects.values_list("balance", flat=True).get(pk=account.pk)
        raise ApplicationError(
            f"The waiver of {format_inr(waiver.amount)} is more than the {format_inr(owed)} "
            f"still owed on loan {application_id}. Reject it, or ask the customer for a smaller "
            "amount.",
            code="WAIVER_EXCEEDS_OUTSTANDING",
        ) from exc


@transaction.atomic
def waiver_request_approve(*, waiver_id: Any, officer: Any, note: str = "") -> WaiverRequest:
    """A waiver officer approves a VERIFIED or MANUAL_REVIEW waiver: the amount is posted as a
    DEBIT (reference ``WAIVER-<id>``) to the loan's LOAN account, reducing what is owed.

    Above ``settings.WAIVER_FOUR_EYES_AMOUNT`` (INR) the first approval only records the maker
    (``first_approved_by``; the status stays) and a second, different officer completes it.

    Raises :class:`NotAllowed` (403: ``FORBIDDEN`` without ``waivers.decide_waiverrequest``,
    ``OWN_WAIVER``), :class:`InvalidTransition` (409: not VERIFIED or MANUAL_REVIEW, e.g. another
    officer decided it a moment earlier), :class:`ConflictError` (409: ``SAME_APPROVER``,
    ``CERTIFICATE_ALREADY_USED`` / ``DOCUMENT_REUSED`` by an approved waiver,
    ``ALREADY_POSTED``) and :class:`ApplicationError` ``WAIVER_EXCEEDS_OUTSTANDING`` (the loan
    owes less than the waiver now); nothing changes when it raises.
    """
    waiver = _locked(waiver_id)
    _check_officer(waiver, officer)
    _check_decidable(waiver, "approved")
    note = note.strip()
    now = timezone.now()
    four_eyes = waiver.amount > settings.WAIVER_FOUR_EYES_AMOUNT
    if four_eyes and waiver.first_approved_by_id is None:
        old = _move(waiver, waiver.status)
        waiver.first_approved_by = officer
        waiver.first_approved_at = now
        waiver.save(update_fields=["first_approved_by", "first_approved_at", "updated_at"])
        waiver_event_record(
            waiver=waiver,
            type=WaiverEvent.Type.FIRST_APPROVAL,
            actor=officer,
            data={
                "from": old,
                "to": waiver.status,
                "note": note,
                "amount": str(waiver.amount),
                "four_eyes_amount": str(settings.WAIVER_FOUR_EYES_AMOUNT),
            },
        )
        return waiver
    if four_eyes and waiver.first_approved_by_id == officer.pk:
        raise ConflictError(
            "You gave the first approval; a different waiver officer must give the second.",
            code="SAME_APPROVER",
        )
    _check_certificate_free(waiver)
    entry = _post_waiver(waiver)
    old = _move(waiver, Status.APPROVED)
    waiver.reasons = [reason("STAFF_APPROVED", note or None)]
    waiver.decided_by = officer
    waiver.decided_at = now
    waiver.review_note = note
    waiver.ledger_entry = entry
    try:
        with transaction.atomic():
            waiver.save(
                update_fields=[
                    "status",
                    "reasons",
                    "decided_by",
                    "decided_at",
                    "review_note",
                    "ledger_entry",
                    "updated_at",
                ]
            )
    except IntegrityError as exc:  # another waiver with this certificate or scan approved now
        raise ConflictError(
            "Another waiver backed by this certificate was approved a moment ago. Reject this "
            "request.",
            code="CERTIFICATE_ALREADY_USED",
        ) from exc
    waiver_event_record(
        waiver=waiver,
        type=WaiverEvent.Type.APPROVED,
        actor=officer,
        data={
            "from": old,
            "to": waiver.status,
            "note": note,
            "amount": str(waiver.amount),
            "outstanding_before": str(entry.balance_after + entry.amount),
            "outstanding_after": str(entry.balance_after),
            "ledger_reference": entry.reference,
            "maker": str(waiver.first_approved_by_id) if waiver.first_approved_by_id else None,
        },
    )
    logger.info("waiver %s approved", waiver.pk)
    _notify(waiver)
    return waiver


@transaction.atomic
def waiver_request_reject(*, waiver_id: Any, officer: Any, reason_text: str) -> WaiverRequest:
    """A waiver officer rejects a VERIFIED or MANUAL_REVIEW waiver with a reason the customer
    reads (a maker's first approval does not prevent it).

    Raises :class:`ApplicationError` ``required`` (field ``reason``) without a reason, and
    :class:`NotAllowed` / :class:`InvalidTransition` as :func:`waiver_request_approve`.
    """
    text = " ".join(str(reason_text or "").split())
    if not text:
        raise ApplicationError("Give a reason for the rejection.", code="required", field="reason")
    waiver = _locked(waiver_id)
    _check_officer(waiver, officer)
    _check_decidable(waiver, "rejected")
    old = _move(waiver, Status.REJECTED)
    waiver.reasons = [reason("STAFF_REJECTED", text)]
    waiver.decided_by = officer
    waiver.decided_at = timezone.now()
    waiver.review_note = text
    waiver.save(
        update_fields=["status", "reasons", "decided_by", "decided_at", "review_note", "updated_at"]
    )
    waiver_event_record(
        waiver=waiver,
        type=WaiverEvent.Type.REJECTED,
        actor=officer,
        data={"from": old, "to": waiver.status, "reason": text},
    )
    _notify(waiver)
    return waiver


def waiver_document_viewed(*, waiver: WaiverRequest, viewer: Any) -> None:
    """Record that a member of staff opened a customer's certificate scan (access audit)."""
    waiver_event_record(
        waiver=waiver,
        type=WaiverEvent.Type.DOCUMENT_VIEWED,
        actor=viewer,
        data={"content_type": waiver.content_type},
    )
