"""Shared model primitives (every model carries ``created_at`` / ``updated_at``; a model with
statuses extends :class:`StatusModel`) and the notifications sent to customers."""

import uuid
from collections.abc import Iterable
from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from .transitions import status_write_check


class TimeStampedModel(models.Model):
    """Abstract base with creation and last-update timestamps (UTC, set by the database layer)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class StatusModel(TimeStampedModel):
    """Abstract base of every model with statuses (STYLE: explicit state machines).

    Subclasses declare ``ALLOWED_TRANSITIONS`` (``{from: {to, ...}}`` of ``status``), optionally
    ``FIELD_TRANSITIONS`` (``{field: {from: {to, ...}}}`` of further status fields) and
    ``TRANSITION_ERROR`` (the :class:`~smartbank.errors.InvalidTransition` message of a refused
    ``status`` move; see :func:`smartbank.transitions.check_move`). Statuses move only through
    :func:`smartbank.transitions.transition`: ``save()`` of an existing row that would change a
    stored status otherwise raises :class:`~smartbank.transitions.DirectStatusWrite`. Creating a
    row in any status is not a move.
    """

    ALLOWED_TRANSITIONS: ClassVar[dict[str, set[str]]] = {}
    FIELD_TRANSITIONS: ClassVar[dict[str, dict[str, set[str]]]] = {}

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            status_write_check(self, update_fields=kwargs.get("update_fields"))
        super().save(*args, **kwargs)


class Notification(StatusModel):
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

    ALLOWED_TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.QUEUED: {Status.SENT, Status.FAILED},
        Status.SENT: set(),
        Status.FAILED: set(),
    }
    TRANSITION_ERROR = "A {old} notification cannot move to {new}."

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


class NotificationEvent(AuditEvent):
    """Append-only audit event of a notification: its status moves (``data``: ``{"from",
    "to", "attempts"}``, and ``"error"`` when it failed). Never the recipient or the body."""

    class Type(models.TextChoices):
        SENT = "SENT", "Sent"
        FAILED = "FAILED", "Failed for good"

    notification = models.ForeignKey(Notification, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=20, choices=Type.choices)

    class Meta(AuditEvent.Meta):
        verbose_name = "notification event"


class CheckRecord(StatusModel):
    """Abstract outcome of one automated verification step (KYC pipeline, waiver certificate).

    Subclasses add the foreign key to what was checked and a one-per-name constraint; the
    pipeline replaces them when it runs again. ``code`` is a stable reason code (empty when
    passed); ``detail`` plain words, never an ID number. A check's status never moves (every
    status is final): running the pipeline again replaces the checks.
    """

    class Status(models.TextChoices):
        PASSED = "PASSED", "Passed"
        REVIEW = "REVIEW", "Needs review"
        FAILED = "FAILED", "Failed"
        ERROR = "ERROR", "Error"

    ALLOWED_TRANSITIONS: ClassVar[dict[str, set[str]]] = {s: set() for s in Status}
    #: The words customers see for a check with one of these codes (:attr:`customer_detail`):
    #: a virus signature's name would only tell an uploader which signature to dodge, and
    #: fraud signals (a face or a document like another customer's, whose staff detail names
    #: the other customer's case or request) are for staff alone (issue 12), so they read as a
    #: neutral "being checked".
    CUSTOMER_DETAILS: ClassVar[dict[str, str]] = {
        "MALWARE_DETECTED": "This file could not be accepted.",
        "DOCUMENT_REUSED": "Our team is checking your documents.",
        "DOCUMENT_SIMILAR": "Our team is checking your documents.",
        "DUPLICATE_FACE": "Our team is checking your documents.",
        "DUPLICATE_ID": "This ID number could not be accepted.",
        "CERTIFICATE_ALREADY_USED": "This certificate has already been used for a request.",
    }
    #: The words customers see for any other check, by status: ``detail`` itself is for staff
    #: (engine readings, distances, confidences), never shown to customers.
    CUSTOMER_STATUS_DETAILS: ClassVar[dict[str, str]] = {
        "PASSED": "Done.",
        "REVIEW": "A member of our team will check this.",
        "FAILED": "This did not pass; see why above.",
        "ERROR": "A member of our team will check this.",
    }

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

    @property
    def customer_detail(self) -> str:
        """The check in plain words for its customer (the customer pages and the API's
        ``detail``): :attr:`CUSTOMER_DETAILS` by code, else :attr:`CUSTOMER_STATUS_DETAILS` by
        status. Never ``detail``, which is for staff (issue 12)."""
        if self.code in self.CUSTOMER_DETAILS:
            return self.CUSTOMER_DETAILS[self.code]
        return self.CUSTOMER_STATUS_DETAILS.get(self.status, "")

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


class PerceptualHashed(models.Model):
    """Abstract: the perceptual hash of a stored document image, so that a copy re-saved as
    JPEG, resized or converted is found again (issue 11; :mod:`smartbank.engines.image_hash`).

    Set by the pipeline task that read the image, never in a request; empty (``""`` / null)
    until then and for files never read (quarantined, unreadable). ``phash`` is the deciding
    256-bit pHash in hex; ``phash_band_0`` to ``_3`` the four 16-bit bands of the 64-bit
    lookup pHash, each indexed (:func:`smartbank.image_reuse.near_duplicates` reads them).
    """

    phash = models.CharField(
        "perceptual hash", max_length=64, blank=True, default="", editable=False
    )
    phash_band_0 = models.PositiveIntegerField(null=True, blank=True, editable=False, db_index=True)
    phash_band_1 = models.PositiveIntegerField(null=True, blank=True, editable=False, db_index=True)
    phash_band_2 = models.PositiveIntegerField(null=True, blank=True, editable=False, db_index=True)
    phash_band_3 = models.PositiveIntegerField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        abstract = True


class IdempotencyKey(TimeStampedModel):
    """The first answer to a POST sent with an ``Idempotency-Key`` header, kept for replay.

    One row per (user, key), enforced by the database, so concurrent duplicates serialise on
    the unique index (:mod:`smartbank.idempotency`). ``fingerprint`` is the SHA-256 (hex) of
    the method, path and body; ``response_body`` the JSON exactly as first answered (text, so
    key order survives). Rows live until ``expires_at`` (24 h), then the key may be reused.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idempotency_keys"
    )
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.user_id})"


class OutboxMessage(models.Model):
    """One task to enqueue, written in the transaction of the state change that needs it
    (the transactional outbox of issue #10; :mod:`smartbank.outbox`).

    ``task_name`` is the Celery task's registered name and ``args`` its positional arguments
    (JSON list of strings); ``entity_id`` is the first argument, the id of the record the task
    works on, so the sweeper can count how often a record was re-enqueued. ``dispatched_at``
    is set once the broker accepted the message; until then the dispatcher retries, counting
    ``publish_attempts`` and keeping the last error type in ``last_error``. ``swept`` marks the
    messages the sweeper wrote for records stuck in flight.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    entity_id = models.CharField(max_length=64, blank=True, db_index=True)
    swept = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    publish_attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbox_undispatched",
                condition=models.Q(dispatched_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_name}({self.entity_id})"
