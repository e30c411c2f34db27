"""Shared model primitives (every model carries ``created_at`` / ``updated_at``) and the
notifications sent to customers."""

import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    """Abstract base with creation and last-update timestamps (UTC, set by the database layer)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Notification(TimeStampedModel):
    """One email or SMS to a customer, from queueing to delivery (issue #3).

    The recipient and the body (which may carry an OTP) are stored only encrypted
    (:func:`smartbank.crypto.encrypt_text`) and wiped once the notification is SENT or finally
    FAILED; ``recipient_masked`` (``n***@example.com``, ``+91******3210``) stays for support.
    ``subject`` is kept in clear, so templates never put codes or ID numbers in it.
    """

    class Channel(models.TextChoices):
        EMAIL = "EMAIL", "Email"
        SMS = "SMS", "SMS"

    class Status(models.TextChoices):
        QUEUED = "QUEUED", "Queued"
        SENT = "SENT", "Sent"
        FAILED = "FAILED", "Failed"

    ALLOWED_TRANSITIONS: dict[str, set[str]] = {
        Status.QUEUED: {Status.SENT, Status.FAILED},
        Status.SENT: set(),
        Status.FAILED: set(),
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    template = models.CharField(max_length=100)
    recipient_masked = models.CharField("recipient", max_length=100)
    recipient_encrypted = models.TextField(blank=True, default="", editable=False)
    subject = models.CharField(max_length=200, blank=True, default="")
    body_encrypted = models.TextField(blank=True, default="", editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True, default="")
    provider_message_id = models.CharField(max_length=100, blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.template} to {self.recipient_masked}"


class AppendOnlyModel(models.Model):
    """Abstract base for rows written once and never updated or deleted (audit events, ledger
    entries): ``save()`` on an existing row and ``delete()`` raise ``ValueError``."""

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError(f"{str(self._meta.verbose_name_plural).capitalize()} are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object):  # noqa: ANN201
        raise ValueError(f"{str(self._meta.verbose_name_plural).capitalize()} are append-only.")


class AuditEvent(AppendOnlyModel):
    """Abstract append-only audit event (STYLE: one event table per aggregate).

    Subclasses add the aggregate's foreign key and a ``type`` field with their event types.
    ``actor`` is the user who acted, null for the system; ``data`` is JSON with old/new values
    and reasons, never an ID number or an OTP.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.type} at {self.created_at:%Y-%m-%d %H:%M:%S}"


class CheckRecord(TimeStampedModel):
    """Abstract outcome of one automated verification step (KYC pipeline, waiver certificate).

    Subclasses add the foreign key to what was checked and a one-per-name constraint; the
    pipeline replaces them when it runs again. ``code`` is a stable reason code (empty when
    passed); ``detail`` plain words, never an ID number.
    """

    class Status(models.TextChoices):
        PASSED = "PASSED", "Passed"
        REVIEW = "REVIEW", "Needs review"
        FAILED = "FAILED", "Failed"
        ERROR = "ERROR", "Error"

    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Status.choices)
    code = models.CharField(max_length=40, blank=True, default="")
    detail = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        abstract = True
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.name}: {self.status}"

    @classmethod
    def replace_all(cls, *, results: "Iterable[Any]", **owner: Any) -> None:
        """Replace the checks of ``owner`` (e.g. ``case=case``) with ``results`` in order.

        ``results`` are objects with ``name``, ``status``, ``code`` and ``detail`` (the
        pipelines' ``CheckResult``); ``detail`` is cut to the column's 300 characters.
        """
        cls.objects.filter(**owner).delete()
        cls.objects.bulk_create(
            cls(
                **owner,
                position=i,
                name=r.name,
                status=r.status,
                code=r.code,
                detail=r.detail[:300],
            )
            for i, r in enumerate(results)
        )
