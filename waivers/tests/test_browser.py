"""A loan waiver from the customer's request to the staff's approval in the console, in a real
browser (Debian chromium, Playwright).

Celery runs eagerly (root conftest), so the certificate's verification (Tesseract on the
uploaded scan) runs in the live server thread right after the form commits. Set SCREENSHOTS_DIR
to save full-page PNGs of the key pages.
"""

import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect, sync_playwright

from accounts.models import LedgerEntry, OtpDevice
from accounts.tests.auth import last_email_code
from accounts.tests.factories import TEST_PASSWORD, CustomerProfileFactory, UserFactory
from loans.loan_accounts import loan_outstanding
from waivers.models import WaiverRequest
from waivers.tests import certificates
from waivers.tests.factories import approved_loan, ensure_seed, waiver_officer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip


@pytest.fixture(scope="module")
def _allow_orm_beside_event_loop() -> Iterator[None]:
    """Playwright's sync API keeps an asyncio loop on this thread, so Django would refuse ORM
    calls (SynchronousOnlyOperation); the ORM calls here are plain synchronous ones.

    Module-scoped so the flag outlives every test's database teardown.
    """
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(_allow_orm_beside_event_loop: None) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_page(browser: Browser) -> Page:
    """A page in a fresh context (its own cookies: one per person)."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, locale="en-IN", timezone_id="Asia/Kolkata"
    )
    context.set_default_timeout(20_000)
    return context.new_page()


def screenshot(page: Page, name: str) -> None:
    """Save a full-page PNG as ``$SCREENSHOTS_DIR/<name>.png`` when that variable is set."""
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def customer_logs_in(page: Page, live_server, email: str, *, next_path: str) -> None:
    """Password, then the emailed one-time code, on the customer pages."""
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.fill("#id_username", email)
    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/accounts/otp/**")
    page.get_by_label("Email").check()
    page.get_by_role("button", name="Send me a code").click()
    page.fill("#id_otp", last_email_code(email))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{next_path}")


def staff_logs_in(page: Page, live_server, staff) -> None:
    """The staff console's login: password, then an OTP challenge by email."""
    device = OtpDevice.objects.create(user=staff, channel="EMAIL", name="email")
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", staff.email)
    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()  # the password alone is not enough
    page.fill("#id_password", TEST_PASSWORD)
    page.select_option("#id_otp_device", device.persistent_id)
    page.get_by_role("button", name="Get OTP Challenge").click()
    expect(page.locator("#content")).to_contain_text("We sent a code to")
    page.fill("#id_password", TEST_PASSWORD)
    page.fill("#id_otp_token", last_email_code(staff.email))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


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
    page = new_page(browser)
    customer_logs_in(page, live_server, farmer.email, next_path="/waivers/")
    page.get_by_role("link", name="Ask for a waiver").click()
    page.wait_for_url("**/waivers/new/")
    expect(page.locator("#id_loan")).to_contain_text("₹2,78,256.23 owed")
    page.select_option("#id_loan", loan.application_id)
    page.select_option("#id_waiver_type", "interest")
    page.select_option("#id_certificate_type", "agri-debt-relief")
    page.fill("#id_certificate_number", "MH/2024/004517")
    page.fill("#id_percent", "10")
    page.set_input_files("#id_document", scan_file)
    screenshot(page, "waiver-request")
    page.get_by_role("button", name="Send the request").click()

    # Then his request page shows the certificate number found on the scan: verified
    page.wait_for_url("**/waivers/*/")
    expect(page.locator("#waiver-status")).to_have_text("Verified", timeout=60_000)
    expect(page.locator("#waiver-checks")).to_contain_text("NUMBER_MATCH")
    expect(page.locator("#waiver-progress")).to_contain_text("Our loans team will decide")
    waiver = WaiverRequest.objects.get(customer=farmer)
    assert waiver.amount == Decimal("27825.62")
    screenshot(page, "waiver-verified")

    # When the officer opens it in the staff console
    console = new_page(browser)
    staff_logs_in(console, live_server, officer)
    console.get_by_role("link", name="Waiver requests").click()
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
