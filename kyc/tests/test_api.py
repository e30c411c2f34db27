"""The KYC case API: one case for ever, to its owner and staff; 404 for anybody else."""

import datetime
import uuid

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from kyc.models import KycCase, KycCheck
from kyc.tests.factories import KycCaseFactory

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "Not found.", "code": "not_found"}


def client_for(user) -> APIClient:
    """An API client authenticated as ``user`` (as with a JWT from the two-step exchange)."""
    client = APIClient()
    client.force_authenticate(user)
    return client


def iso(value: datetime.datetime | None) -> str | None:
    """A datetime as DRF renders it (local time zone, ISO 8601)."""
    return None if value is None else timezone.localtime(value).isoformat()


def rejected_case(user) -> KycCase:
    case = KycCaseFactory(
        user=user,
        status=KycCase.Status.REJECTED,
        reasons=[{"code": "FACE_MISMATCH", "message": "The selfie is not the card's photo."}],
        decided_at=timezone.now(),
    )
    KycCheck.objects.create(
        case=case, position=0, name="DOCUMENT", status="PASSED", code="", detail="AADHAAR"
    )
    KycCheck.objects.create(
        case=case,
        position=1,
        name="FACE_MATCH",
        status="FAILED",
        code="FACE_MISMATCH",
        detail="distance 0.712",
    )
    return case


def test_owner_reads_their_case_with_reasons_and_checks_in_order(customer):
    case = rejected_case(customer)

    response = client_for(customer).get(f"/api/v1/kyc/cases/{case.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "kyc_case_id": str(case.pk),
        "status": "REJECTED",
        "attempt": 1,
        "reasons": [{"code": "FACE_MISMATCH", "message": "The selfie is not the card's photo."}],
        "checks": [
            # plain words for the customer (issue 12); the distance is for staff
            {"name": "DOCUMENT", "status": "PASSED", "detail": "Done."},
            {
                "name": "FACE_MATCH",
                "status": "FAILED",
                "detail": "This did not pass; see why above.",
            },
        ],
        "submitted_at": iso(case.created_at),
        "decided_at": iso(case.decided_at),
    }


def test_staff_read_any_case(customer, reviewer):
    case = KycCaseFactory(user=customer)  # MANUAL_REVIEW, not decided yet

    body = client_for(reviewer).get(f"/api/v1/kyc/cases/{case.pk}/").json()

    assert body["kyc_case_id"] == str(case.pk)
    assert body["status"] == "MANUAL_REVIEW"
    assert body["decided_at"] is None


def test_another_customers_case_and_an_unknown_id_are_the_same_404(customer):
    theirs = KycCaseFactory()  # another customer's case
    client = client_for(customer)

    for kyc_case_id in (theirs.pk, uuid.uuid4()):
        response = client.get(f"/api/v1/kyc/cases/{kyc_case_id}/")
        assert response.status_code == 404
        assert response.json() == NOT_FOUND


def test_a_case_needs_authentication(customer):
    case = KycCaseFactory(user=customer)
    assert APIClient().get(f"/api/v1/kyc/cases/{case.pk}/").status_code == 401


def test_the_old_case_url_keeps_describing_the_old_case_after_a_resubmission(customer):
    old = rejected_case(customer)
    new = KycCaseFactory(user=customer, attempt=2, status=KycCase.Status.PENDING, reasons=[])
    client = client_for(customer)

    old_body = client.get(f"/api/v1/kyc/cases/{old.pk}/").json()
    new_body = client.get(f"/api/v1/kyc/cases/{new.pk}/").json()

    assert (old_body["kyc_case_id"], old_body["attempt"]) == (str(old.pk), 1)
    assert old_body["status"] == "REJECTED" and len(old_body["checks"]) == 2
    assert (new_body["kyc_case_id"], new_body["attempt"]) == (str(new.pk), 2)
    assert new_body["status"] == "PENDING" and new_body["checks"] == []


def test_an_unknown_ocr_flow_is_404_with_the_error_body(customer):
    response = client_for(customer).get(f"/api/v1/kyc/flows/{uuid.uuid4()}/")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND
