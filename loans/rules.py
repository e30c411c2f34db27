"""The rules of the three verification stages (engine: no ORM; seed 001 and issue #4).

Each stage is a list of :class:`RuleCheck` outcomes (PASS, FAIL or REVIEW) folded into a
:class:`StageResult`: any FAIL -> REJECTED, else any REVIEW -> PENDING (staff review), else
APPROVED. Amounts are ``Decimal`` INR; ratios ``Decimal`` fractions. Nothing is random.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from .countries import country_code_is_valid

PASS, FAIL, REVIEW = "PASS", "FAIL", "REVIEW"
APPROVED, REJECTED, PENDING = "APPROVED", "REJECTED", "PENDING"
DTI_PLACES = Decimal("0.001")


@dataclass(frozen=True)
class RuleCheck:
    """One rule's outcome: ``code`` (``"DTI"``, ``"SANCTIONS"``...), ``outcome`` PASS / FAIL /
    REVIEW, ``detail`` plain words for the remarks and the audit trail (the applicant may read
    them), ``staff_note`` a remark for staff only that changes no outcome (``""``: none)."""

    code: str
    outcome: str
    detail: str
    staff_note: str = ""

    def as_dict(self) -> dict[str, str]:
        """``{"code", "outcome", "detail"}``, and ``"staff_note"`` when there is one."""
        values = {"code": self.code, "outcome": self.outcome, "detail": self.detail}
        if self.staff_note:
            values["staff_note"] = self.staff_note
        return values


@dataclass(frozen=True)
class StageResult:
    """A stage's ``status`` (APPROVED / REJECTED / PENDING) and the checks that gave it."""

    status: str
    checks: tuple[RuleCheck, ...]
    data: dict = field(default_factory=dict)

    @property
    def remarks(self) -> str:
        """The failing and review checks' details (``"; "``-joined), or every check's detail
        when all passed."""
        problems = [c.detail for c in self.checks if c.outcome != PASS]
        return "; ".join(problems or [c.detail for c in self.checks])

    @property
    def failed_codes(self) -> list[str]:
        return [c.code for c in self.checks if c.outcome == FAIL]

    @property
    def staff_remarks(self) -> str:
        """The checks' staff-only notes (``"; "``-joined), ``""`` without any: stored apart
        from :attr:`remarks` so the applicant's view never shows them."""
        return "; ".join(c.staff_note for c in self.checks if c.staff_note)


def stage_result(checks: Sequence[RuleCheck], data: dict | None = None) -> StageResult:
    outcomes = {c.outcome for c in checks}
    status = REJECTED if FAIL in outcomes else PENDING if REVIEW in outcomes else APPROVED
    return StageResult(status=status, checks=tuple(checks), data=data or {})


def _check(code: str, ok: bool, passed: str, failed: str, *, otherwise: str = FAIL) -> RuleCheck:
    return RuleCheck(code, PASS if ok else otherwise, passed if ok else failed)


# --- stage 1: KYC -------------------------------------------------------------------------


def kyc_registered_customer(*, kyc_status: str | None) -> StageResult:
    """A registered customer's KYC: their latest KYC case must be VERIFIED.

    ``kyc_status`` is that case's status (``None`` without a case). An open case (PENDING,
    PROCESSING, MANUAL_REVIEW) sends the application to review; none or REJECTED fails.
    """
    if kyc_status == "VERIFIED":
        check = RuleCheck("KYC_CASE", PASS, "The customer's KYC is verified")
    elif kyc_status in ("PENDING", "PROCESSING", "MANUAL_REVIEW"):
        check = RuleCheck("KYC_CASE", REVIEW, "The customer's KYC check is still in progress")
    else:
        check = RuleCheck("KYC_CASE", FAIL, "The customer has no verified KYC")
    return stage_result([check])


def _phone_parse(phone: str, country_code: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(phone, country_code or None)
    except phonenumbers.NumberParseException:
        return None


def phone_is_valid(phone: str, *, country_code: str = "") -> bool:
    """True when phonenumbers finds ``phone`` a valid number of its numbering plan
    (international format, or national format of ``country_code``)."""
    parsed = _phone_parse(phone, country_code)
    return parsed is not None and phonenumbers.is_valid_number(parsed)


def phone_normalise(phone: str, *, country_code: str = "") -> str:
    """``phone`` in E.164 (``"(202) 555-0123"``, ``"US"`` -> ``"+12025550123"``) when
    phonenumbers can read it, valid for its plan or not (``"+1 234 567 890"`` ->
    ``"+1234567890"``); otherwise ``phone`` unchanged. An extension is dropped."""
    parsed = _phone_parse(phone, country_code)
    if parsed is None:
        return phone
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


#: Seed 001's phone rule: "Phone number validation (minimum 10 digits)".
PHONE_MIN_DIGITS = 10


def phone_check(phone: str, *, country_code: str = "") -> RuleCheck:
    """Seed 001's phone rule for an integrator's submission (issue 14).

    Fewer than :data:`PHONE_MIN_DIGITS` digits in ``phone`` fails (other characters are
    ignored; the pipeline passes the stored number, which submission normalised to E.164 with
    :func:`phone_normalise` when phonenumbers could read it, so a national number counts its
    country code). Otherwise it passes; when phonenumbers does not find it a valid
    number of its numbering plan (seed 001's own ``+1234567890``: +1 needs ten digits after
    the country code) the check carries a ``staff_note`` asking staff to confirm the number,
    and changes no outcome.
    """
    digits = sum(ch.isdecimal() for ch in phone)
    if digits < PHONE_MIN_DIGITS:
        return RuleCheck(
            "PHONE",
            FAIL,
            f"Invalid phone number {phone!r}: it needs at least {PHONE_MIN_DIGITS} digits",
        )
    parsed = _phone_parse(phone, country_code)
    if parsed is not None and phonenumbers.is_valid_number(parsed):
        return RuleCheck("PHONE", PASS, "Phone number valid")
    if parsed is None:
        note = f"Phone number {phone!r} could not be read as a phone number"
    else:
        region = phonenumbers.region_code_for_country_code(parsed.country_code)
        plan = f"+{parsed.country_code}"
        if region != phonenumbers.UNKNOWN_REGION:
            plan += f" ({region})"
        note = f"Phone number {phone!r} is not a valid number of the {plan} numbering plan"
    return RuleCheck(
        "PHONE",
        PASS,
        f"Phone number has at least {PHONE_MIN_DIGITS} digits",
        staff_note=f"{note}: confirm it with the applicant before relying on it",
    )


def email_is_valid(email: str) -> bool:
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def kyc_integrator(
    *,
    name: str,
    email: str,
    phone: str,
    region: str,
    regions: Sequence[str],
    country_code: str,
    documents_uploaded: bool,
    documents: Sequence[str],
) -> StageResult:
    """Seed 001's KYC checks of an integrator's submission: email format, a phone number of
    at least 10 digits (:func:`phone_check`: one phonenumbers finds invalid for its plan passes
    with a staff-only remark, :attr:`StageResult.staff_remarks`), documents uploaded (the flag
    set and at least one listed), a name of at least 3 characters, a region of ``regions`` and
    a real ISO 3166 country."""
    name = name.strip()
    checks = [
        _check("EMAIL", email_is_valid(email), "Email format valid", "Invalid email format"),
        phone_check(phone, country_code=country_code),
        _check(
            "DOCUMENTS",
            bool(documents_uploaded) and len(documents) > 0,
            f"Documents uploaded ({len(documents)})",
            "Documents not uploaded",
        ),
        _check(
            "NAME",
            len(name) >= 3,
            "Name valid",
            "Name must have at least 3 characters",
        ),
        _check("REGION", region in regions, "Region valid", f"Invalid region {region!r}"),
        _check(
            "COUNTRY",
            country_code_is_valid(country_code),
            "Country valid",
            "Country is not an ISO 3166 country",
        ),
    ]
    return stage_result(checks)


# --- stage 2: compliance ------------------------------------------------------------------


def compliance(
    *,
    sanctions_hits: Sequence[dict],
    pep_hits: Sequence[dict],
    relative_hits: Sequence[dict],
    fatf_category: str | None,
    country_name: str,
    loan_amount: Decimal,
    high_value_amount: Decimal,
) -> StageResult:
    """Compliance screening's decision (issue #4).

    Hits are :meth:`loans.screening.Hit.as_dict` evidence. A sanctions hit fails; a PEP hit
    (``political_connection``) and a senior employee's relative (``senior_relative``; RBI
    requires Board sanction) go to review; a FATF "call for action" country fails, an
    "increased monitoring" country goes to review; ``loan_amount`` above ``high_value_amount``
    goes to review. ``data`` of the result holds ``political_connection`` and
    ``senior_relative``.
    """
    checks = [
        _check(
            "SANCTIONS",
            not sanctions_hits,
            "No sanctions list match",
            f"Name matches a sanctions list entry (score {_best(sanctions_hits)})",
        ),
        _check(
            "PEP",
            not pep_hits,
            "No politically exposed person match",
            f"Possible politically exposed person (score {_best(pep_hits)})",
            otherwise=REVIEW,
        ),
        _check(
            "SENIOR_RELATIVE",
            not relative_hits,
            "Not a relative of a senior employee",
            "Possible relative of a senior employee: Board sanction required",
            otherwise=REVIEW,
        ),
    ]
    if fatf_category == "CALL_FOR_ACTION":
        checks.append(RuleCheck("FATF", FAIL, f"{country_name} is a FATF high-risk jurisdiction"))
    elif fatf_category == "INCREASED_MONITORING":
        checks.append(
            RuleCheck("FATF", REVIEW, f"{country_name} is under FATF increased monitoring")
        )
    else:
        checks.append(RuleCheck("FATF", PASS, "Country not on the FATF lists"))
    checks.append(
        _check(
            "HIGH_VALUE",
            loan_amount <= high_value_amount,
            "Not a high-value loan",
            f"High-value loan above {_inr(high_value_amount)}: review required",
            otherwise=REVIEW,
        )
    )
    return stage_result(
        checks,
        data={
            "political_connection": bool(pep_hits),
            "senior_relative": bool(relative_hits),
        },
    )


def _best(hits: Sequence[dict]) -> str:
    return str(max((h["score"] for h in hits), default=0))


# --- stage 3: eligibility -----------------------------------------------------------------


@dataclass(frozen=True)
class EligibilityRules:
    """A product's thresholds (see :class:`loans.models.LoanProduct`)."""

    max_dti: Decimal = Decimal("0.400")
    min_credit_score: int = 650
    max_income_multiple: Decimal = Decimal("3.00")
    max_loan_amount: Decimal = Decimal("1000000.00")
    min_income: Decimal = Decimal("30000.00")


def _inr(amount: Decimal) -> str:
    """``Decimal("85000")`` -> ``"85000.00"``: remarks read the same whatever the input's
    exponent."""
    return str(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def dti_ratio(*, debt: Decimal, income: Decimal) -> Decimal | None:
    """debt / income, 3 places half-up (85000 income, 25000 debt -> 0.294); ``None`` without
    income."""
    if income <= 0:
        return None
    return (debt / income).quantize(DTI_PLACES, rounding=ROUND_HALF_UP)


def eligibility(
    *,
    income: Decimal,
    debt: Decimal,
    credit_score: int,
    loan_amount: Decimal | None,
    rules: EligibilityRules,
) -> StageResult:
    """Seed 001's eligibility rules with the product's thresholds.

    DTI (debt / income, compared unrounded) below ``max_dti``; credit score at least
    ``min_credit_score``; ``loan_amount`` at most ``max_income_multiple`` x income (the reading
    under which seed 001's own examples pass) and at most ``max_loan_amount``; income at least
    ``min_income``. Without ``loan_amount`` (seed 001's simple check) the two loan-amount rules
    are skipped. ``data`` of the result holds ``dti_ratio``.
    """
    ratio = dti_ratio(debt=debt, income=income)
    checks = [
        _check(
            "DTI",
            income > 0 and debt < rules.max_dti * income,
            f"DTI {ratio} is below {rules.max_dti}",
            f"DTI {ratio} is not below the maximum {rules.max_dti}"
            if ratio is not None
            else "DTI cannot be computed without income",
        ),
        _check(
            "CREDIT_SCORE",
            credit_score >= rules.min_credit_score,
            f"Credit score {credit_score} meets the minimum {rules.min_credit_score}",
            f"Credit score {credit_score} is below the minimum {rules.min_credit_score}",
        ),
    ]
    if loan_amount is not None:
        limit = _inr(rules.max_income_multiple * income)
        times = rules.max_income_multiple.normalize()
        amount, maximum = _inr(loan_amount), _inr(rules.max_loan_amount)
        checks += [
            _check(
                "INCOME_MULTIPLE",
                loan_amount <= Decimal(limit),
                f"Loan amount {amount} is within {times} x annual income ({limit})",
                f"Loan amount {amount} exceeds {times} x annual income ({limit})",
            ),
            _check(
                "MAX_LOAN",
                loan_amount <= rules.max_loan_amount,
                f"Loan amount within the maximum {maximum}",
                f"Loan amount {amount} exceeds the maximum {maximum}",
            ),
        ]
    checks.append(
        _check(
            "MIN_INCOME",
            income >= rules.min_income,
            f"Income {_inr(income)} meets the minimum {_inr(rules.min_income)}",
            f"Income {_inr(income)} is below the minimum {_inr(rules.min_income)}",
        )
    )
    return stage_result(checks, data={"dti_ratio": ratio})


# --- final decision -----------------------------------------------------------------------


def final_status(*statuses: str) -> str:
    """All APPROVED -> APPROVED; any REJECTED -> REJECTED; otherwise PENDING (review)."""
    if any(s == REJECTED for s in statuses):
        return REJECTED
    if all(s == APPROVED for s in statuses):
        return APPROVED
    return PENDING
