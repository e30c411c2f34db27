"""The application's life: submission, the three stages in the task, staff decisions with
maker-checker, reprocessing, notifications and disbursement (real PostgreSQL, eager Celery)."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from accounts.models import LedgerEntry
from accounts.tests.banking_factories import onboarded_customer, open_account
from accounts.tests.factories import CustomerProfileFactory, UserFactory
from kyc.tests.factories import KycCaseFactory
from loans.models import (
    FatfCountry,
    FatfCountryList,
    LoanApplication,
    LoanApplicationEvent,
    SeniorRelative,
    WatchlistEntry,
)
from loans.services import (
    loan_application_approve,
    loan_application_reject,
    loan_application_reprocess,
)
from loans.tasks import loan_application_process_task
from loans.watchlists import watchlist_import
from smartbank import sms
from smartbank.errors import ApplicationError, ConflictError, InvalidTransition, NotAllowed

from .factories import (
    SANCTIONED,
    customer_submit,
    integrator,
    staff_member,
    submit,
    write_targets_csv,
)

pytestmark = pytest.mark.django_db

D = Decimal
Status = LoanApplication.Status
E = LoanApplicationEvent.Type


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Submit through the service and run what it enqueued (the checks, notifications)."""

    def _run(**overrides):
        with django_capture_on_commit_callbacks(execute=True):
            application = submit(**overrides)
        application.refresh_from_db()
        return application

    return _run


@pytest.fixture
def act(django_capture_on_commit_callbacks):
    """Call a decision service and run what it enqueued; returns the fresh application."""

    def _act(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = service(**kwargs)
        result.refresh_from_db()
        return result

    return _act


def import_list(tmp_path, *, kind, version, rows, name="OpenSanctions"):
    path = write_targets_csv(tmp_path / f"{kind}-{version}.csv", rows)
    with path.open(newline="") as fh:
        return watchlist_import(file=fh, name=name, kind=kind, version=version)


PEP = {
    "id": "pep-1",
    "schema": "Person",
    "name": "Arvind Kumar Mehta",
    "countries": "in",
    "dataset": "Every Politician",
}


def event_types(application):
    return list(application.events.order_by("created_at", "id").values_list("type", flat=True))


# --- the seed example and the stages ------------------------------------------------------


def test_seed_example_is_approved_with_dti_0_294_and_audited(run):
    application = run()

    assert application.application_id.startswith("LOAN-")
    assert len(application.application_id) == 22
    assert (application.status, application.final_status) == (Status.APPROVED, "APPROVED")
    assert (
        application.kyc_status,
        application.compliance_status,
        application.eligibility_status,
    ) == ("APPROVED", "APPROVED", "APPROVED")
    assert application.dti_ratio == D("0.294")
    assert application.country_code == "US" and application.country == "United States"
    assert application.kyc_verified_at and application.eligibility_verified_at
    assert application.final_decision_at is not None
    assert application.final_remarks == "All verification stages approved"
    assert application.eligibility_remarks.startswith("DTI 0.294 is below 0.400")
    assert event_types(application) == [
        E.SUBMITTED,
        E.PROCESSING_STARTED,
        E.KYC_CHECKED,
        E.COMPLIANCE_CHECKED,
        E.ELIGIBILITY_CHECKED,
        E.AUTO_DECIDED,
        E.APPLICANT_NOTIFIED,
    ]
    evidence = application.compliance_evidence
    assert evidence["threshold"] == 88.0
    assert evidence["fatf_list"] == "FATF plenary June 2026"
    # The applicant hears about it by email and SMS.
    assert (application.email_sent, application.alert_sent) == (True, True)
    assert mail.outbox[-1].to == ["john.doe@example.com"]
    assert mail.outbox[-1].subject == "Your SmartBank loan is approved"
    assert application.application_id in mail.outbox[-1].body
    assert sms.outbox[-1][0] == "+12025550123"


def test_seed_placeholder_phone_passes_kyc_with_a_remark_for_staff(run):
    """Seed 001's rule (at least 10 digits) decides; phonenumbers' verdict on the +1 plan is
    kept for staff, and no SMS goes to a number that cannot be one."""
    application = run(phone="+1234567890")

    assert (application.kyc_status, application.final_status) == ("APPROVED", "APPROVED")
    assert "numbering plan" not in application.kyc_remarks
    assert application.kyc_staff_remarks == (
        "Phone number '+1234567890' is not a valid number of the +1 (US) numbering plan: "
        "confirm it with the applicant before relying on it"
    )
    kyc_event = application.events.get(type=E.KYC_CHECKED)
    assert kyc_event.data["staff_remarks"] == application.kyc_staff_remarks
    assert (application.email_sent, application.alert_sent) == (True, False)


def test_phone_with_fewer_than_ten_digits_fails_kyc(run):
    application = run(phone="+1 202 555 01")

    assert application.kyc_status == "REJECTED"
    assert application.kyc_remarks == (
        "Invalid phone number '+120255501': it needs at least 10 digits"
    )
    assert application.final_status == "REJECTED"
    assert application.kyc_staff_remarks == ""


def test_an_integrators_national_number_is_stored_in_e164_and_texted(run):
    application = run(phone="(202) 555-0123")

    assert application.phone == "+12025550123"
    assert (application.kyc_status, application.kyc_staff_remarks) == ("APPROVED", "")
    assert application.alert_sent is True


def test_sanctions_hit_with_a_typo_rejects_and_records_the_list(run, tmp_path):
    import_list(tmp_path, kind="SANCTIONS", version="20261120", rows=[SANCTIONED])

    application = run(name="Viktor Petrovic Bout", country="Russia", phone="+79161234567")

    assert application.compliance_status == "REJECTED"
    assert application.compliance_remarks.startswith("Name matches a sanctions list entry")
    assert application.final_status == "REJECTED"
    evidence = application.compliance_evidence
    assert evidence["lists"] == [
        {"kind": "SANCTIONS", "name": "OpenSanctions", "version": "20261120", "rows": 1}
    ]
    [hit] = evidence["hits"]["sanctions"]
    assert hit["key"] == "NK-bout" and hit["country"] == "agrees"
    assert hit["score"] >= 88


def test_pep_hit_sends_to_review_with_political_connection(run, tmp_path):
    import_list(tmp_path, kind="PEP", version="1", rows=[PEP])

    application = run(name="Arvind K. Mehta", country="India", phone="+919812345678")

    assert application.status == Status.REVIEW
    assert application.final_status == "PENDING"
    assert application.political_connection is True
    assert application.compliance_status == "PENDING"
    assert "politically exposed person" in application.compliance_remarks
    assert application.final_remarks.startswith("Referred for staff review. Compliance:")
    assert mail.outbox[-1].subject == "We are reviewing your loan application"


def test_senior_relative_sends_to_review(run):
    SeniorRelative.objects.create(
        relative_name="Kavita Sharma",
        relation=SeniorRelative.Relation.SPOUSE,
        employee_name="Rajesh Sharma",
        employee_id="E1001",
        employee_designation="General Manager",
    )

    application = run(name="Kavitha Sharma", email="kavitha@example.com")

    assert application.status == Status.REVIEW
    assert application.senior_relative is True
    assert application.political_connection is False
    [hit] = application.compliance_evidence["hits"]["senior_relatives"]
    assert hit["employee_id"] == "E1001"


def test_inactive_relative_is_not_screened(run):
    SeniorRelative.objects.create(
        relative_name="Kavita Sharma",
        relation=SeniorRelative.Relation.SPOUSE,
        employee_name="Rajesh Sharma",
        employee_id="E1001",
        is_active=False,
    )
    assert run(name="Kavita Sharma").status == Status.APPROVED


def test_fatf_lists_are_seeded_from_the_june_2026_plenary():
    fatf = FatfCountryList.objects.get(version="FATF plenary June 2026")
    codes = dict(fatf.countries.values_list("country_code", "category"))
    assert sorted(c for c, k in codes.items() if k == "CALL_FOR_ACTION") == ["IR", "KP", "MM"]
    assert len([c for c, k in codes.items() if k == "INCREASED_MONITORING"]) == 22
    assert codes["VG"] == codes["CI"] == codes["CD"] == "INCREASED_MONITORING"


def test_fatf_call_for_action_rejects_and_increased_monitoring_reviews(run):
    iran = run(country="Iran", phone="+989121234567", email="a@example.com")
    kenya = run(country="KE", phone="+254712345678", email="b@example.com")
    france = run(country="France", phone="+33612345678", email="c@example.com")

    assert (iran.compliance_status, iran.final_status) == ("REJECTED", "REJECTED")
    assert iran.compliance_remarks == "Iran is a FATF high-risk jurisdiction"
    assert (kenya.compliance_status, kenya.status) == ("PENDING", Status.REVIEW)
    assert kenya.compliance_remarks == "Kenya is under FATF increased monitoring"
    assert kenya.compliance_evidence["fatf_category"] == "INCREASED_MONITORING"
    assert france.status == Status.APPROVED


def test_a_newer_fatf_list_takes_effect(run):
    newer = FatfCountryList.objects.create(
        version="FATF plenary October 2026", effective_from=datetime.date(2026, 10, 24)
    )
    FatfCountry.objects.create(
        country_list=newer, country_code="FR", country_name="France", category="CALL_FOR_ACTION"
    )
    application = run(country="France", phone="+33612345678")
    assert application.compliance_status == "REJECTED"
    assert application.compliance_evidence["fatf_list"] == "FATF plenary October 2026"


@pytest.mark.parametrize(
    ("amount", "status"), [("500000.00", Status.APPROVED), ("500000.01", Status.REVIEW)]
)
def test_high_value_loans_go_to_review(run, amount, status):
    application = run(income=200000, debt=0, loan_amount=D(amount))
    assert application.status == status


def test_eligibility_failure_rejects_with_remarks(run):
    application = run(credit_score=649, debt=40000, income=100000, loan_amount=100000)

    assert application.eligibility_status == "REJECTED"
    assert application.dti_ratio == D("0.400")
    assert application.eligibility_remarks == (
        "DTI 0.400 is not below the maximum 0.400; Credit score 649 is below the minimum 650"
    )


# --- registered customers -----------------------------------------------------------------


def test_customer_application_uses_their_profile_and_is_disbursed(
    django_capture_on_commit_callbacks,
):
    customer = onboarded_customer(full_name="Neil Armstrong", email="neil@example.com")
    account = open_account(user=customer)
    balance = account.balance

    with django_capture_on_commit_callbacks(execute=True):
        application = customer_submit(customer, name="Someone Else", tenure_months=36)
    application.refresh_from_db()
    account.refresh_from_db()

    assert (application.name, application.email) == ("Neil Armstrong", "neil@example.com")
    assert application.phone == "+919876543210"
    assert application.kyc_remarks == "The customer's KYC is verified"
    assert application.status == Status.APPROVED
    assert application.disbursement_account == account
    assert application.disbursed_at is not None
    assert account.balance == balance + D("300000.00")
    entry = LedgerEntry.objects.get(reference=f"{application.application_id}-DISBURSAL")
    assert entry.amount == D("300000.00")
    disbursed = application.events.get(type=E.DISBURSED)
    assert disbursed.data["posted"] is True
    assert "credited the loan amount to your account XXXXXXXXXXX" in mail.outbox[-1].body


def test_customer_without_an_account_is_approved_but_not_disbursed(act, run):
    customer = onboarded_customer()
    application = customer_submit(customer)
    loan_application_process_task(str(application.pk))
    application.refresh_from_db()

    assert application.status == Status.APPROVED
    assert application.disbursed_at is None
    assert application.events.get(type=E.DISBURSED).data["reason"] == "NO_ACTIVE_ACCOUNT"


def test_customer_with_kyc_in_review_goes_to_review_and_unverified_is_rejected():
    in_review = UserFactory()
    CustomerProfileFactory(user=in_review)
    KycCaseFactory(user=in_review, status="MANUAL_REVIEW")
    nothing = UserFactory()
    CustomerProfileFactory(user=nothing)

    first, second = customer_submit(in_review), customer_submit(nothing)
    for application in (first, second):
        loan_application_process_task(str(application.pk))
        application.refresh_from_db()

    assert (first.kyc_status, first.status) == ("PENDING", Status.REVIEW)
    assert (second.kyc_status, second.status) == ("REJECTED", Status.REJECTED)
    assert second.kyc_remarks == "The customer has no verified KYC"


def test_a_user_without_a_profile_cannot_apply_as_a_customer():
    user = UserFactory()
    with pytest.raises(ApplicationError) as error:
        customer_submit(user)
    assert error.value.code == "NOT_A_CUSTOMER"


# --- submission checks --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"country": "Atlantis"}, "country"),
        ({"region": "MARS"}, "region"),
        ({"credit_score": 250}, "credit_score"),
        ({"credit_score": 901}, "credit_score"),
        ({"loan_amount": D("0")}, "loan_amount"),
        ({"loan_amount": D("10.005")}, "loan_amount"),
        ({"income": D("-1")}, "income"),
        ({"tenure_months": 61}, "tenure_months"),
        ({"tenure_months": 0}, "tenure_months"),
        ({"name": "  "}, "name"),
        ({"loan_purpose": ""}, "loan_purpose"),
    ],
)
def test_invalid_input_names_the_field(overrides, field):
    with pytest.raises(ApplicationError) as error:
        submit(**overrides)
    assert error.value.field == field
    assert not LoanApplication.objects.exists()


def test_same_applicant_amount_and_purpose_is_a_conflict_until_rejected(run):
    first = run()
    with pytest.raises(ConflictError) as error:
        submit(email="JOHN.DOE@example.com", loan_purpose="home purchase")
    assert error.value.code == "DUPLICATE_APPLICATION"

    # Another amount or purpose is a different application.
    assert submit(loan_amount=200000).pk != first.pk
    assert submit(loan_purpose="Car").pk != first.pk

    # After a rejection the applicant may apply again.
    rejected = run(email="x@example.com", credit_score=600)
    assert rejected.status == Status.REJECTED
    assert submit(email="x@example.com", credit_score=700).status == Status.SUBMITTED


# --- staff decisions ----------------------------------------------------------------------


@pytest.fixture
def pep_review(run, tmp_path):
    """An application in REVIEW because of a PEP hit (INR 2,50,000: below four-eyes)."""
    import_list(tmp_path, kind="PEP", version="1", rows=[PEP])
    application = run(name="Arvind Kumar Mehta", country="India", phone="+919812345678")
    assert application.status == Status.REVIEW
    return application


def test_officer_approves_a_review_once(pep_review, act):
    officer = staff_member(email="officer@smartbank.test")

    application = act(
        loan_application_approve,
        loan_application_id=pep_review.pk,
        actor=officer,
        reason="PEP cleared",
    )

    assert (application.status, application.final_status) == (Status.APPROVED, "APPROVED")
    assert application.decided_by == officer
    assert application.first_approved_by is None
    assert application.final_remarks == "Approved by staff: PEP cleared"
    assert mail.outbox[-1].subject == "Your SmartBank loan is approved"
    approved = application.events.get(type=E.APPROVED)
    assert approved.actor == officer
    assert approved.data == {
        "from": "REVIEW",
        "to": "APPROVED",
        "note": "PEP cleared",
        "maker": None,
    }

    with pytest.raises(InvalidTransition, match="approved; only applications awaiting review"):
        loan_application_approve(loan_application_id=application.pk, actor=staff_member())


def test_maker_checker_above_the_four_eyes_amount(run, act):
    application = run(income=300000, debt=0, loan_amount=600000)
    assert application.status == Status.REVIEW  # high value
    maker = staff_member(email="maker@smartbank.test")
    checker = staff_member(email="checker@smartbank.test")

    application = act(loan_application_approve, loan_application_id=application.pk, actor=maker)
    assert application.status == Status.REVIEW
    assert application.awaiting_second_approval
    assert application.first_approved_by == maker
    assert application.final_status == "PENDING"

    with pytest.raises(ConflictError) as error:
        loan_application_approve(loan_application_id=application.pk, actor=maker)
    assert error.value.code == "SAME_APPROVER"
    assert "different loan officer" in error.value.message

    application = act(loan_application_approve, loan_application_id=application.pk, actor=checker)
    assert application.status == Status.APPROVED
    assert (application.first_approved_by, application.decided_by) == (maker, checker)
    # The audit trail, most recent first.
    trail = list(application.events.values_list("type", "actor__email"))
    assert trail[:3] == [
        (E.APPLICANT_NOTIFIED, None),
        (E.APPROVED, "checker@smartbank.test"),
        (E.FIRST_APPROVAL, "maker@smartbank.test"),
    ]
    assert application.events.get(type=E.APPROVED).data["maker"] == str(maker.pk)


def test_reject_needs_a_reason_and_tells_the_applicant(pep_review, act):
    officer = staff_member()
    with pytest.raises(ApplicationError) as error:
        loan_application_reject(loan_application_id=pep_review.pk, actor=officer, reason="  ")
    assert error.value.field == "reason"

    application = act(
        loan_application_reject,
        loan_application_id=pep_review.pk,
        actor=officer,
        reason="Source of funds not explained",
    )

    assert (application.status, application.final_status) == (Status.REJECTED, "REJECTED")
    assert application.final_remarks == "Rejected by staff: Source of funds not explained"
    assert "Source of funds not explained" in mail.outbox[-1].body
    with pytest.raises(InvalidTransition, match="A rejection by staff is final"):
        loan_application_reprocess(loan_application_id=application.pk, actor=officer)


def test_only_loan_officers_decide_and_never_their_own(pep_review):
    compliance = staff_member(group="Compliance officers")
    with pytest.raises(NotAllowed):
        loan_application_approve(loan_application_id=pep_review.pk, actor=compliance)
    with pytest.raises(NotAllowed):
        loan_application_approve(loan_application_id=pep_review.pk, actor=integrator())

    officer_customer = staff_member()
    CustomerProfileFactory(user=officer_customer)
    KycCaseFactory(user=officer_customer, status="VERIFIED")
    own = customer_submit(officer_customer, loan_amount=D("700000.00"))
    loan_application_process_task(str(own.pk))
    own.refresh_from_db()
    assert own.status == Status.REVIEW
    with pytest.raises(NotAllowed) as error:
        loan_application_approve(loan_application_id=own.pk, actor=officer_customer)
    assert error.value.code == "OWN_APPLICATION"


def test_reprocess_after_the_list_changed(pep_review, act, tmp_path):
    officer = staff_member()
    # The PEP list's next version no longer has the person.
    import_list(tmp_path, kind="PEP", version="2", rows=[])

    application = act(loan_application_reprocess, loan_application_id=pep_review.pk, actor=officer)

    assert application.status == Status.APPROVED
    assert application.political_connection is False
    assert application.compliance_evidence["lists"][0]["version"] == "2"
    reprocess = application.events.get(type=E.REPROCESS_REQUESTED)
    assert reprocess.actor == officer
    assert reprocess.data["previous"]["final_status"] == "PENDING"
    assert application.events.filter(type=E.COMPLIANCE_CHECKED).count() == 2


def test_reprocess_withdraws_a_makers_approval(run, act):
    application = run(income=300000, debt=0, loan_amount=600000)
    maker = staff_member()
    act(loan_application_approve, loan_application_id=application.pk, actor=maker)

    application = act(loan_application_reprocess, loan_application_id=application.pk, actor=maker)

    assert application.status == Status.REVIEW  # still high value
    assert application.first_approved_by is None


def test_approved_applications_are_final(run):
    application = run()
    with pytest.raises(InvalidTransition):
        loan_application_reprocess(loan_application_id=application.pk, actor=staff_member())


# --- the task -----------------------------------------------------------------------------


def test_rerunning_the_task_changes_nothing(run):
    application = run()
    events = application.events.count()

    assert loan_application_process_task(str(application.pk)) == Status.APPROVED
    assert application.events.count() == events


def test_a_broken_watchlist_row_is_retried_then_sent_to_staff(
    settings, django_capture_on_commit_callbacks, tmp_path
):
    settings.LOAN_TASK_MAX_RETRIES = 1
    watchlist = import_list(tmp_path, kind="SANCTIONS", version="1", rows=[SANCTIONED])
    # A corrupt row (aliases not a list) makes screening fail: a real error, nothing mocked.
    # Screening reads a row only when the name matches it (issue 13), so the applicant does.
    WatchlistEntry.objects.filter(watchlist=watchlist).update(aliases=5)
    from smartbank.celery import app

    app.conf.task_eager_propagates = False
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(name="Viktor Bout")
    application.refresh_from_db()

    assert application.status == Status.REVIEW
    assert application.last_error.startswith("TypeError")
    assert application.final_remarks == (
        "Automatic checks failed; staff will review the application"
    )
    failures = application.events.filter(type=E.PROCESSING_FAILED)
    assert [f.data["final"] for f in failures.order_by("created_at", "id")] == [False, True]
