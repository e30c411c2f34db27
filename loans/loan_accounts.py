"""The ledger side of an approved loan: its LOAN account, whose balance is what the borrower
still owes (issue #5).

An APPROVED loan of a registered customer gets one LOAN account (``accounts.AccountType.LOAN``)
opened with a CREDIT of the total repayable from its amortisation schedule (principal plus
scheduled interest, INR), posted with the reference ``<application_id>-LOAN``. Nothing is stored
on :class:`~loans.models.LoanApplication`: the account is found through that ledger reference.
Waivers and repayments are DEBITs to it through :func:`accounts.services.ledger_post`, which
never lets it fall below zero.
"""

from decimal import Decimal

from accounts.models import AccountType, BankAccount
from accounts.services import loan_account_open

from .models import LoanApplication, StageStatus
from .selectors import loan_application_schedule


def loan_account_reference(application: LoanApplication) -> str:
    """``LOAN-YYYYMMDD-XXXXXXXX-LOAN``: the opening CREDIT's reference, so it happens once."""
    return f"{application.application_id}-LOAN"


def loan_total_repayable(*, application: LoanApplication) -> Decimal:
    """Principal plus scheduled interest over the tenure, INR (the schedule's EMIs summed)."""
    schedule = loan_application_schedule(application=application)
    return sum((row.emi for row in schedule), Decimal("0.00"))


def _has_loan_account(application: LoanApplication) -> bool:
    return (
        application.final_status == StageStatus.APPROVED
        and application.status == LoanApplication.Status.APPROVED
        and application.customer_id is not None
    )


def loan_account_get(*, application: LoanApplication) -> BankAccount | None:
    """The loan's LOAN account, found by its opening reference; ``None`` before it is opened
    (and always for an integrator's application, which has no customer)."""
    if application.customer_id is None:
        return None
    return (
        BankAccount.objects.filter(
            user_id=application.customer_id,
            account_type=AccountType.LOAN,
            entries__reference=loan_account_reference(application),
        )
        .distinct()
        .first()
    )


def loan_account_ensure(*, application: LoanApplication) -> BankAccount | None:
    """Open the LOAN account of an APPROVED loan of a registered customer, once.

    The amount owed is :func:`loan_total_repayable`. Returns the (new or existing) account, or
    ``None`` for an application that is not APPROVED or has no registered customer. Idempotent
    and safe under concurrent calls (see :func:`accounts.services.loan_account_open`); call it
    inside the final-approval transaction, and before reading what is owed.
    """
    if not _has_loan_account(application):
        return None
    existing = loan_account_get(application=application)
    if existing is not None:
        return existing
    return loan_account_open(
        user=application.customer,
        amount_owed=loan_total_repayable(application=application),
        narration=f"Loan {application.application_id}: principal and scheduled interest",
        reference=loan_account_reference(application),
    )


def loan_outstanding(*, application: LoanApplication) -> Decimal:
    """What the borrower still owes on the loan, INR.

    The LOAN account's balance once opened; before that, the total repayable for an APPROVED
    loan of a registered customer (nothing waived or repaid yet); ``0.00`` otherwise.
    """
    account = loan_account_get(application=application)
    if account is not None:
        return account.balance
    if _has_loan_account(application):
        return loan_total_repayable(application=application)
    return Decimal("0.00")
