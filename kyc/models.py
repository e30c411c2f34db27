"""KYC cases, their documents, the checks the pipeline ran, the audit events, and OCR flows."""

import secrets
import uuid
from typing import ClassVar

from django.conf import settings
from django.core.files.storage import storages
from django.db import models

from smartbank.engines.face_gallery import encoding_to_bytes
from smartbank.models import (
    AuditEvent,
    CheckRecord,
    PerceptualHashed,
    StatusModel,
    TimeStampedModel,
)


class FaceEncodingField(models.BinaryField):
    """A selfie's face encoding stored as 128 little-endian float32 (512 bytes; issue 13: not
    JSON, so the duplicate-face search reads 100,000 faces as one matrix). Reads give ``bytes``
    (:func:`smartbank.engines.face_gallery.encoding_from_bytes` turns them into floats);
    assigning a sequence of 128 numbers stores it packed."""

    def get_prep_value(self, value):  # noqa: ANN001, ANN201 - Django's Field protocol
        if value is not None and not isinstance(value, bytes | bytearray | memoryview):
            value = encoding_to_bytes(value)
        return super().get_prep_value(value)

    def from_db_value(self, value, expression, connection):  # noqa: ANN001, ANN201, ARG002
        return None if value is None else bytes(value)


def _documents_storage():  # noqa: ANN202 - callable storage keeps migrations environment-free
    return storages["documents"]


def _quarantine_storage():  # noqa: ANN202 - callable storage keeps migrations environment-free
    return storages["quarantine"]


def _private_name(instance: models.Model, filename: str) -> str:
    """A random name under ``kyc/``: the customer's file name never reaches storage."""
    return f"kyc/{secrets.token_hex(2)}/{uuid.uuid4().hex}"


class IdType(models.TextChoices):
    """The ID documents a customer may submit. Which of them a customer's country accepts is
    a separate rule (issue 11, "documents by country"); the engines and the pipeline dispatch
    on the value, so a new type is a new member here plus its reader."""

    AADHAAR = "AADHAAR", "Aadhaar"
    PAN = "PAN", "PAN"
    PASSPORT = "PASSPORT", "Passport"


#: ID types whose documents carry an expiry date and a nationality the customer enters.
ID_TYPES_WITH_EXPIRY = frozenset({IdType.PASSPORT})


class KycDocumentRule(TimeStampedModel):
    """One ID type a country of residence accepts for KYC (issue 11, "documents by country";
    seed 003's "different required docs by country"). Staff keep the table in the admin.

    ``country`` is an ISO 3166-1 alpha-2 code, or :attr:`EVERY_OTHER_COUNTRY` for the rows
    that apply to every country without rows of its own. Seeded (migration
    ``0007_document_rules``): IN -> AADHAAR, PAN, PASSPORT; every other country -> PASSPORT.
    Read through :func:`kyc.selectors.kyc_id_types_for_country`.
    """

    EVERY_OTHER_COUNTRY = "*"

    country = models.CharField(
        max_length=2,
        db_index=True,
        help_text='ISO 3166-1 alpha-2 code, or "*" for every other country',
    )
    id_type = models.CharField("ID type", max_length=10, choices=IdType.choices)

    class Meta:
        ordering = ["country", "id_type"]
        verbose_name = "KYC document rule"
        constraints = [
            models.UniqueConstraint(
                fields=["country", "id_type"], name="kyc_document_rule_unique_country_id_type"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country}: {self.id_type}"


class KycCase(StatusModel):
    """One submission of an ID document and a selfie by a customer, and its decision.

    A customer may submit up to ``settings.KYC_MAX_ATTEMPTS`` cases; the latest one is their
    KYC status. The ID number is stored only encrypted (``id_number_encrypted``), found by
    ``id_number_hash`` (HMAC-SHA256) and shown as ``id_number_masked``.
    """

    class Status(models.TextChoices):
        PENDING = "PENDING", "Pending"
        PROCESSING = "PROCESSING", "Processing"
        VERIFIED = "VERIFIED", "Verified"
        MANUAL_REVIEW = "MANUAL_REVIEW", "Manual review"
        REJECTED = "REJECTED", "Rejected"

    ALLOWED_TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.PENDING: {Status.PROCESSING, Status.MANUAL_REVIEW},
        # PROCESSING -> PROCESSING: a redelivered task after a worker crash starts again.
        Status.PROCESSING: {
            Status.PROCESSING,
            Status.VERIFIED,
            Status.MANUAL_REVIEW,
            Status.REJECTED,
        },
        Status.MANUAL_REVIEW: {Status.VERIFIED, Status.REJECTED},
        Status.VERIFIED: set(),
        Status.REJECTED: set(),
    }
    TRANSITION_ERROR = "A case in {old} cannot move to {new}."
    OPEN_STATUSES = (Status.PENDING, Status.PROCESSING, Status.MANUAL_REVIEW)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="kyc_cases"
    )
    attempt = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    id_type = models.CharField("ID type", max_length=10, choices=IdType.choices)
    id_number_encrypted = models.TextField(editable=False)
    id_number_hash = models.CharField(max_length=64, db_index=True, editable=False)
    id_number_masked = models.CharField("ID number", max_length=20, editable=False)
    full_name = models.CharField("name entered", max_length=150)
    date_of_birth = models.DateField("date of birth entered")
    nationality = models.CharField(
        "nationality entered",
        max_length=3,
        blank=True,
        default="",
        help_text="ISO 3166-1 alpha-3, as in a passport's MRZ (passports only)",
    )
    document_expiry = models.DateField(
        "document expiry entered", null=True, blank=True, help_text="Passports only"
    )
    ocr_encrypted = models.TextField(blank=True, default="", editable=False)
    ocr_confidence = models.FloatField("OCR confidence", null=True, blank=True)
    extracted = models.JSONField(default=dict, blank=True)
    face_distance = models.FloatField(null=True, blank=True)
    face_encoding = FaceEncodingField(null=True, blank=True, editable=False)
    reasons = models.JSONField(default=list, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_note = models.TextField(blank=True, default="")
    resubmission_allowed = models.BooleanField(default=False)
    last_error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "KYC case"
        permissions = [
            ("review_kyccase", "Can approve, reject and ask for resubmission of KYC cases"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["user", "attempt"], name="kyc_case_unique_attempt"),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            # Issue 13: each process's face gallery reads the cases changed since it last looked.
            models.Index(fields=["updated_at"], name="kyc_case_updated_at"),
        ]

    def __str__(self) -> str:
        return f"KYC {self.id_type} {self.id_number_masked} ({self.status})"

    @property
    def submitted_at(self):  # noqa: ANN201 - a datetime
        return self.created_at

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class KycDocument(TimeStampedModel, PerceptualHashed):
    """An uploaded file of a case, kept in private storage under a random name.

    A file the virus scan found infected is moved to the quarantine storage
    (:func:`smartbank.malware.document_quarantine`): ``file`` is then empty, ``quarantined_file``
    holds its key there and ``malware_signature`` the signature clamd named.

    The ID document's perceptual hash (:class:`~smartbank.models.PerceptualHashed`) is stored
    by the pipeline, to find the same card re-saved in another customer's case (issue 11);
    selfies are not hashed (the duplicate-face check compares them, re-taken or re-saved).
    """

    class Kind(models.TextChoices):
        ID_DOCUMENT = "ID_DOCUMENT", "ID document"
        SELFIE = "SELFIE", "Selfie"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(KycCase, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    file = models.FileField(storage=_documents_storage, upload_to=_private_name, max_length=200)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    quarantined_file = models.FileField(
        storage=_quarantine_storage, blank=True, default="", max_length=200, editable=False
    )
    malware_signature = models.CharField(max_length=200, blank=True, default="", editable=False)
    quarantined_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "KYC document"
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="kyc_document_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of case {self.case_id}"


class KycCheck(CheckRecord):
    """The outcome of one pipeline step for a case (re-running the pipeline replaces them)."""

    case = models.ForeignKey(KycCase, on_delete=models.CASCADE, related_name="checks")

    class Meta(CheckRecord.Meta):
        verbose_name = "KYC check"
        constraints = [
            models.UniqueConstraint(fields=["case", "name"], name="kyc_check_one_per_name"),
        ]


class KycCaseEvent(AuditEvent):
    """Append-only audit event of a case (seed 003's KYCEvent). Never updated or deleted."""

    class Type(models.TextChoices):
        SUBMITTED = "SUBMITTED", "Submitted"
        PROCESSING_STARTED = "PROCESSING_STARTED", "Processing started"
        PROCESSING_FAILED = "PROCESSING_FAILED", "Processing failed"
        KYC_COMPLETED = "KYC_COMPLETED", "Automated decision"
        REVIEW_APPROVED = "REVIEW_APPROVED", "Approved by staff"
        REVIEW_REJECTED = "REVIEW_REJECTED", "Rejected by staff"
        RESUBMISSION_REQUESTED = "RESUBMISSION_REQUESTED", "Resubmission requested"
        DOCUMENT_VIEWED = "DOCUMENT_VIEWED", "Document viewed"

    case = models.ForeignKey(KycCase, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=30, choices=Type.choices)

    class Meta(AuditEvent.Meta):
        verbose_name = "KYC event"


class OcrFlow(StatusModel):
    """Seed 004's flow: upload -> OCR -> extract name and DOB -> save, task by task."""

    class Status(models.TextChoices):
        RUNNING = "RUNNING", "Running"
        COMPLETED = "COMPLETED", "Completed"
        FAILED = "FAILED", "Failed"

    ALLOWED_TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.RUNNING: {Status.COMPLETED, Status.FAILED},
        Status.COMPLETED: set(),
        Status.FAILED: set(),
    }
    TRANSITION_ERROR = "An OCR flow in {old} cannot move to {new}."

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ocr_flows"
    )
    id_type = models.CharField(max_length=10, choices=IdType.choices, blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    file = models.FileField(
        storage=_documents_storage, upload_to=_private_name, max_length=200, blank=True
    )
    content_type = models.CharField(max_length=100, blank=True, default="")
    extracted_name = models.CharField(max_length=150, blank=True, default="")
    extracted_date_of_birth = models.DateField(null=True, blank=True)
    ocr_confidence = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "OCR flow"

    def __str__(self) -> str:
        return f"OCR flow {self.id} ({self.status})"


class OcrFlowTask(StatusModel):
    """One task of an :class:`OcrFlow`, with its status and error."""

    class Name(models.TextChoices):
        UPLOAD_IMAGE = "UPLOAD_IMAGE", "Upload image"
        PERFORM_OCR = "PERFORM_OCR", "Perform OCR"
        EXTRACT_DETAILS = "EXTRACT_DETAILS", "Extract details"
        SAVE_RECORD = "SAVE_RECORD", "Save record"

    class Status(models.TextChoices):
        PENDING = "PENDING", "Pending"
        SUCCESS = "SUCCESS", "Success"
        FAILED = "FAILED", "Failed"
        SKIPPED = "SKIPPED", "Skipped"

    ALLOWED_TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        # SKIPPED: an earlier task of the flow failed.
        Status.PENDING: {Status.SUCCESS, Status.FAILED, Status.SKIPPED},
        Status.SUCCESS: set(),
        Status.FAILED: set(),
        Status.SKIPPED: set(),
    }
    TRANSITION_ERROR = "An OCR task in {old} cannot move to {new}."

    flow = models.ForeignKey(OcrFlow, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=20, choices=Name.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.CharField(max_length=300, blank=True, default="")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["flow", "name"], name="ocr_flow_task_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.status}"


class OcrFlowEvent(AuditEvent):
    """Append-only audit event of an OCR flow: the status moves of the flow and of its tasks
    (``data``: ``{"from", "to"}``, plus ``"task"`` and ``"error"`` for a task). Never OCR text."""

    class Type(models.TextChoices):
        COMPLETED = "COMPLETED", "Flow completed"
        FAILED = "FAILED", "Flow failed"
        TASK_SUCCEEDED = "TASK_SUCCEEDED", "Task succeeded"
        TASK_FAILED = "TASK_FAILED", "Task failed"
        TASK_SKIPPED = "TASK_SKIPPED", "Task skipped"

    flow = models.ForeignKey(OcrFlow, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=20, choices=Type.choices)

    class Meta(AuditEvent.Meta):
        verbose_name = "OCR flow event"
