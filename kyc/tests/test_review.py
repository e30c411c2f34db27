"""Staff review through the admin console and the services behind it."""

import threading

import pytest
from django.db import connection

from kyc.models import KycCase, KycCaseEvent
from kyc.services import kyc_case_approve, kyc_case_reject, kyc_case_request_resubmission
from kyc.tests.factories import KycCaseFactory
from smartbank.errors import ApplicationError, InvalidTransition
from smartbank.tests.auth import login_verified

pytestmark = pytest.mark.django_db


def review(client, case, action, reason=""):
    return client.post(
        f"/admin/kyc/kyccase/{case.pk}/review/", {"action": action, "reason": reason}, follow=True
    )


def test_staff_approve_from_the_case_page_records_reviewer_and_event(client, reviewer):
    case = KycCaseFactory()
    login_verified(client, reviewer)

    page = client.get(f"/admin/kyc/kyccase/{case.pk}/change/")
    assert page.status_code == 200
    assert b"Approve (VERIFIED)" in page.content
    assert b"XXXX XXXX 0124" in page.content

    response = review(client, case, "approve", "documents look fine")
    assert b"Case approved" in response.content
    case.refresh_from_db()
    assert case.status == KycCase.Status.VERIFIED
    assert case.decided_by == reviewer
    event = case.events.get(type=KycCaseEvent.Type.REVIEW_APPROVED)
    assert event.actor == reviewer
    assert event.data == {"from": "MANUAL_REVIEW", "to": "VERIFIED", "note": "documents look fine"}


def test_approving_twice_gives_one_approval_and_a_clear_error(client, reviewer):
    case = KycCaseFactory()
    login_verified(client, reviewer)
    review(client, case, "approve")
    response = review(client, case, "approve")
    assert b"cannot move to VERIFIED" in response.content
    assert case.events.filter(type=KycCaseEvent.Type.REVIEW_APPROVED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_yield_exactly_one_decision(reviewer):
    case = KycCaseFactory()
    results: list[str] = []
    barrier = threading.Barrier(2)

    def act(action):
        barrier.wait()
        try:
            if action == "approve":
                kyc_case_approve(kyc_case_id=case.pk, actor=reviewer)
            else:
                kyc_case_reject(kyc_case_id=case.pk, actor=reviewer, reason="forged card")
            results.append("ok")
        except InvalidTransition:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(a,)) for a in ("approve", "reject")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused"]
    decisions = case.events.filter(
        type__in=[KycCaseEvent.Type.REVIEW_APPROVED, KycCaseEvent.Type.REVIEW_REJECTED]
    )
    assert decisions.count() == 1


def test_reject_needs_a_reason_and_shows_it_to_the_customer(client, reviewer):
    case = KycCaseFactory()
    with pytest.raises(ApplicationError):
        kyc_case_reject(kyc_case_id=case.pk, actor=reviewer, reason="  ")
    kyc_case_reject(kyc_case_id=case.pk, actor=reviewer, reason="The card is expired.")
    case.refresh_from_db()
    assert case.status == KycCase.Status.REJECTED
    assert case.reasons == [{"code": "STAFF_REJECTED", "message": "The card is expired."}]

    login_verified(client, case.user)
    page = client.get("/kyc/")
    assert b"The card is expired." in page.content


def test_request_resubmission_grants_one_more_attempt_once(client, reviewer):
    case = KycCaseFactory(attempt=3)
    kyc_case_request_resubmission(
        kyc_case_id=case.pk, actor=reviewer, reason="Photo too dark, please retake"
    )
    case.refresh_from_db()
    assert case.status == KycCase.Status.REJECTED
    assert case.resubmission_allowed
    with pytest.raises(InvalidTransition):
        kyc_case_request_resubmission(kyc_case_id=case.pk, actor=reviewer, reason="again")

    login_verified(client, case.user)
    assert client.get("/kyc/submit/").status_code == 200


def test_events_are_append_only(reviewer):
    case = KycCaseFactory()
    kyc_case_approve(kyc_case_id=case.pk, actor=reviewer)
    event = case.events.get()
    event.data = {"tampered": True}
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()


def test_review_queue_lists_manual_review_first_and_searches_by_email(client, reviewer):
    verified = KycCaseFactory(status=KycCase.Status.VERIFIED, id_number="987654321014")
    waiting = KycCaseFactory(user__email="waiting@example.com")
    login_verified(client, reviewer)
    page = client.get("/admin/kyc/kyccase/").content.decode()
    assert page.index(waiting.user.email) < page.index(verified.user.email)
    page = client.get("/admin/kyc/kyccase/?q=waiting@").content.decode()
    assert waiting.user.email in page and verified.user.email not in page
    page = client.get("/admin/kyc/kyccase/?status__exact=VERIFIED").content.decode()
    assert verified.user.email in page and waiting.user.email not in page


def test_customer_cannot_reach_the_review_console(client):
    case = KycCaseFactory()
    login_verified(client, case.user)
    response = client.post(f"/admin/kyc/kyccase/{case.pk}/review/", {"action": "approve"})
    assert response.status_code == 403  # the staff console refuses a verified customer
    case.refresh_from_db()
    assert case.status == KycCase.Status.MANUAL_REVIEW


def test_staff_see_the_claim_guided_evidence_of_a_case_in_review(client, reviewer):
    # What the pipeline stores when the card shows initials where the customer typed names.
    case = KycCaseFactory(
        full_name="Rahul Kumar Sharma",
        reasons=[{"code": "NAME_INITIALS_ONLY", "message": "initials"}],
        extracted={
            "name": "Rahul K Sharma",
            "id_number": "XXXX XXXX 0124",
            "claim_checks": {
                "name": {
                    "support": "WEAK",
                    "code": "NAME_INITIALS_ONLY",
                    "read": "Rahul K Sharma",
                    "confidence": 91.5,
                    "pass": "threshold",
                },
                "id_number": {"support": "MATCH", "read": "XXXX XXXX 0124", "pass": "raw"},
            },
        },
    )
    login_verified(client, reviewer)

    page = client.get(f"/admin/kyc/kyccase/{case.pk}/change/").content.decode()

    assert "Claim on the card" in page
    assert "WEAK, &#x27;Rahul K Sharma&#x27;, confidence 92, reading threshold" in page
    assert "MATCH, &#x27;XXXX XXXX 0124&#x27;, reading raw" in page
    assert "234567890124" not in page
