"""Reads behind the staff dashboards (issue #4; response shapes of seed 001).

Each widget is one aggregate query over the roll-ups (:mod:`loans.models.rollups`, issue 13
target 5), never over ``LoanApplication`` itself: :class:`~loans.models.LoanStatusRollup`
holds counts and sums per region × country × stage statuses × final status × compliance flags,
:class:`~loans.models.LoanDailyRollup` counts per local day × final status. Both are kept in
step with every creation and status move in the same transaction
(:mod:`loans.services.rollups`), so a widget reads a few thousand rows whatever the number of
applications, and answers exactly what a ``GROUP BY`` over the applications would
(``loans/tests/test_rollups.py`` computes every widget both ways). Each group is spread over a
few shards; the queries sum over them and skip groups whose count went back to 0.

Rates are percentages rounded to 2 places (``56.67``); amounts are ``Decimal`` INR rounded to
paise, averages of counts and scores 2 places, the average DTI ratio 3 places. Averages are
the roll-up's sums divided by its counts, exactly as ``AVG`` would divide them.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any, TypedDict

from django.db.models import Q, Sum
from django.utils import timezone

from .models import LoanDailyRollup, LoanStatusRollup, StageStatus
from .services.rollups import bank_zone

APPROVED, REJECTED, PENDING = StageStatus.APPROVED, StageStatus.REJECTED, StageStatus.PENDING
TIMELINE_DEFAULT_DAYS = 30
TIMELINE_MAX_DAYS = 366


def _sum(condition: Q | None = None, *, measure: str = "n", **lookups: Any) -> Sum:
    """``COALESCE(SUM(measure) FILTER (WHERE ...), 0)`` over roll-up rows: the applications of
    the matching groups (``measure`` ``n``) or their summed figures."""
    where = (condition or Q()) & Q(**lookups)
    return Sum(measure, filter=where if where else None, default=0)


def _ints(row: dict[str, Any], *names: str) -> dict[str, Any]:
    """``row`` with ``names`` as ``int``: PostgreSQL's ``SUM(bigint)`` is a ``numeric``."""
    return {**row, **{name: int(row[name]) for name in names}}


def _rate(part: int, whole: int) -> float:
    """``part`` as a percentage of ``whole``, 2 places; 0.0 when ``whole`` is 0."""
    if not whole:
        return 0.0
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def _round(value: Decimal | float | None, places: str) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _average(total: Any, count: int, places: str) -> Decimal | None:
    """``total / count`` rounded half up to ``places``; ``None`` when ``count`` is 0 (as
    ``AVG`` over no rows)."""
    if not count:
        return None
    with localcontext() as context:
        context.prec = 60  # exact enough that only the final rounding rounds
        return (Decimal(total) / Decimal(count)).quantize(Decimal(places), ROUND_HALF_UP)


class Overview(TypedDict):
    total_applications: int
    approved: int
    rejected: int
    pending: int
    approval_rate: float


def dashboard_overview() -> Overview:
    """``{"total_applications", "approved", "rejected", "pending", "approval_rate"}``:
    applications by ``final_status``; ``approval_rate`` is approved / total in % (2 places)."""
    row = _ints(
        LoanStatusRollup.objects.aggregate(
            total_applications=_sum(),
            approved=_sum(final_status=APPROVED),
            rejected=_sum(final_status=REJECTED),
            pending=_sum(final_status=PENDING),
        ),
        "total_applications",
        "approved",
        "rejected",
        "pending",
    )
    return {**row, "approval_rate": _rate(row["approved"], row["total_applications"])}


def dashboard_by_region() -> dict[str, list[dict[str, Any]]]:
    """``{"regions": [{"region", "total", "approved", "rejected", "pending"}]}``, the busiest
    region first (ties by name); regions without applications are left out. The region is
    the country's (:func:`loans.countries.country_region`): APAC, EMEA, AMERICAS."""
    rows = (
        LoanStatusRollup.objects.values("region")
        .annotate(
            total=_sum(),
            approved=_sum(final_status=APPROVED),
            rejected=_sum(final_status=REJECTED),
            pending=_sum(final_status=PENDING),
        )
        .filter(total__gt=0)
        .order_by("-total", "region")
    )
    return {"regions": [_ints(row, "total", "approved", "rejected", "pending") for row in rows]}


def dashboard_by_country(*, limit: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """``{"countries": [{"country", "region", "total", "approved", "rejected"}]}``: one row per
    country name and region given on the applications, the busiest first (ties by country and
    region), at most ``limit`` rows (all without)."""
    rows = (
        LoanStatusRollup.objects.values("country", "region")
        .annotate(
            total=_sum(),
            approved=_sum(final_status=APPROVED),
            rejected=_sum(final_status=REJECTED),
        )
        .filter(total__gt=0)
        .order_by("-total", "country", "region")
    )
    if limit is not None:
        rows = rows[:limit]
    return {"countries": [_ints(row, "total", "approved", "rejected") for row in rows]}


def dashboard_verification_stats() -> dict[str, dict[str, Any]]:
    """Each stage's approvals and rejections, and its ``pass_rate``: approved / (approved +
    rejected) in %, so a stage still PENDING (checks running, or referred to staff) counts
    neither way. Compliance adds how many applicants were flagged as politically connected
    (``political_connections``) or relatives of senior employees (``senior_relatives``).

    ``{"kyc": {"approved", "rejected", "pass_rate"}, "compliance": {..., "political_connections",
    "senior_relatives"}, "eligibility": {...}}``.
    """
    stages = ("kyc", "compliance", "eligibility")
    sums: dict[str, Sum] = {}
    for stage in stages:
        sums[f"{stage}_approved"] = _sum(**{f"{stage}_status": APPROVED})
        sums[f"{stage}_rejected"] = _sum(**{f"{stage}_status": REJECTED})
    sums["political_connections"] = _sum(political_connection=True)
    sums["senior_relatives"] = _sum(senior_relative=True)
    row = _ints(LoanStatusRollup.objects.aggregate(**sums), *sums)
    result: dict[str, dict[str, Any]] = {}
    for stage in stages:
        approved, rejected = row[f"{stage}_approved"], row[f"{stage}_rejected"]
        result[stage] = {
            "approved": approved,
            "rejected": rejected,
            "pass_rate": _rate(approved, approved + rejected),
        }
    result["compliance"]["political_connections"] = row["political_connections"]
    result["compliance"]["senior_relatives"] = row["senior_relatives"]
    return result


class FinancialMetrics(TypedDict):
    average_credit_score: Decimal | None
    average_dti_ratio: Decimal | None
    average_loan_amount: Decimal | None
    total_loan_amount: Decimal
    average_income: Decimal | None


def dashboard_financial_metrics() -> FinancialMetrics:
    """Averages and the total over APPROVED applications, INR: ``{"average_credit_score",
    "average_dti_ratio", "average_loan_amount", "total_loan_amount", "average_income"}``.
    Averages are ``None`` when nothing is approved yet; the total is then 0. The DTI average
    is over the approved applications that have a ratio (as ``AVG`` skips nulls)."""
    row = LoanStatusRollup.objects.filter(final_status=APPROVED).aggregate(
        n=_sum(),
        credit_score_sum=_sum(measure="credit_score_sum"),
        dti_ratio_sum=_sum(measure="dti_ratio_sum"),
        dti_ratio_n=_sum(measure="dti_ratio_n"),
        loan_amount_sum=_sum(measure="loan_amount_sum"),
        income_sum=_sum(measure="income_sum"),
    )
    n, dti_n = int(row["n"]), int(row["dti_ratio_n"])
    return {
        "average_credit_score": _average(row["credit_score_sum"], n, "0.01"),
        "average_dti_ratio": _average(row["dti_ratio_sum"], dti_n, "0.001"),
        "average_loan_amount": _average(row["loan_amount_sum"], n, "0.01"),
        "total_loan_amount": _round(Decimal(row["loan_amount_sum"]), "0.01"),
        "average_income": _average(row["income_sum"], n, "0.01"),
    }


def dashboard_timeline(
    *, days: int = TIMELINE_DEFAULT_DAYS, today: datetime.date | None = None
) -> dict[str, list[dict[str, Any]]]:
    """``{"timeline": [{"date": "YYYY-MM-DD", "total", "approved", "rejected"}]}``: applications
    submitted on each of the last ``days`` local days of the bank (``settings.TIME_ZONE``,
    whatever zone a request activated) up to ``today``, oldest first, days without
    applications included as zeros. ``approved`` / ``rejected`` count those submissions by
    their final status now. Raises ``ValueError`` unless ``days`` is 1 to
    :data:`TIMELINE_MAX_DAYS`."""
    if not 1 <= days <= TIMELINE_MAX_DAYS:
        raise ValueError(f"days must be 1 to {TIMELINE_MAX_DAYS}")
    today = today or timezone.localdate(timezone=bank_zone())
    first = today - datetime.timedelta(days=days - 1)
    rows = (
        LoanDailyRollup.objects.filter(day__gte=first, day__lte=today)
        .values("day")
        .annotate(
            total=_sum(),
            approved=_sum(final_status=APPROVED),
            rejected=_sum(final_status=REJECTED),
        )
        .order_by("day")
    )
    by_date = {row["day"]: row for row in rows}
    timeline = []
    for offset in range(days):
        day = first + datetime.timedelta(days=offset)
        row = by_date.get(day, {"total": 0, "approved": 0, "rejected": 0})
        timeline.append(
            {
                "date": day.isoformat(),
                "total": int(row["total"]),
                "approved": int(row["approved"]),
                "rejected": int(row["rejected"]),
            }
        )
    return {"timeline": timeline}


FUNNEL_STEPS = (
    ("submitted", "Submitted"),
    ("kyc_approved", "KYC approved"),
    ("compliance_approved", "Compliance approved"),
    ("eligibility_approved", "Eligibility approved"),
    ("final_approved", "Final approved"),
)


def dashboard_funnel() -> dict[str, list[dict[str, Any]]]:
    """The stage funnel: ``{"stages": [{"stage", "label", "count"}]}`` for submitted, KYC
    approved, KYC and compliance approved, all three approved, and finally APPROVED.

    Each check step counts the applications that passed it and every step before, so the bars
    show where applications drop out. The last step also counts applications that staff
    approved after a referral (a stage left PENDING), so it can exceed the step before it.
    """
    kyc = Q(kyc_status=APPROVED)
    compliance = kyc & Q(compliance_status=APPROVED)
    row = LoanStatusRollup.objects.aggregate(
        submitted=_sum(),
        kyc_approved=_sum(kyc),
        compliance_approved=_sum(compliance),
        eligibility_approved=_sum(compliance, eligibility_status=APPROVED),
        final_approved=_sum(final_status=APPROVED),
    )
    return {
        "stages": [
            {"stage": stage, "label": label, "count": int(row[stage])}
            for stage, label in FUNNEL_STEPS
        ]
    }
