"""The staff console (issue 12): decision forms at the top of each case, the documents beside
the fields, the matched customer linked on a duplicate face, work-queue counts on the index,
the account approval page's customer, audit data as readable rows, numbers rounded."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import BankAccount
from accounts.tests.banking_factories import BankAccountFactory, onboarded_customer
from kyc.models import KycCase, KycCaseEvent, KycCheck, KycDocument
from kyc.pipeline import face_checks
from kyc.tests.factories import KycCaseFactory
from loans.models import LoanApplication
from loans.tests.factories import staff_member
from smartbank.admin import humanise_key, readable_data, round_for_people
from smartbank.tests import cards
from smartbank.tests.auth import login_verified
from smartbank.tests.factories import UserFactory
from waivers.models import WaiverRequest
from waivers.tests.factories import approved_loan, borrower, waiver_in_review

pytestmark = pytest.mark.django_db

#: An encoding of 128 floats (the shape dlib gives): a customer's face.
FACE = [0.01 * (i % 7) for i in range(128)]


def near(encoding: list[float], by: float) -> list[float]:
    """``encoding`` moved ``by`` along its first axis (Euclidean distance ``by``)."""
    return [encoding[0] + by, *encoding[1:]]


def loan_in_review() -> LoanApplication:
    customer = borrower(email="loan-review@example.com")
    return approved_loan(customer=customer, status=LoanApplication.Status.REVIEW)


def decision_before_fields(html: str, decision_id: str) -> bool:
    """The decision fieldset comes before the first field row of the page (and its buttons
    before the first fieldset heading, when the page has named fieldsets)."""
    decision = html.index(f'id="{decision_id}"')
    return decision < html.index("form-row field-")


def test_decision_forms_come_before_the_fields_on_every_case_page(client, reviewer):
    case = KycCaseFactory()
    loan = loan_in_review()
    customer = borrower(email="waiver@example.com")
    waiver = waiver_in_review(
        customer=customer, loan=approved_loan(customer=customer), amount=Decimal("1000.00")
    )
    account = BankAccountFactory()
    login_verified(client, reviewer)

    pages = {
        "kyc-review": f"/admin/kyc/kyccase/{case.pk}/change/",
        "loan-review": f"/admin/loans/loanapplication/{loan.pk}/change/",
        "waiver-review": f"/admin/waivers/waiverrequest/{waiver.pk}/change/",
        "bank-decide": f"/admin/accounts/bankaccount/{account.pk}/change/",
    }
    buttons = {
        "kyc-review": "Approve (VERIFIED)",
        "loan-review": ">Approve</button>",
        "waiver-review": "Approve the waiver",
        "bank-decide": "Approve (open the account)",
    }
    for decision_id, url in pages.items():
        html = client.get(url).content.decode()
        assert decision_before_fields(html, decision_id), url
        assert html.index(buttons[decision_id]) < html.index("form-row field-"), url
        # One decision form per page, posting to the existing handler outside the admin form.
        assert html.count(f'id="{decision_id}"') == 1


def test_long_sections_are_collapsed_by_default(client, reviewer):
    case = KycCaseFactory()
    KycCaseEvent.objects.create(case=case, type=KycCaseEvent.Type.SUBMITTED, data={"attempt": 1})
    login_verified(client, reviewer)

    html = client.get(f"/admin/kyc/kyccase/{case.pk}/change/").content.decode()

    events = html.index('id="events-heading"')
    assert html.rindex("<details><summary>", 0, events) > html.rindex("<fieldset", 0, events)
    raw = html.index(">Raw data</h2>")
    assert html.rindex("<details><summary>", 0, raw) > html.rindex("<fieldset", 0, raw)


def test_the_kyc_case_shows_the_documents_beside_the_fields(client, reviewer, settings):
    case = KycCaseFactory()
    for kind in (KycDocument.Kind.ID_DOCUMENT, KycDocument.Kind.SELFIE):
        KycDocument.objects.create(
            case=case, kind=kind, content_type="image/png", size_bytes=10, sha256="0" * 64
        )
    login_verified(client, reviewer)

    html = client.get(f"/admin/kyc/kyccase/{case.pk}/change/").content.decode()

    grid = html.index('class="kyc-case-grid"')
    fields, images = html.index('class="kyc-case-fields"'), html.index('class="kyc-case-images"')
    assert grid < fields < html.index("field-comparison") < images
    aside = html[images : html.index("</aside>", images)]
    for document in case.documents.all():
        # Served by the private document view, which checks the viewer.
        assert f'<img src="/kyc/documents/{document.pk}/"' in aside
    assert "<figcaption>ID document</figcaption>" in aside
    assert "<figcaption>Selfie</figcaption>" in aside


def test_a_duplicate_face_case_links_the_matched_customers_case(client, reviewer, settings):
    matched_user = UserFactory(full_name="Asha Verma", email="asha@example.com")
    matched = KycCaseFactory(user=matched_user, status="VERIFIED", reasons=[], face_encoding=FACE)
    case = KycCaseFactory(face_encoding=near(FACE, 0.07527394454137927), face_distance=0.3141592)
    KycCheck.objects.create(
        case=case,
        position=0,
        name="DUPLICATE_FACE",
        status="REVIEW",
        code="DUPLICATE_FACE",
        detail=f"another customer's face at distance 0.075 in case {matched.pk}",
    )
    login_verified(client, reviewer)

    html = client.get(f"/admin/kyc/kyccase/{case.pk}/change/").content.decode()

    link = f'<a href="/admin/kyc/kyccase/{matched.pk}/change/">'
    evidence = re.search(r'<div class="face-alike">(.*?)</div>', html, re.S).group(1)
    assert link + "Asha Verma</a>" in evidence
    assert "asha@example.com" in evidence and "distance 0.075" in evidence
    # The check's detail links the same case.
    assert f"in case {link}{matched.pk}</a>" in html
    # Rounded for people: 3 decimals, never the raw float.
    assert "0.314" in html and "0.3141592" not in html
    assert "0.07527394454137927" not in html


def test_the_duplicate_face_check_records_the_matched_case_going_forward(settings):
    selfie, card = cards.selfie_of("astronaut"), cards.face_photo("astronaut")
    _, _, encoding = face_checks(selfie_image=selfie, id_image=card, other_encodings={})
    assert encoding is not None
    matched = "11111111-2222-3333-4444-555555555555"
    others = {matched: near(encoding, 0.05), "another": near(encoding, 0.5)}

    found, _, _ = face_checks(selfie_image=selfie, id_image=card, other_encodings=others)

    (duplicate,) = [c for c in found if c.name == "DUPLICATE_FACE"]
    assert duplicate.code == "DUPLICATE_FACE"
    assert duplicate.detail.endswith(f"in case {matched}")
    assert "distance 0.050" in duplicate.detail


def test_the_index_shows_each_work_queue_with_its_count_and_filtered_list(client, reviewer):
    KycCaseFactory.create_batch(2)  # MANUAL_REVIEW
    KycCaseFactory(status="VERIFIED", reasons=[])
    loan_in_review()
    customer = borrower(email="queues@example.com")
    loan = approved_loan(customer=customer)
    waiver_in_review(customer=customer, loan=loan, amount=Decimal("500.00"))
    waiver_in_review(
        customer=customer,
        loan=loan,
        amount=Decimal("600.00"),
        status=WaiverRequest.Status.MANUAL_REVIEW,
        number="MH/2024/000001",
    )
    BankAccountFactory.create_batch(3)
    login_verified(client, reviewer)

    html = client.get("/admin/").content.decode()

    queues = dict(
        re.findall(
            r'data-queue="(\w+)">.*?class="staff-queue-count"><strong>(\d+)</strong>', html, re.S
        )
    )
    assert queues == {"kyc": "2", "loans": "1", "waivers": "2", "accounts": "3"}
    for url in (
        "/admin/kyc/kyccase/?status__exact=MANUAL_REVIEW",
        "/admin/loans/loanapplication/?status__exact=REVIEW",
        "/admin/waivers/waiverrequest/?status__in=VERIFIED,MANUAL_REVIEW",
        "/admin/accounts/bankaccount/?status__exact=REQUESTED",
    ):
        assert f'href="{url}"' in html
        assert client.get(url).status_code == 200, url

    listed = client.get("/admin/kyc/kyccase/?status__exact=MANUAL_REVIEW").content.decode()
    assert "2 KYC cases" in listed or "2 kyc cases" in listed.lower()


def test_the_index_counts_cost_one_query_each(client, reviewer, django_assert_max_num_queries):
    from smartbank.admin import STAFF_QUEUES

    for queue in STAFF_QUEUES.values():
        with django_assert_max_num_queries(1):
            queue.count()


def test_staff_see_only_the_queues_of_their_role(client):
    officer = staff_member()  # a loan officer
    login_verified(client, officer)

    html = client.get("/admin/").content.decode()

    assert 'data-queue="loans"' in html
    assert 'data-queue="kyc"' not in html and 'data-queue="accounts"' not in html


def test_the_account_approval_page_shows_the_customers_name_kyc_status_and_masked_id(
    client, reviewer
):
    account = BankAccountFactory(user=onboarded_customer(full_name="Kavya Iyer"))
    case = KycCase.objects.get(user=account.user)
    login_verified(client, reviewer)

    html = client.get(f"/admin/accounts/bankaccount/{account.pk}/change/").content.decode()

    assert account.status == BankAccount.Status.REQUESTED
    assert "Kavya Iyer" in html
    link = f'<a href="/admin/kyc/kyccase/{case.pk}/change/" id="account-kyc-link">Verified</a>'
    assert link in html
    assert "Aadhaar XXXX XXXX 0124" in html
    assert "234567890124" not in html


def test_audit_data_reads_as_rows_with_labels_and_rounded_numbers(client, reviewer, settings):
    settings.TIME_ZONE = "Asia/Kolkata"
    case = KycCaseFactory()
    KycCaseEvent.objects.create(
        case=case,
        type=KycCaseEvent.Type.KYC_COMPLETED,
        data={
            "from": "PROCESSING",
            "to": "MANUAL_REVIEW",
            "face_distance": 0.07527394454137927,
            "decided_at": "2026-12-01T23:31:00+00:00",
            "checks": [{"name": "FACE_MATCH", "status": "PASSED", "detail": "distance 0.075"}],
            "resubmission_allowed": False,
        },
    )
    login_verified(client, reviewer)

    html = client.get(f"/admin/kyc/kyccase/{case.pk}/change/").content.decode()

    assert "<tr><th>From status</th><td>PROCESSING</td></tr>" in html
    assert "<tr><th>Face distance</th><td>0.075</td></tr>" in html
    assert "<tr><th>Resubmission allowed</th><td>No</td></tr>" in html
    # Times in the site's zone only: 23:31 UTC is 05:01 the next day in India.
    assert "<tr><th>Decided at</th><td>2 Dec 2026, 05:01 IST</td></tr>" in html
    checks = re.search(r"<th>Checks</th><td>(.*?)</table>", html, re.S).group(1)
    assert "<th>Name</th>" in checks and "<td>FACE_MATCH</td>" in checks
    assert "0.07527394454137927" not in html
    assert "&quot;from&quot;" not in html and '{"from"' not in html


def test_readable_rows_and_rounding():
    assert humanise_key("kyc_case_id") == "KYC case ID"
    assert humanise_key("dti_ratio") == "DTI ratio"
    assert round_for_people(0.07527394454137927) == "0.075"
    assert round_for_people(2.0) == "2"
    assert readable_data({}) == "—"
    assert (
        str(readable_data({"note": None}))
        == '<table class="event-data"><tr><th>Note</th><td>—</td></tr></table>'
    )
    when = timezone.make_aware(datetime.datetime(2026, 1, 1, 12, 0), datetime.UTC)
    assert "UTC" not in str(readable_data({"at": when.isoformat()}))
