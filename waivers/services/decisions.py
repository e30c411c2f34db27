"""Staff decisions on a waiver request (maker-checker above the four-eyes amount), which post
the waiver to the loan's ledger, and the access audit of the scans."""

import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import BankAccount, LedgerEntry
from accounts.services import ledger_post
from loans.loan_accounts import loan_account_ensure
from smartbank.errors import ApplicationError, ConflictError, InvalidTransition, NotAllowed
from smartbank.malware import approval_scan_check
from smartbank.money import format_inr
from smartbank.transitions import lock, transition

from ..events import waiver_event_record
from ..models import WaiverEvent, WaiverRequest
from ..pipeline import REASON_MESSAGES
from ..pipeline import reason as reason_of
from ..selectors import certificate_used_elsewhere, document_used_elsewhere, user_may_decide_waivers
from .verification import waiver_decision_notify

logger = logging.getLogger(__name__)

Status = WaiverRequest.Status


# --- staff decisions ----------------------------------------------------------------------


_DECISION_FIELDS = ["reasons", "decided_by", "decided_at", "review_note"]


def _check_officer(waiver: WaiverRequest, actor: Any) -> None:
    if not user_may_decide_waivers(user=actor):
        raise NotAllowed("Only waiver officers decide waiver requests.", code="FORBIDDEN")
    if waiver.customer_id == actor.pk:
        raise NotAllowed("You cannot decide your own waiver request.", code="OWN_WAIVER")


def _check_decidable(waiver: WaiverRequest, action: str) -> None:
    if waiver.status not in WaiverRequest.DECIDABLE_STATUSES:
        raise InvalidTransition(
            f"This waiver request is {Status(waiver.status).label.lower()}; only verified "
            f"requests and requests in manual review can be {action}.",
            code="INVALID_TRANSITION",
        )


def _check_certificate_free(waiver: WaiverRequest) -> None:
    for other, code in (
        (certificate_used_elsewhere(waiver=waiver), "CERTIFICATE_ALREADY_USED"),
        (document_used_elsewhere(waiver=waiver), "DOCUMENT_REUSED"),
    ):
        if other is not None and other.status == Status.APPROVED:
            raise ConflictError(REASON_MESSAGES[code] + " Reject this request.", code=code)


def _post_waiver(waiver: WaiverRequest) -> LedgerEntry:
    """DEBIT the waiver to the loan's LOAN account (opened first if needed), once."""
    application_id = waiver.loan.application_id
    account = loan_account_ensure(application=waiver.loan)
    if account is None:
        raise ApplicationError(
            f"Loan {application_id} is not an approved loan of a registered customer.",
            code="LOAN_NOT_ELIGIBLE",
        )
    try:
        return ledger_post(
            bank_account_id=account.pk,
            entry_type=LedgerEntry.EntryType.DEBIT,
            amount=waiver.amount,
            narration=(
                f"{waiver.waiver_type.name}: {waiver.certificate_type.name} "
                f"{waiver.certificate_number}"
            )[:200],
            reference=waiver.ledger_reference,
        )
    except ConflictError as exc:  # DUPLICATE_POSTING: the unique reference, as a backstop
        raise ConflictError(
            "This waiver was already applied to the loan.", code="ALREADY_POSTED"
        ) from exc
    except ApplicationError as exc:
        if exc.code != "INSUFFICIENT_FUNDS":
            raise
        owed = BankAccount.objects.values_list("balance", flat=True).get(pk=account.pk)
        raise ApplicationError(
            f"The waiver of {format_inr(waiver.amount)} is more than the {format_inr(owed)} "
            f"still owed on loan {application_id}. Reject it, or ask the customer for a smaller "
            "amount.",
            code="WAIVER_EXCEEDS_OUTSTANDING",
        ) from exc


@transaction.atomic
def waiver_request_approve(
    *, waiver_request_id: Any, actor: Any, reason: str = ""
) -> WaiverRequest:
    """A waiver officer approves a VERIFIED or MANUAL_REVIEW waiver: the amount is posted as a
    DEBIT (reference ``WAIVER-<id>``) to the loan's LOAN account, reducing what is owed.

    Above ``settings.WAIVER_FOUR_EYES_AMOUNT`` (INR) the first approval only records the maker
    (``first_approved_by``; the status stays) and a second, different officer completes it.

    Raises :class:`NotAllowed` (403: ``FORBIDDEN`` without ``waivers.decide_waiverrequest``,
    ``OWN_WAIVER``), :class:`InvalidTransition` (409: not VERIFIED or MANUAL_REVIEW, e.g. another
    officer decided it a moment earlier), :class:`ConflictError` (409: ``SAME_APPROVER``,
    ``CERTIFICATE_ALREADY_USED`` (a number typed or read on it typed or read on an approved
    waiver) / ``DOCUMENT_REUSED`` (the same file) by an approved waiver,
    ``ALREADY_POSTED``) and :class:`ApplicationError` ``WAIVER_EXCEEDS_OUTSTANDING`` (the loan
    owes less than the waiver now) or ``MALWARE_DETECTED`` / ``NOT_SCANNED`` (the virus scan
    found the scan infected or never gave a verdict: :func:`smartbank.malware.approval_scan_check`);
    nothing changes when it raises.
    """
    waiver = lock(WaiverRequest, waiver_request_id)
    _check_officer(waiver, actor)
    _check_decidable(waiver, "approved")
    approval_scan_check(
        last_error=waiver.last_error, quarantined=bool(waiver.quarantined_document)
    )
    reason = reason.strip()
    now = timezone.now()
    four_eyes = waiver.amount > settings.WAIVER_FOUR_EYES_AMOUNT
    if four_eyes and waiver.first_approved_by_id is None:
        waiver.first_approved_by = actor
        waiver.first_approved_at = now
        return transition(  # the status stays: VERIFIED / MANUAL_REVIEW -> itself
            waiver,
            to=waiver.status,
            event=WaiverEvent.Type.FIRST_APPROVAL,
            actor=actor,
            data={
                "note": reason,
                "amount": str(waiver.amount),
                "four_eyes_amount": str(settings.WAIVER_FOUR_EYES_AMOUNT),
            },
            update_fields=["first_approved_by", "first_approved_at"],
        )
    if four_eyes and waiver.first_approved_by_id == actor.pk:
        raise ConflictError(
            "You gave the first approval; a different waiver officer must give the second.",
            code="SAME_APPROVER",
        )
    _check_certificate_free(waiver)
    entry = _post_waiver(waiver)
    waiver.reasons = [reason_of("STAFF_APPROVED", reason or None)]
    waiver.decided_by = actor
    waiver.decided_at = now
    waiver.review_note = reason
    waiver.ledger_entry = entry
    try:
        transition(  # in a savepoint: a unique constraint's refusal undoes this step only
            waiver,
            to=Status.APPROVED,
            event=WaiverEvent.Type.APPROVED,
            actor=actor,
            data={
                "note": reason,
                "amount": str(waiver.amount),
                "outstanding_before": str(entry.balance_after + entry.amount),
                "outstanding_after": str(entry.balance_after),
                "ledger_reference": entry.reference,
                "maker": str(waiver.first_approved_by_id) if waiver.first_approved_by_id else None,
            },
            update_fields=[*_DECISION_FIELDS, "ledger_entry"],
        )
    except IntegrityError as exc:  # another waiver with this certificate or scan approved now
        raise ConflictError(
            "Another waiver backed by this certificate was approved a moment ago. Reject this "
            "request.",
            code="CERTIFICATE_ALREADY_USED",
        ) from exc
    logger.info("waiver %s approved", waiver.pk)
    waiver_decision_notify(waiver)
    return waiver


@transaction.atomic
def waiver_request_reject(*, waiver_request_id: Any, actor: Any, reason: str) -> WaiverRequest:
    """A waiver officer rejects a VERIFIED or MANUAL_REVIEW waiver with a reason the customer
    reads (a maker's first approval does not prevent it).

    Raises :class:`ApplicationError` ``required`` (field ``reason``) without a reason, and
    :class:`NotAllowed` / :class:`InvalidTransition` as :func:`waiver_request_approve`.
    """
    text = " ".join(str(reason or "").split())
    if not text:
        raise ApplicationError("Give a reason for the rejection.", code="required", field="reason")
    waiver = lock(WaiverRequest, waiver_request_id)
    _check_officer(waiver, actor)
    _check_decidable(waiver, "rejected")
    waiver.reasons = [reason_of("STAFF_REJECTED", text)]
    waiver.decided_by = actor
    waiver.decided_at = timezone.now()
    waiver.review_note = text
    transition(
        waiver,
        to=Status.REJECTED,
        event=WaiverEvent.Type.REJECTED,
        actor=actor,
        reason=text,
        update_fields=_DECISION_FIELDS,
    )
    waiver_decision_notify(waiver)
    return waiver


def waiver_document_viewed(*, waiver: WaiverRequest, actor: Any) -> None:
    """Record that a member of staff opened a customer's certificate scan (access audit)."""
    waiver_event_record(
        waiver=waiver,
        type=WaiverEvent.Type.DOCUMENT_VIEWED,
        actor=actor,
        data={"content_type": waiver.content_type},
    )
