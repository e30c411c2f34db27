"""Writers of the append-only notification audit trail. Call them inside the service's
transaction."""

from typing import Any

from .models import Notification, NotificationEvent
from .transitions import event_writer


@event_writer(Notification, target="notification")
def notification_event_record(
    *,
    notification: Notification,
    type: str,  # noqa: A002 - the event's field name
    actor: Any = None,
    data: dict[str, Any] | None = None,
) -> NotificationEvent:
    """Append one event to ``notification``'s history. ``data`` is JSON (``{"from", "to",
    "attempts", "error"}``); never the recipient or the body, which may carry an OTP."""
    return NotificationEvent.objects.create(
        notification=notification, type=type, actor=actor, data=data or {}
    )
