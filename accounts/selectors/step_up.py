"""Reads of step-ups: one for its owner, whether the face path is open to a customer."""

import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from kyc.selectors import kyc_verified_face_encoding

from ..models import StepUp
from ..pipeline import NOT_COUNTED, face_lock_until


def step_up_get(*, step_up_id: Any, viewer: Any) -> StepUp | None:
    """The step-up ``step_up_id`` when ``viewer`` made it, else ``None`` (pages answer 404)."""
    return StepUp.objects.filter(pk=step_up_id, user=viewer).first()


def step_up_face_locked_until(
    *, user: Any, now: datetime.datetime | None = None
) -> datetime.datetime | None:
    """When the customer's face path unlocks after ``settings.STEP_UP_MAX_FAILURES`` failed face
    step-ups within ``settings.STEP_UP_LOCK_SECONDS``, or ``None`` when it is open
    (:func:`accounts.pipeline.face_lock_until`). Engine errors do not count."""
    now = now or timezone.now()
    window = datetime.timedelta(seconds=settings.STEP_UP_LOCK_SECONDS)
    failures = (
        StepUp.objects.filter(
            user=user,
            method=StepUp.Method.FACE,
            status=StepUp.Status.FAILED,
            decided_at__gte=now - 2 * window,
        )
        .exclude(code__in=NOT_COUNTED)
        .values_list("decided_at", flat=True)
    )
    return face_lock_until(
        list(failures), now=now, max_failures=settings.STEP_UP_MAX_FAILURES, window=window
    )


def step_up_face_state(*, user: Any) -> str:
    """``"AVAILABLE"``, ``"LOCKED"`` (too many failures, see
    :func:`step_up_face_locked_until`) or ``"UNAVAILABLE"`` (no VERIFIED KYC face to compare
    with): whether the page offers the camera."""
    if kyc_verified_face_encoding(user=user) is None:
        return "UNAVAILABLE"
    if step_up_face_locked_until(user=user) is not None:
        return "LOCKED"
    return "AVAILABLE"
