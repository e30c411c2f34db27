"""Reads of customer data."""

from typing import Any

from kyc.models import KycCase
from kyc.selectors import kyc_case_latest

from ..models import CustomerProfile


def registration_get(*, registration_id: Any, viewer: Any) -> CustomerProfile | None:
    """The registration (customer profile) ``registration_id`` if ``viewer`` may see it.

    Customers see only their own; staff see all. Returns ``None`` otherwise (the API answers
    404, never 403, so ids of other customers are not disclosed).
    """
    qs = CustomerProfile.objects.select_related("user")
    if not viewer.is_staff:
        qs = qs.filter(user=viewer)
    return qs.filter(pk=registration_id).first()


def registration_kyc_case(*, profile: CustomerProfile) -> KycCase | None:
    """The KYC case that decides the registration's status: the customer's latest."""
    return kyc_case_latest(user=profile.user)


def customer_is_onboarded(*, user: Any) -> tuple[bool, str | None]:
    """Whether the customer may open accounts and apply for loans (issue #3).

    Returns ``(True, None)`` or ``(False, code)`` with ``code`` one of ``NOT_A_CUSTOMER``,
    ``CONTACT_NOT_VERIFIED`` (email or phone OTP not yet confirmed) and ``KYC_NOT_VERIFIED``.
    """
    from kyc.selectors import kyc_is_verified

    profile = CustomerProfile.objects.filter(user=user).first()
    if profile is None:
        return False, "NOT_A_CUSTOMER"
    if profile.email_verified_at is None or profile.phone_verified_at is None:
        return False, "CONTACT_NOT_VERIFIED"
    if not kyc_is_verified(user=user):
        return False, "KYC_NOT_VERIFIED"
    return True, None
