"""Monitoring (issue 14): ``/metrics`` scraped through the test client after real requests and
real task runs (Celery eager mode, the same signals a worker sends), refused to anyone without
the token or a verified staff session, the broker's queue read from make test's Redis (and a
Redis that is down), and the staff check a proxy asks before Flower.

The SMS gateway of the retry test is an address nothing listens on (127.0.0.1:9): a refused
connection, as a provider that is down gives.
"""

import time

import pytest
from django.core.exceptions import ValidationError

from smartbank import monitoring
from smartbank.celery import app, enqueue_on_commit
from smartbank.models import Notification, OutboxMessage
from smartbank.monitoring import REDIS_PRIORITY_SEPARATOR, REDIS_PRIORITY_STEPS
from smartbank.notifications import notification_send
from smartbank.tasks import notification_deliver_task
from smartbank.tests.auth import login_verified
from smartbank.tests.brokers import UNREACHABLE_BROKER, publishing_to
from smartbank.tests.metrics import METRICS_TOKEN, scrape

pytestmark = pytest.mark.django_db

DELIVER = "smartbank.tasks.notification_deliver_task"
REQUESTS = "smartbank_http_request_duration_seconds_count"
TASKS = "smartbank_celery_tasks_total"
TASK_SECONDS = "smartbank_celery_task_duration_seconds"


@pytest.fixture(autouse=True)
def metrics_token(settings):
    settings.METRICS_TOKEN = METRICS_TOKEN


@pytest.fixture
def retries_in_place():
    """Eager mode runs a retry in place (as a worker would run it) only when task errors are
    not propagated to the caller."""
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


def test_requests_and_tasks_move_their_metrics(
    client, settings, retries_in_place, django_capture_on_commit_callbacks
):
    before = scrape(client)

    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/no-such-page/").status_code == 404
    # A real SMS to a gateway that refuses: two retries, then the task gives up (succeeds,
    # the notification FAILED); then a message with a malformed id fails the task.
    settings.SMS_BACKEND = "smartbank.sms.HttpSmsGateway"
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/messages"
    settings.SMS_GATEWAY_API_KEY = "test-key"
    settings.NOTIFICATION_MAX_RETRIES = 2
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(
            channel="SMS", template="otp_login_sms", recipient="+919876543210",
            context={"code": "123456"},
        )
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED and notification.attempts == 3
    failed = notification_deliver_task.apply(args=["not-a-uuid"])
    assert failed.state == "FAILURE" and isinstance(failed.result, ValidationError)

    after = scrape(client)

    def moved(name: str, **labels: str) -> float:
        return after.count(name, **labels) - before.count(name, **labels)

    login = {"view": "accounts:login", "method": "GET", "status": "200"}
    assert moved(REQUESTS, **login) == 2
    assert moved(REQUESTS, view="unmatched", method="GET", status="404") == 1
    assert moved(REQUESTS, view="metrics", method="GET", status="200") == 1  # the first scrape
    assert moved("smartbank_http_request_duration_seconds_sum", **login) > 0
    assert moved(
        "smartbank_http_request_duration_seconds_bucket", **login, le="+Inf"
    ) == 2
    assert moved(TASKS, task=DELIVER, state="retried") == 2
    assert moved(TASKS, task=DELIVER, state="succeeded") == 1
    assert moved(TASKS, task=DELIVER, state="failed") == 1
    assert moved(f"{TASK_SECONDS}_count", task=DELIVER) == 4  # every run, whatever its end
    assert moved(f"{TASK_SECONDS}_sum", task=DELIVER) > 0


def test_metrics_need_the_token_or_a_verified_staff_session(client, settings, customer, reviewer):
    refused = [
        client.get("/metrics"),
        client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong-token"),
        client.get("/metrics", HTTP_AUTHORIZATION=f"Basic {METRICS_TOKEN}"),
    ]
    for response in refused:
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
        assert b"smartbank_" not in response.content
    # No token configured: no bearer token is good, not even an empty one.
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 401

    login_verified(client, customer)
    assert client.get("/metrics").status_code == 403

    client.logout()
    client.force_login(reviewer)  # staff, second factor not passed: sent to the OTP step
    response = client.get("/metrics")
    assert response.status_code == 302 and "/accounts/otp/" in response["Location"]

    login_verified(client, reviewer)
    response = client.get("/metrics")
    assert response.status_code == 200
    assert b"smartbank_kyc_cases" in response.content


def test_a_scrape_costs_two_queries(client, django_assert_num_queries):
    with django_assert_num_queries(2):  # KYC cases by status, the outbox count
        scrape(client)


def _purge(queue: str = "celery") -> None:
    import redis

    keys = [f"{queue}{REDIS_PRIORITY_SEPARATOR}{p}" if p else queue for p in REDIS_PRIORITY_STEPS]
    redis.Redis.from_url(app.conf.broker_url).delete(*keys)


def test_queue_depth_counts_the_messages_waiting_in_redis(client, settings):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs Redis: CELERY_BROKER_URL=redis://... (make test sets it)")
    with publishing_to(settings.CELERY_BROKER_URL):
        _purge()
        try:
            assert scrape(client).value("smartbank_celery_queue_length", queue="celery") == 0
            for _ in range(3):  # no worker: they wait
                app.send_task("smartbank.tasks.housekeeping_purge_task")
            app.send_task("smartbank.tasks.housekeeping_purge_task", priority=5)  # its own list

            metrics = scrape(client)
        finally:
            _purge()
    assert metrics.value("smartbank_celery_broker_up") == 1
    assert metrics.value("smartbank_celery_queue_length", queue="celery") == 4


def test_with_redis_down_the_scrape_still_answers_and_counts_what_waits(
    client, django_capture_on_commit_callbacks
):
    before = scrape(client)
    with publishing_to(UNREACHABLE_BROKER):
        with django_capture_on_commit_callbacks(execute=True):
            enqueue_on_commit("smartbank.tasks.housekeeping_purge_task")  # refused: it waits
        started = time.monotonic()
        metrics = scrape(client)
        seconds = time.monotonic() - started

    assert seconds < 3
    assert metrics.value("smartbank_celery_broker_up") == 0
    assert metrics.value("smartbank_celery_queue_length", queue="celery") is None  # unknown, not 0
    assert metrics.value("smartbank_scrape_collector_up", collector="broker") == 1
    waiting = OutboxMessage.objects.filter(dispatched_at__isnull=True).count()
    assert metrics.value("smartbank_outbox_waiting_messages") == waiting
    assert waiting == before.value("smartbank_outbox_waiting_messages") + 1


def test_a_failing_collector_is_left_out_and_the_rest_is_served(client, monkeypatch):
    class Broken:
        def collect(self):
            raise RuntimeError("the database is down")

    monkeypatch.setitem(monitoring._scrape_collectors, "broken", Broken())
    metrics = scrape(client)

    assert metrics.value("smartbank_scrape_collector_up", collector="broken") == 0
    assert metrics.value("smartbank_scrape_collector_up", collector="kyc_cases") == 1
    assert metrics.value("smartbank_outbox_waiting_messages") is not None


def test_the_staff_check_before_flower_lets_only_verified_staff_through(client, customer, reviewer):
    url = "/admin/monitoring/staff-check/"
    assert client.get(url).status_code == 401

    login_verified(client, customer)
    assert client.get(url).status_code == 403

    client.logout()
    client.force_login(reviewer)  # password only: no second factor yet
    assert client.get(url).status_code == 401

    login_verified(client, reviewer)
    assert client.get(url).status_code == 204
