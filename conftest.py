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


@pytest.fixture
def customer(db):
    """A registered customer (profile included) named Neil Armstrong, born 1990-08-05."""
    return CustomerProfileFactory(
        user=UserFactory(full_name="Neil Armstrong"), date_of_birth=datetime.date(1990, 8, 5)
    ).user


@pytest.fixture
def reviewer(db):
    """A staff member allowed to review KYC cases (superuser for simplicity)."""
    return UserFactory(email="reviewer@smartbank.test", full_name="Rita Reviewer",
                       is_staff=True, is_superuser=True)
