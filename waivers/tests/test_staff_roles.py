"""Staff permissions by group (issue #10): each staff group against each staff action, through
the services (which the admin, the web and the API all call), plus one refusal through the
admin and one through the API. Lives in ``waivers`` because only the rightmost app may import
every other app's services."""

import importlib
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.models import BankAccount
from accounts.services import (
    bank_account_approve,
    bank_account_close,
    bank_account_freeze,
    bank_account_reject,
    bank_account_request,
    bank_account_unfreeze,
)
from accounts.tests.banking_factories import onboarded_customer, open_account
from accounts.tests.factories import CustomerProfileFactory
from kyc.models import KycCase, KycDocumentRule
from kyc.services import kyc_case_approve, kyc_case_reject, kyc_case_request_resubmission
from kyc.tests.factories import KycCaseFactory
from loans.models import LoanApplication
from loans.services import (
    loan_application_approve,
    loan_application_reject,
    loan_application_reprocess,
)
from loans.tasks import loan_application_process_task
from loans.tests.factories import ensure_groups as ensure_loan_groups
from loans.tests.factories import submit
from smartbank.errors import NotAllowed
from smartbank.tests.auth import api_client_for, login_verified
from smartbank.tests.factories import UserFactory
from waivers.services import waiver_request_approve, waiver_request_reject
from waivers.tests.factories import approved_loan, borrower, ensure_seed, waiver_in_review

pytestmark = pytest.mark.django_db

_KYC = importlib.import_module("kyc.migrations.0003_staff_group")
_KYC_RULES = importlib.import_module("kyc.migrations.0009_document_rules_for_reviewers")
_ACCOUNTS = importlib.import_module("accounts.migrations.0009_staff_group")

KYC, LOANS, ACCOUNTS = "KYC reviewers", "Loan officers", "Account officers"
COMPLIANCE, WAIVERS = "Compliance officers", "Waiver officers"
GROUPS = [KYC, LOANS, COMPLIANCE, ACCOUNTS, WAIVERS, None]  # None: staff in no group


def ensure_groups() -> None:
    """Every staff group of the migrations (transactional tests flush them)."""
    ensure_loan_groups()
    ensure_seed()
    for module, app_label, wanted in (
        (_KYC, "kyc", _KYC.KYC_REVIEWER_PERMISSIONS),
        (_KYC_RULES, "kyc", _KYC_RULES.DOCUMENT_RULE_PERMISSIONS),
        (_ACCOUNTS, "accounts", _ACCOUNTS.ACCOUNT_OFFICER_PERMISSIONS),
    ):
        group, _ = Group.objects.get_or_create(name=module.GROUP_NAME)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label, codename__in=[c for _, c in wanted]
            )
        )


def staff_in(group: str | None, **fields) -> object:
    ensure_groups()
    user = UserFactory(is_staff=True, **fields)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


# Each action: the group allowed to take it, and a call on a fresh record in the right state.
def _kyc_case():
    return KycCaseFactory(status=KycCase.Status.MANUAL_REVIEW).pk


def _requested_account():
    return bank_account_request(user=onboarded_customer(), account_type="SAVINGS").pk


def _active_account():
    return open_account().pk


def _frozen_account():
    superuser = UserFactory(is_staff=True, is_superuser=True)
    pk = open_account(reviewer=superuser).pk
    bank_account_freeze(bank_account_id=pk, actor=superuser, reason="fraud check")
    return pk


def _loan():
    # A customer whose KYC is still with staff: the checks leave the application in REVIEW,
    # where approve, reject and reprocess all apply.
    customer = UserFactory()
    CustomerProfileFactory(user=customer)
    KycCaseFactory(user=customer, status=KycCase.Status.MANUAL_REVIEW)
    application = submit(submitted_by=customer, customer=customer)
    loan_application_process_task(str(application.pk))
    application.refresh_from_db()
    assert application.status == LoanApplication.Status.REVIEW
    return application.pk


def _waiver():
    customer = borrower()
    loan = approved_loan(customer=customer)
    return waiver_in_review(customer=customer, loan=loan, amount=Decimal("1000.00")).pk


ACTIONS = {
    "kyc approve": (KYC, _kyc_case, lambda pk, u: kyc_case_approve(kyc_case_id=pk, actor=u)),
    "kyc reject": (
        KYC,
        _kyc_case,
        lambda pk, u: kyc_case_reject(kyc_case_id=pk, actor=u, reason="expired card"),
    ),
    "kyc resubmission": (
        KYC,
        _kyc_case,
        lambda pk, u: kyc_case_request_resubmission(kyc_case_id=pk, actor=u, reason="blurred"),
    ),
    "account approve": (
        ACCOUNTS,
        _requested_account,
        lambda pk, u: bank_account_approve(bank_account_id=pk, actor=u),
    ),
    "account reject": (
        ACCOUNTS,
        _requested_account,
        lambda pk, u: bank_account_reject(bank_account_id=pk, actor=u, reason="duplicate"),
    ),
    "account freeze": (
        ACCOUNTS,
        _active_account,
        lambda pk, u: bank_account_freeze(bank_account_id=pk, actor=u, reason="fraud check"),
    ),
    "account unfreeze": (
        ACCOUNTS,
        _frozen_account,
        lambda pk, u: bank_account_unfreeze(bank_account_id=pk, actor=u),
    ),
    "account close": (
        ACCOUNTS,
        _active_account,
        lambda pk, u: bank_account_close(bank_account_id=pk, actor=u, reason="asked to"),
    ),
    "loan approve": (
        LOANS,
        _loan,
        lambda pk, u: loan_application_approve(loan_application_id=pk, actor=u),
    ),
    "loan reject": (
        LOANS,
        _loan,
        lambda pk, u: loan_application_reject(loan_application_id=pk, actor=u, reason="risk"),
    ),
    "loan reprocess": (
        LOANS,
        _loan,
        lambda pk, u: loan_application_reprocess(loan_application_id=pk, actor=u),
    ),
    "waiver approve": (
        WAIVERS,
        _waiver,
        lambda pk, u: waiver_request_approve(waiver_request_id=pk, actor=u),
    ),
    "waiver reject": (
        WAIVERS,
        _waiver,
        lambda pk, u: waiver_request_reject(waiver_request_id=pk, actor=u, reason="no match"),
    ),
}


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: g or "no group")
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_group_may_take_only_its_own_staff_actions(group, action):
    allowed_group, make, call = ACTIONS[action]
    record = make()
    actor = staff_in(group)
    if group == allowed_group:
        try:
            call(record, actor)
        except NotAllowed:  # pragma: no cover - the failure this test exists for
            pytest.fail(f"{group} was refused {action}")
    else:
        with pytest.raises(NotAllowed) as refused:
            call(record, actor)
        assert refused.value.code == "FORBIDDEN"


@pytest.mark.parametrize("action", list(ACTIONS))
def test_superusers_keep_every_staff_action(action):
    _, make, call = ACTIONS[action]
    try:
        call(make(), UserFactory(is_staff=True, is_superuser=True))
    except NotAllowed:  # pragma: no cover
        pytest.fail(f"a superuser was refused {action}")


def test_a_loan_officer_cannot_approve_kyc_in_the_admin_and_sees_no_review_buttons(client):
    case = KycCaseFactory(status=KycCase.Status.MANUAL_REVIEW)
    login_verified(client, staff_in(LOANS))
    page = client.get(f"/admin/kyc/kyccase/{case.pk}/change/")
    assert page.status_code == 403  # no view permission on KYC cases at all
    response = client.post(
        f"/admin/kyc/kyccase/{case.pk}/review/", {"action": "approve"}, follow=True
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == KycCase.Status.MANUAL_REVIEW


def test_kyc_reviewers_keep_the_document_rules_and_other_groups_do_not_see_them(client):
    # Given a KYC reviewer asked which ID types residents of Singapore may use
    login_verified(client, staff_in(KYC))
    listing = client.get("/admin/kyc/kycdocumentrule/")
    assert listing.status_code == 200
    assert b"Every other country" in listing.content

    # When they add the rule in the admin
    response = client.post(
        "/admin/kyc/kycdocumentrule/add/", {"country": "SG", "id_type": "PASSPORT"}, follow=True
    )

    # Then it is kept, and staff of other groups can neither read nor change the table
    assert response.status_code == 200
    assert KycDocumentRule.objects.filter(country="SG", id_type="PASSPORT").exists()
    for group in (LOANS, ACCOUNTS, WAIVERS, COMPLIANCE):
        other = type(client)()
        login_verified(other, staff_in(group, email=f"{group.split()[0].lower()}@smartbank.test"))
        assert other.get("/admin/kyc/kycdocumentrule/").status_code == 403
        assert other.post(
            "/admin/kyc/kycdocumentrule/add/", {"country": "US", "id_type": "PAN"}
        ).status_code == 403
    assert not KycDocumentRule.objects.filter(country="US").exists()


def test_the_admin_shows_each_group_only_its_own_actions(client):
    case = KycCaseFactory(status=KycCase.Status.MANUAL_REVIEW)
    reviewer = staff_in(KYC)
    login_verified(client, reviewer)
    page = client.get(f"/admin/kyc/kyccase/{case.pk}/change/")
    assert b"Approve (VERIFIED)" in page.content
    account = BankAccount.objects.get(pk=_requested_account())
    page = client.get(f"/admin/accounts/bankaccount/{account.pk}/change/")
    assert page.status_code == 403  # a KYC reviewer does not see bank accounts

    officer_client = type(client)()
    login_verified(officer_client, staff_in(ACCOUNTS, email="ao@smartbank.test"))
    listing = officer_client.get("/admin/accounts/bankaccount/")
    assert b"approve_selected" in listing.content
    kyc_page = officer_client.get(f"/admin/kyc/kyccase/{case.pk}/change/")
    assert kyc_page.status_code == 403


def test_through_the_api_a_compliance_officer_gets_403_and_a_kyc_reviewer_cannot_approve():
    application = submit()
    url = f"/api/v1/loan-applications/{application.application_id}/approve/"
    refused = api_client_for(staff_in(COMPLIANCE)).post(url, {}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "FORBIDDEN"
    hidden = api_client_for(staff_in(KYC, email="kr@smartbank.test")).post(url, {}, format="json")
    assert hidden.status_code == 404  # a KYC reviewer does not even see loan applications
    application.refresh_from_db()
    assert application.decided_by is None
