"""The pipeline's status changes of a case: start, the automated decision, failure; the
reasons shown to the customer and the decision email."""

import json
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from smartbank.crypto import encrypt_text
from smartbank.notifications import notification_send
from smartbank.transitions import lock, transition

from ..events import kyc_case_event_record
from ..models import KycCase, KycCaseEvent, KycCheck

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one pipeline step, before it is stored as a :class:`KycCheck`.

    ``status`` is a ``KycCheck.Status`` value; ``code`` a stable reason code such as
    ``FACE_MISMATCH`` (empty when the check passed); ``detail`` plain words, never an ID number.
    """

    name: str
    status: str
    code: str = ""
    detail: str = ""


REASON_MESSAGES: dict[str, str] = {
    "UNREADABLE_DOCUMENT": "We could not open one of the uploaded files.",
    "OCR_NO_TEXT": "We could not read any text on the ID card, so staff will check it.",
    "ID_CHECKSUM_INVALID": "The Aadhaar number is not valid (its check digit is wrong).",
    "ID_FORMAT_INVALID": "The ID number is not in a valid format.",
    "ID_NUMBER_NOT_READ": "We could not read the ID number on the card.",
    "ID_NUMBER_MISMATCH": "The ID number on the card differs from the number you entered.",
    "NAME_NOT_READ": "We could not read the name on the card.",
    "NAME_MISMATCH": "The name on the card does not match the name you registered with.",
    "DOB_NOT_READ": "We could not read the date of birth on the card.",
    "DOB_MISMATCH": "The date of birth on the card differs from the one you entered.",
    "DOB_UNCERTAIN": "The date of birth on the card was hard to read, so staff will check it.",
    "YEAR_OF_BIRTH_ONLY": "Your card shows only your year of birth, so staff will check it.",
    "NAME_UNCERTAIN": "The name on the card was hard to read, so staff will check it.",
    "NAME_INITIALS_ONLY": "Your card shows initials where you typed full names (or the other"
    " way round), so staff will check it.",
    "NAME_ORDER_DIFFERS": "Your card shows your names in another order, so staff will check it.",
    "NAME_PARTIAL": "Your card shows one name more or fewer than you typed, so staff will"
    " check it.",
    "ID_NUMBER_UNCERTAIN": "The ID number on the card was hard to read, so staff will check it.",
    "NO_FACE_IN_SELFIE": "We could not find a face in your selfie.",
    "MULTIPLE_FACES": "Your selfie shows more than one person.",
    "NO_FACE_ON_ID": "We could not find the photo on your ID card.",
    "FACE_MISMATCH": "The face in your selfie does not match the photo on your ID card.",
    "FACE_UNCERTAIN": "Your selfie and ID photo are similar but not clearly the same person.",
    "DUPLICATE_ID": "This ID number is already verified for another customer.",
    "DUPLICATE_FACE": "Your face closely matches another customer's, so staff will check it.",
    "ENGINE_ERROR": "Automatic verification failed; a member of staff will check your documents.",
    "ATTEMPTS_EXHAUSTED": "You have used all automatic attempts; staff will review your case.",
    "STAFF_APPROVED": "Approved by our verification team.",
    "STAFF_REJECTED": "Rejected by our verification team.",
    "RESUBMISSION_REQUESTED": "Please submit your documents again.",
}


def reason(code: str, message: str | None = None) -> dict[str, str]:
    """A reason as stored on the case and shown by the API: ``{"code", "message"}``."""
    return {"code": code, "message": message or REASON_MESSAGES.get(code, code)}


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
def kyc_case_processing_start(*, case_id: Any) -> KycCase | None:
    """Mark the case PROCESSING. Returns ``None`` when it is already decided (idempotent)."""
    case = lock(KycCase, case_id)
    if case.status not in (KycCase.Status.PENDING, KycCase.Status.PROCESSING):
        return None
    return transition(
        case, to=KycCase.Status.PROCESSING, event=KycCaseEvent.Type.PROCESSING_STARTED
    )


def decide(checks: list[CheckResult]) -> tuple[str, list[dict[str, str]]]:
    """Seed 003's decision rule over the checks.

    Any FAILED check -> REJECTED; otherwise any REVIEW or ERROR -> MANUAL_REVIEW; otherwise
    VERIFIED. Returns ``(status, reasons)`` where reasons list the codes of the checks that
    decided it, in pipeline order.
    """
    failed = [c for c in checks if c.status == KycCheck.Status.FAILED]
    review = [c for c in checks if c.status in (KycCheck.Status.REVIEW, KycCheck.Status.ERROR)]
    if failed:
        return KycCase.Status.REJECTED, [reason(c.code) for c in failed]
    if review:
        return KycCase.Status.MANUAL_REVIEW, [reason(c.code) for c in review]
    return KycCase.Status.VERIFIED, []


@dataclass(frozen=True)
class PipelineOutcome:
    """What the pipeline learnt about a case, ready to be stored by :func:`kyc_case_complete`.

    ``ocr`` is the OCR result as JSON (stored encrypted); ``extracted`` the fields read from the
    card, ID number masked; ``face_encoding`` 128 floats of the selfie's face.
    """

    checks: list[CheckResult]
    ocr: dict[str, Any] | None = None
    ocr_confidence: float | None = None
    extracted: dict[str, Any] | None = None
    face_distance: float | None = None
    face_encoding: list[float] | None = None


@transaction.atomic
def kyc_case_complete(*, case_id: Any, outcome: PipelineOutcome) -> KycCase:
    """Store the pipeline's checks and decide the case (VERIFIED / MANUAL_REVIEW / REJECTED).

    An automated rejection of the customer's last allowed attempt goes to MANUAL_REVIEW
    instead (issue #2: "after which the case goes to staff"). Idempotent: a case no longer in
    PROCESSING is returned unchanged.
    """
    case = lock(KycCase, case_id)
    if case.status != KycCase.Status.PROCESSING:
        return case
    status, reasons = decide(outcome.checks)
    if status == KycCase.Status.REJECTED and case.attempt >= settings.KYC_MAX_ATTEMPTS:
        status = KycCase.Status.MANUAL_REVIEW
        reasons = [*reasons, reason("ATTEMPTS_EXHAUSTED")]

    KycCheck.replace_all(results=outcome.checks, case=case)
    case.reasons = reasons
    case.ocr_encrypted = encrypt_text(json.dumps(outcome.ocr)) if outcome.ocr else ""
    case.ocr_confidence = outcome.ocr_confidence
    case.extracted = outcome.extracted or {}
    case.face_distance = outcome.face_distance
    case.face_encoding = outcome.face_encoding
    case.last_error = ""
    case.decided_at = timezone.now() if status != KycCase.Status.MANUAL_REVIEW else None
    transition(
        case,
        to=status,
        event=KycCaseEvent.Type.KYC_COMPLETED,
        data={
            "reasons": [r["code"] for r in reasons],
            "checks": {c.name: c.status for c in outcome.checks},
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
def kyc_case_processing_failed(*, case_id: Any, error: str, final: bool) -> KycCase:
    """Record an engine or worker error; after the last retry send the case to staff.

    ``error`` is a short description without personal data (exception type and message).
    ``final`` True moves the case to MANUAL_REVIEW with reason ``ENGINE_ERROR``.
    """
    case = lock(KycCase, case_id)
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
