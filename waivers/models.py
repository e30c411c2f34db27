"""Loan waivers (issue #5): staff-managed waiver and certificate types, the customer's waiver
requests backed by a scanned certificate, the checks the verification ran, and the audit trail.

Money is ``Decimal`` in INR with 2 decimal places, stored as ``numeric(14, 2)``; percentages are
``numeric(5, 2)`` (``25.00`` = 25 %).
"""

import re
import secrets
import uuid
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q

from smartbank.engines.documents.certificates import PatternError, normalise_number, parse_pattern
from smartbank.models import (
    AuditEvent,
    CheckRecord,
    PerceptualHashed,
    StatusModel,
    TimeStampedModel,
)

MONEY_MAX_DIGITS = 14
MONEY_DECIMAL_PLACES = 2


def _money(verbose_name: str | None = None, **kwargs: object) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, **kwargs
    )


def _percent(verbose_name: str | None = None, **kwargs: object) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=5, decimal_places=2, **kwargs)


def _documents_storage():  # noqa: ANN202 - callable storage keeps migrations environment-free
    return storages["documents"]


def _quarantine_storage():  # noqa: ANN202 - callable storage keeps migrations environment-free
    return storages["quarantine"]


def _private_name(instance: models.Model, filename: str) -> str:
    """A random name under ``waivers/``: the customer's file name never reaches storage."""
    return f"waivers/{secrets.token_hex(2)}/{uuid.uuid4().hex}"


class WaiverKind(models.TextChoices):
    INTEREST = "INTEREST", "Interest waiver"
    PENALTY = "PENALTY", "Penalty waiver"
    FULL_RELIEF = "FULL_RELIEF", "Full waiver under a relief scheme"


class WaiverType(TimeStampedModel):
    """A kind of waiver customers may ask for, managed by staff.

    ``max_percent`` caps a request at that share of the loan's outstanding amount (``100.00``
    for a full waiver under a relief scheme).
    """

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=WaiverKind.choices)
    max_percent = _percent("maximum (% of the outstanding amount)")
    description = models.TextField(blank=True, default="")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "waiver type"
        constraints = [
            models.CheckConstraint(
                condition=Q(max_percent__gt=0) & Q(max_percent__lte=100),
                name="waiver_type_max_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CertificateType(TimeStampedModel):
    """A certificate that can back a waiver, managed by staff.

    ``number_pattern`` is the regular expression every number of this certificate matches
    (see :mod:`smartbank.engines.documents.certificates` for the syntax supported);
    ``number_example`` is a number that matches it, shown to customers.
    """

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=150)
    issuing_authority = models.CharField(max_length=200)
    number_pattern = models.CharField(
        max_length=200,
        help_text=r"Regular expression of the certificate number, e.g. [A-Z]{2}/\d{4}/\d{6}.",
    )
    number_example = models.CharField(max_length=64, help_text="A number matching the pattern.")
    allowed_waiver_types = models.ManyToManyField(
        WaiverType, related_name="certificate_types", blank=True
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "certificate type"

    def __str__(self) -> str:
        return f"{self.name} ({self.issuing_authority})"

    def clean(self) -> None:
        try:
            parse_pattern(self.number_pattern)
        except PatternError as exc:
            raise ValidationError({"number_pattern": str(exc)}) from exc
        if not re.fullmatch(self.number_pattern, self.number_example or ""):
            raise ValidationError({"number_example": "The example does not match the pattern."})
        if normalise_number(self.number_example, self.number_pattern) != self.number_example:
            raise ValidationError(
                {"number_example": "Write the example as printed, e.g. in capitals."}
            )


class WaiverRequest(StatusModel, PerceptualHashed):
    """A customer's request to waive part of what they owe on an approved loan, with the
    scanned certificate that backs it, and its decision.

    ``amount`` is the INR amount asked, resolved from ``requested_amount`` or
    ``requested_percent`` against ``outstanding_at_request``. ``certificate_number`` is the
    number as the customer typed it, normalised to the type's pattern;
    ``certificate_number_read`` the number the verification read on the scan (the candidate
    nearest the typed one), which counts as used as much as the typed one (issue 11). The
    scan's SHA-256 finds the same file again, its perceptual hash
    (:class:`~smartbank.models.PerceptualHashed`) the same scan re-saved. The OCR result is
    stored only encrypted (``ocr_encrypted``).
    Above ``settings.WAIVER_FOUR_EYES_AMOUNT`` a first staff approval records the maker
    (``first_approved_by``) and a second, different member of staff completes it.
    """

    class Status(models.TextChoices):
        PENDING = "PENDING", "Pending"
        PROCESSING = "PROCESSING", "Processing"
        VERIFIED = "VERIFIED", "Verified"
        MANUAL_REVIEW = "MANUAL_REVIEW", "Manual review"
        APPROVED = "APPROVED", "Approved"
        REJECTED = "REJECTED", "Rejected"

    ALLOWED_TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        # PENDING -> MANUAL_REVIEW: the verification failed for good before it started.
        Status.PENDING: {Status.PROCESSING, Status.MANUAL_REVIEW},
        # PROCESSING -> PROCESSING: a redelivered task after a worker crash starts again.
        Status.PROCESSING: {
            Status.PROCESSING,
            Status.VERIFIED,
            Status.MANUAL_REVIEW,
            Status.REJECTED,
        },
        # -> itself: the maker's approval above the four-eyes amount, waiting for the checker.
        Status.VERIFIED: {Status.VERIFIED, Status.APPROVED, Status.REJECTED},
        Status.MANUAL_REVIEW: {Status.MANUAL_REVIEW, Status.APPROVED, Status.REJECTED},
        Status.APPROVED: set(),
        Status.REJECTED: set(),
    }
    TRANSITION_ERROR = "A waiver request that is {old_label} cannot become {new_label}."
    OPEN_STATUSES = (Status.PENDING, Status.PROCESSING, Status.VERIFIED, Status.MANUAL_REVIEW)
    DECIDABLE_STATUSES = (Status.VERIFIED, Status.MANUAL_REVIEW)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="waiver_requests"
    )
    loan = models.ForeignKey(
        "loans.LoanApplication", on_delete=models.PROTECT, related_name="waiver_requests"
    )
    waiver_type = models.ForeignKey(WaiverType, on_delete=models.PROTECT, related_name="requests")
    certificate_type = models.ForeignKey(
        CertificateType, on_delete=models.PROTECT, related_name="requests"
    )
    certificate_number = models.CharField(max_length=64, db_index=True)
    certificate_number_read = models.CharField(
        "certificate number read", max_length=64, blank=True, default="", db_index=True
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )

    requested_amount = _money("amount asked (INR)", null=True, blank=True)
    requested_percent = _percent("share asked (%)", null=True, blank=True)
    amount = _money("amount to waive (INR)")
    outstanding_at_request = _money("outstanding when asked (INR)")

    document = models.FileField(
        "certificate scan", storage=_documents_storage, upload_to=_private_name, max_length=200
    )
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    # An infected scan is moved to the quarantine storage (smartbank.malware): ``document`` is
    # then empty and these say where it went and what clamd found.
    quarantined_document = models.FileField(
        storage=_quarantine_storage, blank=True, default="", max_length=200, editable=False
    )
    malware_signature = models.CharField(max_length=200, blank=True, default="", editable=False)
    quarantined_at = models.DateTimeField(null=True, blank=True, editable=False)

    ocr_encrypted = models.TextField(blank=True, default="", editable=False)
    ocr_confidence = models.FloatField("OCR confidence", null=True, blank=True)
    candidates = models.JSONField(default=list, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    last_error = models.TextField(blank=True, default="")

    first_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="first approval by (maker)",
    )
    first_approved_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True, default="")
    ledger_entry = models.OneToOneField(
        "accounts.LedgerEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="waiver",
        help_text="The DEBIT to the loan account that applied the waiver.",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "waiver request"
        permissions = [("decide_waiverrequest", "Can approve and reject waiver requests")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="waiver_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(requested_amount__isnull=False) | Q(requested_percent__isnull=False),
                name="waiver_amount_or_percent_asked",
            ),
            # A certificate backs one waiver, and a scan one approval.
            models.UniqueConstraint(
                fields=["certificate_type", "certificate_number"],
                condition=Q(status="APPROVED"),
                name="waiver_certificate_approved_once",
            ),
            models.UniqueConstraint(
                fields=["sha256"],
                condition=Q(status="APPROVED"),
                name="waiver_document_approved_once",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["customer", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"Waiver {self.certificate_number} ({self.status})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("waivers:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def awaiting_second_approval(self) -> bool:
        return self.status in self.DECIDABLE_STATUSES and self.first_approved_by_id is not None

    @property
    def ledger_reference(self) -> str:
        """``WAIVER-<id>``: the loan account posting's reference, so it happens once."""
        return f"WAIVER-{self.pk}"


class WaiverCheck(CheckRecord):
    """The outcome of one verification step of a waiver (re-running replaces them)."""

    waiver = models.ForeignKey(WaiverRequest, on_delete=models.CASCADE, related_name="checks")

    class Meta(CheckRecord.Meta):
        verbose_name = "waiver check"
        constraints = [
            models.UniqueConstraint(fields=["waiver", "name"], name="waiver_check_one_per_name"),
        ]


class WaiverEvent(AuditEvent):
    """Append-only audit event of a waiver request. Never updated or deleted."""

    class Type(models.TextChoices):
        SUBMITTED = "SUBMITTED", "Submitted"
        PROCESSING_STARTED = "PROCESSING_STARTED", "Verification started"
        PROCESSING_FAILED = "PROCESSING_FAILED", "Verification failed"
        VERIFICATION_COMPLETED = "VERIFICATION_COMPLETED", "Automated verification"
        FIRST_APPROVAL = "FIRST_APPROVAL", "First approval (maker)"
        APPROVED = "APPROVED", "Approved by staff"
        REJECTED = "REJECTED", "Rejected by staff"
        DOCUMENT_VIEWED = "DOCUMENT_VIEWED", "Certificate viewed"

    waiver = models.ForeignKey(WaiverRequest, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=30, choices=Type.choices)

    class Meta(AuditEvent.Meta):
        verbose_name = "waiver event"
