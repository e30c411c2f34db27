"""A loan waiver from the customer's request to the staff's approval in the console, in a real
browser (Debian chromium, Playwright).

Celery runs eagerly (root conftest), so the certificate's verification (Tesseract on the
uploaded scan) runs in the live server thread right after the form commits. Set SCREENSHOTS_DIR
to save full-page PNGs of the key pages.
"""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import LedgerEntry
from accounts.tests.browser import confirm_with_code, customer_logs_in, staff_logs_in
from accounts.tests.factories import CustomerProfileFactory, UserFactory
from loans.loan_accounts import loan_outstanding
from smartbank.tests.browser import assert_customer_page, new_page, screenshot
from waivers.models import WaiverRequest
from waivers.tests import certificates
from waivers.tests.factories import approved_loan, ensure_seed, waiver_officer


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_customer_asks_for_a_waiver_and_an_officer_approves_it_in_the_console(
    live_server, browser, tmp_path
):
    # Given a farmer with an approved loan of INR 2,50,000 over 24 months (INR 2,78,256.23 to
    # repay) and a stamped debt relief certificate photographed at an angle
    ensure_seed()
    now = timezone.now()
    farmer = UserFactory(email="ramesh@example.com", full_name="Ramesh Patil")
    CustomerProfileFactory(user=farmer, email_verified_at=now, phone_verified_at=now)
    loan = approved_loan(customer=farmer)
    officer = waiver_officer(email="officer@smartbank.test", full_name="Omkar Officer")
    scan = certificates.degrade(
        certificates.noisy(
            certificates.stamp(certificates.render_agri_relief(), center=(950, 1300))
        )
    )
    scan_file = tmp_path / "relief-certificate.jpg"
    scan_file.write_bytes(certificates.to_bytes(scan))

    # When he logs in and asks for an interest waiver of 10 % of what he owes
    page = new_page(browser, width=1400, timeout_ms=20_000)
    customer_logs_in(page, live_server, farmer.email, next_path="/waivers/")
    page.get_by_role("link", name="Ask for a waiver").click()
    page.wait_for_url("**/waivers/new/")
    expect(page.locator("#id_loan")).to_contain_text("₹2,78,256.23 owed")
    assert_customer_page(page)  # at desktop width; the phone walk is test_status_browser.py
    page.select_option("#id_loan", loan.application_id)
    page.select_option("#id_waiver_type", "interest")
    page.select_option("#id_certificate_type", "agri-debt-relief")
    page.fill("#id_certificate_number", "MH/2024/004517")
    page.fill("#id_percent", "10")
    page.set_input_files("#id_document", scan_file)
    confirm_with_code(page, farmer.email)  # no face on file: a one-time code (issue 14)
    screenshot(page, "waiver-request")
    page.get_by_role("button", name="Send the request").click()

    # Then his request page shows the certificate number found on the scan: verified
    page.wait_for_url("**/waivers/*/")
    expect(page.locator("#waiver-status")).to_have_text(
        "Certificate checked – waiting for the loans team's decision", timeout=60_000
    )
    expect(page.locator("#waiver-checks")).to_contain_text("Certificate number on the scan")
    expect(page.locator("#waiver-progress")).to_contain_text("our loans team decides")
    waiver = WaiverRequest.objects.get(customer=farmer)
    assert waiver.amount == Decimal("27825.62")
    assert_customer_page(page)
    screenshot(page, "waiver-verified")

    # When the officer opens it in the staff console
    console = new_page(browser, width=1400, timeout_ms=20_000)
    staff_logs_in(console, live_server, officer)
    console.get_by_role("link", name="Waiver requests", exact=True).click()
    row = console.locator("#result_list tbody tr", has_text=farmer.email)
    expect(row).to_contain_text("Verified")
    row.locator("th a").click()
    console.wait_for_url(f"**/admin/waivers/waiverrequest/{waiver.pk}/change/")

    # Then the scan, the OCR text and the number found are side by side
    image = console.get_by_alt_text("Certificate scan")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    expect(console.locator("#waiver-ocr-text")).to_contain_text("DEBT RELIEF CERTIFICATE")
    expect(console.locator("#waiver-candidates tr.match")).to_contain_text("MH/2024/004517")
    screenshot(console, "admin-waiver")

    # When the officer approves
    console.get_by_role("button", name="Approve the waiver").click()
    expect(console.locator(".messagelist .success")).to_have_text(
        f"Waiver approved: ₹27,825.62 taken off loan {loan.application_id}; "
        "₹2,50,430.61 still owed."
    )

    # Then the customer sees the waiver approved and what he owes now
    page.reload()
    expect(page.locator("#waiver-status")).to_have_text("Approved")
    expect(page.locator("#waiver-outstanding")).to_have_text("₹2,50,430.61")
    screenshot(page, "waiver-approved")
    assert loan_outstanding(application=loan) == Decimal("250430.61")
    assert LedgerEntry.objects.filter(reference=f"WAIVER-{waiver.pk}").count() == 1
