"""The loans API: seed 001's curl examples with exact outcomes, errors, visibility (IDOR) and
staff actions."""

import json

import pytest
from rest_framework.test import APIClient

from accounts.tests.auth import api_client_for
from accounts.tests.factories import CustomerProfileFactory
from kyc.tests.factories import KycCaseFactory
from loans.models import LoanApplication, LoanApplicationEvent
from loans.watchlists import watchlist_import

from .factories import (
    SEED_BODY,
    SEED_BODY_JSON,
    SEED_TEST_USER_JSON,
    US_PHONE,
    default_product,
    integrator,
    seed_body,
    staff_member,
    submit,
    write_targets_csv,
)

URL = "/api/v1/loan-applications/"
E = LoanApplicationEvent.Type


def detail(application_id, action=""):
    return f"{URL}{application_id}/{action + '/' if action else ''}"


# --- seed 001's curl examples (transactional: the checks run before the response) ---------

seed_example = pytest.mark.django_db(transaction=True)


PLAN_REMARK = (
    "Phone number '+1234567890' is not a valid number of the +1 (US) numbering plan: confirm "
    "it with the applicant before relying on it"
)


def test_the_byte_constants_are_the_seed_bodies():
    assert json.loads(SEED_BODY_JSON) == SEED_BODY
    assert json.loads(SEED_TEST_USER_JSON) == {
        "name": "Test User",
        "email": "test@example.com",
        "phone": "+1234567890",
        "region": "AMERICAS",
        "country": "United States",
        "income": 80000,
        "debt": 20000,
        "credit_score": 720,
        "loan_amount": 200000,
        "loan_purpose": "Home Purchase",
        "documents_uploaded": True,
        "documents": ["ID_Proof", "Income_Statement", "Address_Proof"],
    }


@seed_example
@pytest.mark.parametrize(
    ("raw", "name", "dti_ratio"),
    [(SEED_BODY_JSON, "John Doe", 0.294), (SEED_TEST_USER_JSON, "Test User", 0.25)],
    ids=["request-body-example", "test-user-example"],
)
def test_seed_examples_sent_byte_for_byte_are_approved(raw, name, dti_ratio):
    """Issue 14: seed 001's rule is "minimum 10 digits", so its +1234567890 passes KYC; that
    phonenumbers finds it too short for the +1 plan is a remark for staff, not a rejection."""
    default_product()
    client = api_client_for(integrator())
    response = client.post(URL, data=raw, content_type="application/json")

    assert response.status_code == 201
    body = response.json()
    assert body["message"] == "Loan application submitted and processed successfully"
    app = body["application"]
    assert {
        k: app[k]
        for k in (
            "name",
            "phone",
            "kyc_status",
            "compliance_status",
            "eligibility_status",
            "final_status",
            "dti_ratio",
            "alert_sent",
        )
    } == {
        "name": name,
        "phone": "+1234567890",
        "kyc_status": "APPROVED",
        "compliance_status": "APPROVED",
        "eligibility_status": "APPROVED",
        "final_status": "APPROVED",
        "dti_ratio": dti_ratio,
        "alert_sent": False,  # no SMS to a number that cannot be one
    }
    # The integrator never sees the staff remark: not in the response, the status, the list.
    status = client.get(detail(app["application_id"])).json()
    listed = client.get(URL).json()["applications"][0]
    for shown in (app, status, listed):
        assert "kyc_staff_remarks" not in shown
        assert "numbering plan" not in json.dumps(shown)
    assert app["kyc_remarks"] == (
        "Email format valid; Phone number has at least 10 digits; Documents uploaded (3); "
        "Name valid; Region valid; Country valid"
    )
    # Staff see it on the application and in the KYC stage's audit event.
    staff = api_client_for(staff_member())
    assert staff.get(detail(app["application_id"])).json()["kyc_staff_remarks"] == PLAN_REMARK
    events = staff.get(detail(app["application_id"], "events")).json()["events"]
    kyc_event = next(e for e in events if e["type"] == E.KYC_CHECKED)
    assert kyc_event["data"]["staff_remarks"] == PLAN_REMARK


@seed_example
def test_a_phone_with_fewer_than_ten_digits_is_still_rejected():
    default_product()
    raw = SEED_BODY_JSON.replace(b'"+1234567890"', b'"+123456789"')
    app = (
        api_client_for(integrator())
        .post(URL, data=raw, content_type="application/json")
        .json()["application"]
    )

    assert (app["kyc_status"], app["final_status"]) == ("REJECTED", "REJECTED")
    assert app["kyc_remarks"] == "Invalid phone number '+123456789': it needs at least 10 digits"
    assert app["eligibility_status"] == "APPROVED" and app["dti_ratio"] == 0.294


@seed_example
def test_seed_submit_example_with_a_real_phone_is_approved_with_dti_0_294():
    default_product()
    response = api_client_for(integrator()).post(URL, seed_body(), format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["message"] == "Loan application submitted and processed successfully"
    app = body["application"]
    assert app["application_id"].startswith("LOAN-") and len(app["application_id"]) == 22
    assert {
        k: app[k]
        for k in (
            "name",
            "email",
            "phone",
            "region",
            "country",
            "country_code",
            "income",
            "debt",
            "credit_score",
            "loan_amount",
            "loan_purpose",
            "documents_uploaded",
            "documents",
            "kyc_status",
            "compliance_status",
            "eligibility_status",
            "final_status",
            "dti_ratio",
            "political_connection",
            "senior_relative",
            "alert_sent",
            "email_sent",
            "product",
            "tenure_months",
            "emi",
        )
    } == {
        "name": "John Doe",
        "email": "john.doe@example.com",
        "phone": US_PHONE,
        "region": "AMERICAS",
        "country": "United States",
        "country_code": "US",
        "income": "85000.00",
        "debt": "25000.00",
        "credit_score": 720,
        "loan_amount": "250000.00",
        "loan_purpose": "Home Purchase",
        "documents_uploaded": True,
        "documents": ["ID_Proof", "Income_Statement", "Address_Proof"],
        "kyc_status": "APPROVED",
        "compliance_status": "APPROVED",
        "eligibility_status": "APPROVED",
        "final_status": "APPROVED",
        "dti_ratio": 0.294,
        "political_connection": False,
        "senior_relative": False,
        "alert_sent": True,
        "email_sent": True,
        "product": "personal-standard",
        "tenure_months": 60,
        "emi": "5373.48",
    }
    assert app["final_remarks"] == "All verification stages approved"


@seed_example
def test_seed_curl_example_without_documents_fails_kyc():
    default_product()
    body = {k: v for k, v in SEED_BODY.items() if not k.startswith("documents")}
    response = api_client_for(integrator()).post(URL, body, format="json")

    app = response.json()["application"]
    assert response.status_code == 201
    assert app["kyc_status"] == "REJECTED"
    assert app["kyc_remarks"] == "Documents not uploaded"
    assert app["final_status"] == "REJECTED"


@seed_example
def test_seed_quick_start_example_is_approved():
    default_product()
    body = {
        "name": "Test User",
        "email": "test@example.com",
        "phone": US_PHONE,
        "region": "AMERICAS",
        "country": "United States",
        "income": 80000,
        "debt": 20000,
        "credit_score": 720,
        "loan_amount": 200000,
        "loan_purpose": "Home Purchase",
        "documents_uploaded": True,
        "documents": ["ID_Proof"],
    }
    client = api_client_for(integrator())
    app = client.post(URL, body, format="json").json()["application"]

    assert (app["final_status"], app["dti_ratio"]) == ("APPROVED", 0.25)
    # "Check the application status"
    status = client.get(detail(app["application_id"])).json()
    assert status["final_status"] == "APPROVED"
    # Submitting the same again is a duplicate (seed 001's 409).
    again = client.post(URL, body, format="json")
    assert again.status_code == 409
    assert again.json() == {
        "detail": "This applicant already has a pending or approved application for the same "
        "amount and purpose.",
        "code": "DUPLICATE_APPLICATION",
    }


@pytest.mark.django_db
def test_seed_simple_eligibility_check_stores_nothing():
    response = api_client_for(integrator()).post(
        "/api/v1/loans/eligibility/",
        {
            "name": "Jane Smith",
            "email": "jane@example.com",
            "income": 75000,
            "debt": 25000,
            "credit_score": 720,
        },
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == {
        "name": "Jane Smith",
        "email": "jane@example.com",
        "eligible": True,
        "status": "APPROVED",
        "dti_ratio": 0.333,
        "reasons": [],
        "checks": [
            {"code": "DTI", "outcome": "PASS", "detail": "DTI 0.333 is below 0.400"},
            {
                "code": "CREDIT_SCORE",
                "outcome": "PASS",
                "detail": "Credit score 720 meets the minimum 650",
            },
            {
                "code": "MIN_INCOME",
                "outcome": "PASS",
                "detail": "Income 75000.00 meets the minimum 30000.00",
            },
        ],
    }
    assert not LoanApplication.objects.exists()


@pytest.mark.django_db
def test_eligibility_check_gives_reasons():
    response = api_client_for(integrator()).post(
        "/api/v1/loans/eligibility/",
        {
            "name": "Jane Smith",
            "email": "jane@example.com",
            "income": 20000,
            "debt": 10000,
            "credit_score": 600,
        },
        format="json",
    )
    body = response.json()
    assert (body["eligible"], body["status"], body["dti_ratio"]) == (False, "REJECTED", 0.5)
    assert body["reasons"] == [
        "DTI 0.500 is not below the maximum 0.400",
        "Credit score 600 is below the minimum 650",
        "Income 20000.00 is below the minimum 30000.00",
    ]


@pytest.mark.django_db
def test_eligibility_check_with_debt_far_above_income_answers_its_dti():
    """A DTI of 100000 (debt 100000 on income 1) is reported, not a 500."""
    response = api_client_for(integrator()).post(
        "/api/v1/loans/eligibility/",
        {
            "name": "Jane Smith",
            "email": "jane@example.com",
            "income": 1,
            "debt": 100000,
            "credit_score": 720,
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["eligible"], body["status"], body["dti_ratio"]) == (False, "REJECTED", 100000.0)


@seed_example
def test_an_application_with_debt_far_above_income_is_rejected_not_stuck():
    """The DTI of the smallest income and the largest debt the API accepts fits the column,
    so the checks finish (REJECTED on eligibility) instead of failing on save."""
    default_product()
    response = api_client_for(integrator()).post(
        URL, seed_body(income="0.01", debt="999999999999.99"), format="json"
    )

    assert response.status_code == 201
    app = response.json()["application"]
    assert (app["status"], app["eligibility_status"], app["dti_ratio"]) == (
        "REJECTED",
        "REJECTED",
        99999999999999.0,
    )


# --- errors -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_missing_and_invalid_fields_answer_400_with_field_errors():
    client = api_client_for(integrator())
    response = client.post(URL, {"name": "John Doe"}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {  # no region: the country's is stored (issue 12)
        "email",
        "phone",
        "country",
        "income",
        "debt",
        "credit_score",
        "loan_amount",
        "loan_purpose",
    }

    response = client.post(URL, seed_body(region="MARS", credit_score="high"), format="json")
    assert set(response.json()["errors"]) == {"region", "credit_score"}

    response = client.post(URL, seed_body(country="Atlantis"), format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Enter a country name or ISO 3166 code.",
        "code": "invalid",
        "errors": {"country": ["Enter a country name or ISO 3166 code."]},
    }
    assert not LoanApplication.objects.exists()


@pytest.mark.django_db
def test_anonymous_callers_are_refused():
    assert APIClient().post(URL, seed_body(), format="json").status_code in (401, 403)
    assert APIClient().get(URL).status_code in (401, 403)


# --- visibility ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_integrators_and_customers_see_only_their_own():
    owner, other = integrator(), integrator()
    mine = submit(submitted_by=owner)
    theirs = submit(submitted_by=other, email="other@example.com")
    client = api_client_for(owner)

    assert client.get(detail(mine.application_id)).status_code == 200
    for action in ("", "events"):
        response = client.get(detail(theirs.application_id, action))
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "code": "not_found"}
    for action in ("approve", "reject", "reprocess"):
        assert (
            client.post(detail(theirs.application_id, action), {"reason": "x"}).status_code == 404
        )
    listed = client.get(URL).json()
    assert listed["count"] == 1
    assert [a["application_id"] for a in listed["applications"]] == [mine.application_id]
    # Customers and integrators do not see the screening evidence or who acted.
    assert "compliance_evidence" not in listed["applications"][0]
    events = client.get(detail(mine.application_id, "events")).json()["events"]
    assert [sorted(e) for e in events] == [["created_at", "label", "type"]]
    assert events[0]["label"] == "Submitted"


@pytest.mark.django_db
def test_an_application_id_with_a_nul_character_is_404_not_500():
    # Found by schemathesis: PostgreSQL refused the query ("cannot contain NUL"), a 500.
    client = api_client_for(staff_member())

    for action in ("", "events"):
        response = client.get(detail("%00", action))
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found.", "code": "not_found"}
    for action in ("approve", "reject", "reprocess"):
        assert client.post(detail("LOAN-%00", action), {"reason": "x"}).status_code == 404


@pytest.mark.django_db
def test_a_customer_sees_their_application_and_may_not_decide_it():
    customer = CustomerProfileFactory().user
    KycCaseFactory(user=customer, status="VERIFIED")
    default_product()
    client = api_client_for(customer)

    response = client.post(URL, seed_body(loan_amount=700000, income=300000), format="json")
    assert response.status_code == 201
    application = LoanApplication.objects.get()
    assert application.customer == customer
    assert application.name == customer.full_name  # from the profile, not the body

    LoanApplication.objects.filter(pk=application.pk).update(status="REVIEW")
    response = client.post(detail(application.application_id, "approve"))
    assert response.status_code == 403
    assert response.json()["code"] == "FORBIDDEN"


@seed_example
def test_the_api_does_not_tell_an_applicant_of_a_watchlist_match(tmp_path):
    """AML tipping-off: like the web pages and the emails, the applicant's API view gives a
    general sentence instead of the sanctions or PEP remarks; staff see them."""
    customer = CustomerProfileFactory(user__full_name="Arvind Kumar Mehta").user
    KycCaseFactory(user=customer, status="VERIFIED")
    default_product()
    path = write_targets_csv(
        tmp_path / "sanctions.csv", [{"id": "s1", "schema": "Person", "name": "Arvind Kumar Mehta"}]
    )
    with path.open(newline="") as fh:
        watchlist_import(file=fh, name="Sanctions", kind="SANCTIONS", version="1")
    client = api_client_for(customer)

    app = client.post(URL, seed_body(), format="json").json()["application"]
    application = LoanApplication.objects.get()
    assert application.compliance_remarks.startswith("Name matches a sanctions list entry")
    shown = client.get(detail(app["application_id"])).json()
    listed = client.get(URL).json()["applications"][0]
    for body in (app, shown, listed):
        assert (body["status"], body["compliance_status"]) == ("REJECTED", "REJECTED")
        assert body["compliance_remarks"] == "The application did not pass our compliance checks"
        assert body["final_remarks"] == "The application did not pass our checks."
        assert "sanction" not in str(body).lower()

    staff = api_client_for(staff_member()).get(detail(app["application_id"])).json()
    assert staff["compliance_remarks"] == application.compliance_remarks
    assert staff["final_remarks"] == application.final_remarks


# --- staff actions ------------------------------------------------------------------------


@pytest.fixture
def in_review(django_capture_on_commit_callbacks, tmp_path):
    """An integrator's application in REVIEW (PEP hit)."""
    path = write_targets_csv(
        tmp_path / "pep.csv", [{"id": "p1", "schema": "Person", "name": "Arvind Kumar Mehta"}]
    )
    with path.open(newline="") as fh:
        watchlist_import(file=fh, name="PEPs", kind="PEP", version="1")
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(name="Arvind Kumar Mehta", country="IN", phone="+919812345678")
    application.refresh_from_db()
    assert application.status == "REVIEW"
    return application


@pytest.mark.django_db
def test_pending_list_and_officer_approval(in_review, django_capture_on_commit_callbacks):
    officer = staff_member(email="officer@smartbank.test")
    client = api_client_for(officer)

    pending = client.get(f"{URL}pending/").json()
    assert [a["application_id"] for a in pending["applications"]] == [in_review.application_id]
    assert pending["applications"][0]["political_connection"] is True
    assert pending["applications"][0]["compliance_evidence"]["hits"]["pep"][0]["key"] == "p1"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            detail(in_review.application_id, "approve"), {"note": "Cleared"}, format="json"
        )
    assert response.status_code == 200
    body = response.json()
    assert body["message"] == "Application approved"
    assert body["application"]["final_status"] == "APPROVED"
    assert body["application"]["decided_by"] == "officer@smartbank.test"
    assert client.get(f"{URL}pending/").json()["count"] == 0

    again = client.post(detail(in_review.application_id, "approve"))
    assert again.status_code == 409
    assert again.json()["code"] == "INVALID_TRANSITION"

    events = client.get(detail(in_review.application_id, "events")).json()["events"]
    assert [e["type"] for e in events[:2]] == [E.APPLICANT_NOTIFIED, E.APPROVED]
    assert events[1]["actor"] == "officer@smartbank.test"
    assert events[-1]["type"] == E.SUBMITTED  # most recent first


@pytest.mark.django_db
def test_reject_over_the_api_needs_a_reason(in_review):
    client = api_client_for(staff_member())
    missing = client.post(detail(in_review.application_id, "reject"), {}, format="json")
    assert missing.status_code == 400
    assert set(missing.json()["errors"]) == {"reason"}

    response = client.post(
        detail(in_review.application_id, "reject"),
        {"reason": "Bank statements missing"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["application"]["final_remarks"] == (
        "Rejected by staff: Bank statements missing"
    )


@pytest.mark.django_db
def test_maker_checker_over_the_api(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(income=300000, debt=0, loan_amount=600000)
    maker, checker = api_client_for(staff_member()), api_client_for(staff_member())

    first = maker.post(detail(application.application_id, "approve"))
    assert first.status_code == 200
    assert first.json()["message"] == "First approval recorded; a second loan officer must approve"
    assert first.json()["application"]["awaiting_second_approval"] is True

    twice = maker.post(detail(application.application_id, "approve"))
    assert twice.status_code == 409
    assert twice.json() == {
        "detail": "You gave the first approval; a different loan officer must give the second.",
        "code": "SAME_APPROVER",
    }

    second = checker.post(detail(application.application_id, "approve"))
    assert second.json()["application"]["final_status"] == "APPROVED"


@pytest.mark.django_db
def test_compliance_officers_see_everything_but_do_not_decide(in_review):
    client = api_client_for(staff_member(group="Compliance officers"))
    assert client.get(detail(in_review.application_id)).status_code == 200
    response = client.post(detail(in_review.application_id, "approve"))
    assert response.status_code == 403


@pytest.mark.django_db
def test_reprocess_over_the_api(in_review, django_capture_on_commit_callbacks):
    client = api_client_for(staff_member())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail(in_review.application_id, "reprocess"))
    assert response.status_code == 200
    in_review.refresh_from_db()
    assert in_review.status == "REVIEW"  # the same PEP list: the same outcome
    assert in_review.events.filter(type=E.REPROCESS_REQUESTED).count() == 1


@pytest.mark.django_db
def test_list_filters_and_limit():
    officer = staff_member()
    for i in range(3):
        submit(email=f"a{i}@example.com")
    submit(email="eu@example.com", region="EU", country="France")
    LoanApplication.objects.filter(email="a0@example.com").update(final_status="REJECTED")
    client = api_client_for(officer)

    assert client.get(URL).json()["count"] == 4
    # France sent as EU is stored as its country's region, EMEA (issue 12)
    assert client.get(URL, {"region": "EMEA"}).json()["count"] == 1
    assert client.get(URL, {"region": "EU"}).json()["count"] == 0
    rejected = client.get(URL, {"status": "REJECTED"}).json()["applications"]
    assert [a["email"] for a in rejected] == ["a0@example.com"]
    # A page: count is the total, next and previous link the pages either side.
    first = client.get(URL, {"limit": 2}).json()
    assert first["count"] == 4 and len(first["applications"]) == 2
    assert first["previous"] is None and first["next"].endswith(f"{URL}?limit=2&offset=2")
    second = client.get(first["next"]).json()
    assert second["count"] == 4 and second["next"] is None and second["previous"]
    paged = [a["application_id"] for a in first["applications"] + second["applications"]]
    everything = [a["application_id"] for a in client.get(URL).json()["applications"]]
    assert paged == everything
    assert client.get(URL, {"limit": 0}).status_code == 400
    assert client.get(URL, {"offset": -1}).status_code == 400
    assert client.get(URL, {"status": "MAYBE"}).status_code == 400
