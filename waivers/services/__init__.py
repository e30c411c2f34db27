"""Every write to waiver data: the customer's request, the verification's status changes and
the staff decision that posts the waiver to the loan's ledger (issue #5).

Each status change goes through :func:`smartbank.transitions.transition`: it locks the waiver
row, checks ``WaiverRequest.ALLOWED_TRANSITIONS``, saves with ``update_fields`` and appends a
:class:`~waivers.models.WaiverEvent`, in one transaction, so two members of staff approving at
once yield one approval and one clear error.

Modules: :mod:`.submission`, :mod:`.verification` (the automated status changes),
:mod:`.decisions` (staff). Import from ``waivers.services``. The verification's result types,
reasons and decision rule live in :mod:`waivers.pipeline`, which these modules import (never
the reverse).
"""

from .decisions import (
    waiver_document_viewed,
    waiver_request_approve,
    waiver_request_reject,
)
from .submission import (
    certificate_number_validate,
    check_certificate_upload,
    waiver_amount_resolve,
    waiver_request_submit,
)
from .verification import (
    waiver_request_processing_failed,
    waiver_request_processing_start,
    waiver_request_verification_complete,
)

__all__ = [
    "certificate_number_validate",
    "check_certificate_upload",
    "waiver_amount_resolve",
    "waiver_document_viewed",
    "waiver_request_approve",
    "waiver_request_processing_failed",
    "waiver_request_processing_start",
    "waiver_request_reject",
    "waiver_request_submit",
    "waiver_request_verification_complete",
]
