"""Helpers for waiver tests: the seeded types (re-created after a transactional test's flush),
waiver officers, APPROVED loans made directly with the ORM, and waivers in a given status
without running the verification."""

import hashlib
import importlib
import secrets
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.tests.factories import CustomerProfileFactory, UserFactory
from loans.loan_accounts import loan_account_ensure
from loans.models import LoanApplication, StageStatus
from loans.services import application_id_generate
from loans.tests.factories import default_product
from waivers.models import CertificateType, WaiverRequest, WaiverType
from waivers.services import waiver_request_submit
from waivers.tests import certificates

_SEED = importlib.import_module("waivers.migrations.0002_seed_types_and_group")

PERSONAL_RATE = Decimal("10.50")
#: Total repayable (principal + scheduled interest) of INR 2,50,000 at 10.50 % over 24 months.
LOAN_AMOUNT = Decimal("250000.00")
TENURE_MONTHS = 24


def ensure_seed() -> None:
    """The seeded waiver types, certificate types and "Waiver officers" group of migration
    0002 (flushed by transactional tests)."""
    for row in _SEED.WAIVER_TYPES:
        WaiverType.objects.get_or_create(code=row["code"], defaults=row)
    for row in _SEED.CERTIFICATE_TYPES:
        fields = {k: v for k, v in row.items() if k != "allowed"}
        certificate_type, _ = CertificateType.objects.get_or_create(
            code=row["code"], defaults=fields
        )
        certificate_type.allowed_waiver_types.set(
            WaiverType.objects.filter(code__in=row["allowed"])
        )
    group, _ = Group.objects.get_or_create(name="Waiver officers")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="waivers",
            codename__in=[codename for _, codename in _SEED.WAIVER_OFFICER_PERMISSIONS],
        )
    )


def waiver_type(code: str = "interest") -> WaiverType:
    ensure_seed()
    return WaiverType.objects.get(code=code)


def certificate_type(code: str = "agri-debt-relief") -> CertificateType:
    ensure_seed()
    return CertificateType.objects.get(code=code)


def waiver_officer(**fields: Any) -> Any:
    """A staff user in the "Waiver officers" group."""
    ensure_seed()
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name="Waiver officers"))
    return user


def borrower(**fields: Any) -> Any:
    """A registered customer (profile included)."""
    fields.setdefault("full_name", "Ramesh Patil")
    return CustomerProfileFactory(user=UserFactory(**fields)).user


def approved_loan(
    *,
    customer: Any,
    loan_amount: Decimal = LOAN_AMOUNT,
    tenure_months: int = TENURE_MONTHS,
    status: str = LoanApplication.Status.APPROVED,
) -> LoanApplication:
    """A loan application of ``customer`` decided as ``status`` (APPROVED by default) with
    every stage approved, made directly with the ORM (the loans pipeline is not under test)."""
    approved = status == LoanApplication.Status.APPROVED
    now = timezone.now()
    return LoanApplication.objects.create(
        application_id=application_id_generate(),
        customer=customer,
        submitted_by=customer,
        product=default_product(),
        status=status,
        name=customer.full_name,
        email=customer.email,
        phone="+919876543210",
        region="ASIA",
        country="India",
        country_code="IN",
        income=Decimal("900000.00"),
        debt=Decimal("50000.00"),
        credit_score=760,
        loan_amount=loan_amount,
        loan_purpose="Crop loan",
        tenure_months=tenure_months,
        kyc_status=StageStatus.APPROVED,
        compliance_status=StageStatus.APPROVED,
        eligibility_status=StageStatus.APPROVED,
        final_status=StageStatus.APPROVED if approved else StageStatus.PENDING,
        final_decision_at=now if approved else None,
    )


def agri_scan(number: str = certificates.AGRI_NUMBER, **kwargs: Any) -> bytes:
    """An agricultural debt relief certificate with ``number``, PNG bytes."""
    return certificates.to_bytes(certificates.render_agri_relief(number=number, **kwargs), "PNG")


def submit(
    *,
    customer: Any,
    loan: LoanApplication,
    document: bytes,
    number: str = certificates.AGRI_NUMBER,
    waiver: str = "interest",
    certificate: str = "agri-debt-relief",
    amount: Decimal | None = None,
    percent: Decimal | None = None,
) -> WaiverRequest:
    """Submit through the service (10 % of what is owed unless told otherwise)."""
    if amount is None and percent is None:
        percent = Decimal("10")
    return waiver_request_submit(
        customer=customer,
        loan=loan,
        waiver_type=waiver_type(waiver),
        certificate_type=certificate_type(certificate),
        certificate_number=number,
        document=document,
        amount=amount,
        percent=percent,
    )


def waiver_in_review(
    *,
    customer: Any,
    loan: LoanApplication,
    amount: Decimal,
    status: str = WaiverRequest.Status.VERIFIED,
    number: str = certificates.AGRI_NUMBER,
    waiver: str = "interest",
    certificate: str = "agri-debt-relief",
    document: bytes | None = None,
) -> WaiverRequest:
    """A waiver already verified (or in ``status``), made with the ORM, its loan account
    opened; the scan defaults to a small PNG unique to this waiver."""
    account = loan_account_ensure(application=loan)
    data = document or certificates.to_bytes(
        certificates.render_disability(number=f"MH{secrets.randbelow(10**16):016d}"),
        "PNG",
    )
    request = WaiverRequest(
        customer=customer,
        loan=loan,
        waiver_type=waiver_type(waiver),
        certificate_type=certificate_type(certificate),
        certificate_number=number,
        certificate_number_read=number,
        status=status,
        requested_amount=amount,
        amount=amount,
        outstanding_at_request=account.balance,
        content_type="image/png",
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        candidates=[
            {"read": number, "number": number, "confidence": 91.0, "line": 3, "distance": 0}
        ],
    )
    request.document.save("upload", ContentFile(data), save=False)
    request.save()
    return request
