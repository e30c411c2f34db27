"""Staff decisions: approve (maker-checker above the four-eyes amount), reject, reprocess."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from smartbank.errors import ApplicationError, ConflictError, InvalidTransition, NotAllowed
from smartbank.transitions import transition

from ..models import LoanApplication, LoanApplicationEvent, StageStatus
from ..selectors import user_may_decide
from ._transitions import enqueue_checks, locked
from .outcomes import loan_application_disburse, loan_application_notify

Status = LoanApplication.Status
EventType = LoanApplicationEvent.Type


_DECISION_FIELDS = ["final_decision_at", "decided_by", "final_remarks"]


def _check_officer(application: LoanApplication, actor: Any) -> None:
    if not user_may_decide(user=actor):
        raise NotAllowed("Only loan officers decide loan applications.", code="FORBIDDEN")
    if application.customer_id is not None and application.customer_id == actor.pk:
        raise NotAllowed("You cannot decide your own application.", code="OWN_APPLICATION")


def _check_in_review(application: LoanApplication, action: str) -> None:
    if application.status != Status.REVIEW:
        raise InvalidTransition(
            f"Application {application.application_id} is "
            f"{Status(application.status).label.lower()}; only applications awaiting review "
            f"can be {action}.",
            code="INVALID_TRANSITION",
        )


@transaction.atomic
def loan_application_approve(
    *, loan_application_id: Any, actor: Any, reason: str = ""
) -> LoanApplication:
    """A loan officer approves an application in REVIEW.

    Above the product's ``four_eyes_amount`` (INR) the first approval only records the maker
    (``first_approved_by``; the application stays in REVIEW) and a second, different officer
    completes it. The final approval sets APPROVED, disburses to a registered customer's
    account and notifies the applicant.

    Raises :class:`NotAllowed` (403) for a user without ``loans.decide_loanapplication`` or
    deciding their own application, :class:`InvalidTransition` (409) when the application is
    not in REVIEW (e.g. another officer decided it a moment earlier), and
    :class:`ConflictError` ``SAME_APPROVER`` (409) when the maker tries to approve again.
    """
    application = locked(loan_application_id)
    _check_officer(application, actor)
    _check_in_review(application, "approved")
    reason = reason.strip()
    now = timezone.now()
    four_eyes = application.loan_amount > application.product.four_eyes_amount
    if four_eyes and application.first_approved_by_id is None:
        application.first_approved_by = actor
        application.first_approved_at = now
        application.final_remarks = "First approval given; a second loan officer must approve"
        return transition(
            application,
            to=Status.REVIEW,
            event=EventType.FIRST_APPROVAL,
            actor=actor,
            data={
                "note": reason,
                "four_eyes_amount": str(application.product.four_eyes_amount),
            },
            update_fields=["first_approved_by", "first_approved_at", "final_remarks"],
        )
    if four_eyes and application.first_approved_by_id == actor.pk:
        raise ConflictError(
            "You gave the first approval; a different loan officer must give the second.",
            code="SAME_APPROVER",
        )
    application.final_decision_at = now
    application.decided_by = actor
    application.final_remarks = "Approved by staff" + (f": {reason}" if reason else "")
    transition(
        application,
        to=Status.APPROVED,
        also={"final_status": StageStatus.APPROVED},
        event=EventType.APPROVED,
        actor=actor,
        data={"note": reason, "maker": str(application.first_approved_by_id or "") or None},
        update_fields=_DECISION_FIELDS,
    )
    loan_application_disburse(application=application)
    loan_application_notify(application=application)
    return application


@transaction.atomic
def loan_application_reject(
    *, loan_application_id: Any, actor: Any, reason: str
) -> LoanApplication:
    """A loan officer rejects an application in REVIEW with a reason the applicant reads.

    Raises :class:`ApplicationError` (field ``reason``) without a reason, and
    :class:`NotAllowed` / :class:`InvalidTransition` as :func:`loan_application_approve`.
    """
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ApplicationError("Give a reason for the rejection.", code="required", field="reason")
    application = locked(loan_application_id)
    _check_officer(application, actor)
    _check_in_review(application, "rejected")
    application.final_decision_at = timezone.now()
    application.decided_by = actor
    application.final_remarks = f"Rejected by staff: {reason}"
    transition(
        application,
        to=Status.REJECTED,
        also={"final_status": StageStatus.REJECTED},
        event=EventType.REJECTED,
        actor=actor,
        reason=reason,
        update_fields=_DECISION_FIELDS,
    )
    loan_application_notify(application=application)
    return application


#: The status fields reprocessing moves back to PENDING, and the other fields it resets.
_STATUSES_ON_REPROCESS = {
    "kyc_status": StageStatus.PENDING,
    "compliance_status": StageStatus.PENDING,
    "eligibility_status": StageStatus.PENDING,
    "final_status": StageStatus.PENDING,
}
_RESET_ON_REPROCESS = {
    "kyc_verified_at": None,
    "kyc_remarks": "",
    "kyc_staff_remarks": "",
    "compliance_verified_at": None,
    "compliance_remarks": "",
    "political_connection": False,
    "senior_relative": False,
    "compliance_evidence": {},
    "eligibility_verified_at": None,
    "eligibility_remarks": "",
    "final_decision_at": None,
    "first_approved_by": None,
    "first_approved_at": None,
    "decided_by": None,
    "last_error": "",
}


@transaction.atomic
def loan_application_reprocess(*, loan_application_id: Any, actor: Any) -> LoanApplication:
    """Run the three stages again after the data or the lists changed.

    Allowed for an application in REVIEW (a maker's first approval is withdrawn) or REJECTED
    by the automatic checks; an approval and a staff rejection are final. The previous results
    stay in the audit trail. Raises :class:`NotAllowed` and :class:`InvalidTransition` (409).
    """
    application = locked(loan_application_id)
    _check_officer(application, actor)
    if application.status == Status.REJECTED and application.decided_by_id is not None:
        raise InvalidTransition(
            "A rejection by staff is final; the applicant may apply again.",
            code="INVALID_TRANSITION",
        )
    if application.status not in (Status.REVIEW, Status.REJECTED):
        raise InvalidTransition(
            f"Application {application.application_id} is "
            f"{Status(application.status).label.lower()}; it cannot be reprocessed.",
            code="INVALID_TRANSITION",
        )
    previous = {
        "kyc_status": application.kyc_status,
        "compliance_status": application.compliance_status,
        "eligibility_status": application.eligibility_status,
        "final_status": application.final_status,
        "final_remarks": application.final_remarks,
        "first_approved_by": str(application.first_approved_by_id or "") or None,
    }
    for name, value in _RESET_ON_REPROCESS.items():
        setattr(application, name, value)
    application.final_remarks = "Checks are running again at staff request"
    transition(
        application,
        to=Status.PROCESSING,
        also=_STATUSES_ON_REPROCESS,
        event=EventType.REPROCESS_REQUESTED,
        actor=actor,
        data={"previous": previous},
        update_fields=[*_RESET_ON_REPROCESS, "final_remarks"],
    )
    enqueue_checks(application)
    return application
