"""The customer journey and the staff review in a real browser (Debian chromium, Playwright).

Both start at accounts' pages (registration and contact verification, the staff console's
password + OTP login) before they reach KYC, so they live here, above kyc (moved from
``kyc/tests/test_browser.py``).

Celery runs eagerly (root conftest), so the verification task runs in the live server thread
right after the KYC form commits and the status page shows the decision. Set SCREENSHOTS_DIR to
save full-page PNGs of the key pages (register, KYC form, decision, admin case page).
"""

import datetime
import hashlib
import re
from collections.abc import Iterator

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import Browser, Page, expect

from accounts.models import BankAccount
from accounts.services import bank_account_approve
from accounts.tests.auth import last_email_code, last_sms_code
from accounts.tests.browser import staff_logs_in
from accounts.tests.factories import UserFactory
from kyc.models import KycCase, KycDocument
from kyc.tests.factories import KycCaseFactory
from smartbank.tests import cards
from smartbank.tests.browser import new_page, screenshot

DECISION_TIMEOUT_MS = 60_000
NAME = "Neil Armstrong"
DOB = datetime.date(1990, 8, 5)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    page = new_page(browser, timeout_ms=10_000)
    yield page
    page.context.close()


def astronaut_card() -> bytes:
    card = cards.render_aadhaar(
        name=NAME,
        dob=DOB,
        gender="Male",
        number=cards.VALID_AADHAAR,
        photo=cards.face_photo("astronaut"),
    )
    return cards.to_bytes(card, "PNG")


def astronaut_selfie() -> bytes:
    return cards.to_bytes(cards.selfie_of("astronaut"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_customer_registers_submits_kyc_and_sees_verified(live_server, page, tmp_path):
    # Given an Aadhaar card with the astronaut's photo and a selfie of the astronaut
    card_file = tmp_path / "aadhaar.png"
    card_file.write_bytes(astronaut_card())
    selfie_file = tmp_path / "selfie.jpg"
    selfie_file.write_bytes(astronaut_selfie())

    # When Neil registers through the form
    page.goto(f"{live_server.url}/accounts/register/")
    page.fill("#id_full_name", NAME)
    page.fill("#id_email", "neil@example.com")
    page.fill("#id_phone", "98765 43210")
    page.fill("#id_date_of_birth", DOB.isoformat())
    page.fill("#id_password1", "Tranquility-Base-1969")
    page.fill("#id_password2", "Tranquility-Base-1969")
    screenshot(page, "register")
    page.get_by_role("button", name="Register").click()

    # Then he confirms his email and phone with the codes sent to them
    page.wait_for_url("**/accounts/verify/**")
    page.fill("#id_email-otp", last_email_code("neil@example.com"))
    page.get_by_role("button", name="Confirm email").click()
    expect(page.locator("#verify-email")).to_contain_text("Verified")
    page.fill("#id_sms-otp", last_sms_code("+919876543210"))
    page.get_by_role("button", name="Confirm phone").click()

    # Then he is on the KYC form, his date of birth filled in
    page.wait_for_url("**/kyc/submit/")
    expect(page.locator("#id_date_of_birth")).to_have_value(DOB.isoformat())

    # When he types a malformed Aadhaar number, the error shows next to that field
    page.get_by_label("Aadhaar").check()
    page.fill("#id_id_number", "12345")
    page.set_input_files("#id_id_document", card_file)
    page.set_input_files("#id_selfie", selfie_file)
    page.get_by_role("button", name="Submit for verification").click()
    number = page.locator("#id_id_number")
    expect(number).to_have_attribute("aria-invalid", "true")
    expect(number).to_have_attribute("aria-describedby", re.compile(r"\bid_id_number_error\b"))
    expect(page.locator("#id_id_number_error")).to_have_text(
        "An Aadhaar number has 12 digits and starts with 2-9."
    )
    assert not KycCase.objects.exists()

    # When he corrects the number and attaches the files again (browsers never keep them)
    expect(page.get_by_label("Aadhaar")).to_be_checked()
    number.fill("2345 6789 0124")
    page.set_input_files("#id_id_document", card_file)
    page.set_input_files("#id_selfie", selfie_file)
    screenshot(page, "kyc-submit")
    # (tests run the checks eagerly, inside this request: the click waits as long as a decision)
    page.get_by_role("button", name="Submit for verification").click(timeout=DECISION_TIMEOUT_MS)

    # Then the status page shows the decision: verified, the faces matched
    page.wait_for_url("**/kyc/", timeout=DECISION_TIMEOUT_MS)
    page.wait_for_selector('#kyc-status:text-is("Verified")', timeout=DECISION_TIMEOUT_MS)
    face_row = page.locator(  # plain words for customers (issue 12)
        "#kyc-checks tr", has=page.locator('td:text-is("Selfie and document photo")')
    )
    expect(face_row.locator("td").nth(1)).to_have_text("Same person")
    screenshot(page, "kyc-verified")
    case = KycCase.objects.get(user__email="neil@example.com")
    assert case.status == KycCase.Status.VERIFIED, case.reasons
    assert case.checks.get(name="FACE_MATCH").status == "PASSED"

    # When he, now verified, requests a Savings account
    page.get_by_role("link", name="My accounts").click()
    page.get_by_role("link", name="Request an account").click()
    page.get_by_label("Savings").check()
    page.get_by_role("button", name="Request the account").click()
    expect(page.locator("#bank-accounts")).to_contain_text("Requested")

    # And staff approve it (the admin buttons call this service; see the staff test)
    account = BankAccount.objects.get(user__email="neil@example.com")
    officer = UserFactory(is_staff=True, is_superuser=True)
    bank_account_approve(bank_account_id=account.pk, actor=officer)

    # Then his accounts page shows the Savings account with the ₹1,000.00 opening deposit
    page.reload()
    expect(page.locator("#bank-accounts")).to_contain_text("₹1,000.00")
    expect(page.locator("#bank-accounts")).to_contain_text("Active")
    screenshot(page, "bank-accounts")


def attach_document(case: KycCase, kind: str, data: bytes, content_type: str) -> None:
    document = KycDocument(
        case=case,
        kind=kind,
        content_type=content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    document.file.save("upload", ContentFile(data), save=False)
    document.save()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_approves_a_manual_review_case_in_the_console(live_server, page, reviewer):
    # Given a case waiting for manual review, with the customer's card and selfie
    case = KycCaseFactory(
        face_distance=0.53,
        ocr_confidence=91.0,
        extracted={
            "name": NAME,
            "date_of_birth": "05/08/1990",
            "id_number": "XXXX XXXX 0124",
            "gender": "Male",
        },
        reasons=[
            {
                "code": "FACE_UNCERTAIN",
                "message": "Your selfie and ID photo are similar but not clearly the same person.",
            }
        ],
    )
    attach_document(case, KycDocument.Kind.ID_DOCUMENT, astronaut_card(), "image/png")
    attach_document(case, KycDocument.Kind.SELFIE, astronaut_selfie(), "image/jpeg")

    # When the reviewer logs into the staff console with password and emailed OTP
    staff_logs_in(page, live_server, reviewer)
    page.get_by_role("link", name="KYC cases", exact=True).click()
    page.wait_for_url("**/admin/kyc/kyccase/")
    row = page.locator("#result_list tbody tr", has_text=case.user.email)
    expect(row).to_contain_text("Manual review")
    row.locator("th a").click()
    page.wait_for_url(f"**/admin/kyc/kyccase/{case.pk}/change/")

    # Then the ID number is masked and the card and selfie are on the page
    expect(page.locator(".field-id_number_masked .readonly")).to_have_text("XXXX XXXX 0124")
    assert cards.VALID_AADHAAR not in page.content()
    for alt in ("ID document", "Selfie"):
        image = page.get_by_alt_text(alt)
        expect(image).to_be_visible()
        assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    screenshot(page, "admin-case")

    # When the reviewer approves, a success message shows and the case is VERIFIED
    page.get_by_role("button", name="Approve (VERIFIED)").click()
    expect(page.locator(".messagelist .success")).to_have_text(
        "Case approved: the customer is VERIFIED."
    )
    case.refresh_from_db()
    assert case.status == KycCase.Status.VERIFIED
    assert case.decided_by == reviewer
