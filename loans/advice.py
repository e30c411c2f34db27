"""What would change an eligibility decision, in plain words for the applicant (issue 12).

Engine: no ORM. It inverts the rules of :func:`loans.rules.eligibility` for one applicant's
figures: the largest loan the income rules allow (at most ``max_income_multiple`` x annual
income and at most ``max_loan_amount``), with its EMI over the chosen tenure
(:func:`loans.emi.emi`), and the figures the other rules need (existing repayments below
``max_dti`` x income, a credit rating of at least ``min_credit_score``, an income of at least
``min_income``). Every sentence gives amounts in rupees, never a ratio or a rule's code.
"""

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from smartbank.money import format_inr

from . import rules
from .emi import emi

#: The suggested amount is rounded down to a whole thousand rupees (when at least that).
ROUNDING = Decimal(1000)


def rupees(amount: Decimal) -> str:
    """An amount for a sentence: ``₹3,30,000`` for whole rupees, ``₹9,750.73`` otherwise."""
    text = format_inr(amount)
    return text.removesuffix(".00")


@dataclass(frozen=True)
class EligibilityAdvice:
    """``max_loan``: the largest amount (INR, rounded down to ₹1,000) the loan-amount rules
    allow for this income, ``None`` when no amount can pass them (no income); ``max_loan_emi``
    its EMI over ``tenure_months``; ``fits`` True when the amount asked for already passes
    them; ``sentences``: what to change, plain words, most useful first."""

    max_loan: Decimal | None
    max_loan_emi: Decimal | None
    tenure_months: int
    fits: bool
    sentences: list[str] = field(default_factory=list)


def max_loan_amount(*, income: Decimal, rules_: rules.EligibilityRules) -> Decimal | None:
    """The largest loan the two loan-amount rules allow (``max_income_multiple`` x
    ``income``, ``max_loan_amount``), rounded down to ₹1,000 when at least that; ``None``
    without income."""
    if income <= 0:
        return None
    limit = min(rules_.max_income_multiple * income, rules_.max_loan_amount)
    if limit >= ROUNDING:
        return (limit / ROUNDING).to_integral_value(rounding=ROUND_FLOOR) * ROUNDING
    return limit.quantize(Decimal("0.01"), rounding=ROUND_FLOOR)


def eligibility_advice(
    *,
    income: Decimal,
    debt: Decimal,
    credit_score: int,
    loan_amount: Decimal,
    tenure_months: int,
    annual_rate_percent: Decimal,
    rules_: rules.EligibilityRules,
) -> EligibilityAdvice:
    """What would let the application pass eligibility, for the figures it was decided on.

    ``income`` and ``debt`` (repayments on existing loans) are annual INR. Only the rules the
    application failed get a sentence; when the amount asked for was the problem, the first
    sentence offers :func:`max_loan_amount` with its EMI.
    """
    result = rules.eligibility(
        income=income,
        debt=debt,
        credit_score=credit_score,
        loan_amount=loan_amount,
        rules=rules_,
    )
    failed = set(result.failed_codes)
    best = max_loan_amount(income=income, rules_=rules_)
    best_emi = (
        emi(principal=best, annual_rate_percent=annual_rate_percent, tenure_months=tenure_months)
        if best
        else None
    )
    fits = not failed & {"INCOME_MULTIPLE", "MAX_LOAN"}
    sentences: list[str] = []
    if not fits and best:
        sentences.append(
            f"A loan of up to {rupees(best)} over {tenure_months} months fits your "
            f"income: about {rupees(best_emi)} a month."
        )
    if "MIN_INCOME" in failed:
        sentences.append(
            f"This loan needs an annual income of at least {rupees(rules_.min_income)}."
        )
    if "DTI" in failed and income > 0:
        sentences.append(
            f"What you repay on other loans and cards ({rupees(debt)} a year) needs to be "
            f"below {rupees(rules_.max_dti * income)} a year for your income: paying some "
            "of it off first would help."
        )
    if "CREDIT_SCORE" in failed:
        sentences.append(
            f"Your credit rating needs to be at least {rules_.min_credit_score} (yours is "
            f"{credit_score}). Paying bills and existing loans on time raises it."
        )
    return EligibilityAdvice(
        max_loan=best,
        max_loan_emi=best_emi,
        tenure_months=tenure_months,
        fits=fits,
        sentences=sentences,
    )
