"""Writers of the append-only notification audit trail. Call them inside the service's
transaction."""

from collections.abc import Sequence
from typing import Any

from .models import Notification, NotificationEvent
from .transitions import event_writer


def notification_events_record(
    events: Sequence[tuple[Notification, str, Any, dict[str, Any] | None]],
) -> list[NotificationEvent]:
    """Append many events in one ``INSERT``, in the given order: ``[(notification, type, actor,
    data), ...]`` (the bulk form of :func:`notification_event_record`, for a batch of
    deliveries through :func:`smartbank.transitions.transition_bulk`)."""
    return NotificationEvent.objects.bulk_create(
        [
            NotificationEvent(notification=n, type=t, actor=actor, data=data or {})
            for n, t, actor, data in events
        ]
    )


@event_writer(Notification, target="notification", bulk=notification_events_record)
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
