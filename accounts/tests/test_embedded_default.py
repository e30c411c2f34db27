"""The configuration of ``make run`` under concurrent use (issue #8 §0).

SQLite in a file, Redis as the broker, gunicorn and a prefork Celery worker of two processes, each
a real process with the settings ``make run`` gives it: production ones (DJANGO_DEBUG off, secrets
generated into a file, collected static files) over plain HTTP (the Makefile's LOOPBACK_HTTP).
20 customers register with an Aadhaar card and a selfie while a member of staff approves 20 cases
in manual review, all at once. Nobody may see a 5xx, every case must end decided and every email
and SMS SENT. It drives accounts' registration API and the KYC console, so it lives with
accounts' tests.

Only the database file, the Redis server (make test's, database 14), the document, secrets and
static folders differ from ``make run``: they are temporary, so the test never touches ``var/``;
the static folder holds no Swagger UI, which the test does not open.
"""

import datetime
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from smartbank.tests import cards
from smartbank.tests.make_run import gunicorn_options, loopback_http_environment

pytestmark = pytest.mark.worker

ROOT = Path(settings.BASE_DIR)
CUSTOMERS = 20
REVIEWS = 20
PASSWORD = "Tulsi-Ganga-7391"  # noqa: S105 - a test customer's password
STAFF_EMAIL, STAFF_PASSWORD = "staff@smartbank.local", "smartbank-demo-staff"  # create_demo_data
NAMES = (
    "Aarav Sharma", "Diya Patel", "Kabir Singh", "Ananya Iyer", "Rohan Mehta", "Isha Reddy",
    "Vivaan Gupta", "Meera Nair", "Arjun Rao", "Saanvi Joshi", "Aditya Kumar", "Kavya Menon",
    "Reyansh Das", "Tara Pillai", "Ishaan Bose", "Nisha Verma", "Dhruv Malhotra", "Riya Kapoor",
    "Yash Chatterjee", "Pooja Desai",
)
FACES = ("astronaut", "grace_hopper", "camera")
# Runs in ``manage.py shell`` against the test's SQLite file: the cases staff will approve.
SETUP = """
import datetime, json
from accounts.tests.factories import UserFactory
from smartbank.tests import cards
from kyc.tests.factories import KycCaseFactory
cases = [
    KycCaseFactory(
        user=UserFactory(email=f"review{n}@example.com", full_name=f"Review Customer {n}"),
        id_number=cards.valid_aadhaar(f"98765432{n:03d}"),
        date_of_birth=datetime.date(1985, 1, 1 + n),
    )
    for n in range(%(reviews)d)
]
print(json.dumps({"cases": [str(c.pk) for c in cases]}))
"""
# Waits (at most 240 s) until no case or notification is left in flight, then reports.
OUTCOME = """
import json, time
from collections import Counter
from kyc.models import KycCase, KycCaseEvent
from smartbank.models import Notification
deadline = time.monotonic() + 240
while time.monotonic() < deadline:
    busy = KycCase.objects.filter(status__in=["PENDING", "PROCESSING"]).exists()
    if not busy and not Notification.objects.filter(status="QUEUED").exists():
        break
    time.sleep(1)
print(json.dumps({
    "cases": dict(Counter(KycCase.objects.values_list("status", flat=True))),
    "approved_by_staff": KycCaseEvent.objects.filter(
        type="REVIEW_APPROVED", actor__email="%s").count(),
    "notifications": dict(Counter(Notification.objects.values_list("status", flat=True))),
    "templates": dict(Counter(Notification.objects.values_list("template", flat=True))),
}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(opener, url: str, *, data: bytes | None = None, headers=None) -> tuple[int, str]:  # noqa: ANN001
    """``(status, body)`` of one HTTP request (redirects followed); errors are answers too."""
    req = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 - 127.0.0.1
    try:
        with opener.open(req, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


def registration(n: int) -> bytes:
    """The multipart body of customer ``n``'s registration: a card with their name, date of
    birth and own Aadhaar number, and a selfie of the person on the card."""
    face = FACES[n % len(FACES)]
    dob = datetime.date(1980 + n, 1 + n % 12, 1 + n)
    number = cards.valid_aadhaar(f"2345678{n:04d}")
    card = cards.render_aadhaar(
        name=NAMES[n], dob=dob, gender="Female" if n % 2 else "Male", number=number,
        photo=cards.face_photo(face),
    )
    return encode_multipart(BOUNDARY, {
        "email": f"customer{n}@example.com", "password": PASSWORD, "full_name": NAMES[n],
        "date_of_birth": dob.isoformat(), "phone": f"+91987650{n:04d}", "id_type": "AADHAAR",
        "id_number": number,
        "id_document": SimpleUploadedFile("card.jpg", cards.to_bytes(card), "image/jpeg"),
        "selfie": SimpleUploadedFile("selfie.jpg", cards.to_bytes(cards.selfie_of(face)),
                                     "image/jpeg"),
    })


@pytest.fixture
def make_run(tmp_path: Path, collected_static: Path):
    """``make run``'s processes on a temporary SQLite file and Redis database 14; yields
    ``(base_url, manage, worker_log)`` where ``manage(*args)`` runs ``manage.py`` likewise."""
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        pytest.skip("needs Redis: CELERY_BROKER_URL=redis://... (make test sets it)")
    import redis

    parts = urllib.parse.urlsplit(broker)
    broker = f"redis://{parts.netloc}/14"  # make test's Redis, a database of its own
    redis.Redis.from_url(broker).flushdb()
    # Nothing of the test run's configuration: its secrets and HTTP switches neither.
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith((
            "DATABASE_", "CELERY_", "EMAIL_", "SMS_", "STORAGE_", "DJANGO_", "SECURE_",
            "SESSION_", "CSRF_", "FIELD_ENCRYPTION_", "ID_HASH_", "STATIC_",
        ))
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'smartbank.sqlite3'}",
        "CELERY_BROKER_URL": broker,
        "PRIVATE_STORAGE_ROOT": str(tmp_path / "private"),
        "DJANGO_SECRETS_FILE": str(tmp_path / "secrets.env"),
        "STATIC_ROOT": str(collected_static),
        "OMP_THREAD_LIMIT": "1",
        # make run's metrics folder, and beat's dispatcher and sweeper on quick clocks.
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prometheus"),
        "OUTBOX_DISPATCH_INTERVAL_SECONDS": "2",
        "SWEEP_INTERVAL_SECONDS": "3",
        **loopback_http_environment(),
    }
    (tmp_path / "prometheus").mkdir()

    def manage(*args: str) -> str:
        """``manage.py``'s output; ``shell`` prints its auto-imports first, the JSON last."""
        done = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
            text=True, timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    subprocess.run(  # noqa: S603 - make run's secrets step
        [sys.executable, "-m", "smartbank.secrets_file", env["DJANGO_SECRETS_FILE"]],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )
    manage("migrate", "--noinput")
    manage("create_demo_data")
    port = free_port()
    logs = {name: (tmp_path / f"{name}.log").open("w") for name in ("worker", "web", "beat")}
    processes = [
        subprocess.Popen(  # noqa: S603 - make run's worker
            [sys.executable, "-m", "celery", "-A", "smartbank", "worker", "--loglevel=INFO",
             "--concurrency=2"],
            cwd=ROOT, env=env, stdout=logs["worker"], stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(  # noqa: S603 - make run's web server
            [sys.executable, "-m", "gunicorn", "smartbank.wsgi", "--bind", f"127.0.0.1:{port}",
             *gunicorn_options()],
            cwd=ROOT, env=env, stdout=logs["web"], stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(  # noqa: S603 - make run's beat
            [sys.executable, "-m", "celery", "-A", "smartbank", "beat", "--loglevel=INFO",
             f"--schedule={tmp_path / 'beat-schedule'}"],
            cwd=ROOT, env=env, stdout=logs["beat"], stderr=subprocess.STDOUT,
        ),
    ]
    worker_log = tmp_path / "worker.log"

    def serving() -> bool:
        try:
            return request(opener, f"http://127.0.0.1:{port}/accounts/login/")[0] == 200
        except urllib.error.URLError:  # not listening yet
            return False

    opener = urllib.request.build_opener()
    try:
        deadline = time.monotonic() + 60
        while " ready." not in worker_log.read_text() or not serving():
            assert time.monotonic() < deadline, worker_log.read_text()
            time.sleep(0.5)
        yield f"http://127.0.0.1:{port}", manage, worker_log
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)  # the worker's warm shutdown, like Ctrl-C
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in logs.values():
            log.close()
        redis.Redis.from_url(broker).flushdb()


def staff_login(base: str, worker_log: Path):  # noqa: ANN201
    """Log the demo staff member into the console as a person does, through the one login:
    the console sends them to the login page, the password leads to the code page, an emailed
    code (printed by the worker's console email backend) opens the console. Returns
    ``(cookie_jar, csrf_token)``."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    status, page = request(opener, f"{base}/admin/")
    assert status == 200 and 'name="password"' in page, page  # the login page, after redirect
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    status, page = request(
        opener, f"{base}/accounts/login/?next=/admin/",
        data=urllib.parse.urlencode({
            "username": STAFF_EMAIL, "password": STAFF_PASSWORD, "next": "/admin/",
            "csrfmiddlewaretoken": csrf,
        }).encode(),
    )
    assert status == 200 and "Send me a code" in page, page  # the password alone: the code step
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    status, page = request(
        opener, f"{base}/accounts/otp/?next=/admin/",
        data=urllib.parse.urlencode(
            {"action": "send", "channel": "EMAIL", "next": "/admin/", "csrfmiddlewaretoken": csrf}
        ).encode(),
    )
    assert status == 200 and "We sent a code to" in page, page
    deadline = time.monotonic() + 30
    while not (codes := re.findall(r"sign-in code is (\d{6})", worker_log.read_text())):
        assert time.monotonic() < deadline, "no sign-in code in the worker's output"
        time.sleep(0.5)
    csrf = next(c.value for c in jar if c.name == "csrftoken")
    status, page = request(
        opener, f"{base}/accounts/otp/?next=/admin/",
        data=urllib.parse.urlencode(
            {"action": "verify", "otp": codes[-1], "next": "/admin/", "csrfmiddlewaretoken": csrf}
        ).encode(),
    )
    assert status == 200 and "Manual review and operations" in page, page
    return jar, next(c.value for c in jar if c.name == "csrftoken")


def test_make_run_serves_20_registrations_and_20_staff_approvals_at_once(make_run):
    base, manage, worker_log = make_run
    setup = manage("shell", "-c", SETUP % {"reviews": REVIEWS})
    setup = json.loads(setup.splitlines()[-1])
    staff, csrf = staff_login(base, worker_log)
    bodies = [registration(n) for n in range(CUSTOMERS)]

    def register(body: bytes) -> tuple[int, str]:
        return request(urllib.request.build_opener(), f"{base}/api/v1/registrations/",
                       data=body, headers={"Content-Type": MULTIPART_CONTENT})

    def approve(case_id: str) -> tuple[int, str]:
        # The staff session in a browser tab of its own: each page's message stays its own.
        jar = http.cookiejar.CookieJar()
        for cookie in staff:
            jar.set_cookie(cookie)
        form = {"action": "approve", "reason": "documents checked", "csrfmiddlewaretoken": csrf}
        return request(
            urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)),
            f"{base}/admin/kyc/kyccase/{case_id}/review/",
            data=urllib.parse.urlencode(form).encode(),
        )

    # When customers register and staff approve, all at once
    with ThreadPoolExecutor(max_workers=CUSTOMERS + REVIEWS) as pool:
        registrations = [pool.submit(register, body) for body in bodies]
        approvals = [pool.submit(approve, case_id) for case_id in setup["cases"]]
        registered = [future.result() for future in registrations]
        approved = [future.result() for future in approvals]

    # Then nobody saw an error page
    assert [status for status, _ in registered] == [202] * CUSTOMERS
    assert [status for status, _ in approved] == [200] * REVIEWS
    assert all("Case approved" in page for _, page in approved)
    # and every case is decided, every approval recorded, every email and SMS sent
    outcome = json.loads(manage("shell", "-c", OUTCOME % STAFF_EMAIL).splitlines()[-1])
    log = worker_log.read_text()
    assert not {"PENDING", "PROCESSING"} & set(outcome["cases"]), (outcome, log[-3000:])
    assert sum(outcome["cases"].values()) == CUSTOMERS + REVIEWS
    assert outcome["approved_by_staff"] == REVIEWS
    assert outcome["notifications"] == {"SENT": sum(outcome["templates"].values())}, outcome
    assert Counter(outcome["templates"]) >= Counter(
        otp_email_verification=CUSTOMERS, otp_phone_verification=CUSTOMERS,
        kyc_decision=CUSTOMERS + REVIEWS, otp_login_email=1,
    ), outcome
    # and no task died on the way
    assert "raised unexpected" not in log, log[-3000:]
    # and beat's sweeper ran in the pool children beside them and returned (a sweep that
    # never returned once stalled its child for good; runs that wait past their interval
    # behind the KYC tasks expire unrun, as they should)
    assert re.search(r"stuck_sweep_task\[[0-9a-f-]+\] succeeded", log), log[-3000:]
