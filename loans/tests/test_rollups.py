"""Issue 13 target 5: the dashboards read roll-ups kept in step with every application's
creation and status move, in the same transaction; every widget answers exactly what the
old ``GROUP BY`` over the applications answered (:mod:`loans.tests.dashboards_direct`)."""

import datetime
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loans import dashboards
from loans.models import LoanApplication, LoanDailyRollup, LoanStatusRollup
from loans.services import (
    loan_application_approve,
    loan_application_processing_start,
    loan_application_reject,
    loan_application_reprocess,
)
from loans.services.rollups import rollups_differences
from loans.tests import dashboards_direct as direct
from loans.tests.factories import default_product, integrator, staff_member, submit

WIDGETS = [
    "dashboard_overview",
    "dashboard_by_region",
    "dashboard_by_country",
    "dashboard_verification_stats",
    "dashboard_financial_metrics",
    "dashboard_timeline",
    "dashboard_funnel",
]


def assert_widgets_match_the_applications() -> None:
    for name in WIDGETS:
        assert getattr(dashboards, name)() == getattr(direct, name)(), name
    for days in (1, 7, 180, 366):
        assert dashboards.dashboard_timeline(days=days) == direct.dashboard_timeline(days=days)
    assert dashboards.dashboard_by_country(limit=10) == direct.dashboard_by_country(limit=10)
    assert rollups_differences() == []


@pytest.fixture
def sample(db):
    """400 generated applications (bulk insert, then the command rebuilds the roll-ups)."""
    call_command("generate_sample_data", count=400, seed=11, stdout=StringIO())


def test_generated_data_every_widget_equals_the_direct_query(sample):
    assert LoanStatusRollup.objects.exists() and LoanDailyRollup.objects.exists()
    assert_widgets_match_the_applications()
    assert dashboards.dashboard_overview()["total_applications"] == 400


def test_staff_decisions_and_reprocessing_keep_every_widget_exact(
    sample, django_capture_on_commit_callbacks
):
    # Given the generated portfolio and two loan officers (four-eyes loans need both)
    maker = staff_member(email="maker@smartbank.test")
    checker = staff_member(email="checker@smartbank.test")
    review = list(LoanApplication.objects.filter(status="REVIEW").order_by("application_id"))
    rejected = list(
        LoanApplication.objects.filter(status="REJECTED").order_by("application_id")[:15]
    )
    assert len(review) >= 10 and rejected

    # When staff approve half the queue and reject the rest, and reprocess rejections (the
    # checks run again through the real pipeline)
    for n, application in enumerate(review):
        if n % 2:
            loan_application_reject(
                loan_application_id=application.pk, actor=maker, reason="Income unproven"
            )
            continue
        loan_application_approve(loan_application_id=application.pk, actor=maker)
        application.refresh_from_db()
        if application.status == "REVIEW":  # above the four-eyes amount
            loan_application_approve(loan_application_id=application.pk, actor=checker)
    for application in rejected:
        with django_capture_on_commit_callbacks(execute=True):
            loan_application_reprocess(loan_application_id=application.pk, actor=maker)

    # Then the incremental roll-ups answer what the applications say, widget by widget
    assert LoanApplication.objects.filter(status="REVIEW").count() < len(review)
    assert_widgets_match_the_applications()


@pytest.mark.django_db(transaction=True)
def test_submissions_and_automatic_decisions_count_in_their_transaction():
    default_product()
    client_user = integrator()
    # A rolled-back submission leaves no trace in the roll-ups
    with pytest.raises(RuntimeError), transaction.atomic():
        submit(submitted_by=client_user, email="rolled.back@example.com")
        raise RuntimeError
    assert dashboards.dashboard_overview()["total_applications"] == 0

    # Submitted and decided (the checks run eagerly after commit): approved, rejected, review
    submit(submitted_by=client_user, email="ok@example.com")
    submit(submitted_by=client_user, email="low@example.com", credit_score=500)
    submit(submitted_by=client_user, email="big@example.com", loan_amount=700000, income=900000)
    assert {a.final_status for a in LoanApplication.objects.all()} == {
        "APPROVED",
        "REJECTED",
        "PENDING",
    }
    assert dashboards.dashboard_overview() == {
        "total_applications": 3,
        "approved": 1,
        "rejected": 1,
        "pending": 1,
        "approval_rate": 33.33,
    }
    assert_widgets_match_the_applications()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's shared in-memory test database refuses threads ('table is locked'); "
    "its IMMEDIATE transactions serialise writers anyway",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_are_all_counted():
    # Given 6 integrators submitting 5 applications each at the same time (PostgreSQL row
    # locks on the same country's groups; the roll-up rows take them in key order)
    default_product()
    users = [integrator() for _ in range(6)]
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            for k in range(5):
                submit(submitted_by=users[n], email=f"u{n}.{k}@example.com")
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then every one is counted once, in every widget
    assert errors == []
    assert dashboards.dashboard_overview()["total_applications"] == 30
    assert dashboards.dashboard_by_country()["countries"][0]["total"] == 30
    assert_widgets_match_the_applications()


@pytest.mark.django_db
def test_a_move_that_changes_no_group_writes_no_roll_up():
    default_product()
    application = submit(email="asha@example.com")
    with CaptureQueriesContext(connection) as queries:
        loan_application_processing_start(loan_application_id=application.pk)
    assert LoanApplication.objects.get(pk=application.pk).status == "PROCESSING"
    assert not [q for q in queries.captured_queries if "rollup" in q["sql"]]
    assert rollups_differences() == []


@pytest.mark.django_db
def test_timeline_keeps_the_banks_days_whatever_zone_a_request_activated(settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    default_product()
    submit(email="asha@example.com")
    today = timezone.localdate()
    with timezone.override(datetime.timezone(datetime.timedelta(hours=-11))):
        timeline = dashboards.dashboard_timeline(days=2, today=today)["timeline"]
    assert timeline[-1] == {"date": today.isoformat(), "total": 1, "approved": 0, "rejected": 0}


@pytest.mark.django_db
def test_rollups_rebuild_command_checks_and_repairs(sample):
    out = StringIO()
    call_command("rollups_rebuild", check=True, stdout=out)
    assert "agree" in out.getvalue()

    # A roll-up row tampered with (or a bulk load that bypassed the services)
    row = LoanStatusRollup.objects.order_by("-n").first()
    LoanStatusRollup.objects.filter(pk=row.pk).update(n=row.n + 5)
    with pytest.raises(CommandError, match="1 roll-up groups disagree"):
        call_command("rollups_rebuild", check=True, stdout=StringIO())
    assert dashboards.dashboard_overview()["total_applications"] == 405

    out = StringIO()
    call_command("rollups_rebuild", stdout=out)
    assert "Rebuilt the roll-ups" in out.getvalue()
    assert_widgets_match_the_applications()
    assert set(LoanStatusRollup.objects.values_list("shard", flat=True)) == {0}
