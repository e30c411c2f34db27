"""The outbox and the sweeper as services (issue #10), on the test database.

The processes (a worker SIGKILLed, Redis restarted or down) are in ``test_nothing_lost.py``;
here each rule is checked on its own: a rollback enqueues nothing, a refused publish waits for
the dispatcher, a stuck record is enqueued again and a poison one ends with staff.
"""

import datetime

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kyc.models import KycCase, KycCaseEvent
from kyc.services import UploadedDocument, kyc_case_submit
from kyc.tests.factories import KycCaseFactory
from loans.models import LoanApplication
from smartbank.models import Notification, OutboxMessage
from smartbank.notifications import notification_send
from smartbank.outbox import outbox_dispatch, outbox_purge
from smartbank.sweeper import stuck_sweep
from smartbank.tests import cards
from smartbank.tests.brokers import UNREACHABLE_BROKER, publishing_to
from smartbank.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
VERIFY = "kyc.tasks.kyc_case_verify_task"


def submit_case(user) -> KycCase:  # noqa: ANN001 - a user
    card = cards.render_aadhaar(
        name=user.full_name, dob=datetime.date(1990, 8, 5), gender="Male",
        number=cards.VALID_AADHAAR, photo=cards.face_photo("astronaut"),
    )
    return kyc_case_submit(
        user=user,
        id_type="AADHAAR",
        id_number=cards.VALID_AADHAAR,
        full_name=user.full_name,
        date_of_birth=datetime.date(1990, 8, 5),
        id_document=UploadedDocument(cards.to_bytes(card)),
        selfie=UploadedDocument(cards.to_bytes(cards.selfie_of("astronaut"))),
    )


def test_a_rolled_back_transaction_enqueues_nothing(django_capture_on_commit_callbacks):
    user = UserFactory(full_name="Neil Armstrong")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            submit_case(user)
            assert OutboxMessage.objects.filter(task_name=VERIFY).count() == 1
            raise RuntimeError("the request failed after the submission")
    assert callbacks == []
    assert not KycCase.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_the_task_is_written_with_the_state_change_and_sent_after_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        case = submit_case(UserFactory(full_name="Neil Armstrong"))
        message = OutboxMessage.objects.get(task_name=VERIFY)
        assert message.args == [str(case.pk)] and message.dispatched_at is None
    message.refresh_from_db()
    assert message.dispatched_at is not None and message.entity_id == str(case.pk)
    case.refresh_from_db()
    assert case.status == KycCase.Status.VERIFIED  # the eager task ran at commit


def test_a_refused_publish_waits_and_the_dispatcher_sends_it_later(
    django_capture_on_commit_callbacks,
):
    with publishing_to(UNREACHABLE_BROKER), django_capture_on_commit_callbacks(execute=True):
        case = submit_case(UserFactory(full_name="Neil Armstrong"))  # no exception: recorded
    message = OutboxMessage.objects.get(task_name=VERIFY)
    assert message.dispatched_at is None
    assert message.publish_attempts == 1 and message.last_error == "OperationalError"
    assert outbox_dispatch() == 0  # still within its grace: the commit's own publish owns it

    later = timezone.now() + datetime.timedelta(seconds=settings.OUTBOX_DISPATCH_GRACE_SECONDS)
    with publishing_to(UNREACHABLE_BROKER):
        assert outbox_dispatch(now=later) == 0  # broker still down: counted, kept
    message.refresh_from_db()
    assert message.publish_attempts == 2 and message.dispatched_at is None

    assert outbox_dispatch(now=later) == 1  # the broker is back (eager here)
    message.refresh_from_db()
    case.refresh_from_db()
    assert message.dispatched_at is not None
    assert case.status == KycCase.Status.VERIFIED


def test_purge_keeps_waiting_messages_and_recent_ones():
    now = timezone.now()
    old = OutboxMessage.objects.create(task_name=VERIFY, args=["a"], dispatched_at=now)
    waiting = OutboxMessage.objects.create(task_name=VERIFY, args=["b"])
    recent = OutboxMessage.objects.create(task_name=VERIFY, args=["c"], dispatched_at=now)
    OutboxMessage.objects.filter(pk=old.pk).update(
        dispatched_at=now - datetime.timedelta(days=settings.OUTBOX_RETENTION_DAYS + 1)
    )
    assert outbox_purge(now=now) == 1
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {waiting.pk, recent.pk}


def _published_but_lost() -> None:
    """What a broker that lost its queue leaves: messages marked sent, no task ever ran."""
    OutboxMessage.objects.filter(dispatched_at__isnull=True).update(dispatched_at=timezone.now())


def _sweeps(n: int) -> list:
    """Run the sweeper ``n`` times, each a stuck age after the last; returns the reports."""
    step = datetime.timedelta(seconds=settings.SWEEP_STUCK_AFTER_SECONDS + 1)
    reports = []
    for k in range(1, n + 1):
        reports.append(stuck_sweep(now=timezone.now() + k * step))
        _published_but_lost()
    return reports


def _stuck_case() -> KycCase:
    case = KycCaseFactory(status=KycCase.Status.PENDING, reasons=[])
    OutboxMessage.objects.create(
        task_name=VERIFY, args=[str(case.pk)], entity_id=str(case.pk), dispatched_at=timezone.now()
    )
    return case


def test_a_stuck_case_is_enqueued_again_and_a_poison_one_goes_to_staff():
    case = _stuck_case()
    assert stuck_sweep().requeued == {}  # not stuck yet: changed just now

    reports = _sweeps(settings.SWEEP_MAX_ATTEMPTS + 1)
    for report in reports[:-1]:
        assert report.requeued == {VERIFY: [str(case.pk)]}
    assert reports[-1].given_up == {VERIFY: [str(case.pk)]}
    swept = OutboxMessage.objects.filter(entity_id=str(case.pk), swept=True)
    assert swept.count() == settings.SWEEP_MAX_ATTEMPTS

    case.refresh_from_db()
    assert case.status == KycCase.Status.MANUAL_REVIEW
    assert [r["code"] for r in case.reasons] == ["ENGINE_ERROR"]
    event = case.events.get(type=KycCaseEvent.Type.PROCESSING_FAILED)
    assert event.data["final"] is True and "Stuck" in event.data["error"]
    assert _sweeps(1)[0].given_up == {}  # decided: never touched again


def test_a_case_waiting_for_the_broker_is_the_dispatchers_not_the_sweepers():
    case = KycCaseFactory(status=KycCase.Status.PENDING, reasons=[])
    OutboxMessage.objects.create(task_name=VERIFY, args=[str(case.pk)], entity_id=str(case.pk))
    later = timezone.now() + datetime.timedelta(seconds=settings.SWEEP_STUCK_AFTER_SECONDS + 1)
    assert stuck_sweep(now=later).requeued == {}


def test_stuck_loans_notifications_and_ocr_flows_end_too(django_capture_on_commit_callbacks):
    from kyc.models import OcrFlow
    from loans.tests.factories import submit as loan_submit

    application = loan_submit()
    notification = notification_send(
        channel="EMAIL", template="otp_email_verification", recipient="neil@example.com",
        context={"code": "482913"},
    )
    flow = OcrFlow.objects.create(user=UserFactory())
    flow.tasks.create(position=0, name="PERFORM_OCR")
    _published_but_lost()

    _sweeps(settings.SWEEP_MAX_ATTEMPTS + 1)
    application.refresh_from_db()
    notification.refresh_from_db()
    flow.refresh_from_db()
    assert application.status == LoanApplication.Status.REVIEW
    assert "Stuck" in application.last_error
    assert notification.status == Notification.Status.FAILED
    assert flow.status == OcrFlow.Status.FAILED



def test_a_message_a_worker_died_on_three_times_goes_to_staff_instead_of_looping():
    """``task_reject_on_worker_lost`` hands a message out again with its id and retry count
    unchanged, so deliveries are counted per task id; here three deliveries of "poison-1"
    already happened and each time the worker died."""
    from django.core.cache import cache

    from kyc.tasks import kyc_case_verify_task

    decided = KycCaseFactory(status=KycCase.Status.VERIFIED, reasons=[])
    assert kyc_case_verify_task.apply(args=[str(decided.pk)], task_id="fresh-1").get() == (
        KycCase.Status.VERIFIED  # a first delivery runs (and a decided case stays decided)
    )
    case = KycCaseFactory(status=KycCase.Status.PROCESSING, reasons=[])
    cache.set("task-deliveries:poison-1", settings.TASK_MAX_WORKER_LOST)
    result = kyc_case_verify_task.apply(args=[str(case.pk)], task_id="poison-1").get()
    case.refresh_from_db()
    assert result == case.status == KycCase.Status.MANUAL_REVIEW
    assert "WorkerLost" in case.last_error
    assert case.events.get(type=KycCaseEvent.Type.PROCESSING_FAILED).data["final"] is True


@pytest.mark.django_db(transaction=True)
def test_the_dispatched_mark_after_commit_is_recorded():
    # Given a message committed on its own (autocommit), as after a request's transaction
    from django.core import mail
    from django.db import connection

    notification = notification_send(
        channel="EMAIL",
        template="otp_email_verification",
        recipient="neil@example.com",
        context={"code": "482913"},
    )

    # Then it was published and marked once (PostgreSQL: without waiting for the WAL flush),
    # and the connection's own durability setting is untouched
    message = OutboxMessage.objects.get(args=[str(notification.pk)])
    assert message.dispatched_at is not None and message.publish_attempts == 1
    assert len(mail.outbox) == 1
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone() == ("on",)
