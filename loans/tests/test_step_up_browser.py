"""The face step-up before a loan application (issue 14), in a real browser with a camera.

Chromium's fake camera loops a YUV4MPEG2 video made in the test from the astronaut photo: 15
frames at 10 per second, her eyes painted shut in frames 6-8, so any 2-second burst sees her
blink. The page takes 15 frames over 2 seconds, posts them, and polls while the check runs
(Celery eagerly, in the live server thread, with dlib); once it passed, the form is sent.
"""

import pytest
from playwright.sync_api import expect, sync_playwright

from accounts.models import StepUp
from accounts.tests.browser import confirm_with_code, customer_logs_in
from accounts.tests.step_up_factories import customer_with_kyc_face
from loans.models import LoanApplication
from loans.tests.factories import default_product
from smartbank.tests import bursts
from smartbank.tests.browser import CHROMIUM, camera_args, new_page, screenshot


@pytest.fixture(scope="module")
def camera_browser(_allow_orm_beside_event_loop, tmp_path_factory):
    """Chromium whose camera films the astronaut blinking."""
    video = tmp_path_factory.mktemp("camera") / "astronaut-blinking.y4m"
    video.write_bytes(bursts.y4m_video(bursts.blink_frames(), fps=10))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=camera_args(video))
        yield browser
        browser.close()


def fill_the_application(page, live_server, customer) -> None:  # noqa: ANN001
    product = default_product()
    customer_logs_in(page, live_server, customer.email, next_path="/loans/apply/")
    page.select_option("#id_product", str(product.pk))
    page.fill("#id_loan_amount", "300000")
    page.fill("#id_tenure_months", "36")
    page.fill("#id_loan_purpose", "Home renovation")
    page.fill("#id_income", "900000")
    page.fill("#id_debt", "120000")
    page.fill("#id_credit_score", "760")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_blink_before_the_camera_confirms_the_loan_application(live_server, camera_browser):
    # Given a customer whose verified KYC selfie is the astronaut
    customer = customer_with_kyc_face(face="astronaut", email="eileen@example.com")

    # When she fills in the application on her phone and sends it
    page = new_page(camera_browser, width=390, timeout_ms=30_000)
    fill_the_application(page, live_server, customer)
    expect(page.locator("[data-step-up-face]")).to_be_visible()
    page.get_by_role("button", name="Submit the application").click()

    # Then the camera checks it's her and the application is filed
    page.wait_for_url("**/loans/LOAN-*/", timeout=60_000)
    application = LoanApplication.objects.get(customer=customer)
    step_up = StepUp.objects.get(user=customer)
    assert (step_up.method, step_up.status, step_up.code) == ("FACE", "USED", "")
    assert step_up.face_distance <= 0.5 and bytes(step_up.frames_encrypted) == b""
    assert step_up.frame_count == 15
    assert step_up.events.get(type="PASSED").data["blinked"] is True
    assert application.events.get(type="SUBMITTED").data["step_up"]["method"] == "FACE"
    screenshot(page, "loan-after-face-step-up")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_another_face_fails_and_a_code_confirms_the_application_instead(
    live_server, camera_browser
):
    # Given a customer whose verified KYC selfie is Grace Hopper, not the astronaut
    customer = customer_with_kyc_face(face="grace_hopper", email="grace@example.com")

    # When the astronaut's face is before the camera as the application is sent
    page = new_page(camera_browser, width=390, timeout_ms=30_000)
    fill_the_application(page, live_server, customer)
    page.get_by_role("button", name="Submit the application").click()

    # Then the page says it did not match and offers another try or a code
    expect(page.locator("#step-up-status")).to_have_text(
        "Your face did not match the photo from your identity check. Try again, or confirm"
        " with a code below.",
        timeout=60_000,
    )
    expect(page.get_by_role("button", name="Try the camera again")).to_be_visible()
    assert not LoanApplication.objects.exists()
    failed = StepUp.objects.get(user=customer)
    assert (failed.status, failed.code) == ("FAILED", "FACE_MISMATCH")
    screenshot(page, "loan-face-step-up-failed")

    # When she confirms with a code instead
    confirm_with_code(page, customer.email)
    page.get_by_role("button", name="Submit the application").click()

    # Then the application is filed, confirmed by the code
    page.wait_for_url("**/loans/LOAN-*/")
    assert LoanApplication.objects.filter(customer=customer).count() == 1
    by_code = StepUp.objects.get(user=customer, method="OTP")
    assert by_code.status == "USED"
