"""Monitoring (issue 14): Prometheus metrics of the portal and its Celery workers at
``/metrics``, and the staff check a reverse proxy asks before it lets anyone reach Flower.

Metrics (``smartbank_`` prefix; Grafana panels in the README):

- ``http_request_duration_seconds{view, method, status}``: histogram of every request's time in
  the web process, from the outermost middleware in to the response out (a streamed file's
  transfer not included). ``view`` is the URL name (``kyc:status``, ``admin:index``), ``static``
  for WhiteNoise's files, ``unmatched`` for a request no route took (a 404, the HTTPS
  redirect); ``method`` is one of :data:`HTTP_METHODS` or ``other``, so clients cannot make
  new series.
- ``celery_tasks_total{task, state}``: task runs by outcome, ``state`` ``succeeded`` /
  ``failed`` / ``retried`` (Celery's ``task_success``, ``task_failure``, ``task_retry``
  signals: the pool child that ran the task, or the worker's main process for a child killed by
  the hard time limit).
- ``celery_task_duration_seconds{task}``: histogram of the time between ``task_prerun`` and
  ``task_postrun``, whatever the outcome.
- ``celery_queue_length{queue}`` and ``celery_broker_up``: messages waiting in Redis (``LLEN``
  of each queue's lists, priority lists included), read when scraped; ``broker_up`` is 0 and
  no length is given while Redis does not answer within :data:`BROKER_TIMEOUT_SECONDS`.
- ``outbox_waiting_messages``: tasks committed but not yet handed to the broker, nor taken
  by a batch that answers a doorbell (loan applications, usually for well under a second)
  (:mod:`smartbank.outbox`), one count on a partial index.
- Collectors of the apps, registered with :func:`scrape_collector_register` (``kyc/metrics.py``:
  ``kyc_cases{status}``), and ``scrape_collector_up{collector}``: 0 when one of them failed
  (a database that is down), whose figures are then left out while the rest are served.

Processes: gunicorn runs several worker processes and Celery a pool of children, each with its
own memory. With ``PROMETHEUS_MULTIPROC_DIR`` set (``make run``: ``var/prometheus``, emptied at
each start) prometheus-client keeps every process's counters and histograms in a file of its
own there, and a scrape of any web process sums them all: the figures do not depend on which
process answers, and a process that exits leaves its counts behind. Without it (``runserver``,
tests) the scrape reads this process only. The scrape-time figures come from Redis and the
database, so every process sees the same.
"""

import hmac
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import redis
from celery import signals
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

#: Request methods named in the ``method`` label; any other is ``other``.
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
#: Seconds the scrape waits for Redis to connect or answer before it reports the broker down.
BROKER_TIMEOUT_SECONDS = 1.0
#: kombu's Redis transport keeps a queue's messages of priority > 0 in lists named
#: ``<queue><sep><priority>`` (kombu.transport.redis.Channel.sep / PRIORITY_STEPS).
REDIS_PRIORITY_SEPARATOR = "\x06\x16"
REDIS_PRIORITY_STEPS = (0, 3, 6, 9)

HTTP_REQUEST_DURATION = Histogram(
    "smartbank_http_request_duration_seconds",
    "Time to answer a request in the web process, by URL name, method and status code.",
    ["view", "method", "status"],
    # Pages answer in tens of milliseconds; a registration with its uploads takes seconds.
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
CELERY_TASKS = Counter(
    "smartbank_celery_tasks",
    "Celery task runs by task name and outcome (succeeded, failed, retried).",
    ["task", "state"],
)
CELERY_TASK_DURATION = Histogram(
    "smartbank_celery_task_duration_seconds",
    "Time a Celery task ran (task_prerun to task_postrun), by task name.",
    ["task"],
    # OCR and face matching take seconds; the hard time limit is 300 s (CELERY_TASK_TIME_LIMIT).
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0),
)


class RequestMetricsMiddleware:
    """Observe each request's duration in :data:`HTTP_REQUEST_DURATION`. First in
    ``MIDDLEWARE``, so the time includes every other middleware (settings: monitoring block)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        HTTP_REQUEST_DURATION.labels(
            view=_view_label(request),
            method=request.method if request.method in HTTP_METHODS else "other",
            status=str(response.status_code),
        ).observe(time.perf_counter() - started)
        return response


def _view_label(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name
    if settings.STATIC_URL and request.path.startswith(settings.STATIC_URL):
        return "static"
    return "unmatched"


# --- Celery signals: in the process that runs the task (eager mode: the caller's) -----------
# task id -> start times; a list because an eager retry runs inside the run it retries.
_task_started: dict[str, list[float]] = {}


def _task_name(sender: Any) -> str:
    return getattr(sender, "name", None) or str(sender)


def _on_task_prerun(sender: Any = None, task_id: str | None = None, **_: Any) -> None:
    _task_started.setdefault(str(task_id), []).append(time.perf_counter())


def _on_task_postrun(sender: Any = None, task_id: str | None = None, **_: Any) -> None:
    starts = _task_started.get(str(task_id))
    if not starts:
        return
    started = starts.pop()
    if not starts:
        _task_started.pop(str(task_id), None)
    CELERY_TASK_DURATION.labels(task=_task_name(sender)).observe(time.perf_counter() - started)


def _on_task_success(sender: Any = None, **_: Any) -> None:
    CELERY_TASKS.labels(task=_task_name(sender), state="succeeded").inc()


def _on_task_failure(sender: Any = None, **_: Any) -> None:
    CELERY_TASKS.labels(task=_task_name(sender), state="failed").inc()


def _on_task_retry(sender: Any = None, **_: Any) -> None:
    CELERY_TASKS.labels(task=_task_name(sender), state="retried").inc()


def celery_signals_connect() -> None:
    """Connect the task metrics to Celery's signals (``SmartbankConfig.ready``: every process
    that loads Django, so a prefork worker's children inherit them). Safe to call again."""
    for signal, receiver in (
        (signals.task_prerun, _on_task_prerun),
        (signals.task_postrun, _on_task_postrun),
        (signals.task_success, _on_task_success),
        (signals.task_failure, _on_task_failure),
        (signals.task_retry, _on_task_retry),
    ):
        signal.connect(receiver, weak=False, dispatch_uid=f"smartbank.monitoring.{signal.name}")


# --- Figures read at scrape time --------------------------------------------------------------
class BrokerQueueCollector(Collector):
    """``smartbank_celery_broker_up`` and ``smartbank_celery_queue_length{queue}`` of the Celery
    app's queues, from the broker's Redis with :data:`BROKER_TIMEOUT_SECONDS` timeouts."""

    def collect(self) -> Iterator[Metric]:
        from .celery import app

        up = GaugeMetricFamily(
            "smartbank_celery_broker_up", "1 when the broker (Redis) answered this scrape, else 0."
        )
        lengths = GaugeMetricFamily(
            "smartbank_celery_queue_length",
            "Messages waiting in the broker for a worker, by queue (Redis LLEN at scrape time).",
            labels=["queue"],
        )
        queues = sorted(app.amqp.queues) or [app.conf.task_default_queue]
        try:
            counts = broker_queue_lengths(app.conf.broker_url, queues)
        except (redis.RedisError, OSError, ValueError) as exc:
            logger.warning("metrics: broker unreachable (%s)", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        for queue, count in counts.items():
            lengths.add_metric([queue], count)
        yield up
        yield lengths


def broker_queue_lengths(broker_url: str, queues: Iterable[str]) -> dict[str, int]:
    """``{queue: messages waiting}`` in the Redis at ``broker_url``, one pipelined round trip.

    Raises ``redis.RedisError`` (or ``OSError``) when Redis does not answer within
    :data:`BROKER_TIMEOUT_SECONDS`, ``ValueError`` for a URL that is not ``redis://`` /
    ``rediss://`` / ``unix://``.
    """
    queues = list(queues)
    client = redis.Redis.from_url(
        broker_url,
        socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
        socket_timeout=BROKER_TIMEOUT_SECONDS,
        retry_on_timeout=False,
    )
    try:
        with client.pipeline(transaction=False) as pipe:
            for queue in queues:
                for priority in REDIS_PRIORITY_STEPS:
                    pipe.llen(f"{queue}{REDIS_PRIORITY_SEPARATOR}{priority}" if priority else queue)
            sizes = pipe.execute()
    finally:
        client.close()
    steps = len(REDIS_PRIORITY_STEPS)
    return {
        queue: sum(sizes[n * steps : (n + 1) * steps]) for n, queue in enumerate(queues)
    }


class OutboxCollector(Collector):
    """``smartbank_outbox_waiting_messages``: outbox rows not yet published to the broker nor
    taken by a doorbell's batch."""

    def collect(self) -> Iterator[Metric]:
        from .models import OutboxMessage

        waiting = OutboxMessage.objects.filter(dispatched_at__isnull=True).count()
        yield GaugeMetricFamily(
            "smartbank_outbox_waiting_messages",
            "Tasks committed but not yet handed to the broker (the dispatcher retries them).",
            value=waiting,
        )


_scrape_collectors: dict[str, Collector] = {
    "broker": BrokerQueueCollector(),
    "outbox": OutboxCollector(),
}


def scrape_collector_register(name: str, collector: Collector) -> None:
    """Add ``collector`` (a prometheus-client collector: ``collect()`` yields metric families,
    read at each scrape) to ``/metrics`` under ``name``; registering a name again replaces it.
    Apps call it from their ``AppConfig.ready`` (``kyc/apps.py``), so smartbank imports none."""
    _scrape_collectors[name] = collector


class _ScrapeCollectors(Collector):
    """The registered collectors, each on its own: one that raises is logged, its figures are
    left out and ``smartbank_scrape_collector_up{collector}`` says 0."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "smartbank_scrape_collector_up",
            "1 when the named scrape-time collector answered, 0 when it failed.",
            labels=["collector"],
        )
        for name, collector in sorted(_scrape_collectors.items()):
            try:
                families = list(collector.collect())
            except Exception:
                logger.exception("metrics: collector %s failed", name)
                up.add_metric([name], 0)
                continue
            up.add_metric([name], 1)
            yield from families
        yield up


class _ThisProcess(Collector):
    """The default registry's metrics (this process only), for a scrape without
    ``PROMETHEUS_MULTIPROC_DIR``."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def metrics_registry() -> CollectorRegistry:
    """A registry of everything ``/metrics`` shows: every process's counters and histograms
    (``PROMETHEUS_MULTIPROC_DIR``) or this process's, and the scrape-time collectors."""
    registry = CollectorRegistry()
    multiprocess_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if multiprocess_dir:
        MultiProcessCollector(registry, path=multiprocess_dir)
    else:
        registry.register(_ThisProcess())
    registry.register(_ScrapeCollectors())
    return registry


# --- Views ------------------------------------------------------------------------------------
def _is_verified_staff(user: Any) -> bool:
    """An active staff member whose session passed the second factor (django-otp)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and getattr(user, "is_verified", lambda: False)()
    )


def _has_metrics_token(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    return bool(
        token
        and scheme.lower() == "bearer"
        and hmac.compare_digest(credentials.strip().encode(), token.encode())
    )


def _unauthorised(challenge: str) -> HttpResponse:
    response = HttpResponse("Authentication required.\n", status=401, content_type="text/plain")
    response["WWW-Authenticate"] = challenge
    return response


def metrics_view(request: HttpRequest) -> HttpResponse:
    """``GET /metrics``: the Prometheus text format, for ``Authorization: Bearer
    <METRICS_TOKEN>`` (a scraper) or an OTP-verified staff session (someone looking).

    401 with a ``Bearer`` challenge without either (or with a wrong token), 403 for a signed-in
    customer. Costs two small queries (KYC cases by status, the outbox count) and one Redis
    round trip, however many requests and tasks were counted.
    """
    if not (_has_metrics_token(request) or _is_verified_staff(request.user)):
        if request.user.is_authenticated:
            return HttpResponse("Staff only.\n", status=403, content_type="text/plain")
        return _unauthorised('Bearer realm="metrics"')
    return HttpResponse(generate_latest(metrics_registry()), content_type=CONTENT_TYPE_LATEST)


def monitoring_staff_check(request: HttpRequest) -> HttpResponse:
    """``GET /admin/monitoring/staff-check/``: 204 for an OTP-verified staff session, 401 for
    anyone else not signed in (or not past the second factor), 403 for a customer.

    What a reverse proxy asks before it forwards a request to Flower (nginx ``auth_request``,
    README "Monitoring"), so Flower sits behind the staff console's own login. Under
    ``/admin/`` so a staff session without its second factor gets 401 here, not the customer
    pages' redirect to the OTP step.
    """
    if _is_verified_staff(request.user):
        return HttpResponse(status=204)
    if request.user.is_authenticated and not request.user.is_staff:
        return HttpResponse(status=403)
    return HttpResponse(status=401)
