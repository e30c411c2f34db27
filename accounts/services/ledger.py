"""Postings to the append-only ledger: the only way an account's balance changes (issue #3).

Every posting locks the account row (``SELECT ... FOR UPDATE``), so concurrent postings to one
account queue behind each other and none is lost; the new :class:`LedgerEntry` and the account's
cached ``balance`` are written in the same transaction.
"""

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from smartbank.errors import ApplicationError, ConflictError

from ..models import BankAccount, LedgerEntry

PAISA = Decimal("0.01")
#: Largest amount a ``numeric(14, 2)`` column holds.
MONEY_MAX = Decimal("999999999999.99")


def money_validate(amount: Any, *, field: str = "amount") -> Decimal:
    """Check that ``amount`` is a positive ``Decimal`` INR amount with at most 2 decimal places.

    Returns it quantized to 2 places (``Decimal("10")`` -> ``Decimal("10.00")``). Raises
    :class:`ApplicationError` code ``INVALID_AMOUNT`` for anything but a ``Decimal`` (a float
    or int), a non-finite, zero, negative or too precise amount, or one too large to store.
    """
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ApplicationError(
            "An amount must be a Decimal in rupees.", code="INVALID_AMOUNT", field=field
        )
    if amount <= 0:
        raise ApplicationError("The amount must be positive.", code="INVALID_AMOUNT", field=field)
    if amount != amount.quantize(PAISA):
        raise ApplicationError(
            "An amount has at most 2 decimal places (paise).", code="INVALID_AMOUNT", field=field
        )
    if amount > MONEY_MAX:
        raise ApplicationError("The amount is too large.", code="INVALID_AMOUNT", field=field)
    return amount.quantize(PAISA)


@transaction.atomic
def ledger_post(
    *,
    bank_account_id: Any,
    entry_type: str,
    amount: Decimal,
    narration: str,
    reference: str = "",
) -> LedgerEntry:
    """Post one CREDIT or DEBIT of ``amount`` INR to the account and update its balance.

    ``reference`` (at most 64 characters) makes the posting idempotent per account: a second
    posting with the same non-empty reference is refused. ``narration`` is what the customer
    reads on their statement.

    Returns the new :class:`LedgerEntry`. Raises :class:`ApplicationError` with code
    ``INVALID_AMOUNT``, ``INVALID_ENTRY_TYPE``, ``ACCOUNT_NOT_ACTIVE`` (only ACTIVE accounts take
    postings; the opening credit is posted right after activation), ``INSUFFICIENT_FUNDS`` (a
    debit beyond the balance), and :class:`ConflictError` ``DUPLICATE_POSTING`` for a reference
    already posted to this account. ``BankAccount.DoesNotExist`` for an unknown account.
    """
    amount = money_validate(amount)
    if entry_type not in LedgerEntry.EntryType.values:
        raise ApplicationError(
            "The entry type must be CREDIT or DEBIT.", code="INVALID_ENTRY_TYPE", field="entry_type"
        )
    narration = narration.strip()
    if not narration:
        raise ApplicationError("Give a narration.", code="required", field="narration")
    reference = reference.strip()
    if len(reference) > 64:
        raise ApplicationError(
            "A reference has at most 64 characters.", code="invalid", field="reference"
        )
    account = BankAccount.objects.select_for_update().get(pk=bank_account_id)
    if account.status != BankAccount.Status.ACTIVE:
        raise ApplicationError(
            f"The account is {account.get_status_display().lower()}; it takes no postings.",
            code="ACCOUNT_NOT_ACTIVE",
        )
    if reference and LedgerEntry.objects.filter(account=account, reference=reference).exists():
        raise ConflictError(
            "A posting with this reference was already made to this account.",
            code="DUPLICATE_POSTING",
            field="reference",
        )
    if entry_type == LedgerEntry.EntryType.CREDIT:
        balance = account.balance + amount
    else:
        if amount > account.balance:
            raise ApplicationError(
                "The balance is too low for this debit.", code="INSUFFICIENT_FUNDS", field="amount"
            )
        balance = account.balance - amount
    if balance > MONEY_MAX:
        raise ApplicationError("The balance would be too large.", code="INVALID_AMOUNT")
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                account=account,
                entry_type=entry_type,
                amount=amount,
                balance_after=balance,
                narration=narration[:200],
                reference=reference,
            )
    except IntegrityError as exc:  # the unique (account, reference) constraint, as a backstop
        raise ConflictError(
            "A posting with this reference was already made to this account.",
            code="DUPLICATE_POSTING",
            field="reference",
        ) from exc
    account.balance = balance
    account.save(update_fields=["balance", "updated_at"])
    return entry
