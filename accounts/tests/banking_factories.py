"""Factories and helpers for bank account tests: onboarded customers, rates, open accounts."""

import datetime
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from accounts.models import AccountType, BankAccount, FixedDepositRate
from accounts.services import account_number_generate, bank_account_approve, bank_account_request
from accounts.tests.factories import CustomerProfileFactory, UserFactory
from kyc.tests.factories import KycCaseFactory


def onboarded_customer(**user_fields: Any) -> Any:
    """A customer with email and phone verified and a VERIFIED KYC case: may open accounts."""
    now = timezone.now()
    user = UserFactory(**user_fields)
    CustomerProfileFactory(user=user, email_verified_at=now, phone_verified_at=now)
    KycCaseFactory(user=user, status="VERIFIED", reasons=[])
    return user


class FixedDepositRateFactory(factory.django.DjangoModelFactory):
    """12-23 months at 7.00 % p.a., effective today (so it wins over the seeded rates)."""

    class Meta:
        model = FixedDepositRate

    min_months = 12
    max_months = 23
    annual_rate_percent = Decimal("7.00")
    effective_from = factory.LazyFunction(timezone.localdate)
    is_active = True


class BankAccountFactory(factory.django.DjangoModelFactory):
    """A REQUESTED savings account with a valid number, created without the services."""

    class Meta:
        model = BankAccount

    user = factory.LazyFunction(onboarded_customer)
    number = factory.LazyFunction(account_number_generate)
    account_type = AccountType.SAVINGS


def open_account(
    *,
    user: Any = None,
    reviewer: Any = None,
    account_type: str = AccountType.SAVINGS,
    **terms: Any,
) -> BankAccount:
    """Request an account through the service and have ``reviewer`` approve it (ACTIVE)."""
    user = user or onboarded_customer()
    reviewer = reviewer or UserFactory(is_staff=True, is_superuser=True)
    account = bank_account_request(user=user, account_type=account_type, **terms)
    return bank_account_approve(bank_account_id=account.pk, actor=reviewer)


def local_datetime(day: datetime.date, hour: int = 12) -> datetime.datetime:
    """Noon (or ``hour``) of ``day`` in the portal's time zone, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
