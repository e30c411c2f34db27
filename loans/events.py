"""Writers of the append-only loan application audit trail. Call them inside the service's
transaction."""

from typing import Any

from .models import LoanApplication, LoanApplicationEvent


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
