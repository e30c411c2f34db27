"""The staff console: review queue, the application page's decision buttons, watchlist upload."""

import re

import pytest
from django.contrib.messages import get_messages

from accounts.tests.auth import login_verified
from loans.models import LoanApplication, WatchlistImport

from .factories import staff_member, submit, write_targets_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(income=300000, debt=0, loan_amount=600000)  # high value
    application.refresh_from_db()
    assert application.status == "REVIEW"
    return application


def page(client, application):
    return client.get(f"/admin/loans/loanapplication/{application.pk}/change/")


def test_review_queue_lists_applications_in_review_first(client, in_review):
    decided = submit(email="other@example.com")
    LoanApplication.objects.filter(pk=decided.pk).update(status="APPROVED")
    login_verified(client, staff_member())

    html = client.get("/admin/loans/loanapplication/").content.decode()

    assert html.index(in_review.application_id) < html.index(decided.application_id)


def test_page_shows_the_buttons_in_a_form_outside_the_admin_form(client, in_review):
    login_verified(client, staff_member())
    html = page(client, in_review).content.decode()

    assert 'value="approve"' in html and 'value="reject"' in html and 'value="reprocess"' in html
    review_form = html.index('<form id="loan-review-form"')
    admin_form_end = html.rindex("</form>", 0, review_form)
    assert html.index('id="loanapplication_form"') < admin_form_end < review_form
    assert "Screening evidence" in html
    assert "Audit trail (most recent first)" in html


def test_maker_checker_through_the_admin(client, in_review, django_capture_on_commit_callbacks):
    maker, checker = staff_member(), staff_member()
    url = f"/admin/loans/loanapplication/{in_review.pk}/review/"

    login_verified(client, maker)
    client.post(url, {"action": "approve", "reason": "Income verified"})
    response = client.post(url, {"action": "approve"}, follow=True)
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert "You gave the first approval; a different loan officer must give the second." in texts
    assert "First approval by" in response.content.decode()

    login_verified(client, checker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "approve"}, follow=True)
    in_review.refresh_from_db()
    assert in_review.status == "APPROVED"
    assert (in_review.first_approved_by, in_review.decided_by) == (maker, checker)
    assert "no action applies" in response.content.decode()


def test_reject_without_a_reason_is_refused_with_a_message(client, in_review):
    login_verified(client, staff_member())
    url = f"/admin/loans/loanapplication/{in_review.pk}/review/"

    response = client.post(url, {"action": "reject", "reason": ""}, follow=True)
    assert "Give a reason for the rejection." in response.content.decode()
    client.post(url, {"action": "reject", "reason": "Income not proven"})
    in_review.refresh_from_db()
    assert in_review.final_remarks == "Rejected by staff: Income not proven"


def test_compliance_officer_sees_no_buttons_and_cannot_decide(client, in_review):
    login_verified(client, staff_member(group="Compliance officers"))
    html = page(client, in_review).content.decode()
    assert "Only loan officers decide loan applications." in html
    assert 'value="approve"' not in html

    client.post(f"/admin/loans/loanapplication/{in_review.pk}/review/", {"action": "approve"})
    in_review.refresh_from_db()
    assert in_review.status == "REVIEW"


def test_compliance_officer_uploads_a_watchlist(client, tmp_path):
    path = write_targets_csv(
        tmp_path / "targets.simple.csv",
        [{"id": "a", "schema": "Person", "name": "Arvind Kumar Mehta", "countries": "in"}],
    )
    officer = staff_member(group="Compliance officers")
    login_verified(client, officer)

    with path.open("rb") as fh:
        response = client.post(
            "/admin/loans/watchlistimport/add/",
            {"file": fh, "kind": "PEP", "name": "PEPs India", "version": "2026-11", "source": ""},
            follow=True,
        )

    watchlist = WatchlistImport.objects.get()
    assert (watchlist.name, watchlist.kind, watchlist.row_count) == ("PEPs India", "PEP", 1)
    assert watchlist.imported_by == officer
    assert watchlist.source == "targets.simple.csv"
    assert "Imported 1 people" in response.content.decode()


def test_upload_errors_show_on_the_form_and_loan_officers_may_not_upload(client, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("who,where\nx,y\n")
    login_verified(client, staff_member(group="Compliance officers"))
    with bad.open("rb") as fh:
        response = client.post(
            "/admin/loans/watchlistimport/add/",
            {"file": fh, "kind": "SANCTIONS", "name": "X", "version": "1"},
        )
    assert re.search(r"columns id, name missing", response.content.decode())

    login_verified(client, staff_member())
    assert client.get("/admin/loans/watchlistimport/add/").status_code == 403


def test_application_page_shows_the_kyc_remark_for_staff(
    client, django_capture_on_commit_callbacks
):
    """Issue 14: seed 001's +1234567890 passes KYC (10 digits); that it is no valid +1 number
    is shown to staff on the application page."""
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(phone="+1234567890")
    application.refresh_from_db()
    assert application.final_status == "APPROVED"
    login_verified(client, staff_member(group="Compliance officers"))

    html = page(client, application).content.decode()

    assert "KYC remarks for staff" in html
    assert (
        "Phone number &#x27;+1234567890&#x27; is not a valid number of the +1 (US) numbering plan"
        in html
    )
