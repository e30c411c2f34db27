"""Issue 12's journeys of the one login in a real browser (Debian chromium, Playwright), at
desktop width and at the phone viewport (390×844): the landing page to registration and the
contact codes, a member of staff created in the console logging in through the one login, and
the password reset by email.

Every customer page is checked with :func:`smartbank.tests.browser.assert_customer_page` (no
sideways scroll, no internal codes). Celery runs eagerly (root conftest), so codes and the reset
email are in the locmem outboxes at once. Set SCREENSHOTS_DIR to save the screenshots.
"""

import datetime
import re
from collections.abc import Iterator

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accounts.models import OtpDevice, User
from accounts.tests.auth import last_email_code, last_sms_code
from accounts.tests.browser import staff_logs_in
from accounts.tests.factories import TEST_PASSWORD, CustomerProfileFactory
from smartbank.tests.browser import PHONE, assert_customer_page, new_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOB = datetime.date(1990, 8, 5)
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": PHONE}


def _page(browser: Browser, viewport: str) -> Page:
    page = new_page(browser, **VIEWPORTS[viewport], timeout_ms=10_000)
    page.viewport_name = viewport
    return page


@pytest.fixture(params=list(VIEWPORTS))
def page(request, browser: Browser) -> Iterator[Page]:
    """The page at each viewport in turn: the onboarding journey is walked at both."""
    page = _page(browser, request.param)
    yield page
    page.context.close()


@pytest.fixture
def desktop_page(browser: Browser) -> Iterator[Page]:
    page = _page(browser, "desktop")
    yield page
    page.context.close()


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    page = _page(browser, "phone")
    yield page
    page.context.close()


def shot(page: Page, name: str) -> None:
    screenshot(page, name if page.viewport_name == "desktop" else f"{name}-phone")


def current_step(page: Page):  # noqa: ANN201
    return page.locator('ol.stepper li[aria-current="step"]')


def test_a_visitor_goes_from_the_landing_page_to_registration_and_the_contact_codes(
    live_server, page
):
    # Given a visitor on the landing page
    page.goto(f"{live_server.url}/")
    expect(page.locator("h1")).to_have_text("SmartBank: open your account online")
    expect(page.locator("main")).to_contain_text("ID card and a selfie")
    assert_customer_page(page)
    shot(page, "onboarding-landing")

    # When she opens an account, the registration form shows step one of four
    page.locator("main").get_by_role("link", name="Open an account").click()
    page.wait_for_url("**/accounts/register/")
    expect(current_step(page)).to_have_text("Your details")
    expect(page.locator("main")).to_contain_text("Step 1 of 4")
    assert_customer_page(page)
    page.fill("#id_full_name", "Kalpana Chawla")
    page.fill("#id_email", "kalpana@example.com")
    page.fill("#id_phone", "98765 43210")
    page.fill("#id_date_of_birth", DOB.isoformat())
    page.fill("#id_password1", "Columbia-Karnal-1962")
    page.fill("#id_password2", "Columbia-Karnal-1962")
    shot(page, "onboarding-register")
    page.get_by_role("button", name="Register").click()

    # Then the contact page is step two and says the identity check waits for both codes
    page.wait_for_url("**/accounts/verify/**")
    expect(current_step(page)).to_have_text("Email and phone")
    expect(page.locator("main")).to_contain_text(
        "the identity check opens once your email and phone are confirmed"
    )
    assert_customer_page(page)
    shot(page, "onboarding-contacts")
    page.fill("#id_email-otp", last_email_code("kalpana@example.com"))
    page.get_by_role("button", name="Confirm email").click()
    expect(page.locator("#verify-email")).to_contain_text("Verified")
    assert_customer_page(page)
    page.fill("#id_sms-otp", last_sms_code("+919876543210"))
    page.get_by_role("button", name="Confirm phone").click()

    # and both confirmed lead to the identity check
    page.wait_for_url("**/kyc/submit/")
    assert_customer_page(page)
    shot(page, "onboarding-identity")


def test_staff_created_in_the_console_log_in_through_the_one_login(
    live_server, desktop_page, reviewer
):
    page = desktop_page
    # Given a superuser in the console adds a member of staff (no device enrolled)
    staff_logs_in(page, live_server, reviewer)
    page.goto(f"{live_server.url}/admin/accounts/user/add/")
    page.fill("#id_email", "omar@smartbank.test")
    page.fill("#id_full_name", "Omar Officer")
    page.fill("#id_password1", TEST_PASSWORD)
    page.fill("#id_password2", TEST_PASSWORD)
    page.locator('input[name="_save"]').click()
    page.wait_for_url("**/change/")
    page.check("#id_is_staff")
    page.locator('input[name="_save"]').click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    officer = User.objects.get(email="omar@smartbank.test")
    assert officer.is_staff and not OtpDevice.objects.filter(user=officer).exists()

    # When the superuser logs out, a confirmation page says so
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/logged-out/")
    expect(page.locator("h1")).to_have_text("You have logged out")
    assert_customer_page(page)
    shot(page, "staff-logged-out")

    # Then the new officer logs in at once: password, then a code by email, into the console
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_url("**/accounts/login/**")
    shot(page, "staff-login")
    page.fill("#id_username", officer.email)
    page.fill("#id_password", TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/accounts/otp/**")
    expect(page.locator(".errorlist")).to_have_count(0)  # no red error on the first code page
    assert TEST_PASSWORD not in page.content()  # the password is never echoed back
    page.get_by_label("Email").check()
    page.get_by_role("button", name="Send me a code").click()
    shot(page, "staff-code")
    page.fill("#id_otp", last_email_code(officer.email))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r".*/admin/$"))
    expect(page.locator("#site-name")).to_contain_text("SmartBank staff console")
    shot(page, "staff-console")


def test_a_customer_resets_the_password_by_email_and_logs_in_with_a_code(live_server, phone_page):
    page = phone_page
    now = timezone.now()
    user = CustomerProfileFactory(email_verified_at=now, phone_verified_at=now).user

    # Given the login page, the customer asks for a reset link
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.wait_for_url("**/accounts/password-reset/")
    assert_customer_page(page)
    page.fill("#id_email", user.email)
    shot(page, "password-reset-ask")
    page.get_by_role("button", name="Send me the link").click()
    page.wait_for_url("**/accounts/password-reset/sent/")
    expect(page.locator("h1")).to_have_text("Check your email")
    assert_customer_page(page)

    # When she opens the emailed link and chooses a new password
    (message,) = [m for m in mail.outbox if "password" in m.subject.lower()]
    link = re.search(r"https?://\S+/accounts/password-reset/\S+/", message.body).group(0)
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Choose a new password")
    assert_customer_page(page)
    page.fill("#id_new_password1", "Sea-Of-Tranquility-1969")
    page.fill("#id_new_password2", "Sea-Of-Tranquility-1969")
    shot(page, "password-reset-choose")
    page.get_by_role("button", name="Save the new password").click()
    page.wait_for_url("**/accounts/password-reset/done/")
    expect(page.locator("h1")).to_have_text("Your password is changed")
    assert_customer_page(page)

    # Then the new password and a code log her in (the reset itself logged nobody in)
    page.locator("main").get_by_role("link", name="Log in").click()
    page.fill("#id_username", user.email)
    page.fill("#id_password", "Sea-Of-Tranquility-1969")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/accounts/otp/**")
    assert_customer_page(page)
    page.get_by_label("Email").check()
    page.get_by_role("button", name="Send me a code").click()
    page.fill("#id_otp", last_email_code(user.email))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/kyc/**")
    assert_customer_page(page)
    shot(page, "password-reset-logged-in")
