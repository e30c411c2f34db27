"""The staff console for waivers: waiver and certificate types, the review queue, and the
waiver page with the scan, the OCR text and the numbers found side by side, and the decision."""

from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from loans.loan_accounts import loan_outstanding
from smartbank.admin import (
    EventInline,
    ReadOnlyInline,
    StaffQueue,
    link_case_ids,
    local_datetime,
    staff_queue_register,
)
from smartbank.errors import ApplicationError
from smartbank.malware import quarantined_html
from smartbank.money import format_inr

from .models import CertificateType, WaiverCheck, WaiverEvent, WaiverRequest, WaiverType
from .selectors import (
    AWAITING_DECISION,
    user_may_decide_waivers,
    waiver_request_count_awaiting_decision,
    waiver_request_ocr,
    waiver_requests_alike,
    waiver_review_queue,
)
from .services import waiver_request_approve, waiver_request_reject


@admin.register(WaiverType)
class WaiverTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "max_percent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # requests point at their type; deactivate instead


@admin.register(CertificateType)
class CertificateTypeAdmin(admin.ModelAdmin):
    """Certificate types and their number patterns; a pattern the engine cannot use, or an
    example that does not match it, is refused on save (``CertificateType.clean``)."""

    list_display = ("name", "issuing_authority", "number_pattern", "number_example", "is_active")
    list_filter = ("is_active", "allowed_waiver_types")
    search_fields = ("name", "issuing_authority", "code")
    filter_horizontal = ("allowed_waiver_types",)
    prepopulated_fields = {"code": ("name",)}

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class WaiverCheckInline(ReadOnlyInline):
    model = WaiverCheck
    fields = ("name", "status", "code", "detail_linked")
    readonly_fields = fields

    @admin.display(description="Detail")
    def detail_linked(self, obj: WaiverCheck) -> str:
        """The staff detail, the other request it names (a reused certificate or scan) a link
        to that request."""
        return link_case_ids(obj.detail, url_name="admin:waivers_waiverrequest_change")


class WaiverEventInline(EventInline):
    model = WaiverEvent


@admin.register(WaiverRequest)
class WaiverRequestAdmin(admin.ModelAdmin):
    """Review queue (MANUAL_REVIEW and VERIFIED first) and the waiver page.

    Every field is read-only; decisions go through the review form on the page, which calls
    :mod:`waivers.services` (the ledger posting and four-eyes rule live there).
    """

    list_display = (
        "created_at",
        "customer_email",
        "loan_application_id",
        "waiver_type",
        "certificate_number",
        "amount_inr",
        "status",
        "awaiting_second_approval",
    )
    list_filter = (
        "status",
        "waiver_type",
        "certificate_type",
        ("created_at", admin.DateFieldListFilter),
    )
    search_fields = (
        "customer__email",
        "certificate_number",
        "certificate_number_read",
        "loan__application_id",
        "=sha256",
    )
    change_form_template = "admin/waivers/waiverrequest/change_form.html"
    inlines = [WaiverCheckInline, WaiverEventInline]
    fieldsets = (
        (
            "Request",
            {
                "fields": (
                    "status",
                    "customer_email",
                    "loan_application_id",
                    "waiver_type",
                    "certificate_type",
                    "certificate_number",
                    "certificate_number_read",
                    "asked",
                    "amount_inr",
                    "outstanding_now",
                    "created_at",
                )
            },
        ),
        (
            "Evidence",
            {
                "fields": (
                    "evidence",
                    "ocr_confidence",
                    "reasons_list",
                    "same_certificate_or_scan",
                    "content_type",
                    "size_bytes",
                    "sha256",
                    "last_error",
                )
            },
        ),
        (
            "Approvals and ledger posting",
            {
                "fields": (
                    "first_approved_by",
                    "first_approved_at",
                    "decided_by",
                    "decided_at",
                    "review_note",
                    "ledger_posting",
                )
            },
        ),
    )
    readonly_fields = (
        "status",
        "customer_email",
        "loan_application_id",
        "waiver_type",
        "certificate_type",
        "certificate_number",
        "certificate_number_read",
        "asked",
        "amount_inr",
        "outstanding_now",
        "created_at",
        "evidence",
        "ocr_confidence",
        "reasons_list",
        "same_certificate_or_scan",
        "content_type",
        "size_bytes",
        "sha256",
        "last_error",
        "first_approved_by",
        "first_approved_at",
        "decided_by",
        "decided_at",
        "review_note",
        "ledger_posting",
    )

    def get_queryset(self, request: HttpRequest):  # noqa: ANN201
        return waiver_review_queue()

    def get_ordering(self, request: HttpRequest) -> tuple[str, ...]:
        return ("queue_rank", "-created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def render_change_form(self, request: HttpRequest, context: dict, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        context["may_decide"] = user_may_decide_waivers(user=request.user)
        return super().render_change_form(request, context, *args, **kwargs)

    @admin.display(description="Customer", ordering="customer__email")
    def customer_email(self, obj: WaiverRequest) -> str:
        return obj.customer.email

    @admin.display(description="Loan", ordering="loan__application_id")
    def loan_application_id(self, obj: WaiverRequest) -> str:
        return obj.loan.application_id

    @admin.display(description="Amount to waive", ordering="amount")
    def amount_inr(self, obj: WaiverRequest) -> str:
        return format_inr(obj.amount)

    @admin.display(description="Asked")
    def asked(self, obj: WaiverRequest) -> str:
        if obj.requested_percent is not None:
            return (
                f"{obj.requested_percent.normalize():f}% of "
                f"{format_inr(obj.outstanding_at_request)} owed then"
            )
        return f"{format_inr(obj.requested_amount)} of {format_inr(obj.outstanding_at_request)}"

    @admin.display(description="Owed on the loan now")
    def outstanding_now(self, obj: WaiverRequest) -> str:
        return format_inr(loan_outstanding(application=obj.loan))

    @admin.display(description="Scan, OCR text and numbers found")
    def evidence(self, obj: WaiverRequest) -> str:
        url = reverse("waivers:certificate", args=[obj.pk])
        if obj.quarantined_document:
            scan = quarantined_html(
                obj.malware_signature, obj.quarantined_at, obj.quarantined_document.name
            )
        elif obj.content_type.startswith("image/"):
            scan = format_html(
                '<a href="{}" target="_blank"><img src="{}" alt="Certificate scan"></a>', url, url
            )
        else:
            scan = format_html('<a href="{}" target="_blank">Open the PDF</a>', url)
        ocr = waiver_request_ocr(waiver=obj)
        text = ocr.get("text", "") if ocr else ""
        rows = format_html_join(
            "",
            '<tr class="{}"><td><code>{}</code></td><td><code>{}</code></td>'
            "<td>{}</td><td>{}</td></tr>",
            (
                (
                    "match" if c["distance"] == 0 else "near" if c["distance"] == 1 else "",
                    c["read"],
                    c["number"],
                    f"{c['confidence']:.0f}",
                    c["distance"],
                )
                for c in obj.candidates
            ),
        )
        return format_html(
            '<div class="waiver-evidence">'
            '<div class="scan">{}</div>'
            '<div class="ocr"><h3>OCR text</h3><pre id="waiver-ocr-text">{}</pre></div>'
            '<div class="candidates"><h3>Numbers found</h3>'
            '<p>Typed by the customer: <code id="waiver-typed-number">{}</code></p>'
            '<div class="table-scroll"><table id="waiver-candidates"><tr><th>Read</th>'
            '<th>Normalised</th><th title="Tesseract confidence, 0-100">Conf.</th>'
            '<th title="Characters that differ from the typed number">Off by</th></tr>{}</table>'
            "</div>{}</div></div>",
            scan,
            text or "—",
            obj.certificate_number,
            rows,
            "" if obj.candidates else format_html("<p>{}</p>", "No number matching the pattern."),
        )

    @admin.display(description="Reasons")
    def reasons_list(self, obj: WaiverRequest) -> str:
        return (
            format_html_join(
                "",
                "<div><code>{}</code> {}</div>",
                ((r["code"], r["message"]) for r in obj.reasons),
            )
            or "—"
        )

    @admin.display(description="Other requests with this certificate or scan")
    def same_certificate_or_scan(self, obj: WaiverRequest) -> str:
        """Issue 11: every other request sharing a typed or read number, the file, or a scan
        within the reuse distance (the ``DOCUMENT_REUSE`` / ``CERTIFICATE_REUSE`` evidence)."""
        alike = waiver_requests_alike(waiver=obj, max_distance=settings.DOCUMENT_REUSE_MAX_DISTANCE)
        return (
            format_html_join(
                "",
                '<div class="waiver-alike"><a href="{}">{}</a> {} · {} · {} · {} · {}</div>',
                (
                    (
                        reverse("admin:waivers_waiverrequest_change", args=[o.pk]),
                        local_datetime(o.created_at),
                        o.customer.full_name,
                        o.customer.email,
                        o.certificate_number
                        if o.certificate_number_read in ("", o.certificate_number)
                        else f"typed {o.certificate_number}, read {o.certificate_number_read}",
                        o.get_status_display(),
                        shared,
                    )
                    for o, shared in alike
                ),
            )
            or "—"
        )

    @admin.display(description="Ledger posting")
    def ledger_posting(self, obj: WaiverRequest) -> str:
        entry = obj.ledger_entry
        if entry is None:
            return "—"
        return (
            f"DEBIT {format_inr(entry.amount)} ({entry.reference}) to loan account "
            f"{entry.account.number_masked}; {format_inr(entry.balance_after)} owed after it"
        )

    def get_urls(self):  # noqa: ANN201
        review = self.admin_site.admin_view(require_POST(self.review_view))
        return [
            path("<uuid:waiver_request_id>/review/", review, name="waivers_waiverrequest_review"),
            *super().get_urls(),
        ]

    def review_view(self, request: HttpRequest, waiver_request_id: str) -> HttpResponse:
        """Apply one decision (approve / reject) through the services."""
        waiver = get_object_or_404(WaiverRequest, pk=waiver_request_id)
        back = HttpResponseRedirect(reverse("admin:waivers_waiverrequest_change", args=[waiver.pk]))
        action = request.POST.get("action")
        reason = request.POST.get("reason", "")
        try:
            if action == "approve":
                waiver = waiver_request_approve(
                    waiver_request_id=waiver.pk, actor=request.user, reason=reason
                )
                if waiver.status == WaiverRequest.Status.APPROVED:
                    messages.success(
                        request,
                        f"Waiver approved: {format_inr(waiver.amount)} taken off loan "
                        f"{waiver.loan.application_id}; "
                        f"{format_inr(waiver.ledger_entry.balance_after)} still owed.",
                    )
                else:
                    messages.success(
                        request, "First approval recorded; a second waiver officer must approve."
                    )
            elif action == "reject":
                waiver_request_reject(
                    waiver_request_id=waiver.pk, actor=request.user, reason=reason
                )
                messages.success(request, "Waiver rejected; the customer is told why.")
            else:
                messages.error(request, "Unknown action.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return back


staff_queue_register(
    StaffQueue(
        key="waivers",
        label="Waiver requests awaiting a decision",
        count=waiver_request_count_awaiting_decision,
        changelist="admin:waivers_waiverrequest_changelist",
        query="status__in=" + ",".join(AWAITING_DECISION),
        permission="waivers.view_waiverrequest",
    )
)
