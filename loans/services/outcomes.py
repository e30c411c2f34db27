"""What follows a decision: disbursement through the ledger and the applicant's notification."""

import logging
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from accounts.models import LedgerEntry
from accounts.services import ledger_post
from smartbank.db import rows_update
from smartbank.errors import ApplicationError, ConflictError
from smartbank.models import Notification
from smartbank.money import format_inr
from smartbank.notifications import (
    mask_account_number,
    notification_build,
    notifications_enqueue,
)

from .. import rules
from ..events import loan_application_event_record, loan_application_events_record
from ..loan_accounts import loan_account_ensure
from ..models import LoanApplication, LoanApplicationEvent, StageStatus
from ..selectors import disbursement_account_for, loan_application_emi, loan_application_tenure

logger = logging.getLogger(__name__)

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


def _decision_messages(application: LoanApplication) -> tuple[str, list[Notification]]:
    """``(status told, built notifications)`` of ``application``'s decision: the email and
    the SMS alert its contacts allow; sets ``email_sent`` / ``alert_sent`` accordingly."""
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
    email_ok = rules.email_is_valid(application.email)
    sms_ok = application.phone.startswith("+") and rules.phone_is_valid(application.phone)
    channels = (
        ("EMAIL", "loan_decision", application.email, email_ok),
        ("SMS", "loan_decision_sms", application.phone, sms_ok),
    )
    built = [
        notification_build(
            channel=channel,
            template=template,
            recipient=recipient,
            context=context,
            user=application.customer,
        )
        for channel, template, recipient, wanted in channels
        if wanted
    ]
    application.email_sent = application.email_sent or email_ok
    application.alert_sent = application.alert_sent or sms_ok
    return status, built


def loan_applications_notify(*, applications: Sequence[LoanApplication]) -> None:
    """Email each applicant the decision (or that staff review it) and send an SMS alert;
    sets ``email_sent`` / ``alert_sent``; an APPLICANT_NOTIFIED event each. Call inside the
    deciding transaction. Every message of ``applications`` is stored in one ``INSERT`` and
    delivered after commit by one task (issue 13: a batch of decisions); the flags are one
    ``UPDATE`` and the events one ``INSERT``."""
    built: list[Notification] = []
    flagged: list[LoanApplication] = []
    events = []
    for application in applications:
        status, messages = _decision_messages(application)
        built += messages
        if messages:
            flagged.append(application)
        events.append(
            (
                application,
                EventType.APPLICANT_NOTIFIED,
                None,
                {"status": status, "channels": [m.channel for m in messages]},
            )
        )
    Notification.objects.bulk_create(built)
    for notification in built:
        logger.info(
            "notification %s queued: %s %s",
            notification.pk,
            notification.channel,
            notification.template,
        )
    notifications_enqueue(built)
    if flagged:
        updated_at = LoanApplication._meta.get_field("updated_at")
        for application in flagged:
            updated_at.pre_save(application, add=False)
        rows_update(flagged, ["email_sent", "alert_sent", "updated_at"])
    loan_application_events_record(events)


def loan_application_notify(*, application: LoanApplication) -> None:
    """Email the applicant the decision (or that staff review it) and send an SMS alert;
    sets ``email_sent`` / ``alert_sent``. Both are delivered after commit by one task
    (:func:`loan_applications_notify` of one application)."""
    loan_applications_notify(applications=[application])
