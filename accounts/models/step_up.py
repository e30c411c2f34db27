"""Step-ups: the customer confirms it is them before a critical action (issue 14; seed 000's
"live face recognition ... for other critical actions", seed 002's "live face detection").

A face step-up holds the camera burst only until the Celery check has read it
(``frames_encrypted``, Fernet, emptied in the transaction that records the outcome); what stays
is the outcome, the failure code and the face distance. A code step-up (a one-time password on
the customer's email or phone) is created PASSED. A PASSED step-up is USED once, by the action
it was made for, within ``settings.STEP_UP_VALID_SECONDS``.
"""

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models

from smartbank.models import AuditEvent, StatusModel

__all__ = ["StepUp", "StepUpEvent"]


class StepUp(StatusModel):
    """One confirmation, by face or by code, of one action of one customer."""

    class Action(models.TextChoices):
        LOAN_APPLICATION = "LOAN_APPLICATION", "Loan application"
        WAIVER_REQUEST = "WAIVER_REQUEST", "Waiver request"
        FD_EARLY_PAYOUT = "FD_EARLY_PAYOUT", "Fixed deposit early payout"

    class Method(models.TextChoices):
        FACE = "FACE", "Face"
        OTP = "OTP", "One-time code"

    class Status(models.TextChoices):
        PENDING = "PENDING", "Pending"
        PROCESSING = "PROCESSING", "Processing"
        PASSED = "PASSED", "Passed"
        FAILED = "FAILED", "Failed"
        USED = "USED", "Used"

    ALLOWED_TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        # PENDING -> FAILED: the sweeper gave up on a check that never ran.
        Status.PENDING: {Status.PROCESSING, Status.FAILED},
        # PROCESSING -> PROCESSING: a redelivered task after a worker crash starts again.
        Status.PROCESSING: {Status.PROCESSING, Status.PASSED, Status.FAILED},
        Status.PASSED: {Status.USED},
        Status.FAILED: set(),
        Status.USED: set(),
    }
    TRANSITION_ERROR = "A step-up in {old} cannot move to {new}."
    IN_FLIGHT = (Status.PENDING, Status.PROCESSING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="step_ups"
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    method = models.CharField(max_length=5, choices=Method.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    code = models.CharField(
        "failure code", max_length=30, blank=True, default="", help_text="Why a check failed."
    )
    face_distance = models.FloatField(null=True, blank=True)
    frame_count = models.PositiveSmallIntegerField(default=0)
    # The burst, Fernet-encrypted, until the check has read it; b"" afterwards.
    frames_encrypted = models.BinaryField(default=b"", editable=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "step-up"
        indexes = [models.Index(fields=["user", "method", "status", "decided_at"])]

    def __str__(self) -> str:
        method, action = self.get_method_display(), self.get_action_display()
        return f"{method} step-up for {action} ({self.status})"


class StepUpEvent(AuditEvent):
    """Append-only audit event of a step-up: the burst received, the check's outcome (failure
    code, distance, eye aspect ratios), the code confirmed, the lock, the use. Never frames."""

    class Type(models.TextChoices):
        REQUESTED = "REQUESTED", "Burst received"
        PROCESSING_STARTED = "PROCESSING_STARTED", "Check started"
        PROCESSING_FAILED = "PROCESSING_FAILED", "Check failed to run"
        PASSED = "PASSED", "Passed"
        FAILED = "FAILED", "Failed"
        FACE_LOCKED = "FACE_LOCKED", "Face step-up locked"
        OTP_CONFIRMED = "OTP_CONFIRMED", "Confirmed with a code"
        USED = "USED", "Used"

    step_up = models.ForeignKey(StepUp, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=20, choices=Type.choices)

    class Meta(AuditEvent.Meta):
        verbose_name = "step-up event"
