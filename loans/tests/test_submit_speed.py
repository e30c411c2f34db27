"""What makes a loan submission and its decision cheap (issue 13, target 6) changes nothing a
caller sees: the default product kept per process still honours a deactivation, the answer
built from fields made once is the one DRF builds, and a decision's email and SMS travel in
one delivery task yet are each sent."""

import json
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from loans.api.serializers import LoanApplicationSerializer, LoanApplicationStaffSerializer
from loans.api.views import LoanApplicationListCreateApi
from loans.models import ApprovalLogEntry, LoanApplication, LoanApplicationEvent, LoanProduct
from loans.selectors import loan_product_default
from loans.services import submission
from loans.services._transitions import CHECKS_TASK
from loans.services.rollups import rollups_differences
from smartbank.db import insert_statement
from smartbank.models import Notification, OutboxMessage
from smartbank.tests.threads import run_in_threads

from .factories import SEED_BODY, default_product, integrator, staff_member, submit

pytestmark = pytest.mark.django_db
DELIVER = "smartbank.tasks.notification_deliver_task"


def other_product() -> LoanProduct:
    """An active product the default falls back to (the first by name)."""
    return LoanProduct.objects.create(
        code="personal-other",
        name="A personal loan",
        loan_type="PERSONAL",
        annual_interest_rate_percent=Decimal("12.00"),
        max_tenure_months=36,
    )


def read_committed(django_capture_on_commit_callbacks) -> LoanProduct | None:
    """The default product as a submission reads it, its transaction committed."""
    with django_capture_on_commit_callbacks(execute=True):
        return loan_product_default()


def test_a_deactivated_default_product_is_not_used_once_saved(
    django_capture_on_commit_callbacks,
):
    product, fallback = default_product(), other_product()
    assert read_committed(django_capture_on_commit_callbacks) == product

    product.is_active = False
    product.save()

    assert read_committed(django_capture_on_commit_callbacks) == fallback


def test_a_product_changed_by_another_process_is_read_again_after_the_ttl(
    settings, django_capture_on_commit_callbacks
):
    settings.LOANS_PRODUCT_CACHE_SECONDS = 0.2
    product, fallback = default_product(), other_product()
    assert read_committed(django_capture_on_commit_callbacks) == product

    # Another process deactivates it: this one gets no signal, and keeps its copy a while.
    LoanProduct.objects.filter(pk=product.pk).update(is_active=False)
    assert read_committed(django_capture_on_commit_callbacks) == product
    time.sleep(0.25)

    assert read_committed(django_capture_on_commit_callbacks) == fallback


def test_a_read_in_a_rolled_back_transaction_is_not_kept(django_capture_on_commit_callbacks):
    product = default_product()
    loan_product_default()  # inside the test's transaction, never committed: not kept
    LoanProduct.objects.filter(pk=product.pk).update(is_active=False)  # no signal

    assert loan_product_default() != product


def test_the_kept_product_cannot_be_changed_by_a_caller(django_capture_on_commit_callbacks):
    product = default_product()
    read_committed(django_capture_on_commit_callbacks).max_tenure_months = 1

    assert loan_product_default().max_tenure_months == product.max_tenure_months


def built_by_drf(serializer_class: type, application: LoanApplication) -> dict:
    """The body DRF's own ModelSerializer makes, its fields built for this instance."""
    serializer = serializer_class(application)
    serializer.__dict__["fields"] = serializers.ModelSerializer.fields.func(serializer)
    return serializer.data


@pytest.mark.parametrize(
    "serializer_class", [LoanApplicationSerializer, LoanApplicationStaffSerializer]
)
def test_the_answer_is_byte_for_byte_what_drf_builds(
    serializer_class, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decided = submit()  # the checks run at commit
        waiting = submit(email="rohan@example.com", loan_amount="700000")
    decided.refresh_from_db()
    waiting.refresh_from_db()
    render = JSONRenderer().render
    for application in (decided, waiting, decided):  # the second use reuses the fields
        body = serializer_class(application).data
        assert render(body) == render(built_by_drf(serializer_class, application))
    assert json.loads(render(body))["application_id"] == decided.application_id


#: Submissions an integrator may send: valid, and wrong in each kind of field.
INPUT_BODIES = [
    SEED_BODY,
    {**SEED_BODY, "documents": ["id_proof"] * 21},
    {**SEED_BODY, "documents": ["x" * 101, "income_proof"]},
    {**SEED_BODY, "credit_score": 950, "income": "-1", "loan_amount": "12.345"},
    {**SEED_BODY, "region": "MARS", "date_of_birth": "1990-13-01", "tenure_months": 0},
    {key: value for key, value in SEED_BODY.items() if key not in ("name", "email")},
    {**SEED_BODY, "name": "", "phone": "9" * 40, "documents_uploaded": "perhaps"},
]


def validated_by_drf(body: dict) -> tuple[dict, dict]:
    """``(validated_data, errors)`` of the submission's input serializer with its fields
    deep-copied for this instance, as DRF's ``Serializer`` makes them."""
    serializer = LoanApplicationListCreateApi.InputSerializer(data=body)
    serializer.__dict__["fields"] = serializers.Serializer.fields.func(serializer)
    serializer.is_valid()
    return dict(serializer.validated_data), serializer.errors


def test_the_submission_input_built_once_validates_as_drf_does_also_in_threads():
    expected = [validated_by_drf(body) for body in INPUT_BODIES]
    outcomes: list[tuple[int, tuple[dict, dict]]] = []

    def validate(n: int) -> None:
        for _ in range(20):  # the fields built once, reused by every instance and thread
            serializer = LoanApplicationListCreateApi.InputSerializer(data=INPUT_BODIES[n])
            serializer.is_valid()
            outcomes.append((n, (dict(serializer.validated_data), serializer.errors)))

    run_in_threads(validate, [(n,) for n in range(len(INPUT_BODIES))] * 3)

    assert len(outcomes) == 20 * 3 * len(INPUT_BODIES)
    assert all(outcome == expected[n] for n, outcome in outcomes)
    assert expected[0][1] == {} and all(errors for _, errors in expected[1:])


def test_a_decisions_email_and_sms_are_one_task_and_both_sent(
    django_capture_on_commit_callbacks, sms_outbox
):
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(phone="+919876543210")
    application.refresh_from_db()

    [message] = OutboxMessage.objects.filter(task_name=DELIVER)
    notifications = Notification.objects.filter(pk__in=message.args)
    assert sorted(notifications.values_list("channel", "status")) == [
        ("EMAIL", "SENT"),
        ("SMS", "SENT"),
    ]
    assert application.email_sent and application.alert_sent
    assert [m.to for m in mail.outbox] == [[SEED_BODY["email"]]]
    assert [to for to, _ in sms_outbox] == ["+919876543210"]
    assert message.dispatched_at is not None


def test_redelivering_a_batch_sends_nothing_twice(django_capture_on_commit_callbacks):
    from smartbank.tasks import notification_deliver_task

    with django_capture_on_commit_callbacks(execute=True):
        submit(submitted_by=integrator(), phone="+919876543210")
    [message] = OutboxMessage.objects.filter(task_name=DELIVER)

    assert notification_deliver_task.apply(args=message.args).get() == "SENT,SENT"
    assert len(mail.outbox) == 1


def _plan(queryset) -> str:
    """PostgreSQL's plan of ``queryset`` with sequential scans priced out, so the plan names
    an index whenever one can serve the query, however small the test table (the table just
    analysed, so the plan does not depend on what earlier tests left)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        # Statistics as the earlier tests left them or none: the same plan either way.
        cursor.execute(f"ANALYZE {LoanApplication._meta.db_table}")
        cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


def test_every_query_on_the_applications_table_has_an_index_and_no_index_is_extra():
    """Each insert writes every index of the table, and each status move too (issue 13): the
    queries the product runs are each served by an index, and there is no index a composite
    already serves nor a LIKE twin nothing uses."""
    from django.db import connection

    from loans.selectors import loan_application_list

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner and index catalogue")
    submit()
    officer, customer = staff_member(), integrator()
    Status = LoanApplication.Status
    rows = LoanApplication.objects
    queries = {
        "list by status": loan_application_list(viewer=officer, status="APPROVED"),
        "list by region": loan_application_list(viewer=officer, region="APAC"),
        "a customer's applications": rows.filter(customer=customer).order_by("-created_at"),
        "waiting, oldest first": rows.filter(status=Status.SUBMITTED).order_by("created_at"),
        "in staff review": rows.filter(status=Status.REVIEW),
        "by country": rows.filter(country_code="IN", final_status="PENDING"),
        # loans.selectors.loan_application_duplicate_exists: .exists() drops the ordering
        "the duplicate check": rows.filter(
            final_status__in=["PENDING", "APPROVED"],
            loan_amount=Decimal("1.00"),
            loan_purpose__iexact="x",
            email__iexact="A@example.com",
        ).order_by(),
    }
    for name, queryset in queries.items():
        assert "Index" in _plan(queryset), name
    assert "loan_app_email_ci_idx" in _plan(queries["the duplicate check"])

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s",
            [LoanApplication._meta.db_table],
        )
        definitions = [row[0] for row in cursor.fetchall()]
    assert not [d for d in definitions if "pattern_ops" in d]
    single_columns = {d.rsplit("(", 1)[1].rstrip(")") for d in definitions if ", " not in d}
    for column in ("region", "country_code", "final_status", "customer_id", "email"):
        assert column not in single_columns, column


def test_a_submission_writes_its_rows_in_one_round_trip_after_its_duplicate_check(
    django_capture_on_commit_callbacks,
):
    """The application, its SUBMITTED event, its roll-up counts and its checks message arrive
    together; on PostgreSQL the lock and duplicate check are one round trip and the rows one
    more (the savepoint pair is the test's own transaction around the service's)."""
    product, partner = default_product(), integrator()
    with CaptureQueriesContext(connection) as queries:
        application = submit(submitted_by=partner, product=product)

    stored = LoanApplication.objects.get(application_id=application.application_id)
    assert stored.pk == application.pk and stored.status == LoanApplication.Status.SUBMITTED
    event = LoanApplicationEvent.objects.get(application=stored)
    assert (event.type, event.actor, event.data["loan_amount"]) == (
        "SUBMITTED",
        partner,
        "250000.00",
    )
    assert OutboxMessage.objects.get(entity_id=str(stored.pk)).task_name == CHECKS_TASK
    assert rollups_differences() == []
    if connection.vendor == "postgresql":
        sent = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
        assert len(sent) == 2, sent
        assert sent[0].startswith("SELECT pg_advisory_xact_lock(")
        assert sent[1].count("INSERT INTO") == 5  # application, event, 2 roll-ups, outbox


def test_an_application_id_drawn_twice_is_drawn_again_and_nothing_of_the_attempt_stays(
    monkeypatch,
):
    first = submit(email="first@example.com")
    drawn = iter([first.application_id, "LOAN-20261203-NEWONE00"])
    monkeypatch.setattr(submission, "application_id_generate", lambda: next(drawn))

    second = submit(email="second@example.com")

    assert second.application_id == "LOAN-20261203-NEWONE00"
    assert LoanApplication.objects.get(application_id=first.application_id).email == (
        "first@example.com"
    )
    assert LoanApplicationEvent.objects.filter(application=second).count() == 1
    assert OutboxMessage.objects.filter(entity_id=str(second.pk)).count() == 1
    assert LoanApplication.objects.count() == 2
    assert rollups_differences() == []


def test_another_integrity_error_is_raised_not_retried(monkeypatch):
    """A conflict that is not a drawn id (here a check constraint: a malformed id) is not
    hidden by drawing again."""
    monkeypatch.setattr(submission, "application_id_generate", lambda: "NOT-AN-ID")

    with pytest.raises(IntegrityError):
        submit()

    assert LoanApplication.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_a_proxy_model_is_refused_by_the_one_statement_insert():
    """``insert_statement`` writes one table: a proxy (or a multi-table child) is refused
    rather than written partly."""
    with pytest.raises(ValueError, match="proxy or multi-table child"):
        insert_statement(ApprovalLogEntry(type="APPROVED", data={}))
