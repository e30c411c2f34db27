"""Bank account services: request, staff decisions, ledger postings, fixed deposits."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.test import override_settings
from stdnum import luhn

from accounts.models import AccountEvent, AccountType, BankAccount, LedgerEntry
from accounts.selectors import (
    bank_account_fd_maturity,
    bank_account_ledger_balance,
    fixed_deposit_maturity,
    fixed_deposit_rate_for,
)
from accounts.services import (
    CustomerNotOnboarded,
    account_number_generate,
    account_number_is_valid,
    bank_account_approve,
    bank_account_close,
    bank_account_freeze,
    bank_account_reject,
    bank_account_request,
    bank_account_unfreeze,
    ledger_post,
)
from accounts.services import banking as banking_services
from accounts.tests.banking_factories import (
    BankAccountFactory,
    FixedDepositRateFactory,
    onboarded_customer,
    open_account,
)
from accounts.tests.factories import CustomerProfileFactory, UserFactory
from kyc.tests.factories import KycCaseFactory
from smartbank.errors import ApplicationError, ConflictError, InvalidTransition
from smartbank.models import Notification

pytestmark = pytest.mark.django_db

CREDIT, DEBIT = LedgerEntry.EntryType.CREDIT, LedgerEntry.EntryType.DEBIT


def _not_onboarded_users():
    from django.utils import timezone

    now = timezone.now()
    staff = UserFactory(is_staff=True)  # no customer profile
    unverified_contact = CustomerProfileFactory(email_verified_at=now).user
    KycCaseFactory(user=unverified_contact, status="VERIFIED")
    kyc_pending = CustomerProfileFactory(email_verified_at=now, phone_verified_at=now).user
    KycCaseFactory(user=kyc_pending, status="MANUAL_REVIEW")
    return [
        (staff, "NOT_A_CUSTOMER"),
        (unverified_contact, "CONTACT_NOT_VERIFIED"),
        (kyc_pending, "KYC_NOT_VERIFIED"),
    ]


# --- request --------------------------------------------------------------------------------


def test_customers_not_onboarded_are_refused_and_nothing_is_created():
    for user, code in _not_onboarded_users():
        with pytest.raises(CustomerNotOnboarded) as refused:
            bank_account_request(user=user, account_type=AccountType.SAVINGS)
        assert refused.value.code == code
        assert refused.value.status_code == 403
    assert BankAccount.objects.count() == 0
    assert AccountEvent.objects.count() == 0


def test_request_creates_a_requested_account_with_a_valid_number_and_an_event():
    user = onboarded_customer()

    account = bank_account_request(user=user, account_type=AccountType.CURRENT)

    account.refresh_from_db()
    assert account.status == BankAccount.Status.REQUESTED
    assert account.balance == Decimal("0.00")
    assert account_number_is_valid(account.number)
    assert account.entries.count() == 0
    event = account.events.get()
    assert event.type == AccountEvent.Type.REQUESTED
    assert event.actor == user
    assert event.data == {"to": "REQUESTED", "account_type": "CURRENT"}


def test_request_refuses_an_unknown_type_and_fd_terms_on_a_savings_account():
    user = onboarded_customer()
    with pytest.raises(ApplicationError) as bad:
        bank_account_request(user=user, account_type="CRYPTO")
    assert bad.value.field == "account_type"
    with pytest.raises(ApplicationError) as bad:
        bank_account_request(user=user, account_type="SAVINGS", fd_amount=Decimal("50000.00"))
    assert bad.value.field == "fd_amount"
    assert BankAccount.objects.count() == 0


# --- account numbers ------------------------------------------------------------------------


def test_account_numbers_have_15_digits_a_luhn_check_digit_and_do_not_repeat():
    numbers = [account_number_generate() for _ in range(5000)]
    assert len(set(numbers)) == len(numbers)
    for number in numbers:
        assert len(number) == 15 and number.isdigit() and number[0] != "0"
        assert luhn.is_valid(number)
        assert number[-1] == luhn.calc_check_digit(number[:-1])
    assert not account_number_is_valid(numbers[0][:-1] + str((int(numbers[0][-1]) + 1) % 10))


def test_a_colliding_number_is_drawn_again(monkeypatch):
    taken = BankAccountFactory()
    fresh = account_number_generate()
    draws = iter([taken.number, fresh])
    monkeypatch.setattr(banking_services, "account_number_generate", lambda: next(draws))

    account = bank_account_request(user=onboarded_customer(), account_type=AccountType.SAVINGS)

    assert account.number == fresh
    assert BankAccount.objects.count() == 2


def test_the_database_refuses_a_duplicate_or_malformed_number():
    taken = BankAccountFactory()
    with pytest.raises(IntegrityError):
        BankAccountFactory(number=taken.number)


def test_the_database_refuses_a_number_starting_with_zero():
    with pytest.raises(IntegrityError):
        BankAccountFactory(number="012345678901234")


# --- approval and other decisions -----------------------------------------------------------


def test_approval_opens_the_account_with_the_opening_deposit_as_first_entry(reviewer):
    account = bank_account_request(user=onboarded_customer(), account_type=AccountType.SAVINGS)

    bank_account_approve(bank_account_id=account.pk, actor=reviewer)

    account.refresh_from_db()
    assert account.status == BankAccount.Status.ACTIVE
    assert account.balance == Decimal("1000.00")
    assert account.opened_at is not None and account.decided_by == reviewer
    entry = account.entries.get()
    assert (entry.entry_type, entry.amount, entry.balance_after) == (
        CREDIT,
        Decimal("1000.00"),
        Decimal("1000.00"),
    )
    assert (entry.narration, entry.reference) == ("Opening deposit", "OPENING")
    approved = account.events.get(type=AccountEvent.Type.APPROVED)
    assert approved.actor == reviewer
    assert approved.data == {"from": "REQUESTED", "to": "ACTIVE", "opening_credit": "1000.00"}


@override_settings(ACCOUNT_OPENING_DEPOSIT=Decimal("2500.00"))
def test_the_opening_deposit_comes_from_settings(reviewer):
    account = open_account(reviewer=reviewer)
    assert account.balance == Decimal("2500.00")


def test_approving_twice_raises_invalid_transition_and_posts_once(reviewer):
    account = open_account(reviewer=reviewer)
    with pytest.raises(InvalidTransition, match="cannot move to ACTIVE"):
        bank_account_approve(bank_account_id=account.pk, actor=reviewer)
    account.refresh_from_db()
    assert account.balance == Decimal("1000.00")
    assert account.entries.count() == 1
    assert account.events.filter(type=AccountEvent.Type.APPROVED).count() == 1


def test_approval_and_rejection_email_the_customer(reviewer, django_capture_on_commit_callbacks):
    from django.core import mail

    user = onboarded_customer(full_name="Kalpana Chawla", email="kalpana@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        opened = open_account(user=user, reviewer=reviewer)
        refused = bank_account_request(user=user, account_type=AccountType.CURRENT)
        bank_account_reject(bank_account_id=refused.pk, actor=reviewer, reason="Duplicate request.")

    assert set(Notification.objects.filter(user=user).values_list("template", "status")) == {
        ("account_opened", "SENT"),
        ("account_rejected", "SENT"),
    }
    by_subject = {m.subject: m for m in mail.outbox}
    welcome = by_subject["Your SmartBank savings account is open"]
    assert welcome.to == ["kalpana@example.com"]
    assert "Dear Kalpana Chawla" in welcome.body
    assert opened.number_masked in welcome.body and "₹1,000.00" in welcome.body
    assert opened.number not in welcome.body
    refusal = by_subject["Your SmartBank current account application"]
    assert "Reason: Duplicate request." in refusal.body


def test_reject_needs_a_reason_and_records_it(reviewer):
    account = bank_account_request(user=onboarded_customer(), account_type=AccountType.SAVINGS)
    with pytest.raises(ApplicationError) as missing:
        bank_account_reject(bank_account_id=account.pk, actor=reviewer, reason="  ")
    assert missing.value.field == "reason"

    bank_account_reject(bank_account_id=account.pk, actor=reviewer, reason="Address unverified.")

    account.refresh_from_db()
    assert account.status == BankAccount.Status.REJECTED
    assert account.rejection_reason == "Address unverified."
    assert account.entries.count() == 0
    event = account.events.get(type=AccountEvent.Type.REJECTED)
    assert event.data == {"from": "REQUESTED", "to": "REJECTED", "reason": "Address unverified."}
    with pytest.raises(InvalidTransition):
        bank_account_approve(bank_account_id=account.pk, actor=reviewer)


def test_freeze_unfreeze_and_close_follow_the_state_machine(reviewer):
    account = open_account(reviewer=reviewer)

    bank_account_freeze(bank_account_id=account.pk, actor=reviewer, reason="Suspicious activity")
    with pytest.raises(ApplicationError) as frozen:
        ledger_post(
            bank_account_id=account.pk,
            entry_type=CREDIT,
            amount=Decimal("1.00"),
            narration="Deposit",
        )
    assert frozen.value.code == "ACCOUNT_NOT_ACTIVE"
    with pytest.raises(InvalidTransition):
        bank_account_close(bank_account_id=account.pk, actor=reviewer, reason="Customer request")

    bank_account_unfreeze(bank_account_id=account.pk, actor=reviewer)
    bank_account_close(bank_account_id=account.pk, actor=reviewer, reason="Customer request")
    with pytest.raises(InvalidTransition):
        bank_account_unfreeze(bank_account_id=account.pk, actor=reviewer)

    account.refresh_from_db()
    assert account.status == BankAccount.Status.CLOSED
    assert [(e.type, e.data.get("from"), e.data.get("to")) for e in account.events.all()] == [
        ("REQUESTED", None, "REQUESTED"),
        ("APPROVED", "REQUESTED", "ACTIVE"),
        ("FROZEN", "ACTIVE", "FROZEN"),
        ("UNFROZEN", "FROZEN", "ACTIVE"),
        ("CLOSED", "ACTIVE", "CLOSED"),
    ]
    assert account.events.get(type="CLOSED").data["closing_balance"] == "1000.00"


# --- ledger ---------------------------------------------------------------------------------


def test_postings_keep_the_balance_equal_to_the_last_balance_after(reviewer):
    account = open_account(reviewer=reviewer)

    ledger_post(
        bank_account_id=account.pk,
        entry_type=CREDIT,
        amount=Decimal("250.50"),
        narration="Cash deposit",
    )
    entry = ledger_post(
        bank_account_id=account.pk,
        entry_type=DEBIT,
        amount=Decimal("1250.50"),
        narration="ATM withdrawal",
        reference="ATM-1",
    )

    account.refresh_from_db()
    assert entry.balance_after == Decimal("0.00")
    assert account.balance == bank_account_ledger_balance(account=account) == Decimal("0.00")
    assert [e.balance_after for e in account.entries.all()] == [
        Decimal("1000.00"),
        Decimal("1250.50"),
        Decimal("0.00"),
    ]


def test_a_debit_beyond_the_balance_is_refused(reviewer):
    account = open_account(reviewer=reviewer)
    with pytest.raises(ApplicationError) as refused:
        ledger_post(
            bank_account_id=account.pk,
            entry_type=DEBIT,
            amount=Decimal("1000.01"),
            narration="Transfer",
        )
    assert refused.value.code == "INSUFFICIENT_FUNDS"
    account.refresh_from_db()
    assert account.balance == Decimal("1000.00")
    assert account.entries.count() == 1


def test_posting_to_an_account_not_yet_open_is_refused():
    account = bank_account_request(user=onboarded_customer(), account_type=AccountType.SAVINGS)
    with pytest.raises(ApplicationError) as refused:
        ledger_post(
            bank_account_id=account.pk,
            entry_type=CREDIT,
            amount=Decimal("10.00"),
            narration="Deposit",
        )
    assert refused.value.code == "ACCOUNT_NOT_ACTIVE"
    assert LedgerEntry.objects.count() == 0


def test_a_reference_is_posted_only_once_per_account(reviewer):
    account = open_account(reviewer=reviewer)
    other = open_account(reviewer=reviewer)
    ledger_post(
        bank_account_id=account.pk,
        entry_type=CREDIT,
        amount=Decimal("5000.00"),
        narration="Loan disbursal",
        reference="LOAN-42-DISBURSAL",
    )
    with pytest.raises(ConflictError) as twice:
        ledger_post(
            bank_account_id=account.pk,
            entry_type=CREDIT,
            amount=Decimal("5000.00"),
            narration="Loan disbursal",
            reference="LOAN-42-DISBURSAL",
        )
    assert twice.value.code == "DUPLICATE_POSTING"
    # The same reference on another account is a different posting.
    ledger_post(
        bank_account_id=other.pk,
        entry_type=CREDIT,
        amount=Decimal("1.00"),
        narration="Loan disbursal",
        reference="LOAN-42-DISBURSAL",
    )
    account.refresh_from_db()
    assert account.balance == Decimal("6000.00")


@pytest.mark.parametrize(
    "amount", [10.0, 10, Decimal("0.00"), Decimal("-5.00"), Decimal("1.005"), Decimal("NaN")]
)
def test_amounts_must_be_positive_decimals_in_paise(reviewer, amount):
    account = open_account(reviewer=reviewer)
    with pytest.raises(ApplicationError) as bad:
        ledger_post(bank_account_id=account.pk, entry_type=CREDIT, amount=amount, narration="x")
    assert bad.value.code == "INVALID_AMOUNT"


def test_ledger_entries_and_account_events_are_append_only(reviewer):
    account = open_account(reviewer=reviewer)
    entry = account.entries.get()
    entry.amount = Decimal("1000000.00")
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    event = account.events.first()
    event.data = {"tampered": True}
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


# --- fixed deposits -------------------------------------------------------------------------


def test_fd_maturity_of_one_lakh_at_7_percent_for_a_year():
    # 100000 * (1 + 7/400) ** 4 = 100000 * 1.0175 ** 4 = 107185.9031... -> 107185.90
    maturity = fixed_deposit_maturity(
        principal=Decimal("100000.00"),
        annual_rate_percent=Decimal("7.00"),
        tenure_months=12,
        start=datetime.date(2025, 1, 31),
    )
    assert maturity.amount == Decimal("107185.90")
    assert maturity.date == datetime.date(2026, 1, 31)


def test_fd_maturity_compounds_whole_and_broken_quarters_and_handles_month_ends():
    # 5 years at 6.20 %: 25000 * 1.0155 ** 20 = 34004.6699... -> 34004.67
    five_years = fixed_deposit_maturity(
        principal=Decimal("25000.00"),
        annual_rate_percent=Decimal("6.20"),
        tenure_months=60,
        start=datetime.date(2024, 2, 29),
    )
    assert five_years.amount == Decimal("34004.67")
    assert five_years.date == datetime.date(2029, 2, 28)
    # 4 months is 4/3 of a quarter: 10000 * 1.0125 ** (4/3) = 10167.0129... -> 10167.01
    four_months = fixed_deposit_maturity(
        principal=Decimal("10000.00"),
        annual_rate_percent=Decimal("5.00"),
        tenure_months=4,
        start=datetime.date(2025, 1, 31),
    )
    assert four_months.amount == Decimal("10167.01")
    assert four_months.date == datetime.date(2025, 5, 31)


def test_fd_maturity_rounds_half_a_paisa_up():
    # 10002 * (1 + 1/400) = 10027.005 exactly: ROUND_HALF_UP gives .01 (half-even would give .00)
    maturity = fixed_deposit_maturity(
        principal=Decimal("10002.00"),
        annual_rate_percent=Decimal("1.00"),
        tenure_months=3,
        start=datetime.date(2025, 1, 1),
    )
    assert maturity.amount == Decimal("10027.01")


def test_fd_request_takes_todays_rate_and_approval_credits_the_principal(reviewer):
    rate = FixedDepositRateFactory(annual_rate_percent=Decimal("7.00"))
    FixedDepositRateFactory(
        annual_rate_percent=Decimal("6.00"),
        effective_from=datetime.date(2020, 1, 1),
    )
    assert fixed_deposit_rate_for(months=12) == rate

    account = open_account(
        reviewer=reviewer,
        account_type=AccountType.FIXED_DEPOSIT,
        fd_amount=Decimal("100000.00"),
        fd_tenure_months=12,
    )

    account.refresh_from_db()
    assert (account.fd_principal, account.fd_tenure_months) == (Decimal("100000.00"), 12)
    assert account.fd_rate == rate and account.fd_rate_percent == Decimal("7.00")
    assert account.balance == Decimal("100000.00")
    entry = account.entries.get()
    assert (entry.amount, entry.narration) == (Decimal("100000.00"), "Fixed deposit principal")
    maturity = bank_account_fd_maturity(account=account)
    assert maturity.amount == Decimal("107185.90")
    # A later change of the rate table leaves the deposit's rate alone.
    rate.annual_rate_percent = Decimal("8.00")
    rate.save()
    account.refresh_from_db()
    assert account.fd_rate_percent == Decimal("7.00")


def test_fd_request_refuses_small_amounts_and_tenures_without_a_rate():
    FixedDepositRateFactory(min_months=12, max_months=23)
    user = onboarded_customer()
    with pytest.raises(ApplicationError) as small:
        bank_account_request(
            user=user,
            account_type="FIXED_DEPOSIT",
            fd_amount=Decimal("9999.99"),
            fd_tenure_months=12,
        )
    assert (small.value.code, small.value.field) == ("BELOW_MINIMUM", "fd_amount")
    assert "₹10,000.00" in small.value.message
    with pytest.raises(ApplicationError) as no_rate:
        bank_account_request(
            user=user,
            account_type="FIXED_DEPOSIT",
            fd_amount=Decimal("10000.00"),
            fd_tenure_months=999,
        )
    assert (no_rate.value.code, no_rate.value.field) == ("NO_FD_RATE", "fd_tenure_months")
    with pytest.raises(ApplicationError) as missing:
        bank_account_request(user=user, account_type="FIXED_DEPOSIT", fd_tenure_months=12)
    assert missing.value.field == "fd_amount"
    assert BankAccount.objects.count() == 0


def test_seeded_rates_cover_common_tenures():
    from accounts.models import FixedDepositRate

    if not FixedDepositRate.objects.exists():
        pytest.skip("a transactional test flushed the seeded rates before this one")
    for months in (3, 6, 12, 24, 36, 60, 120):
        assert fixed_deposit_rate_for(months=months) is not None
