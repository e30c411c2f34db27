"""Notifications: templates, email through Django's backends, SMS through the gateway,
retries after failures, and no OTPs or full recipients kept in logs or the database."""

import io
import json
import logging
import re
import urllib.error
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib import admin
from django.core import mail
from django.db import transaction
from django.test import RequestFactory

from smartbank import sms
from smartbank.admin import NotificationAdmin
from smartbank.models import Notification
from smartbank.money import format_inr
from smartbank.notifications import (
    TEMPLATES,
    mask_account_number,
    mask_email,
    mask_phone,
    notification_render,
    notification_send,
)

CODE = "482913"
PHONE = "+919876543210"
ACCOUNT_NUMBER = "502100001234"

SAMPLE_CONTEXTS = {
    "otp_email_verification": {"code": CODE},
    "otp_phone_verification": {"code": CODE},
    "otp_login_email": {"code": CODE},
    "otp_login_sms": {"code": CODE},
    "otp_step_up_email": {"code": CODE},
    "otp_step_up_sms": {"code": CODE},
    "password_reset": {
        "full_name": "Neil O'Brien",
        "reset_url": "https://bank.example/accounts/password-reset/MQ/abc-123/",
        "minutes": 60,
    },
    "kyc_decision": {
        "full_name": "Neil O'Brien",
        "status": "REJECTED",
        "reasons": [{"code": "FACE_MISMATCH", "message": "The face in your selfie differs."}],
    },
    "account_opened": {
        "full_name": "Neil Armstrong",
        "account_type": "Savings",
        "account_number_masked": mask_account_number(ACCOUNT_NUMBER),
        "opening_balance": format_inr(Decimal("1000")),
    },
    "account_rejected": {
        "full_name": "Neil Armstrong",
        "account_type": "Current",
        "reason": "A current account needs a registered business.",
    },
    "loan_decision": {
        "full_name": "Neil Armstrong",
        "application_id": "LOAN-20261122-AB12CD34",
        "status": "APPROVED",
        "loan_amount": format_inr(Decimal("1000000")),
        "remarks": "All verification stages approved",
        "emi": format_inr(Decimal("8678.23")),
        "tenure_months": 240,
        "disbursed_to": mask_account_number(ACCOUNT_NUMBER),
    },
    "loan_decision_sms": {
        "application_id": "LOAN-20261122-AB12CD34",
        "status": "APPROVED",
        "loan_amount": format_inr(Decimal("1000000")),
        "emi": format_inr(Decimal("8678.23")),
    },    "waiver_decision": {
        "full_name": "Neil Armstrong",
        "status": "APPROVED",
        "loan_application_id": "LOAN-20261122-AB12CD34",
        "waiver_type": "Interest waiver",
        "amount": format_inr(Decimal("25000")),
        "outstanding": format_inr(Decimal("103456.78")),
        "reasons": [],
    },
}


class GatewayResponse(io.BytesIO):
    """What ``urlopen`` answers: a readable, closable body with an HTTP status."""

    status = 200


@pytest.fixture
def http_gateway(settings):
    settings.SMS_BACKEND = "smartbank.sms.HttpSmsGateway"
    settings.SMS_GATEWAY_URL = "https://sms.example.test/v1/messages"
    settings.SMS_GATEWAY_API_KEY = "test-api-key"
    settings.SMS_SENDER_ID = "SMTBNK"
    settings.SMS_GATEWAY_TIMEOUT = 7


@pytest.fixture
def locmem_sms(settings):
    settings.SMS_BACKEND = "smartbank.sms.LocmemSmsGateway"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def retries_in_place():
    """Eager mode re-applies a retried task in place only when errors are not propagated."""
    from smartbank.celery import app

    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


@pytest.mark.django_db
def test_email_otp_is_rendered_delivered_and_recorded(customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(
            channel="EMAIL",
            template="otp_email_verification",
            recipient="neil@example.com",
            context={"code": CODE},
            user=customer,
        )

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.subject == "Your SmartBank verification code"
    assert email.to == ["neil@example.com"]
    assert email.from_email == "SmartBank <no-reply@smartbank.local>"
    assert f"Your SmartBank verification code is {CODE}. It expires in 10 minutes." in email.body
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 1
    assert notification.recipient_masked == "n***@example.com"
    assert notification.body_encrypted == ""
    assert notification.recipient_encrypted == ""
    assert notification.sent_at is not None
    assert notification.user == customer
    assert notification.error == ""


@pytest.mark.django_db
def test_nothing_is_sent_when_the_callers_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notification_send(
                channel="EMAIL",
                template="otp_login_email",
                recipient="neil@example.com",
                context={"code": CODE},
            )
            raise RuntimeError("the registration failed after queueing")
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_sms_goes_to_the_http_gateway_as_json_with_the_api_key(
    http_gateway, django_capture_on_commit_callbacks
):
    # The SMS provider lives outside this machine: only its HTTP call is replaced.
    answer = GatewayResponse(b'{"id": "msg-42", "status": "accepted"}')
    with mock.patch("urllib.request.urlopen", return_value=answer) as urlopen:
        with django_capture_on_commit_callbacks(execute=True):
            notification = notification_send(
                channel="SMS",
                template="otp_phone_verification",
                recipient=PHONE,
                context={"code": CODE},
            )

    (request,), kwargs = urlopen.call_args
    assert request.full_url == "https://sms.example.test/v1/messages"
    assert request.get_method() == "POST"
    assert request.get_header("Authorization") == "Bearer test-api-key"
    assert request.get_header("Content-type") == "application/json"
    assert kwargs == {"timeout": 7}
    assert json.loads(request.data) == {
        "to": PHONE,
        "from": "SMTBNK",
        "text": f"{CODE} is your SmartBank code to verify this mobile number. It expires in "
        "10 minutes. Do not share it with anyone. -SmartBank",
    }
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 1
    assert notification.provider_message_id == "msg-42"
    assert notification.recipient_masked == "+91******3210"
    assert notification.body_encrypted == notification.recipient_encrypted == ""


@pytest.mark.django_db
def test_unreachable_sms_gateway_is_retried_then_the_notification_fails(
    settings, http_gateway, retries_in_place, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_MAX_RETRIES = 3
    # The SMS provider lives outside this machine: its HTTP call fails as when it is down.
    refused = urllib.error.URLError("[Errno 111] Connection refused")
    with mock.patch("urllib.request.urlopen", side_effect=refused) as urlopen:
        with django_capture_on_commit_callbacks(execute=True):
            notification = notification_send(
                channel="SMS", template="otp_login_sms", recipient=PHONE, context={"code": CODE}
            )

    assert urlopen.call_count == 4  # the first attempt and three retries
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == settings.NOTIFICATION_MAX_RETRIES + 1
    assert (
        notification.error
        == "SmsDeliveryError: gateway unreachable: [Errno 111] Connection refused"
    )
    assert notification.sent_at is None
    assert notification.body_encrypted == notification.recipient_encrypted == ""


@pytest.mark.django_db
def test_each_retry_waits_longer(http_gateway, settings):
    from celery.exceptions import Retry

    from smartbank.tasks import notification_deliver_task

    settings.NOTIFICATION_MAX_RETRIES = 10
    # Without captured on-commit callbacks the queued task does not run here.
    notification = notification_send(
        channel="SMS", template="otp_login_sms", recipient=PHONE, context={"code": CODE}
    )
    # The SMS provider lives outside this machine: its HTTP call fails as when it is down.
    with mock.patch("urllib.request.urlopen", side_effect=urllib.error.URLError("down")):
        countdowns = []
        for retries in (0, 1, 3, 6, 9):
            with mock.patch.object(
                notification_deliver_task, "retry", side_effect=Retry()
            ) as retry:
                notification_deliver_task.apply(
                    args=[str(notification.pk)], retries=retries, throw=False
                )
            countdowns.append(retry.call_args.kwargs["countdown"])
    assert countdowns == [10, 20, 80, 600, 600]


@pytest.mark.django_db
def test_no_otp_or_full_recipient_in_logs_or_database(
    customer, caplog, locmem_sms, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(
            channel="EMAIL",
            template="otp_login_email",
            recipient="neil@example.com",
            context={"code": CODE},
            user=customer,
        )
        notification_send(
            channel="SMS",
            template="otp_login_sms",
            recipient=PHONE,
            context={"code": CODE},
            user=customer,
        )

    assert mail.outbox[0].body.count(CODE) == 1
    assert locmem_sms[0][0] == PHONE and CODE in locmem_sms[0][1]
    assert caplog.records, "the service logs what it does"
    assert CODE not in caplog.text
    assert "neil@example.com" not in caplog.text
    assert "9876543210" not in caplog.text
    stored = json.dumps(list(Notification.objects.values()), default=str)
    assert CODE not in stored
    assert "neil@example.com" not in stored
    assert "9876543210" not in stored
    assert Notification.objects.filter(status="SENT").count() == 2


@pytest.mark.django_db
def test_a_failing_gateways_error_is_kept_without_the_number_or_the_code(
    settings, caplog, http_gateway, retries_in_place, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_MAX_RETRIES = 1
    caplog.set_level(logging.DEBUG)
    # The SMS provider lives outside this machine; this one echoes the message in its error.
    chatty = urllib.error.URLError(f"rejected {PHONE}: '{CODE} is your SmartBank sign-in code'")
    with mock.patch("urllib.request.urlopen", side_effect=chatty):
        with django_capture_on_commit_callbacks(execute=True):
            notification = notification_send(
                channel="SMS", template="otp_login_sms", recipient=PHONE, context={"code": CODE}
            )

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 2
    assert "+91******3210" in notification.error
    assert "[redacted]" in notification.error
    for secret in (CODE, "9876543210"):
        assert secret not in notification.error
        assert secret not in caplog.text


@pytest.mark.django_db
def test_rerunning_delivery_of_a_sent_notification_sends_nothing(
    django_capture_on_commit_callbacks,
):
    from smartbank.tasks import notification_deliver_task

    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(
            channel="EMAIL",
            template="otp_email_verification",
            recipient="neil@example.com",
            context={"code": CODE},
        )
    assert notification_deliver_task.apply(args=[str(notification.pk)]).get() == "SENT"
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=notification.pk).attempts == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("channel", "template", "context", "message"),
    [
        ("SMS", "otp_email_verification", {"code": CODE}, "written for EMAIL"),
        ("EMAIL", "otp_email_verification", {}, "needs context keys ['code']"),
        ("EMAIL", "no_such_template", {}, "Unknown notification template"),
        ("FAX", "otp_email_verification", {"code": CODE}, "Unknown notification channel"),
    ],
)
def test_a_wrong_call_queues_nothing(channel, template, context, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        notification_send(
            channel=channel, template=template, recipient="neil@example.com", context=context
        )
    assert not Notification.objects.exists()


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_each_template_renders_plain_text(template):
    subject, body = notification_render(template=template, context=SAMPLE_CONTEXTS[template])

    assert "{{" not in body and "{%" not in body and "&#" not in body
    if TEMPLATES[template].channel == "SMS":
        assert subject == ""
        assert "\n" not in body and len(body) <= 160
    else:
        assert subject and "\n" not in subject
        assert body.endswith(
            "SmartBank\n\nThis is an automatic message; please do not reply to it.\n"
        )
        assert "\n\n\n" not in body
    if template.startswith("otp_"):
        assert CODE in body and CODE not in subject
        assert "expires in 10 minutes" in body


def test_account_opened_shows_the_balance_and_only_the_last_digits():
    subject, body = notification_render(
        template="account_opened", context=SAMPLE_CONTEXTS["account_opened"]
    )
    assert subject == "Your SmartBank savings account is open"
    assert "Account number:  XXXXXXXX1234" in body
    assert "Opening balance: ₹1,000.00" in body
    assert ACCOUNT_NUMBER not in body and ACCOUNT_NUMBER not in subject


@pytest.mark.parametrize(
    ("status", "subject", "says"),
    [
        ("VERIFIED", "Your identity is verified", "we have verified your identity"),
        ("MANUAL_REVIEW", "We are checking your documents", "one\nto two working days"),
        (
            "REJECTED",
            "We could not verify your identity",
            "- The face in your selfie differs.\n"
            "\nYou can send your documents again from the KYC page",
        ),
    ],
)
def test_kyc_decision_speaks_plainly_for_each_status(status, subject, says):
    context = {**SAMPLE_CONTEXTS["kyc_decision"], "status": status}
    rendered_subject, body = notification_render(template="kyc_decision", context=context)
    assert rendered_subject == subject
    assert body.startswith("Dear Neil O'Brien,\n\n")  # plain text: no HTML escaping
    assert says in body
    assert "FACE_MISMATCH" not in body


def test_masks_and_rupees():
    assert mask_email("neil@example.com") == "n***@example.com"
    assert mask_email("not-an-address") == "***"
    assert mask_phone(PHONE) == "+91******3210"
    assert mask_phone("+14155552671") == "+1******2671"
    assert mask_account_number("123456789011234") == "XXXXXXXXXXX1234"
    assert format_inr(Decimal("1000")) == "₹1,000.00"
    assert format_inr("250000.5") == "₹2,50,000.50"
    assert format_inr(12345678) == "₹1,23,45,678.00"
    assert format_inr(Decimal("-12")) == "-₹12.00"


def test_console_gateway_prints_to_stdout_not_to_the_logs(settings, capsys, caplog):
    settings.SMS_BACKEND = "smartbank.sms.ConsoleSmsGateway"
    caplog.set_level(logging.DEBUG)
    message_id = sms.get_sms_gateway().send(to=PHONE, text=f"{CODE} is your code")
    assert capsys.readouterr().out == f"SMS to {PHONE}: {CODE} is your code\n"
    assert message_id.startswith("console-")
    assert CODE not in caplog.text


def test_http_gateway_treats_an_error_status_as_a_failed_delivery(http_gateway):
    # The SMS provider lives outside this machine: only its HTTP call is replaced.
    denied = urllib.error.HTTPError(
        "https://sms.example.test/v1/messages", 401, "Unauthorized", {}, io.BytesIO(b"{}")
    )
    with mock.patch("urllib.request.urlopen", side_effect=denied):
        with pytest.raises(sms.SmsDeliveryError, match="gateway answered HTTP 401"):
            sms.HttpSmsGateway().send(to=PHONE, text="hello")


def test_notification_admin_is_read_only_and_never_shows_the_body(reviewer):
    model_admin = NotificationAdmin(Notification, admin.site)
    request = RequestFactory().get("/admin/smartbank/notification/")
    request.user = reviewer
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.has_view_permission(request)
    shown = {*model_admin.list_display, *model_admin.get_fields(request)}
    assert not {"body_encrypted", "recipient_encrypted"} & shown
    assert set(model_admin.list_display) == {
        "created_at",
        "channel",
        "template",
        "recipient_masked",
        "status",
        "attempts",
        "error",
    }


def test_kyc_rejection_without_attempts_left_does_not_invite_a_resubmission():
    context = {**SAMPLE_CONTEXTS["kyc_decision"], "can_resubmit": False}
    _, body = notification_render(template="kyc_decision", context=context)
    assert "You have used all your verification attempts" in body
    assert "send your documents again from the KYC page" not in body
    assert "\n\n\n" not in body


def test_otp_messages_state_the_validity_they_are_given():
    _, body = notification_render(template="otp_login_sms", context={"code": CODE, "minutes": 5})
    assert body.startswith(f"{CODE} is your SmartBank sign-in code. It expires in 5 minutes.")


def decision_messages(count: int) -> list[Notification]:
    """``count`` loan decisions' email and SMS, queued and not yet handed to a worker."""
    made = []
    for n in range(count):
        context = {**SAMPLE_CONTEXTS["loan_decision"], "application_id": f"LOAN-20261202-{n:08d}"}
        made.append(
            notification_send(
                channel="EMAIL",
                template="loan_decision",
                recipient=f"applicant{n}@example.com",
                context=context,
                enqueue=False,
            )
        )
        made.append(
            notification_send(
                channel="SMS",
                template="loan_decision_sms",
                recipient=f"+9198765{n:05d}",
                context={**SAMPLE_CONTEXTS["loan_decision_sms"], "application_id": f"L{n}"},
                enqueue=False,
            )
        )
    return made


@pytest.mark.django_db
def test_a_batch_of_decision_messages_is_delivered_each_once_in_few_statements(locmem_sms):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from smartbank.tasks import notification_deliver_task

    few, many = decision_messages(1), decision_messages(20)
    with CaptureQueriesContext(connection) as two:
        result = notification_deliver_task.apply(args=[str(n.pk) for n in few]).get()
    assert result == "SENT,SENT"
    with CaptureQueriesContext(connection) as forty:
        result = notification_deliver_task.apply(args=[str(n.pk) for n in many]).get()

    # Each message went out once, its row SENT with one event and nothing left to read back
    assert result == ",".join(["SENT"] * 40)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [f"applicant{n}@example.com" for n in range(20)] + ["applicant0@example.com"]
    )
    assert len(locmem_sms) == 21
    for notification in Notification.objects.filter(pk__in=[n.pk for n in many]):
        assert notification.status == Notification.Status.SENT and notification.attempts == 1
        assert notification.recipient_encrypted == notification.body_encrypted == ""
        assert list(notification.events.values_list("type", "data")) == [
            ("SENT", {"from": "QUEUED", "to": "SENT", "attempts": 1})
        ]
    # Forty messages cost the statements of two
    assert len(forty.captured_queries) <= len(two.captured_queries)

    # And a redelivered task sends nothing twice
    again = notification_deliver_task.apply(args=[str(n.pk) for n in many]).get()
    assert again == ",".join(["SENT"] * 40)
    assert len(mail.outbox) == 21 and len(locmem_sms) == 21


@pytest.mark.django_db
def test_in_a_batch_only_the_failed_message_waits_for_its_retry(http_gateway):
    from smartbank.notifications import notifications_deliver

    email, sms_message, *_ = decision_messages(1)
    # The SMS provider lives outside this machine: its HTTP call fails as when it is down.
    refused = urllib.error.URLError("[Errno 111] Connection refused")
    with mock.patch("urllib.request.urlopen", side_effect=refused):
        outcomes = notifications_deliver(notification_ids=[email.pk, sms_message.pk])

    assert [(o.notification.status, o.error is None) for o in outcomes] == [
        (Notification.Status.SENT, True),
        (Notification.Status.QUEUED, False),
    ]
    sms_message.refresh_from_db()
    assert sms_message.status == Notification.Status.QUEUED and sms_message.attempts == 1
    assert sms_message.error.startswith("SmsDeliveryError: gateway unreachable")
    assert sms_message.body_encrypted != ""  # kept for the retry
    assert not sms_message.events.exists()
    assert [m.to for m in mail.outbox] == [["applicant0@example.com"]]
