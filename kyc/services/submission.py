"""A customer's KYC submission: ID number and upload checks, the case and its documents."""

import datetime
import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from smartbank.celery import enqueue_on_commit
from smartbank.countries import country_alpha_2, country_name
from smartbank.crypto import encrypt_text
from smartbank.engines.documents import mask_id_number, normalise_id_number
from smartbank.errors import ApplicationError, ConflictError
from smartbank.uploads import UploadRejected, check_upload

from ..events import kyc_case_event_record
from ..models import ID_TYPES_WITH_EXPIRY, IdType, KycCase, KycCaseEvent, KycDocument
from ..selectors import (
    id_number_hash,
    id_number_registered_to_other,
    kyc_customer_country,
    kyc_id_types_for_country,
)

logger = logging.getLogger(__name__)

ID_NUMBER_FORMATS = {
    IdType.AADHAAR: ("^[2-9][0-9]{11}$", "An Aadhaar number has 12 digits and starts with 2-9."),
    IdType.PAN: ("^[A-Z]{5}[0-9]{4}[A-Z]$", "A PAN has 10 characters, like ABCPE1234F."),
    IdType.PASSPORT: (
        "^(?=.*[0-9])[A-Z0-9]{6,9}$",
        "A passport number has 6 to 9 letters and digits, like K1234567.",
    ),
}


@dataclass(frozen=True)
class UploadedDocument:
    """A file as received from a form or the API: its bytes (at most the upload limit)."""

    data: bytes


# --- submission ---------------------------------------------------------------------------


def validate_id_number(*, id_type: str, id_number: str) -> str:
    """Normalise ``id_number`` and check its format for ``id_type``.

    Returns the normalised number (Aadhaar: 12 digits, PAN: 10 upper-case characters).
    Raises :class:`ApplicationError` (field ``id_number``) for a malformed number. The Aadhaar
    Verhoeff checksum is checked by the pipeline, which records ``ID_CHECKSUM_INVALID``.
    """
    import re

    if id_type not in IdType.values:
        raise ApplicationError(
            "Choose Aadhaar, PAN or Passport.", code="invalid_choice", field="id_type"
        )
    number = normalise_id_number(id_type, id_number)
    pattern, message = ID_NUMBER_FORMATS[IdType(id_type)]
    if not re.fullmatch(pattern, number):
        raise ApplicationError(message, code="ID_FORMAT_INVALID", field="id_number")
    return number


def validate_country_of_residence(*, country: str) -> str:
    """The ISO 3166-1 alpha-2 code of ``country`` (alpha-2 or alpha-3, any case; pycountry).

    Raises :class:`ApplicationError` (field ``country_of_residence``, code
    ``COUNTRY_INVALID``) for an unknown code.
    """
    code = country_alpha_2(country)
    if code is None:
        raise ApplicationError(
            "Choose your country of residence, e.g. IN for India.",
            code="COUNTRY_INVALID",
            field="country_of_residence",
        )
    return code


def validate_id_type_for_country(*, id_type: str, country: str) -> None:
    """Check that residents of ``country`` (ISO 3166-1 alpha-2) may verify with ``id_type``
    (the admin's table of :class:`~kyc.models.KycDocumentRule`, issue 11 "documents by
    country"; :func:`kyc.selectors.kyc_id_types_for_country`).

    Raises :class:`ApplicationError` (field ``id_type``, code ``ID_TYPE_NOT_ACCEPTED``) with
    the accepted types: "Residents of United States can verify with: Passport."
    """
    accepted = kyc_id_types_for_country(country)
    if id_type not in accepted:
        raise ApplicationError(
            id_types_accepted_message(country=country, accepted=accepted),
            code="ID_TYPE_NOT_ACCEPTED",
            field="id_type",
        )


def id_types_accepted_message(*, country: str, accepted: list[str]) -> str:
    """ "Residents of {country name} can verify with: Aadhaar, PAN, Passport." for the
    ``accepted`` ID types (``IdType`` values) of ``country`` (ISO 3166-1 alpha-2)."""
    labels = ", ".join(str(IdType(value).label) for value in accepted) or "none at the moment"
    return f"Residents of {country_name(country)} can verify with: {labels}."


def validate_nationality(*, nationality: str) -> str:
    """The ISO 3166-1 alpha-3 code of ``nationality`` (alpha-3 or alpha-2, any case; pycountry).

    Raises :class:`ApplicationError` (field ``nationality``) for an unknown code.
    """
    import pycountry

    code = (nationality or "").strip().upper()
    country = None
    if len(code) == 3:
        country = pycountry.countries.get(alpha_3=code)
    elif len(code) == 2:
        country = pycountry.countries.get(alpha_2=code)
    if country is None:
        raise ApplicationError(
            "Enter the nationality as printed in the passport, e.g. IND.",
            code="NATIONALITY_INVALID",
            field="nationality",
        )
    return country.alpha_3


def validate_document_expiry(
    *, document_expiry: datetime.date | None, today: datetime.date | None = None
) -> datetime.date:
    """Check a passport's expiry date as entered: required, and not before ``today`` (the
    local date by default) — a passport is valid through its expiry date.

    Raises :class:`ApplicationError` (field ``document_expiry``): ``required`` when missing,
    ``DOCUMENT_EXPIRED`` when already past (the pipeline checks the date the passport itself
    prints, seed 003's "ID expiry check: reject if expired").
    """
    from django.utils import timezone

    if document_expiry is None:
        raise ApplicationError(
            "Enter the passport's date of expiry.", code="required", field="document_expiry"
        )
    if document_expiry < (today or timezone.localdate()):
        raise ApplicationError(
            "This passport has expired. Please use a passport that is still valid.",
            code="DOCUMENT_EXPIRED",
            field="document_expiry",
        )
    return document_expiry


def validate_passport_fields(
    *, id_type: str, nationality: str, document_expiry: datetime.date | None
) -> tuple[str, datetime.date | None]:
    """``(nationality, document_expiry)`` checked for ``id_type``: required for a passport
    (:func:`validate_nationality`, :func:`validate_document_expiry`), ignored (``("", None)``)
    for the other ID types. Raises :class:`ApplicationError` with the field."""
    if id_type not in ID_TYPES_WITH_EXPIRY:
        return "", None
    return (
        validate_nationality(nationality=nationality),
        validate_document_expiry(document_expiry=document_expiry),
    )


def check_document(*, data: bytes, field: str) -> str:
    """Check an upload's size and real content type; returns the sniffed content type.

    Raises :class:`ApplicationError` on ``field`` with the upload check's code and message.
    """
    try:
        return check_upload(data, max_bytes=settings.KYC_MAX_UPLOAD_BYTES)
    except UploadRejected as exc:
        raise ApplicationError(exc.message, code=exc.code, field=field) from exc


def _store_document(*, case: KycCase, kind: str, data: bytes, content_type: str) -> KycDocument:
    document = KycDocument(
        case=case,
        kind=kind,
        content_type=content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    document.file.save("upload", ContentFile(data), save=False)
    document.save()
    return document


@transaction.atomic
def kyc_case_submit(
    *,
    user: Any,
    id_type: str,
    id_number: str,
    full_name: str,
    date_of_birth: datetime.date,
    id_document: UploadedDocument,
    selfie: UploadedDocument,
    nationality: str = "",
    document_expiry: datetime.date | None = None,
    country_of_residence: str | None = None,
) -> KycCase:
    """Open a KYC case for ``user`` and enqueue verification after commit.

    ``nationality`` (ISO 3166-1 alpha-3 or alpha-2) and ``document_expiry`` are required for a
    passport (:func:`validate_passport_fields`) and ignored for the other ID types.
    ``id_type`` must be one that ``country_of_residence`` (ISO 3166-1 alpha-2; by default the
    customer's, :func:`kyc.selectors.kyc_customer_country`) accepts
    (:func:`validate_id_type_for_country`, the one place this rule is enforced).

    Raises :class:`ApplicationError` for bad input (field errors; ``ID_TYPE_NOT_ACCEPTED`` on
    ``id_type`` for a type the customer's country does not accept), :class:`ConflictError`
    (code ``DUPLICATE_ID``) when another customer already registered the ID number, and
    :class:`ApplicationError` (code ``KYC_NOT_ALLOWED``) when the customer has an open or
    verified case or has used ``settings.KYC_MAX_ATTEMPTS`` attempts.
    """
    validate_id_type_for_country(
        id_type=id_type, country=country_of_residence or kyc_customer_country(user=user)
    )
    number = validate_id_number(id_type=id_type, id_number=id_number)
    nationality, document_expiry = validate_passport_fields(
        id_type=id_type, nationality=nationality, document_expiry=document_expiry
    )
    id_content_type = check_document(data=id_document.data, field="id_document")
    selfie_content_type = check_document(data=selfie.data, field="selfie")
    if selfie_content_type == "application/pdf":
        raise ApplicationError(
            "The selfie must be a JPG or PNG photo.", code="UNSUPPORTED_FILE_TYPE", field="selfie"
        )
    if id_number_registered_to_other(id_type=id_type, id_number=number, user=user):
        raise ConflictError(
            "This ID number is already registered to another customer.",
            code="DUPLICATE_ID",
            field="id_number",
        )

    # Serialise submissions of one customer: lock their cases before counting attempts.
    previous = list(KycCase.objects.select_for_update().filter(user=user).order_by("-attempt"))
    latest = previous[0] if previous else None
    if latest is not None:
        if latest.status == KycCase.Status.VERIFIED:
            raise ApplicationError("Your KYC is already verified.", code="KYC_NOT_ALLOWED")
        if latest.is_open:
            raise ApplicationError(
                "Your documents are still being checked.", code="KYC_NOT_ALLOWED"
            )
        if latest.attempt >= settings.KYC_MAX_ATTEMPTS and not latest.resubmission_allowed:
            raise ApplicationError(
                "You have used all attempts; our staff will contact you.", code="KYC_NOT_ALLOWED"
            )

    case = KycCase.objects.create(
        user=user,
        attempt=(latest.attempt + 1) if latest else 1,
        id_type=id_type,
        id_number_encrypted=encrypt_text(number),
        id_number_hash=id_number_hash(id_type=id_type, id_number=number),
        id_number_masked=mask_id_number(id_type, number),
        full_name=full_name.strip(),
        date_of_birth=date_of_birth,
        nationality=nationality,
        document_expiry=document_expiry,
    )
    _store_document(
        case=case,
        kind=KycDocument.Kind.ID_DOCUMENT,
        data=id_document.data,
        content_type=id_content_type,
    )
    _store_document(
        case=case, kind=KycDocument.Kind.SELFIE, data=selfie.data, content_type=selfie_content_type
    )
    kyc_case_event_record(
        case=case,
        type=KycCaseEvent.Type.SUBMITTED,
        actor=user,
        data={"status": case.status, "attempt": case.attempt, "id_type": id_type},
    )
    logger.info("kyc case %s submitted (attempt %s)", case.id, case.attempt)

    enqueue_on_commit("kyc.tasks.kyc_case_verify_task", str(case.id))
    return case
