"""Factories for customer profiles; users come from :mod:`smartbank.tests.factories` (one user
factory for every app's tests), re-exported here."""

import datetime

import factory

from accounts.models import CustomerProfile
from smartbank.tests.factories import TEST_PASSWORD, UserFactory

__all__ = ["TEST_PASSWORD", "CustomerProfileFactory", "UserFactory"]


class CustomerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerProfile

    user = factory.SubFactory(UserFactory)
    phone = "+919876543210"
    date_of_birth = datetime.date(1990, 8, 5)
