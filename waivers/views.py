"""Customer waiver pages (request, list, detail) and the staff-only certificate view."""

from typing import Any

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from accounts.models import StepUp
from accounts.views.step_up import (
    step_up_code_requested,
    step_up_confirmation,
    step_up_context,
    step_up_error,
    step_up_form,
)
from loans.loan_accounts import loan_outstanding
from smartbank.errors import ApplicationError
from smartbank.malware import quarantined_response

from .customer_status import waiver_request_badge, waiver_request_customer_status
from .forms import WaiverRequestForm
from .models import WaiverRequest
from .selectors import (
    certificate_type_get,
    certificate_type_list_active,
    loan_waivable_get,
    loans_waivable_for,
    user_sees_all_waivers,
    waiver_request_get,
    waiver_request_list_for_customer,
    waiver_type_get,
    waiver_type_list_active,
)
from .services import waiver_document_viewed, waiver_request_submit


@require_GET
@login_required
def waiver_request_list_view(request: HttpRequest) -> HttpResponse:
    """The customer's waiver requests, and a link to ask for one when they have an approved
    loan."""
    return render(
        request,
        "waivers/list.html",
        {
            "waivers": [
                (waiver, waiver_request_badge(waiver))
                for waiver in waiver_request_list_for_customer(customer=request.user)
            ],
            "can_request": loans_waivable_for(customer=request.user).exists(),
        },
    )


@login_required
def waiver_request_create_view(request: HttpRequest) -> HttpResponse:
    """Ask for a waiver on one of the customer's approved loans (``?loan=<application ID>``
    preselects it), confirmed by a face step-up or a one-time code (issue 14); verification
    runs in the background and the detail page follows it."""
    loans = [
        (application, loan_outstanding(application=application))
        for application in loans_waivable_for(customer=request.user)
    ]
    if not loans:
        messages.error(request, "You can ask for a waiver once one of your loans is approved.")
        return redirect("waivers:list")
    certificate_types = list(certificate_type_list_active())
    form = WaiverRequestForm(
        request.POST or None,
        request.FILES or None,
        initial={"loan": request.GET.get("loan", "")},
        loans=loans,
        waiver_types=list(waiver_type_list_active()),
        certificate_types=certificate_types,
    )
    step_up = step_up_form(request)
    action = StepUp.Action.WAIVER_REQUEST
    if step_up_code_requested(request, step_up):
        # Not submitted yet: the fields as typed, no errors (a browser without JavaScript
        # cannot keep the chosen scan across this round trip).
        form = WaiverRequestForm(
            initial=request.POST.dict(),
            loans=loans,
            waiver_types=list(waiver_type_list_active()),
            certificate_types=certificate_types,
        )
    elif (
        request.method == "POST"
        and form.is_valid()
        and (step_up_id := step_up_confirmation(request, step_up, action=action))
    ):
        data = form.cleaned_data
        try:
            waiver = waiver_request_submit(
                customer=request.user,
                loan=loan_waivable_get(customer=request.user, application_id=data["loan"]),
                waiver_type=waiver_type_get(code=data["waiver_type"]),
                certificate_type=certificate_type_get(code=data["certificate_type"]),
                certificate_number=data["certificate_number"],
                amount=data["amount"],
                percent=data["percent"],
                document=data["document"],
                step_up_id=step_up_id,
            )
        except ApplicationError as exc:
            if not step_up_error(step_up, exc):
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "Thank you. We are checking your certificate now.")
            return redirect(waiver)
    return render(
        request,
        "waivers/request.html",
        {
            "form": form,
            "certificate_types": certificate_types,
            **step_up_context(request, step_up, action=action),
        },
    )


def _detail_context(request: HttpRequest, waiver_request_id: Any) -> dict[str, Any]:
    """The waiver (404 unless the customer's own, or staff's) and what ``waivers/_status.html``
    shows of it (:func:`waivers.customer_status.waiver_request_customer_status`)."""
    waiver = waiver_request_get(waiver_request_id=waiver_request_id, viewer=request.user)
    if waiver is None:
        raise Http404("No such waiver request.")
    return {
        "waiver": waiver,
        "shown": waiver_request_customer_status(waiver=waiver, checks=waiver.checks.all()),
        "outstanding": loan_outstanding(application=waiver.loan),
    }


@require_GET
@login_required
def waiver_request_detail_view(request: HttpRequest, waiver_request_id: Any) -> HttpResponse:
    """One of the customer's waivers. Its live region (``static/js/live_status.js``) re-reads
    :func:`waiver_request_status_fragment_view` every 2 s until the waiver is decided."""
    return render(request, "waivers/detail.html", _detail_context(request, waiver_request_id))


@require_GET
@login_required
def waiver_request_status_fragment_view(
    request: HttpRequest, waiver_request_id: Any
) -> HttpResponse:
    """The live part of a waiver's page (``waivers/_status.html``); 404 as the page. Its root
    says ``data-final="true"`` once approved or rejected, which stops the polling."""
    response = render(request, "waivers/_status.html", _detail_context(request, waiver_request_id))
    response["Cache-Control"] = "private, no-store"
    return response


@staff_member_required
def waiver_certificate_view(request: HttpRequest, waiver_request_id: Any) -> HttpResponse:
    """Stream a waiver's certificate scan to staff with ``waivers.view_waiverrequest``.

    Each view is recorded in the waiver's audit trail. Scans have no public URL. A quarantined
    scan (the virus scan found it infected) is never streamed: 410 with the signature instead.
    """
    if not user_sees_all_waivers(user=request.user):
        raise Http404
    waiver = get_object_or_404(WaiverRequest, pk=waiver_request_id)
    if waiver.quarantined_document:
        return quarantined_response(waiver.malware_signature, waiver.quarantined_at)
    waiver_document_viewed(waiver=waiver, actor=request.user)
    response = FileResponse(waiver.document.open("rb"), content_type=waiver.content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response
