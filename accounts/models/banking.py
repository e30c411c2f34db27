"""Bank accounts, fixed deposits and the ledger (issue #3).

Money is ``Decimal`` in INR with 2 decimal places (paise), stored as ``numeric(14, 2)``; never a
float. A :class:`BankAccount`'s ``balance`` is a cached copy of its last
:class:`LedgerEntry`'s ``balance_after``, updated in the same transaction as the posting by
:func:`accounts.services.ledger_post`.
"""

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from smartbank.models import AppendOnlyModel, AuditEvent, StatusModel, TimeStampedModel

__all__ = [
    "AccountEvent",
    "AccountType",
    "BankAccount",
    "FixedDepositRate",
    "LedgerEntry",
    "MONEY_DECIMAL_PLACES",
    "MONEY_MAX_DIGITS",
    "REQUESTABLE_TYPES",
]

MONEY_MAX_DIGITS = 14
MONEY_DECIMAL_PLACES = 2


def _money(**kwargs: object) -> models.DecimalField:
    return models.DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, **kwargs
    )


class AccountType(models.TextChoices):
    # Labels read well before "account": "your savings account", "a fixed deposit account".
    SAVINGS = "SAVINGS", "Savings"
    CURRENT = "CURRENT", "Current"
    FIXED_DEPOSIT = "FIXED_DEPOSIT", "Fixed deposit"
    # Opened by the system for an approved loan; its balance is what the borrower still owes.
    LOAN = "LOAN", "Loan"


#: The types a customer may ask for; LOAN accounts are opened only by the loans service.
REQUESTABLE_TYPES: tuple[AccountType, ...] = (
    AccountType.SAVINGS,
    AccountType.CURRENT,
    AccountType.FIXED_DEPOSIT,
)


class FixedDepositRate(TimeStampedModel):
    """A staff-managed fixed deposit interest rate for tenures ``min_months..max_months``.

    ``annual_rate_percent`` is a yearly rate in percent (``7.00`` = 7 % p.a.). The rate that
    applies to a tenure is the active row covering it with the latest ``effective_from`` on or
    before the day the deposit is requested; the account keeps the rate it was given, so later
    edits never change an existing deposit.
    """

    min_months = models.PositiveSmallIntegerField()
    max_months = models.PositiveSmallIntegerField()
    annual_rate_percent = models.DecimalField(
        "annual rate (% p.a.)", max_digits=5, decimal_places=2
    )
    effective_from = models.DateField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["min_months", "-effective_from"]
        verbose_name = "fixed deposit rate"
        constraints = [
            models.CheckConstraint(
                condition=Q(min_months__gte=1) & Q(max_months__gte=models.F("min_months")),
                name="fd_rate_months_range",
            ),
            models.CheckConstraint(
                condition=Q(annual_rate_percent__gt=0) & Q(annual_rate_percent__lt=100),
                name="fd_rate_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.min_months}-{self.max_months} months: {self.annual_rate_percent}% "
            f"from {self.effective_from:%Y-%m-%d}"
        )


class BankAccount(StatusModel):
    """A customer's savings, current, fixed deposit or loan account.

    ``number`` is 15 digits: a random 14-digit body not starting with 0 and a Luhn check digit.
    Requested by the customer (REQUESTED), opened by staff (ACTIVE, with the opening credit as
    the first ledger entry) or refused (REJECTED). Fixed deposits carry their principal, tenure
    and the rate used.

    A LOAN account is opened ACTIVE by the system for an approved loan
    (:func:`accounts.services.banking.loan_account_open`): its ``balance`` is what the borrower
    still owes (INR), its opening CREDIT the amount owed, and each DEBIT (a waiver, a
    repayment) reduces it; the ledger never lets it fall below zero.
    """

    class Status(models.TextChoices):
        REQUESTED = "REQUESTED", "Requested"
        ACTIVE = "ACTIVE", "Active"
        REJECTED = "REJECTED", "Rejected"
        FROZEN = "FROZEN", "Frozen"
        CLOSED = "CLOSED", "Closed"

    ALLOWED_TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.REQUESTED: {Status.ACTIVE, Status.REJECTED},
        Status.ACTIVE: {Status.FROZEN, Status.CLOSED},
        Status.FROZEN: {Status.ACTIVE},
        Status.REJECTED: set(),
        Status.CLOSED: set(),
    }
    TRANSITION_ERROR = "An account in {old} cannot move to {new}."

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bank_accounts"
    )
    number = models.CharField("account number", max_length=15, unique=True, editable=False)
    account_type = models.CharField(max_length=20, choices=AccountType.choices)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.REQUESTED, db_index=True
    )
    balance = _money(default=0, editable=False)
    fd_principal = _money(verbose_name="FD principal", null=True, blank=True)
    fd_tenure_months = models.PositiveSmallIntegerField("FD tenure (months)", null=True, blank=True)
    fd_rate = models.ForeignKey(
        FixedDepositRate,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
        verbose_name="FD rate row",
    )
    fd_rate_percent = models.DecimalField(
        "FD rate (% p.a.)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rejection_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "bank account"
        permissions = [
            ("decide_bankaccount", "Can open, refuse, freeze, unfreeze and close bank accounts"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=r"^[1-9][0-9]{14}$"), name="bank_account_number_format"
            ),
            models.CheckConstraint(condition=Q(balance__gte=0), name="bank_account_balance_gte_0"),
            models.CheckConstraint(
                condition=~Q(account_type="FIXED_DEPOSIT")
                | (
                    Q(fd_principal__gt=0)
                    & Q(fd_tenure_months__gte=1)
                    & Q(fd_rate_percent__isnull=False)
                ),
                name="bank_account_fd_terms",
            ),
        ]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_account_type_display()} account {self.number_masked} ({self.status})"

    @property
    def number_masked(self) -> str:
        """``XXXXXXXXXXX1234``: only the last 4 digits shown, for lists and messages."""
        return "X" * (len(self.number) - 4) + self.number[-4:]

    @property
    def is_fixed_deposit(self) -> bool:
        return self.account_type == AccountType.FIXED_DEPOSIT

    @property
    def is_loan(self) -> bool:
        return self.account_type == AccountType.LOAN


class LedgerEntry(AppendOnlyModel):
    """One append-only posting to an account. Never updated or deleted.

    ``amount`` is positive; ``entry_type`` says whether it adds (CREDIT) or takes (DEBIT).
    ``balance_after`` is the account's balance right after this posting. ``reference`` is the
    poster's idempotency key (``OPENING``, ``LOAN-<id>-DISBURSAL``...): unique per account when
    not empty. Order within an account is ``id``, assigned while the account row is locked.
    """

    class EntryType(models.TextChoices):
        CREDIT = "CREDIT", "Credit"
        DEBIT = "DEBIT", "Debit"

    account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="entries")
    entry_type = models.CharField(max_length=6, choices=EntryType.choices)
    amount = _money()
    balance_after = _money()
    narration = models.CharField(max_length=200)
    reference = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "ledger entry"
        verbose_name_plural = "ledger entries"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_entry_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="ledger_entry_balance_after_gte_0"
            ),
            models.UniqueConstraint(
                fields=["account", "reference"],
                condition=~Q(reference=""),
                name="ledger_entry_unique_reference",
            ),
        ]
        indexes = [models.Index(fields=["account", "created_at"])]

    def __str__(self) -> str:
        return f"{self.entry_type} {self.amount} INR ({self.reference or 'no reference'})"


class AccountEvent(AuditEvent):
    """Append-only audit event of a bank account. Never updated or deleted.

    ``data`` holds ``{"from", "to", "reason"}`` for status changes, plus request details.
    """

    class Type(models.TextChoices):
        REQUESTED = "REQUESTED", "Requested by the customer"
        APPROVED = "APPROVED", "Approved by staff"
        OPENED = "OPENED", "Opened by the system"
        REJECTED = "REJECTED", "Rejected by staff"
        FROZEN = "FROZEN", "Frozen"
        UNFROZEN = "UNFROZEN", "Unfrozen"
        CLOSED = "CLOSED", "Closed"

    account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=20, choices=Type.choices)

    class Meta(AuditEvent.Meta):
        verbose_name = "account event"
