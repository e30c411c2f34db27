"""Writers of the append-only waiver audit trail. Call them inside the service's transaction."""

from typing import Any

from smartbank.transitions import event_writer

from .models import WaiverEvent, WaiverRequest


@event_writer(WaiverRequest, target="waiver")
def waiver_event_record(
    *,
    waiver: WaiverRequest,
    type: str,  # noqa: A002 - the event's field name
    actor: Any = None,
    data: dict[str, Any] | None = None,
) -> WaiverEvent:
    """Append one event to ``waiver``'s history.

    ``actor`` is the customer or member of staff who acted, ``None`` for the system (the
    verification). ``data`` is JSON: old/new status, reason codes, check summaries, amounts as
    INR strings (``"1234.50"``). Never OCR text.
    """
    return WaiverEvent.objects.create(waiver=waiver, type=type, actor=actor, data=data or {})
