"""The KYC journey in a real browser (Debian chromium, Playwright), at desktop width and at
390×844 (issue 12): the form after an error, then the status page updating in place, stage by
stage, to the decision and the next step, with no horizontal scroll and no internal term on
any page.

The customer's session is made with Django's test client (password and second factor passed,
:func:`smartbank.tests.auth.login_verified`) and handed to the browser as its cookie: the
login pages are accounts' (``accounts/tests/test_browser.py`` walks them). Celery does not run
eagerly here: the form's task waits in the broker while the page shows "Checking", then the
test runs the verification task in its own thread, as a worker would, and the open page must
follow without a reload.
"""

import datetime
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, Page, expect

from kyc.models import KycCase
from kyc.tasks import kyc_case_verify_task
from smartbank.celery import app
from smartbank.tests import cards
from smartbank.tests.auth import login_verified
from smartbank.tests.browser import PHONE, assert_customer_page, new_page, screenshot
from smartbank.tests.factories import UserFactory

DECISION_TIMEOUT_MS = 60_000


def browser_logged_in(page: Page, live_server, user) -> None:  # noqa: ANN001
    """Give ``page``'s browser the session of ``user`` past both login steps."""
    client = Client()
    login_verified(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


@pytest.fixture
def not_eager() -> Iterator[None]:
    """Tasks go to the broker (CELERY_BROKER_URL's Redis) instead of running in the web
    request; the queue is emptied afterwards (the root conftest restores eager mode)."""
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs CELERY_BROKER_URL=redis://... (make test sets it)")
    app.conf.task_always_eager = False
    yield
    app.control.purge()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_kyc_submit_then_the_status_updates_in_place_to_the_next_step(
    live_server, browser: Browser, tmp_path, not_eager, viewport
):
    # Given Neil, logged in, with his Aadhaar card and a selfie
    suffix = "-phone" if viewport == "phone" else ""
    neil = UserFactory(full_name="Neil Armstrong", email=f"neil{suffix}@example.com")
    card = tmp_path / "aadhaar.png"
    card.write_bytes(
        cards.to_bytes(
            cards.render_aadhaar(
                name="Neil Armstrong",
                dob=datetime.date(1990, 8, 5),
                gender="Male",
                number=cards.VALID_AADHAAR,
                photo=cards.face_photo("astronaut"),
            ),
            "PNG",
        )
    )
    selfie = tmp_path / "selfie.jpg"
    selfie.write_bytes(cards.to_bytes(cards.selfie_of("astronaut")))
    page = new_page(browser, width=1280 if viewport == "desktop" else PHONE["width"])
    if viewport == "phone":
        page.set_viewport_size(PHONE)
    browser_logged_in(page, live_server, neil)

    # When he opens the form: the stepper shows the identity step
    page.goto(f"{live_server.url}/kyc/submit/")
    expect(page.locator("ol.stepper li.current")).to_have_text("Identity check")
    assert_customer_page(page)
    screenshot(page, f"kyc-submit{suffix}")

    # When he sends a malformed number: every answer is kept, and each file input says that
    # it must be chosen again, the good selfie too
    page.get_by_label("Aadhaar").check()
    page.fill("#id_id_number", "12345")
    page.fill("#id_date_of_birth", "1990-08-05")
    page.set_input_files("#id_id_document", card)
    page.set_input_files("#id_selfie", selfie)
    page.get_by_role("button", name="Submit for verification").click()
    expect(page.locator("#id_selfie_again")).to_contain_text(
        "Please choose your selfie again: “selfie.jpg” was fine"
    )
    expect(page.locator("#id_id_document_again")).to_contain_text("choose your ID image again")
    expect(page.locator("#id_date_of_birth")).to_have_value("1990-08-05")
    assert_customer_page(page)
    screenshot(page, f"kyc-submit-error{suffix}")

    # When he corrects it and chooses both files again
    page.fill("#id_id_number", "2345 6789 0124")
    page.set_input_files("#id_id_document", card)
    page.set_input_files("#id_selfie", selfie)
    page.get_by_role("button", name="Submit for verification").click()

    # Then the status page says the documents are being checked, and keeps polling
    page.wait_for_url("**/kyc/")
    expect(page.locator("#kyc-status")).to_have_text("Checking")
    expect(page.locator("#kyc-stages li").first).to_contain_text("Documents received")
    expect(page.locator("[data-live-status]")).to_have_attribute("aria-live", "polite")
    assert_customer_page(page)
    screenshot(page, f"kyc-checking{suffix}")
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    # When the verification runs (as a worker would)
    case = KycCase.objects.get(user=neil)
    kyc_case_verify_task.apply(args=[str(case.pk)])

    # Then the page shows the decision in place, every stage done, and the next step
    expect(page.locator("#kyc-status")).to_have_text("Verified", timeout=DECISION_TIMEOUT_MS)
    assert page.evaluate("window.__sameDocument === true"), "the page reloaded"
    expect(page.locator("#kyc-stages li.stage-done")).to_have_count(4)
    expect(page.locator(".live-progress span")).to_have_attribute("style", "width: 100%")
    expect(page.locator("#kyc-checks")).to_contain_text("Same person")
    expect(page.locator("ol.stepper li.current")).to_have_text("Your account")
    assert_customer_page(page)
    screenshot(page, f"kyc-verified{suffix}")
    case.refresh_from_db()
    assert case.status == KycCase.Status.VERIFIED, case.reasons

    # When he follows it
    page.get_by_role("link", name="Open your first account").click()
    page.wait_for_url("**/accounts/bank/**")
    assert_customer_page(page)
    screenshot(page, f"kyc-next-step{suffix}")
    page.context.close()
