"""Nothing lost (issue #10): the outbox, the dispatcher and the sweeper on real processes.

Each test runs its own ``redis-server`` (append-only file in a temporary folder, as the
project's service scripts run it) on a free port, real Celery worker and beat processes with
the settings of production except shorter intervals, and the test database (PostgreSQL in
``make test``). The test process itself plays the web server: it publishes to that Redis.

- the whole worker SIGKILLed mid-task, a new worker started: one decision within two minutes;
- Redis restarted with tasks queued, and Redis restarted having lost them: every item ends;
- Redis down when a customer registers: ``202``, nothing half-written, the work goes out once
  Redis is back.
"""

import contextlib
import datetime
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from kyc.models import KycCase, KycCaseEvent
from kyc.services import UploadedDocument, kyc_case_submit
from loans.models import LoanApplication
from smartbank.models import Notification, OutboxMessage
from smartbank.tests import cards
from smartbank.tests.brokers import publishing_to
from smartbank.tests.factories import UserFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

REDIS_SERVER = shutil.which("redis-server")
IN_FLIGHT = (KycCase.Status.PENDING, KycCase.Status.PROCESSING)
# Production's settings but for the clocks: dispatch and sweep every few seconds.
FAST_CLOCKS = {
    "OUTBOX_DISPATCH_INTERVAL_SECONDS": "1",
    "OUTBOX_DISPATCH_GRACE_SECONDS": "1",
    "SWEEP_INTERVAL_SECONDS": "3",
    "SWEEP_STUCK_AFTER_SECONDS": "15",
}
DOB = datetime.date(1988, 3, 14)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A ``redis-server`` of the test's own: started, stopped (SHUTDOWN, which writes the
    append-only file) or wiped (its files deleted: a server that lost its queue)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
            [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "yes", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            if self.ping():
                return
            time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.exceptions.ConnectionError:
            return False

    def stop(self) -> None:
        import redis

        if self.process is None:
            return
        # SHUTDOWN writes the append-only file, then closes the connection it came on: the
        # client's ConnectionError is the server going away, as asked.
        with contextlib.suppress(redis.exceptions.ConnectionError):
            redis.Redis(port=self.port).shutdown()
        self.process.wait(timeout=30)
        self.process = None

    def wipe(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def queued(self) -> int:
        import redis

        return redis.Redis(port=self.port).llen("celery")


@pytest.fixture
def stack(tmp_path: Path, settings) -> Iterator[Callable[..., subprocess.Popen]]:
    """Redis of the test's own, this process publishing to it, and ``spawn(kind)`` starting a
    ``worker`` (prefork, one child) or ``beat`` process on it; all stopped at the end."""
    if REDIS_SERVER is None:
        pytest.skip("needs redis-server (make test installs it)")
    server = RedisServer(tmp_path / "redis")
    server.start()
    db = connection.settings_dict
    env = {
        **os.environ,
        **FAST_CLOCKS,
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}"
        f"/{db['NAME']}",
        "CELERY_BROKER_URL": server.url(0),
        "CACHE_URL": server.url(1),
        "PRIVATE_STORAGE_ROOT": str(django_settings.PRIVATE_STORAGE_ROOT),
        "OMP_THREAD_LIMIT": "1",
    }
    if connection.vendor != "postgresql":
        pytest.skip("the worker processes share the test database: PostgreSQL (make test)")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": server.url(1)}
    }
    processes: list[subprocess.Popen] = []

    def spawn(kind: str) -> subprocess.Popen:
        n = len(processes)
        args = {
            "worker": ["worker", "--pool=prefork", "--concurrency=1", "--loglevel=INFO",
                       "--without-gossip", "--without-mingle", "--without-heartbeat",
                       f"-n=fault{n}@%h"],
            "beat": ["beat", "--loglevel=INFO", f"--schedule={tmp_path / f'beat-{n}'}"],
        }[kind]
        log = (tmp_path / f"{kind}-{n}.log").open("w")
        process = subprocess.Popen(  # noqa: S603 - our own processes, fixed arguments
            [sys.executable, "-m", "celery", "-A", "smartbank", *args],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        processes.append(process)
        return process

    spawn.server = server  # type: ignore[attr-defined]
    spawn.logs = lambda: "\n".join(  # type: ignore[attr-defined]
        p.read_text()[-3000:] for p in sorted(tmp_path.glob("*.log"))
    )
    with publishing_to(server.url(0)):
        try:
            yield spawn
        finally:
            for process in processes:
                kill_group(process, signal.SIGTERM)
            server.stop()


def kill_group(process: subprocess.Popen, sig: int) -> None:
    """Send ``sig`` to the process and its children (a prefork worker and its pool)."""
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(condition: Callable[[], bool], *, seconds: float, logs: Callable[[], str]) -> float:
    """Poll ``condition`` every 0.2 s; return the seconds it took or fail with the logs."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():
            return time.monotonic() - start
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s\n{logs()}")


def kyc_submit(n: int) -> KycCase:
    """A customer's genuine Aadhaar card and selfie, submitted through the service."""
    name = ("Asha Verma", "Ravi Kumar", "Meena Das", "Kiran Rao")[n % 4]
    face = cards.FACE_PHOTOS[n % 3]  # three different people: no duplicate-face review
    number = cards.valid_aadhaar(f"3456789{n:04d}")
    user = UserFactory(full_name=name)
    card = cards.render_aadhaar(
        name=name, dob=DOB, gender="Female", number=number, photo=cards.face_photo(face)
    )
    return kyc_case_submit(
        user=user,
        id_type="AADHAAR",
        id_number=number,
        full_name=name,
        date_of_birth=DOB,
        id_document=UploadedDocument(cards.to_bytes(card)),
        selfie=UploadedDocument(cards.to_bytes(cards.selfie_of(face))),
    )


def decisions(case: KycCase) -> int:
    return case.events.filter(type=KycCaseEvent.Type.KYC_COMPLETED).count()


def test_whole_worker_sigkilled_mid_task_one_decision_within_two_minutes(stack):
    worker = stack("worker")
    stack("beat")
    case = kyc_submit(0)
    wait_for(
        lambda: KycCase.objects.get(pk=case.pk).status == KycCase.Status.PROCESSING,
        seconds=60,
        logs=stack.logs,
    )
    kill_group(worker, signal.SIGKILL)  # the main process and its pool child, no goodbye
    killed_at = time.monotonic()
    case.refresh_from_db()
    assert case.status == KycCase.Status.PROCESSING  # what issue #10 saw: stuck for good

    stack("worker")
    wait_for(
        lambda: KycCase.objects.get(pk=case.pk).status not in IN_FLIGHT,
        seconds=120 - (time.monotonic() - killed_at),
        logs=stack.logs,
    )
    print(f"decided {time.monotonic() - killed_at:.1f} s after the kill")
    case.refresh_from_db()
    assert case.status == KycCase.Status.VERIFIED, case.reasons
    assert decisions(case) == 1
    # The sweeper sent it again (more than once if a run outlasted the short stuck age).
    swept = OutboxMessage.objects.filter(entity_id=str(case.pk), swept=True)
    assert swept.exists() and not swept.filter(dispatched_at__isnull=True).exists()
    time.sleep(4)  # another sweep, a duplicate run: still one decision
    assert decisions(case) == 1


@pytest.mark.parametrize("queue_lost", [False, True], ids=["kept", "lost"])
def test_redis_restarted_with_tasks_queued_every_item_completes(stack, queue_lost):
    cases = [kyc_submit(n) for n in range(3)]
    from loans.tests.factories import submit as loan_submit

    application = loan_submit()
    queued = stack.server.queued()
    assert queued >= len(cases) + 1  # no worker yet: the tasks wait in Redis
    stack.server.stop()
    if queue_lost:  # a server restarted without its data: the sweeper must find them
        stack.server.wipe()
    stack.server.start()
    assert stack.server.queued() == (0 if queue_lost else queued)

    stack("worker")
    stack("beat")
    seconds = wait_for(
        lambda: not KycCase.objects.filter(status__in=IN_FLIGHT).exists()
        and not LoanApplication.objects.filter(
            status__in=[LoanApplication.Status.SUBMITTED, LoanApplication.Status.PROCESSING]
        ).exists()
        and not Notification.objects.filter(status=Notification.Status.QUEUED).exists(),
        seconds=150,
        logs=stack.logs,
    )
    for case in cases:
        case.refresh_from_db()
        assert case.status == KycCase.Status.VERIFIED, case.reasons
        assert decisions(case) == 1
    application.refresh_from_db()
    assert application.status != LoanApplication.Status.PROCESSING
    assert not Notification.objects.exclude(status=Notification.Status.SENT).exists()
    print(f"queue {'lost' if queue_lost else 'kept'}: every item done {seconds:.1f} s after start")


def test_redis_down_at_registration_is_accepted_and_the_work_goes_out_when_it_is_back(
    stack, client
):
    stack.server.stop()
    number = cards.valid_aadhaar("45678901234")
    card = cards.render_aadhaar(
        name="Lakshmi Menon", dob=DOB, gender="Female", number=number,
        photo=cards.face_photo("astronaut"),
    )
    started = time.monotonic()
    response = client.post(
        "/api/v1/registrations/",
        {
            "email": "lakshmi@example.com", "password": "Kaveri-Tunga-4821",
            "full_name": "Lakshmi Menon", "date_of_birth": DOB.isoformat(),
            "phone": "+919876543210", "id_type": "AADHAAR", "id_number": number,
            "id_document": SimpleUploadedFile("card.jpg", cards.to_bytes(card), "image/jpeg"),
            "selfie": SimpleUploadedFile(
                "selfie.jpg", cards.to_bytes(cards.selfie_of("astronaut")), "image/jpeg"
            ),
        },
    )
    assert response.status_code == 202, response.content
    assert time.monotonic() - started < 10  # the broker's absence costs no long wait
    case = KycCase.objects.get(user__email="lakshmi@example.com")
    assert case.status == KycCase.Status.PENDING
    waiting = OutboxMessage.objects.filter(dispatched_at__isnull=True)
    assert {m.task_name for m in waiting} >= {"kyc.tasks.kyc_case_verify_task"}
    assert all(m.last_error for m in waiting)

    stack.server.start()
    stack("worker")
    stack("beat")
    wait_for(
        lambda: KycCase.objects.get(pk=case.pk).status not in IN_FLIGHT
        and not Notification.objects.filter(status=Notification.Status.QUEUED).exists(),
        seconds=120,
        logs=stack.logs,
    )
    case.refresh_from_db()
    assert case.status == KycCase.Status.VERIFIED, case.reasons
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()
    assert Notification.objects.filter(status=Notification.Status.SENT).exists()
