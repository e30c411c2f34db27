"""Customer KYC pages and the staff-only document view."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from smartbank.errors import ApplicationError
from smartbank.malware import quarantined_response

from .forms import KycSubmitForm
from .models import KycCase, KycDocument
from .pipeline import REASON_MESSAGES
from .selectors import kyc_case_latest, kyc_customer_country, kyc_id_types_for_country
from .services import (
    UploadedDocument,
    id_types_accepted_message,
    kyc_case_submit,
    kyc_document_viewed,
)


def _can_submit(case: KycCase | None, max_attempts: int) -> bool:
    if case is None:
        return True
    if case.status != KycCase.Status.REJECTED:
        return False
    return case.attempt < max_attempts or case.resubmission_allowed


@login_required
def kyc_submit_view(request: HttpRequest) -> HttpResponse:
    """Upload the ID card and selfie; then the status page follows the verification."""
    from django.conf import settings

    latest = kyc_case_latest(user=request.user)
    if not _can_submit(latest, settings.KYC_MAX_ATTEMPTS):
        return redirect("kyc:status")
    profile = getattr(request.user, "profile", None)
    initial = {"date_of_birth": profile.date_of_birth} if profile else {}
    country = kyc_customer_country(user=request.user)
    form = KycSubmitForm(
        request.POST or None, request.FILES or None, initial=initial, country=country
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            kyc_case_submit(
                user=request.user,
                id_type=data["id_type"],
                id_number=data["id_number"],
                full_name=request.user.full_name,
                date_of_birth=data["date_of_birth"],
                id_document=UploadedDocument(data["id_document"]),
                selfie=UploadedDocument(data["selfie"]),
                nationality=data.get("nationality") or "",
                document_expiry=data.get("document_expiry"),
                country_of_residence=country,
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Thank you. We are checking your documents now.")
            return redirect("kyc:status")
    used = latest.attempt if latest else 0
    return render(
        request,
        "kyc/submit.html",
        {
            "form": form,
            "attempts_left": max(
                settings.KYC_MAX_ATTEMPTS - used, 1 if latest and latest.resubmission_allowed else 0
            ),
            "previous": latest,
            "id_types_note": id_types_accepted_message(
                country=country, accepted=kyc_id_types_for_country(country)
            ),
        },
    )


@login_required
def kyc_status_view(request: HttpRequest) -> HttpResponse:
    """The customer's KYC status; refreshes itself while the case is PENDING or PROCESSING."""
    from django.conf import settings

    if request.user.is_staff and not hasattr(request.user, "profile"):
        return redirect("admin:index")
    case = kyc_case_latest(user=request.user)
    if case is None:
        return redirect("kyc:submit")
    return render(
        request,
        "kyc/status.html",
        {
            "case": case,
            "checks": case.checks.all(),
            "refresh": case.status in (KycCase.Status.PENDING, KycCase.Status.PROCESSING),
            "can_submit": _can_submit(case, settings.KYC_MAX_ATTEMPTS),
            "messages_by_code": REASON_MESSAGES,
        },
    )


@staff_member_required
def kyc_document_view(request: HttpRequest, kyc_document_id: str) -> HttpResponse:
    """Stream a customer's document to staff with the ``kyc.view_kycdocument`` permission.

    Each view is recorded in the case's audit trail. Files have no public URL. A quarantined
    file (the virus scan found it infected) is never streamed: 410 with the signature instead.
    """
    if not request.user.has_perm("kyc.view_kycdocument"):
        raise Http404
    document = get_object_or_404(KycDocument.objects.select_related("case"), pk=kyc_document_id)
    if document.quarantined_file:
        return quarantined_response(document.malware_signature, document.quarantined_at)
    kyc_document_viewed(document=document, actor=request.user)
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response
