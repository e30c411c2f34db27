"""A notification's status moves go through the transition mechanism and leave audit events
that never hold the message or the full recipient."""

import json

import pytest

from smartbank.errors import InvalidTransition
from smartbank.models import Notification
from smartbank.notifications import notification_fail, notification_send

pytestmark = pytest.mark.django_db

CODE = "482913"


def _queued() -> Notification:
    return notification_send(
        channel="EMAIL",
        template="otp_email_verification",
        recipient="neil@example.com",
        context={"code": CODE},
    )


def test_a_delivered_notification_records_its_move(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _queued()

    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    [event] = notification.events.all()
    assert (event.type, event.actor) == ("SENT", None)
    assert event.data == {"from": "QUEUED", "to": "SENT", "attempts": 1}


def test_a_notification_given_up_records_the_error_but_not_the_message():
    notification = _queued()  # delivery never ran: no commit in this test

    notification_fail(notification_id=notification.pk, error="SMTPException: refused")
    notification_fail(notification_id=notification.pk, error="again")  # idempotent

    [event] = notification.events.all()
    assert event.type == "FAILED"
    assert event.data == {
        "from": "QUEUED",
        "to": "FAILED",
        "attempts": 0,
        "error": "SMTPException: refused",
    }
    text = json.dumps(event.data)
    assert CODE not in text and "neil@example.com" not in text


def test_a_sent_notification_cannot_fail(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _queued()

    with pytest.raises(InvalidTransition, match="A SENT notification cannot move to FAILED"):
        notification_fail(notification_id=notification.pk, error="late")
    notification.refresh_from_db()
    assert notification.status == "SENT"
    assert notification.events.count() == 1
