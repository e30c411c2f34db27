"""The staff console for KYC: review queue, case page with evidence, review actions."""

import json

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from smartbank.admin import (
    EventInline,
    ReadOnlyInline,
    StaffQueue,
    link_case_ids,
    local_datetime,
    round_for_people,
    staff_queue_register,
)
from smartbank.countries import country_choices, country_name
from smartbank.crypto import decrypt_text
from smartbank.errors import ApplicationError
from smartbank.image_reuse import stored_image_hash
from smartbank.malware import quarantined_html

from .models import (
    IdType,
    KycCase,
    KycCaseEvent,
    KycCheck,
    KycDocument,
    KycDocumentRule,
    OcrFlow,
    OcrFlowEvent,
    OcrFlowTask,
)
from .selectors import (
    id_documents_near,
    kyc_case_count_in_review,
    kyc_cases_with_face_near,
    kyc_review_queue,
    user_may_review_kyc,
)
from .services import kyc_case_approve, kyc_case_reject, kyc_case_request_resubmission


def document_preview(document: KycDocument) -> str:
    """The document as staff see it: the image (through the private document view, which
    checks the viewer and logs the access), a link to a PDF, or the quarantine notice."""
    if document.quarantined_file:
        return quarantined_html(
            document.malware_signature, document.quarantined_at, document.quarantined_file.name
        )
    url = reverse("kyc:document", args=[document.id])
    if document.content_type.startswith("image/"):
        return format_html(
            '<a href="{}" target="_blank"><img src="{}" alt="{}"></a>',
            url,
            url,
            document.get_kind_display(),
        )
    return format_html('<a href="{}" target="_blank">Open {}</a>', url, document.content_type)


class KycDocumentInline(ReadOnlyInline):
    """The files' metadata (the images themselves are beside the fields, at the top)."""

    model = KycDocument
    fields = ("kind", "open_link", "content_type", "size_bytes", "sha256")
    readonly_fields = fields
    classes = ("collapse",)

    @admin.display(description="File")
    def open_link(self, obj: KycDocument) -> str:
        if obj.quarantined_file:
            return document_preview(obj)
        return format_html(
            '<a href="{}" target="_blank">Open</a>', reverse("kyc:document", args=[obj.id])
        )


class KycCheckInline(ReadOnlyInline):
    model = KycCheck
    fields = ("name", "status", "code", "detail_linked")
    readonly_fields = fields

    @admin.display(description="Detail")
    def detail_linked(self, obj: KycCheck) -> str:
        """The staff detail, the other customer's case it names (a duplicate face, a reused
        document) a link to that case."""
        return link_case_ids(obj.detail, url_name="admin:kyc_kyccase_change")


class KycCaseEventInline(EventInline):
    model = KycCaseEvent


@admin.register(KycCase)
class KycCaseAdmin(admin.ModelAdmin):
    """Review queue (MANUAL_REVIEW, then PENDING, first) and the case page.

    Every field is read-only; decisions go through the review form on the case page, which
    calls :mod:`kyc.services`.
    """

    list_display = (
        "created_at",
        "customer_email",
        "full_name",
        "id_type",
        "id_number_masked",
        "status",
        "face_distance_display",
        "attempt",
    )
    list_filter = ("status", "id_type", ("created_at", admin.DateFieldListFilter))
    search_fields = ("user__email", "full_name", "user__full_name")
    list_select_related = ("user",)
    change_form_template = "admin/kyc/kyccase/change_form.html"
    inlines = [KycDocumentInline, KycCheckInline, KycCaseEventInline]
    fieldsets = (
        (
            "Case",
            {
                "fields": (
                    "status",
                    "customer_email",
                    "attempt",
                    "id_type",
                    "id_number_masked",
                    "nationality",
                    "document_expiry",
                    "created_at",
                    "decided_at",
                    "decided_by",
                    "review_note",
                    "resubmission_allowed",
                    "last_error",
                )
            },
        ),
        (
            "Evidence",
            {
                "fields": (
                    "comparison",
                    "face_distance_display",
                    "faces_alike",
                    "ocr_confidence",
                    "reasons_list",
                    "warnings_list",
                    "documents_alike",
                )
            },
        ),
        ("Raw data", {"classes": ("collapse",), "fields": ("ocr_text",)}),
    )
    readonly_fields = (
        "status",
        "customer_email",
        "attempt",
        "id_type",
        "id_number_masked",
        "nationality",
        "document_expiry",
        "created_at",
        "decided_at",
        "decided_by",
        "review_note",
        "resubmission_allowed",
        "last_error",
        "comparison",
        "face_distance_display",
        "faces_alike",
        "ocr_confidence",
        "reasons_list",
        "warnings_list",
        "documents_alike",
        "ocr_text",
    )

    def get_queryset(self, request: HttpRequest):  # noqa: ANN201
        return kyc_review_queue()

    def get_ordering(self, request: HttpRequest) -> tuple[str, ...]:
        return ("queue_rank", "-created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="Customer", ordering="user__email")
    def customer_email(self, obj: KycCase) -> str:
        return obj.user.email

    @admin.display(description="Face distance", ordering="face_distance")
    def face_distance_display(self, obj: KycCase) -> str:
        """Selfie to card photo, 3 decimals (the bands in settings have three)."""
        return "—" if obj.face_distance is None else round_for_people(obj.face_distance)

    @admin.display(description="Other customers with this face")
    def faces_alike(self, obj: KycCase) -> str:
        """The customers a ``DUPLICATE_FACE`` check matched (issue 12), looked up now from the
        stored encodings, each linked to their case."""
        near = kyc_cases_with_face_near(case=obj, max_distance=settings.KYC_FACE_DUPLICATE_MAX)
        return (
            format_html_join(
                "",
                '<div class="face-alike"><a href="{}">{}</a> · {} · {} · distance {}</div>',
                (
                    (
                        reverse("admin:kyc_kyccase_change", args=[m.case.pk]),
                        m.case.full_name or m.case.user.full_name,
                        m.case.user.email,
                        m.case.get_status_display(),
                        round_for_people(m.distance),
                    )
                    for m in near
                ),
            )
            or "—"
        )

    @admin.display(description="Entered vs read from the card")
    def comparison(self, obj: KycCase) -> str:
        extracted = obj.extracted or {}
        evidence = extracted.get("claim_checks") or {}

        def found(field: str) -> str:
            # The claim-guided evidence (issue 8): what the card showed for the claim, how
            # sure Tesseract was, and which reading found it.
            check = evidence.get(field)
            if not check:
                return "—"
            parts = [check.get("support", "")]
            if check.get("read"):
                parts.append(f"'{check['read']}'")
            if check.get("confidence") is not None:
                parts.append(f"confidence {check['confidence']:.0f}")
            if check.get("pass"):
                parts.append(f"reading {check['pass']}")
            return ", ".join(parts)

        rows = [
            ("Name", obj.full_name, extracted.get("name"), found("name")),
            (
                "Date of birth",
                obj.date_of_birth.strftime("%d/%m/%Y"),
                extracted.get("date_of_birth") or extracted.get("year_of_birth"),
                found("date_of_birth"),
            ),
            ("ID number", obj.id_number_masked, extracted.get("id_number"), found("id_number")),
            ("Father's name", "", extracted.get("father_name"), ""),
            ("Gender", "", extracted.get("gender"), ""),
        ]
        if obj.id_type == IdType.PASSPORT:
            mrz = extracted.get("mrz") or {}
            mrz_name = f"{mrz.get('given_names', '')} {mrz.get('surname', '')}".strip()
            digits = ", ".join(
                f"{name}: {'valid' if ok else 'FAILS'}"
                for name, ok in (mrz.get("check_digits") or {}).items()
            )
            expiry = obj.document_expiry.strftime("%d/%m/%Y") if obj.document_expiry else ""
            nationality = extracted.get("nationality")
            rows += [
                ("Name in the MRZ", obj.full_name, mrz_name, found("mrz_name")),
                ("Nationality", obj.nationality, nationality, found("nationality")),
                ("Date of expiry", expiry, extracted.get("expiry"), found("expiry")),
                ("MRZ check digits", "", digits, ""),
            ]
        body = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (label, entered or "—", read or "—", claim or "")
                for label, entered, read, claim in rows
            ),
        )
        return format_html(
            "<table><tr><th></th><th>Entered</th><th>Read from card</th>"
            "<th>Claim on the card</th></tr>{}</table>",
            body,
        )

    @admin.display(description="Warnings")
    def warnings_list(self, obj: KycCase) -> str:
        """Warnings of passed checks (a passport expiring soon): they never decide a case."""
        warnings = (obj.extracted or {}).get("warnings") or []
        return (
            format_html_join(
                "", "<div><code>{}</code> {}</div>", ((w["code"], w["message"]) for w in warnings)
            )
            or "—"
        )

    @admin.display(description="Reasons")
    def reasons_list(self, obj: KycCase) -> str:
        return (
            format_html_join(
                "",
                "<div><code>{}</code> {}</div>",
                ((r["code"], r["message"]) for r in obj.reasons),
            )
            or "—"
        )

    @admin.display(description="Other customers' ID documents like this one")
    def documents_alike(self, obj: KycCase) -> str:
        """Issue 11: links to the cases whose ID document is this one re-saved (the
        ``DOCUMENT_REUSE`` check's evidence), looked up now, so later copies show too."""
        document = obj.documents.filter(kind=KycDocument.Kind.ID_DOCUMENT).first()
        hashed = stored_image_hash(document) if document is not None else None
        if hashed is None:
            return "—"
        near = id_documents_near(
            case=obj, hashed=hashed, max_distance=settings.DOCUMENT_REUSE_MAX_DISTANCE
        )
        return (
            format_html_join(
                "",
                '<div class="document-alike"><a href="{}">Case {}</a> · {} · {} · {} · {}</div>',
                (
                    (
                        reverse("admin:kyc_kyccase_change", args=[n.record.case_id]),
                        local_datetime(n.record.case.created_at),
                        n.record.case.full_name,
                        n.record.case.user.email,
                        n.record.case.get_status_display(),
                        "the same file" if n.distance == 0 else f"{n.distance} bits of 256 off",
                    )
                    for n in near
                ),
            )
            or "—"
        )

    @admin.display(description="OCR text")
    def ocr_text(self, obj: KycCase) -> str:
        if not obj.ocr_encrypted:
            return "—"
        ocr = json.loads(decrypt_text(obj.ocr_encrypted))
        return format_html('<pre style="white-space:pre-wrap">{}</pre>', ocr.get("text", ""))

    def change_view(self, request, object_id, form_url="", extra_context=None):  # noqa: ANN001, ANN201
        may_review = user_may_review_kyc(user=request.user)
        extra_context = {**(extra_context or {}), "may_review": may_review}
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request: HttpRequest, context: dict, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        # The ID document and the selfie, shown beside the fields they prove (issue 12).
        case = context.get("original")
        documents = case.documents.order_by("kind") if case is not None else []
        context["case_images"] = [(d.get_kind_display(), document_preview(d)) for d in documents]
        return super().render_change_form(request, context, *args, **kwargs)

    def get_urls(self):  # noqa: ANN201
        review = self.admin_site.admin_view(require_POST(self.review_view))
        return [
            path("<uuid:kyc_case_id>/review/", review, name="kyc_kyccase_review"),
            *super().get_urls(),
        ]

    def review_view(self, request: HttpRequest, kyc_case_id: str) -> HttpResponse:
        """Apply one review action (approve / reject / resubmit) through the services."""
        case = get_object_or_404(KycCase, pk=kyc_case_id)
        if not user_may_review_kyc(user=request.user):
            messages.error(request, "Only KYC reviewers review KYC cases.")
            return HttpResponseRedirect(reverse("admin:kyc_kyccase_change", args=[case.pk]))
        action = request.POST.get("action")
        reason = request.POST.get("reason", "")
        try:
            if action == "approve":
                kyc_case_approve(kyc_case_id=case.pk, actor=request.user, reason=reason)
                messages.success(request, "Case approved: the customer is VERIFIED.")
            elif action == "reject":
                kyc_case_reject(kyc_case_id=case.pk, actor=request.user, reason=reason)
                messages.success(request, "Case rejected.")
            elif action == "resubmit":
                kyc_case_request_resubmission(
                    kyc_case_id=case.pk, actor=request.user, reason=reason
                )
                messages.success(request, "The customer may submit their documents again.")
            else:
                messages.error(request, "Unknown action.")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("admin:kyc_kyccase_change", args=[case.pk]))


class OcrFlowTaskInline(ReadOnlyInline):
    model = OcrFlowTask
    fields = ("position", "name", "status", "error", "finished_at")
    readonly_fields = fields


class OcrFlowEventInline(EventInline):
    model = OcrFlowEvent
    fields = ("created_at", "type", "data_rows")
    readonly_fields = fields


@admin.register(OcrFlow)
class OcrFlowAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "user",
        "id_type",
        "status",
        "extracted_name",
        "extracted_date_of_birth",
    )
    list_filter = ("status",)
    inlines = [OcrFlowTaskInline, OcrFlowEventInline]
    readonly_fields = (
        "user",
        "id_type",
        "status",
        "content_type",
        "extracted_name",
        "extracted_date_of_birth",
        "ocr_confidence",
        "created_at",
    )
    exclude = ("file",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


def _rule_country_choices() -> list[tuple[str, str]]:
    return [(KycDocumentRule.EVERY_OTHER_COUNTRY, "Every other country"), *country_choices()]


class KycDocumentRuleForm(forms.ModelForm):
    country = forms.ChoiceField(
        choices=_rule_country_choices,
        help_text="A country with rules of its own accepts exactly those ID types (add"
        " Passport too if its residents should keep using a passport); every other country"
        ' follows the "Every other country" rules.',
    )

    class Meta:
        model = KycDocumentRule
        fields = ("country", "id_type")


class KycDocumentRuleCountryFilter(admin.SimpleListFilter):
    title = "country"
    parameter_name = "country"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        codes = KycDocumentRule.objects.order_by("country").values_list("country", flat=True)
        return [(code, _rule_country_name(code)) for code in dict.fromkeys(codes)]

    def queryset(self, request: HttpRequest, queryset):  # noqa: ANN001, ANN201
        return queryset.filter(country=self.value()) if self.value() else queryset


def _rule_country_name(code: str) -> str:
    if code == KycDocumentRule.EVERY_OTHER_COUNTRY:
        return "Every other country"
    return f"{country_name(code)} ({code})"


@admin.register(KycDocumentRule)
class KycDocumentRuleAdmin(admin.ModelAdmin):
    """Which ID types each country of residence accepts for KYC (issue 11, "documents by
    country"): the registration API, the KYC form and :func:`kyc.services.kyc_case_submit`
    follow this table at once. Cases already submitted are not affected."""

    form = KycDocumentRuleForm
    list_display = ("country_display", "id_type", "updated_at")
    list_filter = (KycDocumentRuleCountryFilter, "id_type")

    @admin.display(description="Country", ordering="country")
    def country_display(self, obj: KycDocumentRule) -> str:
        return _rule_country_name(obj.country)


staff_queue_register(
    StaffQueue(
        key="kyc",
        label="KYC cases in manual review",
        count=kyc_case_count_in_review,
        changelist="admin:kyc_kyccase_changelist",
        query=f"status__exact={KycCase.Status.MANUAL_REVIEW}",
        permission="kyc.view_kyccase",
    )
)
