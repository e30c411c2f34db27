"""Customer loan pages (apply with an EMI preview, my applications, one application's live
progress, its repayment schedule and "Pay EMI") and the staff dashboard page (issues #4, 12).

A page naming an application answers 404 unless it is the logged-in customer's. Everything a
customer reads of a stage or a decision comes from :mod:`loans.applicant_status` (plain words,
no rule codes or ratios). The dashboard
is for loan and compliance staff only (403 for anyone else); its charts are drawn by
``static/js/dashboard.js`` with Chart.js from ``static/vendor/`` (no CDN).
"""

import uuid
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

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
from . import emi as emi_engine
from .advice import rupees
from .applicant_status import (
    applicant_advice,
    applicant_decision_remarks,
    applicant_progress,
    applicant_stages,
)
from .emi import total_interest
from .forms import EmiPreviewForm, LoanApplicationForm, LoanRepaymentForm
from .loan_accounts import RepaymentSchedule, loan_repayment_schedule
from .models import LoanApplication, LoanProduct, StageStatus
from .selectors import (
    loan_application_emi,
    loan_application_list_for_customer,
    loan_application_tenure,
    loan_product_list_active,
    user_sees_all_applications,
)
from .services import loan_application_submit, loan_repayment_pay

#: Why a user may not apply, by the code of :func:`accounts.selectors.customer_is_onboarded`.
REFUSALS = {
    "NOT_A_CUSTOMER": "Only registered SmartBank customers can apply for a loan online.",
    "CONTACT_NOT_VERIFIED": (
        "Verify your email address and mobile number before applying for a loan."
    ),
    "KYC_NOT_VERIFIED": "Complete identity verification (KYC) before applying for a loan.",
}
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
    applications = [
        (application, applicant_stages(application=application))
        for application in loan_application_list_for_customer(customer=request.user)
    ]
    return render(
        request,
        "loans/list.html",
        {"applications": applications, "refusal": _refusal(request.user)},
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
        {
            "form": form,
            "product_rules": [_product_rules(p) for p in loan_product_list_active()],
            **step_up_context(request, step_up, action=action),
        },
    )


def _own_application(request: HttpRequest, application_id: str) -> LoanApplication:
    """The logged-in customer's application ``application_id``, else 404 (also for an id with
    a NUL character: no id has one, and PostgreSQL text cannot hold it)."""
    application = (
        loan_application_list_for_customer(customer=request.user)
        .filter(application_id=application_id)
        .first()
        if "\x00" not in application_id
        else None
    )
    if application is None:
        raise Http404("No such application.")
    return application


def _chart_data(schedule: RepaymentSchedule) -> dict[str, Any]:
    """The principal-vs-interest chart's series (``static/js/loan_charts.js``): per month the
    EMI's principal and interest parts and the balance left, INR as numbers in rupees."""
    return {
        "labels": [
            row.due_date.strftime("%b %Y") if row.due_date else f"Month {row.instalment}"
            for row in schedule.rows
        ],
        "principal": [float(row.scheduled.principal) for row in schedule.rows],
        "interest": [float(row.scheduled.interest) for row in schedule.rows],
        "balance": [float(row.scheduled.closing_balance) for row in schedule.rows],
    }


def _status_context(
    request: HttpRequest,
    application: LoanApplication,
    *,
    pay_form: LoanRepaymentForm | None = None,
) -> dict[str, Any]:
    """What the live part of the detail page shows (``loans/_status.html``): the decision,
    the progress, each stage, the advice after a rejection and, once approved, the EMI, the
    schedule with due dates, the pay form and the chart's data."""
    final = application.status in (Status.APPROVED, Status.REJECTED)
    context: dict[str, Any] = {
        "application": application,
        "stages": applicant_stages(application=application),
        "decision_remarks": applicant_decision_remarks(application=application),
        "advice": applicant_advice(application=application),
        "progress": applicant_progress(application=application),
        "final": final,
        "tenure_months": loan_application_tenure(application=application),
    }
    if application.final_status == StageStatus.APPROVED:
        schedule = loan_repayment_schedule(application=application)
        next_due = schedule.next_due
        if pay_form is None and next_due is not None:
            pay_form = LoanRepaymentForm(
                customer=request.user,
                initial={"instalment": next_due.instalment, "idempotency_key": uuid.uuid4()},
            )
        context.update(
            emi=loan_application_emi(application=application),
            schedule=schedule,
            total_interest=total_interest(schedule=[r.scheduled for r in schedule.rows]),
            pay_form=pay_form,
            chart_data=_chart_data(schedule),
        )
    return context


@require_GET
@login_required
def loan_application_detail_view(request: HttpRequest, application_id: str) -> HttpResponse:
    """One application: each stage's progress in plain words, the decision, the advice after
    an automatic rejection, and once approved the EMI, the repayment schedule with due dates,
    "Pay EMI" and the chart. The live part updates in place while undecided
    (:func:`loan_application_status_view`, ``static/js/live_status.js``)."""
    application = _own_application(request, application_id)
    return render(request, "loans/detail.html", _status_context(request, application))


@require_GET
@login_required
def loan_application_status_view(request: HttpRequest, application_id: str) -> HttpResponse:
    """The live part of the detail page alone (an HTML fragment, not cached), polled every
    2 s while ``data-final="false"``; 404 for another customer's application."""
    application = _own_application(request, application_id)
    response = render(request, "loans/_status.html", _status_context(request, application))
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def loan_repayment_pay_view(request: HttpRequest, application_id: str) -> HttpResponse:
    """Pay the next EMI from one of the customer's accounts through the ledger. The form's
    idempotency key makes a second identical POST (a double click) pay nothing more; errors
    (insufficient funds, an instalment paid meanwhile) show on the form."""
    application = _own_application(request, application_id)
    form = LoanRepaymentForm(request.POST, customer=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            result = loan_repayment_pay(
                loan_application_id=application.pk,
                customer=request.user,
                bank_account_id=data["bank_account"].pk,
                instalment=data["instalment"],
                idempotency_key=data["idempotency_key"],
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            repayment = result.repayment
            if result.created:
                messages.success(
                    request,
                    f"Thank you. Instalment {repayment.instalment} is paid: "
                    f"{format_inr(repayment.amount)} from account "
                    f"{repayment.from_account.number_masked}.",
                )
            else:
                messages.info(
                    request,
                    f"Instalment {repayment.instalment} was already paid with this form; "
                    "nothing more was taken.",
                )
            url = reverse("loans:detail", kwargs={"application_id": application.application_id})
            return redirect(f"{url}#repayment")
    context = _status_context(request, application, pay_form=form)
    return render(request, "loans/detail.html", context, status=400)


def _product_rules(product: LoanProduct) -> dict[str, Any]:
    """A product's rules in plain words for the form (amounts INR, the rest as people say
    them: "3 times your annual income", "less than 40% of your income")."""
    return {
        "product": product,
        "max_loan": rupees(product.max_loan_amount),
        "income_multiple": product.max_income_multiple.normalize(),
        "max_tenure": product.max_tenure_months,
        "min_income": rupees(product.min_income),
        "debt_percent": (product.max_dti * 100).normalize(),
        "min_credit": product.min_credit_score,
        "rate": product.annual_interest_rate_percent,
        "high_value": rupees(product.high_value_amount),
    }


@require_GET
@login_required
def loan_emi_preview_view(request: HttpRequest) -> JsonResponse:
    """The EMI and total interest of ``?product=<pk>&amount=<INR>&tenure=<months>`` at the
    product's rate (the rate the decision uses), from :func:`loans.emi.emi` and the
    amortisation schedule, for the form's preview (``static/js/loan_preview.js``).

    200: ``{"emi", "total_interest", "total_repayable", "annual_rate_percent"`` (decimal
    strings, INR / % p.a.), ``"tenure_months"``, ``"display": {"emi", "total_interest",
    "total_repayable"}`` (``₹9,750.73``)``}``. 400: ``{"errors": {field: [message, ...]}}``.
    """
    form = EmiPreviewForm(request.GET)
    if not form.is_valid():
        errors = {name: [str(m) for m in messages_] for name, messages_ in form.errors.items()}
        return JsonResponse({"errors": errors}, status=400)
    product, amount, tenure = (form.cleaned_data[k] for k in ("product", "amount", "tenure"))
    rate = product.annual_interest_rate_percent
    instalment = emi_engine.emi(principal=amount, annual_rate_percent=rate, tenure_months=tenure)
    schedule = emi_engine.amortisation_schedule(
        principal=amount, annual_rate_percent=rate, tenure_months=tenure
    )
    interest = total_interest(schedule=schedule)
    repayable = sum((row.emi for row in schedule), Decimal("0.00"))
    return JsonResponse(
        {
            "emi": str(instalment),
            "total_interest": str(interest),
            "total_repayable": str(repayable),
            "annual_rate_percent": str(rate),
            "tenure_months": tenure,
            "display": {
                "emi": format_inr(instalment),
                "total_interest": format_inr(interest),
                "total_repayable": format_inr(repayable),
            },
        }
    )


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
