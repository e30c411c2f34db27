"""Staff review of a case in MANUAL_REVIEW (approve, reject, ask for a resubmission) and the
access audit of the documents."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from smartbank.errors import ApplicationError, InvalidTransition, NotAllowed
from smartbank.malware import approval_scan_check
from smartbank.transitions import lock, transition

from ..events import kyc_case_event_record
from ..models import KycCase, KycCaseEvent, KycDocument
from ..pipeline import reason as reason_of
from ..selectors import kyc_case_latest, user_may_review_kyc
from .processing import kyc_decision_notify

_DECISION_FIELDS = ["reasons", "decided_by", "decided_at", "review_note"]


def _check_reviewer(actor: Any) -> None:
    """Raises :class:`NotAllowed` (403 ``FORBIDDEN``) unless ``actor`` holds
    ``kyc.review_kyccase`` (group "KYC reviewers", superusers)."""
    if not user_may_review_kyc(user=actor):
        raise NotAllowed("Only KYC reviewers review KYC cases.", code="FORBIDDEN")


@transaction.atomic
def kyc_case_approve(*, kyc_case_id: Any, actor: Any, reason: str = "") -> KycCase:
    """A KYC reviewer approves a case in MANUAL_REVIEW. Raises :class:`NotAllowed` (403) for
    a user without ``kyc.review_kyccase``, :class:`InvalidTransition` when not in review,
    :class:`ApplicationError` ``MALWARE_DETECTED`` / ``NOT_SCANNED`` when the virus scan found
    one of its files infected or never gave a verdict
    (:func:`smartbank.malware.approval_scan_check`)."""
    _check_reviewer(actor)
    case = lock(KycCase, kyc_case_id)
    approval_scan_check(
        last_error=case.last_error,
        quarantined=case.documents.exclude(quarantined_file="").exists(),
    )
    case.reasons = [reason_of("STAFF_APPROVED", reason or None)]
    case.decided_by = actor
    case.decided_at = timezone.now()
    case.review_note = reason
    transition(
        case,
        to=KycCase.Status.VERIFIED,
        event=KycCaseEvent.Type.REVIEW_APPROVED,
        actor=actor,
        data={"note": reason},
        update_fields=_DECISION_FIELDS,
    )
    kyc_decision_notify(case=case)
    return case


@transaction.atomic
def kyc_case_reject(*, kyc_case_id: Any, actor: Any, reason: str) -> KycCase:
    """Staff reject a case in MANUAL_REVIEW with a reason shown to the customer.

    Raises :class:`ApplicationError` without a reason, :class:`InvalidTransition` when the case
    is not in MANUAL_REVIEW, :class:`NotAllowed` for a user without ``kyc.review_kyccase``.
    """
    _check_reviewer(actor)
    if not reason.strip():
        raise ApplicationError("Give a reason for the rejection.", code="required", field="reason")
    case = lock(KycCase, kyc_case_id)
    case.reasons = [reason_of("STAFF_REJECTED", reason.strip())]
    case.decided_by = actor
    case.decided_at = timezone.now()
    case.review_note = reason.strip()
    transition(
        case,
        to=KycCase.Status.REJECTED,
        event=KycCaseEvent.Type.REVIEW_REJECTED,
        actor=actor,
        reason=reason.strip(),
        update_fields=_DECISION_FIELDS,
    )
    kyc_decision_notify(case=case)
    return case


@transaction.atomic
def kyc_case_request_resubmission(*, kyc_case_id: Any, actor: Any, reason: str) -> KycCase:
    """Staff ask the customer to submit again: the case is closed as REJECTED and the
    customer gets one more attempt beyond ``settings.KYC_MAX_ATTEMPTS``.

    Allowed from MANUAL_REVIEW, or from REJECTED when not already granted. Raises
    :class:`InvalidTransition` otherwise (so it cannot be applied twice), :class:`NotAllowed`
    for a user without ``kyc.review_kyccase``.
    """
    _check_reviewer(actor)
    if not reason.strip():
        raise ApplicationError("Say what to resubmit.", code="required", field="reason")
    case = lock(KycCase, kyc_case_id)
    latest = kyc_case_latest(user=case.user)
    if case.resubmission_allowed or latest is None or latest.pk != case.pk:
        raise InvalidTransition(
            "Resubmission was already requested for this customer.", code="INVALID_TRANSITION"
        )
    if case.status not in (KycCase.Status.MANUAL_REVIEW, KycCase.Status.REJECTED):
        raise InvalidTransition(
            f"A case in {case.status} cannot be sent back.", code="INVALID_TRANSITION"
        )
    case.resubmission_allowed = True
    case.reasons = [reason_of("RESUBMISSION_REQUESTED", reason.strip())]
    case.decided_by = actor
    case.decided_at = timezone.now()
    case.review_note = reason.strip()
    update_fields = ["resubmission_allowed", *_DECISION_FIELDS]
    event = KycCaseEvent.Type.RESUBMISSION_REQUESTED
    if case.status == KycCase.Status.MANUAL_REVIEW:
        transition(
            case,
            to=KycCase.Status.REJECTED,
            event=event,
            actor=actor,
            reason=reason.strip(),
            update_fields=update_fields,
        )
    else:  # already REJECTED: the status stays, the customer gets one more attempt
        case.save(update_fields=[*update_fields, "updated_at"])
        kyc_case_event_record(
            case=case,
            type=event,
            actor=actor,
            data={"from": case.status, "to": case.status, "reason": reason.strip()},
        )
    kyc_decision_notify(case=case)
    return case


def kyc_document_viewed(*, document: KycDocument, actor: Any) -> None:
    """Record that a member of staff opened a customer's document (access audit)."""
    kyc_case_event_record(
        case=document.case,
        type=KycCaseEvent.Type.DOCUMENT_VIEWED,
        actor=actor,
        data={"document": str(document.id), "kind": document.kind},
    )
