"""Shared pieces of the browser tests: Debian's chromium driven by Playwright, pages and
screenshots. The login steps a customer and a member of staff take (password, then an emailed
one-time code) are :mod:`accounts.tests.browser`'s.

The ``browser`` fixture lives in the root conftest.py. Never ``playwright install``: the tests
use ``/usr/bin/chromium`` from apt.
"""

import os
import re
from pathlib import Path

from playwright.sync_api import Browser, Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip


def camera_args(video: Path) -> list[str]:
    """Chromium's flags for a fake camera that loops ``video`` (a ``.y4m`` file, e.g. from
    :func:`smartbank.tests.bursts.y4m_video`) and grants the camera without asking."""
    return [
        *CHROMIUM_ARGS,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]


def new_page(
    browser: Browser, *, width: int = 1280, height: int = 900, timeout_ms: int = 15_000
) -> Page:
    """A page in a fresh context (its own cookies: one per person), Indian locale and time.
    ``new_page(browser, **PHONE)`` is the phone viewport."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="en-IN", timezone_id="Asia/Kolkata"
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


PHONE = {"width": 390, "height": 844}
"""The phone viewport issue 12's journeys are walked at (CSS pixels)."""

#: Words a customer page must never show (issue 12): check codes, engine and library names,
#: scores and distances, fraud and screening signals. Staff pages show them; customer pages
#: speak plain language. Matched case-sensitively as whole words, except the phrases.
INTERNAL_TERMS = (
    "python-stdnum", "stdnum", "Tesseract", "tesseract", "dlib", "face_recognition", "OCR",
    "distance", "edit distance", "DUPLICATE_FACE", "ID_NUMBER_MATCH", "MRZ", "PEP",
    "sanctions", "watchlist", "Watchlist", "screening", "Screening", "DTI", "score",
    "ClamAV", "clamd", "None", "null", "Traceback",
)  # fmt: skip
_CODE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")


def internal_terms_in(text: str) -> list[str]:
    """The internal codes (``UPPER_SNAKE_CASE`` words such as ``ID_NUMBER_MATCH``) and the
    :data:`INTERNAL_TERMS` found in a customer page's visible ``text``; empty when it speaks
    plain language."""
    found = sorted(set(_CODE.findall(text)))
    for term in INTERNAL_TERMS:
        if re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text):
            found.append(term)
    return found


def assert_customer_page(page: Page) -> None:
    """The page as a customer sees it (issue 12): no horizontal scroll of the page itself at
    the current viewport (a table may scroll inside its card), and no internal code or term
    in its visible text (:func:`internal_terms_in`)."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url}: the page scrolls sideways by {overflow} px"
    found = internal_terms_in(page.inner_text("body"))
    assert not found, f"{page.url}: internal terms on a customer page: {found}"
