"""What follows a decision: disbursement through the ledger and the applicant's notification."""

from typing import Any

from django.utils import timezone

from accounts.models import LedgerEntry
from accounts.services import ledger_post
from smartbank.errors import ApplicationError, ConflictError
from smartbank.money import format_inr
from smartbank.notifications import (
    mask_account_number,
    notification_send,
    notifications_enqueue,
)

from .. import rules
from ..events import loan_application_event_record
from ..loan_accounts import loan_account_ensure
from ..models import LoanApplication, LoanApplicationEvent, StageStatus
from ..selectors import disbursement_account_for, loan_application_emi, loan_application_tenure

Status = LoanApplication.Status
EventType = LoanApplicationEvent.Type


def disbursal_reference(application: LoanApplication) -> str:
    """``LOAN-YYYYMMDD-XXXXXXXX-DISBURSAL``: the ledger reference that makes it happen once."""
    return f"{application.application_id}-DISBURSAL"


def loan_application_disburse(*, application: LoanApplication) -> LedgerEntry | None:
    """Credit an APPROVED registered customer's loan to their oldest ACTIVE savings or current
    account through :func:`accounts.services.ledger_post` and record ``disbursed_at`` and
    ``disbursement_account``. Call inside the approving transaction, application row locked.

    Also opens (once) the customer's LOAN account holding what they owe
    (:func:`loans.loan_accounts.loan_account_ensure`), which waivers reduce.

    Returns the ledger entry, or ``None`` when nothing was posted: an integrator's
    application, already disbursed, no active account, or the ledger refused (recorded as a
    DISBURSED event with ``{"posted": false, "reason"}`` for staff to follow up; the approval
    stands).
    """
    if application.status != Status.APPROVED or application.customer_id is None:
        return None
    loan_account_ensure(application=application)
    if application.disbursed_at is not None:
        return None
    account = disbursement_account_for(customer=application.customer)
    data: dict[str, Any] = {"posted": False, "amount": str(application.loan_amount)}
    entry = None
    if account is None:
        data["reason"] = "NO_ACTIVE_ACCOUNT"
    else:
        data["account"] = mask_account_number(account.number)
        try:
            entry = ledger_post(
                bank_account_id=account.pk,
                entry_type=LedgerEntry.EntryType.CREDIT,
                amount=application.loan_amount,
                narration=f"Loan disbursal {application.application_id}",
                reference=disbursal_reference(application),
            )
        except ConflictError:  # posted before (DUPLICATE_POSTING): record it, once
            data["reason"] = "ALREADY_POSTED"
        except ApplicationError as exc:
            data["reason"] = exc.code
        if entry is not None or data.get("reason") == "ALREADY_POSTED":
            application.disbursed_at = timezone.now()
            application.disbursement_account = account
            application.save(update_fields=["disbursed_at", "disbursement_account", "updated_at"])
            data["posted"] = entry is not None
    loan_application_event_record(application=application, type=EventType.DISBURSED, data=data)
    return entry


GENERIC_DECLINE = "We are unable to offer you a loan at this time."


def _customer_remarks(application: LoanApplication) -> str:
    """What the applicant may be told of a rejection: eligibility or KYC reasons, or a staff
    reason; never compliance screening details (a watchlist match must not be disclosed to
    the applicant: AML "tipping off", PMLA 2002 s.12 / FATF Recommendation 21)."""
    if application.compliance_status == StageStatus.REJECTED:
        return GENERIC_DECLINE
    if application.decided_by_id:
        return application.final_remarks
    if application.eligibility_status == StageStatus.REJECTED:
        return application.eligibility_remarks
    if application.kyc_status == StageStatus.REJECTED:
        return application.kyc_remarks
    return GENERIC_DECLINE


def loan_application_notify(*, application: LoanApplication) -> None:
    """Email the applicant the decision (or that staff review it) and send an SMS alert;
    sets ``email_sent`` / ``alert_sent``. Both are delivered after commit by one task."""
    status = {
        Status.APPROVED: "APPROVED",
        Status.REJECTED: "REJECTED",
    }.get(application.status, "REVIEW")
    context = {
        "full_name": application.name,
        "application_id": application.application_id,
        "status": status,
        "loan_amount": format_inr(application.loan_amount),
        "remarks": _customer_remarks(application),
        "emi": "",
        "tenure_months": loan_application_tenure(application=application),
        "disbursed_to": "",
    }
    if status == "APPROVED":
        context["emi"] = format_inr(loan_application_emi(application=application))
        if application.disbursement_account_id and application.disbursed_at:
            context["disbursed_to"] = mask_account_number(application.disbursement_account.number)
    channels, queued = [], []
    if rules.email_is_valid(application.email):
        queued.append(
            notification_send(
                channel="EMAIL",
                template="loan_decision",
                recipient=application.email,
                context=context,
                user=application.customer,
                enqueue=False,
            )
        )
        application.email_sent = True
        channels.append("EMAIL")
    if application.phone.startswith("+") and rules.phone_is_valid(application.phone):
        queued.append(
            notification_send(
                channel="SMS",
                template="loan_decision_sms",
                recipient=application.phone,
                context=context,
                user=application.customer,
                enqueue=False,
            )
        )
        application.alert_sent = True
        channels.append("SMS")
    notifications_enqueue(queued)  # one delivery task for both (issue 13)
    if channels:
        application.save(update_fields=["email_sent", "alert_sent", "updated_at"])
    loan_application_event_record(
        application=application,
        type=EventType.APPLICANT_NOTIFIED,
        data={"status": status, "channels": channels},
    )
