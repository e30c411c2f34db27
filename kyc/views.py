"""Customer KYC pages and the staff-only document view."""

from typing import Any

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from smartbank.errors import ApplicationError
from smartbank.malware import quarantined_response

from .customer_status import kyc_case_customer_status
from .forms import KycSubmitForm
from .models import KycCase, KycDocument
from .selectors import (
    kyc_case_latest,
    kyc_customer_country,
    kyc_customer_has_bank_account,
    kyc_id_types_for_country,
)
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
            "previous_status": (
                kyc_case_customer_status(case=latest, checks=latest.checks.all())
                if latest
                else None
            ),
            "files_again": form.files_to_choose_again(),
            "id_types_note": id_types_accepted_message(
                country=country, accepted=kyc_id_types_for_country(country)
            ),
        },
    )


def _status_context(request: HttpRequest, case: KycCase) -> dict:
    """What ``kyc/_status.html`` renders: the case as its customer sees it
    (:func:`kyc.customer_status.kyc_case_customer_status`) and the next step."""
    from django.conf import settings

    shown = kyc_case_customer_status(case=case, checks=case.checks.all())
    return {
        "case": case,
        "shown": shown,
        "can_submit": _can_submit(case, settings.KYC_MAX_ATTEMPTS),
        "has_account": shown.state == "verified"
        and kyc_customer_has_bank_account(user=request.user),
    }


@require_GET
@login_required
def kyc_status_view(request: HttpRequest) -> HttpResponse:
    """The customer's KYC status. Its live region (``static/js/live_status.js``) re-reads
    :func:`kyc_status_fragment_view` every 2 s until the case is decided, so each stage shows
    as it completes without reloading the page."""
    if request.user.is_staff and not hasattr(request.user, "profile"):
        return redirect("admin:index")
    case = kyc_case_latest(user=request.user)
    if case is None:
        return redirect("kyc:submit")
    return render(request, "kyc/status.html", _status_context(request, case))


@require_GET
@login_required
def kyc_status_fragment_view(request: HttpRequest, kyc_case_id: Any) -> HttpResponse:
    """The live part of the status page (``kyc/_status.html``) for the customer's own case
    ``kyc_case_id``: 404 for anyone else's, staff included (the console is theirs). Its root
    says ``data-final="true"`` once the case is decided, which stops the polling."""
    case = get_object_or_404(KycCase, pk=kyc_case_id, user=request.user)
    response = render(request, "kyc/_status.html", _status_context(request, case))
    response["Cache-Control"] = "private, no-store"
    return response


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
