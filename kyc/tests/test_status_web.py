"""Issue 12 on the customer's KYC pages: the live status fragment, the resubmission-requested
state, the file inputs after an error and the next step once verified (Django's test client;
the journey in a browser: ``kyc/tests/test_status_browser.py``)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kyc.models import KycCase, KycCheck
from kyc.services import kyc_case_request_resubmission
from kyc.tests.factories import KycCaseFactory
from smartbank.tests.auth import login_verified
from smartbank.tests.factories import UserFactory
from smartbank.tests.wording import visible_text

pytestmark = pytest.mark.django_db


def fragment_url(case: KycCase) -> str:
    return f"/kyc/cases/{case.pk}/status/"


def stages(html: str) -> list[tuple[str, str]]:
    """``[(stage, state class)]`` of the progress list."""
    return re.findall(r'<li class="stage-(\w+)"[^>]*><span>([^<]+)</span>', html)


def test_the_fragment_follows_the_case_until_it_is_decided(client, customer):
    # Given Neil's case being read
    case = KycCaseFactory(user=customer, status=KycCase.Status.PROCESSING, reasons=[])
    login_verified(client, customer)

    # Then the fragment is not final and shows the stage under way
    response = client.get(fragment_url(case))
    html = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert 'data-final="false"' in html and "<html" not in html
    assert stages(html) == [
        ("done", "Documents received"),
        ("current", "Document read"),
        ("todo", "Face matched"),
        ("todo", "Decision"),
    ]
    assert 'aria-valuenow="25"' in html

    # When the checks are done and the case is verified
    KycCheck.objects.bulk_create(
        KycCheck(case=case, position=i, name=name, status="PASSED", detail="distance 0.31")
        for i, name in enumerate(["MALWARE_SCAN", "FILES", "OCR", "NAME_MATCH", "FACE_MATCH"])
    )
    KycCase.objects.filter(pk=case.pk).update(status=KycCase.Status.VERIFIED)

    # Then the fragment is final, every stage done
    html = client.get(fragment_url(case)).content.decode()
    assert 'data-final="true"' in html and 'id="kyc-status">Verified<' in html
    assert [state for state, _ in stages(html)] == ["done"] * 4
    assert 'aria-valuenow="100"' in html


def test_a_case_in_review_keeps_polling_and_says_it_is_with_the_team(client, customer):
    case = KycCaseFactory(user=customer, reasons=[{"code": "FACE_UNCERTAIN", "message": "x"}])
    login_verified(client, customer)
    html = client.get(fragment_url(case)).content.decode()
    assert 'data-final="false"' in html and 'id="kyc-status">With our team<' in html
    assert "Your selfie and ID photo are similar but not clearly the same person." in html


def test_the_fragment_shows_only_the_customers_own_case(client, customer, reviewer):
    theirs = KycCaseFactory(user=UserFactory(), status=KycCase.Status.PENDING, reasons=[])

    login_verified(client, customer)
    assert client.get(fragment_url(theirs)).status_code == 404
    login_verified(client, reviewer)  # staff read cases in the console, not here
    assert client.get(fragment_url(theirs)).status_code == 404
    client.logout()
    response = client.get(fragment_url(theirs))
    assert response.status_code == 302 and "/login/" in response.url


def test_resubmission_requested_is_its_own_state_with_what_to_redo(
    client, customer, reviewer, django_capture_on_commit_callbacks, mailoutbox
):
    # Given a case in review whose selfie did not clearly match
    case = KycCaseFactory(user=customer)
    KycCheck.objects.create(case=case, position=0, name="OCR", status="PASSED")
    KycCheck.objects.create(
        case=case, position=1, name="FACE_MATCH", status="REVIEW", code="FACE_UNCERTAIN"
    )
    # When staff ask for the documents again
    with django_capture_on_commit_callbacks(execute=True):
        kyc_case_request_resubmission(
            kyc_case_id=case.pk, actor=reviewer, reason="Please take the selfie in daylight."
        )
    login_verified(client, customer)

    # Then the email asks for them, not "we could not verify"
    (email,) = [m for m in mailoutbox if m.to == [customer.email]]
    assert email.subject == "Please send your documents again"
    assert "Their note: Please take the selfie in daylight." in email.body

    # Then the page asks for them again, says what to redo, and offers the button
    page = client.get("/kyc/").content.decode()
    text = visible_text(page)
    assert 'id="kyc-status">Please send again<' in page
    assert "Rejected" not in text and "could not verify your identity" not in text
    assert "Please send your documents again." in text
    assert "Our team's note: “Please take the selfie in daylight.”" in text
    assert re.findall(r"<li>([^<]+)</li>", page.split('id="kyc-redo"')[1].split("</ul>")[0]) == [
        "A new selfie: your face only, in good light, looking at the camera"
    ]
    assert '<a class="button" id="kyc-submit-again" href="/kyc/submit/">Submit again</a>' in page
    assert 'data-final="true"' in page

    # And the form says it too
    form = visible_text(client.get("/kyc/submit/"))
    assert "Please send your documents again. Our team's note: “Please take the selfie" in form


def test_after_an_upload_error_each_file_input_says_to_choose_it_again(
    client, customer, astronaut_selfie_jpg
):
    login_verified(client, customer)
    response = client.post(
        "/kyc/submit/",
        {
            "id_type": "AADHAAR",
            "id_number": "2345 6789 0124",
            "date_of_birth": "1990-08-05",
            "id_document": SimpleUploadedFile("card.jpg", b"not an image\n" * 20, "image/jpeg"),
            "selfie": SimpleUploadedFile("me.jpg", astronaut_selfie_jpg, "image/jpeg"),
        },
    )

    page = response.content.decode()
    assert response.status_code == 200 and not KycCase.objects.exists()
    # the bad file is named as such, the good one must be chosen again too
    assert '<p class="file-again" id="id_id_document_again">Please choose another ID image.' in page
    assert (
        '<p class="file-again" id="id_selfie_again">Please choose your selfie again: “me.jpg” was'
        " fine, but a browser cannot keep a chosen file when the form comes back.</p>"
    ) in page
    assert "please choose both files again below" in page
    # every other answer is kept
    assert 'value="2345 6789 0124"' in page and 'value="1990-08-05"' in page
    assert re.search(r'value="AADHAAR"[^>]*checked', page)


def test_a_form_not_yet_sent_asks_for_nothing_again(client, customer):
    login_verified(client, customer)
    page = client.get("/kyc/submit/").content.decode()
    assert "file-again" not in page.replace(".file-again", "")
    assert '<li class="current" aria-current="step">Identity check</li>' in page


def test_a_verified_customer_without_an_account_is_offered_the_first_one(client, customer):
    KycCaseFactory(user=customer, status=KycCase.Status.VERIFIED, reasons=[])
    login_verified(client, customer)
    page = client.get("/kyc/").content.decode()
    assert (
        '<a class="button" id="kyc-next" href="/accounts/bank/request/">Open your first account</a>'
    ) in page
    assert '<li class="current" aria-current="step">Your account</li>' in page
    assert "Submit again" not in page


def test_submitted_times_show_in_the_customers_zone(client, customer):
    case = KycCaseFactory(user=customer, status=KycCase.Status.PENDING, reasons=[])
    KycCase.objects.filter(pk=case.pk).update(
        created_at="2026-12-01T23:30:00+00:00"  # 05:00 the next day in India
    )
    login_verified(client, customer)
    page = client.get("/kyc/").content.decode()
    assert '<time datetime="2026-12-02T05:00:00+05:30">2 Dec 2026, 05:00 IST</time>' in page
