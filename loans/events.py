"""Writers of the append-only loan application audit trail. Call them inside the service's
transaction."""

import datetime
from collections.abc import Sequence
from typing import Any

from smartbank.transitions import event_writer

from .models import LoanApplication, LoanApplicationEvent


@event_writer(LoanApplication, target="application")
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
    created_at: datetime.datetime,
    actor: Any = None,
    data: dict[str, Any] | None = None,
) -> LoanApplicationEvent:
    """An unsaved event of ``application`` that happened at ``created_at``, for
    :func:`loan_application_events_bulk_record` (rows inserted in bulk: sample data)."""
    return LoanApplicationEvent(
        application=application, type=type, actor=actor, data=data or {}, created_at=created_at
    )


def loan_application_events_bulk_record(events: Sequence[LoanApplicationEvent]) -> None:
    """Append the built ``events`` in bulk (1,000 rows a statement), inside the transaction that
    inserted their applications. ``created_at`` is kept only while the caller lets it through
    (``auto_now_add`` off), as ``generate_sample_data`` does."""
    LoanApplicationEvent.objects.bulk_create(events, batch_size=1000)
