"""Every write to KYC data: submission, the pipeline's status changes, staff review.

Each status change locks the case row, checks ``KycCase.ALLOWED_TRANSITIONS``, saves with
``update_fields`` and appends a :class:`~kyc.models.KycCaseEvent`, in one transaction (seed 003:
"every transition writes an audit event").
"""

import datetime
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from smartbank.crypto import decrypt_text, encrypt_text
from smartbank.errors import ApplicationError, ConflictError, InvalidTransition
from smartbank.notifications import notification_send
from smartbank.uploads import UploadRejected, check_upload

from .documents import mask_id_number, normalise_id_number
from .events import kyc_case_event_record
from .models import IdType, KycCase, KycCaseEvent, KycCheck, KycDocument
from .selectors import id_number_hash, id_number_registered_to_other, kyc_case_latest

logger = logging.getLogger(__name__)

ID_NUMBER_FORMATS = {
    IdType.AADHAAR: ("^[2-9][0-9]{11}$", "An Aadhaar number has 12 digits and starts with 2-9."),
    IdType.PAN: ("^[A-Z]{5}[0-9]{4}[A-Z]$", "A PAN has 10 characters, like ABCPE1234F."),
}


@dataclass(frozen=True)
class UploadedDocument:
    """A file as received from a form or the API: its bytes (at most the upload limit)."""

    data: bytes


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


def _kyc_decision_notify(*, case: KycCase) -> None:
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


# --- submission ---------------------------------------------------------------------------


def validate_id_number(*, id_type: str, id_number: str) -> str:
    """Normalise ``id_number`` and check its format for ``id_type``.

    Returns the normalised number (Aadhaar: 12 digits, PAN: 10 upper-case characters).
    Raises :class:`ApplicationError` (field ``id_number``) for a malformed number. The Aadhaar
    Verhoeff checksum is checked by the pipeline, which records ``ID_CHECKSUM_INVALID``.
    """
    import re

    if id_type not in IdType.values:
        raise ApplicationError("Choose Aadhaar or PAN.", code="invalid_choice", field="id_type")
    number = normalise_id_number(id_type, id_number)
    pattern, message = ID_NUMBER_FORMATS[IdType(id_type)]
    if not re.fullmatch(pattern, number):
        raise ApplicationError(message, code="ID_FORMAT_INVALID", field="id_number")
    return number


def check_document(*, data: bytes, field: str) -> str:
    """Check an upload's size and real content type; returns the sniffed content type.

    Raises :class:`ApplicationError` on ``field`` with the upload check's code and message.
    """
    try:
        return check_upload(data, max_bytes=settings.KYC_MAX_UPLOAD_BYTES)
    except UploadRejected as exc:
        raise ApplicationError(exc.message, code=exc.code, field=field) from exc


def _store_document(*, case: KycCase, kind: str, data: bytes, content_type: str) -> KycDocument:
    document = KycDocument(
        case=case,
        kind=kind,
        content_type=content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    document.file.save("upload", ContentFile(data), save=False)
    document.save()
    return document


@transaction.atomic
def kyc_case_submit(
    *,
    user: Any,
    id_type: str,
    id_number: str,
    full_name: str,
    date_of_birth: datetime.date,
    id_document: UploadedDocument,
    selfie: UploadedDocument,
) -> KycCase:
    """Open a KYC case for ``user`` and enqueue verification after commit.

    Raises :class:`ApplicationError` for bad input (field errors), :class:`ConflictError`
    (code ``DUPLICATE_ID``) when another customer already registered the ID number, and
    :class:`ApplicationError` (code ``KYC_NOT_ALLOWED``) when the customer has an open or
    verified case or has used ``settings.KYC_MAX_ATTEMPTS`` attempts.
    """
    number = validate_id_number(id_type=id_type, id_number=id_number)
    id_content_type = check_document(data=id_document.data, field="id_document")
    selfie_content_type = check_document(data=selfie.data, field="selfie")
    if selfie_content_type == "application/pdf":
        raise ApplicationError(
            "The selfie must be a JPG or PNG photo.", code="UNSUPPORTED_FILE_TYPE", field="selfie"
        )
    if id_number_registered_to_other(id_type=id_type, id_number=number, user=user):
        raise ConflictError(
            "This ID number is already registered to another customer.",
            code="DUPLICATE_ID",
            field="id_number",
        )

    # Serialise submissions of one customer: lock their cases before counting attempts.
    previous = list(KycCase.objects.select_for_update().filter(user=user).order_by("-attempt"))
    latest = previous[0] if previous else None
    if latest is not None:
        if latest.status == KycCase.Status.VERIFIED:
            raise ApplicationError("Your KYC is already verified.", code="KYC_NOT_ALLOWED")
        if latest.is_open:
            raise ApplicationError(
                "Your documents are still being checked.", code="KYC_NOT_ALLOWED"
            )
        if latest.attempt >= settings.KYC_MAX_ATTEMPTS and not latest.resubmission_allowed:
            raise ApplicationError(
                "You have used all attempts; our staff will contact you.", code="KYC_NOT_ALLOWED"
            )

    case = KycCase.objects.create(
        user=user,
        attempt=(latest.attempt + 1) if latest else 1,
        id_type=id_type,
        id_number_encrypted=encrypt_text(number),
        id_number_hash=id_number_hash(id_type=id_type, id_number=number),
        id_number_masked=mask_id_number(id_type, number),
        full_name=full_name.strip(),
        date_of_birth=date_of_birth,
    )
    _store_document(
        case=case,
        kind=KycDocument.Kind.ID_DOCUMENT,
        data=id_document.data,
        content_type=id_content_type,
    )
    _store_document(
        case=case, kind=KycDocument.Kind.SELFIE, data=selfie.data, content_type=selfie_content_type
    )
    kyc_case_event_record(
        case=case,
        type=KycCaseEvent.Type.SUBMITTED,
        actor=user,
        data={"status": case.status, "attempt": case.attempt, "id_type": id_type},
    )
    logger.info("kyc case %s submitted (attempt %s)", case.id, case.attempt)

    from .tasks import kyc_case_verify_task

    transaction.on_commit(lambda: kyc_case_verify_task.delay(str(case.id)))
    return case


def kyc_case_id_number(*, case: KycCase) -> str:
    """The case's ID number in clear, for the pipeline only. Never log or display it."""
    return decrypt_text(case.id_number_encrypted)


# --- status changes -----------------------------------------------------------------------


def _locked(case_id: Any) -> KycCase:
    return KycCase.objects.select_for_update().get(pk=case_id)


def _move(case: KycCase, to: str) -> str:
    old = case.status
    if to not in KycCase.ALLOWED_TRANSITIONS[KycCase.Status(old)]:
        raise InvalidTransition(f"A case in {old} cannot move to {to}.", code="INVALID_TRANSITION")
    case.status = to
    return old


@transaction.atomic
def kyc_case_processing_start(*, case_id: Any) -> KycCase | None:
    """Mark the case PROCESSING. Returns ``None`` when it is already decided (idempotent)."""
    case = _locked(case_id)
    if case.status not in (KycCase.Status.PENDING, KycCase.Status.PROCESSING):
        return None
    old = _move(case, KycCase.Status.PROCESSING)
    case.save(update_fields=["status", "updated_at"])
    kyc_case_event_record(
        case=case,
        type=KycCaseEvent.Type.PROCESSING_STARTED,
        data={"from": old, "to": case.status},
    )
    return case


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
    case = _locked(case_id)
    if case.status != KycCase.Status.PROCESSING:
        return case
    status, reasons = decide(outcome.checks)
    if status == KycCase.Status.REJECTED and case.attempt >= settings.KYC_MAX_ATTEMPTS:
        status = KycCase.Status.MANUAL_REVIEW
        reasons = [*reasons, reason("ATTEMPTS_EXHAUSTED")]

    KycCheck.replace_all(results=outcome.checks, case=case)
    old = _move(case, status)
    case.reasons = reasons
    case.ocr_encrypted = encrypt_text(json.dumps(outcome.ocr)) if outcome.ocr else ""
    case.ocr_confidence = outcome.ocr_confidence
    case.extracted = outcome.extracted or {}
    case.face_distance = outcome.face_distance
    case.face_encoding = outcome.face_encoding
    case.last_error = ""
    case.decided_at = timezone.now() if status != KycCase.Status.MANUAL_REVIEW else None
    case.save()
    kyc_case_event_record(
        case=case,
        type=KycCaseEvent.Type.KYC_COMPLETED,
        data={
            "from": old,
            "to": status,
            "reasons": [r["code"] for r in reasons],
            "checks": {c.name: c.status for c in outcome.checks},
        },
    )
    logger.info("kyc case %s decided %s", case.id, status)
    _kyc_decision_notify(case=case)
    return case


@transaction.atomic
def kyc_case_processing_failed(*, case_id: Any, error: str, final: bool) -> KycCase:
    """Record an engine or worker error; after the last retry send the case to staff.

    ``error`` is a short description without personal data (exception type and message).
    ``final`` True moves the case to MANUAL_REVIEW with reason ``ENGINE_ERROR``.
    """
    case = _locked(case_id)
    case.last_error = error[:1000]
    update = ["last_error", "updated_at"]
    data: dict[str, Any] = {"error": error[:300], "final": final}
    if final and case.status in (KycCase.Status.PENDING, KycCase.Status.PROCESSING):
        data["from"] = _move(case, KycCase.Status.MANUAL_REVIEW)
        data["to"] = case.status
        case.reasons = [reason("ENGINE_ERROR")]
        update += ["status", "reasons"]
    case.save(update_fields=update)
    kyc_case_event_record(case=case, type=KycCaseEvent.Type.PROCESSING_FAILED, data=data)
    if "to" in data:
        _kyc_decision_notify(case=case)
    return case


# --- staff review -------------------------------------------------------------------------


@transaction.atomic
def kyc_case_approve(*, case_id: Any, reviewer: Any, note: str = "") -> KycCase:
    """Staff approve a case in MANUAL_REVIEW. Raises :class:`InvalidTransition` otherwise."""
    case = _locked(case_id)
    old = _move(case, KycCase.Status.VERIFIED)
    case.reasons = [reason("STAFF_APPROVED", note or None)]
    case.decided_by = reviewer
    case.decided_at = timezone.now()
    case.review_note = note
    case.save(
        update_fields=["status", "reasons", "decided_by", "decided_at", "review_note", "updated_at"]
    )
    kyc_case_event_record(
        case=case,
        type=KycCaseEvent.Type.REVIEW_APPROVED,
        actor=reviewer,
        data={"from": old, "to": case.status, "note": note},
    )
    _kyc_decision_notify(case=case)
    return case


@transaction.atomic
def kyc_case_reject(*, case_id: Any, reviewer: Any, reason_text: str) -> KycCase:
    """Staff reject a case in MANUAL_REVIEW with a reason shown to the customer.

    Raises :class:`ApplicationError` without a reason, :class:`InvalidTransition` when the case
    is not in MANUAL_REVIEW.
    """
    if not reason_text.strip():
        raise ApplicationError("Give a reason for the rejection.", code="required", field="reason")
    case = _locked(case_id)
    old = _move(case, KycCase.Status.REJECTED)
    case.reasons = [reason("STAFF_REJECTED", reason_text.strip())]
    case.decided_by = reviewer
    case.decided_at = timezone.now()
    case.review_note = reason_text.strip()
    case.save(
        update_fields=["status", "reasons", "decided_by", "decided_at", "review_note", "updated_at"]
    )
    kyc_case_event_record(
        case=case,
        type=KycCaseEvent.Type.REVIEW_REJECTED,
        actor=reviewer,
        data={"from": old, "to": case.status, "reason": reason_text.strip()},
    )
    _kyc_decision_notify(case=case)
    return case


@transaction.atomic
def kyc_case_request_resubmission(*, case_id: Any, reviewer: Any, reason_text: str) -> KycCase:
    """Staff ask the customer to submit again: the case is closed as REJECTED and the
    customer gets one more attempt beyond ``settings.KYC_MAX_ATTEMPTS``.

    Allowed from MANUAL_REVIEW, or from REJECTED when not already granted. Raises
    :class:`InvalidTransition` otherwise (so it cannot be applied twice).
    """
    if not reason_text.strip():
        raise ApplicationError("Say what to resubmit.", code="required", field="reason")
    case = _locked(case_id)
    latest = kyc_case_latest(user=case.user)
    if case.resubmission_allowed or latest is None or latest.pk != case.pk:
        raise InvalidTransition(
            "Resubmission was already requested for this customer.", code="INVALID_TRANSITION"
        )
    old = case.status
    if case.status == KycCase.Status.MANUAL_REVIEW:
        _move(case, KycCase.Status.REJECTED)
    elif case.status != KycCase.Status.REJECTED:
        raise InvalidTransition(
            f"A case in {case.status} cannot be sent back.", code="INVALID_TRANSITION"
        )
    case.resubmission_allowed = True
    case.reasons = [reason("RESUBMISSION_REQUESTED", reason_text.strip())]
    case.decided_by = reviewer
    case.decided_at = timezone.now()
    case.review_note = reason_text.strip()
    case.save(
        update_fields=[
            "status",
            "resubmission_allowed",
            "reasons",
            "decided_by",
            "decided_at",
            "review_note",
            "updated_at",
        ]
    )
    kyc_case_event_record(
        case=case,
        type=KycCaseEvent.Type.RESUBMISSION_REQUESTED,
        actor=reviewer,
        data={"from": old, "to": case.status, "reason": reason_text.strip()},
    )
    _kyc_decision_notify(case=case)
    return case


def kyc_document_viewed(*, document: KycDocument, viewer: Any) -> None:
    """Record that a member of staff opened a customer's document (access audit)."""
    kyc_case_event_record(
        case=document.case,
        type=KycCaseEvent.Type.DOCUMENT_VIEWED,
        actor=viewer,
        data={"document": str(document.id), "kind": document.kind},
    )
