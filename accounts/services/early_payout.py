"""A fixed deposit paid out before maturity by its customer, confirmed by a step-up (issue 14).

The deposit's balance is debited, principal and interest (:func:`accounts.selectors.
early_payout.fd_early_payout_quote`) are credited to one of the customer's active savings or
current accounts, and the deposit is CLOSED with the payout in its audit event: all in one
transaction, with the step-up used in it (:func:`accounts.services.step_up.step_up_consume`).
"""

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from smartbank.errors import ApplicationError
from smartbank.transitions import lock, transition

from ..models import AccountEvent, AccountType, BankAccount, LedgerEntry, StepUp
from ..selectors.early_payout import fd_early_payout_quote
from .ledger import ledger_post
from .step_up import step_up_consume

logger = logging.getLogger(__name__)

PAYOUT_REASON = "Paid out before maturity at the customer's request"


@transaction.atomic
def fd_early_payout(
    *, bank_account_id: Any, customer: Any, to_bank_account_id: Any, step_up_id: Any
) -> BankAccount:
    """Pay out the customer's ACTIVE fixed deposit ``bank_account_id`` today into their ACTIVE
    savings or current account ``to_bank_account_id``; returns the CLOSED deposit.

    Ledger: a DEBIT of the deposit's balance (reference ``EARLY-PAYOUT``) and a CREDIT of the
    quote's amount to the other account (reference ``FD-PAYOUT-<deposit number>``), so a
    payout can happen once. Event CLOSED (actor the customer) with ``early_payout``:
    principal, months held, rate applied, interest, amount, the account credited, the step-up.

    Raises :class:`ApplicationError`: ``FD_NOT_PAYABLE`` (not the customer's active fixed
    deposit, or already matured), ``PAYOUT_ACCOUNT_INVALID`` (field ``to_account``), and the
    step-up's errors (field ``step_up``).
    """
    deposit = lock(BankAccount, bank_account_id)
    quote = fd_early_payout_quote(account=deposit) if deposit.user_id == customer.pk else None
    if quote is None:
        raise ApplicationError(
            "This deposit cannot be paid out early.", code="FD_NOT_PAYABLE", field=None
        )
    try:
        target = lock(BankAccount, to_bank_account_id)
    except (BankAccount.DoesNotExist, ValidationError, ValueError, TypeError):
        target = None
    if (
        target is None
        or target.user_id != customer.pk
        or target.status != BankAccount.Status.ACTIVE
        or target.account_type not in (AccountType.SAVINGS, AccountType.CURRENT)
    ):
        raise ApplicationError(
            "Choose one of your active savings or current accounts.",
            code="PAYOUT_ACCOUNT_INVALID",
            field="to_account",
        )
    step_up = step_up_consume(
        step_up_id=step_up_id, user=customer, action=StepUp.Action.FD_EARLY_PAYOUT
    )
    if deposit.balance > 0:
        ledger_post(
            bank_account_id=deposit.pk,
            entry_type=LedgerEntry.EntryType.DEBIT,
            amount=deposit.balance,
            narration=f"Paid out early to account {target.number_masked}",
            reference="EARLY-PAYOUT",
        )
    ledger_post(
        bank_account_id=target.pk,
        entry_type=LedgerEntry.EntryType.CREDIT,
        amount=quote.amount,
        narration=f"Early payout of fixed deposit {deposit.number_masked}",
        reference=f"FD-PAYOUT-{deposit.number}",
    )
    deposit.refresh_from_db(fields=["balance"])
    closed = transition(
        deposit,
        to=BankAccount.Status.CLOSED,
        event=AccountEvent.Type.CLOSED,
        actor=customer,
        reason=PAYOUT_REASON,
        data={
            "closing_balance": str(deposit.balance),
            "early_payout": {
                "principal": str(quote.principal),
                "months_held": quote.months_held,
                "rate_percent": str(quote.rate_percent),
                "interest": str(quote.interest),
                "amount": str(quote.amount),
                "to_account": target.number_masked,
                "step_up": {"id": str(step_up.pk), "method": step_up.method},
            },
        },
    )
    logger.info("fixed deposit %s paid out early", deposit.pk)
    return closed
