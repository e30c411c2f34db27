"""The login steps a customer and a member of staff take in the browser tests: the one login,
password then an emailed one-time code (accounts' login and OTP pages). The browser itself and the
screenshots are :mod:`smartbank.tests.browser`'s.
"""

from playwright.sync_api import Page, expect

from smartbank.tests.auth import last_email_code
from smartbank.tests.factories import TEST_PASSWORD


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
    """The staff console through the one login: /admin/ sends to the login page, the password
    alone leads to the code page (not the console), an emailed code opens the console. No
    device needs enrolling first: the EMAIL device is made on demand."""
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_url("**/accounts/login/**")
    page.fill("#id_username", staff.email)
    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/accounts/otp/**")  # the password alone is not enough
    expect(page.locator(".errorlist")).to_have_count(0)
    page.get_by_label("Email").check()
    page.get_by_role("button", name="Send me a code").click()
    expect(page.locator(".messages")).to_contain_text("We sent a code to")
    page.fill("#id_otp", last_email_code(staff.email))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def confirm_with_code(page: Page, email: str) -> None:
    """The "Confirm it's you" step of a critical action's form by one-time code (issue 14):
    ask for a code by email (in the background) and type it; the form is then sent."""
    step_up = page.locator("#step-up")
    step_up.get_by_role("button", name="Send me a code").click()
    expect(page.locator("#step-up-sent")).to_contain_text("We sent a code to")
    page.fill("#id_step_up_code", last_email_code(email))
