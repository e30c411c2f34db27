"""Monitoring on ``make run``'s processes (issue 14), on make test's Redis and the test database:
gunicorn with make run's options (2 processes of 4 threads) and a prefork Celery worker of 2
children, all writing to one ``PROMETHEUS_MULTIPROC_DIR``, and Flower.

- Every scrape of ``/metrics``, whichever gunicorn process answers it, counts the requests that
  both gunicorn processes served and the tasks that the worker's children ran.
- Flower starts, answers its health check, refuses its API without its login, and lists the
  worker with it.
"""

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from smartbank.celery import app
from smartbank.tests.brokers import publishing_to
from smartbank.tests.make_run import gunicorn_options
from smartbank.tests.metrics import METRICS_TOKEN, Scrape

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
TASK = "smartbank.tasks.housekeeping_purge_task"
FLOWER_LOGIN = "flower:test-only-flower-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """``(status, body)``; an HTTP error is an answer too."""
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - 127.0.0.1
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


def wait_for(condition: Callable[[], bool], *, seconds: float, logs: Callable[[], str]) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, logs()
        time.sleep(0.3)


def children(pid: int) -> set[int]:
    """The pids a process forked (a gunicorn master's workers, a Celery worker's pool)."""
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return {int(child) for child in text.split()}


class Stack:
    """Processes started with one environment, logs in the test's folder, stopped at the end."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder, self.env = folder, env
        self.metrics_dir = Path(env["PROMETHEUS_MULTIPROC_DIR"])
        self.processes: list[subprocess.Popen] = []

    def start(self, name: str, args: list[str], **env: str) -> subprocess.Popen:
        environment = {**self.env, **env}
        if name == "flower":  # as make run starts it: its own metrics stay out of ours
            environment.pop("PROMETHEUS_MULTIPROC_DIR")
        log = (self.folder / f"{name}.log").open("w")
        process = subprocess.Popen(  # noqa: S603 - our own processes, fixed arguments
            [sys.executable, "-m", *args], cwd=ROOT, env=environment, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text() if path.exists() else ""

    def logs(self) -> str:
        logs = sorted(self.folder.glob("*.log"))
        return "\n".join(f"--- {path.name}\n{path.read_text()[-3000:]}" for path in logs)

    def worker(self) -> subprocess.Popen:
        """make run's worker (prefork, 2 children), ready to take tasks."""
        worker = self.start("worker", [
            "celery", "-A", "smartbank", "worker", "--pool=prefork", "--concurrency=2",
            "--loglevel=INFO", f"--hostname=monitor{os.getpid()}@%h",
        ])
        wait_for(lambda: " ready." in self.log("worker"), seconds=60, logs=self.logs)
        return worker

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        pytest.skip("needs Redis: CELERY_BROKER_URL=redis://... (make test sets it)")
    if connection.vendor != "postgresql":
        pytest.skip("the processes share the test database: PostgreSQL (make test)")
    import redis

    redis.Redis.from_url(broker).delete("celery")  # nothing left over from other tests
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "smartbank.tests.settings",
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}"
        f"/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "METRICS_TOKEN": METRICS_TOKEN,
        "OMP_THREAD_LIMIT": "1",
    }
    processes = Stack(tmp_path, env)
    try:
        yield processes
    finally:
        processes.stop()
        redis.Redis.from_url(broker).delete("celery")


def test_every_scrape_sums_both_gunicorn_processes_and_the_workers_children(stack):
    worker = stack.worker()
    port = free_port()
    web = stack.start("web", [
        "gunicorn", "smartbank.wsgi", "--bind", f"127.0.0.1:{port}", *gunicorn_options(),
    ])
    base = f"http://127.0.0.1:{port}"
    login = f"{base}/accounts/login/"

    def serving() -> bool:
        try:
            return get(login)[0] == 200
        except urllib.error.URLError:  # not listening yet
            return False

    wait_for(serving, seconds=60, logs=stack.logs)
    sent = 1

    # Requests 16 at a time until both gunicorn processes have served some (each writes its
    # own file, named by its pid).
    web_pids = children(web.pid)
    assert len(web_pids) == 2, web_pids

    def wrote(pid: int) -> bool:
        return (stack.metrics_dir / f"histogram_{pid}.db").exists()

    with ThreadPoolExecutor(16) as pool:
        for _ in range(20):
            assert set(pool.map(lambda _: get(login)[0], range(32))) == {200}
            sent += 32
            if all(wrote(pid) for pid in web_pids):
                break
    assert all(wrote(pid) for pid in web_pids), sorted(stack.metrics_dir.iterdir())

    tasks = 6
    with publishing_to(settings.CELERY_BROKER_URL):
        for _ in range(tasks):
            app.send_task(TASK)

    def scrape() -> Scrape:
        status, body = get(f"{base}/metrics", {"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert status == 200, body[:500]
        return Scrape(body)

    def succeeded(metrics: Scrape) -> float:
        return metrics.count("smartbank_celery_tasks_total", task=TASK, state="succeeded")

    wait_for(lambda: succeeded(scrape()) == tasks, seconds=60, logs=stack.logs)
    pool_pids = children(worker.pid)
    assert any((stack.metrics_dir / f"counter_{pid}.db").exists() for pid in pool_pids)

    requests = "smartbank_http_request_duration_seconds_count"
    ok = {"method": "GET", "status": "200"}
    scrapes = [scrape() for _ in range(8)]
    for metrics in scrapes:  # the same figures, whichever process answered
        assert metrics.value(requests, view="accounts:login", **ok) == sent
        assert succeeded(metrics) == tasks
        assert metrics.value("smartbank_celery_task_duration_seconds_count", task=TASK) == tasks
        assert metrics.value("smartbank_celery_broker_up") == 1
        assert metrics.value("smartbank_celery_queue_length", queue="celery") == 0
    # Each scrape is counted when it ends: every next one sees exactly one more.
    seen = [metrics.value(requests, view="metrics", **ok) for metrics in scrapes]
    assert seen == list(range(int(seen[0]), int(seen[0]) + len(seen))), seen


def test_flower_starts_refuses_its_api_without_the_login_and_lists_the_worker(stack):
    stack.worker()
    port = free_port()
    # make run's Flower options (Makefile FLOWER_OPTIONS) on a free port, make run's login.
    stack.start(
        "flower",
        ["celery", "-A", "smartbank", "flower", "--address=127.0.0.1", f"--port={port}"],
        FLOWER_BASIC_AUTH=FLOWER_LOGIN,
    )
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return get(f"{base}/healthcheck") == (200, "OK")
        except urllib.error.URLError:
            return False

    wait_for(healthy, seconds=60, logs=stack.logs)

    assert get(f"{base}/api/workers")[0] == 401
    assert get(f"{base}/")[0] == 401
    wrong = base64.b64encode(b"flower:wrong").decode()
    assert get(f"{base}/api/workers", {"Authorization": f"Basic {wrong}"})[0] == 401

    login = {"Authorization": f"Basic {base64.b64encode(FLOWER_LOGIN.encode()).decode()}"}
    workers: dict = {}

    def listed() -> bool:
        nonlocal workers
        status, body = get(f"{base}/api/workers?refresh=1", login)
        assert status == 200, body[:500]
        workers = json.loads(body)
        return any(name.startswith(f"monitor{os.getpid()}@") for name in workers)

    wait_for(listed, seconds=60, logs=stack.logs)
    assert get(f"{base}/", login)[0] == 200
