"""Writers of the append-only KYC audit trail. Call them inside the service's transaction."""

from typing import Any

from .models import KycCase, KycCaseEvent


def kyc_case_event_record(
    *,
    case: KycCase,
    type: str,  # noqa: A002 - the event's field name
    actor: Any = None,
    data: dict[str, Any] | None = None,
) -> KycCaseEvent:
    """Append one event to ``case``'s history.

    ``actor`` is the staff user or customer who acted, ``None`` for the system (the pipeline).
    ``data`` is JSON: old/new status, reason codes, check summaries. Never an ID number or OCR
    text.
    """
    return KycCaseEvent.objects.create(case=case, type=type, actor=actor, data=data or {})
