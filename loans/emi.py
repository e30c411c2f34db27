"""EMI and amortisation schedule of a loan (engine: no ORM).

EMI = P * r * (1 + r)^n / ((1 + r)^n - 1), with P the principal in INR, r the monthly rate
(annual rate in percent / 1200) and n the tenure in months (the reducing-balance formula RBI's
fair-practices guidance has lenders disclose). Amounts are ``Decimal`` INR rounded half-up to
paise; the computation runs at 34 significant digits so only the final rounding matters.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

PAISA = Decimal("0.01")


def _paise(value: Decimal) -> Decimal:
    return value.quantize(PAISA, rounding=ROUND_HALF_UP)


def _check(principal: Decimal, annual_rate_percent: Decimal, tenure_months: int) -> None:
    if not isinstance(principal, Decimal) or not isinstance(annual_rate_percent, Decimal):
        raise TypeError("principal and annual_rate_percent must be Decimal.")
    if principal <= 0:
        raise ValueError("The principal must be positive.")
    if annual_rate_percent < 0:
        raise ValueError("The interest rate cannot be negative.")
    if not isinstance(tenure_months, int) or tenure_months < 1:
        raise ValueError("The tenure must be a whole number of months, at least 1.")


def emi(*, principal: Decimal, annual_rate_percent: Decimal, tenure_months: int) -> Decimal:
    """The monthly instalment in INR (2 places, half-up).

    ``emi(principal=Decimal("1000000"), annual_rate_percent=Decimal("8.5"), tenure_months=240)``
    is ``Decimal("8678.23")``. A 0 % rate gives principal / n. Raises ``TypeError`` for
    non-Decimal amounts and ``ValueError`` for a non-positive principal or tenure or a negative
    rate.
    """
    _check(principal, annual_rate_percent, tenure_months)
    with localcontext() as ctx:
        ctx.prec = 34
        if annual_rate_percent == 0:
            return _paise(principal / tenure_months)
        r = annual_rate_percent / Decimal(1200)
        growth = (1 + r) ** tenure_months
        return _paise(principal * r * growth / (growth - 1))


@dataclass(frozen=True)
class AmortisationRow:
    """One month of the schedule, INR: ``opening_balance - principal = closing_balance`` and
    ``interest + principal = emi``."""

    month: int
    opening_balance: Decimal
    emi: Decimal
    interest: Decimal
    principal: Decimal
    closing_balance: Decimal


def amortisation_schedule(
    *, principal: Decimal, annual_rate_percent: Decimal, tenure_months: int
) -> list[AmortisationRow]:
    """The month-by-month repayment schedule (``tenure_months`` rows).

    Each month's interest is the opening balance x r, rounded to paise; the rest of the EMI
    repays principal. The last row repays the whole remaining balance, so its EMI absorbs the
    rounding of the earlier months and the closing balance is exactly 0. Raises like
    :func:`emi`.
    """
    instalment = emi(
        principal=principal, annual_rate_percent=annual_rate_percent, tenure_months=tenure_months
    )
    r = annual_rate_percent / Decimal(1200)
    balance = _paise(principal)
    rows = []
    for month in range(1, tenure_months + 1):
        interest = _paise(balance * r)
        if month == tenure_months:
            repaid = balance
            payment = interest + repaid
        else:
            repaid = min(instalment - interest, balance)
            payment = interest + repaid
        closing = balance - repaid
        rows.append(
            AmortisationRow(
                month=month,
                opening_balance=balance,
                emi=payment,
                interest=interest,
                principal=repaid,
                closing_balance=closing,
            )
        )
        balance = closing
    return rows


def total_interest(*, schedule: list[AmortisationRow]) -> Decimal:
    """Sum of the schedule's interest, INR."""
    return sum((row.interest for row in schedule), Decimal("0.00"))
