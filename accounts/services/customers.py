"""Writes for customers: registration (user + profile + first KYC case in one transaction)."""

import datetime
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kyc.models import KycCase
from kyc.services import (
    UploadedDocument,
    kyc_case_submit,
    validate_country_of_residence,
    validate_id_type_for_country,
)
from smartbank.countries import HOME_COUNTRY
from smartbank.errors import ApplicationError, ConflictError

from ..events import customer_event_record
from ..models import CustomerEvent, CustomerProfile, OtpDevice, User
from .otp import contact_verification_start


def _check_password(password: str, *, email: str, full_name: str) -> None:
    try:
        validate_password(password, user=User(email=email, full_name=full_name))
    except ValidationError as exc:
        raise ApplicationError(
            " ".join(exc.messages), code="password_invalid", field="password"
        ) from exc


@transaction.atomic
def customer_register(
    *,
    email: str,
    password: str,
    full_name: str,
    phone: Any,
    date_of_birth: datetime.date,
    id_type: str | None = None,
    id_number: str | None = None,
    id_document: UploadedDocument | None = None,
    selfie: UploadedDocument | None = None,
    nationality: str = "",
    document_expiry: datetime.date | None = None,
    country_of_residence: str = HOME_COUNTRY,
) -> tuple[CustomerProfile, KycCase | None]:
    """Create a customer and, when ID data is given, their first KYC case.

    Verification codes go to the email address and the phone (issue #3); the KYC pipeline
    runs meanwhile. ``nationality`` and ``document_expiry`` go with a passport
    (:func:`kyc.services.kyc_case_submit`). ``country_of_residence`` (ISO 3166-1 alpha-2 or
    alpha-3; India by default) is stored on the profile as alpha-2 and decides which ID types
    the customer may use: an ``id_type`` it does not accept is refused (``ID_TYPE_NOT_ACCEPTED``
    on ``id_type``) before anything is created.

    ``phone`` is a ``phonenumbers.PhoneNumber`` or E.164 string. Everything happens in one
    transaction; verification is enqueued after commit by :func:`kyc.services.kyc_case_submit`.
    Raises :class:`ConflictError` (code ``EMAIL_TAKEN`` or ``DUPLICATE_ID``) and
    :class:`ApplicationError` for invalid input (password validators, country, ID type for the
    country, ID format, files).
    """
    country_of_residence = validate_country_of_residence(country=country_of_residence)
    if id_type:
        validate_id_type_for_country(id_type=id_type, country=country_of_residence)
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ConflictError(
            "An account with this email already exists.", code="EMAIL_TAKEN", field="email"
        )
    _check_password(password, email=email, full_name=full_name)
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email, password=password, full_name=full_name.strip()
            )
    except IntegrityError as exc:  # a concurrent registration with the same email
        raise ConflictError(
            "An account with this email already exists.", code="EMAIL_TAKEN", field="email"
        ) from exc
    profile = CustomerProfile.objects.create(
        user=user,
        phone=phone,
        date_of_birth=date_of_birth,
        country_of_residence=country_of_residence,
    )
    customer_event_record(profile=profile, type=CustomerEvent.Type.REGISTERED, actor=user)
    contact_verification_start(user=user)
    case = None
    if id_type and id_number and id_document is not None and selfie is not None:
        case = kyc_case_submit(
            user=user,
            id_type=id_type,
            id_number=id_number,
            full_name=user.full_name,
            date_of_birth=date_of_birth,
            id_document=id_document,
            selfie=selfie,
            nationality=nationality,
            document_expiry=document_expiry,
            country_of_residence=country_of_residence,
        )
    return profile, case


def demo_staff_ensure(*, email: str, password: str) -> User:
    """Create (or reset the password of) the demo staff superuser used by ``make run``, with a
    confirmed EMAIL OTP device: its login codes appear in the ``make run`` console."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_superuser(
            email=email, password=password, full_name="Demo Reviewer"
        )
    else:
        user.set_password(password)
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["password", "is_staff", "is_superuser"])
    OtpDevice.objects.update_or_create(
        user=user, channel=OtpDevice.Channel.EMAIL, defaults={"name": "email", "confirmed": True}
    )
    return user
