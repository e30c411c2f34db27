"""Every write to loan applications: submission, the verification stages' results, staff
decisions (maker-checker), reprocessing, notification of the applicant and disbursement.

Each status change goes through :func:`smartbank.transitions.transition`: it locks the
application row, checks ``LoanApplication.ALLOWED_TRANSITIONS`` (and the maps of the stage
statuses and ``final_status``, ``LoanApplication.FIELD_TRANSITIONS``), saves with
``update_fields`` and appends a :class:`~loans.models.LoanApplicationEvent`, in one
transaction. Amounts are ``Decimal`` INR with 2 places.

Modules: :mod:`.submission`, :mod:`.processing` (the stages' results), :mod:`.decisions`
(staff), :mod:`.outcomes` (disbursement, notification), :mod:`.repayments` (the customer pays
an EMI). Import from ``loans.services``.
"""

from .decisions import (
    loan_application_approve,
    loan_application_reject,
    loan_application_reprocess,
)
from .outcomes import disbursal_reference, loan_application_disburse, loan_application_notify
from .processing import (
    loan_application_checks_complete,
    loan_application_processing_failed,
    loan_application_processing_start,
    loan_applications_decide,
    loan_applications_decide_waiting,
)
from .repayments import RepaymentResult, loan_repayment_pay
from .submission import application_id_generate, loan_application_submit

__all__ = [
    "RepaymentResult",
    "application_id_generate",
    "disbursal_reference",
    "loan_application_approve",
    "loan_application_checks_complete",
    "loan_application_disburse",
    "loan_application_notify",
    "loan_application_processing_failed",
    "loan_application_processing_start",
    "loan_application_reject",
    "loan_application_reprocess",
    "loan_application_submit",
    "loan_applications_decide",
    "loan_applications_decide_waiting",
    "loan_repayment_pay",
]
