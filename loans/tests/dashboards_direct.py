"""The dashboard widgets as they were before the roll-ups (issue 13): one aggregate query each
over ``LoanApplication`` itself, verbatim. ``test_rollups.py`` checks that the roll-up widgets
of :mod:`loans.dashboards` answer exactly what these answer."""

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypedDict

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from loans.models import LoanApplication, StageStatus

APPROVED, REJECTED, PENDING = StageStatus.APPROVED, StageStatus.REJECTED, StageStatus.PENDING
TIMELINE_DEFAULT_DAYS = 30
TIMELINE_MAX_DAYS = 366


def _all() -> Count:
    return Count("*")


def _count(condition: Q | None = None, **lookups: Any) -> Count:
    """``COUNT(final_status) FILTER (WHERE ...)``: Django allows no filter on ``COUNT(*)``;
    ``final_status`` is never null and is in every composite index, so the count is the same
    and an index-only scan stays possible."""
    return Count("final_status", filter=(condition or Q()) & Q(**lookups))


def _rate(part: int, whole: int) -> float:
    """``part`` as a percentage of ``whole``, 2 places; 0.0 when ``whole`` is 0."""
    if not whole:
        return 0.0
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def _round(value: Decimal | float | None, places: str) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


class Overview(TypedDict):
    total_applications: int
    approved: int
    rejected: int
    pending: int
    approval_rate: float


def dashboard_overview() -> Overview:
    """``{"total_applications", "approved", "rejected", "pending", "approval_rate"}``:
    applications by ``final_status``; ``approval_rate`` is approved / total in % (2 places)."""
    row = LoanApplication.objects.aggregate(
        total_applications=_all(),
        approved=_count(final_status=APPROVED),
        rejected=_count(final_status=REJECTED),
        pending=_count(final_status=PENDING),
    )
    return {**row, "approval_rate": _rate(row["approved"], row["total_applications"])}


def dashboard_by_region() -> dict[str, list[dict[str, Any]]]:
    """``{"regions": [{"region", "total", "approved", "rejected", "pending"}]}``, the busiest
    region first (ties by name); regions without applications are left out."""
    rows = (
        LoanApplication.objects.values("region")
        .annotate(
            total=_all(),
            approved=_count(final_status=APPROVED),
            rejected=_count(final_status=REJECTED),
            pending=_count(final_status=PENDING),
        )
        .order_by("-total", "region")
    )
    return {"regions": list(rows)}


def dashboard_by_country(*, limit: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """``{"countries": [{"country", "region", "total", "approved", "rejected"}]}``: one row per
    country name and region given on the applications, the busiest first (ties by country and
    region), at most ``limit`` rows (all without)."""
    rows = (
        LoanApplication.objects.values("country", "region")
        .annotate(
            total=_all(),
            approved=_count(final_status=APPROVED),
            rejected=_count(final_status=REJECTED),
        )
        .order_by("-total", "country", "region")
    )
    if limit is not None:
        rows = rows[:limit]
    return {"countries": list(rows)}


def dashboard_verification_stats() -> dict[str, dict[str, Any]]:
    """Each stage's approvals and rejections, and its ``pass_rate``: approved / (approved +
    rejected) in %, so a stage still PENDING (checks running, or referred to staff) counts
    neither way. Compliance adds how many applicants were flagged as politically connected
    (``political_connections``) or relatives of senior employees (``senior_relatives``).

    ``{"kyc": {"approved", "rejected", "pass_rate"}, "compliance": {..., "political_connections",
    "senior_relatives"}, "eligibility": {...}}``.
    """
    stages = ("kyc", "compliance", "eligibility")
    counts: dict[str, Count] = {}
    for stage in stages:
        counts[f"{stage}_approved"] = _count(**{f"{stage}_status": APPROVED})
        counts[f"{stage}_rejected"] = _count(**{f"{stage}_status": REJECTED})
    row = LoanApplication.objects.aggregate(
        **counts,
        political_connections=_count(political_connection=True),
        senior_relatives=_count(senior_relative=True),
    )
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
    Averages are ``None`` when nothing is approved yet; the total is then 0."""
    row = LoanApplication.objects.filter(final_status=APPROVED).aggregate(
        average_credit_score=Avg("credit_score"),
        average_dti_ratio=Avg("dti_ratio"),
        average_loan_amount=Avg("loan_amount"),
        total_loan_amount=Sum("loan_amount"),
        average_income=Avg("income"),
    )
    return {
        "average_credit_score": _round(row["average_credit_score"], "0.01"),
        "average_dti_ratio": _round(row["average_dti_ratio"], "0.001"),
        "average_loan_amount": _round(row["average_loan_amount"], "0.01"),
        "total_loan_amount": _round(row["total_loan_amount"] or Decimal(0), "0.01"),
        "average_income": _round(row["average_income"], "0.01"),
    }


def dashboard_timeline(
    *, days: int = TIMELINE_DEFAULT_DAYS, today: datetime.date | None = None
) -> dict[str, list[dict[str, Any]]]:
    """``{"timeline": [{"date": "YYYY-MM-DD", "total", "approved", "rejected"}]}``: applications
    submitted on each of the last ``days`` local days (``settings.TIME_ZONE``) up to ``today``,
    oldest first, days without applications included as zeros. ``approved`` / ``rejected``
    count those submissions by their final status now. Raises ``ValueError`` unless ``days``
    is 1 to :data:`TIMELINE_MAX_DAYS`."""
    if not 1 <= days <= TIMELINE_MAX_DAYS:
        raise ValueError(f"days must be 1 to {TIMELINE_MAX_DAYS}")
    zone = timezone.get_current_timezone()
    today = today or timezone.localdate()
    first = today - datetime.timedelta(days=days - 1)
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        today + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    rows = (
        LoanApplication.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(date=TruncDate("created_at", tzinfo=zone))
        .values("date")
        .annotate(
            total=_all(),
            approved=_count(final_status=APPROVED),
            rejected=_count(final_status=REJECTED),
        )
        .order_by("date")
    )
    by_date = {row["date"]: row for row in rows}
    timeline = []
    for offset in range(days):
        day = first + datetime.timedelta(days=offset)
        row = by_date.get(day, {"total": 0, "approved": 0, "rejected": 0})
        timeline.append(
            {
                "date": day.isoformat(),
                "total": row["total"],
                "approved": row["approved"],
                "rejected": row["rejected"],
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
    row = LoanApplication.objects.aggregate(
        submitted=_all(),
        kyc_approved=_count(kyc),
        compliance_approved=_count(compliance),
        eligibility_approved=_count(compliance, eligibility_status=APPROVED),
        final_approved=_count(final_status=APPROVED),
    )
    return {
        "stages": [
            {"stage": stage, "label": label, "count": row[stage]} for stage, label in FUNNEL_STEPS
        ]
    }
