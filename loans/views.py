"""Customer loan pages (apply, my applications, one application's progress) and the staff
dashboard page (issue #4).

A page naming an application answers 404 unless it is the logged-in customer's. The dashboard
is for loan and compliance staff only (403 for anyone else); its charts are drawn by
``static/js/dashboard.js`` with Chart.js from ``static/vendor/`` (no CDN).
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts.models import StepUp
from accounts.selectors import customer_is_onboarded
from accounts.views.step_up import (
    step_up_code_requested,
    step_up_confirmation,
    step_up_context,
    step_up_error,
    step_up_form,
)
from smartbank.errors import ApplicationError
from smartbank.money import format_inr

from . import dashboards
from .emi import total_interest
from .forms import LoanApplicationForm
from .models import LoanApplication, StageStatus
from .selectors import (
    applicant_compliance_remarks,
    applicant_final_remarks,
    loan_application_emi,
    loan_application_list_for_customer,
    loan_application_schedule,
    loan_application_tenure,
    user_sees_all_applications,
)
from .services import loan_application_submit

#: Why a user may not apply, by the code of :func:`accounts.selectors.customer_is_onboarded`.
REFUSALS = {
    "NOT_A_CUSTOMER": "Only registered SmartBank customers can apply for a loan online.",
    "CONTACT_NOT_VERIFIED": (
        "Verify your email address and mobile number before applying for a loan."
    ),
    "KYC_NOT_VERIFIED": "Complete identity verification (KYC) before applying for a loan.",
}
#: Seconds between refreshes of an application's page while checks run / staff review it.
REFRESH_CHECKING_SECONDS = 3
REFRESH_REVIEW_SECONDS = 30
COUNTRY_BARS = 10
LAKH, CRORE = Decimal(100_000), Decimal(10_000_000)

Status = LoanApplication.Status


def _compact_inr(amount: Decimal | None) -> str:
    """A KPI amount in crore or lakh (``₹4.41 Cr``, ``₹2.50 L``), as Indian dashboards show
    them; ``–`` for none."""
    if amount is None:
        return "–"
    for unit, name in ((CRORE, "Cr"), (LAKH, "L")):
        if abs(amount) >= unit:
            return f"₹{(amount / unit).quantize(Decimal('0.01'), ROUND_HALF_UP)} {name}"
    return format_inr(amount)


def _refusal(user: Any) -> str | None:
    onboarded, code = customer_is_onboarded(user=user)
    if onboarded:
        return None
    return REFUSALS.get(code or "", "You cannot apply for a loan yet.")


@require_GET
@login_required
def loan_application_list_view(request: HttpRequest) -> HttpResponse:
    """The customer's applications, newest first, with each stage's status."""
    return render(
        request,
        "loans/list.html",
        {
            "applications": loan_application_list_for_customer(customer=request.user),
            "refusal": _refusal(request.user),
        },
    )


@login_required
def loan_application_apply_view(request: HttpRequest) -> HttpResponse:
    """The application form, confirmed by a face step-up or a one-time code (issue 14); the
    verification stages then run in the background."""
    refusal = _refusal(request.user)
    if refusal:
        messages.error(request, refusal)
        return redirect("loans:list")
    form = LoanApplicationForm(request.POST or None)
    step_up = step_up_form(request)
    action = StepUp.Action.LOAN_APPLICATION
    if step_up_code_requested(request, step_up):
        form = LoanApplicationForm(initial=request.POST.dict())  # not submitted yet: no errors
    elif (
        request.method == "POST"
        and form.is_valid()
        and (step_up_id := step_up_confirmation(request, step_up, action=action))
    ):
        data = form.cleaned_data
        try:
            application = loan_application_submit(
                submitted_by=request.user,
                customer=request.user,
                product=data["product"],
                loan_amount=data["loan_amount"],
                tenure_months=data["tenure_months"],
                loan_purpose=data["loan_purpose"],
                income=data["income"],
                debt=data["debt"],
                credit_score=data["credit_score"],
                country=data["country"],
                region=data["region"],
                step_up_id=step_up_id,
            )
        except ApplicationError as exc:
            if not step_up_error(step_up, exc):
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                f"Thank you. Your application {application.application_id} is being checked.",
            )
            return redirect("loans:detail", application_id=application.application_id)
    return render(
        request,
        "loans/apply.html",
        {"form": form, **step_up_context(request, step_up, action=action)},
    )


def _stages(application: LoanApplication) -> list[dict[str, Any]]:
    """The three verification stages as the customer sees them.

    Compliance remarks name watchlist matches, which are for staff only, so the customer reads
    a general sentence instead.
    """
    compliance_text = applicant_compliance_remarks(application=application)
    return [
        {
            "key": "kyc",
            "label": "Identity (KYC)",
            "status": application.kyc_status,
            "display": application.get_kyc_status_display(),
            "checked_at": application.kyc_verified_at,
            "remarks": application.kyc_remarks,
        },
        {
            "key": "compliance",
            "label": "Compliance",
            "status": application.compliance_status,
            "display": application.get_compliance_status_display(),
            "checked_at": application.compliance_verified_at,
            "remarks": compliance_text,
        },
        {
            "key": "eligibility",
            "label": "Eligibility",
            "status": application.eligibility_status,
            "display": application.get_eligibility_status_display(),
            "checked_at": application.eligibility_verified_at,
            "remarks": application.eligibility_remarks,
        },
    ]


@require_GET
@login_required
def loan_application_detail_view(request: HttpRequest, application_id: str) -> HttpResponse:
    """One application: each stage's progress and remarks, the decision, and once approved
    the EMI, the repayment schedule and the disbursement. Refreshes itself while undecided."""
    application = (
        loan_application_list_for_customer(customer=request.user)
        .filter(application_id=application_id)
        .first()
        if "\x00" not in application_id  # no id has one; PostgreSQL text cannot hold it
        else None
    )
    if application is None:
        raise Http404("No such application.")
    refresh = None
    if application.status in (Status.SUBMITTED, Status.PROCESSING):
        refresh = REFRESH_CHECKING_SECONDS
    elif application.status == Status.REVIEW:
        refresh = REFRESH_REVIEW_SECONDS
    context: dict[str, Any] = {
        "application": application,
        "stages": _stages(application),
        "final_remarks": applicant_final_remarks(application=application),
        "refresh": refresh,
        "tenure_months": loan_application_tenure(application=application),
    }
    if application.final_status == StageStatus.APPROVED:
        schedule = loan_application_schedule(application=application)
        context.update(
            emi=loan_application_emi(application=application),
            schedule=schedule,
            total_interest=total_interest(schedule=schedule),
        )
    return render(request, "loans/detail.html", context)


@require_GET
def loan_dashboard_view(request: HttpRequest) -> HttpResponse:
    """The portfolio dashboard: KPI cards, applications by region and country, the stage
    funnel and the timeline. Staff log in through the staff console (password and OTP)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not user_sees_all_applications(user=request.user):
        raise PermissionDenied("Only loan and compliance staff can see the dashboard.")
    data = {
        "overview": dashboards.dashboard_overview(),
        "regions": dashboards.dashboard_by_region()["regions"],
        "countries": dashboards.dashboard_by_country(limit=COUNTRY_BARS)["countries"],
        "funnel": dashboards.dashboard_funnel()["stages"],
        "timeline": dashboards.dashboard_timeline()["timeline"],
    }
    financial = dashboards.dashboard_financial_metrics()
    return render(
        request,
        "loans/dashboard.html",
        {
            **data,
            "verification": dashboards.dashboard_verification_stats(),
            "financial": financial,
            "total_approved_compact": _compact_inr(financial["total_loan_amount"]),
            "average_loan_compact": _compact_inr(financial["average_loan_amount"]),
            "chart_data": data,
        },
    )
