"""Decisions in batches (issue 13): a loan task decides its application together with others
waiting, in one transaction, exactly as it would decide each on its own (real PostgreSQL,
real screening, nothing mocked)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.banking_factories import onboarded_customer, open_account
from loans.models import LoanApplication, LoanApplicationEvent, WatchlistEntry
from loans.pipeline import loan_application_run_checks
from loans.services import (
    loan_application_checks_complete,
    loan_application_processing_start,
    loan_applications_decide,
)
from loans.services.rollups import rollups_differences
from loans.tasks import loan_application_process_task
from loans.watchlists import watchlist_import
from smartbank.models import Notification, OutboxMessage
from smartbank.tests.threads import run_in_threads

from .factories import SANCTIONED, customer_submit, default_product, submit, write_targets_csv

Status = LoanApplication.Status
E = LoanApplicationEvent.Type
D = Decimal


#: Applicants that end every way an automatic decision can: approved, rejected on
#: eligibility, rejected on sanctions screening, sent to staff for a FATF country, sent to
#: staff for a high-value loan, a seed-style phone number staff must look at.
VARIANTS = (
    {},
    {"credit_score": 520},
    {"name": "Viktor Bout"},
    {"country": "Kenya", "phone": "+254712345678"},
    {"loan_amount": 9_000_000, "income": 9_000_000},
    {"phone": "+1234567890", "name": "Asha Rao"},
    {"debt": 80_000, "income": 90_000},
)


def sanctions_list(tmp_path):
    path = write_targets_csv(tmp_path / "sanctions.csv", [SANCTIONED])
    with path.open(newline="") as fh:
        return watchlist_import(file=fh, name="OpenSanctions", kind="SANCTIONS", version="1")


def applicants(label):
    """Every variant submitted, each from an address of its own (no duplicate check trips)."""
    return [submit(email=f"{label}{n}@example.com", **v) for n, v in enumerate(VARIANTS)]


def customer_application():
    """A registered customer with a savings account: approved and disbursed."""
    customer = onboarded_customer()
    open_account(user=customer)
    return customer_submit(customer)


def decide_alone(application):
    """The single path: PROCESSING in its own transaction, the checks, the decision."""
    started = loan_application_processing_start(loan_application_id=application.pk)
    outcome = loan_application_run_checks(application=started)
    loan_application_checks_complete(loan_application_id=application.pk, outcome=outcome)


def what_was_decided(application):
    """What a customer, staff and the dashboards see of a decision, without ids and times."""
    application.refresh_from_db()
    fields = {
        name: getattr(application, name)
        for name in (
            "status",
            "final_status",
            "kyc_status",
            "compliance_status",
            "eligibility_status",
            "kyc_remarks",
            "kyc_staff_remarks",
            "compliance_remarks",
            "eligibility_remarks",
            "final_remarks",
            "dti_ratio",
            "political_connection",
            "senior_relative",
            "compliance_evidence",
            "email_sent",
            "alert_sent",
            "last_error",
        )
    }
    fields["decided"] = application.final_decision_at is not None
    fields["disbursed"] = application.disbursed_at is not None
    events = [
        (e.type, {k: v for k, v in e.data.items() if k not in ("amount", "account")})
        for e in application.events.order_by("created_at", "id")
    ]
    return fields, events


@pytest.mark.django_db
def test_a_batch_decides_every_application_as_it_would_alone(tmp_path):
    sanctions_list(tmp_path)
    alone = [*applicants("alone"), customer_application()]
    for application in alone:
        decide_alone(application)
    together = [*applicants("together"), customer_application()]
    messages_before = set(Notification.objects.values_list("pk", flat=True))

    status = loan_applications_decide(loan_application_id=together[0].pk, limit=50)

    assert status == Status.APPROVED
    for single, batched in zip(alone, together, strict=True):
        assert what_was_decided(batched) == what_was_decided(single)
    outcomes = {what_was_decided(a)[0]["status"] for a in together}
    assert outcomes == {Status.APPROVED, Status.REJECTED, Status.REVIEW}
    assert what_was_decided(together[-1])[0]["disbursed"] is True
    assert rollups_differences() == []
    # Every message of the batch is delivered by one task.
    new = Notification.objects.exclude(pk__in=messages_before)
    for application in together:
        application.refresh_from_db()
    assert new.count() == sum(a.email_sent + a.alert_sent for a in together) > len(together)
    delivery = OutboxMessage.objects.filter(
        task_name="smartbank.tasks.notification_deliver_task"
    ).latest("created_at")
    assert sorted(delivery.args) == sorted(str(pk) for pk in new.values_list("pk", flat=True))


@pytest.mark.django_db
def test_a_batch_of_twenty_costs_about_as_many_statements_as_two_alone():
    first = [submit(email=f"a{n}@example.com") for n in range(2)]
    with CaptureQueriesContext(connection) as alone:
        for application in first:
            decide_alone(application)
    batch = [submit(email=f"b{n}@example.com") for n in range(20)]
    with CaptureQueriesContext(connection) as together:
        loan_applications_decide(loan_application_id=batch[0].pk, limit=20)

    assert LoanApplication.objects.filter(status=Status.SUBMITTED).count() == 0
    assert len(together) <= len(alone)


@pytest.mark.django_db
def test_an_application_whose_checks_fail_is_left_to_its_own_task(tmp_path):
    watchlist = sanctions_list(tmp_path)
    # A corrupt row (aliases not a list) makes screening of a matching name fail: a real
    # error, nothing mocked.
    WatchlistEntry.objects.filter(watchlist=watchlist).update(aliases=5)
    good = submit()
    broken = submit(name="Viktor Bout", email="vb@example.com")
    other = submit(email="other@example.com")

    assert loan_applications_decide(loan_application_id=good.pk, limit=10) == Status.APPROVED
    broken.refresh_from_db()
    assert broken.status == Status.SUBMITTED
    assert list(broken.events.values_list("type", flat=True)) == [E.SUBMITTED]
    other.refresh_from_db()
    assert other.status == Status.APPROVED

    # Its own task: the batch returns None, so the single path records and retries the error.
    assert loan_applications_decide(loan_application_id=broken.pk, limit=10) is None
    broken.refresh_from_db()
    assert broken.status == Status.SUBMITTED


@pytest.mark.django_db
def test_the_task_batches_on_first_delivery_and_decides_alone_on_a_retry(settings):
    settings.LOAN_DECISION_BATCH_SIZE = 10
    waiting = [submit(email=f"w{n}@example.com") for n in range(3)]

    assert loan_application_process_task.apply(args=[str(waiting[0].pk)]).get() == "APPROVED"
    assert set(LoanApplication.objects.values_list("status", flat=True)) == {Status.APPROVED}

    later = [submit(email=f"l{n}@example.com") for n in range(2)]
    result = loan_application_process_task.apply(args=[str(later[0].pk)], retries=1)
    assert result.get() == "APPROVED"
    later[1].refresh_from_db()
    assert later[1].status == Status.SUBMITTED
    # A message whose application a batch already decided changes nothing.
    events = later[0].events.count()
    assert loan_application_process_task.apply(args=[str(later[0].pk)]).get() == "APPROVED"
    assert later[0].events.count() == events


@pytest.mark.django_db(transaction=True)
def test_two_workers_batching_at_once_decide_each_application_once():
    default_product()
    applications = [submit(email=f"c{n}@example.com") for n in range(40)]
    ids = [a.pk for a in applications]
    errors: list[Exception] = []

    def worker(mine):
        for pk in mine:
            try:
                loan_applications_decide(loan_application_id=pk, limit=8)
            except Exception as exc:  # noqa: BLE001 - recorded for the assertion
                errors.append(exc)

    run_in_threads(worker, [(ids[0::2],), (ids[1::2],)])

    assert errors == []
    assert not LoanApplication.objects.filter(status__in=[Status.SUBMITTED, Status.PROCESSING])
    for type_ in (E.PROCESSING_STARTED, E.AUTO_DECIDED, E.APPLICANT_NOTIFIED):
        counts = LoanApplicationEvent.objects.filter(type=type_).values_list(
            "application_id", flat=True
        )
        assert sorted(counts) == sorted(ids)
    assert Notification.objects.count() == 2 * len(ids)
    assert rollups_differences() == []
