"""Concurrency on real PostgreSQL: row locks keep approvals single and balances exact."""

import threading
from collections import Counter
from decimal import Decimal

import pytest

from accounts.models import AccountEvent, AccountType, BankAccount, LedgerEntry
from accounts.selectors import bank_account_ledger_balance
from accounts.services import (
    bank_account_approve,
    bank_account_reject,
    bank_account_request,
    ledger_post,
)
from accounts.tests.banking_factories import onboarded_customer, open_account
from smartbank.errors import ApplicationError, InvalidTransition
from smartbank.tests.threads import run_in_threads

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_staff_approving_at_once_yield_one_approval_and_one_error(reviewer):
    account = bank_account_request(user=onboarded_customer(), account_type=AccountType.SAVINGS)
    results: list[str] = []

    def approve():
        try:
            bank_account_approve(bank_account_id=account.pk, actor=reviewer)
            results.append("ok")
        except InvalidTransition:
            results.append("refused")

    run_in_threads(approve, [(), ()])

    assert sorted(results) == ["ok", "refused"]
    account.refresh_from_db()
    assert account.status == BankAccount.Status.ACTIVE
    assert account.balance == Decimal("1000.00")
    assert account.entries.count() == 1
    assert account.events.filter(type=AccountEvent.Type.APPROVED).count() == 1


def test_approve_and_reject_at_once_yield_exactly_one_decision(reviewer):
    account = bank_account_request(user=onboarded_customer(), account_type=AccountType.SAVINGS)
    results: list[str] = []

    def act(action):
        try:
            if action == "approve":
                bank_account_approve(bank_account_id=account.pk, actor=reviewer)
            else:
                bank_account_reject(bank_account_id=account.pk, actor=reviewer, reason="Duplicate")
            results.append("ok")
        except InvalidTransition:
            results.append("refused")

    run_in_threads(act, [("approve",), ("reject",)])

    assert sorted(results) == ["ok", "refused"]
    decisions = AccountEvent.objects.filter(
        account=account, type__in=[AccountEvent.Type.APPROVED, AccountEvent.Type.REJECTED]
    )
    assert decisions.count() == 1


def test_concurrent_credits_from_eight_threads_lose_no_update(reviewer):
    account = open_account(reviewer=reviewer)

    def credit_ten_times(worker):
        for i in range(10):
            ledger_post(
                bank_account_id=account.pk,
                entry_type=LedgerEntry.EntryType.CREDIT,
                amount=Decimal("10.00"),
                narration="Deposit",
                reference=f"T{worker}-{i}",
            )

    run_in_threads(credit_ten_times, [(w,) for w in range(8)])

    account.refresh_from_db()
    assert account.balance == Decimal("1800.00")  # 1,000 opening + 8 x 10 x 10
    entries = list(account.entries.order_by("id"))
    assert len(entries) == 81
    running = Decimal("0.00")
    for entry in entries:
        running += entry.amount
        assert entry.balance_after == running
    assert bank_account_ledger_balance(account=account) == account.balance


def test_concurrent_debits_never_overdraw(reviewer):
    account = open_account(reviewer=reviewer)  # 1,000.00
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def withdraw():
        for _ in range(3):
            try:
                ledger_post(
                    bank_account_id=account.pk,
                    entry_type=LedgerEntry.EntryType.DEBIT,
                    amount=Decimal("150.00"),
                    narration="ATM withdrawal",
                )
                result = "ok"
            except ApplicationError as exc:
                result = exc.code
            with lock:
                outcomes[result] += 1

    run_in_threads(withdraw, [() for _ in range(6)])

    # 6 x 150 = 900 fit in 1,000; the 12 other attempts find too little money.
    assert outcomes == Counter({"ok": 6, "INSUFFICIENT_FUNDS": 12})
    account.refresh_from_db()
    assert account.balance == Decimal("100.00")
    assert bank_account_ledger_balance(account=account) == Decimal("100.00")
