"""Staff decisions: approve (maker-checker above the four-eyes amount), reject, reprocess."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from smartbank.errors import ApplicationError, ConflictError, InvalidTransition

from ..events import loan_application_event_record
from ..models import LoanApplication, LoanApplicationEvent, StageStatus
from ..selectors import user_may_decide
from ._transitions import enqueue_checks, locked, move
from .outcomes import loan_application_disburse, loan_application_notify

Status = LoanApplication.Status
EventType = LoanApplicationEvent.Type


class NotAllowed(ApplicationError):
    """The user may not take this action on this application (HTTP 403)."""

    status_code = 403


def _check_officer(application: LoanApplication, officer: Any) -> None:
    if not user_may_decide(user=officer):
        raise NotAllowed("Only loan officers decide loan applications.", code="FORBIDDEN")
    if application.customer_id is not None and application.customer_id == officer.pk:
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
    *, application: LoanApplication, officer: Any, note: str = ""
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
    application = locked(application.pk)
    _check_officer(application, officer)
    _check_in_review(application, "approved")
    note = note.strip()
    now = timezone.now()
    four_eyes = application.loan_amount > application.product.four_eyes_amount
    if four_eyes and application.first_approved_by_id is None:
        old = move(application, Status.REVIEW)
        application.first_approved_by = officer
        application.first_approved_at = now
        application.final_remarks = "First approval given; a second loan officer must approve"
        application.save(
            update_fields=[
                "status",
                "first_approved_by",
                "first_approved_at",
                "final_remarks",
                "updated_at",
            ]
        )
        loan_application_event_record(
            application=application,
            type=EventType.FIRST_APPROVAL,
            actor=officer,
            data={
                "from": old,
                "to": application.status,
                "note": note,
                "four_eyes_amount": str(application.product.four_eyes_amount),
            },
        )
        return application
    if four_eyes and application.first_approved_by_id == officer.pk:
        raise ConflictError(
            "You gave the first approval; a different loan officer must give the second.",
            code="SAME_APPROVER",
        )
    old = move(application, Status.APPROVED)
    application.final_status = StageStatus.APPROVED
    application.final_decision_at = now
    application.decided_by = officer
    application.final_remarks = "Approved by staff" + (f": {note}" if note else "")
    application.save(
        update_fields=[
            "status",
            "final_status",
            "final_decision_at",
            "decided_by",
            "final_remarks",
            "updated_at",
        ]
    )
    loan_application_event_record(
        application=application,
        type=EventType.APPROVED,
        actor=officer,
        data={
            "from": old,
            "to": application.status,
            "note": note,
            "maker": str(application.first_approved_by_id or "") or None,
        },
    )
    loan_application_disburse(application=application)
    loan_application_notify(application=application)
    return application


@transaction.atomic
def loan_application_reject(
    *, application: LoanApplication, officer: Any, reason: str
) -> LoanApplication:
    """A loan officer rejects an application in REVIEW with a reason the applicant reads.

    Raises :class:`ApplicationError` (field ``reason``) without a reason, and
    :class:`NotAllowed` / :class:`InvalidTransition` as :func:`loan_application_approve`.
    """
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ApplicationError("Give a reason for the rejection.", code="required", field="reason")
    application = locked(application.pk)
    _check_officer(application, officer)
    _check_in_review(application, "rejected")
    old = move(application, Status.REJECTED)
    application.final_status = StageStatus.REJECTED
    application.final_decision_at = timezone.now()
    application.decided_by = officer
    application.final_remarks = f"Rejected by staff: {reason}"
    application.save(
        update_fields=[
            "status",
            "final_status",
            "final_decision_at",
            "decided_by",
            "final_remarks",
            "updated_at",
        ]
    )
    loan_application_event_record(
        application=application,
        type=EventType.REJECTED,
        actor=officer,
        data={"from": old, "to": application.status, "reason": reason},
    )
    loan_application_notify(application=application)
    return application


_RESET_ON_REPROCESS = {
    "kyc_status": StageStatus.PENDING,
    "kyc_verified_at": None,
    "kyc_remarks": "",
    "compliance_status": StageStatus.PENDING,
    "compliance_verified_at": None,
    "compliance_remarks": "",
    "political_connection": False,
    "senior_relative": False,
    "compliance_evidence": {},
    "eligibility_status": StageStatus.PENDING,
    "eligibility_verified_at": None,
    "eligibility_remarks": "",
    "final_status": StageStatus.PENDING,
    "final_decision_at": None,
    "first_approved_by": None,
    "first_approved_at": None,
    "decided_by": None,
    "last_error": "",
}


@transaction.atomic
def loan_application_reprocess(*, application: LoanApplication, officer: Any) -> LoanApplication:
    """Run the three stages again after the data or the lists changed.

    Allowed for an application in REVIEW (a maker's first approval is withdrawn) or REJECTED
    by the automatic checks; an approval and a staff rejection are final. The previous results
    stay in the audit trail. Raises :class:`NotAllowed` and :class:`InvalidTransition` (409).
    """
    application = locked(application.pk)
    _check_officer(application, officer)
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
    old = move(application, Status.PROCESSING)
    for name, value in _RESET_ON_REPROCESS.items():
        setattr(application, name, value)
    application.final_remarks = "Checks are running again at staff request"
    application.save(update_fields=[*_RESET_ON_REPROCESS, "status", "final_remarks", "updated_at"])
    loan_application_event_record(
        application=application,
        type=EventType.REPROCESS_REQUESTED,
        actor=officer,
        data={"from": old, "to": application.status, "previous": previous},
    )
    enqueue_checks(application)
    return application
