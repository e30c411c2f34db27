"""Issue 11: one certificate backs one waiver, however its scan is re-saved and whatever number
is typed. The number read on a scan counts as used like the typed one; a scan's perceptual hash
finds it again as JPEG. Real Tesseract on rendered certificates, PostgreSQL, Celery eager after
commit (conftest).

The distances these rely on (256-bit pHash, ``smartbank.engines.image_hash``, threshold 12):
the agricultural relief certificate re-saved as JPEG quality 85 is within 4 bits of its PNG;
the same layout with another farmer's name and number within 8 (which is why an image alike
alone only goes to staff); the phone-photo ``degrade`` of it 90 (``bench/document_hashes.py``).
"""

import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps
from PIL import Image

from accounts.tests.auth import login_verified
from smartbank.engines import image_hash
from smartbank.errors import ConflictError
from waivers.models import WaiverRequest
from waivers.services import waiver_request_approve
from waivers.tests import certificates
from waivers.tests.factories import (
    agri_scan,
    approved_loan,
    borrower,
    submit,
    waiver_in_review,
    waiver_officer,
)

pytestmark = pytest.mark.django_db

Status = WaiverRequest.Status
RIGHT = certificates.AGRI_NUMBER  # MH/2024/004517, what the certificate shows
MISTYPED = "MH/2024/004518"


def checks_of(waiver: WaiverRequest) -> dict[str, tuple[str, str]]:
    return {c.name: (c.status, c.code) for c in waiver.checks.all()}


def reason_codes(waiver: WaiverRequest) -> list[str]:
    return [r["code"] for r in waiver.reasons]


def as_jpeg(png: bytes, quality: int = 85) -> bytes:
    """The same scan saved again as JPEG: other bytes, another SHA-256."""
    return certificates.to_bytes(Image.open(io.BytesIO(png)), "JPEG", quality=quality)


def file_waiver(capture, *, document: bytes, number: str, email: str) -> WaiverRequest:  # noqa: ANN001
    """A new customer with an approved loan files a waiver; returned once it is verified."""
    customer = borrower(email=email)
    with capture(execute=True):
        waiver = submit(
            customer=customer,
            loan=approved_loan(customer=customer),
            document=document,
            number=number,
        )
    waiver.refresh_from_db()
    return waiver


def test_the_issue_scenario_a_jpeg_re_save_under_the_right_number_is_rejected(
    client, django_capture_on_commit_callbacks
):
    # Given waiver 1: scan X filed under a mistyped number, approved by staff
    scan = agri_scan()
    first = file_waiver(
        django_capture_on_commit_callbacks, document=scan, number=MISTYPED, email="a@example.com"
    )
    assert first.status == Status.MANUAL_REVIEW
    assert reason_codes(first) == ["CERTIFICATE_NUMBER_MISMATCH"]
    assert first.certificate_number_read == RIGHT
    with django_capture_on_commit_callbacks(execute=True):
        waiver_request_approve(
            waiver_request_id=first.pk, actor=waiver_officer(), reason="A typo in the number"
        )
    first.refresh_from_db()
    assert first.status == Status.APPROVED

    # When a new user files X re-saved as JPEG under the number it shows
    copy = as_jpeg(scan)
    second = file_waiver(
        django_capture_on_commit_callbacks, document=copy, number=RIGHT, email="b@example.com"
    )

    # Then neither the bytes nor the typed number matched, and still it is rejected
    assert second.sha256 != first.sha256 and second.certificate_number != first.certificate_number
    assert second.status == Status.REJECTED
    assert checks_of(second) == {
        "MALWARE_SCAN": ("PASSED", ""),
        "FILE": ("PASSED", ""),
        "DOCUMENT_REUSE": ("FAILED", "DOCUMENT_REUSED"),
        "CERTIFICATE_REUSE": ("FAILED", "CERTIFICATE_ALREADY_USED"),
        "OCR": ("PASSED", ""),
        "NUMBER_MATCH": ("PASSED", ""),  # the scan itself is fine
    }
    assert reason_codes(second) == ["DOCUMENT_REUSED", "CERTIFICATE_ALREADY_USED"]
    certificate = second.checks.get(name="CERTIFICATE_REUSE").detail
    assert certificate == f"number typed already backs earlier request {first.pk} (approved)"
    scan_detail = second.checks.get(name="DOCUMENT_REUSE").detail
    assert scan_detail.startswith(f"the scan of earlier request {first.pk} re-saved (")
    assert scan_detail.endswith("bits of 256 off, approved), same certificate number")

    # And the new user reads why in plain words, nothing of the other request
    login_verified(client, second.customer)
    page = client.get(f"/waivers/{second.pk}/").content.decode()
    rule = (
        "This certificate has already been used for a waiver request: each certificate can "
        "back one request only."
    )
    assert page.count(rule) == 1  # both reuse reasons read as the one rule, once
    assert str(first.pk) not in page and "CERTIFICATE_ALREADY_USED" not in page


def test_a_number_read_on_a_pending_waiver_rejects_a_scan_that_reads_it_under_another_number(
    django_capture_on_commit_callbacks,
):
    # Given a waiver in review whose scan reads MH/2024/004517 (typed MH/2024/004518)
    first = file_waiver(
        django_capture_on_commit_callbacks,
        document=agri_scan(),
        number=MISTYPED,
        email="a@example.com",
    )
    assert first.status == Status.MANUAL_REVIEW
    # When another customer sends a phone photo of the same certificate, typing a third number
    photo = certificates.to_bytes(certificates.degrade(certificates.render_agri_relief()))
    second = file_waiver(
        django_capture_on_commit_callbacks,
        document=photo,
        number="MH/2024/004519",
        email="b@example.com",
    )

    # Then the photo is no copy of the scan, but the number read on it is spent
    assert second.certificate_number_read == RIGHT
    assert second.status == Status.REJECTED
    checks = checks_of(second)
    assert checks["DOCUMENT_REUSE"] == ("PASSED", "")
    assert checks["CERTIFICATE_REUSE"] == ("FAILED", "CERTIFICATE_ALREADY_USED")
    assert second.checks.get(name="CERTIFICATE_REUSE").detail == (
        f"number read on the scan already backs earlier request {first.pk} (manual review)"
    )


def test_a_scan_like_another_but_with_another_number_goes_to_staff(
    django_capture_on_commit_callbacks,
):
    # Given a verified waiver backed by MH/2024/004517
    first = file_waiver(
        django_capture_on_commit_callbacks, document=agri_scan(), number=RIGHT, email="a@ex.com"
    )
    assert first.status == Status.VERIFIED
    # When another farmer sends a certificate of the same layout: other name, other number
    other = certificates.to_bytes(
        certificates.render_agri_relief(number="MH/2024/009876", name="Suresh Pawar"), "JPEG"
    )
    second = file_waiver(
        django_capture_on_commit_callbacks, document=other, number="MH/2024/009876", email="b@e.com"
    )

    # Then the hash cannot tell a template from an edited copy: staff look, nothing rejects
    assert second.status == Status.MANUAL_REVIEW
    assert reason_codes(second) == ["DOCUMENT_SIMILAR"]
    checks = checks_of(second)
    assert checks["DOCUMENT_REUSE"] == ("REVIEW", "DOCUMENT_SIMILAR")
    assert checks["CERTIFICATE_REUSE"] == ("PASSED", "")
    assert checks["NUMBER_MATCH"] == ("PASSED", "")
    detail = second.checks.get(name="DOCUMENT_REUSE").detail
    assert detail.startswith(f"looks like the scan of earlier request {first.pk} (")
    assert second.reasons[0]["message"] == (  # neutral: what it looks like is for staff
        "Our team is checking your certificate, usually within two working days."
    )


def test_staff_cannot_approve_a_waiver_whose_number_an_approved_one_read():
    """Two waivers verified at once (each before the other existed) meet at approval."""
    customer = borrower()
    loan = approved_loan(customer=customer)
    mistyped = waiver_in_review(
        customer=customer, loan=loan, amount=Decimal("5000"), number=MISTYPED
    )
    WaiverRequest.objects.filter(pk=mistyped.pk).update(certificate_number_read=RIGHT)
    typed_right = waiver_in_review(customer=customer, loan=loan, amount=Decimal("5000"))
    officer = waiver_officer()
    waiver_request_approve(waiver_request_id=mistyped.pk, actor=officer)

    with pytest.raises(ConflictError) as refused:
        waiver_request_approve(waiver_request_id=typed_right.pk, actor=officer)

    assert refused.value.code == "CERTIFICATE_ALREADY_USED"
    typed_right.refresh_from_db()
    assert typed_right.status == Status.VERIFIED


def test_the_waiver_page_links_the_requests_sharing_the_certificate_or_scan(
    client, django_capture_on_commit_callbacks
):
    scan = agri_scan()
    first = file_waiver(
        django_capture_on_commit_callbacks, document=scan, number=MISTYPED, email="a@example.com"
    )
    second = file_waiver(
        django_capture_on_commit_callbacks,
        document=as_jpeg(scan, quality=50),
        number=RIGHT,
        email="b@example.com",
    )
    login_verified(client, waiver_officer())
    page = client.get(f"/admin/waivers/waiverrequest/{second.pk}/change/").content.decode()

    row = page[page.index('<div class="waiver-alike">') :]
    row = row[: row.index("</div>")]
    assert f'<a href="/admin/waivers/waiverrequest/{first.pk}/change/">' in row
    assert f"typed {MISTYPED}, read {RIGHT}" in row
    assert "a@example.com" in row and "Manual review" in row
    assert "certificate number, scan " in row and " bits of 256 off" in row


def test_the_migration_takes_the_number_read_from_the_stored_candidates():
    """Waivers verified before the number read was stored count in the reuse checks too."""
    customer = borrower()
    waiver = waiver_in_review(
        customer=customer,
        loan=approved_loan(customer=customer),
        amount=Decimal("5000"),
        number=MISTYPED,
    )
    candidates = [
        {"read": "MH/2O24/004517", "number": RIGHT, "confidence": 88.0, "line": 3, "distance": 1},
        {
            "read": "MH/2024/123456",
            "number": "MH/2024/123456",
            "confidence": 95.0,
            "line": 9,
            "distance": 6,
        },
    ]
    WaiverRequest.objects.filter(pk=waiver.pk).update(
        candidates=candidates, certificate_number_read=""
    )
    migration = importlib.import_module("waivers.migrations.0004_certificate_reuse")

    migration.read_numbers_backfill(apps, None)

    waiver.refresh_from_db()
    assert waiver.certificate_number_read == RIGHT


@pytest.mark.django_db(databases=[])
def test_a_certificate_is_found_re_saved_but_its_layout_alone_looks_alike():
    """Why the pipeline rejects a scan alike only when a number matches too (no database)."""
    page = certificates.render_agri_relief()
    original = image_hash.image_hash(page).fine

    def distance_to(image: Image.Image) -> int:
        return image_hash.hamming(original, image_hash.image_hash(image).fine)

    threshold = image_hash.DEFAULT_MAX_DISTANCE
    resaved = Image.open(io.BytesIO(as_jpeg(certificates.to_bytes(page, "PNG"))))
    assert distance_to(resaved) <= threshold // 2  # 0 measured
    other = certificates.render_agri_relief(number="MH/2024/009876", name="Suresh Pawar")
    assert distance_to(other) <= threshold  # 4: only a name and a number differ
    assert distance_to(certificates.degrade(page)) > 4 * threshold  # 86: a photo is no copy
