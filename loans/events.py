"""Writers of the append-only loan application audit trail. Call them inside the service's
transaction."""

import datetime
from collections.abc import Sequence
from typing import Any

from smartbank.transitions import event_writer

from .models import LoanApplication, LoanApplicationEvent


def loan_application_events_record(
    events: Sequence[tuple[LoanApplication, str, Any, dict[str, Any] | None]],
) -> list[LoanApplicationEvent]:
    """Append many events in one ``INSERT``, in the given order: ``[(application, type, actor,
    data), ...]`` (the bulk form of :func:`loan_application_event_record`, which
    :func:`smartbank.transitions.transition_bulk` and a batch of decisions use)."""
    return LoanApplicationEvent.objects.bulk_create(
        [
            LoanApplicationEvent(application=a, type=t, actor=actor, data=data or {})
            for a, t, actor, data in events
        ]
    )


@event_writer(LoanApplication, target="application", bulk=loan_application_events_record)
def loan_application_event_record(
    *,
    application: LoanApplication,
    type: str,  # noqa: A002 - the event's field name
    actor: Any = None,
    data: dict[str, Any] | None = None,
) -> LoanApplicationEvent:
    """Append one event to ``application``'s history.

    ``actor`` is the staff member, customer or integrator who acted, ``None`` for the system
    (the verification task). ``data`` is JSON: ``{"from", "to"}`` statuses, a stage's
    ``{"status", "remarks", "checks"}``, reasons, list versions; amounts as strings.
    """
    return LoanApplicationEvent.objects.create(
        application=application, type=type, actor=actor, data=data or {}
    )


def loan_application_event_build(
    *,
    application: LoanApplication,
    type: str,  # noqa: A002 - the event's field name
    created_at: datetime.datetime | None = None,
    actor: Any = None,
    data: dict[str, Any] | None = None,
) -> LoanApplicationEvent:
    """An unsaved event of ``application``, for :func:`loan_application_events_bulk_record`
    (rows inserted in bulk: sample data, which gives when it happened as ``created_at``) or
    :func:`smartbank.db.insert_statement` (the submission; stamped when built)."""
    return LoanApplicationEvent(
        application=application, type=type, actor=actor, data=data or {}, created_at=created_at
    )


def loan_application_events_bulk_record(events: Sequence[LoanApplicationEvent]) -> None:
    """Append the built ``events`` in bulk (1,000 rows a statement), inside the transaction that
    inserted their applications. ``created_at`` is kept only while the caller lets it through
    (``auto_now_add`` off), as ``generate_sample_data`` does."""
    LoanApplicationEvent.objects.bulk_create(events, batch_size=1000)
