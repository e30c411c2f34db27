"""Writes of bank accounts: the customer's request, staff decisions (issue #3), and the loan
accounts the system opens for approved loans (issue #5).

Each status change goes through :func:`smartbank.transitions.transition`: it locks the account
row, checks ``BankAccount.ALLOWED_TRANSITIONS``, saves with ``update_fields`` and appends an
:class:`~accounts.models.AccountEvent`, in one transaction, so two staff acting at once yield
one change and one :class:`~smartbank.errors.InvalidTransition`. Money moves only through
:func:`accounts.services.ledger.ledger_post`.
"""

import logging
import secrets
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from stdnum import luhn

from smartbank.errors import ApplicationError, ConflictError, NotAllowed
from smartbank.money import format_inr
from smartbank.notifications import notification_send
from smartbank.transitions import lock, transition

from ..events import account_event_record
from ..models import REQUESTABLE_TYPES, AccountEvent, AccountType, BankAccount, LedgerEntry, User
from ..selectors import customer_is_onboarded
from ..selectors.banking import fixed_deposit_rate_for, user_may_decide_accounts
from .ledger import ledger_post, money_validate

logger = logging.getLogger(__name__)

ACCOUNT_NUMBER_ATTEMPTS = 10
OPENING_REFERENCE = "OPENING"

ONBOARDING_MESSAGES: dict[str, str] = {
    "NOT_A_CUSTOMER": "Only registered SmartBank customers can open an account.",
    "CONTACT_NOT_VERIFIED": (
        "Verify your email address and mobile number before opening an account."
    ),
    "KYC_NOT_VERIFIED": "Complete identity verification (KYC) before opening an account.",
}


class CustomerNotOnboarded(ApplicationError):
    """The user may not open accounts yet (API: 403 ``{"detail", "code"}``).

    ``code`` is the reason from :func:`accounts.selectors.customer_is_onboarded`:
    ``NOT_A_CUSTOMER``, ``CONTACT_NOT_VERIFIED`` or ``KYC_NOT_VERIFIED``.
    """

    status_code = 403


def account_number_generate() -> str:
    """A random 15-digit account number: 14 random digits (first one 1-9) and a Luhn check
    digit (python-stdnum). Uniqueness is checked by the database when the account is saved."""
    body = str(10**13 + secrets.randbelow(9 * 10**13))
    return body + luhn.calc_check_digit(body)


def account_number_is_valid(number: str) -> bool:
    """Whether ``number`` has the shape of a SmartBank account number and a valid check digit."""
    return len(number) == 15 and number.isdigit() and number[0] != "0" and luhn.is_valid(number)


def _insert_with_unique_number(account: BankAccount) -> None:
    """Save a new account, drawing a fresh number while one collides with an existing one."""
    for _ in range(ACCOUNT_NUMBER_ATTEMPTS):
        account.number = account_number_generate()
        try:
            with transaction.atomic():
                account.save(force_insert=True)
            return
        except IntegrityError:
            if not BankAccount.objects.filter(number=account.number).exists():
                raise
            logger.warning("Account number collision; drawing another number.")
    raise ApplicationError(
        "Could not allocate an account number. Please try again.", code="NUMBER_UNAVAILABLE"
    )


@transaction.atomic
def bank_account_request(
    *,
    user: Any,
    account_type: str,
    fd_amount: Decimal | None = None,
    fd_tenure_months: int | None = None,
) -> BankAccount:
    """An onboarded customer asks for a SAVINGS, CURRENT or FIXED_DEPOSIT account.

    The account is created REQUESTED with a fresh number (see :func:`account_number_generate`)
    and waits for staff. For FIXED_DEPOSIT, ``fd_amount`` (INR, 2 decimal places, at least
    ``settings.FD_MINIMUM_AMOUNT``) and ``fd_tenure_months`` are required, and today's rate from
    :class:`~accounts.models.FixedDepositRate` is fixed on the account; both must be ``None``
    for the other types.

    Raises :class:`CustomerNotOnboarded` (403; code ``NOT_A_CUSTOMER``, ``CONTACT_NOT_VERIFIED``
    or ``KYC_NOT_VERIFIED``) before anything is created, and :class:`ApplicationError` with a
    field for bad input: ``invalid_choice`` (account_type), ``required``, ``INVALID_AMOUNT`` and
    ``BELOW_MINIMUM`` (fd_amount), ``NO_FD_RATE`` (fd_tenure_months: no rate for that tenure).
    Raises :class:`ConflictError` ``DUPLICATE_REQUEST`` (409) while an identical request (same
    type, and for a fixed deposit the same amount and tenure) is still REQUESTED: requests of
    one customer are serialised on the user's row, so simultaneous duplicates open one account.
    """
    onboarded, code = customer_is_onboarded(user=user)
    if not onboarded:
        raise CustomerNotOnboarded(ONBOARDING_MESSAGES.get(code, code), code=code)
    if account_type not in REQUESTABLE_TYPES:
        raise ApplicationError(
            "Choose a savings, current or fixed deposit account.",
            code="invalid_choice",
            field="account_type",
        )
    account = BankAccount(user=user, account_type=account_type)
    details: dict[str, Any] = {"account_type": account_type}
    if account_type == AccountType.FIXED_DEPOSIT:
        _fd_terms_set(account, fd_amount=fd_amount, fd_tenure_months=fd_tenure_months)
        details.update(
            fd_amount=str(account.fd_principal),
            fd_tenure_months=account.fd_tenure_months,
            fd_rate_percent=str(account.fd_rate_percent),
        )
    elif fd_amount is not None or fd_tenure_months is not None:
        raise ApplicationError(
            "An amount and tenure apply only to fixed deposits.",
            code="invalid",
            field="fd_amount" if fd_amount is not None else "fd_tenure_months",
        )
    User.objects.select_for_update().filter(pk=user.pk).first()
    pending = BankAccount.objects.filter(
        user=user,
        status=BankAccount.Status.REQUESTED,
        account_type=account_type,
        fd_principal=account.fd_principal,
        fd_tenure_months=account.fd_tenure_months,
    )
    if pending.exists():
        raise ConflictError(
            "The same account request is already waiting for staff.", code="DUPLICATE_REQUEST"
        )
    _insert_with_unique_number(account)
    account_event_record(
        account=account,
        type=AccountEvent.Type.REQUESTED,
        actor=user,
        data={"to": account.status, **details},
    )
    return account


@transaction.atomic
def loan_account_open(
    *, user: Any, amount_owed: Decimal, narration: str, reference: str
) -> BankAccount:
    """Open the LOAN account of one loan for ``user``, once.

    A LOAN account's balance is what the borrower still owes, in INR: the opening CREDIT of
    ``amount_owed`` (posted with ``reference``, e.g. ``LOAN-20260101-ABCD1234-LOAN``) sets it,
    and every DEBIT (a waiver, a repayment) reduces it; the ledger refuses a DEBIT beyond it
    (``INSUFFICIENT_FUNDS``). The account is created ACTIVE with a fresh number (no staff
    approval: the loan's approval is the decision) and an ``OPENED`` event.

    Idempotent: when ``user`` already has a LOAN account with an entry of ``reference``, that
    account is returned and nothing is posted. Concurrent calls for one user are serialised on
    the user's row. Raises :class:`ApplicationError` ``INVALID_AMOUNT`` (field ``amount``) for
    an amount that is not a positive ``Decimal`` with at most 2 places, ``required`` for an
    empty reference or narration.
    """
    amount = money_validate(amount_owed)
    reference = reference.strip()
    if not reference:
        raise ApplicationError("Give a reference.", code="required", field="reference")
    if not narration.strip():
        raise ApplicationError("Give a narration.", code="required", field="narration")
    User.objects.select_for_update().filter(pk=user.pk).first()
    existing = (
        BankAccount.objects.filter(
            user=user, account_type=AccountType.LOAN, entries__reference=reference
        )
        .distinct()
        .first()
    )
    if existing is not None:
        return existing
    now = timezone.now()
    account = BankAccount(
        user=user,
        account_type=AccountType.LOAN,
        status=BankAccount.Status.ACTIVE,
        opened_at=now,
        decided_at=now,
    )
    _insert_with_unique_number(account)
    entry = ledger_post(
        bank_account_id=account.pk,
        entry_type=LedgerEntry.EntryType.CREDIT,
        amount=amount,
        narration=narration,
        reference=reference,
    )
    account.balance = entry.balance_after
    account_event_record(
        account=account,
        type=AccountEvent.Type.OPENED,
        data={"to": account.status, "amount_owed": str(amount), "reference": reference},
    )
    logger.info("loan account %s opened", account.pk)
    return account


def _fd_terms_set(
    account: BankAccount, *, fd_amount: Decimal | None, fd_tenure_months: int | None
) -> None:
    if fd_amount is None:
        raise ApplicationError("Enter the deposit amount.", code="required", field="fd_amount")
    if fd_tenure_months is None:
        raise ApplicationError(
            "Enter the tenure in months.", code="required", field="fd_tenure_months"
        )
    amount = money_validate(fd_amount, field="fd_amount")
    minimum = settings.FD_MINIMUM_AMOUNT
    if amount < minimum:
        raise ApplicationError(
            f"A fixed deposit is at least {format_inr(minimum)}.",
            code="BELOW_MINIMUM",
            field="fd_amount",
        )
    if not isinstance(fd_tenure_months, int) or fd_tenure_months < 1:
        raise ApplicationError(
            "The tenure is a whole number of months.", code="invalid", field="fd_tenure_months"
        )
    rate = fixed_deposit_rate_for(months=fd_tenure_months)
    if rate is None:
        raise ApplicationError(
            f"No fixed deposit rate is offered for {fd_tenure_months} months.",
            code="NO_FD_RATE",
            field="fd_tenure_months",
        )
    account.fd_principal = amount
    account.fd_tenure_months = fd_tenure_months
    account.fd_rate = rate
    account.fd_rate_percent = rate.annual_rate_percent


def _check_officer(actor: Any) -> None:
    """Raises :class:`NotAllowed` (403 ``FORBIDDEN``) unless ``actor`` holds
    ``accounts.decide_bankaccount`` (group "Account officers", superusers)."""
    if not user_may_decide_accounts(user=actor):
        raise NotAllowed("Only account officers decide bank accounts.", code="FORBIDDEN")


def _locked(bank_account_id: Any) -> BankAccount:
    return lock(BankAccount, bank_account_id, select_related=["user"])


def _required_reason(reason: str) -> str:
    if not reason.strip():
        raise ApplicationError("Give a reason.", code="required", field="reason")
    return reason.strip()


@transaction.atomic
def bank_account_approve(*, bank_account_id: Any, actor: Any) -> BankAccount:
    """Staff open a requested account: REQUESTED -> ACTIVE, then post the opening credit.

    The opening credit is the first ledger entry (reference ``OPENING``):
    ``settings.ACCOUNT_OPENING_DEPOSIT`` (₹1,000.00) for savings and current accounts, the
    principal for a fixed deposit. Queues the ``account_opened`` email.
    Raises :class:`InvalidTransition` (409) when the account is not REQUESTED (e.g. approved
    already).
    """
    _check_officer(actor)
    account = _locked(bank_account_id)
    now = timezone.now()
    account.opened_at = now
    account.decided_at = now
    account.decided_by = actor
    if account.is_fixed_deposit:
        opening, narration = account.fd_principal, "Fixed deposit principal"
    else:
        opening, narration = settings.ACCOUNT_OPENING_DEPOSIT, "Opening deposit"
    transition(
        account,
        to=BankAccount.Status.ACTIVE,
        event=AccountEvent.Type.APPROVED,
        actor=actor,
        data={"opening_credit": str(money_validate(opening))},
        update_fields=["opened_at", "decided_at", "decided_by"],
    )
    entry = ledger_post(
        bank_account_id=account.pk,
        entry_type=LedgerEntry.EntryType.CREDIT,
        amount=opening,
        narration=narration,
        reference=OPENING_REFERENCE,
    )
    account.balance = entry.balance_after
    _notify(
        account,
        template="account_opened",
        context={
            "full_name": account.user.full_name,
            "account_type": account.get_account_type_display(),
            "account_number_masked": account.number_masked,
            "opening_balance": format_inr(entry.balance_after),
        },
    )
    return account


@transaction.atomic
def bank_account_reject(*, bank_account_id: Any, actor: Any, reason: str) -> BankAccount:
    """Staff refuse a requested account: REQUESTED -> REJECTED with ``reason`` (shown to the
    customer). Queues the ``account_rejected`` email.

    Raises :class:`ApplicationError` ``required`` (field ``reason``) for an empty reason and
    :class:`InvalidTransition` when the account is not REQUESTED.
    """
    _check_officer(actor)
    reason = _required_reason(reason)
    account = _locked(bank_account_id)
    account.decided_at = timezone.now()
    account.decided_by = actor
    account.rejection_reason = reason
    transition(
        account,
        to=BankAccount.Status.REJECTED,
        event=AccountEvent.Type.REJECTED,
        actor=actor,
        reason=reason,
        update_fields=["decided_at", "decided_by", "rejection_reason"],
    )
    _notify(
        account,
        template="account_rejected",
        context={
            "full_name": account.user.full_name,
            "account_type": account.get_account_type_display(),
            "reason": reason,
        },
    )
    return account


@transaction.atomic
def bank_account_freeze(*, bank_account_id: Any, actor: Any, reason: str) -> BankAccount:
    """ACTIVE -> FROZEN: the account takes no postings until unfrozen.

    Raises :class:`ApplicationError` ``required`` for an empty reason and
    :class:`InvalidTransition` when the account is not ACTIVE.
    """
    return _change(
        bank_account_id,
        to=BankAccount.Status.FROZEN,
        event=AccountEvent.Type.FROZEN,
        actor=actor,
        reason=_required_reason(reason),
    )


@transaction.atomic
def bank_account_unfreeze(*, bank_account_id: Any, actor: Any, reason: str = "") -> BankAccount:
    """FROZEN -> ACTIVE. Raises :class:`InvalidTransition` when the account is not FROZEN."""
    return _change(
        bank_account_id,
        to=BankAccount.Status.ACTIVE,
        event=AccountEvent.Type.UNFROZEN,
        actor=actor,
        reason=reason.strip(),
    )


@transaction.atomic
def bank_account_close(*, bank_account_id: Any, actor: Any, reason: str) -> BankAccount:
    """ACTIVE -> CLOSED, for good. The balance at closing is recorded in the event (paying it
    out is outside this portal).

    Raises :class:`ApplicationError` ``required`` for an empty reason and
    :class:`InvalidTransition` when the account is not ACTIVE.
    """
    return _change(
        bank_account_id,
        to=BankAccount.Status.CLOSED,
        event=AccountEvent.Type.CLOSED,
        actor=actor,
        reason=_required_reason(reason),
    )


def _change(bank_account_id: Any, *, to: str, event: str, actor: Any, reason: str) -> BankAccount:
    _check_officer(actor)
    account = _locked(bank_account_id)
    data: dict[str, Any] = {}
    if to == BankAccount.Status.CLOSED:
        data["closing_balance"] = str(account.balance)
    return transition(account, to=to, event=event, actor=actor, reason=reason, data=data)


def _notify(account: BankAccount, *, template: str, context: dict[str, Any]) -> None:
    """Queue an email to the account holder in the decision's transaction (an outbox: the
    notification exists if and only if the decision does; delivery starts after commit)."""
    notification_send(
        channel="EMAIL",
        template=template,
        recipient=account.user.email,
        context=context,
        user=account.user,
    )
