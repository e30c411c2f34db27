"""Waiver requests through the services: submission rules, the verification on real scans,
staff decisions with the ledger posting, maker-checker, and notifications."""

from decimal import Decimal

import pytest
from django.core import mail

from accounts.models import AccountEvent, AccountType, BankAccount, LedgerEntry
from loans.loan_accounts import loan_account_get, loan_outstanding
from loans.models import LoanApplication
from smartbank.errors import ApplicationError, ConflictError, InvalidTransition, NotAllowed
from waivers.models import WaiverCheck, WaiverEvent, WaiverRequest
from waivers.services import waiver_request_approve, waiver_request_reject
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

TOTAL_REPAYABLE = Decimal("278256.23")  # INR 2,50,000 at 10.50 % over 24 months
Status = WaiverRequest.Status


@pytest.fixture
def farmer():
    return borrower(email="ramesh@example.com")


@pytest.fixture
def loan(farmer):
    return approved_loan(customer=farmer)


@pytest.fixture(scope="module")
def agri_png() -> bytes:
    return agri_scan()


def checks_of(waiver: WaiverRequest) -> dict[str, tuple[str, str]]:
    return {c.name: (c.status, c.code) for c in waiver.checks.all()}


def reason_codes(waiver: WaiverRequest) -> list[str]:
    return [r["code"] for r in waiver.reasons]


# --- submission ---------------------------------------------------------------------------


def test_submission_opens_the_loan_account_resolves_the_share_and_stores_the_scan(
    farmer, loan, agri_png
):
    waiver = submit(
        customer=farmer,
        loan=loan,
        document=agri_png,
        number="mh/2024/004517 ",
        percent=Decimal("10"),
    )

    assert waiver.status == Status.PENDING
    assert waiver.certificate_number == "MH/2024/004517"
    assert waiver.outstanding_at_request == TOTAL_REPAYABLE
    assert waiver.amount == Decimal("27825.62")  # 10 % rounded half-up to the paisa
    assert waiver.requested_percent == Decimal("10") and waiver.requested_amount is None
    assert waiver.content_type == "image/png" and len(waiver.sha256) == 64
    assert waiver.document.name.startswith("waivers/") and "upload" not in waiver.document.name
    account = loan_account_get(application=loan)
    assert account.account_type == AccountType.LOAN and account.status == BankAccount.Status.ACTIVE
    assert account.balance == TOTAL_REPAYABLE
    assert list(account.entries.values_list("entry_type", "amount", "reference")) == [
        ("CREDIT", TOTAL_REPAYABLE, f"{loan.application_id}-LOAN")
    ]
    assert AccountEvent.objects.get(account=account).type == AccountEvent.Type.OPENED
    event = waiver.events.get()
    assert (event.type, event.actor, event.data["amount"]) == ("SUBMITTED", farmer, "27825.62")


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"loan": "someone else's"}, "LOAN_NOT_ELIGIBLE", "loan"),
        ({"loan": "in review"}, "LOAN_NOT_ELIGIBLE", "loan"),
        ({"waiver": "penalty"}, "CERTIFICATE_NOT_ALLOWED", "certificate_type"),
        ({"number": "MH/24/004517"}, "CERTIFICATE_NUMBER_FORMAT", "certificate_number"),
        ({"amount": Decimal("1000"), "percent": Decimal("5")}, "invalid", "amount"),
        ({"amount": Decimal("300000")}, "WAIVER_EXCEEDS_OUTSTANDING", "amount"),
        ({"percent": Decimal("31")}, "ABOVE_WAIVER_TYPE_LIMIT", "percent"),
        ({"percent": Decimal("0")}, "INVALID_PERCENT", "percent"),
        ({"document": b"%!PS-Adobe-3.0 not an image"}, "UNSUPPORTED_FILE_TYPE", "document"),
    ],
)
def test_submission_is_refused_with_a_clear_field_error(
    farmer, loan, agri_png, change, code, field
):
    kwargs = {"customer": farmer, "loan": loan, "document": agri_png}
    if change.get("loan") == "someone else's":
        kwargs["loan"] = approved_loan(customer=borrower())
    elif change.get("loan") == "in review":
        kwargs["loan"] = approved_loan(customer=farmer, status=LoanApplication.Status.REVIEW)
    for key in ("waiver", "number", "amount", "percent", "document"):
        if key in change:
            kwargs[key] = change[key]

    with pytest.raises(ApplicationError) as caught:
        submit(**kwargs)

    assert (caught.value.code, caught.value.field) == (code, field)
    assert not WaiverRequest.objects.exists()


def test_a_waiver_type_caps_the_share_of_what_is_owed(farmer, loan, agri_png):
    with pytest.raises(ApplicationError) as caught:
        submit(customer=farmer, loan=loan, document=agri_png, amount=Decimal("83476.88"))

    assert caught.value.code == "ABOVE_WAIVER_TYPE_LIMIT"
    assert caught.value.message == (
        "An interest waiver covers at most 30% of what is owed (₹83,476.87)."
    )
    assert submit(customer=farmer, loan=loan, document=agri_png, amount=Decimal("83476.87"))


def test_a_full_relief_waiver_may_ask_for_everything_owed_but_not_more(farmer, loan, agri_png):
    waiver = submit(
        customer=farmer, loan=loan, document=agri_png, waiver="relief-full", percent=Decimal("100")
    )
    assert waiver.amount == TOTAL_REPAYABLE

    with pytest.raises(ApplicationError) as caught:
        submit(
            customer=farmer,
            loan=loan,
            document=agri_png,
            waiver="relief-full",
            amount=TOTAL_REPAYABLE + Decimal("0.01"),
        )
    assert caught.value.code == "WAIVER_EXCEEDS_OUTSTANDING"
    assert (
        caught.value.message == "You can ask for at most the ₹2,78,256.23 still owed on this loan."
    )


# --- verification on real scans -----------------------------------------------------------


def test_the_exact_number_on_the_scan_verifies_the_waiver(
    farmer, loan, agri_png, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        waiver = submit(customer=farmer, loan=loan, document=agri_png)

    waiver.refresh_from_db()
    assert waiver.status == Status.VERIFIED, waiver.reasons
    assert checks_of(waiver) == {
        "MALWARE_SCAN": ("PASSED", ""),
        "FILE": ("PASSED", ""),
        "DOCUMENT_REUSE": ("PASSED", ""),
        "CERTIFICATE_REUSE": ("PASSED", ""),
        "OCR": ("PASSED", ""),
        "NUMBER_MATCH": ("PASSED", ""),
    }
    assert [c["number"] for c in waiver.candidates] == ["MH/2024/004517"]
    assert waiver.candidates[0]["distance"] == 0
    assert waiver.ocr_encrypted and "004517" not in waiver.ocr_encrypted  # encrypted at rest
    assert list(waiver.events.values_list("type", flat=True)) == [
        "SUBMITTED",
        "PROCESSING_STARTED",
        "VERIFICATION_COMPLETED",
    ]
    (email,) = mail.outbox
    assert email.to == ["ramesh@example.com"]
    assert email.subject == "We are reviewing your loan waiver request"


def test_a_number_one_character_off_goes_to_staff(
    farmer, loan, agri_png, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        waiver = submit(customer=farmer, loan=loan, document=agri_png, number="MH/2024/004518")

    waiver.refresh_from_db()
    assert waiver.status == Status.MANUAL_REVIEW
    assert checks_of(waiver)["NUMBER_MATCH"] == ("REVIEW", "CERTIFICATE_NUMBER_MISMATCH")
    assert reason_codes(waiver) == ["CERTIFICATE_NUMBER_MISMATCH"]
    detail = waiver.checks.get(name="NUMBER_MATCH").detail
    assert detail.startswith("certificate shows MH/2024/004517 (one character differs)")


def test_a_number_absent_from_the_scan_is_rejected(
    farmer, loan, django_capture_on_commit_callbacks
):
    scan = certificates.to_bytes(certificates.render_calamity(), "PNG")
    with django_capture_on_commit_callbacks(execute=True):
        waiver = submit(
            customer=farmer,
            loan=loan,
            document=scan,
            certificate="natural-calamity",
            number="PUN/CAL/2023/55555",
        )

    waiver.refresh_from_db()
    assert waiver.status == Status.REJECTED
    assert waiver.reasons == [
        {
            "code": "CERTIFICATE_NUMBER_NOT_FOUND",
            "message": "We could not find the certificate number you entered on the certificate.",
        }
    ]
    assert checks_of(waiver)["NUMBER_MATCH"] == ("FAILED", "CERTIFICATE_NUMBER_NOT_FOUND")
    assert waiver.decided_at is not None
    assert mail.outbox[-1].subject == "About your loan waiver request"
    assert "could not find the certificate number" in mail.outbox[-1].body


def test_a_reading_below_the_confidence_threshold_goes_to_staff(
    farmer, loan, agri_png, settings, django_capture_on_commit_callbacks
):
    settings.WAIVER_OCR_LOW_CONFIDENCE = 99.5  # nothing Tesseract reads is that sure
    with django_capture_on_commit_callbacks(execute=True):
        waiver = submit(customer=farmer, loan=loan, document=agri_png)

    waiver.refresh_from_db()
    assert waiver.status == Status.MANUAL_REVIEW
    assert reason_codes(waiver) == ["OCR_LOW_CONFIDENCE", "CERTIFICATE_NUMBER_LOW_CONFIDENCE"]


def test_a_certificate_number_already_used_rejects_the_later_request(
    farmer, loan, agri_png, django_capture_on_commit_callbacks
):
    # Given a verified waiver backed by certificate MH/2024/004517
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(customer=farmer, loan=loan, document=agri_png)
    # When another customer sends a different scan of the same certificate number
    other = borrower()
    rescan = certificates.to_bytes(certificates.degrade(certificates.render_agri_relief()))
    with django_capture_on_commit_callbacks(execute=True):
        second = submit(customer=other, loan=approved_loan(customer=other), document=rescan)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.VERIFIED
    assert second.status == Status.REJECTED
    assert reason_codes(second) == ["CERTIFICATE_ALREADY_USED"]
    assert checks_of(second)["NUMBER_MATCH"] == ("PASSED", "")  # the scan itself is fine


def test_the_same_scan_under_another_number_is_rejected_as_reused(
    farmer, loan, agri_png, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(customer=farmer, loan=loan, document=agri_png)
    with django_capture_on_commit_callbacks(execute=True):
        again = submit(customer=farmer, loan=loan, document=agri_png, number="MH/2024/004518")

    again.refresh_from_db()
    assert again.status == Status.REJECTED
    assert checks_of(again)["DOCUMENT_REUSE"] == ("FAILED", "DOCUMENT_REUSED")
    assert "DOCUMENT_REUSED" in reason_codes(again)


def test_a_rejected_request_frees_its_certificate_for_a_new_one(
    farmer, loan, agri_png, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = submit(customer=farmer, loan=loan, document=agri_png, number="MH/2024/004518")
    waiver_request_reject(waiver_request_id=first.pk, actor=waiver_officer(), reason="Typo")
    with django_capture_on_commit_callbacks(execute=True):
        second = submit(customer=farmer, loan=loan, document=agri_png)

    second.refresh_from_db()
    assert second.status == Status.VERIFIED, second.reasons


# --- staff decisions ----------------------------------------------------------------------


def test_approval_debits_the_loan_account_once_and_reduces_what_is_owed(
    farmer, loan, django_capture_on_commit_callbacks
):
    waiver = waiver_in_review(customer=farmer, loan=loan, amount=Decimal("25000.00"))
    officer = waiver_officer()

    with django_capture_on_commit_callbacks(execute=True):
        approved = waiver_request_approve(
            waiver_request_id=waiver.pk, actor=officer, reason="Scheme 2024"
        )

    assert approved.status == Status.APPROVED
    assert (approved.decided_by, approved.review_note) == (officer, "Scheme 2024")
    assert loan_outstanding(application=loan) == Decimal("253256.23")
    entry = LedgerEntry.objects.get(reference=f"WAIVER-{waiver.pk}")
    assert (entry.entry_type, entry.amount, entry.balance_after) == (
        "DEBIT",
        Decimal("25000.00"),
        Decimal("253256.23"),
    )
    assert approved.ledger_entry == entry
    assert entry.narration == "Interest waiver: Agricultural debt relief certificate MH/2024/004517"
    event = waiver.events.get(type=WaiverEvent.Type.APPROVED)
    assert event.actor == officer
    assert event.data == {
        "from": "VERIFIED",
        "to": "APPROVED",
        "note": "Scheme 2024",
        "amount": "25000.00",
        "outstanding_before": "278256.23",
        "outstanding_after": "253256.23",
        "ledger_reference": f"WAIVER-{waiver.pk}",
        "maker": None,
    }
    email = mail.outbox[-1]
    assert email.subject == "Your loan waiver is approved"
    assert "You now owe ₹2,53,256.23 on this loan." in email.body

    # A second click finds it decided: one clear error, nothing posted twice
    with pytest.raises(InvalidTransition):
        waiver_request_approve(waiver_request_id=waiver.pk, actor=waiver_officer())
    assert LedgerEntry.objects.filter(reference__startswith="WAIVER-").count() == 1


def test_a_waiver_larger_than_what_is_still_owed_is_refused(farmer, loan):
    # Given two waivers that together exceed what is owed
    big = waiver_in_review(
        customer=farmer, loan=loan, amount=Decimal("270000.00"), waiver="relief-full"
    )
    small = waiver_in_review(
        customer=farmer, loan=loan, amount=Decimal("9000.00"), number="MH/2024/000777"
    )
    first, second = waiver_officer(), waiver_officer()
    waiver_request_approve(waiver_request_id=big.pk, actor=first)
    waiver_request_approve(waiver_request_id=big.pk, actor=second)  # four-eyes: above 1 lakh
    assert loan_outstanding(application=loan) == Decimal("8256.23")

    # When the smaller one is approved, the ledger refuses it with a clear error
    with pytest.raises(ApplicationError) as caught:
        waiver_request_approve(waiver_request_id=small.pk, actor=first)

    assert caught.value.code == "WAIVER_EXCEEDS_OUTSTANDING"
    assert caught.value.message == (
        f"The waiver of ₹9,000.00 is more than the ₹8,256.23 still owed on loan "
        f"{loan.application_id}. Reject it, or ask the customer for a smaller amount."
    )
    small.refresh_from_db()
    assert small.status == Status.VERIFIED and small.ledger_entry is None
    assert loan_outstanding(application=loan) == Decimal("8256.23")


def test_above_the_four_eyes_amount_a_second_different_officer_must_approve(farmer, loan, settings):
    settings.WAIVER_FOUR_EYES_AMOUNT = Decimal("50000.00")
    waiver = waiver_in_review(
        customer=farmer, loan=loan, amount=Decimal("80000.00"), status=Status.MANUAL_REVIEW
    )
    maker, checker = waiver_officer(), waiver_officer()

    after_first = waiver_request_approve(waiver_request_id=waiver.pk, actor=maker)
    assert after_first.status == Status.MANUAL_REVIEW
    assert after_first.first_approved_by == maker and after_first.awaiting_second_approval
    assert loan_outstanding(application=loan) == Decimal("278256.23")

    with pytest.raises(ConflictError) as caught:
        waiver_request_approve(waiver_request_id=waiver.pk, actor=maker)
    assert caught.value.code == "SAME_APPROVER"
    assert caught.value.message == (
        "You gave the first approval; a different waiver officer must give the second."
    )

    done = waiver_request_approve(waiver_request_id=waiver.pk, actor=checker)
    assert done.status == Status.APPROVED and done.decided_by == checker
    assert loan_outstanding(application=loan) == Decimal("198256.23")
    assert list(waiver.events.values_list("type", flat=True)) == ["FIRST_APPROVAL", "APPROVED"]
    assert waiver.events.get(type="APPROVED").data["maker"] == str(maker.pk)


def test_at_or_below_the_four_eyes_amount_one_approval_is_enough(farmer, loan, settings):
    settings.WAIVER_FOUR_EYES_AMOUNT = Decimal("25000.00")
    waiver = waiver_in_review(customer=farmer, loan=loan, amount=Decimal("25000.00"))

    assert (
        waiver_request_approve(waiver_request_id=waiver.pk, actor=waiver_officer()).status
        == "APPROVED"
    )


def test_rejection_needs_a_reason_and_tells_the_customer(
    farmer, loan, django_capture_on_commit_callbacks
):
    waiver = waiver_in_review(customer=farmer, loan=loan, amount=Decimal("5000.00"))
    officer = waiver_officer()

    with pytest.raises(ApplicationError) as caught:
        waiver_request_reject(waiver_request_id=waiver.pk, actor=officer, reason="  ")
    assert (caught.value.code, caught.value.field) == ("required", "reason")

    with django_capture_on_commit_callbacks(execute=True):
        rejected = waiver_request_reject(
            waiver_request_id=waiver.pk, actor=officer, reason="The scheme ended in March."
        )
    assert rejected.status == Status.REJECTED
    assert rejected.reasons == [{"code": "STAFF_REJECTED", "message": "The scheme ended in March."}]
    assert "- The scheme ended in March." in mail.outbox[-1].body
    assert loan_outstanding(application=loan) == Decimal("278256.23")


def test_only_waiver_officers_decide_and_never_their_own_waiver(farmer, loan):
    waiver = waiver_in_review(customer=farmer, loan=loan, amount=Decimal("5000.00"))
    clerk = borrower(is_staff=True)  # staff, not in the group
    officer_with_a_loan = waiver_officer()
    own = waiver_in_review(
        customer=officer_with_a_loan,
        loan=approved_loan(customer=officer_with_a_loan),
        amount=Decimal("5000.00"),
        number="MH/2024/000001",
    )

    with pytest.raises(NotAllowed) as not_officer:
        waiver_request_approve(waiver_request_id=waiver.pk, actor=clerk)
    with pytest.raises(NotAllowed) as own_waiver:
        waiver_request_approve(waiver_request_id=own.pk, actor=officer_with_a_loan)

    assert not_officer.value.code == "FORBIDDEN" and not_officer.value.status_code == 403
    assert own_waiver.value.code == "OWN_WAIVER"


def test_a_pending_waiver_cannot_be_approved(farmer, loan):
    waiver = waiver_in_review(customer=farmer, loan=loan, amount=Decimal("5000"), status="PENDING")

    with pytest.raises(InvalidTransition) as caught:
        waiver_request_approve(waiver_request_id=waiver.pk, actor=waiver_officer())

    assert caught.value.message == (
        "This waiver request is pending; only verified requests and requests in manual review "
        "can be approved."
    )


def test_a_certificate_approved_for_another_waiver_cannot_be_approved_again(farmer, loan):
    first = waiver_in_review(customer=farmer, loan=loan, amount=Decimal("5000.00"))
    other = borrower()
    # made directly: the verification would have rejected it as CERTIFICATE_ALREADY_USED
    second = waiver_in_review(
        customer=other, loan=approved_loan(customer=other), amount=Decimal("5000.00")
    )
    officer = waiver_officer()
    waiver_request_approve(waiver_request_id=first.pk, actor=officer)

    with pytest.raises(ConflictError) as caught:
        waiver_request_approve(waiver_request_id=second.pk, actor=officer)

    assert caught.value.code == "CERTIFICATE_ALREADY_USED"
    assert WaiverCheck.objects.count() == 0  # nothing else touched
