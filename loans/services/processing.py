"""The verification stages' results: start, completion (the automatic decision), failure."""

import logging
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone

from smartbank.celery import app as celery_app
from smartbank.outbox import doorbell_answer, doorbell_ring, outbox_mark_decided
from smartbank.transitions import Move, transition, transition_bulk

from .. import rules
from ..events import loan_application_event_record, loan_application_events_record
from ..models import LoanApplication, LoanApplicationEvent
from ..pipeline import ChecksOutcome, loan_application_run_checks
from ..pipeline import checks_reference_load as loan_application_checks_reference
from ._transitions import CHECKS_DOORBELL, CHECKS_TASK, locked
from .outcomes import (
    loan_application_disburse,
    loan_application_notify,
    loan_applications_notify,
)

logger = logging.getLogger(__name__)

Status = LoanApplication.Status
EventType = LoanApplicationEvent.Type


@transaction.atomic
def loan_application_processing_start(*, loan_application_id: Any) -> LoanApplication | None:
    """Mark the application PROCESSING. Returns ``None`` when its checks already finished
    (idempotent for a redelivered task). ``LoanApplication.DoesNotExist`` for an unknown pk."""
    application = locked(loan_application_id)
    if application.status not in (Status.SUBMITTED, Status.PROCESSING):
        return None
    return transition(application, to=Status.PROCESSING, event=EventType.PROCESSING_STARTED)


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


#: The fields a decision writes beside the status fields.
_OUTCOME_FIELDS = (
    *(f"{stage}_{suffix}" for stage, _ in _STAGE_EVENTS for suffix in ("verified_at", "remarks")),
    "kyc_staff_remarks",
    "dti_ratio",
    "political_connection",
    "senior_relative",
    "compliance_evidence",
    "final_decision_at",
    "final_remarks",
    "last_error",
)


def _outcome_move(
    application: LoanApplication, outcome: ChecksOutcome, *, now: Any
) -> tuple[Move, list[tuple[LoanApplication, str, Any, dict[str, Any]]]]:
    """Set ``application``'s outcome fields; returns the decision's move and the three
    stages' events (each stage's result first, then the decision that moves every status
    field at once)."""
    for stage, _ in _STAGE_EVENTS:
        result = getattr(outcome, stage)
        setattr(application, f"{stage}_verified_at", now)
        setattr(application, f"{stage}_remarks", result.remarks)
    application.kyc_staff_remarks = outcome.kyc.staff_remarks
    application.dti_ratio = outcome.eligibility.data.get("dti_ratio")
    application.political_connection = outcome.compliance.data["political_connection"]
    application.senior_relative = outcome.compliance.data["senior_relative"]
    application.compliance_evidence = outcome.evidence
    final = outcome.final_status
    to = {rules.APPROVED: Status.APPROVED, rules.REJECTED: Status.REJECTED}.get(
        final, Status.REVIEW
    )
    application.final_decision_at = now if final != rules.PENDING else None
    application.final_remarks = _final_remarks(outcome)
    application.last_error = ""
    events = []
    for stage, event_type in _STAGE_EVENTS:
        result = getattr(outcome, stage)
        data = {
            "status": result.status,
            "remarks": result.remarks,
            "checks": [c.as_dict() for c in result.checks],
        }
        if result.staff_remarks:
            data["staff_remarks"] = result.staff_remarks
        if stage == "compliance":
            data["evidence"] = outcome.evidence
        if stage == "eligibility":
            ratio = application.dti_ratio
            data["dti_ratio"] = str(ratio) if ratio is not None else None
        events.append((application, event_type, None, data))
    move = Move(
        obj=application,
        to=to,
        also={
            "final_status": final,
            **{f"{stage}_status": getattr(outcome, stage).status for stage, _ in _STAGE_EVENTS},
        },
        event=EventType.AUTO_DECIDED,
        data={"final_status": final, "remarks": application.final_remarks},
    )
    return move, events


def _outcomes_store(decided: list[tuple[LoanApplication, ChecksOutcome]]) -> None:
    """Store the outcomes of PROCESSING applications whose rows the caller holds locked: the
    stages' events (one ``INSERT``), every decision (:func:`transition_bulk`), the approvals'
    disbursements, the applicants' notifications (:func:`loan_applications_notify`)."""
    now = timezone.now()
    moves, stage_events = [], []
    for application, outcome in decided:
        move, events = _outcome_move(application, outcome, now=now)
        moves.append(move)
        stage_events += events
    loan_application_events_record(stage_events)
    transition_bulk(moves, update_fields=_OUTCOME_FIELDS)
    for application, _ in decided:
        logger.info(
            "loan application %s decided %s", application.application_id, application.status
        )
        if application.status == Status.APPROVED:
            loan_application_disburse(application=application)
    loan_applications_notify(applications=[application for application, _ in decided])


@transaction.atomic
def loan_application_checks_complete(
    *, loan_application_id: Any, outcome: ChecksOutcome
) -> LoanApplication:
    """Store the three stages' results and decide: APPROVED, REJECTED, or REVIEW (final
    status PENDING, in the staff's queue). The KYC stage's staff-only notes go to
    ``kyc_staff_remarks``, apart from the remarks the applicant reads. Each stage's result is
    an audit event; an approval of a registered customer is disbursed
    (:func:`loan_application_disburse`); the applicant is notified. Idempotent: an application
    no longer PROCESSING is returned unchanged.
    """
    application = locked(loan_application_id)
    if application.status != Status.PROCESSING:
        return application
    _outcomes_store([(application, outcome)])
    return application


def _claimed(loan_application_id: Any, *, limit: int) -> list[LoanApplication]:
    """The application (row locked, waiting for the lock) and, while it is still to decide,
    up to ``limit - 1`` other SUBMITTED ones, oldest first, that no other worker holds
    (``SKIP LOCKED``: two workers never claim the same). ``[]`` when the application is past
    its checks. Raises ``LoanApplication.DoesNotExist``."""
    own = _CLAIMABLE.select_for_update(of=("self",)).get(pk=loan_application_id)
    if own.status not in (Status.SUBMITTED, Status.PROCESSING):
        return []
    if limit <= 1:
        return [own]
    return [own, *_waiting(limit - 1, exclude=own.pk)]


#: Applications with what their checks read (product, customer).
_CLAIMABLE = LoanApplication.objects.select_related("product", "customer")


def _waiting(limit: int, *, exclude: Any = None) -> list[LoanApplication]:
    """Up to ``limit`` SUBMITTED applications, oldest first, row-locked, that no other worker
    holds (``SKIP LOCKED``: two workers never claim the same); ``exclude`` a pk left out."""
    rows = _CLAIMABLE.select_for_update(skip_locked=True, of=("self",)).filter(
        status=Status.SUBMITTED
    )
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return list(rows.order_by("created_at")[:limit])


def loan_applications_decide(*, loan_application_id: Any, limit: int) -> str | None:
    """Run the checks of the application and of up to ``limit - 1`` other waiting ones and
    decide them all in one transaction (issue 13: a decision no longer costs four commits and
    one task each; the checks only read the database, so PROCESSING and the decision commit
    together). Each decided application gets the same fields, events, roll-ups and
    notifications as :func:`loan_application_processing_start` then
    :func:`loan_application_checks_complete` would give it; every message is delivered by one
    task after commit.

    Returns the application's resulting status, or ``None`` when its own checks raised (it is
    left as it was, for the task's single path to record and retry the error). Another
    application whose checks raise is left SUBMITTED for its own task. The reference data the
    checks read (lists, register, FATF list) is read once for the batch. Raises
    ``LoanApplication.DoesNotExist`` and database errors (nothing is stored then).
    """
    # A message whose application a batch already decided reads one row and stops: no lock,
    # no transaction (most messages, once batches decide their applications ahead of them).
    status = LoanApplication.objects.values_list("status", flat=True).get(pk=loan_application_id)
    if status not in (Status.SUBMITTED, Status.PROCESSING):
        return status
    with transaction.atomic():
        batch = _claimed(loan_application_id, limit=limit)
        if not batch:
            return LoanApplication.objects.values_list("status", flat=True).get(
                pk=loan_application_id
            )
        decided = _batch_decide(batch)
    own = batch[0]
    if decided and decided[0] is own:
        return own.status
    return None


def loan_applications_decide_waiting(*, limit: int) -> int:
    """Answer the checks' doorbell (:data:`loans.services._transitions.CHECKS_DOORBELL`):
    decide up to ``limit`` SUBMITTED applications, oldest first, that no other worker holds,
    in one transaction, as :func:`loan_applications_decide` does; returns how many were
    decided.

    The doorbell is answered (its key deleted) before the claim, so every submission that
    committed while it rang is seen by this claim or a later one. A full claim rings it again
    at once: another worker takes the next batch while this one decides (``SKIP LOCKED``).
    An application whose checks raise is left SUBMITTED; its own message, which the
    dispatcher publishes after its grace, takes the single path that records and retries the
    error. Raises database errors (nothing is stored then).
    """
    doorbell_answer(CHECKS_DOORBELL)
    with transaction.atomic():
        batch = _waiting(limit)
        if len(batch) == limit:
            if celery_app.conf.task_always_eager:  # the next batch would run inside this one
                transaction.on_commit(lambda: doorbell_ring(CHECKS_DOORBELL))
            else:
                doorbell_ring(CHECKS_DOORBELL)
        return len(_batch_decide(batch))


def _batch_decide(batch: list[LoanApplication]) -> list[LoanApplication]:
    """Run the checks of the claimed (row-locked) ``batch`` and decide those whose checks
    returned; returns them. Their checks messages waiting in the outbox are marked dispatched
    in the same transaction: publishing them would only find them decided."""
    reference = loan_application_checks_reference()
    decided: list[tuple[LoanApplication, ChecksOutcome]] = []
    for application in batch:
        try:
            outcome = loan_application_run_checks(application=application, reference=reference)
        except DatabaseError:
            raise
        except Exception as exc:  # an engine error: that application's own task retries it
            logger.warning(
                "loan application %s: checks raised %s in a batch; left to its own task",
                application.application_id,
                type(exc).__name__,
            )
            continue
        decided.append((application, outcome))
    if decided:
        transition_bulk(
            [
                Move(obj=application, to=Status.PROCESSING, event=EventType.PROCESSING_STARTED)
                for application, _ in decided
            ]
        )
        _outcomes_store(decided)
        outbox_mark_decided(CHECKS_TASK, (str(application.pk) for application, _ in decided))
    return [application for application, _ in decided]


@transaction.atomic
def loan_application_processing_failed(
    *, loan_application_id: Any, error: str, final: bool
) -> LoanApplication:
    """Record a worker error (``error``: exception type and a short message, no personal
    data); with ``final`` True the application goes to REVIEW so it never sticks in
    PROCESSING, and staff can reprocess it."""
    application = locked(loan_application_id)
    application.last_error = error[:1000]
    data: dict[str, Any] = {"error": error[:300], "final": final}
    if not (final and application.status in (Status.SUBMITTED, Status.PROCESSING)):
        application.save(update_fields=["last_error", "updated_at"])
        loan_application_event_record(
            application=application, type=EventType.PROCESSING_FAILED, data=data
        )
        return application
    application.final_remarks = "Automatic checks failed; staff will review the application"
    transition(
        application,
        to=Status.REVIEW,
        event=EventType.PROCESSING_FAILED,
        data=data,
        update_fields=["last_error", "final_remarks"],
    )
    loan_application_notify(application=application)
    return application
