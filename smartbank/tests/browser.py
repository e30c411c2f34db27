"""Shared pieces of the browser tests: Debian's chromium driven by Playwright, and the login
steps a customer and a member of staff take (password, then an emailed one-time code).

The ``browser`` fixture lives in the root conftest.py. Never ``playwright install``: the tests
use ``/usr/bin/chromium`` from apt.
"""

import os
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from accounts.models import OtpDevice
from accounts.tests.auth import last_email_code
from accounts.tests.factories import TEST_PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip


def new_page(browser: Browser, *, width: int = 1280, timeout_ms: int = 15_000) -> Page:
    """A page in a fresh context (its own cookies: one per person), Indian locale and time."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, locale="en-IN", timezone_id="Asia/Kolkata"
    )
    context.set_default_timeout(timeout_ms)
    return context.new_page()


def screenshot(page: Page, name: str, *, settle_ms: int = 0) -> None:
    """Save a full-page PNG as ``$SCREENSHOTS_DIR/<name>.png`` when that variable is set
    (``make`` never sets it; README screenshots are taken this way). ``settle_ms`` lets
    animations (Chart.js) finish first."""
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        if settle_ms:
            page.wait_for_timeout(settle_ms)
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def customer_logs_in(page: Page, live_server, email: str, *, next_path: str) -> None:  # noqa: ANN001
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


def staff_logs_in(page: Page, live_server, staff) -> None:  # noqa: ANN001
    """The staff console's login (django-otp's admin site): the password alone is refused,
    then an OTP challenge by email is answered."""
    device, _ = OtpDevice.objects.get_or_create(
        user=staff, channel="EMAIL", defaults={"name": "email"}
    )
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
    page.wait_for_url("**/admin/**")
