"""Every write to KYC data: submission, the pipeline's status changes, staff review.

Each status change goes through :func:`smartbank.transitions.transition`: it locks the case
row, checks ``KycCase.ALLOWED_TRANSITIONS``, saves with ``update_fields`` and appends a
:class:`~kyc.models.KycCaseEvent`, in one transaction (seed 003: "every transition writes an
audit event").

Modules: :mod:`.submission`, :mod:`.processing` (the pipeline's status changes),
:mod:`.review` (staff). Import from ``kyc.services``. The pipeline's result types, reasons
and decision rule live in :mod:`kyc.pipeline`, which these modules import (never the reverse).
"""

from .processing import (
    kyc_case_complete,
    kyc_case_processing_failed,
    kyc_case_processing_start,
)
from .review import (
    kyc_case_approve,
    kyc_case_reject,
    kyc_case_request_resubmission,
    kyc_document_viewed,
)
from .submission import (
    ID_NUMBER_FORMATS,
    UploadedDocument,
    check_document,
    id_types_accepted_message,
    kyc_case_submit,
    validate_country_of_residence,
    validate_document_expiry,
    validate_id_number,
    validate_id_type_for_country,
    validate_nationality,
    validate_passport_fields,
)
from .submission import _store_document as _store_document

__all__ = [
    "ID_NUMBER_FORMATS",
    "UploadedDocument",
    "check_document",
    "id_types_accepted_message",
    "kyc_case_approve",
    "kyc_case_complete",
    "kyc_case_processing_failed",
    "kyc_case_processing_start",
    "kyc_case_reject",
    "kyc_case_request_resubmission",
    "kyc_case_submit",
    "kyc_document_viewed",
    "validate_country_of_residence",
    "validate_document_expiry",
    "validate_id_number",
    "validate_id_type_for_country",
    "validate_nationality",
    "validate_passport_fields",
]
