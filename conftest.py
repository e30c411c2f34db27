"""Shared fixtures: customers, reviewers, Celery in eager mode, rendered ID cards."""

import datetime

import pytest

from accounts.tests.factories import CustomerProfileFactory, UserFactory


@pytest.fixture(autouse=True)
def celery_eager():
    """Run enqueued tasks in-process (after commit) unless a test starts a real worker."""
    from smartbank.celery import app

    old = app.conf.task_always_eager
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = old


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    """SMS go to an in-memory outbox (like Django's locmem email backend), emptied per test."""
    settings.SMS_BACKEND = "smartbank.sms.LocmemSmsGateway"
    from smartbank import sms

    sms.outbox.clear()
    yield sms.outbox


@pytest.fixture
def customer(db):
    """A registered customer (profile included) named Neil Armstrong, born 1990-08-05."""
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
    from kyc.tests import cards

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
    from kyc.tests import cards

    return cards.to_bytes(cards.selfie_of("astronaut"))
