"""A query compiled once (smartbank.db.CompiledQuery) answers every call as the ORM would: its
values are bound, not the first call's; a value the ORM would change on its way to the SQL is
never bound raw (issue 13)."""

import threading
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import CustomerProfile
from accounts.tests.factories import CustomerProfileFactory, UserFactory
from loans.models import LoanApplication
from loans.selectors import LOAN_APPLICATION_DUPLICATE_OF_EMAIL
from loans.tests.factories import submit
from smartbank.db import CompiledQuery, exists_after_lock

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("kept only on PostgreSQL")


def with_profile() -> CompiledQuery:
    return CompiledQuery(
        User, lambda pk: User.objects.select_related("profile").filter(pk=pk).order_by()
    )


def test_each_call_reads_its_own_user_with_the_profile_in_one_query():
    alice, bob = CustomerProfileFactory(), CustomerProfileFactory(phone="+919812345678")
    query = with_profile()

    with CaptureQueriesContext(connection) as queries:
        (first,) = query.objects(alice.user.pk)
        (second,) = query.objects(bob.user.pk)
        phones = [str(first.profile.phone), str(second.profile.phone)]

    assert (first, second) == (alice.user, bob.user)
    assert phones == ["+919876543210", "+919812345678"]
    assert len(queries) == 2  # one each: the profile came with the user
    assert all(v is not None for v in query._kept.values())  # the SQL was kept, not rebuilt


def test_a_user_without_a_profile_and_an_unknown_key_read_as_the_orm_reads_them():
    staff = UserFactory()
    query = with_profile()

    (user,) = query.objects(staff.pk)

    assert not CustomerProfile.objects.filter(user=staff).exists()
    with pytest.raises(User.profile.RelatedObjectDoesNotExist):
        user.profile  # noqa: B018
    assert query.objects(UserFactory.build().pk) == []


def test_a_call_in_another_thread_uses_that_threads_connection():
    alice = UserFactory()
    query = with_profile()
    query.objects(alice.pk)  # compiled here, on this thread's connection
    seen = []

    def read():
        try:
            with CaptureQueriesContext(connection) as queries:
                seen.append(query.objects(alice.pk))
            seen.append(len(queries))
        finally:
            connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()

    # The test's transaction is not the thread's: the user it has not committed is not seen
    # there, and the query ran on the thread's own connection.
    assert seen == [[], 1]


def test_the_duplicate_check_binds_each_submissions_values():
    submit(email="Asha@Example.com", loan_amount=Decimal("500000.00"), loan_purpose="Home")

    def duplicate(email: str, amount: str, purpose: str) -> bool:
        alias, statement = LOAN_APPLICATION_DUPLICATE_OF_EMAIL.statement(
            email, Decimal(amount), purpose
        )
        return exists_after_lock("test", statement, using=alias)

    assert duplicate("asha@example.com", "500000.00", "HOME")
    assert not duplicate("ravi@example.com", "500000.00", "Home")
    assert not duplicate("asha@example.com", "500001.00", "Home")
    assert not duplicate("asha@example.com", "500000.00", "Car")
    assert duplicate("ASHA@EXAMPLE.COM", "500000", "home")


def test_a_value_the_orm_changes_is_never_bound_as_it_came():
    submit(email="ravi@example.com", loan_purpose="Home_renovation")
    # contains escapes LIKE's wildcards: "%" must match a "%", not anything.
    like = CompiledQuery(
        LoanApplication,
        lambda purpose: LoanApplication.objects.filter(loan_purpose__contains=purpose),
    )
    stripped = CompiledQuery(
        LoanApplication,
        lambda purpose: LoanApplication.objects.filter(loan_purpose=purpose.strip()),
    )

    assert like.objects("e_r") == list(LoanApplication.objects.all())
    assert like.objects("e%n") == []
    assert stripped.objects("  Home_renovation ") == list(LoanApplication.objects.all())
    assert list(like._kept.values()) == list(stripped._kept.values()) == [None]


def test_none_and_types_without_a_sentinel_compile_on_every_call():
    submit(email="ravi@example.com", tenure_months=None)
    by_email_and_customer = CompiledQuery(
        LoanApplication,
        lambda email, customer: LoanApplication.objects.filter(email=email, customer=customer),
    )
    by_tenure = CompiledQuery(
        LoanApplication, lambda months: LoanApplication.objects.filter(tenure_months=months)
    )
    (application,) = LoanApplication.objects.all()

    assert by_email_and_customer.objects("ravi@example.com", None) == [application]
    assert by_tenure.objects(application.tenure_months) == [application]
    assert by_tenure.objects(application.tenure_months + 1) == []
    assert None in by_email_and_customer._kept.values()
    assert list(by_tenure._kept.values()) == [None]
