"""The staff console: the waiver page with the scan, OCR text and candidates side by side, the
decision buttons, and certificate types refusing a pattern the engine cannot use."""

import re
from decimal import Decimal

import pytest

from accounts.tests.auth import login_verified
from loans.loan_accounts import loan_outstanding
from waivers.models import CertificateType, WaiverRequest
from waivers.tests.factories import (
    agri_scan,
    approved_loan,
    borrower,
    submit,
    waiver_in_review,
    waiver_officer,
)

pytestmark = pytest.mark.django_db


def change_url(waiver: WaiverRequest) -> str:
    return f"/admin/waivers/waiverrequest/{waiver.pk}/change/"


def test_the_waiver_page_shows_the_scan_the_ocr_text_and_the_numbers_found(
    client, django_capture_on_commit_callbacks
):
    customer = borrower()
    with django_capture_on_commit_callbacks(execute=True):
        waiver = submit(
            customer=customer,
            loan=approved_loan(customer=customer),
            document=agri_scan(),
            number="MH/2024/004518",
        )
    login_verified(client, waiver_officer())

    page = client.get(change_url(waiver)).content.decode()

    assert f'<img src="/waivers/{waiver.pk}/certificate/" alt="Certificate scan">' in page
    ocr_text = re.search(r'<pre id="waiver-ocr-text">(.*?)</pre>', page, re.S).group(1)
    assert "DEBT RELIEF CERTIFICATE" in ocr_text and "MH/2024/004517" in ocr_text
    assert '<code id="waiver-typed-number">MH/2024/004518</code>' in page
    row = re.search(r'<tr class="near">(.*?)</tr>', page, re.S).group(1)
    assert "<code>MH/2024/004517</code>" in row and "<td>1</td>" in row
    assert "CERTIFICATE_NUMBER_MISMATCH" in page
    assert ">Approve the waiver</button>" in page and ">Reject</button>" in page
    # the decision form sits outside the admin's own form
    admin_form_end = page.index("</form>", page.index('id="waiverrequest_form"'))
    assert page.index('<form id="waiver-review-form"') > admin_form_end


def test_approving_in_the_console_debits_the_loan_and_says_so(client):
    customer = borrower()
    loan = approved_loan(customer=customer)
    waiver = waiver_in_review(customer=customer, loan=loan, amount=Decimal("25000.00"))
    login_verified(client, waiver_officer())

    response = client.post(
        f"/admin/waivers/waiverrequest/{waiver.pk}/review/", {"action": "approve"}, follow=True
    )

    assert response.redirect_chain[-1][0] == change_url(waiver)
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        f"Waiver approved: ₹25,000.00 taken off loan {loan.application_id}; "
        "₹2,53,256.23 still owed."
    ]
    assert loan_outstanding(application=loan) == Decimal("253256.23")
    assert "DEBIT ₹25,000.00 (WAIVER-" in response.content.decode()


def test_a_rejection_without_a_reason_is_refused_with_a_message(client):
    customer = borrower()
    waiver = waiver_in_review(
        customer=customer, loan=approved_loan(customer=customer), amount=Decimal("5000")
    )
    login_verified(client, waiver_officer())

    response = client.post(
        f"/admin/waivers/waiverrequest/{waiver.pk}/review/",
        {"action": "reject", "reason": ""},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == ["Give a reason for the rejection."]
    waiver.refresh_from_db()
    assert waiver.status == WaiverRequest.Status.VERIFIED


def test_staff_who_only_view_waivers_get_no_decision_buttons(client):
    customer = borrower()
    waiver = waiver_in_review(
        customer=customer, loan=approved_loan(customer=customer), amount=Decimal("5000")
    )
    viewer = borrower(is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(
        Permission.objects.get(codename="view_waiverrequest", content_type__app_label="waivers")
    )
    login_verified(client, viewer)

    page = client.get(change_url(waiver)).content.decode()

    assert "Only waiver officers decide waiver requests." in page
    assert "Approve the waiver" not in page


def test_a_certificate_type_with_an_unusable_pattern_is_refused(client):
    login_verified(client, waiver_officer())

    response = client.post(
        "/admin/waivers/certificatetype/add/",
        {
            "code": "income",
            "name": "Income certificate",
            "issuing_authority": "Tahsildar",
            "number_pattern": r"(INC|IC)\d{6}",
            "number_example": "INC123456",
            "allowed_waiver_types": [],
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "number_pattern": ["Groups and alternatives (|) are not supported."]
    }
    assert not CertificateType.objects.filter(code="income").exists()
