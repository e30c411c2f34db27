"""The header on a phone (issue 12: at 390×844 the header's links wrapped to three lines): under
40rem they collapse behind a "Menu" button (static/css/site.css, static/js/site.js), which opens
and closes them; on a desktop they show in one row and there is no button."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from smartbank.tests.browser import PHONE, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    page = new_page(browser, **PHONE)
    yield page
    page.context.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    page = new_page(browser, width=1280)
    yield page
    page.context.close()


def test_on_a_phone_the_header_is_one_line_and_its_links_open_from_the_menu(phone, live_server):
    phone.goto(f"{live_server.url}/")
    header = phone.locator("header")
    nav_links = header.locator("#site-nav")
    menu = header.get_by_role("button", name="Menu")

    # Given the landing page at 390 px, the header is one line: the brand and "Menu"
    expect(menu).to_be_visible()
    expect(nav_links).to_be_hidden()
    assert header.bounding_box()["height"] < 60

    # When the customer taps Menu, the links open below it, one per line, within the screen
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    log_in = nav_links.get_by_role("link", name="Log in")
    expect(log_in).to_be_visible()
    box = log_in.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    # And a second tap closes them again
    menu.click()
    expect(nav_links).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")


def test_on_a_desktop_the_links_show_in_one_row_without_a_menu_button(desktop, live_server):
    desktop.goto(f"{live_server.url}/")
    header = desktop.locator("header")
    expect(header.get_by_role("button", name="Menu")).to_be_hidden()
    expect(header.locator("#site-nav").get_by_role("link", name="Log in")).to_be_visible()
    assert header.bounding_box()["height"] < 70
