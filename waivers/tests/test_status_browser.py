"""The waiver pages on a phone (390×844) in a real browser (Debian chromium, Playwright),
issue 12: the list, the form and a request's page fit the screen and speak plain words, and
the request's page follows the certificate check and the loans team's decision in place.

The customer's session is made with Django's test client and handed to the browser as its
cookie (the login pages are accounts', walked by ``waivers/tests/test_browser.py``). The
verification task is run by the test, as a worker would, while the page is open.
"""

from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.auth import login_verified
from accounts.tests.factories import CustomerProfileFactory, UserFactory
from smartbank.tests.browser import PHONE, assert_customer_page, new_page, screenshot
from waivers.models import WaiverRequest
from waivers.services import waiver_request_approve
from waivers.tasks import waiver_request_verify_task
from waivers.tests.factories import (
    agri_scan,
    approved_loan,
    ensure_seed,
    waiver_in_review,
    waiver_officer,
)

WAITING = "Certificate checked – waiting for the loans team's decision"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_waiver_pages_on_a_phone_follow_the_request_to_its_approval(live_server, browser):
    # Given a farmer with an approved loan and a waiver request just sent
    ensure_seed()
    now = timezone.now()
    farmer = UserFactory(email="ramesh@example.com", full_name="Ramesh Patil")
    CustomerProfileFactory(user=farmer, email_verified_at=now, phone_verified_at=now)
    loan = approved_loan(customer=farmer)
    waiver = waiver_in_review(
        customer=farmer,
        loan=loan,
        amount=Decimal("20000.00"),
        status=WaiverRequest.Status.PENDING,
        document=agri_scan(),
    )
    client = Client()
    login_verified(client, farmer)
    page = new_page(browser, width=PHONE["width"], timeout_ms=20_000)
    page.set_viewport_size(PHONE)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )

    # When he opens his requests and the form on his phone: they fit and read plainly
    page.goto(f"{live_server.url}/waivers/")
    expect(page.locator("#waiver-requests")).to_contain_text("Checking your certificate")
    assert_customer_page(page)
    screenshot(page, "waiver-list-phone")
    page.goto(f"{live_server.url}/waivers/new/")
    expect(page.locator("#certificate-types")).to_be_visible()
    assert_customer_page(page)
    screenshot(page, "waiver-request-phone")

    # When he opens the request while its certificate is being checked
    page.goto(f"{live_server.url}/waivers/{waiver.pk}/")
    expect(page.locator("#waiver-status")).to_have_text("Checking your certificate")
    assert_customer_page(page)
    screenshot(page, "waiver-checking-phone")
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads
    waiver_request_verify_task.apply(args=[str(waiver.pk)])

    # Then the page says the certificate passed, which is not yet a decision
    expect(page.locator("#waiver-status")).to_have_text(WAITING, timeout=30_000)
    expect(page.locator("#waiver-progress")).to_contain_text("This does not grant the waiver yet")
    assert_customer_page(page)
    screenshot(page, "waiver-waiting-phone")

    # When the loans team approves it, the open page shows the approval and what is owed now
    waiver_request_approve(waiver_request_id=waiver.pk, actor=waiver_officer())
    expect(page.locator("#waiver-status")).to_have_text("Approved", timeout=30_000)
    expect(page.locator("#waiver-outstanding")).to_have_text("₹2,58,256.23")
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded"
    assert_customer_page(page)
    screenshot(page, "waiver-approved-phone")
    page.context.close()
