"""Step-ups on the web (issue 14): the JSON endpoints ``static/js/step_up.js`` calls (send a
burst, follow its check, ask for a code) and the pieces every critical action's page uses
(the "Confirm it's you" form part and how its post becomes a step-up id).

The check itself runs in Celery (``accounts.tasks.step_up_check_task``), never here.
"""

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from smartbank.errors import ApplicationError

from ..forms_step_up import StepUpForm
from ..models import StepUp
from ..pipeline import FAILURE_MESSAGES
from ..selectors import step_up_face_locked_until, step_up_face_state, step_up_get
from ..services.otp import login_channels
from ..services.step_up import step_up_code_confirm, step_up_code_send, step_up_face_start

#: HTTP status of the JSON answers by error code (400 otherwise).
ERROR_STATUS = {"STEP_UP_LOCKED": 429, "STEP_UP_IN_PROGRESS": 409, "OTP_RESEND_TOO_SOON": 429,
                "OTP_TOO_MANY_CODES": 429}  # fmt: skip
PASSED_MESSAGE = "Thank you, that's you."
CHECKING_MESSAGE = "Checking…"


def _error(exc: ApplicationError) -> JsonResponse:
    return JsonResponse(
        {"detail": exc.message, "code": exc.code}, status=ERROR_STATUS.get(exc.code, 400)
    )


def _signed_in(request: HttpRequest) -> JsonResponse | None:
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "Log in first.", "code": "not_authenticated"}, status=403)
    return None


def _status(step_up: StepUp) -> dict[str, Any]:
    """``{step_up_id, status, code, message, face_state}`` as the page shows it."""
    if step_up.status in (StepUp.Status.PASSED, StepUp.Status.USED):
        message = PASSED_MESSAGE
    elif step_up.status == StepUp.Status.FAILED:
        message = FAILURE_MESSAGES.get(step_up.code, FAILURE_MESSAGES["ENGINE_ERROR"])
    else:
        message = CHECKING_MESSAGE
    return {
        "step_up_id": str(step_up.pk),
        "status": step_up.status,
        "code": step_up.code,
        "message": message,
        "face_state": step_up_face_state(user=step_up.user),
    }


@require_POST
def step_up_face_view(request: HttpRequest) -> HttpResponse:
    """Receive a burst (multipart: ``action``, ``frames`` repeated, in capture order): ``202``
    with the step-up's status and ``status_url``; ``400`` / ``409`` / ``429`` ``{detail,
    code}``."""
    refused = _signed_in(request)
    if refused:
        return refused
    limit = settings.STEP_UP_FRAME_MAX_BYTES
    uploads = request.FILES.getlist("frames")[: settings.STEP_UP_MAX_FRAMES + 1]
    frames = [upload.read(limit + 1) for upload in uploads]
    try:
        step_up = step_up_face_start(
            user=request.user, action=request.POST.get("action", ""), frames=frames
        )
    except ApplicationError as exc:
        return _error(exc)
    body = _status(step_up)
    body["status_url"] = reverse("accounts:step-up-status", args=[step_up.pk])
    return JsonResponse(body, status=202)


@require_GET
def step_up_status_view(request: HttpRequest, step_up_id: UUID) -> HttpResponse:
    """The step-up's status for the page polling it; another customer's id is a ``404``."""
    refused = _signed_in(request)
    if refused:
        return refused
    step_up = step_up_get(step_up_id=step_up_id, viewer=request.user)
    if step_up is None:
        return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
    return JsonResponse(_status(step_up))


@require_POST
def step_up_code_view(request: HttpRequest) -> HttpResponse:
    """Send a code (``channel`` EMAIL or SMS): ``{detail}``, or ``400`` / ``429``."""
    refused = _signed_in(request)
    if refused:
        return refused
    try:
        detail = step_up_code_send(user=request.user, channel=request.POST.get("channel", ""))
    except ApplicationError as exc:
        return _error(exc)
    return JsonResponse({"detail": detail})


urlpatterns = [
    path("step-up/face/", step_up_face_view, name="step-up-face"),
    path("step-up/code/", step_up_code_view, name="step-up-code"),
    path("step-up/<uuid:step_up_id>/", step_up_status_view, name="step-up-status"),
]


# --- the pieces of an action's page --------------------------------------------------------


def step_up_form(request: HttpRequest) -> StepUpForm:
    """The "Confirm it's you" form part, bound to the post when there is one."""
    return StepUpForm(request.POST or None, channels=login_channels(user=request.user))


def step_up_context(request: HttpRequest, form: StepUpForm, *, action: str) -> dict[str, Any]:
    """What ``templates/accounts/_step_up.html`` needs: ``{"step_up": {...}}``."""
    state = step_up_face_state(user=request.user)
    until = step_up_face_locked_until(user=request.user) if state == "LOCKED" else None
    return {
        "step_up": {
            "form": form,
            "action": action,
            "face_state": state,
            "locked_until": timezone.localtime(until) if until else None,
            "frames": 15,
            "seconds": 2,
        }
    }


def step_up_code_requested(request: HttpRequest, form: StepUpForm) -> bool:
    """When the post is the "Send me a code" button (a page without JavaScript), send the code
    and say so; True when it was that button (the action is then not submitted).

    With a code already typed the post is the action's: Enter in the code field submits with
    the first submit button of the form, which is this one.
    """
    if "step_up_send" not in request.POST or request.POST.get("step_up_code", "").strip():
        return False
    if form.is_valid():
        try:
            messages.info(request, step_up_code_send(user=request.user, channel=form.channel()))
        except ApplicationError as exc:
            form.add_error("step_up_channel", exc.message)
    return True


def step_up_confirmation(request: HttpRequest, form: StepUpForm, *, action: str) -> Any | None:
    """The id of the step-up that confirms this post of ``action``, for the action's service to
    consume: a code typed now (checked at once; a wrong one counts as a guess), else the id of
    the face step-up the page passed. ``None`` with the error on ``form`` when there is neither
    or the code is wrong.

    A code that passed is remembered in the form (its hidden id), so a page re-shown for an
    error elsewhere does not ask for another code.
    """
    if not form.is_valid():
        return None
    code = form.cleaned_data["step_up_code"].strip()
    if code:
        try:
            step_up = step_up_code_confirm(
                user=request.user, action=action, channel=form.channel(), token=code
            )
        except ApplicationError as exc:
            form.add_error("step_up_code", exc.message)
            return None
        form.data = form.data.copy()
        form.data["step_up_id"], form.data["step_up_code"] = str(step_up.pk), ""
        return step_up.pk
    if form.cleaned_data["step_up_id"] is None:
        form.add_error(None, "Confirm it's you with your face or a code first.")
        return None
    return form.cleaned_data["step_up_id"]


def step_up_error(form: StepUpForm, exc: ApplicationError) -> bool:
    """Put a step-up error raised by the action's service on ``form`` (and forget the spent or
    refused id); False when ``exc`` is about something else."""
    if exc.field != "step_up":
        return False
    form.data = form.data.copy()
    form.data["step_up_id"] = ""
    form.add_error(None, exc.message)
    return True
