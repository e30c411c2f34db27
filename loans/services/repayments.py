"""Paying an EMI (issue 12): from the customer's savings or current account to the loan,
through the ledger.

One payment is two postings in one transaction, both with the reference
``<application_id>-EMI-<nnn>`` (:func:`loans.loan_accounts.emi_reference`): a DEBIT of the
customer's account and a DEBIT of the loan's LOAN account (what is still owed), plus a
:class:`~loans.models.LoanRepayment` row and an ``EMI_PAID`` audit event. The application row
is locked first (``SELECT ... FOR UPDATE``), so two payments of one loan queue behind each other:
the second sees the first and pays nothing.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from accounts.models import AccountType, BankAccount, LedgerEntry
from accounts.services import ledger_post
from smartbank.errors import ApplicationError, ConflictError, NotAllowed
from smartbank.money import format_inr
from smartbank.notifications import mask_account_number

from ..events import loan_application_event_record
from ..loan_accounts import emi_reference, loan_account_ensure, loan_repayment_schedule
from ..models import LoanApplication, LoanApplicationEvent, LoanRepayment
from ._transitions import locked

Status = LoanApplication.Status
#: Accounts an EMI may be paid from.
PAYING_ACCOUNT_TYPES = (AccountType.SAVINGS, AccountType.CURRENT)


@dataclass(frozen=True)
class RepaymentResult:
    """``repayment`` made or found; ``created`` False when the same form was sent again (the
    idempotency key was seen: nothing more was paid)."""

    repayment: LoanRepayment
    created: bool


def _paying_account(*, customer: Any, bank_account_id: Any) -> BankAccount:
    account = BankAccount.objects.filter(
        pk=bank_account_id, user=customer, account_type__in=PAYING_ACCOUNT_TYPES
    ).first()
    if account is None:
        raise ApplicationError(
            "Choose one of your savings or current accounts.",
            code="INVALID_ACCOUNT",
            field="bank_account",
        )
    if account.status != BankAccount.Status.ACTIVE:
        raise ApplicationError(
            f"Account {account.number_masked} is {account.get_status_display().lower()}; "
            "choose an active account.",
            code="ACCOUNT_NOT_ACTIVE",
            field="bank_account",
        )
    return account


@transaction.atomic
def loan_repayment_pay(
    *,
    loan_application_id: Any,
    customer: Any,
    bank_account_id: Any,
    instalment: int,
    idempotency_key: uuid.UUID,
) -> RepaymentResult:
    """Pay instalment ``instalment`` of the customer's APPROVED loan from their ACTIVE savings
    or current account: its amount due (the EMI, less what a waiver covers) moves through
    :func:`accounts.services.ledger_post`.

    ``idempotency_key`` is the pay form's key: sent again (a double click, a reload), the first
    payment is returned with ``created`` False and nothing more is paid.

    Raises :class:`NotAllowed` ``NOT_YOUR_LOAN`` for another customer's loan,
    :class:`ConflictError` ``LOAN_NOT_APPROVED``, ``ALREADY_PAID`` (that instalment is paid,
    e.g. from another tab a moment earlier), ``NOTHING_DUE`` (the loan is repaid) or
    ``NOT_NEXT`` (an earlier instalment is unpaid), and :class:`ApplicationError` (field
    ``bank_account``) ``INVALID_ACCOUNT``, ``ACCOUNT_NOT_ACTIVE`` or ``INSUFFICIENT_FUNDS``
    (the balance is below the amount due). ``LoanApplication.DoesNotExist`` for an unknown id.
    Nothing changes when it raises.
    """
    application = locked(loan_application_id)
    if application.customer_id is None or application.customer_id != customer.pk:
        raise NotAllowed("This is not your loan.", code="NOT_YOUR_LOAN")
    replay = LoanRepayment.objects.filter(
        application=application, idempotency_key=idempotency_key
    ).first()
    if replay is not None:
        return RepaymentResult(repayment=replay, created=False)
    if application.status != Status.APPROVED:
        raise ConflictError("Only an approved loan can be repaid.", code="LOAN_NOT_APPROVED")
    loan_account = loan_account_ensure(application=application)
    schedule = loan_repayment_schedule(application=application)
    row = next((r for r in schedule.rows if r.instalment == instalment), None)
    if row is not None and row.paid is not None:
        raise ConflictError(
            f"Instalment {instalment} is already paid.", code="ALREADY_PAID", field="instalment"
        )
    due = schedule.next_due
    if due is None:
        raise ConflictError("Nothing is left to pay on this loan.", code="NOTHING_DUE")
    if row is None or row.instalment != due.instalment:
        raise ConflictError(
            f"Instalment {due.instalment} is the next one to pay.",
            code="NOT_NEXT",
            field="instalment",
        )
    account = _paying_account(customer=customer, bank_account_id=bank_account_id)
    reference = emi_reference(application, due.instalment)
    of = f"{due.instalment} of {len(schedule.rows)}"
    try:
        ledger_post(
            bank_account_id=account.pk,
            entry_type=LedgerEntry.EntryType.DEBIT,
            amount=due.amount_due,
            narration=f"EMI {of}, loan {application.application_id}",
            reference=reference,
        )
    except ApplicationError as exc:
        if exc.code != "INSUFFICIENT_FUNDS":
            raise
        raise ApplicationError(
            f"Account {account.number_masked} has {format_inr(account.balance)}, less than "
            f"the {format_inr(due.amount_due)} due. Add money to it or choose another account.",
            code="INSUFFICIENT_FUNDS",
            field="bank_account",
        ) from exc
    ledger_post(
        bank_account_id=loan_account.pk,
        entry_type=LedgerEntry.EntryType.DEBIT,
        amount=due.amount_due,
        narration=f"EMI {of} paid from account {account.number_masked}",
        reference=reference,
    )
    try:
        with transaction.atomic():
            repayment = LoanRepayment.objects.create(
                application=application,
                instalment=due.instalment,
                amount=due.amount_due,
                from_account=account,
                paid_by=customer,
                idempotency_key=idempotency_key,
            )
    except IntegrityError as exc:  # the unique constraints, as a backstop to the row lock
        raise ConflictError(
            f"Instalment {due.instalment} is already paid.", code="ALREADY_PAID"
        ) from exc
    loan_application_event_record(
        application=application,
        type=LoanApplicationEvent.Type.EMI_PAID,
        actor=customer,
        data={
            "instalment": due.instalment,
            "amount": str(due.amount_due),
            "account": mask_account_number(account.number),
            "repayment": str(repayment.pk),
        },
    )
    return RepaymentResult(repayment=repayment, created=True)
