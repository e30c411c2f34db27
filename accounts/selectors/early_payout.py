"""Reads for paying out a fixed deposit before maturity: the quote and where it may go."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from ..models import AccountType, BankAccount
from .banking import bank_account_fd_maturity, fixed_deposit_maturity


@dataclass(frozen=True)
class EarlyPayoutQuote:
    """What an early payout pays today, in INR (2 decimal places).

    Attributes:
        principal: the deposit's principal.
        months_held: whole calendar months since the deposit was opened.
        rate_percent: the deposit's rate less ``settings.FD_EARLY_PAYOUT_PENALTY_PERCENT``
            (% p.a., never below 0).
        interest: the interest for ``months_held`` at ``rate_percent``, compounded quarterly.
        amount: principal + interest, credited to the customer's account.
    """

    principal: Decimal
    months_held: int
    rate_percent: Decimal
    interest: Decimal
    amount: Decimal


def fd_early_payout_quote(
    *, account: BankAccount, on: datetime.date | None = None
) -> EarlyPayoutQuote | None:
    """The early payout of an ACTIVE fixed deposit on ``on`` (default: today), or ``None`` for
    any other account or a deposit that has reached its maturity date.

    Interest: :func:`accounts.selectors.banking.fixed_deposit_maturity` (quarterly compounding)
    on the principal for the whole months held, at the deposit's rate less the penalty. The
    penalty is the bank's, disclosed before the customer confirms (RBI Master Direction on
    Interest Rate on Deposits, 2016, leaves premature-withdrawal penalties to banks' boards);
    a month not completed earns nothing.
    """
    if (
        not account.is_fixed_deposit
        or account.status != BankAccount.Status.ACTIVE
        or account.opened_at is None
        or account.fd_principal is None
    ):
        return None
    today = on or timezone.localdate()
    maturity = bank_account_fd_maturity(account=account)
    if maturity is None or today >= maturity.date:
        return None
    opened = timezone.localdate(account.opened_at)
    held = relativedelta(today, opened)
    months = max(0, held.years * 12 + held.months)
    rate = max(account.fd_rate_percent - settings.FD_EARLY_PAYOUT_PENALTY_PERCENT, Decimal(0))
    amount = fixed_deposit_maturity(
        principal=account.fd_principal, annual_rate_percent=rate, tenure_months=months, start=opened
    ).amount
    return EarlyPayoutQuote(
        principal=account.fd_principal,
        months_held=months,
        rate_percent=rate,
        interest=amount - account.fd_principal,
        amount=amount,
    )


def fd_payout_destinations(*, user: Any) -> QuerySet[BankAccount]:
    """The customer's ACTIVE savings and current accounts, where a payout may be credited."""
    return BankAccount.objects.filter(
        user=user,
        status=BankAccount.Status.ACTIVE,
        account_type__in=(AccountType.SAVINGS, AccountType.CURRENT),
    ).order_by("created_at")
