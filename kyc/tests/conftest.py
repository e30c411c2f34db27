"""Fixtures of the KYC tests: ``kyc`` sits below ``accounts``, so its customers are plain users."""

import pytest

from smartbank.tests.factories import UserFactory


@pytest.fixture
def customer(db):
    """A customer as KYC knows them: a user named Neil Armstrong (no accounts profile; the root
    conftest's ``customer`` adds one for the apps above). Their KYC form's date of birth is the
    one they type."""
    return UserFactory(full_name="Neil Armstrong")
