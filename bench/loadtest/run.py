"""``make loadtest``: customers registering, applying for loans and polling, against the
production stack on this machine, on loopback only; prints its figures beside the targets.

    .venv/bin/python bench/loadtest/run.py [--users 50] [--spawn-rate 10] [--duration 120]
        [--drain-timeout 600] [--pool 300]

One run:

1. Its own world: PostgreSQL database ``smartbank_load`` on 127.0.0.1:5432 (dropped and made
   again; role smartbank, as ``.ci/services.sh`` makes it); a redis-server of its own on a free
   loopback port (append-only file, as production; databases 0 broker, 1 cache), since on the
   shared 6379 any test whose CACHE_URL names the same database number clears it, queued tasks
   with it (``--redis-port 6379`` uses that one anyway, databases 12 and 13, refused while
   another program is connected to them); a private temporary folder for documents and the
   outbox of codes; generated secrets; production settings (``DJANGO_DEBUG=false``; HTTPS
   redirects, HSTS and secure cookies off: plain HTTP on loopback).
2. ``migrate``; meanwhile renders a pool of distinct Aadhaar cards (the test renderer,
   ``smartbank/tests/cards.py``, real faces from scikit-image and matplotlib) so the users spend
   no CPU drawing.
3. Starts gunicorn (2 processes × 4 threads), two Celery workers (concurrency 1 each) and, when
   ``smartbank/settings.py`` has a ``CELERY_BEAT_SCHEDULE``, celery beat.
4. Runs locust headless (``locustfile.py``): ``--users`` customers, ``--duration`` seconds.
5. Waits (at most ``--drain-timeout``) for the queue to drain, audits the database
   (``audit.py``) and prints the figures. Exit status 1 when a target is missed: any locust
   failure, any 5xx in gunicorn's access log, any task that raised, any record answered as
   created but absent, any KYC case, loan application or notification left open.

Every process it starts is stopped on the way out, Ctrl-C included. Logs, locust's CSV files
and the figures (``summary.txt``, ``summary.json``) are left in ``var/loadtest/``; the
database stays until the next run.
"""

import argparse
import csv
import datetime
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
OUT = ROOT / "var" / "loadtest"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PG = f"postgres://smartbank:smartbank@{HOST}:5432"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
FACES = ("astronaut", "grace_hopper")
FIRST = (
    "Aarav",
    "Diya",
    "Kabir",
    "Ananya",
    "Rohan",
    "Isha",
    "Vivaan",
    "Meera",
    "Arjun",
    "Saanvi",
    "Aditya",
    "Kavya",
    "Reyansh",
    "Tara",
    "Ishaan",
    "Nisha",
    "Dhruv",
    "Riya",
    "Yash",
    "Pooja",
)
LAST = (
    "Sharma",
    "Patel",
    "Singh",
    "Iyer",
    "Mehta",
    "Reddy",
    "Gupta",
    "Nair",
    "Rao",
    "Joshi",
    "Kumar",
    "Menon",
    "Das",
    "Pillai",
    "Bose",
    "Verma",
    "Malhotra",
    "Kapoor",
    "Desai",
    "Chatterjee",
)
#: Every user comes from 127.0.0.1, so the per-address limits would stop the run within a
#: minute; raised for it (and said so in the figures). Per-account limits are raised too.
RATE_LIMIT = "1000000/hour"
RATE_LIMITS = {
    f"RATE_LIMIT_{scope}_{kind}": RATE_LIMIT
    for scope in ("REGISTRATION", "CONTACT", "TOKEN", "REFRESH")
    for kind in ("ADDRESS", "ACCOUNT")
}
#: The pool has two real faces for every customer, so the duplicate-face check would send all
#: but the first two to staff: off for the run (distance <= -1 never happens).
PIPELINE = {"KYC_FACE_DUPLICATE_MAX": "-1"}


class Stop(Exception):
    """SIGTERM: stop like Ctrl-C."""


def redis_kind(args: argparse.Namespace) -> str:
    where = "its own redis-server" if args.own_redis else "shared"
    return (
        f"{where} on {HOST}:{args.redis_port}, broker db {args.broker_db}, cache db {args.cache_db}"
    )


def log(message: str) -> None:
    print(f"[loadtest {datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# --- the run's world ------------------------------------------------------------------------


def database_recreate(name: str) -> None:
    import psycopg2

    connection = psycopg2.connect(f"{PG}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def redis_url(args: argparse.Namespace, db: int) -> str:
    return f"redis://{HOST}:{args.redis_port}/{db}"


def redis_flush(args: argparse.Namespace) -> None:
    import redis

    for db in (args.broker_db, args.cache_db):
        redis.Redis.from_url(redis_url(args, db)).flushdb()


def redis_others(args: argparse.Namespace) -> int:
    """Connections of other programs to the run's databases of a shared Redis (a test whose
    cache is one of them clears it, queued tasks with it)."""
    import redis

    clients = redis.Redis.from_url(redis_url(args, 0)).client_list()
    return sum(1 for c in clients if int(c["db"]) in (args.broker_db, args.cache_db))


def redis_ready(args: argparse.Namespace) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(redis_url(args, 0), socket_timeout=2).ping())
    except redis.exceptions.RedisError:
        return False


def environment(args: argparse.Namespace, tmp: Path) -> dict[str, str]:
    from cryptography.fernet import Fernet

    own = (
        "DATABASE_",
        "CELERY_",
        "CACHE_",
        "EMAIL_",
        "SMS_",
        "STORAGE_",
        "DJANGO_",
        "RATE_LIMIT_",
        "PRIVATE_STORAGE",
        "STATIC_ROOT",
        "SECURE_",
        "LOADTEST_",
        "KYC_",
        "OTP_",
        "AXES_",
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith(own)}
    env |= {
        "PYTHONPATH": str(ROOT),
        "OMP_THREAD_LIMIT": "1",
        "DATABASE_URL": f"{PG}/{args.database}",
        "CELERY_BROKER_URL": redis_url(args, args.broker_db),
        "CACHE_URL": redis_url(args, args.cache_db),
        "PRIVATE_STORAGE_ROOT": str(tmp / "private"),
        "STATIC_ROOT": str(tmp / "static"),
        # Not make run's generated secrets (var/secrets.env): the run's own, below.
        "DJANGO_SECRETS_FILE": str(tmp / "secrets.env"),
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ID_HASH_KEY": secrets.token_urlsafe(32),
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "EMAIL_BACKEND": "bench.loadtest.deliveries.JsonlEmailBackend",
        "SMS_BACKEND": "bench.loadtest.deliveries.JsonlSmsGateway",
        "LOADTEST_OUTBOX": str(tmp / "outbox.jsonl"),
        "LOADTEST_POOL": str(tmp / "pool.json"),
        "LOADTEST_RECORDS": str(OUT / "records.jsonl"),
        **RATE_LIMITS,
        **PIPELINE,
    }
    return env


def pool_render(size: int, folder: Path) -> Path:
    """``size`` distinct valid Aadhaar cards (own name, date of birth, number) with one of
    two real faces, and a selfie of each face; returns the JSON manifest's path."""
    sys.path.insert(0, str(ROOT))
    from smartbank.tests import cards

    folder.mkdir(parents=True)
    selfies = {}
    for face in FACES:
        selfies[face] = folder / f"selfie-{face}.jpg"
        selfies[face].write_bytes(cards.to_bytes(cards.selfie_of(face)))
    manifest = []
    for n in range(size):
        face = FACES[n % len(FACES)]
        name = f"{FIRST[n % len(FIRST)]} {LAST[n // len(FIRST) % len(LAST)]}"
        dob = datetime.date(1970 + n % 30, 1 + n % 12, 1 + n % 28)
        number = cards.valid_aadhaar(f"23456{n:06d}")
        card = cards.render_aadhaar(
            name=name,
            dob=dob,
            gender="Female" if n % 2 else "Male",
            number=number,
            photo=cards.face_photo(face),
        )
        path = folder / f"card-{n:04d}.jpg"
        path.write_bytes(cards.to_bytes(card))
        manifest.append(
            {
                "n": n,
                "name": name,
                "dob": dob.isoformat(),
                "number": number,
                "email": f"customer{n}@loadtest.example.com",
                "phone": f"+9198765{n:05d}",
                "card": str(path),
                "selfie": str(selfies[face]),
            }
        )
    path = folder.parent / "pool.json"
    path.write_text(json.dumps(manifest))
    return path


# --- processes ------------------------------------------------------------------------------


class Processes:
    """The processes the run started, each the leader of a session of its own (Ctrl-C in
    the terminal reaches only this driver, which stops them in order)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.started: list[tuple[str, subprocess.Popen, object]] = []

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        output = (OUT / f"{name}.log").open("w")
        process = subprocess.Popen(  # noqa: S603 - our own programs, fixed arguments
            command,
            cwd=ROOT,
            env=self.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append((name, process, output))
        return process

    def check_alive(self) -> None:
        for name, process, _ in self.started:
            if process.poll() is not None and name != "locust":
                raise RuntimeError(f"{name} exited ({process.returncode}): {tail(name)}")

    def stop_all(self) -> None:
        """SIGTERM to each (newest first), up to 60 s each for a warm shutdown, then SIGKILL
        to whatever is left of its process group."""
        for name, process, output in reversed(self.started):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    log(f"{name} did not stop in 60 s: killed")
            try:
                os.killpg(process.pid, signal.SIGKILL)  # its own group: workers, pool children
            except (ProcessLookupError, PermissionError):
                pass
            process.wait()
            output.close()
        self.started.clear()


def tail(name: str, lines: int = 30) -> str:
    path = OUT / f"{name}.log"
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def wait_until(what: str, ready, processes: Processes, timeout: float = 180) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not ready():
        processes.check_alive()
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} not ready in {timeout:.0f} s")
        time.sleep(0.5)


def serving(port: int) -> bool:
    """Whether gunicorn answers; an API URL (no templates, no static files)."""
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"http://{HOST}:{port}/api/v1/registrations/", headers={"Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5):  # noqa: S310 - loopback
            return True
    except urllib.error.HTTPError:
        return True  # 405 for a GET: answering
    except OSError:
        return False


def manage(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


#: The Celery queues of ``settings.CELERY_TASK_QUEUES`` (this script runs without Django).
CELERY_QUEUES = ("celery", "interactive")


def queue_length(args: argparse.Namespace) -> int:
    """Messages waiting in the app's Celery queues (their plain lists: no priorities here)."""
    import redis

    broker = redis.Redis.from_url(redis_url(args, args.broker_db))
    return sum(broker.llen(queue) for queue in CELERY_QUEUES)


# --- figures --------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(fraction * (len(values) - 1)))]


def read_locust() -> tuple[list[dict], list[dict]]:
    """Locust's per-endpoint rows (HTTP) and its client-side wait failures."""
    with (OUT / "locust_stats.csv").open() as handle:
        rows = [row for row in csv.DictReader(handle) if row["Name"] != "Aggregated"]
    return [r for r in rows if r["Type"] != "WAIT"], [r for r in rows if r["Type"] == "WAIT"]


def read_access_log() -> Counter:
    statuses: Counter = Counter()
    path = OUT / "gunicorn-access.log"
    for line in path.read_text().splitlines() if path.exists() else []:
        if re.match(r"\d{3} ", line):
            statuses[line[:3]] += 1
    return statuses


def task_crashes() -> int:
    return sum(tail(name, 10**9).count("raised unexpected") for name in ("worker-w1", "worker-w2"))


def figures(args: argparse.Namespace, audit: dict, beat: bool, pool_left: int) -> tuple[str, bool]:
    http, wait_failures = read_locust()
    statuses = read_access_log()
    records = [json.loads(line) for line in (OUT / "records.jsonl").read_text().splitlines()]
    waits: dict[str, list[float]] = {}
    for r in records:
        if r["kind"] == "wait":
            waits.setdefault(r["name"], []).append(r["seconds"])
    requests = sum(int(r["Request Count"]) for r in http)
    failures = sum(int(r["Failure Count"]) for r in http) + sum(
        int(r["Failure Count"]) for r in wait_failures
    )
    server_errors = sum(n for status, n in statuses.items() if status.startswith("5"))
    crashes = task_crashes()
    missing = audit["missing"]
    lost = sum(len(v) for v in missing.values())
    kyc, loans, notes = audit["kyc"], audit["loans"], audit["notifications"]
    kyc_open = sum(kyc.get(s, 0) for s in ("PENDING", "PROCESSING"))
    loans_open = sum(loans.get(s, 0) for s in ("SUBMITTED", "PROCESSING"))
    notes_open = notes.get("QUEUED", 0)
    drain = audit["drain"]

    out = []
    out.append(
        f"SmartBank load test, {datetime.date.today()}: {args.users} customers (spawn "
        f"{args.spawn_rate}/s) for {args.duration} s on {os.cpu_count()} CPUs; gunicorn 2 "
        f"processes x 4 threads, 2 Celery workers (concurrency 1){', celery beat' if beat else ''},"
        f" PostgreSQL ({args.database}), Redis ({redis_kind(args)})"
    )
    out.append(
        f"Raised for the run: RATE_LIMIT_*={RATE_LIMIT} (every user is 127.0.0.1); "
        "duplicate-face check off, KYC_FACE_DUPLICATE_MAX=-1 (two real faces for all customers)"
    )
    out.append("")
    out.append(f"{'endpoint':<50}{'requests':>9}{'fail':>6}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}")
    for r in http:
        out.append(
            f"{r['Name']:<50}{r['Request Count']:>9}{r['Failure Count']:>6}{r['50%']:>8}"
            f"{r['95%']:>8}{float(r['Max Response Time']):>8.0f}"
        )
    out.append(
        f"{'all requests':<50}{requests:>9}{failures:>6}   throughput "
        f"{requests / args.duration:.1f} req/s over {args.duration} s"
    )
    out.append("")
    out.append(f"{'client-side waits':<50}{'count':>9}{'p50 s':>8}{'p95 s':>8}{'max s':>8}")
    for name, values in waits.items():
        out.append(
            f"{name:<50}{len(values):>9}{statistics.median(values):>8.1f}"
            f"{percentile(values, 0.95):>8.1f}{max(values):>8.1f}"
        )
    for name, key in (
        ("KYC case created -> decided (server)", "kyc"),
        ("loan created -> final decision (server)", "loans"),
    ):
        d = audit["decision_seconds"][key]
        if d["count"]:
            out.append(f"{name:<50}{d['count']:>9}{d['p50']:>8.1f}{d['p95']:>8.1f}{d['max']:>8.1f}")
    out.append("")
    rows = [
        ("locust failures (HTTP and waits for codes)", failures, "0", failures == 0),
        ("HTTP 5xx (gunicorn access log)", server_errors, "0", server_errors == 0),
        ("tasks that raised (worker logs)", crashes, "0", crashes == 0),
        ("answered as created but not in the database", lost, "0", lost == 0),
        (
            "registrations answered 202 (customers in DB)",
            f"{audit['client']['registrations']} ({audit['customers']})",
            "",
            True,
        ),
        (
            "KYC cases: decided / created",
            f"{sum(kyc.values()) - kyc_open} / {sum(kyc.values())}",
            "all",
            kyc_open == 0,
        ),
        ("  by status", ", ".join(f"{k} {v}" for k, v in sorted(kyc.items())), "", True),
        (
            "loan applications: decided / created (201s)",
            f"{sum(loans.values()) - loans_open} / {sum(loans.values())} "
            f"({audit['client']['loans']})",
            "all",
            loans_open == 0,
        ),
        ("  by status", ", ".join(f"{k} {v}" for k, v in sorted(loans.items())), "", True),
        (
            "notifications: sent / created",
            f"{notes.get('SENT', 0)} / {sum(notes.values())} (QUEUED {notes_open}, FAILED "
            f"{notes.get('FAILED', 0)})",
            "all",
            notes_open == 0 and not notes.get("FAILED"),
        ),
        (
            "pipeline engine errors retried (KYC, loans)",
            f"{audit['engine_errors']['kyc']}, {audit['engine_errors']['loans']}",
            "",
            True,
        ),
        *(
            []
            if audit["swept"] is None
            else [
                ("tasks re-enqueued by the stuck sweeper", audit["swept"], "0", not audit["swept"])
            ]
        ),
        (
            "time to drain after the load stopped",
            f"{drain['seconds']:.0f} s",
            f"<= {args.drain_timeout} s",
            drain["drained"],
        ),
        (
            "HTTP answers by status (405: the readiness probe)",
            ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())),
            "",
            True,
        ),
        ("cards left in the pool", pool_left, "", True),
    ]
    out.append(f"{'figure':<50}{'value':<44}{'target':<10}")
    for label, value, target, ok in rows:
        mark = "" if not target else ("ok" if ok else "MISSED")
        out.append(f"{label:<50}{value!s:<44}{target:<10}{mark}")
    passed = all(ok for *_, ok in rows)
    out.append("")
    out.append(f"target: 0 errors, 0 lost -> {'PASS' if passed else 'FAIL'}")
    return "\n".join(out), passed


# --- the run --------------------------------------------------------------------------------


def run(args: argparse.Namespace, processes_box: list) -> bool:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    tmp = Path(tempfile.mkdtemp(prefix="smartbank-loadtest-"))
    processes_box.append(tmp)
    env = environment(args, tmp)
    (OUT / "records.jsonl").touch()
    (tmp / "static").mkdir()

    processes = Processes(env)
    processes_box.append(processes)
    if args.own_redis:
        (tmp / "redis").mkdir()
        processes.start(
            "redis",
            [
                REDIS_SERVER,
                "--bind",
                HOST,
                "--port",
                str(args.redis_port),
                "--save",
                "",
                "--appendonly",
                "yes",
                "--dir",
                str(tmp / "redis"),
            ],
        )
        wait_until("redis-server", lambda: redis_ready(args), processes, timeout=30)
    elif others := redis_others(args):
        raise RuntimeError(
            f"{others} other connections use Redis databases {args.broker_db}/{args.cache_db} "
            f"on port {args.redis_port}: choose others (--broker-db, --cache-db)"
        )
    else:
        redis_flush(args)
    database_recreate(args.database)
    log(
        f"database {args.database} made anew; Redis: {redis_kind(args)}; documents and codes "
        f"in {tmp}"
    )
    migrate = manage(env, "migrate", "--noinput")
    started = time.monotonic()
    pool = pool_render(args.pool, tmp / "pool")
    log(f"rendered {args.pool} cards in {time.monotonic() - started:.0f} s; waiting for migrate")
    output, _ = migrate.communicate(timeout=600)
    if migrate.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{output[-3000:]}")
    assert pool == Path(env["LOADTEST_POOL"])  # noqa: S101 - the manifest is where locust looks

    port = free_port()
    processes.start(
        "gunicorn",
        [
            str(BIN / "gunicorn"),
            "smartbank.wsgi",
            "-b",
            f"{HOST}:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--graceful-timeout",
            "20",
            # The default socket (~/.gunicorn/gunicorn.ctl) is shared by every gunicorn here.
            "--no-control-socket",
            "--access-logfile",
            str(OUT / "gunicorn-access.log"),
            "--access-logformat",
            "%(s)s %(m)s %(U)s %(M)s",
        ],
    )
    for worker in ("w1", "w2"):
        processes.start(
            f"worker-{worker}",
            [
                str(BIN / "celery"),
                "-A",
                "smartbank",
                "worker",
                "--concurrency=1",
                "-n",
                f"{worker}@%h",
                "--loglevel=INFO",
            ],
        )
    beat = "CELERY_BEAT_SCHEDULE" in (ROOT / "smartbank" / "settings.py").read_text()
    if beat:
        processes.start(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "smartbank",
                "beat",
                "--loglevel=INFO",
                "--schedule",
                str(tmp / "celerybeat-schedule"),
                "--pidfile",
                str(tmp / "beat.pid"),
            ],
        )
    wait_until("gunicorn", lambda: serving(port), processes)
    for worker in ("w1", "w2"):
        wait_until(
            f"worker {worker}", lambda w=worker: " ready." in tail(f"worker-{w}", 10**9), processes
        )
    log(
        f"gunicorn on http://{HOST}:{port}, workers w1 and w2"
        f"{' and celery beat' if beat else ''} ready; locust: {args.users} users for "
        f"{args.duration} s"
    )

    locust = processes.start(
        "locust",
        [
            str(BIN / "locust"),
            "-f",
            str(HERE / "locustfile.py"),
            "--headless",
            "-u",
            str(args.users),
            "-r",
            str(args.spawn_rate),
            "-t",
            f"{args.duration}s",
            "--host",
            f"http://{HOST}:{port}",
            "--csv",
            str(OUT / "locust"),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
    )
    started = report = time.monotonic()
    while locust.poll() is None:
        time.sleep(1)
        processes.check_alive()
        elapsed = time.monotonic() - started
        if time.monotonic() >= report:
            report += 15
            registered = (OUT / "records.jsonl").read_text().count('"registration"')
            log(f"{elapsed:4.0f} s: {registered} registered, {queue_length(args)} tasks queued")
        if elapsed > args.duration + 120:
            raise RuntimeError("locust did not stop")
    log(
        f"load stopped (locust exit {locust.returncode}); waiting for the queue to drain "
        f"(at most {args.drain_timeout} s)"
    )

    audit = subprocess.run(  # noqa: S603 - our audit script
        [
            sys.executable,
            str(HERE / "audit.py"),
            str(OUT / "records.jsonl"),
            "--wait",
            str(args.drain_timeout),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=args.drain_timeout + 300,
    )
    if audit.returncode != 0:
        raise RuntimeError(f"audit failed:\n{audit.stderr[-3000:]}")
    result = json.loads(audit.stdout.splitlines()[-1])
    used = (OUT / "records.jsonl").read_text().count('"registration"')
    pool_left = max(0, args.pool - used)
    text, passed = figures(args, result, beat, pool_left)
    print("\n" + text, flush=True)
    (OUT / "summary.txt").write_text(text + "\n")
    (OUT / "summary.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    return passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=int, default=10)
    parser.add_argument("--duration", type=int, default=120, help="seconds of load")
    parser.add_argument("--drain-timeout", type=int, default=600, help="seconds, at most")
    parser.add_argument("--pool", type=int, default=300, help="cards rendered beforehand")
    parser.add_argument("--database", default="smartbank_load")
    parser.add_argument(
        "--redis-port",
        type=int,
        default=0,
        help="use the Redis on this port (e.g. 6379, databases --broker-db and --cache-db, "
        "flushed); default: a redis-server of the run's own on a free port",
    )
    parser.add_argument("--broker-db", type=int, default=None, help="default 0; 12 if shared")
    parser.add_argument("--cache-db", type=int, default=None, help="default 1; 13 if shared")
    args = parser.parse_args()
    args.own_redis = not args.redis_port
    args.redis_port = args.redis_port or free_port()
    if args.broker_db is None:
        args.broker_db = 0 if args.own_redis else 12
    if args.cache_db is None:
        args.cache_db = 1 if args.own_redis else 13

    def terminate(signum, frame) -> None:  # noqa: ANN001
        raise Stop

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGHUP, terminate)
    # Ctrl-C stops the run even when started where SIGINT is ignored (in the background).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    box: list = []
    try:
        return 0 if run(args, box) else 1
    except (KeyboardInterrupt, Stop):
        log("interrupted")
        return 130
    except RuntimeError as exc:
        log(f"error: {exc}")
        return 2
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip the rest
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        for item in box:
            if isinstance(item, Processes):
                log("stopping the processes it started")
                item.stop_all()
        if not args.own_redis:
            try:
                redis_flush(args)
            except Exception as exc:  # noqa: BLE001 - report, finish cleaning up
                log(f"could not flush Redis: {exc}")
        for item in box:
            if isinstance(item, Path):
                shutil.rmtree(item, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
