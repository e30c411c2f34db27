"""The verification stages' results: start, completion (the automatic decision), failure."""

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from .. import rules
from ..events import loan_application_event_record
from ..models import LoanApplication, LoanApplicationEvent
from ..pipeline import ChecksOutcome
from ._transitions import locked, move
from .outcomes import loan_application_disburse, loan_application_notify

logger = logging.getLogger(__name__)

Status = LoanApplication.Status
EventType = LoanApplicationEvent.Type


@transaction.atomic
def loan_application_processing_start(*, application_pk: Any) -> LoanApplication | None:
    """Mark the application PROCESSING. Returns ``None`` when its checks already finished
    (idempotent for a redelivered task). ``LoanApplication.DoesNotExist`` for an unknown pk."""
    application = locked(application_pk)
    if application.status not in (Status.SUBMITTED, Status.PROCESSING):
        return None
    old = move(application, Status.PROCESSING)
    application.save(update_fields=["status", "updated_at"])
    loan_application_event_record(
        application=application,
        type=EventType.PROCESSING_STARTED,
        data={"from": old, "to": application.status},
    )
    return application


_STAGE_EVENTS = (
    ("kyc", EventType.KYC_CHECKED),
    ("compliance", EventType.COMPLIANCE_CHECKED),
    ("eligibility", EventType.ELIGIBILITY_CHECKED),
)
_STAGE_LABELS = {"kyc": "KYC", "compliance": "Compliance", "eligibility": "Eligibility"}


def _final_remarks(outcome: ChecksOutcome) -> str:
    final = outcome.final_status
    if final == rules.APPROVED:
        return "All verification stages approved"
    wanted = rules.REJECTED if final == rules.REJECTED else rules.PENDING
    parts = [
        f"{_STAGE_LABELS[stage]}: {getattr(outcome, stage).remarks}"
        for stage, _ in _STAGE_EVENTS
        if getattr(outcome, stage).status == wanted
    ]
    prefix = "Rejected" if final == rules.REJECTED else "Referred for staff review"
    return f"{prefix}. " + " | ".join(parts)


@transaction.atomic
def loan_application_checks_complete(
    *, application_pk: Any, outcome: ChecksOutcome
) -> LoanApplication:
    """Store the three stages' results and decide: APPROVED, REJECTED, or REVIEW (final
    status PENDING, in the staff's queue). Each stage's result is an audit event; an approval
    of a registered customer is disbursed (:func:`loan_application_disburse`); the applicant
    is notified. Idempotent: an application no longer PROCESSING is returned unchanged.
    """
    application = locked(application_pk)
    if application.status != Status.PROCESSING:
        return application
    now = timezone.now()
    for stage, _ in _STAGE_EVENTS:
        result = getattr(outcome, stage)
        setattr(application, f"{stage}_status", result.status)
        setattr(application, f"{stage}_verified_at", now)
        setattr(application, f"{stage}_remarks", result.remarks)
    application.dti_ratio = outcome.eligibility.data.get("dti_ratio")
    application.political_connection = outcome.compliance.data["political_connection"]
    application.senior_relative = outcome.compliance.data["senior_relative"]
    application.compliance_evidence = outcome.evidence
    final = outcome.final_status
    to = {rules.APPROVED: Status.APPROVED, rules.REJECTED: Status.REJECTED}.get(
        final, Status.REVIEW
    )
    old = move(application, to)
    application.final_status = final
    application.final_decision_at = now if final != rules.PENDING else None
    application.final_remarks = _final_remarks(outcome)
    application.last_error = ""
    application.save(
        update_fields=[
            *(
                f"{stage}_{suffix}"
                for stage, _ in _STAGE_EVENTS
                for suffix in ("status", "verified_at", "remarks")
            ),
            "dti_ratio",
            "political_connection",
            "senior_relative",
            "compliance_evidence",
            "status",
            "final_status",
            "final_decision_at",
            "final_remarks",
            "last_error",
            "updated_at",
        ]
    )
    for stage, event_type in _STAGE_EVENTS:
        result = getattr(outcome, stage)
        data = {
            "status": result.status,
            "remarks": result.remarks,
            "checks": [c.as_dict() for c in result.checks],
        }
        if stage == "compliance":
            data["evidence"] = outcome.evidence
        if stage == "eligibility":
            ratio = application.dti_ratio
            data["dti_ratio"] = str(ratio) if ratio is not None else None
        loan_application_event_record(application=application, type=event_type, data=data)
    loan_application_event_record(
        application=application,
        type=EventType.AUTO_DECIDED,
        data={"from": old, "to": to, "final_status": final, "remarks": application.final_remarks},
    )
    logger.info("loan application %s decided %s", application.application_id, to)
    if to == Status.APPROVED:
        loan_application_disburse(application=application)
    loan_application_notify(application=application)
    return application


@transaction.atomic
def loan_application_processing_failed(
    *, application_pk: Any, error: str, final: bool
) -> LoanApplication:
    """Record a worker error (``error``: exception type and a short message, no personal
    data); with ``final`` True the application goes to REVIEW so it never sticks in
    PROCESSING, and staff can reprocess it."""
    application = locked(application_pk)
    application.last_error = error[:1000]
    update = ["last_error", "updated_at"]
    data: dict[str, Any] = {"error": error[:300], "final": final}
    if final and application.status in (Status.SUBMITTED, Status.PROCESSING):
        data["from"] = move(application, Status.REVIEW)
        data["to"] = application.status
        application.final_remarks = "Automatic checks failed; staff will review the application"
        update += ["status", "final_remarks"]
    application.save(update_fields=update)
    loan_application_event_record(
        application=application, type=EventType.PROCESSING_FAILED, data=data
    )
    if "to" in data:
        loan_application_notify(application=application)
    return application
