"""Issue 12: the customer's KYC and waiver pages speak plain language in every state.

Fast (no browser): each page is rendered with Django's test client, stripped to the words a
customer reads (:func:`smartbank.tests.wording.visible_text`) and scanned for codes, engine
names, distances, scores and fraud signals (:func:`smartbank.tests.browser.internal_terms_in`).
The cases are built from the codes the code itself holds (every reason in the pipelines'
``REASON_MESSAGES``, every check name and reason code written in their sources), so a new
code without plain words fails here. The check rows carry a staff detail full of internals,
which customers must never see.
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from kyc import customer_status as kyc_words
from kyc import passport_checks
from kyc import pipeline as kyc_pipeline
from kyc.models import KycCase, KycCheck
from kyc.services import kyc_case_reject, kyc_case_request_resubmission
from kyc.tests.factories import KycCaseFactory
from smartbank.tests.auth import login_verified
from smartbank.tests.factories import UserFactory
from smartbank.tests.wording import assert_plain_words, visible_text
from waivers import customer_status as waiver_words
from waivers import pipeline as waiver_pipeline
from waivers.models import WaiverCheck, WaiverRequest
from waivers.tests.factories import approved_loan, borrower, waiver_in_review, waiver_officer

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
#: What a check's staff detail may hold: none of it may reach a customer.
STAFF_DETAIL = (
    "another customer's face at distance 0.433 in case 5f0c, edit distance 0, valid "
    "(python-stdnum), confidence 91, reading 'otsu', clean (ClamAV 1.0), EICAR"
)
#: Words that would tell a customer a fraud or screening signal fired.
FRAUD_WORDS = ("another customer", "closely matches", "EICAR", "in case")
_UPPER = re.compile(r'"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)"')
_CHECK_NAME = re.compile(r'CheckResult\(\s*"([A-Z][A-Z0-9_]*)"')
#: Upper-case strings of those sources that are neither a check nor a reason.
NOT_REASONS = {"INVALID_TRANSITION", "MALWARE_CODE", "NOT_FOUND", "NOT_SCANNED", "REASON_MESSAGES"}


def _source(*paths: str) -> str:
    return "\n".join((ROOT / path).read_text() for path in paths)


KYC_SOURCES = (
    "kyc/pipeline.py", "kyc/passport_checks.py", "kyc/services/processing.py",
    "kyc/services/review.py", "smartbank/malware.py", "smartbank/engines/faces.py",
    "smartbank/engines/documents/claims.py", "smartbank/engines/documents/numbers.py",
    "smartbank/engines/documents/passport_claims.py",
)  # fmt: skip
WAIVER_SOURCES = ("waivers/pipeline.py", "waivers/services/verification.py", "smartbank/malware.py")
KYC_CHECK_NAMES = sorted(
    set(_CHECK_NAME.findall(_source(*KYC_SOURCES)))
    | set(kyc_pipeline._FIELD_CHECK_NAMES.values())
    | {name for _, name, _ in passport_checks._FIELD_CHECKS}
)
WAIVER_CHECK_NAMES = sorted(set(_CHECK_NAME.findall(_source(*WAIVER_SOURCES))))


def test_every_check_and_reason_code_in_the_sources_has_plain_words():
    # Given every check name and upper-case code the pipelines' sources write
    kyc_labelled = set(kyc_words.CHECK_LABELS) | kyc_words.SCREENING_CHECKS
    waiver_labelled = set(waiver_words.CHECK_LABELS) | waiver_words.SCREENING_CHECKS
    kyc_codes = set(_UPPER.findall(_source(*KYC_SOURCES))) - NOT_REASONS - set(KYC_CHECK_NAMES)
    waiver_codes = (
        set(_UPPER.findall(_source(*WAIVER_SOURCES))) - NOT_REASONS - set(WAIVER_CHECK_NAMES)
    )

    # Then each has words for customers (a check's label, a reason's message)
    assert {"FACE_MATCH", "DUPLICATE_FACE", "MRZ", "MALWARE_SCAN"} <= set(KYC_CHECK_NAMES)
    assert set(KYC_CHECK_NAMES) - kyc_labelled == set()
    assert set(WAIVER_CHECK_NAMES) - waiver_labelled == set()
    assert kyc_codes - set(kyc_pipeline.REASON_MESSAGES) == set()
    assert waiver_codes - set(waiver_pipeline.REASON_MESSAGES) == set()


def _kyc_case(
    status: str, *, user=None, code: str = "", check_status: str = KycCheck.Status.PASSED
):
    """The newest case of ``user`` (a new customer by default) with one check row per check
    name, each ``check_status`` with ``code`` and the staff detail, and the reason ``code``."""
    user = user or UserFactory()
    case = KycCaseFactory(
        user=user,
        attempt=KycCase.objects.filter(user=user).count() + 1,
        status=status,
        reasons=[kyc_pipeline.reason(code)] if code else [],
    )
    KycCheck.objects.bulk_create(
        KycCheck(
            case=case,
            position=i,
            name=name,
            status=check_status,
            code=code if check_status != KycCheck.Status.PASSED else "",
            detail=STAFF_DETAIL,
        )
        for i, name in enumerate(KYC_CHECK_NAMES)
    )
    return case


def _kyc_pages(client, case) -> list[str]:
    login_verified(client, case.user)
    page = client.get("/kyc/")
    fragment = client.get(f"/kyc/cases/{case.pk}/status/")
    assert page.status_code == fragment.status_code == 200
    return [
        assert_plain_words(page, context=f"{case.status} {case.reasons}"),
        assert_plain_words(fragment, context=f"fragment {case.status} {case.reasons}"),
    ]


CUSTOMER_CODES = sorted(set(kyc_pipeline.REASON_MESSAGES) - kyc_words.STAFF_CODES)


@pytest.mark.parametrize(
    ("status", "check_status"),
    [
        (KycCase.Status.MANUAL_REVIEW, KycCheck.Status.REVIEW),
        (KycCase.Status.REJECTED, KycCheck.Status.FAILED),
    ],
)
def test_kyc_status_in_plain_words_for_every_reason_and_check(client, status, check_status):
    user = UserFactory()
    for code in CUSTOMER_CODES:
        case = _kyc_case(status, user=user, code=code, check_status=check_status)
        for text in _kyc_pages(client, case):
            assert not [w for w in FRAUD_WORDS if w in text], (code, text)
            if code in kyc_words.SCREENING_CODES:
                assert kyc_words.NEUTRAL_REVIEW in text


@pytest.mark.parametrize(
    "status", [KycCase.Status.PENDING, KycCase.Status.PROCESSING, KycCase.Status.VERIFIED]
)
def test_kyc_status_in_plain_words_while_checking_and_once_verified(client, status):
    case = _kyc_case(status)
    for text in _kyc_pages(client, case):
        assert "Documents received" in text


def test_kyc_staff_decisions_read_plainly(client, reviewer):
    rejected = _kyc_case(KycCase.Status.MANUAL_REVIEW, code="FACE_UNCERTAIN", check_status="REVIEW")
    kyc_case_reject(kyc_case_id=rejected.pk, actor=reviewer, reason="The photo is too dark.")
    again = _kyc_case(KycCase.Status.MANUAL_REVIEW, code="DUPLICATE_FACE", check_status="REVIEW")
    kyc_case_request_resubmission(
        kyc_case_id=again.pk, actor=reviewer, reason="Your ID photo is blurred."
    )

    assert "The photo is too dark." in _kyc_pages(client, rejected)[0]
    for text in _kyc_pages(client, again):
        assert "Please send your documents again" in text
        assert "Your ID photo is blurred." in text
    submit = client.get("/kyc/submit/")
    assert "Your ID photo is blurred." in assert_plain_words(submit, context="resubmit form")


def test_kyc_submit_page_after_an_error_in_plain_words(client, customer, astronaut_selfie_jpg):
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
    text = assert_plain_words(response, context="submit after an error")
    assert "Please choose your selfie again" in text


def _waiver(
    status: str, *, loan=None, code: str = "", check_status: str = WaiverCheck.Status.PASSED
):
    """A waiver on ``loan`` (a new customer's by default) in ``status`` with one check row per
    check name, each ``check_status`` with ``code`` and the staff detail, and the reason."""
    if loan is None:
        loan = approved_loan(customer=borrower())
    waiver = waiver_in_review(
        customer=loan.customer,
        loan=loan,
        amount=Decimal("5000.00"),
        status=status,
        document=f"scan {status} {code}".encode(),  # never read: no certificate to render
    )
    waiver.reasons = [waiver_pipeline.reason(code)] if code else []
    waiver.save(update_fields=["reasons"])
    WaiverCheck.objects.bulk_create(
        WaiverCheck(
            waiver=waiver,
            position=i,
            name=name,
            status=check_status,
            code=code if check_status != WaiverCheck.Status.PASSED else "",
            detail=STAFF_DETAIL,
        )
        for i, name in enumerate(WAIVER_CHECK_NAMES)
    )
    return waiver


def _waiver_pages(client, waiver) -> list[str]:
    login_verified(client, waiver.customer)
    pages = [
        client.get(f"/waivers/{waiver.pk}/"),
        client.get(f"/waivers/{waiver.pk}/status/"),
        client.get("/waivers/"),
    ]
    assert [p.status_code for p in pages] == [200, 200, 200]
    return [assert_plain_words(p, context=f"{waiver.status} {waiver.reasons}") for p in pages]


@pytest.mark.parametrize(
    ("status", "check_status"),
    [
        (WaiverRequest.Status.MANUAL_REVIEW, WaiverCheck.Status.REVIEW),
        (WaiverRequest.Status.REJECTED, WaiverCheck.Status.FAILED),
    ],
)
def test_waiver_pages_in_plain_words_for_every_reason_and_check(client, status, check_status):
    loan = approved_loan(customer=borrower())
    for code in sorted(waiver_pipeline.REASON_MESSAGES):
        waiver = _waiver(status, loan=loan, code=code, check_status=check_status)
        for text in _waiver_pages(client, waiver):
            assert not [w for w in FRAUD_WORDS if w in text], (code, text)


@pytest.mark.parametrize("status", [s for s, _ in WaiverRequest.Status.choices])
def test_waiver_pages_in_plain_words_in_every_state(client, status):
    waiver = _waiver(status)
    detail, fragment, listing = _waiver_pages(client, waiver)
    assert "Verified" not in detail + listing  # a checked certificate is no granted waiver
    assert waiver_words.waiver_request_badge(waiver) in listing


def test_waiver_awaiting_a_second_approval_and_the_request_form_read_plainly(client):
    waiver = _waiver(WaiverRequest.Status.VERIFIED)
    waiver.first_approved_by = waiver_officer()
    waiver.save(update_fields=["first_approved_by"])
    detail = _waiver_pages(client, waiver)[0]
    assert "a second must confirm" in detail

    form = client.get("/waivers/new/")
    assert "Certificates we accept" in assert_plain_words(form, context="waiver form")
    refused = client.post("/waivers/new/", {"loan": waiver.loan.application_id})
    text = assert_plain_words(refused, context="waiver form after an error")
    assert "please choose the scanned certificate again" in text


def test_visible_text_keeps_what_people_read_and_drops_scripts():
    html = (
        "<html><head><title>Hi</title><style>p{}</style></head><body><p>One &amp; two</p>"
        "<script>var DUPLICATE_FACE = 1;</script><img alt='A card'><input value='x'>"
        "<!-- FACE_MATCH --></body></html>"
    )
    assert visible_text(html) == "Hi One & two A card"
