"""The verification stages' results: start, completion (the automatic decision), failure."""

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from smartbank.transitions import transition

from .. import rules
from ..events import loan_application_event_record
from ..models import LoanApplication, LoanApplicationEvent
from ..pipeline import ChecksOutcome
from ._transitions import locked
from .outcomes import loan_application_disburse, loan_application_notify

logger = logging.getLogger(__name__)

Status = LoanApplication.Status
EventType = LoanApplicationEvent.Type


@transaction.atomic
def loan_application_processing_start(*, loan_application_id: Any) -> LoanApplication | None:
    """Mark the application PROCESSING. Returns ``None`` when its checks already finished
    (idempotent for a redelivered task). ``LoanApplication.DoesNotExist`` for an unknown pk."""
    application = locked(loan_application_id)
    if application.status not in (Status.SUBMITTED, Status.PROCESSING):
        return None
    return transition(application, to=Status.PROCESSING, event=EventType.PROCESSING_STARTED)


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
    *, loan_application_id: Any, outcome: ChecksOutcome
) -> LoanApplication:
    """Store the three stages' results and decide: APPROVED, REJECTED, or REVIEW (final
    status PENDING, in the staff's queue). The KYC stage's staff-only notes go to
    ``kyc_staff_remarks``, apart from the remarks the applicant reads. Each stage's result is
    an audit event; an approval of a registered customer is disbursed
    (:func:`loan_application_disburse`); the applicant is notified. Idempotent: an application
    no longer PROCESSING is returned unchanged.
    """
    application = locked(loan_application_id)
    if application.status != Status.PROCESSING:
        return application
    now = timezone.now()
    for stage, _ in _STAGE_EVENTS:
        result = getattr(outcome, stage)
        setattr(application, f"{stage}_verified_at", now)
        setattr(application, f"{stage}_remarks", result.remarks)
    application.kyc_staff_remarks = outcome.kyc.staff_remarks
    application.dti_ratio = outcome.eligibility.data.get("dti_ratio")
    application.political_connection = outcome.compliance.data["political_connection"]
    application.senior_relative = outcome.compliance.data["senior_relative"]
    application.compliance_evidence = outcome.evidence
    final = outcome.final_status
    to = {rules.APPROVED: Status.APPROVED, rules.REJECTED: Status.REJECTED}.get(
        final, Status.REVIEW
    )
    application.final_decision_at = now if final != rules.PENDING else None
    application.final_remarks = _final_remarks(outcome)
    application.last_error = ""
    # Each stage's result first, then the decision that moves every status field at once.
    for stage, event_type in _STAGE_EVENTS:
        result = getattr(outcome, stage)
        data = {
            "status": result.status,
            "remarks": result.remarks,
            "checks": [c.as_dict() for c in result.checks],
        }
        if result.staff_remarks:
            data["staff_remarks"] = result.staff_remarks
        if stage == "compliance":
            data["evidence"] = outcome.evidence
        if stage == "eligibility":
            ratio = application.dti_ratio
            data["dti_ratio"] = str(ratio) if ratio is not None else None
        loan_application_event_record(application=application, type=event_type, data=data)
    transition(
        application,
        to=to,
        also={
            "final_status": final,
            **{f"{stage}_status": getattr(outcome, stage).status for stage, _ in _STAGE_EVENTS},
        },
        event=EventType.AUTO_DECIDED,
        data={"final_status": final, "remarks": application.final_remarks},
        update_fields=[
            *(
                f"{stage}_{suffix}"
                for stage, _ in _STAGE_EVENTS
                for suffix in ("verified_at", "remarks")
            ),
            "kyc_staff_remarks",
            "dti_ratio",
            "political_connection",
            "senior_relative",
            "compliance_evidence",
            "final_decision_at",
            "final_remarks",
            "last_error",
        ],
    )
    logger.info("loan application %s decided %s", application.application_id, to)
    if to == Status.APPROVED:
        loan_application_disburse(application=application)
    loan_application_notify(application=application)
    return application


@transaction.atomic
def loan_application_processing_failed(
    *, loan_application_id: Any, error: str, final: bool
) -> LoanApplication:
    """Record a worker error (``error``: exception type and a short message, no personal
    data); with ``final`` True the application goes to REVIEW so it never sticks in
    PROCESSING, and staff can reprocess it."""
    application = locked(loan_application_id)
    application.last_error = error[:1000]
    data: dict[str, Any] = {"error": error[:300], "final": final}
    if not (final and application.status in (Status.SUBMITTED, Status.PROCESSING)):
        application.save(update_fields=["last_error", "updated_at"])
        loan_application_event_record(
            application=application, type=EventType.PROCESSING_FAILED, data=data
        )
        return application
    application.final_remarks = "Automatic checks failed; staff will review the application"
    transition(
        application,
        to=Status.REVIEW,
        event=EventType.PROCESSING_FAILED,
        data=data,
        update_fields=["last_error", "final_remarks"],
    )
    loan_application_notify(application=application)
    return application
