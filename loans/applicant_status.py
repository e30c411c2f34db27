"""An application as its applicant reads it (issue 12): each stage and the decision in plain
words, the progress so far, and after an automatic eligibility rejection what would change it.

Reads only (a selector module kept apart from :mod:`loans.selectors`, which serves the API,
the admin and the dashboards too). Nothing here names a rule's code, a ratio, a watchlist or a
score: the stored remarks are for staff and the audit trail. A stage a staff decision settled
shows that decision ("Checked by our team"), never "Pending" beside a final answer; compliance
findings are never disclosed (AML "tipping off", PMLA 2002 s.12 / FATF Recommendation 21).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from .advice import EligibilityAdvice, eligibility_advice
from .models import LoanApplication, StageStatus
from .pipeline import product_rules
from .selectors import loan_application_tenure

Status = LoanApplication.Status

GENERIC_DECLINE = "We are unable to offer you a loan at this time."
CHECKED_BY_STAFF = "Checked by our team"

#: Stage key -> (label, approved remark, rejected remark, in-review remark).
_STAGES = {
    "kyc": (
        "Identity",
        "Your identity is verified",
        "We could not confirm a verified identity for you",
        "Your identity check is still in progress",
    ),
    "compliance": (
        "Compliance",
        "Compliance checks passed",
        "The application did not pass our compliance checks",
        "Our compliance team is reviewing the application",
    ),
    "eligibility": (
        "Eligibility",
        "The loan fits your income and credit history",
        "The loan does not fit your income and credit history as they are today",
        "Our loans team is reviewing your finances",
    ),
}


@dataclass(frozen=True)
class ApplicantStage:
    """One stage: ``state`` (APPROVED, REJECTED, PENDING = with staff, CHECKING, SKIPPED: the
    application stopped at another stage) for the page's colour, ``display`` the word shown,
    ``checked_at`` when it was settled (``None``: not yet), ``remarks`` plain words."""

    key: str
    label: str
    state: str
    display: str
    checked_at: datetime.datetime | None
    remarks: str


def _staff_decided(application: LoanApplication) -> bool:
    return application.decided_by_id is not None and application.final_status in (
        StageStatus.APPROVED,
        StageStatus.REJECTED,
    )


def applicant_stages(*, application: LoanApplication) -> list[ApplicantStage]:
    """The three stages (identity, compliance, eligibility) as the applicant sees them.

    A stage left PENDING when staff decided takes the staff decision ("Approved" / "Not
    approved", "Checked by our team", dated at the decision); one left PENDING when another
    stage rejected the application automatically reads "Not needed".
    """
    stages = []
    for key, (label, passed, failed, reviewing) in _STAGES.items():
        status = getattr(application, f"{key}_status")
        checked_at = getattr(application, f"{key}_verified_at")
        if status == StageStatus.APPROVED:
            state, display, remarks = StageStatus.APPROVED, "Approved", passed
        elif status == StageStatus.REJECTED:
            state, display, remarks = StageStatus.REJECTED, "Not approved", failed
        elif _staff_decided(application):
            approved = application.final_status == StageStatus.APPROVED
            state = application.final_status
            display = "Approved" if approved else "Not approved"
            remarks, checked_at = CHECKED_BY_STAFF, application.final_decision_at
        elif application.status == Status.REJECTED:
            state, display = "SKIPPED", "Not needed"
            remarks = "Not finished: the application stopped at another check"
        elif checked_at is not None:
            state, display, remarks = StageStatus.PENDING, "With our team", reviewing
        else:
            state, remarks = "CHECKING", ""
            display = "Checking" if application.status == Status.PROCESSING else "Waiting"
            if application.status == Status.REVIEW:  # the checks never ran: staff look
                state, display, remarks = StageStatus.PENDING, "With our team", reviewing
        stages.append(
            ApplicantStage(
                key=key,
                label=label,
                state=state,
                display=display,
                checked_at=checked_at,
                remarks=remarks,
            )
        )
    return stages


def applicant_decision_remarks(*, application: LoanApplication) -> str:
    """The decision in one or two plain sentences: checking, with staff (or waiting for a
    second approval), approved, or why it was declined (a staff member's reason as given;
    never a compliance finding)."""
    if application.status in (Status.SUBMITTED, Status.PROCESSING):
        return "We are checking your application. This takes a few seconds."
    if application.status == Status.REVIEW:
        if application.awaiting_second_approval:
            return "Approved by one of our team; waiting for a second approval."
        return "Your application is with our staff for a decision, usually within a working day."
    if application.status == Status.APPROVED:
        if application.decided_by_id:
            return "Approved by our team."
        return "All checks passed: your loan is approved."
    if application.decided_by_id:
        reason = application.final_remarks.removeprefix("Rejected by staff:").strip()
        return f"Our team declined the application: {reason}" if reason else GENERIC_DECLINE
    if application.compliance_status == StageStatus.REJECTED:
        return GENERIC_DECLINE
    if application.eligibility_status == StageStatus.REJECTED:
        return _STAGES["eligibility"][2] + "."
    if application.kyc_status == StageStatus.REJECTED:
        return "We could not confirm your identity. Verify your identity, then apply again."
    return GENERIC_DECLINE


def applicant_advice(*, application: LoanApplication) -> EligibilityAdvice | None:
    """After an automatic rejection at eligibility (and nowhere else: never after compliance
    or a staff decision), what would change the outcome
    (:func:`loans.advice.eligibility_advice`); ``None`` otherwise."""
    if (
        application.status != Status.REJECTED
        or application.decided_by_id is not None
        or application.eligibility_status != StageStatus.REJECTED
        or application.compliance_status == StageStatus.REJECTED
    ):
        return None
    return eligibility_advice(
        income=application.income,
        debt=application.debt,
        credit_score=application.credit_score,
        loan_amount=application.loan_amount,
        tenure_months=loan_application_tenure(application=application),
        annual_rate_percent=application.product.annual_interest_rate_percent,
        rules_=product_rules(application.product),
    )


def applicant_progress(*, application: LoanApplication) -> int:
    """How far the application is, in percent (0-100): a quarter for each stage settled and
    for the decision."""
    stages = applicant_stages(application=application)
    done = sum(s.state in (StageStatus.APPROVED, StageStatus.REJECTED, "SKIPPED") for s in stages)
    done += application.status in (Status.APPROVED, Status.REJECTED)
    if application.status == Status.REVIEW:
        done = max(done, 3)
    return int(Decimal(done) * 100 / 4)
