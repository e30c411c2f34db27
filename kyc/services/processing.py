"""The pipeline's status changes of a case: start, the automated decision (taken by
:func:`kyc.pipeline.decide`), failure; and the decision email."""

import json
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from smartbank.crypto import encrypt_text
from smartbank.engines.face_gallery import encoding_to_bytes
from smartbank.image_reuse import phash_fields
from smartbank.malware import document_quarantine
from smartbank.notifications import notification_send
from smartbank.transitions import lock, transition

from ..events import kyc_case_event_record
from ..models import KycCase, KycCaseEvent, KycCheck, KycDocument
from ..pipeline import PipelineOutcome, decide, reason

logger = logging.getLogger(__name__)


def kyc_decision_notify(*, case: KycCase) -> None:
    """Email the customer their case's decision; sent after the surrounding transaction
    commits (issue #3: customers hear about every decision that concerns them)."""
    notification_send(
        channel="EMAIL",
        template="kyc_decision",
        recipient=case.user.email,
        context={
            "full_name": case.user.full_name,
            "status": case.status,
            "reasons": case.reasons,
            "can_resubmit": case.resubmission_allowed or case.attempt < settings.KYC_MAX_ATTEMPTS,
        },
        user=case.user,
    )


# --- status changes -----------------------------------------------------------------------


@transaction.atomic
def kyc_case_processing_start(*, kyc_case_id: Any) -> KycCase | None:
    """Mark the case PROCESSING. Returns ``None`` when it is already decided (idempotent)."""
    case = lock(KycCase, kyc_case_id)
    if case.status not in (KycCase.Status.PENDING, KycCase.Status.PROCESSING):
        return None
    return transition(
        case, to=KycCase.Status.PROCESSING, event=KycCaseEvent.Type.PROCESSING_STARTED
    )


def _documents_quarantine(*, case: KycCase, infected: dict[str, str]) -> list[dict[str, str]]:
    """Move the infected documents of ``case`` (``{document id: signature}``) to the quarantine
    storage; returns what the audit event records of each (id, kind, signature, key)."""
    moved = []
    now = timezone.now()
    for document in KycDocument.objects.select_for_update().filter(case=case, pk__in=infected):
        key = document_quarantine(
            source=document.file, target=document.quarantined_file, name=f"kyc/{document.pk}"
        )
        document.malware_signature = infected[str(document.pk)][:200]
        document.quarantined_at = now
        document.save(
            update_fields=[
                "file",
                "quarantined_file",
                "malware_signature",
                "quarantined_at",
                "updated_at",
            ]
        )
        moved.append(
            {
                "document": str(document.pk),
                "kind": document.kind,
                "signature": document.malware_signature,
                "quarantine_key": key,
            }
        )
    return moved


@transaction.atomic
def kyc_case_complete(*, kyc_case_id: Any, outcome: PipelineOutcome) -> KycCase:
    """Store the pipeline's checks and decide the case (VERIFIED / MANUAL_REVIEW / REJECTED).

    An automated rejection of the customer's last allowed attempt goes to MANUAL_REVIEW
    instead (issue #2: "after which the case goes to staff"). Documents the virus scan found
    infected (``outcome.infected``) are moved to quarantine in the same transaction (the
    originals deleted after commit) and listed in the KYC_COMPLETED event. The ID document's
    perceptual hash (``outcome.id_document_hash``) is stored on it. Idempotent: a case no longer
    in PROCESSING is returned unchanged.
    """
    case = lock(KycCase, kyc_case_id)
    if case.status != KycCase.Status.PROCESSING:
        return case
    status, reasons = decide(outcome.checks)
    if status == KycCase.Status.REJECTED and case.attempt >= settings.KYC_MAX_ATTEMPTS:
        status = KycCase.Status.MANUAL_REVIEW
        reasons = [*reasons, reason("ATTEMPTS_EXHAUSTED")]

    quarantined = _documents_quarantine(case=case, infected=outcome.infected)
    if outcome.id_document_hash is not None:  # issue 11: found again when re-saved elsewhere
        KycDocument.objects.filter(case=case, kind=KycDocument.Kind.ID_DOCUMENT).update(
            **phash_fields(outcome.id_document_hash), updated_at=timezone.now()
        )
    KycCheck.replace_all(results=outcome.checks, case=case)
    case.reasons = reasons
    case.ocr_encrypted = encrypt_text(json.dumps(outcome.ocr)) if outcome.ocr else ""
    case.ocr_confidence = outcome.ocr_confidence
    case.extracted = outcome.extracted or {}
    case.face_distance = outcome.face_distance
    case.face_encoding = (
        None if outcome.face_encoding is None else encoding_to_bytes(outcome.face_encoding)
    )
    case.last_error = ""
    case.decided_at = timezone.now() if status != KycCase.Status.MANUAL_REVIEW else None
    transition(
        case,
        to=status,
        event=KycCaseEvent.Type.KYC_COMPLETED,
        data={
            "reasons": [r["code"] for r in reasons],
            "checks": {c.name: c.status for c in outcome.checks},
            **({"quarantined": quarantined} if quarantined else {}),
        },
        update_fields=[
            "reasons",
            "ocr_encrypted",
            "ocr_confidence",
            "extracted",
            "face_distance",
            "face_encoding",
            "last_error",
            "decided_at",
        ],
    )
    logger.info("kyc case %s decided %s", case.id, status)
    kyc_decision_notify(case=case)
    return case


@transaction.atomic
def kyc_case_processing_failed(*, kyc_case_id: Any, error: str, final: bool) -> KycCase:
    """Record an engine or worker error; after the last retry send the case to staff.

    ``error`` is a short description without personal data (exception type and message).
    ``final`` True moves the case to MANUAL_REVIEW with reason ``ENGINE_ERROR``.
    """
    case = lock(KycCase, kyc_case_id)
    case.last_error = error[:1000]
    data: dict[str, Any] = {"error": error[:300], "final": final}
    if not (final and case.status in (KycCase.Status.PENDING, KycCase.Status.PROCESSING)):
        case.save(update_fields=["last_error", "updated_at"])
        kyc_case_event_record(case=case, type=KycCaseEvent.Type.PROCESSING_FAILED, data=data)
        return case
    case.reasons = [reason("ENGINE_ERROR")]
    transition(
        case,
        to=KycCase.Status.MANUAL_REVIEW,
        event=KycCaseEvent.Type.PROCESSING_FAILED,
        data=data,
        update_fields=["last_error", "reasons"],
    )
    kyc_decision_notify(case=case)
    return case
