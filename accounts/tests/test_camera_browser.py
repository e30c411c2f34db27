"""The KYC selfie taken with the camera (issue 14), in a real browser on a phone-sized page.

Chromium's fake camera (``--use-fake-device-for-media-stream``,
``--use-file-for-fake-video-capture``) loops a YUV4MPEG2 video made in the test from the
astronaut photo (:mod:`smartbank.tests.bursts`); ``--use-fake-ui-for-media-stream`` grants the
camera. Celery runs eagerly, so the verification runs in the live server thread after the form
commits.
"""

import datetime
import io

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect, sync_playwright

from accounts.tests.browser import customer_logs_in
from accounts.tests.factories import CustomerProfileFactory, UserFactory
from kyc.models import KycCase
from smartbank.tests import bursts, cards
from smartbank.tests.browser import CHROMIUM, camera_args, new_page, screenshot

DOB = datetime.date(1990, 8, 5)


@pytest.fixture(scope="module")
def camera_browser(_allow_orm_beside_event_loop, tmp_path_factory):
    """Chromium whose camera films the astronaut, eyes open, moving a little."""
    video = tmp_path_factory.mktemp("camera") / "astronaut.y4m"
    video.write_bytes(bursts.y4m_video(bursts.static_frames(count=10)))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=camera_args(video))
        yield browser
        browser.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_kyc_selfie_is_taken_with_the_camera_retaken_and_verified(
    live_server, camera_browser, tmp_path
):
    # Given a customer with confirmed contacts and her Aadhaar card as a file
    now = timezone.now()
    customer = UserFactory(email="eileen@example.com", full_name="Neil Armstrong")
    CustomerProfileFactory(
        user=customer, date_of_birth=DOB, email_verified_at=now, phone_verified_at=now
    )
    card = tmp_path / "aadhaar.png"
    card.write_bytes(
        cards.to_bytes(
            cards.render_aadhaar(
                name="Neil Armstrong",
                dob=DOB,
                gender="Male",
                number=cards.VALID_AADHAAR,
                photo=cards.face_photo("astronaut"),
            ),
            "PNG",
        )
    )

    # When she opens the KYC form on a phone-sized screen
    page = new_page(camera_browser, width=390, timeout_ms=20_000)
    customer_logs_in(page, live_server, customer.email, next_path="/kyc/submit/")
    page.get_by_label("Aadhaar").check()
    page.fill("#id_id_number", "2345 6789 0124")
    page.set_input_files("#id_id_document", card)

    # And takes the selfie with the camera: a live preview, a photo, a retake, a photo
    camera = page.locator("#selfie-camera")
    camera.get_by_role("button", name="Use my camera").click()
    expect(camera.locator("video")).to_be_visible()
    camera.get_by_role("button", name="Take the photo").click()
    expect(camera.get_by_alt_text("The selfie you took")).to_be_visible()
    camera.get_by_role("button", name="Retake").click()
    expect(camera.locator("video")).to_be_visible()
    camera.get_by_role("button", name="Take the photo").click()
    expect(camera.get_by_role("status")).to_have_text(
        "Your selfie is ready. It is sent with the form."
    )
    assert page.evaluate("document.querySelector('#id_selfie').files[0].type") == "image/jpeg"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    screenshot(page, "kyc-camera-selfie")
    page.get_by_role("button", name="Submit for verification").click()

    # Then the camera's photo is her selfie, and it matches her card
    page.wait_for_url("**/kyc/", timeout=60_000)
    page.wait_for_selector('#kyc-status:text-is("Verified")', timeout=60_000)
    case = KycCase.objects.get(user=customer)
    assert case.status == KycCase.Status.VERIFIED, case.reasons
    selfie = case.documents.get(kind="SELFIE")
    assert selfie.content_type == "image/jpeg"
    with selfie.file.open("rb") as stored:
        assert Image.open(io.BytesIO(stored.read())).size == bursts.FRAME_SIZE
    assert case.face_distance is not None and case.face_distance <= 0.5
