"""The verification's status changes of a waiver request: start, the automated decision (taken
by :func:`waivers.pipeline.decide`), failure; and the decision email."""

import json
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from smartbank.crypto import encrypt_text
from smartbank.image_reuse import phash_fields
from smartbank.malware import document_quarantine
from smartbank.money import format_inr
from smartbank.notifications import notification_send
from smartbank.transitions import lock, transition

from ..events import waiver_event_record
from ..models import WaiverCheck, WaiverEvent, WaiverRequest
from ..pipeline import VerificationOutcome, decide, reason

logger = logging.getLogger(__name__)

Status = WaiverRequest.Status


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
def waiver_request_processing_start(*, waiver_request_id: Any) -> WaiverRequest | None:
    """Mark the waiver PROCESSING. Returns ``None`` when it is past verification
    (idempotent: a redelivered task does nothing)."""
    waiver = lock(WaiverRequest, waiver_request_id)
    if waiver.status not in (Status.PENDING, Status.PROCESSING):
        return None
    return transition(waiver, to=Status.PROCESSING, event=WaiverEvent.Type.PROCESSING_STARTED)


@transaction.atomic
def waiver_request_verification_complete(
    *, waiver_request_id: Any, outcome: VerificationOutcome
) -> WaiverRequest:
    """Store the verification's checks and decide: VERIFIED / MANUAL_REVIEW / REJECTED.

    A certificate the virus scan found infected (``outcome.malware_signature``) is moved to
    quarantine in the same transaction (the original deleted after commit) and named in the
    VERIFICATION_COMPLETED event. The number read on the scan and the scan's perceptual hash are
    stored for the reuse checks of later waivers. Idempotent: a waiver no longer PROCESSING is
    returned unchanged. Notifies the customer.
    """
    waiver = lock(WaiverRequest, waiver_request_id)
    if waiver.status != Status.PROCESSING:
        return waiver
    status, reasons = decide(outcome.checks)
    quarantine_fields, quarantined = [], {}
    if outcome.malware_signature:
        key = document_quarantine(
            source=waiver.document,
            target=waiver.quarantined_document,
            name=f"waivers/{waiver.pk}",
        )
        waiver.malware_signature = outcome.malware_signature[:200]
        waiver.quarantined_at = timezone.now()
        quarantine_fields = [
            "document",
            "quarantined_document",
            "malware_signature",
            "quarantined_at",
        ]
        quarantined = {
            "quarantined": {"signature": waiver.malware_signature, "quarantine_key": key}
        }
    WaiverCheck.replace_all(results=outcome.checks, waiver=waiver)
    waiver.reasons = reasons
    waiver.ocr_encrypted = encrypt_text(json.dumps(outcome.ocr)) if outcome.ocr else ""
    waiver.ocr_confidence = outcome.ocr_confidence
    waiver.candidates = outcome.candidates
    waiver.certificate_number_read = outcome.certificate_number_read
    hash_fields = phash_fields(outcome.scan_hash) if outcome.scan_hash is not None else {}
    for name, value in hash_fields.items():  # issue 11: found again when re-saved elsewhere
        setattr(waiver, name, value)
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
            **quarantined,
        },
        update_fields=[
            "reasons",
            "ocr_encrypted",
            "ocr_confidence",
            "candidates",
            "certificate_number_read",
            *hash_fields,
            "last_error",
            "decided_at",
            *quarantine_fields,
        ],
    )
    logger.info("waiver %s verified: %s", waiver.pk, status)
    waiver_decision_notify(waiver)
    return waiver


@transaction.atomic
def waiver_request_processing_failed(
    *, waiver_request_id: Any, error: str, final: bool
) -> WaiverRequest:
    """Record an engine or worker error; after the last retry send the waiver to staff.

    ``error`` is a short description without personal data (exception type and message).
    ``final`` True moves a PENDING or PROCESSING waiver to MANUAL_REVIEW with ``ENGINE_ERROR``.
    """
    waiver = lock(WaiverRequest, waiver_request_id)
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
