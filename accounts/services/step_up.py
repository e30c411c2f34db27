"""Step-ups before critical actions (issue 14): a camera burst checked in Celery, or a code.

The life of a face step-up: :func:`step_up_face_start` (the web request) stores the burst
encrypted in a PENDING row and enqueues ``accounts.tasks.step_up_check_task`` after commit;
the task moves it PROCESSING and then PASSED or FAILED (:func:`step_up_check_complete`,
decided by :func:`accounts.pipeline.decide`), emptying the burst in the same transaction:
only the outcome, the failure code and the face distance stay. The page polls the status and,
once PASSED, posts the action with the step-up's id; the action's own service calls
:func:`step_up_consume` in its transaction (PASSED -> USED, once, within
``settings.STEP_UP_VALID_SECONDS``, for that customer and that action).

Without a camera, after a failure, or while the face path is locked
(``settings.STEP_UP_MAX_FAILURES`` failures in ``settings.STEP_UP_LOCK_SECONDS``), the customer
confirms with a one-time code instead: :func:`step_up_code_send`, then
:func:`step_up_code_confirm` makes a PASSED code step-up, consumed the same way. Every status
change goes through :func:`smartbank.transitions.transition` with a ``StepUpEvent``.
"""

import datetime
import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kyc.selectors import kyc_verified_face_encoding
from smartbank.celery import enqueue_on_commit
from smartbank.errors import ApplicationError
from smartbank.transitions import lock, transition
from smartbank.uploads import UploadRejected, check_upload

from ..events import step_up_event_record
from ..models import OtpDevice, StepUp, StepUpEvent, User
from ..pipeline import ENGINE_ERROR, FAILURE_MESSAGES, NO_KYC_FACE, StepUpOutcome, frames_pack
from ..selectors.step_up import step_up_face_locked_until
from .otp import login_channels, otp_device_ensure, otp_send, otp_verify

logger = logging.getLogger(__name__)

Status = StepUp.Status
EventType = StepUpEvent.Type
CHECK_TASK = "accounts.tasks.step_up_check_task"
#: A face check still in flight this long after its burst arrived no longer blocks a new one.
IN_FLIGHT_SECONDS = 120

REQUIRED_MESSAGE = "Confirm it's you with your face or a code first."


def _action(action: str) -> str:
    if action not in StepUp.Action.values:
        raise ApplicationError("Unknown action to confirm.", code="STEP_UP_ACTION", field="action")
    return action


def _locked_message(until: Any) -> str:
    return (
        "You tried the camera too many times. Confirm with a code instead, or try the camera "
        f"again after {timezone.localtime(until):%H:%M}."
    )


def _check_frames(frames: Sequence[bytes]) -> None:
    count = len(frames)
    if not settings.STEP_UP_MIN_FRAMES <= count <= settings.STEP_UP_MAX_FRAMES:
        raise ApplicationError(
            f"Send {settings.STEP_UP_MIN_FRAMES} to {settings.STEP_UP_MAX_FRAMES} camera frames.",
            code="STEP_UP_FRAMES",
            field="frames",
        )
    for frame in frames:
        try:
            content_type = check_upload(frame, max_bytes=settings.STEP_UP_FRAME_MAX_BYTES)
        except UploadRejected as exc:
            raise ApplicationError(exc.message, code=exc.code, field="frames") from exc
        if content_type not in ("image/jpeg", "image/png"):
            raise ApplicationError(
                "Camera frames are JPG or PNG pictures.", code="STEP_UP_FRAMES", field="frames"
            )


@transaction.atomic
def step_up_face_start(*, user: Any, action: str, frames: Sequence[bytes]) -> StepUp:
    """Receive a camera burst for ``action`` and enqueue its check after commit.

    ``frames`` are JPEG or PNG pictures (``settings.STEP_UP_MIN_FRAMES`` to ``_MAX_FRAMES``,
    each at most ``STEP_UP_FRAME_MAX_BYTES``), in capture order. Returns the PENDING step-up.

    Raises :class:`ApplicationError`: ``NO_KYC_FACE`` (no VERIFIED KYC face to compare with),
    ``STEP_UP_LOCKED`` (too many failures: codes still work), ``STEP_UP_IN_PROGRESS`` (another
    burst is being checked), ``STEP_UP_FRAMES`` / an upload code on ``frames``,
    ``STEP_UP_ACTION`` on ``action``.
    """
    action = _action(action)
    lock(User, user.pk)  # one burst at a time per customer: the lock count cannot be raced
    if kyc_verified_face_encoding(user=user) is None:
        raise ApplicationError(FAILURE_MESSAGES[NO_KYC_FACE], code=NO_KYC_FACE)
    until = step_up_face_locked_until(user=user)
    if until is not None:
        raise ApplicationError(_locked_message(until), code="STEP_UP_LOCKED")
    recent = timezone.now() - datetime.timedelta(seconds=IN_FLIGHT_SECONDS)
    if StepUp.objects.filter(
        user=user, method=StepUp.Method.FACE, status__in=StepUp.IN_FLIGHT, created_at__gte=recent
    ).exists():
        raise ApplicationError(
            "We are still checking your last try. Wait a moment.", code="STEP_UP_IN_PROGRESS"
        )
    _check_frames(frames)
    step_up = StepUp.objects.create(
        user=user,
        action=action,
        method=StepUp.Method.FACE,
        frame_count=len(frames),
        frames_encrypted=frames_pack(frames),
    )
    step_up_event_record(
        step_up=step_up,
        type=EventType.REQUESTED,
        actor=user,
        data={"status": step_up.status, "action": action, "frames": len(frames)},
    )
    enqueue_on_commit(CHECK_TASK, str(step_up.pk))
    logger.info("face step-up %s received (%d frames)", step_up.pk, len(frames))
    return step_up


# --- the check's status changes (the task) --------------------------------------------------


@transaction.atomic
def step_up_processing_start(*, step_up_id: Any) -> StepUp | None:
    """Mark the face step-up PROCESSING. Returns ``None`` when it is already decided
    (idempotent: a redelivered task does nothing)."""
    step_up = lock(StepUp, step_up_id)
    if step_up.status not in StepUp.IN_FLIGHT:
        return None
    return transition(step_up, to=Status.PROCESSING, event=EventType.PROCESSING_STARTED)


def _decided(step_up: StepUp, *, to: str, event: str, code: str, data: dict[str, Any]) -> None:
    """Move to PASSED / FAILED with the burst emptied; on a failure that locks the face path,
    a FACE_LOCKED event saying until when."""
    step_up.code = code
    step_up.frames_encrypted = b""
    step_up.decided_at = timezone.now()
    transition(
        step_up,
        to=to,
        event=event,
        data=data,
        update_fields=["code", "face_distance", "frames_encrypted", "decided_at"],
    )
    if to == Status.FAILED:
        until = step_up_face_locked_until(user=step_up.user, now=step_up.decided_at)
        if until is not None:
            step_up_event_record(
                step_up=step_up,
                type=EventType.FACE_LOCKED,
                data={"locked_until": until.isoformat()},
            )
            logger.info("face step-up locked for user %s", step_up.user_id)


@transaction.atomic
def step_up_check_complete(*, step_up_id: Any, outcome: StepUpOutcome) -> StepUp:
    """Store the check's outcome: PASSED, or FAILED with its code. The burst is deleted in the
    same step. Idempotent: a step-up no longer PROCESSING is returned unchanged."""
    step_up = lock(StepUp, step_up_id, select_related=["user"])
    if step_up.status != Status.PROCESSING:
        return step_up
    step_up.face_distance = outcome.face_distance
    passed = outcome.passed
    _decided(
        step_up,
        to=Status.PASSED if passed else Status.FAILED,
        event=EventType.PASSED if passed else EventType.FAILED,
        code=outcome.code,
        data=outcome.event_data(),
    )
    logger.info("face step-up %s %s %s", step_up.pk, step_up.status, outcome.code)
    return step_up


@transaction.atomic
def step_up_processing_failed(*, step_up_id: Any, error: str, final: bool) -> StepUp:
    """Record an engine or worker error; ``final`` fails the step-up (``ENGINE_ERROR``, not
    counted for the lock: the customer is offered a code) and deletes the burst. ``error`` is
    a short text without personal data."""
    step_up = lock(StepUp, step_up_id, select_related=["user"])
    data: dict[str, Any] = {"error": error[:300], "final": final}
    if not (final and step_up.status in StepUp.IN_FLIGHT):
        step_up_event_record(step_up=step_up, type=EventType.PROCESSING_FAILED, data=data)
        return step_up
    _decided(
        step_up, to=Status.FAILED, event=EventType.PROCESSING_FAILED, code=ENGINE_ERROR, data=data
    )
    return step_up


# --- the code path ----------------------------------------------------------------------------


def _channel(user: Any, channel: str) -> OtpDevice:
    if channel not in login_channels(user=user):
        raise ApplicationError(
            "Choose your email address or a confirmed mobile number.",
            code="invalid_choice",
            field="channel",
        )
    return otp_device_ensure(user=user, channel=channel)


def step_up_code_send(*, user: Any, channel: str) -> str:
    """Send a one-time code to the customer's email (``EMAIL``) or confirmed phone (``SMS``)
    to confirm an action; returns "We sent a code to n***@example.com." Raises
    :class:`ApplicationError` on ``channel``, and what :func:`accounts.services.otp.otp_send`
    raises (the resend cooldown, the hourly cap)."""
    device = _channel(user, channel)
    return otp_send(otp_device_id=device.pk, purpose="step_up")


def step_up_code_confirm(*, user: Any, action: str, channel: str, token: str) -> StepUp:
    """Check the code the customer typed; returns a PASSED code step-up for ``action``.

    The code check commits on its own, before and apart from the action (a wrong guess counts
    even when the action then fails). Raises :class:`ApplicationError` with field ``otp``
    (``OTP_INVALID``, ``OTP_EXPIRED``, ``OTP_NO_CODE``, ``OTP_LOCKED``), or on ``channel`` /
    ``action``.
    """
    action = _action(action)
    _channel(user, channel)
    otp_verify(user=user, channel=channel, token=token)
    with transaction.atomic():
        step_up = StepUp.objects.create(
            user=user,
            action=action,
            method=StepUp.Method.OTP,
            status=Status.PASSED,
            decided_at=timezone.now(),
        )
        step_up_event_record(
            step_up=step_up,
            type=EventType.OTP_CONFIRMED,
            actor=user,
            data={"status": step_up.status, "action": action, "channel": channel},
        )
    return step_up


# --- use ------------------------------------------------------------------------------------


def step_up_consume(*, step_up_id: Any, user: Any, action: str) -> StepUp:
    """Use the PASSED step-up ``step_up_id`` for ``action`` of ``user`` (PASSED -> USED).

    Call it inside the action's transaction, so a refused action leaves the step-up unused.
    Raises :class:`ApplicationError` with field ``step_up``: ``STEP_UP_REQUIRED`` (none given,
    unknown, another customer's or another action's), ``STEP_UP_NOT_PASSED`` (still checking
    or failed), ``STEP_UP_USED``, ``STEP_UP_EXPIRED`` (passed more than
    ``settings.STEP_UP_VALID_SECONDS`` ago).
    """
    action = _action(action)
    with transaction.atomic():
        try:
            step_up = lock(StepUp, step_up_id) if step_up_id else None
        except (StepUp.DoesNotExist, ValidationError, ValueError):
            step_up = None
        if step_up is None or step_up.user_id != user.pk or step_up.action != action:
            raise ApplicationError(REQUIRED_MESSAGE, code="STEP_UP_REQUIRED", field="step_up")
        if step_up.status == Status.USED:
            raise ApplicationError(
                "That confirmation was already used. Confirm it's you again.",
                code="STEP_UP_USED",
                field="step_up",
            )
        if step_up.status != Status.PASSED:
            raise ApplicationError(
                "We have not confirmed it's you yet. Try again or use a code.",
                code="STEP_UP_NOT_PASSED",
                field="step_up",
            )
        now = timezone.now()
        age = (now - step_up.decided_at).total_seconds() if step_up.decided_at else None
        if age is None or age > settings.STEP_UP_VALID_SECONDS:
            raise ApplicationError(
                "That confirmation has expired. Confirm it's you again.",
                code="STEP_UP_EXPIRED",
                field="step_up",
            )
        step_up.used_at = now
        return transition(
            step_up,
            to=Status.USED,
            event=EventType.USED,
            actor=user,
            data={"action": action, "method": step_up.method},
            update_fields=["used_at"],
        )
