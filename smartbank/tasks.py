"""Celery tasks of the shared services: notification delivery, thin and idempotent."""

import logging

from celery import shared_task
from django.conf import settings

from .models import Notification
from .notifications import NotificationDeliveryError, notification_deliver, notification_fail

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=None, acks_late=True)
def notification_deliver_task(self, notification_id: str) -> str:  # noqa: ANN001 - bound task
    """Deliver one notification; returns its resulting status (``SENT`` / ``FAILED``).

    Re-running is harmless: a SENT or FAILED notification is left alone. A failed attempt is
    retried after ``min(2**retries * 10, 600)`` seconds (10 s, 20 s, 40 s... at most 10 min);
    after ``settings.NOTIFICATION_MAX_RETRIES`` retries the notification is marked FAILED.
    """
    try:
        return notification_deliver(notification_id=notification_id).status
    except Notification.DoesNotExist:
        # A message for a row that no longer exists (a reset database): nothing to deliver.
        logger.warning("notification %s not found; task dropped", notification_id)
        return "MISSING"
    except NotificationDeliveryError as exc:
        if self.request.retries >= settings.NOTIFICATION_MAX_RETRIES:
            notification_fail(notification_id=notification_id, error=str(exc))
            return Notification.Status.FAILED
        raise self.retry(exc=exc, countdown=min(2**self.request.retries * 10, 600)) from exc
