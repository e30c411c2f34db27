"""Customer loan pages with Django's test client: apply, follow the stages, see the EMI and the
repayment schedule once approved; refusals, field errors and other customers' applications."""

from decimal import Decimal

import pytest
from django.core import mail

from accounts.models import BankAccount
from accounts.tests.auth import login_verified
from accounts.tests.banking_factories import onboarded_customer, open_account
from accounts.tests.factories import CustomerProfileFactory, UserFactory
from accounts.tests.step_up_factories import step_up_id_for
from loans import emi
from loans.models import LoanApplication, LoanProduct
from loans.services import loan_application_submit
from loans.tests.factories import default_product, staff_member

FORM = {
    "loan_amount": "300000",
    "tenure_months": "36",
    "loan_purpose": "Home renovation",
    "income": "900000",
    "debt": "120000",
    "credit_score": "760",
    "country": "India",
    "region": "APAC",
}


@pytest.fixture
def product(db) -> LoanProduct:
    return default_product()  # Personal loan, 10.50 % p.a., up to 60 months


@pytest.fixture
def borrower(db):
    """An onboarded customer (email and phone verified, KYC VERIFIED): may apply."""
    return onboarded_customer(full_name="Kalpana Chawla", email="kalpana@example.com")


def apply(client, product, **overrides):
    """Post the form confirmed by a step-up that passed (the face check or a code)."""
    fields = {"product": product.pk, **FORM, "step_up_id": step_up_id_for(client), **overrides}
    return client.post("/loans/apply/", fields)


def submit_for(customer, product, **overrides) -> LoanApplication:
    """An application of ``customer`` through the service (checks not run)."""
    fields = {
        "loan_amount": Decimal("300000"),
        "tenure_months": 36,
        "loan_purpose": "Home renovation",
        "income": Decimal("900000"),
        "debt": Decimal("120000"),
        "credit_score": 760,
        "country": "India",
        "region": "APAC",
        **overrides,
    }
    return loan_application_submit(
        submitted_by=customer, customer=customer, product=product, **fields
    )


def test_customer_applies_and_sees_approval_emi_and_schedule(
    client, borrower, product, django_capture_on_commit_callbacks
):
    login_verified(client, borrower)

    # Given the form, which names the applicant from the profile
    page = client.get("/loans/apply/")
    assert page.status_code == 200
    assert "Kalpana Chawla (kalpana@example.com, +919876543210)" in page.content.decode()

    # When she applies, the checks run after the commit
    with django_capture_on_commit_callbacks(execute=True):
        response = apply(client, product)
    application = LoanApplication.objects.get(customer=borrower)
    assert response.status_code == 302
    assert response["Location"] == f"/loans/{application.application_id}/"
    assert application.name == "Kalpana Chawla"
    assert application.email == "kalpana@example.com"
    assert application.phone == "+919876543210"
    assert application.submitted_by == borrower
    assert application.loan_amount == Decimal("300000.00")
    assert application.tenure_months == 36

    # Then her page shows every stage approved, the EMI and the 36-month schedule
    page = client.get(response["Location"])
    html = page.content.decode()
    application.refresh_from_db()
    assert application.final_status == "APPROVED", application.final_remarks
    assert 'id="loan-status">Approved<' in html
    assert [(s.key, s.state) for s in page.context["stages"]] == [
        ("kyc", "APPROVED"),
        ("compliance", "APPROVED"),
        ("eligibility", "APPROVED"),
    ]
    expected_emi = emi.emi(
        principal=Decimal("300000"), annual_rate_percent=Decimal("10.50"), tenure_months=36
    )
    assert expected_emi == Decimal("9750.73")  # 300000 x r(1+r)^36 / ((1+r)^36 - 1), r = 0.00875
    assert page.context["emi"] == expected_emi
    assert "₹9,750.73" in html
    assert len(page.context["schedule"].rows) == 36
    assert html.count('<tr id="instalment-') == 36
    assert 'data-final="true"' in html  # decided: the live status stops polling
    assert "Not disbursed yet" in html  # she has no active account


def test_approved_loan_shows_the_disbursement(
    client, borrower, product, django_capture_on_commit_callbacks
):
    # Given an ACTIVE savings account
    account = open_account(user=borrower)
    login_verified(client, borrower)

    with django_capture_on_commit_callbacks(execute=True):
        apply(client, product)
    application = LoanApplication.objects.get(customer=borrower)

    html = client.get(f"/loans/{application.application_id}/").content.decode()
    account.refresh_from_db()
    assert account.status == BankAccount.Status.ACTIVE
    assert f"₹3,00,000.00 credited to account {account.number_masked}" in html


def test_list_shows_each_stage_of_my_applications_only(client, borrower, product):
    mine = submit_for(borrower, product)
    other = submit_for(onboarded_customer(), product)
    login_verified(client, borrower)

    html = client.get("/loans/").content.decode()
    assert mine.application_id in html
    assert other.application_id not in html
    assert "Checks running" in html
    assert html.count('class="stage stage-CHECKING"') == 3  # submitted: checks not started
    assert html.count(">Waiting<") == 3
    assert 'href="/loans/apply/"' in html


def test_another_customers_application_is_404(client, borrower, product):
    other = submit_for(onboarded_customer(), product)
    login_verified(client, borrower)
    assert client.get(f"/loans/{other.application_id}/").status_code == 404
    assert client.get("/loans/LOAN-20260101-NOTMINE1/").status_code == 404


def test_an_application_id_with_a_nul_character_is_404(client, borrower):
    # The API's schemathesis 500 (PostgreSQL text cannot hold NUL) on the customer page too.
    login_verified(client, borrower)
    assert client.get("/loans/LOAN-%00/").status_code == 404


def test_page_updates_in_place_while_checks_run(client, borrower, product):
    application = submit_for(borrower, product)  # checks enqueued, not run
    login_verified(client, borrower)
    html = client.get(f"/loans/{application.application_id}/").content.decode()
    assert f'data-live-status="/loans/{application.application_id}/status/"' in html
    assert 'data-final="false"' in html
    assert 'aria-live="polite"' in html
    assert "We are checking your application" in html
    assert html.count("Not yet") == 4


def test_high_value_loan_waits_for_staff_without_exposing_screening(
    client, borrower, product, django_capture_on_commit_callbacks
):
    # Given a loan above the high-value amount (INR 5,00,000), which compliance refers
    login_verified(client, borrower)
    with django_capture_on_commit_callbacks(execute=True):
        apply(client, product, loan_amount="600000", income="1500000")
    application = LoanApplication.objects.get(customer=borrower)
    assert application.status == LoanApplication.Status.REVIEW
    assert "High-value" in application.compliance_remarks

    # Then the page polls slowly, shows compliance with staff with a general sentence
    html = client.get(f"/loans/{application.application_id}/").content.decode()
    assert 'data-live-interval="10000"' in html
    assert "Your application is with our staff for a decision" in html
    assert "Our compliance team is reviewing the application" in html
    assert "High-value" not in html
    assert "emi" not in client.get(f"/loans/{application.application_id}/").context

    # When a loan officer approves it (maker-checker: two officers above INR 5,00,000)
    from loans.services import loan_application_approve

    loan_application_approve(loan_application_id=application.pk, actor=staff_member())
    html = client.get(f"/loans/{application.application_id}/").content.decode()
    assert "waiting for a second approval" in html
    loan_application_approve(loan_application_id=application.pk, actor=staff_member())

    # Then the page shows the approval by staff and the EMI
    page = client.get(f"/loans/{application.application_id}/")
    html = page.content.decode()
    assert 'id="loan-status">Approved<' in html
    assert "Approved by our team." in html
    assert page.context["emi"] == emi.emi(
        principal=Decimal("600000"), annual_rate_percent=Decimal("10.50"), tenure_months=36
    )


def test_customer_without_kyc_is_refused_with_a_clear_message(client, product):
    user = UserFactory()
    CustomerProfileFactory(user=user)  # contact not verified, no KYC
    login_verified(client, user)

    response = client.get("/loans/apply/", follow=True)
    assert response.redirect_chain == [("/loans/", 302)]
    html = response.content.decode()
    assert "Verify your email address and mobile number before applying for a loan." in html
    assert 'href="/loans/apply/"' not in html

    response = apply(client, product)
    assert response.status_code == 302
    assert not LoanApplication.objects.exists()


def test_verified_contact_without_kyc_is_told_to_complete_kyc(client, product):
    from django.utils import timezone

    user = UserFactory()
    CustomerProfileFactory(
        user=user, email_verified_at=timezone.now(), phone_verified_at=timezone.now()
    )
    login_verified(client, user)
    response = client.get("/loans/apply/", follow=True)
    assert "Complete identity verification (KYC) before applying for a loan." in (
        response.content.decode()
    )


def test_service_errors_show_on_the_fields(client, borrower, product):
    login_verified(client, borrower)

    # A tenure beyond the product's 60 months is refused by the service, on its field
    response = apply(client, product, tenure_months="84")
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "tenure_months": ["Choose a tenure from 1 to 60 months."]
    }

    # A country that is not one is refused on its field
    response = apply(client, product, country="Atlantis")
    assert response.context["form"].errors == {
        "country": ["Enter a country name or ISO 3166 code."]
    }

    # The form's own checks
    response = apply(client, product, credit_score="950", loan_amount="")
    assert set(response.context["form"].errors) == {"credit_score", "loan_amount"}
    assert not LoanApplication.objects.exists()


def test_a_duplicate_application_is_refused(client, borrower, product):
    submit_for(borrower, product)
    login_verified(client, borrower)
    response = apply(client, product)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This applicant already has a pending or approved application for the same amount"
        " and purpose."
    ]
    assert LoanApplication.objects.count() == 1


def test_pages_need_a_login(client, db):
    for url in ("/loans/", "/loans/apply/", "/loans/LOAN-20260101-ABCDEFGH/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert not mail.outbox


def test_staff_without_a_customer_profile_cannot_apply(client, product):
    login_verified(client, staff_member())
    response = client.get("/loans/apply/", follow=True)
    assert "Only registered SmartBank customers can apply for a loan online." in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_the_staff_console_links_to_the_portfolio_dashboard(client, reviewer):
    from accounts.tests.auth import login_verified

    login_verified(client, reviewer)
    page = client.get("/admin/")
    assert b'href="/loans/dashboard/"' in page.content
