"""The ledger side of an approved loan: its LOAN account, whose balance is what the borrower
still owes (issue #5).

An APPROVED loan of a registered customer gets one LOAN account (``accounts.AccountType.LOAN``)
opened with a CREDIT of the total repayable from its amortisation schedule (principal plus
scheduled interest, INR), posted with the reference ``<application_id>-LOAN``. Nothing is stored
on :class:`~loans.models.LoanApplication`: the account is found through that ledger reference.
Waivers and repayments are DEBITs to it through :func:`accounts.services.ledger_post`, which
never lets it fall below zero.

The repayment schedule the customer reads (:func:`loan_repayment_schedule`, issue 12) puts the
amortisation schedule beside that account: due dates one calendar month apart from the
disbursement, the instalments paid (:class:`~loans.models.LoanRepayment`), and the waivers
approved on the loan (the account's DEBITs with a ``WAIVER-`` reference), which come off the
last instalments.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.models import AccountType, BankAccount, LedgerEntry
from accounts.services import loan_account_open

from .emi import AmortisationRow
from .models import LoanApplication, LoanRepayment, StageStatus
from .selectors import loan_application_schedule

#: Reference prefix of a waiver's DEBIT to the LOAN account (``waivers.WaiverRequest``).
WAIVER_REFERENCE_PREFIX = "WAIVER-"


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


def emi_reference(application: LoanApplication, instalment: int) -> str:
    """``LOAN-YYYYMMDD-XXXXXXXX-EMI-007``: the reference of instalment 7's two postings (the
    savings DEBIT and the LOAN account DEBIT), so each is made once."""
    return f"{application.application_id}-EMI-{instalment:03d}"


def loan_repayment_start_date(*, application: LoanApplication) -> datetime.date | None:
    """The local date the schedule counts from: the disbursement, else the final decision;
    ``None`` for a loan not approved."""
    moment = application.disbursed_at or application.final_decision_at
    if application.final_status != StageStatus.APPROVED or moment is None:
        return None
    return timezone.localdate(moment)


def instalment_due_date(*, start: datetime.date, instalment: int) -> datetime.date:
    """Instalment ``n`` is due ``n`` calendar months after ``start`` (31 Jan + 1 month is
    28/29 Feb: ``dateutil.relativedelta`` keeps to the month's last day)."""
    return start + relativedelta(months=instalment)


class InstalmentState:
    """What the customer reads of an instalment (``InstalmentRow.state``)."""

    PAID = "PAID"
    DUE = "DUE"  # the next one to pay
    UPCOMING = "UPCOMING"
    REDUCED = "REDUCED"  # partly covered by a waiver
    WAIVED = "WAIVED"  # wholly covered by a waiver


@dataclass(frozen=True)
class InstalmentRow:
    """One month of the schedule as the customer sees it, INR.

    ``scheduled`` is the amortisation row (EMI, interest, principal, closing balance);
    ``amount_due`` what is left to pay for it after waivers (``0.00`` once paid or waived);
    ``paid`` the amount paid and ``paid_at`` when (``None`` if unpaid)."""

    instalment: int
    due_date: datetime.date | None
    scheduled: AmortisationRow
    state: str
    amount_due: Decimal
    paid: Decimal | None = None
    paid_at: datetime.datetime | None = None

    @property
    def state_label(self) -> str:
        return {
            InstalmentState.PAID: "Paid",
            InstalmentState.DUE: "Due next",
            InstalmentState.UPCOMING: "Upcoming",
            InstalmentState.REDUCED: "Reduced by your waiver",
            InstalmentState.WAIVED: "Covered by your waiver",
        }[self.state]


@dataclass(frozen=True)
class WaiverApplied:
    """A waiver approved on the loan: ``amount`` INR taken off what is owed on ``date``."""

    amount: Decimal
    date: datetime.date
    narration: str


@dataclass(frozen=True)
class RepaymentSchedule:
    """The loan's schedule with due dates and what is paid, owed and waived (INR).

    ``outstanding`` is what is still owed (the LOAN account's balance); ``next_due`` the next
    instalment to pay (``None`` when nothing is left); ``total_repayable`` principal plus
    scheduled interest; ``paid_total`` and ``waived_total`` what repayments and waivers took
    off it."""

    rows: list[InstalmentRow]
    outstanding: Decimal
    total_repayable: Decimal
    paid_total: Decimal
    waived_total: Decimal
    waivers: list[WaiverApplied] = field(default_factory=list)

    @property
    def next_due(self) -> InstalmentRow | None:
        return next((r for r in self.rows if r.state == InstalmentState.DUE), None)

    @property
    def paid_count(self) -> int:
        return sum(r.state == InstalmentState.PAID for r in self.rows)


def _waivers(account: BankAccount | None) -> list[WaiverApplied]:
    if account is None:
        return []
    entries = LedgerEntry.objects.filter(
        account=account,
        entry_type=LedgerEntry.EntryType.DEBIT,
        reference__startswith=WAIVER_REFERENCE_PREFIX,
    ).order_by("id")
    return [
        WaiverApplied(amount=e.amount, date=timezone.localdate(e.created_at), narration=e.narration)
        for e in entries
    ]


def loan_repayment_schedule(*, application: LoanApplication) -> RepaymentSchedule:
    """The schedule of an APPROVED loan with due dates, paid instalments and waivers.

    Unpaid instalments share what is still owed in order: each is due its scheduled EMI
    until the outstanding amount runs out, so a waiver (which lowers what is owed) shortens
    the last instalments (REDUCED) or covers them (WAIVED); their amounts due add up to
    ``outstanding``. Due dates are ``None`` until the loan is approved.
    """
    scheduled = loan_application_schedule(application=application)
    start = loan_repayment_start_date(application=application)
    account = loan_account_get(application=application)
    outstanding = loan_outstanding(application=application)
    repayments = {r.instalment: r for r in LoanRepayment.objects.filter(application=application)}
    remaining = outstanding
    rows: list[InstalmentRow] = []
    next_found = False
    for row in scheduled:
        due_date = instalment_due_date(start=start, instalment=row.month) if start else None
        paid = repayments.get(row.month)
        if paid is not None:
            rows.append(
                InstalmentRow(
                    instalment=row.month,
                    due_date=due_date,
                    scheduled=row,
                    state=InstalmentState.PAID,
                    amount_due=Decimal("0.00"),
                    paid=paid.amount,
                    paid_at=paid.created_at,
                )
            )
            continue
        due = min(row.emi, remaining)
        remaining -= due
        if due <= 0:
            state = InstalmentState.WAIVED
        elif not next_found:
            state, next_found = InstalmentState.DUE, True
        elif due < row.emi:
            state = InstalmentState.REDUCED
        else:
            state = InstalmentState.UPCOMING
        rows.append(
            InstalmentRow(
                instalment=row.month,
                due_date=due_date,
                scheduled=row,
                state=state,
                amount_due=due,
            )
        )
    waivers = _waivers(account)
    return RepaymentSchedule(
        rows=rows,
        outstanding=outstanding,
        total_repayable=sum((r.emi for r in scheduled), Decimal("0.00")),
        paid_total=sum((r.amount for r in repayments.values()), Decimal("0.00")),
        waived_total=sum((w.amount for w in waivers), Decimal("0.00")),
        waivers=waivers,
    )
