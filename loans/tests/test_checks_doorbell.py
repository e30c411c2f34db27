"""Submissions ring a doorbell instead of publishing a message each (issue 13): one task
decides what waits in batches, every application is still decided, and nothing is lost when
the broker refuses or a batch's checks raise. Real Redis (broker and cache) and PostgreSQL."""

import datetime
import os
import time
from pathlib import Path

import pytest
import redis
from django.core.cache import cache
from django.utils import timezone

from loans.models import LoanApplication, WatchlistEntry
from loans.services import loan_applications_decide_waiting
from loans.services._transitions import CHECKS_DOORBELL, CHECKS_TASK
from loans.tasks import loan_applications_decide_waiting_task
from smartbank.models import OutboxMessage
from smartbank.outbox import outbox_dispatch
from smartbank.tests.brokers import UNREACHABLE_BROKER, publishing_to
from smartbank.tests.workers import solo_worker, wait_until

from .factories import SANCTIONED, default_product, submit, write_targets_csv

Status = LoanApplication.Status


@pytest.fixture
def broker():
    """This process publishing to the test run's Redis broker, its default queue emptied;
    yields a function that counts the messages waiting there."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        pytest.skip("needs CELERY_BROKER_URL=redis://... (make test sets it)")
    queue = redis.Redis.from_url(url)
    queue.delete("celery")
    with publishing_to(url):
        yield lambda: queue.llen("celery")
    queue.delete("celery")


def checks_messages():
    return OutboxMessage.objects.filter(task_name=CHECKS_TASK)


@pytest.mark.django_db
def test_submissions_while_the_bell_rings_publish_one_task_that_decides_them_all(
    broker, django_capture_on_commit_callbacks
):
    for n in range(5):
        with django_capture_on_commit_callbacks(execute=True):
            submit(email=f"ring{n}@example.com")

    assert broker() == 1  # one doorbell task for five commits
    assert checks_messages().count() == 5
    assert not checks_messages().filter(dispatched_at__isnull=False).exists()

    assert loan_applications_decide_waiting_task.apply().get() == 5
    assert not LoanApplication.objects.filter(status=Status.SUBMITTED).exists()
    assert not checks_messages().filter(dispatched_at__isnull=True).exists()
    # Answered: the next submission publishes a task again.
    with django_capture_on_commit_callbacks(execute=True):
        submit(email="later@example.com")
    assert broker() == 2


@pytest.mark.django_db
def test_a_full_batch_rings_again_so_another_worker_takes_the_next(broker):
    for n in range(7):
        submit(email=f"full{n}@example.com")  # in the test's transaction: nothing rung yet

    assert loan_applications_decide_waiting(limit=3) == 3
    assert broker() == 1  # rung again while the first batch was deciding
    assert loan_applications_decide_waiting(limit=3) == 3
    assert broker() == 2
    assert loan_applications_decide_waiting(limit=3) == 1
    assert broker() == 2  # the last claim was not full: nothing more waits
    assert not LoanApplication.objects.filter(status=Status.SUBMITTED).exists()


@pytest.mark.django_db
def test_a_refused_ring_leaves_the_message_for_the_dispatcher(django_capture_on_commit_callbacks):
    with publishing_to(UNREACHABLE_BROKER):
        with django_capture_on_commit_callbacks(execute=True):
            application = submit(email="refused@example.com")
        assert cache.get(CHECKS_DOORBELL.key) is None  # cleared: the next commit rings anew
    [message] = checks_messages()
    assert message.dispatched_at is None

    later = timezone.now() + datetime.timedelta(minutes=1)
    assert outbox_dispatch(now=later) >= 1  # eager again: the message runs the checks here
    application.refresh_from_db()
    assert application.status == Status.APPROVED


@pytest.mark.django_db
def test_an_application_whose_checks_raise_in_a_waiting_batch_keeps_its_own_message(
    tmp_path, broker
):
    path = write_targets_csv(tmp_path / "sanctions.csv", [SANCTIONED])
    from loans.watchlists import watchlist_import

    with path.open(newline="") as fh:
        watchlist = watchlist_import(file=fh, name="OpenSanctions", kind="SANCTIONS", version="1")
    # A corrupt row (aliases not a list) makes screening of a matching name fail: a real error.
    WatchlistEntry.objects.filter(watchlist=watchlist).update(aliases=5)
    good = submit(email="good@example.com")
    broken = submit(name="Viktor Bout", email="vb@example.com")

    assert loan_applications_decide_waiting(limit=10) == 1
    good.refresh_from_db()
    broken.refresh_from_db()
    assert (good.status, broken.status) == (Status.APPROVED, Status.SUBMITTED)
    waiting = checks_messages().filter(dispatched_at__isnull=True)
    assert list(waiting.values_list("entity_id", flat=True)) == [str(broken.pk)]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_decides_every_submission_without_a_message_each(tmp_path: Path):
    default_product()
    log = tmp_path / "worker.log"
    with solo_worker(log):
        applications = []
        for n in range(30):
            applications.append(submit(email=f"w{n}@example.com"))  # autocommit: rung
            time.sleep(0.02)
        ids = [a.pk for a in applications]
        decided = wait_until(
            lambda: (
                not LoanApplication.objects.filter(
                    pk__in=ids, status__in=[Status.SUBMITTED, Status.PROCESSING]
                ).exists()
            ),
            timeout=90,
        )
        assert decided, log.read_text()
    text = log.read_text()
    assert "Task loans.tasks.loan_applications_decide_waiting_task[" in text
    assert "Task loans.tasks.loan_application_process_task[" not in text  # none of its own
    assert not checks_messages().filter(dispatched_at__isnull=True).exists()
    statuses = set(LoanApplication.objects.filter(pk__in=ids).values_list("status", flat=True))
    assert statuses == {Status.APPROVED}
