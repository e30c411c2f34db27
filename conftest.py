"""Shared fixtures: customers, reviewers, Celery in eager mode, rendered ID cards.

Imported at the top: smartbank only (every app's tests load this file). A fixture that needs
an app above smartbank imports it when it runs; ``kyc/tests/conftest.py`` gives KYC tests a
``customer`` without the accounts profile.
"""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest

from smartbank.tests.factories import UserFactory

# The state machines' checks assert for every app's tests: give them pytest's messages.
pytest.register_assert_rewrite("smartbank.tests.transitions")


@pytest.fixture(scope="session", autouse=True)
def clamd_answers():
    """Every document pipeline scans its files with clamd first (smartbank/malware.py), and a
    scanner that does not answer holds every case in PROCESSING: fail the run at once, loudly,
    rather than let each pipeline test fail on its own. make test starts clamd
    (.ci/services.sh -> .ci/clamd.sh)."""
    from django.conf import settings

    from smartbank.engines import antivirus

    if not antivirus.ping(settings.CLAMAV_ADDRESS):
        pytest.fail(
            f"clamd does not answer at CLAMAV_ADDRESS={settings.CLAMAV_ADDRESS}: start it with "
            "`bash .ci/clamd.sh start` (make test does).",
            pytrace=False,
        )


@pytest.fixture(autouse=True)
def celery_eager():
    """Run enqueued tasks in-process (after commit) unless a test starts a real worker."""
    from smartbank.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = old
    # An eager apply_async sets Celery's process-wide "a task is running here" flag and puts
    # back the value it found; tasks applied eagerly in several threads at once (the
    # concurrency tests' submitters) can leave it set, and every later EagerResult.get() then
    # raises "Never call result.get() within a task!". No task runs between tests.
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def rate_limits_reset(settings):
    """Each test starts with no API rate-limit counts. ``make test`` gives the cache a Redis
    database (CACHE_URL); without one, a per-process memory cache stands in."""
    if not os.environ.get("CACHE_URL"):
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def face_gallery_reset():
    """Each test starts with an empty per-process face gallery (issue 13): the test database
    rolls back between tests, which no ``updated_at`` records."""
    from kyc.face_gallery import face_gallery_reset

    face_gallery_reset()


@pytest.fixture(autouse=True)
def default_product_forget():
    """Each test reads the default loan product afresh (issue 13: each process keeps it for
    LOANS_PRODUCT_CACHE_SECONDS): the test database rolls back, which sends no signal."""
    from loans.selectors import loan_product_default_forget

    loan_product_default_forget()


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    """SMS go to an in-memory outbox (like Django's locmem email backend), emptied per test."""
    settings.SMS_BACKEND = "smartbank.sms.LocmemSmsGateway"
    from smartbank import sms

    sms.outbox.clear()
    yield sms.outbox


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> Path:
    """A ``STATIC_ROOT`` filled as ``make run``'s collectstatic fills it (production storage:
    hashed names, manifest, compressed copies), for tests that start production processes:
    their pages need the manifest. Swagger UI's sidecar (28 MB, most of the time) is left out."""
    from django.conf import settings

    root = tmp_path_factory.mktemp("staticfiles")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "smartbank.settings", "STATIC_ROOT": str(root)}
    done = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0",
         "--ignore", "drf_spectacular_sidecar"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return root


@pytest.fixture
def customer(db):
    """A registered customer (profile included) named Neil Armstrong, born 1990-08-05."""
    from accounts.tests.factories import CustomerProfileFactory

    return CustomerProfileFactory(
        user=UserFactory(full_name="Neil Armstrong"), date_of_birth=datetime.date(1990, 8, 5)
    ).user


@pytest.fixture
def reviewer(db):
    """A staff member allowed to review KYC cases (superuser for simplicity)."""
    return UserFactory(
        email="reviewer@smartbank.test", full_name="Rita Reviewer", is_staff=True, is_superuser=True
    )


@pytest.fixture(scope="session")
def astronaut_card_png() -> bytes:
    """A rendered Aadhaar card of Neil Armstrong (born 1990-08-05, 2345 6789 0124), PNG bytes."""
    from smartbank.tests import cards

    card = cards.render_aadhaar(
        name="Neil Armstrong",
        dob=datetime.date(1990, 8, 5),
        gender="Male",
        number=cards.VALID_AADHAAR,
        photo=cards.face_photo("astronaut"),
    )
    return cards.to_bytes(card, "PNG")


@pytest.fixture(scope="session")
def astronaut_selfie_jpg() -> bytes:
    """A selfie of the astronaut (same person as the card's photo), JPEG bytes."""
    from smartbank.tests import cards

    return cards.to_bytes(cards.selfie_of("astronaut"))


@pytest.fixture(scope="module")
def _allow_orm_beside_event_loop():
    """Playwright's sync API keeps an asyncio loop on the test thread, so Django would refuse
    ORM calls (SynchronousOnlyOperation); the ORM calls in browser tests are plain synchronous
    ones. Module-scoped so the flag outlives every test's database teardown."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(_allow_orm_beside_event_loop):
    """Debian's headless chromium through Playwright, one per test module."""
    from playwright.sync_api import sync_playwright

    from smartbank.tests.browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
