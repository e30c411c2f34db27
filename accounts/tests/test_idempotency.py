"""Idempotent account requests on real PostgreSQL (issue 10): the ``Idempotency-Key`` header
replays the first answer, refuses a reused key with another body, and lets concurrent
duplicates create one account; without a key an identical pending request answers 409."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import AccountType, BankAccount
from accounts.services import bank_account_request
from accounts.tests.auth import api_client_for
from accounts.tests.banking_factories import FixedDepositRateFactory, onboarded_customer
from smartbank.errors import ConflictError
from smartbank.idempotency import idempotency_key_purge
from smartbank.models import IdempotencyKey

URL = "/api/v1/accounts/"
FD = {"account_type": "FIXED_DEPOSIT", "fd_amount": "100000.00", "fd_tenure_months": 12}


def post(client, body, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(URL, body, format="json", headers=headers)


def run_in_threads(target, count):
    """``count`` threads released together by a barrier, each on its own connection."""
    barrier = threading.Barrier(count)

    def wrapped():
        barrier.wait()
        try:
            target()
        finally:
            connection.close()

    threads = [threading.Thread(target=wrapped) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


@pytest.mark.django_db
def test_the_same_key_replays_the_first_answer_and_opens_no_second_account():
    FixedDepositRateFactory()
    client = api_client_for(onboarded_customer())

    first = post(client, FD, key="3f1c9a5e-retry-1")
    again = post(client, FD, key="3f1c9a5e-retry-1")

    assert first.status_code == 201
    assert again.status_code == 201
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert BankAccount.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_answers_422():
    FixedDepositRateFactory()
    client = api_client_for(onboarded_customer())
    post(client, FD, key="k-1")

    response = post(client, {**FD, "fd_amount": "200000.00"}, key="k-1")

    assert response.status_code == 422
    assert response.json() == {
        "detail": "This Idempotency-Key was used for a different request.",
        "code": "IDEMPOTENCY_KEY_REUSED",
    }
    assert BankAccount.objects.count() == 1


@pytest.mark.django_db
def test_keys_are_per_user_and_a_malformed_key_is_a_400():
    FixedDepositRateFactory()
    one, other = api_client_for(onboarded_customer()), api_client_for(onboarded_customer())

    assert post(one, FD, key="shared").status_code == 201
    assert post(other, FD, key="shared").status_code == 201
    assert BankAccount.objects.count() == 2
    bad = post(one, FD, key="x" * 256)
    assert bad.status_code == 400 and bad.json()["code"] == "INVALID_IDEMPOTENCY_KEY"


@pytest.mark.django_db
def test_a_refused_request_is_not_stored_and_an_expired_key_runs_again():
    FixedDepositRateFactory()
    client = api_client_for(onboarded_customer())
    below_minimum = post(client, {**FD, "fd_amount": "5000"}, key="k-2")
    assert below_minimum.status_code == 400
    assert not IdempotencyKey.objects.exists()

    assert post(client, {"account_type": "SAVINGS"}, key="k-2").status_code == 201
    IdempotencyKey.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    # Expired: the key is new again, and the identical request meets the pending one.
    assert post(client, {"account_type": "SAVINGS"}, key="k-2").status_code == 409
    assert idempotency_key_purge() == 1  # the refused retry left the expired row to purge
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db
def test_an_identical_pending_request_without_a_key_answers_409():
    FixedDepositRateFactory()
    user = onboarded_customer()
    client = api_client_for(user)
    assert post(client, FD).status_code == 201

    again = post(client, FD)

    assert again.status_code == 409
    assert again.json() == {
        "detail": "The same account request is already waiting for staff.",
        "code": "DUPLICATE_REQUEST",
    }
    # Other terms or another type are another request.
    assert post(client, {**FD, "fd_amount": "150000.00"}).status_code == 201
    assert bank_account_request(user=user, account_type=AccountType.SAVINGS).status == "REQUESTED"
    with pytest.raises(ConflictError):
        bank_account_request(user=user, account_type=AccountType.SAVINGS)


@pytest.mark.django_db(transaction=True)
def test_five_concurrent_posts_with_one_key_open_one_account_and_answer_alike():
    FixedDepositRateFactory()
    user = onboarded_customer()
    answers: list[tuple[int, bytes]] = []
    lock = threading.Lock()

    def request():
        response = post(api_client_for(user), FD, key="concurrent-key")
        with lock:
            answers.append((response.status_code, response.content))

    run_in_threads(request, 5)

    assert len(answers) == 5
    assert {status for status, _ in answers} == {201}
    assert len({content for _, content in answers}) == 1
    assert BankAccount.objects.filter(user=user).count() == 1
    assert IdempotencyKey.objects.filter(user=user).count() == 1


@pytest.mark.django_db(transaction=True)
def test_five_concurrent_identical_fd_requests_without_a_key_open_one_account():
    FixedDepositRateFactory()
    user = onboarded_customer()
    statuses: list[int] = []
    lock = threading.Lock()

    def request():
        response = post(api_client_for(user), FD)
        with lock:
            statuses.append(response.status_code)

    run_in_threads(request, 5)

    assert sorted(statuses) == [201, 409, 409, 409, 409]
    assert BankAccount.objects.filter(user=user).count() == 1
