"""EMI repayments of an approved loan (issue 12): one row per instalment paid.

The money moves through the ledger (:func:`accounts.services.ledger_post`): a DEBIT of the
customer's savings or current account and a DEBIT of the loan's LOAN account, both with the
reference ``<application_id>-EMI-<nnn>``. This row records which instalment that paid, from
which account, and the idempotency key of the form that asked for it, so a double click pays
once. Written once, never updated or deleted.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from smartbank.models import AppendOnlyModel

from .applications import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, LoanApplication


class LoanRepayment(AppendOnlyModel):
    """One paid instalment (``instalment`` is the schedule's month number, 1-based) of
    ``amount`` INR from ``from_account``; ``idempotency_key`` is the pay form's key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(
        LoanApplication, on_delete=models.PROTECT, related_name="repayments"
    )
    instalment = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES)
    from_account = models.ForeignKey(
        "accounts.BankAccount", on_delete=models.PROTECT, related_name="loan_repayments"
    )
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.UUIDField()
    created_at = models.DateTimeField("paid at", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["application", "instalment"]
        verbose_name = "loan repayment"
        constraints = [
            models.UniqueConstraint(
                fields=["application", "instalment"], name="loan_repayment_once_per_instalment"
            ),
            models.UniqueConstraint(
                fields=["application", "idempotency_key"], name="loan_repayment_idempotency_key"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="loan_repayment_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(instalment__gte=1), name="loan_repayment_instalment_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} EMI {self.instalment}: {self.amount} INR"
