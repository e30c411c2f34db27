"""Shared pieces of the browser tests: Debian's chromium driven by Playwright, pages and
screenshots. The login steps a customer and a member of staff take (password, then an emailed
one-time code) are :mod:`accounts.tests.browser`'s.

The ``browser`` fixture lives in the root conftest.py. Never ``playwright install``: the tests
use ``/usr/bin/chromium`` from apt.
"""

import os
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
