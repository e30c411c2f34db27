"""Issue 12 on the customer's waiver pages: states that read plainly, the live status fragment,
and tables that fit a phone (Django's test client; in a browser at 390 px:
``waivers/tests/test_status_browser.py``)."""

import re
from decimal import Decimal

import pytest

from accounts.tests.auth import login_verified
from smartbank.tests.wording import visible_text
from waivers.models import WaiverRequest
from waivers.services import waiver_request_approve
from waivers.tests.factories import approved_loan, borrower, waiver_in_review, waiver_officer

pytestmark = pytest.mark.django_db
Status = WaiverRequest.Status


@pytest.fixture
def farmer():
    return borrower(email="ramesh@example.com")


@pytest.fixture
def loan(farmer):
    return approved_loan(customer=farmer)


def stages(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<li class="stage-(\w+)"[^>]*><span>([^<]+)</span>', html)


def test_a_checked_certificate_reads_as_waiting_for_the_decision_not_as_approved(
    client, farmer, loan
):
    waiver = waiver_in_review(customer=farmer, loan=loan, amount=Decimal("5000.00"))
    login_verified(client, farmer)

    page = client.get(f"/waivers/{waiver.pk}/").content.decode()
    listing = client.get("/waivers/").content.decode()

    badge = "Certificate checked – waiting for the loans team&#x27;s decision"
    assert f'id="waiver-status">{badge}<' in page
    assert f'<span class="waiver-state">{badge}</span>' in listing
    assert "Verified" not in visible_text(page) + visible_text(listing)
    assert "This does not grant the waiver yet" in page
    assert stages(page) == [
        ("done", "Request received"),
        ("done", "Certificate checked"),
        ("current", "Loans team&#x27;s decision"),
    ]
    assert 'data-final="false"' in page


def test_the_fragment_is_final_once_approved_and_only_for_the_owner(client, farmer, loan):
    waiver = waiver_in_review(customer=farmer, loan=loan, amount=Decimal("25000.00"))
    waiver_request_approve(waiver_request_id=waiver.pk, actor=waiver_officer())
    url = f"/waivers/{waiver.pk}/status/"

    login_verified(client, farmer)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert 'data-final="true"' in html and "<html" not in html
    assert 'You now owe <strong id="waiver-outstanding">₹2,53,256.23</strong>' in html
    assert [state for state, _ in stages(html)] == ["done", "done", "done"]

    login_verified(client, borrower())
    assert client.get(url).status_code == 404


def test_a_pending_waiver_shows_the_check_under_way(client, farmer, loan):
    waiver = waiver_in_review(
        customer=farmer, loan=loan, amount=Decimal("5000.00"), status=Status.PROCESSING
    )
    login_verified(client, farmer)
    html = client.get(f"/waivers/{waiver.pk}/status/").content.decode()
    assert 'id="waiver-status">Checking your certificate<' in html
    assert stages(html)[1] == ("current", "Certificate checked")
    assert "Reading it now" in html


def test_a_waiver_with_a_first_approval_says_a_second_must_confirm(client, farmer, loan):
    waiver = waiver_in_review(customer=farmer, loan=loan, amount=Decimal("5000.00"))
    WaiverRequest.objects.filter(pk=waiver.pk).update(first_approved_by=waiver_officer())
    login_verified(client, farmer)
    html = client.get(f"/waivers/{waiver.pk}/").content.decode()
    assert "One member of our loans team has approved it; a second must confirm." in html
    assert 'data-final="false"' in html


def test_the_tables_scroll_inside_their_card_and_stack_on_phones(client, farmer, loan):
    waiver_in_review(customer=farmer, loan=loan, amount=Decimal("5000.00"))
    login_verified(client, farmer)
    for url, table in (("/waivers/", "waiver-requests"), ("/waivers/new/", "certificate-types")):
        page = client.get(url).content.decode()
        assert f'<div class="table-scroll">\n<table id="{table}" class="stack">' in page
        cells = re.findall(r"<td( data-label=\"[^\"]+\")?", page.split(f'id="{table}"')[1])
        assert cells and all(cells), url  # every cell labelled for the stacked rows
