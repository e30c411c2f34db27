"""The staff console in a real browser (Debian chromium, Playwright), issue 12: at desktop size a
KYC case in review and a loan awaiting a decision show their decision buttons without
scrolling, the work queues on the index link to the cases, the KYC case's documents sit beside
its fields, and the waiver evidence table shows its last column ("Off by") whole.

Set SCREENSHOTS_DIR to save full-page PNGs (``staff-<page>.png``).
"""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import Page, expect

from accounts.tests.browser import staff_logs_in
from kyc.models import KycDocument
from kyc.tests.factories import KycCaseFactory
from loans.models import LoanApplication
from smartbank.tests import cards
from smartbank.tests.browser import new_page, screenshot
from smartbank.tests.factories import UserFactory
from waivers.tests.factories import approved_loan, borrower, waiver_in_review

VIEWPORT = {"width": 1280, "height": 800}


def in_first_viewport(page: Page, selector: str) -> None:
    """``selector`` is visible and wholly inside the viewport at the top of the page."""
    page.evaluate("window.scrollTo(0, 0)")
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    assert box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"], (selector, box)
    assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORT["width"], (selector, box)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_reach_the_decision_buttons_without_scrolling(live_server, browser):
    # Given a KYC case in review with its two images, a loan awaiting a decision and a
    # verified waiver
    staff = UserFactory(
        email="officer@smartbank.test", full_name="Olga Officer", is_staff=True, is_superuser=True
    )
    case = KycCaseFactory(user=UserFactory(full_name="Asha Verma"))
    png = cards.to_bytes(cards.face_photo("astronaut"), "PNG")
    for kind in (KycDocument.Kind.ID_DOCUMENT, KycDocument.Kind.SELFIE):
        KycDocument.objects.create(
            case=case,
            kind=kind,
            file=ContentFile(png, name=f"{kind.lower()}.png"),
            content_type="image/png",
            size_bytes=len(png),
            sha256="0" * 64,
        )
    customer = borrower(email="ramesh@example.com")
    loan = approved_loan(customer=customer, status=LoanApplication.Status.REVIEW)
    waiver = waiver_in_review(
        customer=customer, loan=approved_loan(customer=customer), amount=Decimal("1000.00")
    )

    # When an officer logs in, the index shows the work queues
    page = new_page(browser, **VIEWPORT)
    staff_logs_in(page, live_server, staff)
    queues = page.locator("#staff-queues")
    expect(queues.locator('[data-queue="kyc"] .staff-queue-count')).to_have_text("1")
    expect(queues.locator('[data-queue="loans"] .staff-queue-count')).to_have_text("1")
    expect(queues.locator('[data-queue="waivers"] .staff-queue-count')).to_have_text("1")
    screenshot(page, "staff-index")

    # The KYC queue leads to the case, whose buttons are in the first screen
    queues.get_by_role("link", name="KYC cases in manual review").click()
    page.wait_for_url("**/admin/kyc/kyccase/?status__exact=MANUAL_REVIEW")
    page.locator("#result_list tbody tr th a").first.click()
    page.wait_for_url(f"**/admin/kyc/kyccase/{case.pk}/change/**")
    for name in ("Approve (VERIFIED)", "Reject", "Request resubmission"):
        expect(page.get_by_role("button", name=name, exact=True)).to_be_visible()
    in_first_viewport(page, "#kyc-review .submit-row")
    # and the documents sit beside the fields (to their right, side by side)
    fields = page.locator(".kyc-case-fields").bounding_box()
    images = page.locator(".kyc-case-images").bounding_box()
    assert images["x"] >= fields["x"] + fields["width"] - 1
    assert images["y"] < fields["y"] + fields["height"]
    expect(page.locator(".kyc-case-images img")).to_have_count(2)
    page.wait_for_function(
        "[...document.querySelectorAll('.kyc-case-images img')]"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    screenshot(page, "staff-kyc-case")

    # The loan awaiting a decision: the buttons in the first screen too
    page.goto(f"{live_server.url}/admin/loans/loanapplication/{loan.pk}/change/")
    for name in ("Approve", "Reject", "Reprocess"):
        expect(page.get_by_role("button", name=name, exact=True)).to_be_visible()
    in_first_viewport(page, "#loan-review .submit-row")
    screenshot(page, "staff-loan")

    # The waiver: buttons on top, and the evidence table's "Off by" column not clipped
    page.goto(f"{live_server.url}/admin/waivers/waiverrequest/{waiver.pk}/change/")
    in_first_viewport(page, "#waiver-review .submit-row")
    off_by = page.locator("#waiver-candidates th", has_text="Off by")
    off_by.scroll_into_view_if_needed()
    header = off_by.bounding_box()
    card = page.locator(".waiver-evidence").bounding_box()
    fieldset = page.locator("fieldset.module", has=page.locator(".waiver-evidence"))
    outer = fieldset.bounding_box()
    assert header["x"] + header["width"] <= card["x"] + card["width"] + 1, (header, card)
    assert card["x"] + card["width"] <= outer["x"] + outer["width"] + 1, (card, outer)
    assert header["x"] + header["width"] <= VIEWPORT["width"]
    screenshot(page, "staff-waiver")
