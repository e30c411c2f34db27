"""The verification's status changes of a waiver request: start, the automated decision, failure;
the reasons shown to the customer and the decision email."""

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from smartbank.crypto import encrypt_text
from smartbank.money import format_inr
from smartbank.notifications import notification_send
from smartbank.transitions import lock, transition

from ..events import waiver_event_record
from ..models import WaiverCheck, WaiverEvent, WaiverRequest

logger = logging.getLogger(__name__)

Status = WaiverRequest.Status

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


def waiver_decision_notify(waiver: WaiverRequest) -> None:
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


# --- status changes -----------------------------------------------------------------------


@transaction.atomic
def waiver_request_processing_start(*, waiver_id: Any) -> WaiverRequest | None:
    """Mark the waiver PROCESSING. Returns ``None`` when it is past verification
    (idempotent: a redelivered task does nothing)."""
    waiver = lock(WaiverRequest, waiver_id)
    if waiver.status not in (Status.PENDING, Status.PROCESSING):
        return None
    return transition(waiver, to=Status.PROCESSING, event=WaiverEvent.Type.PROCESSING_STARTED)


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
    waiver = lock(WaiverRequest, waiver_id)
    if waiver.status != Status.PROCESSING:
        return waiver
    status, reasons = decide(outcome.checks)
    WaiverCheck.replace_all(results=outcome.checks, waiver=waiver)
    waiver.reasons = reasons
    waiver.ocr_encrypted = encrypt_text(json.dumps(outcome.ocr)) if outcome.ocr else ""
    waiver.ocr_confidence = outcome.ocr_confidence
    waiver.candidates = outcome.candidates
    waiver.last_error = ""
    if status == Status.REJECTED:
        waiver.decided_at = timezone.now()
    transition(
        waiver,
        to=status,
        event=WaiverEvent.Type.VERIFICATION_COMPLETED,
        data={
            "reasons": [r["code"] for r in reasons],
            "checks": {c.name: c.status for c in outcome.checks},
        },
        update_fields=[
            "reasons",
            "ocr_encrypted",
            "ocr_confidence",
            "candidates",
            "last_error",
            "decided_at",
        ],
    )
    logger.info("waiver %s verified: %s", waiver.pk, status)
    waiver_decision_notify(waiver)
    return waiver


@transaction.atomic
def waiver_request_processing_failed(*, waiver_id: Any, error: str, final: bool) -> WaiverRequest:
    """Record an engine or worker error; after the last retry send the waiver to staff.

    ``error`` is a short description without personal data (exception type and message).
    ``final`` True moves a PENDING or PROCESSING waiver to MANUAL_REVIEW with ``ENGINE_ERROR``.
    """
    waiver = lock(WaiverRequest, waiver_id)
    waiver.last_error = error[:1000]
    data: dict[str, Any] = {"error": error[:300], "final": final}
    if not (final and waiver.status in (Status.PENDING, Status.PROCESSING)):
        waiver.save(update_fields=["last_error", "updated_at"])
        waiver_event_record(waiver=waiver, type=WaiverEvent.Type.PROCESSING_FAILED, data=data)
        return waiver
    waiver.reasons = [reason("ENGINE_ERROR")]
    transition(
        waiver,
        to=Status.MANUAL_REVIEW,
        event=WaiverEvent.Type.PROCESSING_FAILED,
        data=data,
        update_fields=["last_error", "reasons"],
    )
    waiver_decision_notify(waiver)
    return waiver
