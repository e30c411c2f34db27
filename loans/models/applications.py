"""Loan products, loan applications and their audit events (issue #4; field names of the
application follow seed 001).

Money is ``Decimal`` in INR with 2 decimal places, stored as ``numeric(14, 2)``; ratios are
``Decimal`` fractions (``max_dti`` 0.400 means 40 %).
"""

import uuid
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

from smartbank.models import AuditEvent, StatusModel, TimeStampedModel

MONEY_MAX_DIGITS = 14
MONEY_DECIMAL_PLACES = 2


def _money(verbose_name: str | None = None, **kwargs: object) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, **kwargs
    )


class LoanType(models.TextChoices):
    PERSONAL = "PERSONAL", "Personal loan"
    HOME = "HOME", "Home loan"
    VEHICLE = "VEHICLE", "Vehicle loan"
    EDUCATION = "EDUCATION", "Education loan"
    BUSINESS = "BUSINESS", "Business loan"


class Region(models.TextChoices):
    """Seed 001's regions, exactly."""

    APAC = "APAC", "APAC"
    EMEA = "EMEA", "EMEA"
    AMERICAS = "AMERICAS", "AMERICAS"
    MEA = "MEA", "MEA"
    NA = "NA", "NA"
    SA = "SA", "SA"
    EU = "EU", "EU"
    ASIA = "ASIA", "ASIA"


class LoanProduct(TimeStampedModel):
    """A loan offered by the bank, with its rate, maximum tenure and eligibility rules.

    Defaults are seed 001's rules: DTI (debt / annual income) below ``max_dti`` 0.40, credit score
    at least ``min_credit_score`` 650, loan amount at most ``max_income_multiple`` (3) x annual
    income and at most ``max_loan_amount`` (INR 10,00,000), annual income at least ``min_income``
    (INR 30,000). A loan above ``high_value_amount`` (INR 5,00,000) goes to staff review; a staff
    approval above ``four_eyes_amount`` needs a second, different staff member (maker-checker).
    """

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=100)
    loan_type = models.CharField(max_length=20, choices=LoanType.choices)
    annual_interest_rate_percent = models.DecimalField(
        "annual interest rate (% p.a.)", max_digits=5, decimal_places=2
    )
    max_tenure_months = models.PositiveSmallIntegerField("maximum tenure (months)")
    max_dti = models.DecimalField(
        "maximum DTI ratio", max_digits=4, decimal_places=3, default=Decimal("0.400")
    )
    min_credit_score = models.PositiveSmallIntegerField(default=650)
    max_income_multiple = models.DecimalField(
        "maximum loan / annual income", max_digits=5, decimal_places=2, default=Decimal("3.00")
    )
    max_loan_amount = _money(default=Decimal("1000000.00"))
    min_income = _money("minimum annual income", default=Decimal("30000.00"))
    high_value_amount = _money("high-value amount (review above)", default=Decimal("500000.00"))
    four_eyes_amount = _money(
        "four-eyes amount (two approvals above)", default=Decimal("500000.00")
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(annual_interest_rate_percent__gt=0)
                & Q(annual_interest_rate_percent__lt=100),
                name="loan_product_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(max_tenure_months__gte=1), name="loan_product_tenure_gte_1"
            ),
            models.CheckConstraint(
                condition=Q(max_dti__gt=0) & Q(max_dti__lte=1), name="loan_product_dti_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.annual_interest_rate_percent}% p.a.)"


class StageStatus(models.TextChoices):
    """Seed 001's values for each stage and the final decision.

    A stage that needs a person stays PENDING with its ``*_verified_at`` set and its remarks
    saying why; the application then waits in the review queue.
    """

    PENDING = "PENDING", "Pending"
    APPROVED = "APPROVED", "Approved"
    REJECTED = "REJECTED", "Rejected"


#: Moves of ``kyc_status``, ``compliance_status`` and ``eligibility_status``.
STAGE_TRANSITIONS: dict[str, set[str]] = {
    # PENDING -> PENDING: the stage was checked and needs a person.
    StageStatus.PENDING: {StageStatus.PENDING, StageStatus.APPROVED, StageStatus.REJECTED},
    # Back to PENDING: staff reprocess the application.
    StageStatus.APPROVED: {StageStatus.PENDING},
    StageStatus.REJECTED: {StageStatus.PENDING},
}
#: Moves of ``final_status``, in step with ``status`` (an approval is final).
FINAL_STATUS_TRANSITIONS: dict[str, set[str]] = {
    # PENDING -> PENDING: referred for staff review, or a review reprocessed.
    StageStatus.PENDING: {StageStatus.PENDING, StageStatus.APPROVED, StageStatus.REJECTED},
    # An automatic rejection can be reprocessed.
    StageStatus.REJECTED: {StageStatus.PENDING},
    StageStatus.APPROVED: set(),
}


class LoanApplication(StatusModel):
    """One loan application, from a registered customer (``customer``) or an integrator's API
    call (``customer`` null), and the results of its three verification stages.

    ``status`` is the workflow (the state machine below); ``final_status`` is seed 001's
    PENDING / APPROVED / REJECTED view of it, moved with it by the services; the three stage
    statuses and ``final_status`` have maps of their own (``FIELD_TRANSITIONS``). ``dti_ratio`` is
    debt / income rounded to 3 places. ``compliance_evidence`` holds what compliance screening
    used: ``{"threshold", "lists": [{"kind", "name", "version"}], "fatf_list", "hits": [...]}``.
    """

    class Status(models.TextChoices):
        SUBMITTED = "SUBMITTED", "Submitted"
        PROCESSING = "PROCESSING", "Checks running"
        REVIEW = "REVIEW", "Awaiting staff review"
        APPROVED = "APPROVED", "Approved"
        REJECTED = "REJECTED", "Rejected"

    ALLOWED_TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        # SUBMITTED -> REVIEW: the checks never started (the sweeper gave up on them).
        Status.SUBMITTED: {Status.PROCESSING, Status.REVIEW},
        # PROCESSING -> PROCESSING: a redelivered task after a worker crash starts again.
        Status.PROCESSING: {
            Status.PROCESSING,
            Status.APPROVED,
            Status.REJECTED,
            Status.REVIEW,
        },
        # REVIEW -> REVIEW: the maker's approval of a four-eyes loan, waiting for the checker.
        Status.REVIEW: {Status.REVIEW, Status.APPROVED, Status.REJECTED, Status.PROCESSING},
        # A rejection can be re-run after the data or the lists changed; an approval is final.
        Status.REJECTED: {Status.PROCESSING},
        Status.APPROVED: set(),
    }
    FIELD_TRANSITIONS: ClassVar[dict[str, dict[str, set[str]]]] = {
        "kyc_status": STAGE_TRANSITIONS,
        "compliance_status": STAGE_TRANSITIONS,
        "eligibility_status": STAGE_TRANSITIONS,
        "final_status": FINAL_STATUS_TRANSITIONS,
    }
    TRANSITION_ERROR = "The application is {old_label}; it cannot move to {new}."
    OPEN_STATUSES = (Status.SUBMITTED, Status.PROCESSING, Status.REVIEW)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application_id = models.CharField("application ID", max_length=22, unique=True, editable=False)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="loan_applications",
        help_text="The registered customer applying; empty for an integrator's submission.",
        db_index=False,  # the (customer, created_at) index serves it
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    product = models.ForeignKey(LoanProduct, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )  # indexed in Meta: db_index would add a LIKE index nothing uses

    # Applicant (seed 001)
    name = models.CharField(max_length=150)
    email = models.CharField(max_length=254)
    phone = models.CharField(max_length=32)
    region = models.CharField(max_length=10, choices=Region.choices)
    country = models.CharField("country name", max_length=100)
    country_code = models.CharField("country (ISO 3166-1 alpha-2)", max_length=2)
    date_of_birth = models.DateField(null=True, blank=True)

    # Loan and finances (seed 001), INR
    income = _money("annual income")
    debt = _money()
    credit_score = models.PositiveSmallIntegerField()
    loan_amount = _money()
    loan_purpose = models.CharField(max_length=200)
    tenure_months = models.PositiveSmallIntegerField("tenure (months)", null=True, blank=True)
    documents_uploaded = models.BooleanField(default=False)
    documents = models.JSONField(default=list, blank=True)
    dti_ratio = models.DecimalField(
        "DTI ratio", max_digits=18, decimal_places=3, null=True, blank=True
    )

    # Stage 1: KYC
    kyc_status = models.CharField(
        "KYC status", max_length=10, choices=StageStatus.choices, default=StageStatus.PENDING
    )
    kyc_verified_at = models.DateTimeField("KYC checked at", null=True, blank=True)
    kyc_remarks = models.TextField("KYC remarks", blank=True, default="")
    kyc_staff_remarks = models.TextField(
        "KYC remarks for staff",
        blank=True,
        default="",
        help_text="What staff should know of the KYC checks without it changing the outcome "
        "(a phone number that is not valid for its numbering plan); never shown to the "
        "applicant.",
    )

    # Stage 2: compliance
    compliance_status = models.CharField(
        max_length=10, choices=StageStatus.choices, default=StageStatus.PENDING
    )
    compliance_verified_at = models.DateTimeField("compliance checked at", null=True, blank=True)
    compliance_remarks = models.TextField(blank=True, default="")
    political_connection = models.BooleanField(default=False)
    senior_relative = models.BooleanField(default=False)
    compliance_evidence = models.JSONField(default=dict, blank=True)

    # Stage 3: eligibility
    eligibility_status = models.CharField(
        max_length=10, choices=StageStatus.choices, default=StageStatus.PENDING
    )
    eligibility_verified_at = models.DateTimeField("eligibility checked at", null=True, blank=True)
    eligibility_remarks = models.TextField(blank=True, default="")

    # Decision
    final_status = models.CharField(
        max_length=10, choices=StageStatus.choices, default=StageStatus.PENDING
    )
    final_decision_at = models.DateTimeField(null=True, blank=True)
    final_remarks = models.TextField(blank=True, default="")
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
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_error = models.TextField(blank=True, default="")

    # Notifications (seed 001)
    alert_sent = models.BooleanField(default=False)
    email_sent = models.BooleanField(default=False)

    # Disbursement into the customer's account through the ledger
    disbursed_at = models.DateTimeField(null=True, blank=True)
    disbursement_account = models.ForeignKey(
        "accounts.BankAccount",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="loan_disbursements",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "loan application"
        permissions = [
            ("decide_loanapplication", "Can approve, reject and reprocess loan applications"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(application_id__regex=r"^LOAN-[0-9]{8}-[A-Z0-9]{8}$"),
                name="loan_application_id_format",
            ),
            models.CheckConstraint(condition=Q(income__gte=0), name="loan_income_gte_0"),
            models.CheckConstraint(condition=Q(debt__gte=0), name="loan_debt_gte_0"),
            models.CheckConstraint(condition=Q(loan_amount__gt=0), name="loan_amount_gt_0"),
        ]
        # Every index is written by every insert, and by every status move (``status`` is
        # indexed, so no update is HOT): one index per query shape, no more (issue 13). A
        # composite serves the queries on its first column (region, country_code,
        # final_status, customer: no single-column index of their own), and no column has
        # the ``varchar_pattern_ops`` twin ``db_index=True`` adds on PostgreSQL: nothing
        # filters them with LIKE.
        indexes = [
            models.Index(fields=["status"], name="loan_app_status_idx"),
            models.Index(fields=["final_status", "created_at"]),
            models.Index(fields=["region", "final_status"]),
            models.Index(fields=["country_code", "final_status"]),
            models.Index(fields=["customer", "created_at"]),
            # The duplicate check's ``email__iexact`` compiles to UPPER(email) on PostgreSQL;
            # no query compares the email exactly (issue #13: 236 ms at 1M rows before).
            models.Index(Upper("email"), F("loan_amount"), name="loan_app_email_ci_idx"),
            # No covering indexes for the dashboards: they read the roll-ups (issue 13,
            # loans/models/rollups.py), so every insert maintains three indexes fewer.
            # The applications waiting for their checks, oldest first, for the batches of
            # decisions (loans.services.loan_applications_decide): without it PostgreSQL
            # walked the created_at index through 1,000,000 decided rows to find them.
            models.Index(
                fields=["created_at"],
                condition=Q(status="SUBMITTED"),
                name="loan_app_waiting_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.name} ({self.final_status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def awaiting_second_approval(self) -> bool:
        return self.status == self.Status.REVIEW and self.first_approved_by_id is not None


#: Event types of staff decisions, which the approval log lists (:class:`ApprovalLogEntry`).
DECISION_EVENT_TYPES = ("FIRST_APPROVAL", "APPROVED", "REJECTED", "REPROCESS_REQUESTED")


class LoanApplicationEvent(AuditEvent):
    """Append-only audit event of an application (:class:`~smartbank.models.AuditEvent`: never
    updated or deleted; ``actor`` null for the system).

    ``data`` holds old/new values and reasons, e.g. ``{"from": "REVIEW", "to": "APPROVED",
    "reason": "..."}`` or a stage's ``{"status", "remarks", ...}``.
    """

    class Type(models.TextChoices):
        SUBMITTED = "SUBMITTED", "Submitted"
        PROCESSING_STARTED = "PROCESSING_STARTED", "Checks started"
        PROCESSING_FAILED = "PROCESSING_FAILED", "Checks failed"
        KYC_CHECKED = "KYC_CHECKED", "KYC checked"
        COMPLIANCE_CHECKED = "COMPLIANCE_CHECKED", "Compliance checked"
        ELIGIBILITY_CHECKED = "ELIGIBILITY_CHECKED", "Eligibility checked"
        AUTO_DECIDED = "AUTO_DECIDED", "Automated decision"
        FIRST_APPROVAL = "FIRST_APPROVAL", "First approval (maker)"
        APPROVED = "APPROVED", "Approved by staff"
        REJECTED = "REJECTED", "Rejected by staff"
        REPROCESS_REQUESTED = "REPROCESS_REQUESTED", "Reprocess requested"
        APPLICANT_NOTIFIED = "APPLICANT_NOTIFIED", "Applicant notified"
        DISBURSED = "DISBURSED", "Disbursed"
        EMI_PAID = "EMI_PAID", "EMI paid"

    application = models.ForeignKey(
        LoanApplication, on_delete=models.PROTECT, related_name="events"
    )
    type = models.CharField(max_length=30, choices=Type.choices)

    class Meta(AuditEvent.Meta):
        # Most recent first: the staff console's trail and the API read it that way.
        ordering = ["-created_at", "-id"]
        verbose_name = "loan application event"
        indexes = [
            # The approval log: staff decisions, most recent first, without walking every
            # automated event of every application.
            models.Index(
                F("created_at").desc(),
                F("id").desc(),
                condition=Q(type__in=DECISION_EVENT_TYPES),
                name="loan_event_decisions_idx",
            ),
        ]


class ApprovalAction(models.TextChoices):
    """What a member of staff did, in the approval log (seed 001: approve, reject,
    reprocess)."""

    APPROVE = "APPROVE", "Approve"
    REJECT = "REJECT", "Reject"
    REPROCESS = "REPROCESS", "Reprocess"


class ApprovalStep(models.TextChoices):
    """Where a decision stands in maker-checker (the product's four-eyes amount)."""

    MAKER = "MAKER", "Maker (first of two approvals)"
    CHECKER = "CHECKER", "Checker (decision after a first approval)"
    SINGLE = "SINGLE", "Single officer"


class ApprovalLogEntry(LoanApplicationEvent):
    """Seed 001's approval log: the staff decisions among the audit events (manual
    approvals, maker approvals, rejections, reprocess requests), most recent first.

    A proxy: no table or data of its own, the events are the record. Read through
    :func:`loans.selectors.approval_log`, which adds the action, the maker-checker step and
    the reason. No permissions of its own: readers need the events' view permission
    (:func:`loans.selectors.user_may_read_approval_log`).
    """

    class Meta:
        proxy = True
        ordering = ["-created_at", "-id"]
        default_permissions = ()
        verbose_name = "approval log entry"
        verbose_name_plural = "approval log"
