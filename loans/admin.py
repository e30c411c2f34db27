"""The staff console for loans: review queue and application page with approve / reject /
reprocess, the approval log with its CSV export, loan products, watchlist uploads, the senior
relatives register and FATF lists."""

import io
import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from smartbank.admin import (
    EventInline,
    StaffQueue,
    readable_data,
    readable_value,
    staff_queue_register,
)
from smartbank.errors import ApplicationError
from smartbank.money import format_inr

from .exports import approval_log_csv_rows, csv_streaming_response
from .models import (
    ApprovalAction,
    ApprovalLogEntry,
    ApprovalStep,
    FatfCountry,
    FatfCountryList,
    LoanApplication,
    LoanApplicationEvent,
    LoanProduct,
    SeniorRelative,
    WatchlistEntry,
    WatchlistImport,
    WatchlistKind,
)
from .selectors import (
    approval_log,
    approval_log_officers,
    loan_application_count_awaiting_decision,
    loan_application_emi,
    loan_review_queue,
    user_may_decide,
    user_may_read_approval_log,
)
from .services import loan_application_approve, loan_application_reject, loan_application_reprocess
from .watchlists import watchlist_import


class LoanApplicationEventInline(EventInline):
    """The audit trail, most recent first (collapsed, its data as readable rows)."""

    model = LoanApplicationEvent
    ordering = ("-created_at", "-id")
    verbose_name_plural = "audit trail (most recent first)"


STAGE_FIELDS = (
    "kyc_status",
    "kyc_verified_at",
    "kyc_remarks",
    "kyc_staff_remarks",
    "compliance_status",
    "compliance_verified_at",
    "compliance_remarks",
    "political_connection",
    "senior_relative",
    "eligibility_status",
    "eligibility_verified_at",
    "eligibility_remarks",
)


@admin.register(LoanApplication)
class LoanApplicationAdmin(admin.ModelAdmin):
    """Review queue (REVIEW first, oldest first) and the application page.

    Every field is read-only; decisions go through the review form on the page, which calls
    :mod:`loans.services` (maker-checker and concurrency are enforced there).
    """

    list_display = (
        "application_id",
        "created_at",
        "name",
        "loan_amount",
        "region",
        "country",
        "status",
        "final_status",
        "kyc_status",
        "compliance_status",
        "eligibility_status",
        "political_connection",
        "senior_relative",
        "first_approved_by",
    )
    list_filter = (
        "status",
        "final_status",
        "region",
        "product",
        "political_connection",
        "senior_relative",
        ("created_at", admin.DateFieldListFilter),
    )
    search_fields = ("application_id", "name", "email", "country")
    list_select_related = ("product", "first_approved_by")
    change_form_template = "admin/loans/loanapplication/change_form.html"
    inlines = [LoanApplicationEventInline]
    fieldsets = (
        (
            "Application",
            {
                "fields": (
                    "application_id",
                    "status",
                    "final_status",
                    "final_remarks",
                    "final_decision_at",
                    "first_approved_by",
                    "first_approved_at",
                    "decided_by",
                    "last_error",
                )
            },
        ),
        (
            "Applicant",
            {
                "fields": (
                    "customer",
                    "submitted_by",
                    "name",
                    "email",
                    "phone",
                    "region",
                    "country",
                    "country_code",
                    "date_of_birth",
                )
            },
        ),
        (
            "Loan",
            {
                "fields": (
                    "product",
                    "loan_amount",
                    "loan_purpose",
                    "tenure_months",
                    "emi_display",
                    "income",
                    "debt",
                    "dti_ratio",
                    "credit_score",
                    "documents_uploaded",
                    "documents",
                )
            },
        ),
        ("Verification stages", {"fields": STAGE_FIELDS}),
        ("Compliance evidence", {"fields": ("evidence_display",)}),
        (
            "Notification and disbursement",
            {
                "classes": ("collapse",),
                "fields": ("alert_sent", "email_sent", "disbursed_at", "disbursement_account"),
            },
        ),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [f for _, spec in self.fieldsets for f in spec["fields"]]

    def get_queryset(self, request: HttpRequest):  # noqa: ANN201
        return loan_review_queue()

    def get_ordering(self, request: HttpRequest) -> tuple[str, ...]:
        return ("queue_rank", "-created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="EMI")
    def emi_display(self, obj: LoanApplication) -> str:
        return format_inr(loan_application_emi(application=obj))

    @admin.display(description="Screening evidence")
    def evidence_display(self, obj: LoanApplication) -> str:
        evidence = obj.compliance_evidence or {}
        if not evidence:
            return "—"
        hits = evidence.get("hits", {})
        rows = [
            (
                kind,
                h.get("matched_name"),
                readable_value(h.get("score")),
                h.get("list") or h.get("employee_name"),
            )
            for kind in ("sanctions", "pep", "senior_relatives")
            for h in hits.get(kind, [])
        ]
        table = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows
        ) or mark_safe("<tr><td colspan=4>No hits</td></tr>")  # noqa: S308 - a constant
        return format_html(
            "<p>Threshold {}; FATF list {} ({})</p>"
            "<table><tr><th>Kind</th><th>Matched</th><th>Score</th><th>List / employee</th></tr>"
            '{}</table><details><summary>Lists screened</summary><pre style="white-space:pre-wrap">'
            "{}</pre></details>",
            evidence.get("threshold"),
            evidence.get("fatf_list") or "none",
            evidence.get("fatf_category") or "not listed",
            table,
            json.dumps(evidence.get("lists", []), indent=1),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):  # noqa: ANN001, ANN201
        extra_context = {**(extra_context or {}), "may_decide": user_may_decide(user=request.user)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):  # noqa: ANN201
        review = self.admin_site.admin_view(require_POST(self.review_view))
        return [
            path("<uuid:loan_application_id>/review/", review, name="loans_loanapplication_review"),
            *super().get_urls(),
        ]

    def review_view(self, request: HttpRequest, loan_application_id: str) -> HttpResponse:
        """Apply one action (approve / reject / reprocess) through the services."""
        application = get_object_or_404(LoanApplication, pk=loan_application_id)
        back = HttpResponseRedirect(
            reverse("admin:loans_loanapplication_change", args=[application.pk])
        )
        action = request.POST.get("action")
        reason = request.POST.get("reason", "")
        try:
            if action == "approve":
                result = loan_application_approve(
                    loan_application_id=application.pk, actor=request.user, reason=reason
                )
                if result.status == LoanApplication.Status.APPROVED:
                    messages.success(request, f"{result.application_id} approved.")
                else:
                    messages.success(
                        request, "First approval recorded; a second loan officer must approve."
                    )
            elif action == "reject":
                loan_application_reject(
                    loan_application_id=application.pk, actor=request.user, reason=reason
                )
                messages.success(request, f"{application.application_id} rejected.")
            elif action == "reprocess":
                loan_application_reprocess(loan_application_id=application.pk, actor=request.user)
                messages.success(request, "The checks are running again.")
            else:
                messages.error(request, "Unknown action.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return back


@admin.register(LoanProduct)
class LoanProductAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "loan_type",
        "annual_interest_rate_percent",
        "max_tenure_months",
        "max_loan_amount",
        "high_value_amount",
        "four_eyes_amount",
        "is_active",
    )
    list_filter = ("loan_type", "is_active")

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class WatchlistUploadForm(forms.Form):
    file = forms.FileField(help_text="OpenSanctions targets.simple.csv (UTF-8)")
    kind = forms.ChoiceField(choices=WatchlistKind.choices)
    name = forms.CharField(max_length=100, initial="OpenSanctions")
    version = forms.CharField(max_length=100, help_text='The export date, e.g. "20261120"')
    source = forms.CharField(max_length=300, required=False)


@admin.register(WatchlistImport)
class WatchlistImportAdmin(admin.ModelAdmin):
    """Imports are read-only; "Add" opens the upload form (``loans.manage_watchlists``)."""

    list_display = ("name", "kind", "version", "row_count", "is_active", "imported_at")
    list_filter = ("kind", "is_active")
    readonly_fields = (
        "name",
        "kind",
        "version",
        "source",
        "row_count",
        "is_active",
        "imported_at",
        "imported_by",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("loans.manage_watchlists")

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def add_view(self, request, form_url="", extra_context=None):  # noqa: ANN001, ANN201
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = WatchlistUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            text = io.TextIOWrapper(data["file"].file, encoding="utf-8-sig", newline="")
            try:
                watchlist = watchlist_import(
                    file=text,
                    name=data["name"],
                    kind=data["kind"],
                    version=data["version"],
                    source=data["source"] or data["file"].name,
                    imported_by=request.user,
                )
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(
                    request, f"Imported {watchlist.row_count} people into {watchlist}."
                )
                return HttpResponseRedirect(reverse("admin:loans_watchlistimport_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Upload a watchlist",
            "form": form,
            "opts": self.model._meta,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/loans/watchlistimport/upload.html", context)


@admin.register(WatchlistEntry)
class WatchlistEntryAdmin(admin.ModelAdmin):
    list_display = ("name", "entity_id", "schema", "dataset", "watchlist")
    list_filter = ("watchlist__kind", "watchlist")
    search_fields = ("name", "entity_id")
    list_select_related = ("watchlist",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SeniorRelative)
class SeniorRelativeAdmin(admin.ModelAdmin):
    """The register of senior employees' relatives: deactivate entries instead of deleting,
    so past screening evidence keeps its meaning."""

    list_display = (
        "relative_name",
        "relation",
        "employee_name",
        "employee_id",
        "employee_designation",
        "is_active",
    )
    list_filter = ("relation", "is_active")
    search_fields = ("relative_name", "employee_name", "employee_id")

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class FatfCountryInline(admin.TabularInline):
    model = FatfCountry
    extra = 0
    fields = ("country_code", "country_name", "category")


@admin.register(FatfCountryList)
class FatfCountryListAdmin(admin.ModelAdmin):
    list_display = ("version", "effective_from", "source")
    inlines = [FatfCountryInline]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# --- the approval log (seed 001's audit trail of manual decisions) -------------------------


class ApprovalActionFilter(admin.SimpleListFilter):
    title = "action"
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return ApprovalAction.choices

    def queryset(self, request: HttpRequest, queryset):  # noqa: ANN001, ANN201
        return queryset.filter(log_action=self.value()) if self.value() else queryset


class ApprovalStepFilter(ApprovalActionFilter):
    title = "maker-checker step"
    parameter_name = "step"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return ApprovalStep.choices

    def queryset(self, request: HttpRequest, queryset):  # noqa: ANN001, ANN201
        return queryset.filter(log_step=self.value()) if self.value() else queryset


class OfficerFilter(admin.RelatedOnlyFieldListFilter):
    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.title = "officer"


class ApprovalLogExportForm(forms.Form):
    """The CSV export's filters; every one optional (no dates: the whole log)."""

    date_from = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Inclusive"
    )
    date_to = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="Inclusive"
    )
    officer = forms.ModelChoiceField(
        queryset=None, required=False, to_field_name="email", empty_label="Any officer"
    )
    action = forms.ChoiceField(
        choices=[("", "Any action"), *ApprovalAction.choices], required=False
    )

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = approval_log_officers()

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return data


@admin.register(ApprovalLogEntry)
class ApprovalLogEntryAdmin(admin.ModelAdmin):
    """Every staff approval, rejection and reprocess request, most recent first, read-only
    (the audit events themselves); "Export CSV" downloads it for a date range, officer and
    action. Loan and compliance officers only."""

    list_display = (
        "created_at",
        "application_link",
        "action_display",
        "step_display",
        "actor",
        "maker_display",
        "reason_display",
    )
    list_filter = (
        ApprovalActionFilter,
        ApprovalStepFilter,
        ("actor", OfficerFilter),
        ("created_at", admin.DateFieldListFilter),
    )
    search_fields = ("application__application_id", "actor__email")
    list_select_related = ("application", "actor", "application__first_approved_by")
    change_list_template = "admin/loans/approvallogentry/change_list.html"
    fields = (
        "created_at",
        "application_link",
        "action_display",
        "step_display",
        "actor",
        "maker_display",
        "reason_display",
        "data_rows",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest):  # noqa: ANN201
        return approval_log()

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return user_may_read_approval_log(user=request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_may_read_approval_log(user=request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="application", ordering="application__application_id")
    def application_link(self, obj: ApprovalLogEntry) -> str:
        url = reverse("admin:loans_loanapplication_change", args=[obj.application_id])
        return format_html('<a href="{}">{}</a>', url, obj.application.application_id)

    @admin.display(description="action", ordering="log_action")
    def action_display(self, obj: ApprovalLogEntry) -> str:
        return ApprovalAction(obj.log_action).label

    @admin.display(description="step", ordering="log_step")
    def step_display(self, obj: ApprovalLogEntry) -> str:
        return ApprovalStep(obj.log_step).label

    @admin.display(description="maker")
    def maker_display(self, obj: ApprovalLogEntry) -> str:
        return obj.log_maker_email or "—"

    @admin.display(description="reason or note")
    def reason_display(self, obj: ApprovalLogEntry) -> str:
        return obj.log_reason or "—"

    @admin.display(description="data")
    def data_rows(self, obj: ApprovalLogEntry) -> str:
        return readable_data(obj.data)

    def get_urls(self):  # noqa: ANN201
        export = self.admin_site.admin_view(self.export_view)
        return [
            path("export/", export, name="loans_approvallogentry_export"),
            *super().get_urls(),
        ]

    def export_view(self, request: HttpRequest) -> HttpResponse:
        """The export form; submitted (GET: a download changes nothing), the CSV of
        :func:`loans.exports.approval_log_csv_rows` for its filters."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ApprovalLogExportForm(request.GET if "export" in request.GET else None)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            officer = data["officer"]
            entries = approval_log(
                action=data["action"] or None,
                officer_email=officer.email if officer else None,
                date_from=data["date_from"],
                date_to=data["date_to"],
            )
            start = data["date_from"] or "start"
            end = data["date_to"] or timezone.localdate()
            return csv_streaming_response(
                rows=approval_log_csv_rows(entries), filename=f"approval-log-{start}-to-{end}.csv"
            )
        context = {
            **self.admin_site.each_context(request),
            "title": "Export the approval log",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/loans/approvallogentry/export.html", context)


staff_queue_register(
    StaffQueue(
        key="loans",
        label="Loan applications awaiting a decision",
        count=loan_application_count_awaiting_decision,
        changelist="admin:loans_loanapplication_changelist",
        query=f"status__exact={LoanApplication.Status.REVIEW}",
        permission="loans.view_loanapplication",
    )
)
