"""Seed 001's approval log (issue 14): every staff approval, rejection and reprocess across all
applications, most recent first, with officer, action, reason, time and maker-checker step;
staff only; paginated over the API, filtered in the admin, exported as CSV."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.auth import api_client_for, login_verified
from accounts.tests.factories import CustomerProfileFactory, UserFactory
from loans.models import LoanApplicationEvent, LoanProduct
from loans.services import (
    loan_application_approve,
    loan_application_reject,
    loan_application_reprocess,
)

from .factories import integrator, staff_member, submit

pytestmark = pytest.mark.django_db

URL = "/api/v1/approval-logs/"
ADMIN_URL = "/admin/loans/approvallogentry/"
E = LoanApplicationEvent.Type


@pytest.fixture
def log(django_capture_on_commit_callbacks):
    """Five applications in REVIEW (high-value loans) and six staff decisions on them:

    A  maker approves, checker approves (four-eyes: 600,000 above 500,000)
    B  rejected by one officer
    C  maker approves, then another officer rejects
    D  reprocessed (the same checks, back in REVIEW)
    E  a product whose four-eyes amount is above the loan: one officer approves
    """
    maker = staff_member(email="maker@smartbank.test", full_name="Meera Maker")
    checker = staff_member(email="checker@smartbank.test", full_name="Chetan Checker")
    officer = staff_member(email="officer@smartbank.test", full_name="Omar Officer")
    single = LoanProduct.objects.create(
        code="personal-fast",
        name="Fast personal loan",
        loan_type="PERSONAL",
        annual_interest_rate_percent=Decimal("12.00"),
        max_tenure_months=36,
        high_value_amount=Decimal("100000.00"),
        four_eyes_amount=Decimal("900000.00"),
    )
    apps = {}
    partner = integrator()
    with django_capture_on_commit_callbacks(execute=True):
        for key in "ABCD":
            apps[key] = submit(
                submitted_by=partner,
                email=f"{key.lower()}@example.com",
                income=300000,
                debt=0,
                loan_amount=600000,
            )
        apps["E"] = submit(
            submitted_by=partner,
            email="e@example.com",
            income=300000,
            debt=0,
            loan_amount=200000,
            product=single,
        )
    for application in apps.values():
        application.refresh_from_db()
        assert application.status == "REVIEW"

    def act(service, key, actor, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            service(loan_application_id=apps[key].pk, actor=actor, **kwargs)

    act(loan_application_approve, "A", maker, reason="Income verified")
    act(loan_application_approve, "A", checker, reason="Agreed")
    act(loan_application_reject, "B", officer, reason="Bank statements missing")
    act(loan_application_approve, "C", maker)
    act(loan_application_reject, "C", checker, reason='=HYPERLINK("http://x")  forged payslip')
    act(loan_application_reprocess, "D", officer)
    act(loan_application_approve, "E", officer, reason="Salary account with us")
    for application in apps.values():
        application.refresh_from_db()
    return {"apps": apps, "maker": maker, "checker": checker, "officer": officer}


def entry(log, key, action, step, officer, reason="", maker=None):
    return {
        "application_id": log["apps"][key].application_id,
        "action": action,
        "step": step,
        "officer": f"{officer}@smartbank.test",
        "officer_name": log[officer].full_name,
        "maker": f"{maker}@smartbank.test" if maker else None,
        "reason": reason,
    }


def expected(log):
    """Every decision, most recent first."""
    return [
        entry(log, "E", "APPROVE", "SINGLE", "officer", "Salary account with us"),
        entry(log, "D", "REPROCESS", "SINGLE", "officer"),
        entry(
            log,
            "C",
            "REJECT",
            "CHECKER",
            "checker",
            '=HYPERLINK("http://x") forged payslip',
            maker="maker",
        ),
        entry(log, "C", "APPROVE", "MAKER", "maker"),
        entry(log, "B", "REJECT", "SINGLE", "officer", "Bank statements missing"),
        entry(log, "A", "APPROVE", "CHECKER", "checker", "Agreed", maker="maker"),
        entry(log, "A", "APPROVE", "MAKER", "maker", "Income verified"),
    ]


def without_ids(entries):
    return [{k: v for k, v in e.items() if k not in ("id", "created_at")} for e in entries]


# --- the API ------------------------------------------------------------------------------


def test_every_staff_decision_most_recent_first_with_officer_action_reason_time_and_step(log):
    client = api_client_for(staff_member(group="Compliance officers"))

    body = client.get(URL).json()

    assert (body["count"], body["next"], body["previous"]) == (7, None, None)
    entries = body["approval_logs"]
    assert without_ids(entries) == expected(log)
    times = [datetime.datetime.fromisoformat(e["created_at"]) for e in entries]
    assert times == sorted(times, reverse=True)
    # Each entry is the audit event itself: its id, time and actor, nothing copied.
    newest = LoanApplicationEvent.objects.get(pk=entries[0]["id"])
    assert (newest.type, newest.actor, newest.application) == (
        E.APPROVED,
        log["officer"],
        log["apps"]["E"],
    )
    assert times[0] == newest.created_at
    # The automated decisions and the other events are not in the log.
    assert LoanApplicationEvent.objects.count() > 7


def test_the_log_filters_by_application_action_step_officer(log):
    client = api_client_for(staff_member())
    a = log["apps"]["A"].application_id

    def listed(**params):
        return without_ids(client.get(URL, params).json()["approval_logs"])

    everything = expected(log)
    assert listed(application_id=a) == everything[5:]
    assert listed(application_id=a.lower()) == everything[5:]
    assert listed(limit=50, application_id=a) == everything[5:]  # seed 001's query
    assert listed(action="REJECT") == [everything[2], everything[4]]
    assert listed(action="REPROCESS") == [everything[1]]
    assert listed(step="CHECKER") == [everything[2], everything[5]]
    assert listed(step="MAKER") == [everything[3], everything[6]]
    assert listed(step="SINGLE") == [everything[0], everything[1], everything[4]]
    assert listed(officer="MAKER@smartbank.test") == [everything[3], everything[6]]
    assert listed(officer="checker@smartbank.test", action="APPROVE") == [everything[5]]
    assert listed(application_id="LOAN-20000101-NOTHERE") == []


def test_the_log_pages_with_limit_and_offset(log, django_assert_num_queries):
    client = api_client_for(staff_member())

    with django_assert_num_queries(4):  # permissions (2), the count, the page: no N+1
        first = client.get(URL, {"limit": 3}).json()
    assert first["count"] == 7 and len(first["approval_logs"]) == 3
    assert first["previous"] is None and first["next"].endswith(f"{URL}?limit=3&offset=3")
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    assert third["next"] is None
    pages = first["approval_logs"] + second["approval_logs"] + third["approval_logs"]
    assert without_ids(pages) == expected(log)
    assert client.get(URL, {"limit": 0}).status_code == 400
    assert client.get(URL, {"offset": -1}).status_code == 400


def test_the_date_range_is_inclusive_local_days(log):
    """Decisions on earlier days (moved there: events are append-only for the code, the test
    writes the rows directly)."""
    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    a_events = LoanApplicationEvent.objects.filter(
        application=log["apps"]["A"], type__in=[E.FIRST_APPROVAL, E.APPROVED]
    )
    b_event = LoanApplicationEvent.objects.get(application=log["apps"]["B"], type=E.REJECTED)
    ten_days_ago = today - datetime.timedelta(days=10)
    # A at 23:59:59 local time ten days ago, B at 00:00:00 local time nine days ago.
    a_events.update(
        created_at=datetime.datetime.combine(ten_days_ago, datetime.time(23, 59, 59), zone)
    )
    LoanApplicationEvent.objects.filter(pk=b_event.pk).update(
        created_at=datetime.datetime.combine(
            ten_days_ago + datetime.timedelta(days=1), datetime.time.min, zone
        )
    )
    client = api_client_for(staff_member())

    def ids(**params):
        return [e["application_id"] for e in client.get(URL, params).json()["approval_logs"]]

    a, b = log["apps"]["A"].application_id, log["apps"]["B"].application_id
    assert ids(date_to=ten_days_ago.isoformat()) == [a, a]
    assert ids(date_from=ten_days_ago.isoformat(), date_to=ten_days_ago.isoformat()) == [a, a]
    nine_days_ago = (ten_days_ago + datetime.timedelta(days=1)).isoformat()
    assert ids(date_from=nine_days_ago, date_to=nine_days_ago) == [b]
    assert len(ids(date_from=today.isoformat())) == 4
    assert ids()[-3:] == [b, a, a]  # the moved ones are now the oldest

    bad = client.get(URL, {"date_from": today.isoformat(), "date_to": ten_days_ago.isoformat()})
    assert bad.status_code == 400
    assert bad.json()["errors"] == {"date_to": ["Must not be before date_from."]}
    assert client.get(URL, {"date_from": "yesterday"}).status_code == 400


def test_only_loan_and_compliance_staff_read_the_log(log):
    customer = CustomerProfileFactory().user
    staff_in_no_loans_group = UserFactory(is_staff=True)
    for user in (customer, integrator(), staff_in_no_loans_group):
        response = api_client_for(user).get(URL)
        assert response.status_code == 403
        assert response.json() == {
            "detail": "Only loan and compliance staff can read the approval log.",
            "code": "permission_denied",
        }
    assert api_client_for(None).get(URL).status_code in (401, 403)
    for group in ("Loan officers", "Compliance officers"):
        assert api_client_for(staff_member(group=group)).get(URL).status_code == 200


# --- the staff console --------------------------------------------------------------------


def test_the_admin_lists_the_log_with_filters(client, log):
    login_verified(client, staff_member(group="Compliance officers"))

    html = client.get(ADMIN_URL).content.decode()
    for application in log["apps"].values():
        assert application.application_id in html
    assert "Bank statements missing" in html
    assert "Export CSV" in html

    rejections = client.get(ADMIN_URL, {"action": "REJECT"}).content.decode()
    assert log["apps"]["B"].application_id in rejections
    assert log["apps"]["C"].application_id in rejections
    assert log["apps"]["A"].application_id not in rejections
    checker_steps = client.get(ADMIN_URL, {"step": "CHECKER"}).content.decode()
    assert log["apps"]["B"].application_id not in checker_steps
    by_officer = client.get(ADMIN_URL, {"actor__id__exact": log["officer"].pk}).content.decode()
    assert log["apps"]["A"].application_id not in by_officer
    assert log["apps"]["D"].application_id in by_officer
    # Read-only: no adding, changing or deleting an entry.
    event = LoanApplicationEvent.objects.filter(type=E.REJECTED).first()
    assert client.get(f"{ADMIN_URL}add/").status_code == 403
    assert client.post(f"{ADMIN_URL}{event.pk}/delete/").status_code == 403
    assert client.get(f"{ADMIN_URL}{event.pk}/change/").status_code == 200


def test_staff_without_the_loans_permissions_do_not_see_the_log_in_the_admin(client, log):
    user = staff_member()
    user.groups.clear()
    login_verified(client, user)

    assert client.get(ADMIN_URL).status_code == 403
    assert client.get(f"{ADMIN_URL}export/").status_code == 403


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_export_for_a_date_range_officer_and_action(client, log):
    login_verified(client, staff_member(group="Compliance officers"))
    today = timezone.localdate().isoformat()

    form = client.get(f"{ADMIN_URL}export/").content.decode()
    assert 'name="date_from"' in form and 'name="officer"' in form and 'name="action"' in form
    assert "checker@smartbank.test" in form  # officers with entries to choose from

    response = client.get(
        f"{ADMIN_URL}export/",
        {"export": "1", "date_from": today, "date_to": today, "officer": "", "action": ""},
    )
    rows = read_csv(response)
    assert response["Content-Disposition"] == (
        f'attachment; filename="approval-log-{today}-to-{today}.csv"'
    )
    assert rows[0] == [
        "time",
        "application_id",
        "action",
        "step",
        "officer",
        "officer_name",
        "maker",
        "reason",
        "event_id",
    ]
    body = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [
        {k: r[k] for k in ("application_id", "action", "step", "officer", "maker", "reason")}
        for r in body
    ] == [
        {
            "application_id": e["application_id"],
            "action": e["action"],
            "step": e["step"],
            "officer": e["officer"],
            "maker": e["maker"] or "",
            # A reason a spreadsheet would run as a formula is quoted.
            "reason": "'" + e["reason"] if e["reason"].startswith("=") else e["reason"],
        }
        for e in expected(log)
    ]
    first = LoanApplicationEvent.objects.get(pk=int(body[0]["event_id"]))
    assert body[0]["time"] == timezone.localtime(first.created_at).isoformat(timespec="seconds")
    assert body[0]["officer_name"] == "Omar Officer"

    only = read_csv(
        client.get(
            f"{ADMIN_URL}export/",
            {"export": "1", "officer": "maker@smartbank.test", "action": "APPROVE"},
        )
    )
    assert [(r[1], r[3]) for r in only[1:]] == [
        (log["apps"]["C"].application_id, "MAKER"),
        (log["apps"]["A"].application_id, "MAKER"),
    ]
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    assert (
        read_csv(client.get(f"{ADMIN_URL}export/", {"export": "1", "date_to": yesterday}))[1:] == []
    )


def test_csv_export_form_refuses_an_inverted_range(client, log):
    login_verified(client, staff_member())
    response = client.get(
        f"{ADMIN_URL}export/", {"export": "1", "date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
