"""Every write to loan applications: submission, the verification stages' results, staff
decisions (maker-checker), reprocessing, notification of the applicant and disbursement.

Each status change locks the application row, checks ``LoanApplication.ALLOWED_TRANSITIONS``,
saves with ``update_fields`` and appends a :class:`~loans.models.LoanApplicationEvent`, in one
transaction. Amounts are ``Decimal`` INR with 2 places.
"""

import datetime
import hashlib
import logging
import secrets
import string
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import LedgerEntry
from accounts.services import ledger_post
from smartbank.errors import ApplicationError, ConflictError, InvalidTransition
from smartbank.money import format_inr
from smartbank.notifications import mask_account_number, notification_send

from . import rules
from .countries import country_resolve
from .events import loan_application_event_record
from .models import LoanApplication, LoanApplicationEvent, LoanProduct, Region, StageStatus
from .pipeline import ChecksOutcome
from .selectors import (
    customer_profile_for,
    disbursement_account_for,
    loan_application_duplicate_exists,
    loan_application_emi,
    loan_application_tenure,
    loan_product_default,
    user_may_decide,
)

logger = logging.getLogger(__name__)

Status = LoanApplication.Status
EventType = LoanApplicationEvent.Type
_ID_ALPHABET = string.ascii_uppercase + string.digits
PAISA = Decimal("0.01")
CREDIT_SCORE_RANGE = (300, 900)  # CIBIL's range; FICO's 300-850 fits inside
MAX_DOCUMENTS = 20


class NotAllowed(ApplicationError):
    """The user may not take this action on this application (HTTP 403)."""

    status_code = 403


# --- submission ---------------------------------------------------------------------------


def application_id_generate(*, on: datetime.date | None = None) -> str:
    """``LOAN-YYYYMMDD-XXXXXXXX``: the local date and 8 random upper-case letters and digits."""
    day = on or timezone.localdate()
    suffix = "".join(secrets.choice(_ID_ALPHABET) for _ in range(8))
    return f"LOAN-{day:%Y%m%d}-{suffix}"


def _amount(value: Any, *, field: str, positive: bool) -> Decimal:
    if isinstance(value, int | str) and not isinstance(value, bool):
        value = Decimal(str(value))
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ApplicationError("Enter an amount in rupees.", code="invalid", field=field)
    if value < 0 or (positive and value == 0):
        word = "positive" if positive else "zero or more"
        raise ApplicationError(f"The amount must be {word}.", code="invalid", field=field)
    if value != value.quantize(PAISA):
        raise ApplicationError(
            "An amount has at most 2 decimal places.", code="invalid", field=field
        )
    if value >= Decimal("1e12"):
        raise ApplicationError("The amount is too large.", code="invalid", field=field)
    return value.quantize(PAISA)


def _text(value: str, *, field: str, max_length: int) -> str:
    value = " ".join(str(value or "").split())
    if not value:
        raise ApplicationError("This field is required.", code="required", field=field)
    if len(value) > max_length:
        raise ApplicationError(f"At most {max_length} characters.", code="max_length", field=field)
    return value


def _applicant_lock(*, key: str) -> None:
    """Serialise submissions of one applicant (transaction-scoped PostgreSQL advisory lock),
    so two identical requests at once cannot both pass the duplicate check."""
    digest = hashlib.sha256(f"loan-applicant:{key}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)]
        )


@transaction.atomic
def loan_application_submit(
    *,
    submitted_by: Any,
    income: Decimal,
    debt: Decimal,
    credit_score: int,
    loan_amount: Decimal,
    loan_purpose: str,
    region: str,
    country: str,
    product: LoanProduct | None = None,
    customer: Any = None,
    name: str = "",
    email: str = "",
    phone: str = "",
    date_of_birth: datetime.date | None = None,
    tenure_months: int | None = None,
    documents_uploaded: bool = False,
    documents: Sequence[str] = (),
) -> LoanApplication:
    """File a loan application and enqueue its verification after commit.

    For a registered ``customer`` (a user with a customer profile) the applicant's name,
    email, phone and date of birth come from their account and profile, and KYC means their
    KYC case is VERIFIED; ``name``/``email``/``phone`` are then ignored. Without ``customer``
    (an integrator's submission) they are required and checked by seed 001's KYC rules.

    ``country`` is a name or an ISO 3166 alpha-2/alpha-3 code (stored as ``country_code`` and
    ``country``); ``region`` one of :class:`~loans.models.Region`; amounts ``Decimal`` INR (ints
    and numeric strings accepted) with at most 2 places; ``credit_score`` 300-900;
    ``tenure_months`` 1 to the product's maximum (default: the maximum); ``product`` default
    :func:`loans.selectors.loan_product_default`.

    Returns the SUBMITTED application. Raises :class:`ApplicationError` with ``field`` for
    invalid input, and :class:`ConflictError` ``DUPLICATE_APPLICATION`` (409) when the same
    applicant has a PENDING or APPROVED application for the same amount and purpose.
    """
    product = product or loan_product_default()
    if product is None or not product.is_active:
        raise ApplicationError(
            "This loan product is not available.", code="invalid_choice", field="product"
        )
    income = _amount(income, field="income", positive=False)
    debt = _amount(debt, field="debt", positive=False)
    loan_amount = _amount(loan_amount, field="loan_amount", positive=True)
    if not isinstance(credit_score, int) or not (
        CREDIT_SCORE_RANGE[0] <= credit_score <= CREDIT_SCORE_RANGE[1]
    ):
        raise ApplicationError(
            "A credit score is a whole number from 300 to 900.",
            code="invalid",
            field="credit_score",
        )
    loan_purpose = _text(loan_purpose, field="loan_purpose", max_length=200)
    if region not in Region.values:
        raise ApplicationError(
            f"Choose one of {', '.join(Region.values)}.", code="invalid_choice", field="region"
        )
    resolved = country_resolve(country)
    if resolved is None:
        raise ApplicationError(
            "Enter a country name or ISO 3166 code.", code="invalid", field="country"
        )
    country_code, country_name = resolved
    if tenure_months is None:
        tenure_months = product.max_tenure_months
    if not (1 <= tenure_months <= product.max_tenure_months):
        raise ApplicationError(
            f"Choose a tenure from 1 to {product.max_tenure_months} months.",
            code="invalid",
            field="tenure_months",
        )
    documents = [str(d).strip()[:100] for d in documents if str(d).strip()]
    if len(documents) > MAX_DOCUMENTS:
        raise ApplicationError(
            f"At most {MAX_DOCUMENTS} documents.", code="invalid", field="documents"
        )

    if customer is not None:
        profile = customer_profile_for(user=customer)
        if profile is None:
            raise ApplicationError(
                "Only registered customers apply from their account.", code="NOT_A_CUSTOMER"
            )
        name, email = customer.full_name, customer.email
        phone, date_of_birth = str(profile.phone), profile.date_of_birth
        applicant_key = f"customer:{customer.pk}"
    else:
        name = _text(name, field="name", max_length=150)
        email = _text(email, field="email", max_length=254)
        phone = _text(phone, field="phone", max_length=32)
        applicant_key = f"email:{email.casefold()}"

    _applicant_lock(key=applicant_key)
    if loan_application_duplicate_exists(
        customer=customer, email=email, loan_amount=loan_amount, loan_purpose=loan_purpose
    ):
        raise ConflictError(
            "This applicant already has a pending or approved application for the same amount"
            " and purpose.",
            code="DUPLICATE_APPLICATION",
        )

    fields = {
        "customer": customer,
        "submitted_by": submitted_by,
        "product": product,
        "name": name,
        "email": email,
        "phone": phone,
        "region": region,
        "country": country_name,
        "country_code": country_code,
        "date_of_birth": date_of_birth,
        "income": income,
        "debt": debt,
        "credit_score": credit_score,
        "loan_amount": loan_amount,
        "loan_purpose": loan_purpose,
        "tenure_months": tenure_months,
        "documents_uploaded": bool(documents_uploaded),
        "documents": documents,
    }
    for attempt in range(5):
        try:
            with transaction.atomic():
                application = LoanApplication.objects.create(
                    application_id=application_id_generate(), **fields
                )
            break
        except IntegrityError:  # an 8-character suffix collided: draw again
            if attempt == 4:
                raise
    loan_application_event_record(
        application=application,
        type=EventType.SUBMITTED,
        actor=submitted_by,
        data={
            "status": application.status,
            "product": product.code,
            "loan_amount": str(loan_amount),
            "tenure_months": tenure_months,
            "registered_customer": customer is not None,
        },
    )
    logger.info("loan application %s submitted", application.application_id)
    _enqueue_checks(application)
    return application


def _enqueue_checks(application: LoanApplication) -> None:
    from .tasks import loan_application_process_task

    pk = str(application.pk)
    transaction.on_commit(lambda: loan_application_process_task.delay(pk))


# --- the verification stages --------------------------------------------------------------


def _locked(pk: Any) -> LoanApplication:
    return LoanApplication.objects.select_for_update().get(pk=pk)


def _move(application: LoanApplication, to: str) -> str:
    old = application.status
    if to not in LoanApplication.ALLOWED_TRANSITIONS[Status(old)]:
        raise InvalidTransition(
            f"The application is {Status(old).label.lower()}; it cannot move to {to}.",
            code="INVALID_TRANSITION",
        )
    application.status = to
    return old


@transaction.atomic
def loan_application_processing_start(*, application_pk: Any) -> LoanApplication | None:
    """Mark the application PROCESSING. Returns ``None`` when its checks already finished
    (idempotent for a redelivered task). ``LoanApplication.DoesNotExist`` for an unknown pk."""
    application = _locked(application_pk)
    if application.status not in (Status.SUBMITTED, Status.PROCESSING):
        return None
    old = _move(application, Status.PROCESSING)
    application.save(update_fields=["status", "updated_at"])
    loan_application_event_record(
        application=application,
        type=EventType.PROCESSING_STARTED,
        data={"from": old, "to": application.status},
    )
    return application


_STAGE_EVENTS = (
    ("kyc", EventType.KYC_CHECKED),
    ("compliance", EventType.COMPLIANCE_CHECKED),
    ("eligibility", EventType.ELIGIBILITY_CHECKED),
)
_STAGE_LABELS = {"kyc": "KYC", "compliance": "Compliance", "eligibility": "Eligibility"}


def _final_remarks(outcome: ChecksOutcome) -> str:
    final = outcome.final_status
    if final == rules.APPROVED:
        return "All verification stages approved"
    wanted = rules.REJECTED if final == rules.REJECTED else rules.PENDING
    parts = [
        f"{_STAGE_LABELS[stage]}: {getattr(outcome, stage).remarks}"
        for stage, _ in _STAGE_EVENTS
        if getattr(outcome, stage).status == wanted
    ]
    prefix = "Rejected" if final == rules.REJECTED else "Referred for staff review"
    return f"{prefix}. " + " | ".join(parts)


@transaction.atomic
def loan_application_checks_complete(
    *, application_pk: Any, outcome: ChecksOutcome
) -> LoanApplication:
    """Store the three stages' results and decide: APPROVED, REJECTED, or REVIEW (final
    status PENDING, in the staff's queue). Each stage's result is an audit event; an approval
    of a registered customer is disbursed (:func:`loan_application_disburse`); the applicant
    is notified. Idempotent: an application no longer PROCESSING is returned unchanged.
    """
    application = _locked(application_pk)
    if application.status != Status.PROCESSING:
        return application
    now = timezone.now()
    for stage, _ in _STAGE_EVENTS:
        result = getattr(outcome, stage)
        setattr(application, f"{stage}_status", result.status)
        setattr(application, f"{stage}_verified_at", now)
        setattr(application, f"{stage}_remarks", result.remarks)
    application.dti_ratio = outcome.eligibility.data.get("dti_ratio")
    application.political_connection = outcome.compliance.data["political_connection"]
    application.senior_relative = outcome.compliance.data["senior_relative"]
    application.compliance_evidence = outcome.evidence
    final = outcome.final_status
    to = {rules.APPROVED: Status.APPROVED, rules.REJECTED: Status.REJECTED}.get(
        final, Status.REVIEW
    )
    old = _move(application, to)
    application.final_status = final
    application.final_decision_at = now if final != rules.PENDING else None
    application.final_remarks = _final_remarks(outcome)
    application.last_error = ""
    application.save(
        update_fields=[
            *(
                f"{stage}_{suffix}"
                for stage, _ in _STAGE_EVENTS
                for suffix in ("status", "verified_at", "remarks")
            ),
            "dti_ratio",
            "political_connection",
            "senior_relative",
            "compliance_evidence",
            "status",
            "final_status",
            "final_decision_at",
            "final_remarks",
            "last_error",
            "updated_at",
        ]
    )
    for stage, event_type in _STAGE_EVENTS:
        result = getattr(outcome, stage)
        data = {
            "status": result.status,
            "remarks": result.remarks,
            "checks": [c.as_dict() for c in result.checks],
        }
        if stage == "compliance":
            data["evidence"] = outcome.evidence
        if stage == "eligibility":
            data["dti_ratio"] = str(application.dti_ratio) if application.dti_ratio else None
        loan_application_event_record(application=application, type=event_type, data=data)
    loan_application_event_record(
        application=application,
        type=EventType.AUTO_DECIDED,
        data={"from": old, "to": to, "final_status": final, "remarks": application.final_remarks},
    )
    logger.info("loan application %s decided %s", application.application_id, to)
    if to == Status.APPROVED:
        loan_application_disburse(application=application)
    _notify(application)
    return application


@transaction.atomic
def loan_application_processing_failed(
    *, application_pk: Any, error: str, final: bool
) -> LoanApplication:
    """Record a worker error (``error``: exception type and a short message, no personal
    data); with ``final`` True the application goes to REVIEW so it never sticks in
    PROCESSING, and staff can reprocess it."""
    application = _locked(application_pk)
    application.last_error = error[:1000]
    update = ["last_error", "updated_at"]
    data: dict[str, Any] = {"error": error[:300], "final": final}
    if final and application.status in (Status.SUBMITTED, Status.PROCESSING):
        data["from"] = _move(application, Status.REVIEW)
        data["to"] = application.status
        application.final_remarks = "Automatic checks failed; staff will review the application"
        update += ["status", "final_remarks"]
    application.save(update_fields=update)
    loan_application_event_record(
        application=application, type=EventType.PROCESSING_FAILED, data=data
    )
    if "to" in data:
        _notify(application)
    return application


# --- staff decisions ----------------------------------------------------------------------


def _check_officer(application: LoanApplication, officer: Any) -> None:
    if not user_may_decide(user=officer):
        raise NotAllowed("Only loan officers decide loan applications.", code="FORBIDDEN")
    if application.customer_id is not None and application.customer_id == officer.pk:
        raise NotAllowed("You cannot decide your own application.", code="OWN_APPLICATION")


def _check_in_review(application: LoanApplication, action: str) -> None:
    if application.status != Status.REVIEW:
        raise InvalidTransition(
            f"Application {application.application_id} is "
            f"{Status(application.status).label.lower()}; only applications awaiting review "
            f"can be {action}.",
            code="INVALID_TRANSITION",
        )


@transaction.atomic
def loan_application_approve(
    *, application: LoanApplication, officer: Any, note: str = ""
) -> LoanApplication:
    """A loan officer approves an application in REVIEW.

    Above the product's ``four_eyes_amount`` (INR) the first approval only records the maker
    (``first_approved_by``; the application stays in REVIEW) and a second, different officer
    completes it. The final approval sets APPROVED, disburses to a registered customer's
    account and notifies the applicant.

    Raises :class:`NotAllowed` (403) for a user without ``loans.decide_loanapplication`` or
    deciding their own application, :class:`InvalidTransition` (409) when the application is
    not in REVIEW (e.g. another officer decided it a moment earlier), and
    :class:`ConflictError` ``SAME_APPROVER`` (409) when the maker tries to approve again.
    """
    application = _locked(application.pk)
    _check_officer(application, officer)
    _check_in_review(application, "approved")
    note = note.strip()
    now = timezone.now()
    four_eyes = application.loan_amount > application.product.four_eyes_amount
    if four_eyes and application.first_approved_by_id is None:
        old = _move(application, Status.REVIEW)
        application.first_approved_by = officer
        application.first_approved_at = now
        application.final_remarks = "First approval given; a second loan officer must approve"
        application.save(
            update_fields=[
                "status",
                "first_approved_by",
                "first_approved_at",
                "final_remarks",
                "updated_at",
            ]
        )
        loan_application_event_record(
            application=application,
            type=EventType.FIRST_APPROVAL,
            actor=officer,
            data={
                "from": old,
                "to": application.status,
                "note": note,
                "four_eyes_amount": str(application.product.four_eyes_amount),
            },
        )
        return application
    if four_eyes and application.first_approved_by_id == officer.pk:
        raise ConflictError(
            "You gave the first approval; a different loan officer must give the second.",
            code="SAME_APPROVER",
        )
    old = _move(application, Status.APPROVED)
    application.final_status = StageStatus.APPROVED
    application.final_decision_at = now
    application.decided_by = officer
    application.final_remarks = "Approved by staff" + (f": {note}" if note else "")
    application.save(
        update_fields=[
            "status",
            "final_status",
            "final_decision_at",
            "decided_by",
            "final_remarks",
            "updated_at",
        ]
    )
    loan_application_event_record(
        application=application,
        type=EventType.APPROVED,
        actor=officer,
        data={
            "from": old,
            "to": application.status,
            "note": note,
            "maker": application.first_approved_by_id,
        },
    )
    loan_application_disburse(application=application)
    _notify(application)
    return application


@transaction.atomic
def loan_application_reject(
    *, application: LoanApplication, officer: Any, reason: str
) -> LoanApplication:
    """A loan officer rejects an application in REVIEW with a reason the applicant reads.

    Raises :class:`ApplicationError` (field ``reason``) without a reason, and
    :class:`NotAllowed` / :class:`InvalidTransition` as :func:`loan_application_approve`.
    """
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ApplicationError("Give a reason for the rejection.", code="required", field="reason")
    application = _locked(application.pk)
    _check_officer(application, officer)
    _check_in_review(application, "rejected")
    old = _move(application, Status.REJECTED)
    application.final_status = StageStatus.REJECTED
    application.final_decision_at = timezone.now()
    application.decided_by = officer
    application.final_remarks = f"Rejected by staff: {reason}"
    application.save(
        update_fields=[
            "status",
            "final_status",
            "final_decision_at",
            "decided_by",
            "final_remarks",
            "updated_at",
        ]
    )
    loan_application_event_record(
        application=application,
        type=EventType.REJECTED,
        actor=officer,
        data={"from": old, "to": application.status, "reason": reason},
    )
    _notify(application)
    return application


_RESET_ON_REPROCESS = {
    "kyc_status": StageStatus.PENDING,
    "kyc_verified_at": None,
    "kyc_remarks": "",
    "compliance_status": StageStatus.PENDING,
    "compliance_verified_at": None,
    "compliance_remarks": "",
    "political_connection": False,
    "senior_relative": False,
    "compliance_evidence": {},
    "eligibility_status": StageStatus.PENDING,
    "eligibility_verified_at": None,
    "eligibility_remarks": "",
    "final_status": StageStatus.PENDING,
    "final_decision_at": None,
    "first_approved_by": None,
    "first_approved_at": None,
    "decided_by": None,
    "last_error": "",
}


@transaction.atomic
def loan_application_reprocess(*, application: LoanApplication, officer: Any) -> LoanApplication:
    """Run the three stages again after the data or the lists changed.

    Allowed for an application in REVIEW (a maker's first approval is withdrawn) or REJECTED
    by the automatic checks; an approval and a staff rejection are final. The previous results
    stay in the audit trail. Raises :class:`NotAllowed` and :class:`InvalidTransition` (409).
    """
    application = _locked(application.pk)
    _check_officer(application, officer)
    if application.status == Status.REJECTED and application.decided_by_id is not None:
        raise InvalidTransition(
            "A rejection by staff is final; the applicant may apply again.",
            code="INVALID_TRANSITION",
        )
    if application.status not in (Status.REVIEW, Status.REJECTED):
        raise InvalidTransition(
            f"Application {application.application_id} is "
            f"{Status(application.status).label.lower()}; it cannot be reprocessed.",
            code="INVALID_TRANSITION",
        )
    previous = {
        "kyc_status": application.kyc_status,
        "compliance_status": application.compliance_status,
        "eligibility_status": application.eligibility_status,
        "final_status": application.final_status,
        "final_remarks": application.final_remarks,
        "first_approved_by": application.first_approved_by_id,
    }
    old = _move(application, Status.PROCESSING)
    for name, value in _RESET_ON_REPROCESS.items():
        setattr(application, name, value)
    application.final_remarks = "Checks are running again at staff request"
    application.save(update_fields=[*_RESET_ON_REPROCESS, "status", "final_remarks", "updated_at"])
    loan_application_event_record(
        application=application,
        type=EventType.REPROCESS_REQUESTED,
        actor=officer,
        data={"from": old, "to": application.status, "previous": previous},
    )
    _enqueue_checks(application)
    return application


# --- disbursement and notification --------------------------------------------------------


def disbursal_reference(application: LoanApplication) -> str:
    """``LOAN-YYYYMMDD-XXXXXXXX-DISBURSAL``: the ledger reference that makes it happen once."""
    return f"{application.application_id}-DISBURSAL"


def loan_application_disburse(*, application: LoanApplication) -> LedgerEntry | None:
    """Credit an APPROVED registered customer's loan to their oldest ACTIVE savings or current
    account through :func:`accounts.services.ledger_post` and record ``disbursed_at`` and
    ``disbursement_account``. Call inside the approving transaction, application row locked.

    Returns the ledger entry, or ``None`` when nothing was posted: an integrator's
    application, already disbursed, no active account, or the ledger refused (recorded as a
    DISBURSED event with ``{"posted": false, "reason"}`` for staff to follow up; the approval
    stands).
    """
    if (
        application.status != Status.APPROVED
        or application.customer_id is None
        or application.disbursed_at is not None
    ):
        return None
    account = disbursement_account_for(customer=application.customer)
    data: dict[str, Any] = {"posted": False, "amount": str(application.loan_amount)}
    entry = None
    if account is None:
        data["reason"] = "NO_ACTIVE_ACCOUNT"
    else:
        data["account"] = mask_account_number(account.number)
        try:
            entry = ledger_post(
                account_id=account.pk,
                entry_type=LedgerEntry.EntryType.CREDIT,
                amount=application.loan_amount,
                narration=f"Loan disbursal {application.application_id}",
                reference=disbursal_reference(application),
            )
        except ConflictError:  # posted before (DUPLICATE_POSTING): record it, once
            data["reason"] = "ALREADY_POSTED"
        except ApplicationError as exc:
            data["reason"] = exc.code
        if entry is not None or data.get("reason") == "ALREADY_POSTED":
            application.disbursed_at = timezone.now()
            application.disbursement_account = account
            application.save(update_fields=["disbursed_at", "disbursement_account", "updated_at"])
            data["posted"] = entry is not None
    loan_application_event_record(application=application, type=EventType.DISBURSED, data=data)
    return entry


def _notify(application: LoanApplication) -> None:
    """Email the applicant the decision (or that staff review it) and send an SMS alert;
    sets ``email_sent`` / ``alert_sent``. Delivery runs after commit."""
    status = {
        Status.APPROVED: "APPROVED",
        Status.REJECTED: "REJECTED",
    }.get(application.status, "REVIEW")
    context = {
        "full_name": application.name,
        "application_id": application.application_id,
        "status": status,
        "loan_amount": format_inr(application.loan_amount),
        "remarks": application.final_remarks,
        "emi": "",
        "tenure_months": loan_application_tenure(application=application),
        "disbursed_to": "",
    }
    if status == "APPROVED":
        context["emi"] = format_inr(loan_application_emi(application=application))
        if application.disbursement_account_id and application.disbursed_at:
            context["disbursed_to"] = mask_account_number(application.disbursement_account.number)
    channels = []
    if rules.email_is_valid(application.email):
        notification_send(
            channel="EMAIL",
            template="loan_decision",
            recipient=application.email,
            context=context,
            user=application.customer,
        )
        application.email_sent = True
        channels.append("EMAIL")
    if application.phone.startswith("+") and rules.phone_is_valid(application.phone):
        notification_send(
            channel="SMS",
            template="loan_decision_sms",
            recipient=application.phone,
            context=context,
            user=application.customer,
        )
        application.alert_sent = True
        channels.append("SMS")
    if channels:
        application.save(update_fields=["email_sent", "alert_sent", "updated_at"])
    loan_application_event_record(
        application=application,
        type=EventType.APPLICANT_NOTIFIED,
        data={"status": status, "channels": channels},
    )
