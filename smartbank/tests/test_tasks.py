"""Tasks and a busy database: a transient database error retries the task, it never kills it."""

import pytest
from django.core import mail

from smartbank.crypto import encrypt_text
from smartbank.models import Notification
from smartbank.tasks import notification_deliver_task
from smartbank.tests.db import row_locked_for


@pytest.fixture
def retries_in_place():
    """Eager mode re-applies a retried task in place only when errors are not propagated."""
    from smartbank.celery import app

    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


@pytest.mark.django_db(transaction=True)
def test_a_notification_whose_row_is_locked_is_retried_until_sent(retries_in_place, caplog):
    # Given a QUEUED email, as notification_send leaves it for its task
    notification = Notification.objects.create(
        channel=Notification.Channel.EMAIL,
        template="otp_login_email",
        recipient_masked="n***@example.com",
        recipient_encrypted=encrypt_text("neil@example.com"),
        subject="Your SmartBank sign-in code",
        body_encrypted=encrypt_text("Your SmartBank sign-in code is 482913."),
    )
    # When its task runs while another connection holds the row for a second
    with row_locked_for(Notification, notification.pk, seconds=1.0):
        result = notification_deliver_task.apply(args=[str(notification.pk)])

    # Then the lock errors were retried and the email went out once
    assert result.get() == Notification.Status.SENT
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 1
    assert len(mail.outbox) == 1
    assert "database error (OperationalError)" in caplog.text
    assert "RetryableError('OperationalError')" in caplog.text  # the type only, never the SQL
