"""Registration under concurrent customers, up to the point where OCR starts (issue 13,
target 6: "the same treatment for ``POST /api/v1/registrations/``").

    .venv/bin/python bench/registration_submit.py [--clients 8] [--seconds 15] [--pool 300]
        [--json PATH]

One run, on this machine, against the production stack on loopback (the world of
``bench/_world.py``: its own PostgreSQL database and redis-server, generated secrets,
``DJANGO_DEBUG=false``, the rate limits lifted as ``make loadtest`` lifts them, gunicorn 2
processes × 4 threads as ``make run``), with no worker running, so each request ends where KYC
would start: the ID card and the selfie checked and stored encrypted, the user, profile and
KYC case created, the OCR task written to the outbox.

``--pool`` distinct Aadhaar cards with real faces are drawn first (``make loadtest``'s
``pool_render``), each registered once. ``--clients`` clients on keep-alive connections post
them for ``--seconds``. Figures: registrations per second, the server's CPU per
registration, p50 and p99 latency, errors (any status but 202). Anchors in the same run: the
password hash each registration must compute (Django's ``make_password`` with the configured
hasher, deliberately slow), and a trivial authenticated DRF view under the same clients.
Not a test: CI does not run it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import Row, clients_run, emit  # noqa: E402
from bench._world import bench_world  # noqa: E402
from bench.loadtest import run as world  # noqa: E402
from bench.loan_submit import Counter, integrator_token, load  # noqa: E402

HOST = world.HOST
BENCH = "registration_submit"
PASSWORD = "Kaveri-Tunga-4821"  # noqa: S105 - the bench customers' password


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """``(body, content type)`` of a ``multipart/form-data`` request."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, (filename, data) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def bodies(manifest: Path) -> list[tuple[bytes, str]]:
    """One registration request per card of the pool, built before the clock starts."""
    cards = json.loads(manifest.read_text())
    selfies: dict[str, bytes] = {}
    built = []
    for card in cards:
        selfie = selfies.setdefault(card["selfie"], Path(card["selfie"]).read_bytes())
        built.append(
            multipart(
                {
                    "email": card["email"],
                    "password": PASSWORD,
                    "full_name": card["name"],
                    "date_of_birth": card["dob"],
                    "phone": card["phone"],
                    "id_type": "AADHAAR",
                    "id_number": card["number"],
                },
                {
                    "id_document": ("card.jpg", Path(card["card"]).read_bytes()),
                    "selfie": ("selfie.jpg", selfie),
                },
            )
        )
    return built


def register(port: int, requests: list[tuple[bytes, str]], *, clients: int, seconds: float) -> dict:
    """``clients`` threads post the next unused request until ``seconds`` pass or the pool
    runs out. Returns :func:`bench._common.clients_run`'s figures."""
    pending = iter(requests)
    take = threading.Lock()

    def send(connection: http.client.HTTPConnection) -> http.client.HTTPResponse | None:
        with take:
            request = next(pending, None)
        if request is None:
            return None
        body, content_type = request
        connection.request("POST", "/api/v1/registrations/", body, {"Content-Type": content_type})
        return connection.getresponse()

    return clients_run(HOST, port, clients=clients, seconds=seconds, send=send, ok=(202,))


def server_cpu_seconds(pid: int) -> float:
    """CPU-seconds of the gunicorn arbiter and its workers."""
    import psutil

    root = psutil.Process(pid)
    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        times = process.cpu_times()
        total += times.user + times.system
    return total


def password_hash_ms(samples: int = 5) -> float:
    """Median milliseconds of one ``make_password`` with the configured hasher."""
    from django.contrib.auth.hashers import make_password

    times = []
    for _ in range(samples):
        began = time.perf_counter()
        make_password(PASSWORD)
        times.append(1000 * (time.perf_counter() - began))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--pool", type=int, default=300, help="distinct cards drawn")
    parser.add_argument("--database", default="smartbank_bench_registrations")
    parser.add_argument("--json", default=None, help="write the rows there (make bench)")
    args = parser.parse_args()

    with bench_world("registrations", args.database, JWT_ACCESS_MINUTES="240") as made:
        manifest = world.pool_render(args.pool, made.tmp / "pool")
        requests = bodies(manifest)
        warm_up, requests = requests[:8], requests[8:]
        token = integrator_token()
        port = world.free_port()
        server = made.processes.start(
            "gunicorn",
            [str(world.BIN / "gunicorn"), "smartbank.wsgi", "-b", f"{HOST}:{port}",
             "--workers", "2", "--threads", "4", "--no-control-socket"],
        )  # fmt: skip
        world.wait_until("gunicorn", lambda: world.serving(port), made.processes)
        register(port, warm_up, clients=2, seconds=30)
        hashed = password_hash_ms()
        anchor = load(port, token, kind="anchor", clients=args.clients,
                      seconds=args.seconds / 2, numbers=Counter())  # fmt: skip
        before = server_cpu_seconds(server.pid)
        run = register(port, requests, clients=args.clients, seconds=args.seconds)
        per_registration = 1000 * (server_cpu_seconds(server.pid) - before) / run["requests"]
        print(f"registrations {run}; anchor {anchor}; password hash {hashed:.0f} ms", flush=True)
        from kyc.models import KycCase
        from smartbank.models import OutboxMessage

        cases = KycCase.objects.count()
        waiting = OutboxMessage.objects.filter(
            task_name="kyc.tasks.kyc_case_verify_task", dispatched_at__isnull=False
        ).count()
    note = " (the pool ran out)" if run["exhausted"] else ""
    rows = [
        Row(BENCH, f"registrations, {args.clients} clients: req/s{note}",
            f"{run['rps']:.1f} req/s", f"GET {anchor['rps']:.0f} req/s", None, "", None),
        Row(BENCH, "web CPU per registration ÷ the password hash it must compute",
            f"{per_registration:.0f} ms", f"{hashed:.0f} ms", per_registration / hashed, "",
            None),
        Row(BENCH, f"registration p50, {args.clients} clients",
            f"{run['p50_ms']:.0f} ms", "", None, "", None),
        Row(BENCH, "registration p99 ÷ trivial GET p99",
            f"{run['p99_ms']:.0f} ms", f"{anchor['p99_ms']:.0f} ms",
            run["p99_ms"] / anchor["p99_ms"], "", None),
        Row(BENCH, "registration errors", f"{run['errors']} of {run['requests']}", "", None,
            "0", run["errors"] == 0),
        Row(BENCH, "KYC cases made, their OCR task handed to the broker",
            f"{cases} / {waiting}", "", None, "= registrations", cases == waiting),
    ]  # fmt: skip
    emit(rows, args.json)


if __name__ == "__main__":
    main()
