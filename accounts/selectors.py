"""Reads of customer data."""

from typing import Any

from kyc.models import KycCase
from kyc.selectors import kyc_case_latest

from .models import CustomerProfile


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
