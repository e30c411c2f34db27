"""Reads of bank accounts, their ledger and fixed deposit rates (issue #3).

Every customer-facing read takes the viewing ``user`` and returns only that user's accounts, so
views answer 404 for anybody else's account number (never 403: numbers are not disclosed).
Amounts are ``Decimal`` INR with 2 decimal places.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import QuerySet
from django.utils import timezone

from ..models import BankAccount, FixedDepositRate, LedgerEntry

PAISA = Decimal("0.01")
#: Permission of account officers (group "Account officers", superusers): open, refuse,
#: freeze, unfreeze and close bank accounts.
DECIDE_PERMISSION = "accounts.decide_bankaccount"


def user_may_decide_accounts(*, user: Any) -> bool:
    """Account officers (group "Account officers") and superusers."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_staff
        and user.has_perm(DECIDE_PERMISSION)
    )


def bank_account_count_requested() -> int:
    """Account requests waiting for an account officer (REQUESTED): one ``COUNT`` (the
    work-queue count of the admin index)."""
    return BankAccount.objects.filter(status=BankAccount.Status.REQUESTED).count()


@dataclass(frozen=True)
class FixedDepositMaturity:
    """When a fixed deposit matures and what it pays: ``amount`` in INR, 2 decimal places."""

    date: datetime.date
    amount: Decimal


@dataclass(frozen=True)
class Statement:
    """An account's ledger entries between two local dates (both inclusive, ``None`` = open).

    ``opening_balance`` is the balance before the first day, ``closing_balance`` after the last
    entry shown (INR, 2 decimal places); ``entries`` are in posting order.
    """

    account: BankAccount
    date_from: datetime.date | None
    date_to: datetime.date | None
    opening_balance: Decimal
    closing_balance: Decimal
    entries: list[LedgerEntry]


def bank_account_list(*, user: Any) -> QuerySet[BankAccount]:
    """The accounts of ``user`` (every status), newest first."""
    return BankAccount.objects.filter(user=user).order_by("-created_at")


def bank_account_get(*, user: Any, number: str) -> BankAccount | None:
    """``user``'s account with this 15-digit ``number``, or ``None`` (not theirs, or unknown).

    Staff get no special access here: they work in the admin.
    """
    if not number.isdigit():
        return None
    return BankAccount.objects.filter(user=user, number=number).first()


def bank_account_get_by_id(*, user: Any, bank_account_id: Any) -> BankAccount | None:
    """``user``'s account with this id (the web pages' URLs), or ``None`` if not theirs."""
    return BankAccount.objects.filter(user=user, pk=bank_account_id).first()


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def bank_account_statement(
    *,
    account: BankAccount,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> Statement:
    """The ledger of ``account`` from ``date_from`` to ``date_to`` (local dates, inclusive).

    Dates are in ``settings.TIME_ZONE`` (Asia/Kolkata). Returns a :class:`Statement` with the
    opening and closing balances of the period. The first and last dates there are
    (``date.min``, ``date.max``) bound nothing: midnight before one and after the other are
    outside ``datetime``'s range.
    """
    entries = LedgerEntry.objects.filter(account=account)
    opening = Decimal("0.00")
    if date_from is not None and date_from > datetime.date.min:
        start = _local_midnight(date_from)
        before = entries.filter(created_at__lt=start).order_by("-id").first()
        opening = before.balance_after if before else opening
        entries = entries.filter(created_at__gte=start)
    if date_to is not None and date_to < datetime.date.max:
        entries = entries.filter(created_at__lt=_local_midnight(date_to + datetime.timedelta(1)))
    rows = list(entries.order_by("id"))
    closing = rows[-1].balance_after if rows else opening
    return Statement(
        account=account,
        date_from=date_from,
        date_to=date_to,
        opening_balance=opening,
        closing_balance=closing,
        entries=rows,
    )


def bank_account_ledger_balance(*, account: BankAccount) -> Decimal:
    """The balance according to the ledger: the last entry's ``balance_after`` (0 if none).

    ``account.balance`` must always equal this; tests and reconciliation compare the two.
    """
    last = LedgerEntry.objects.filter(account=account).order_by("-id").first()
    return last.balance_after if last else Decimal("0.00")


def fixed_deposit_rate_for(
    *, months: int, on: datetime.date | None = None
) -> FixedDepositRate | None:
    """The rate for a ``months``-long deposit requested on ``on`` (default: today).

    The active row covering ``months`` with the latest ``effective_from`` not after ``on``;
    ``None`` when no rate covers the tenure.
    """
    on = on or timezone.localdate()
    return (
        FixedDepositRate.objects.filter(
            is_active=True, min_months__lte=months, max_months__gte=months, effective_from__lte=on
        )
        .order_by("-effective_from", "-created_at")
        .first()
    )


def fixed_deposit_rate_list(*, on: datetime.date | None = None) -> list[FixedDepositRate]:
    """The rates customers are offered on ``on`` (default today): for each tenure band, the
    active row with the latest ``effective_from``; ordered by ``min_months``."""
    on = on or timezone.localdate()
    current: dict[tuple[int, int], FixedDepositRate] = {}
    rows = FixedDepositRate.objects.filter(is_active=True, effective_from__lte=on).order_by(
        "min_months", "max_months", "-effective_from", "-created_at"
    )
    for rate in rows:
        current.setdefault((rate.min_months, rate.max_months), rate)
    return list(current.values())


def fixed_deposit_maturity(
    *,
    principal: Decimal,
    annual_rate_percent: Decimal,
    tenure_months: int,
    start: datetime.date,
) -> FixedDepositMaturity:
    """Maturity date and amount of a fixed deposit, with interest compounded quarterly.

    ``A = P * (1 + r/400) ** (4 * months / 12)``, ``P`` the principal in INR, ``r`` the annual
    rate in percent, rounded to the paisa with ROUND_HALF_UP. Quarterly compounding is the
    convention of Indian banks for cumulative term (fixed) deposits, within the freedom RBI's
    Master Direction on Interest Rate on Deposits (2016) gives banks over deposit terms: SBI's
    "reinvestment" term deposits and the FD calculators of the large Indian banks compound
    every quarter. The formula is applied as is for tenures that are not a whole number of
    quarters (a fractional exponent), not the simple interest some banks pay on a broken
    quarter.

    The maturity date is ``start`` plus ``tenure_months`` calendar months (dateutil's
    ``relativedelta``: 31 January + 1 month = 28/29 February).

    Example: ₹1,00,000.00 at 7.00 % for 12 months -> ₹1,07,185.90.
    """
    with localcontext() as ctx:
        ctx.prec = 34
        growth = (Decimal(1) + Decimal(annual_rate_percent) / Decimal(400)) ** (
            Decimal(4 * tenure_months) / Decimal(12)
        )
        amount = (Decimal(principal) * growth).quantize(PAISA, rounding=ROUND_HALF_UP)
    return FixedDepositMaturity(date=start + relativedelta(months=tenure_months), amount=amount)


def bank_account_fd_maturity(*, account: BankAccount) -> FixedDepositMaturity | None:
    """The maturity of a fixed deposit account (``None`` for other types).

    Counted from the day it was opened (local date); for a deposit not yet opened, from today
    (what it would pay if opened today).
    """
    if not account.is_fixed_deposit or account.fd_principal is None:
        return None
    start = timezone.localdate(account.opened_at) if account.opened_at else timezone.localdate()
    return fixed_deposit_maturity(
        principal=account.fd_principal,
        annual_rate_percent=account.fd_rate_percent,
        tenure_months=account.fd_tenure_months,
        start=start,
    )
