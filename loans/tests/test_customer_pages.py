"""The customer's loan pages after issue 12: the EMI preview behind the form, the rules up
front, advice after an automatic rejection, and stages that follow a staff decision."""

import re
from decimal import Decimal

import pytest

from accounts.tests.auth import login_verified
from accounts.tests.banking_factories import onboarded_customer
from loans import emi, rules
from loans.advice import max_loan_amount
from loans.models import LoanApplication
from loans.pipeline import product_rules
from loans.services import (
    loan_application_approve,
    loan_application_reject,
    loan_application_submit,
)
from loans.tests.factories import default_product, staff_member
from smartbank.tests.wording import assert_plain_words


@pytest.fixture
def product(db):
    return default_product()  # Personal loan, 10.50 % p.a., up to 60 months, max ₹10,00,000


@pytest.fixture
def borrower(db):
    return onboarded_customer(full_name="Kalpana Chawla", email="kalpana@example.com")


def decided(customer, product, capture, **overrides) -> LoanApplication:
    fields = {
        "loan_amount": Decimal("300000"),
        "tenure_months": 36,
        "loan_purpose": "Home renovation",
        "income": Decimal("900000"),
        "debt": Decimal("120000"),
        "credit_score": 760,
        "country": "India",
        **overrides,
    }
    with capture(execute=True):
        application = loan_application_submit(
            submitted_by=customer, customer=customer, product=product, **fields
        )
    application.refresh_from_db()
    return application


# --- the EMI preview ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "tenure"), [("300000", 36), ("50000.50", 1), ("1000000", 60), ("12345", 7)]
)
def test_the_emi_preview_is_the_projects_own_emi(client, borrower, product, amount, tenure):
    login_verified(client, borrower)

    response = client.get(
        "/loans/emi-preview/", {"product": product.pk, "amount": amount, "tenure": tenure}
    )

    assert response.status_code == 200
    body = response.json()
    principal = Decimal(amount)
    expected = emi.emi(
        principal=principal, annual_rate_percent=Decimal("10.50"), tenure_months=tenure
    )
    schedule = emi.amortisation_schedule(
        principal=principal, annual_rate_percent=Decimal("10.50"), tenure_months=tenure
    )
    assert Decimal(body["emi"]) == expected
    assert Decimal(body["total_interest"]) == emi.total_interest(schedule=schedule)
    assert body["annual_rate_percent"] == "10.50"
    assert body["tenure_months"] == tenure
    assert body["display"]["emi"].startswith("₹")


def test_the_emi_preview_of_300000_over_36_months(client, borrower, product):
    login_verified(client, borrower)
    body = client.get("/loans/emi-preview/", {"amount": "300000", "tenure": "36"}).json()
    assert body["display"] == {
        "emi": "₹9,750.73",
        "total_interest": "₹51,026.39",  # the schedule's interest, months rounded to paise
        "total_repayable": "₹3,51,026.39",
    }


AT_LEAST_1 = "Ensure this value is greater than or equal to 1."
AT_MOST = "The most you can borrow is ₹10,00,000."
NO_SUCH_PRODUCT = "Select a valid choice. That choice is not one of the available choices."


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"tenure": "36"}, {"amount": ["Enter the amount you want to borrow."]}),
        ({"amount": "abc", "tenure": "36"}, {"amount": ["Enter an amount in rupees."]}),
        ({"amount": "-5", "tenure": "36"}, {"amount": [AT_LEAST_1]}),
        ({"amount": "2000000", "tenure": "36"}, {"amount": [AT_MOST]}),
        ({"amount": "300000", "tenure": "61"}, {"tenure": ["Choose at most 60 months."]}),
        ({"amount": "300000", "tenure": "1.5"}, {"tenure": ["Enter a whole number of months."]}),
        ({"amount": "300000", "tenure": "36", "product": "999999"}, {"product": [NO_SUCH_PRODUCT]}),
    ],
)  # fmt: skip
def test_bad_preview_input_is_400_with_field_errors(client, borrower, product, query, errors):
    login_verified(client, borrower)
    response = client.get("/loans/emi-preview/", query)
    assert response.status_code == 400
    assert response.json() == {"errors": errors}


def test_the_emi_preview_needs_a_login(client, product):
    response = client.get("/loans/emi-preview/", {"amount": "300000", "tenure": "36"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_form_states_the_rules_in_plain_words(client, borrower, product):
    login_verified(client, borrower)
    text = assert_plain_words(client.get("/loans/apply/"), context="apply")
    assert "Borrow up to ₹10,00,000, and no more than 3 times your annual income." in text
    assert "Repay in monthly instalments over 1 to 60 months" in text
    assert "Your annual income must be at least ₹30,000." in text
    assert "less than 40% of your annual income" in text
    assert "Your credit rating must be at least 650." in text
    assert 'data-emi-url="/loans/emi-preview/"' in client.get("/loans/apply/").content.decode()


# --- advice after an automatic rejection -------------------------------------------------


def test_a_loan_too_large_for_the_income_gets_an_amount_that_would_pass(
    client, borrower, product, django_capture_on_commit_callbacks
):
    # Given ₹4,00,000 asked on ₹1,10,000 a year: more than 3 times the income
    application = decided(
        borrower,
        product,
        django_capture_on_commit_callbacks,
        loan_amount=Decimal("400000"),
        income=Decimal("110000"),
        debt=Decimal("10000"),
    )
    assert application.status == LoanApplication.Status.REJECTED
    login_verified(client, borrower)

    # When she opens it
    page = client.get(f"/loans/{application.application_id}/")
    text = assert_plain_words(page, context="rejected: amount")

    # Then she reads the amount that fits, and a loan of that amount passes the rules
    advice = page.context["advice"]
    assert advice.max_loan == Decimal("330000")
    assert "A loan of up to ₹3,30,000 over 36 months fits your income" in text
    assert (
        emi.emi(principal=Decimal("330000"), annual_rate_percent=Decimal("10.50"), tenure_months=36)
        == advice.max_loan_emi
    )
    result = rules.eligibility(
        income=application.income,
        debt=application.debt,
        credit_score=application.credit_score,
        loan_amount=advice.max_loan,
        rules=product_rules(product),
    )
    assert result.status == rules.APPROVED, result.remarks
    assert "DTI" not in text and not re.search(r"\b0\.\d{3}", text)  # no ratio


def test_the_advice_amount_passes_the_rule_for_many_incomes():
    product_rules_ = rules.EligibilityRules()
    for income in ("31000", "99999.99", "333333.33", "450000", "5000000"):
        best = max_loan_amount(income=Decimal(income), rules_=product_rules_)
        result = rules.eligibility(
            income=Decimal(income),
            debt=Decimal("0"),
            credit_score=700,
            loan_amount=best,
            rules=product_rules_,
        )
        assert result.status == rules.APPROVED, (income, best, result.remarks)
        over = rules.eligibility(
            income=Decimal(income),
            debt=Decimal("0"),
            credit_score=700,
            loan_amount=best + Decimal("1000"),
            rules=product_rules_,
        )
        assert over.status == rules.REJECTED, (income, best)


def test_existing_debt_and_a_low_rating_get_plain_advice(
    client, borrower, product, django_capture_on_commit_callbacks
):
    application = decided(
        borrower,
        product,
        django_capture_on_commit_callbacks,
        income=Decimal("500000"),
        debt=Decimal("250000"),
        credit_score=600,
    )
    assert application.status == LoanApplication.Status.REJECTED
    login_verified(client, borrower)

    text = assert_plain_words(client.get(f"/loans/{application.application_id}/"), context="debt")

    assert "needs to be below ₹2,00,000 a year for your income" in text
    assert "Your credit rating needs to be at least 650 (yours is 600)" in text
    assert "A loan of up to" not in text  # the amount was not the problem


# --- stages after a staff decision --------------------------------------------------------


def test_after_a_staff_approval_every_stage_shows_the_decision(
    client, borrower, product, django_capture_on_commit_callbacks
):
    # Given a high-value loan that compliance referred to staff
    application = decided(
        borrower,
        product,
        django_capture_on_commit_callbacks,
        loan_amount=Decimal("600000"),
        income=Decimal("1500000"),
    )
    assert application.status == LoanApplication.Status.REVIEW
    assert application.compliance_status == "PENDING"
    login_verified(client, borrower)
    text = assert_plain_words(client.get(f"/loans/{application.application_id}/"))
    assert "With our team" in text

    # When two loan officers approve it (above the four-eyes amount)
    with django_capture_on_commit_callbacks(execute=True):
        loan_application_approve(loan_application_id=application.pk, actor=staff_member())
        loan_application_approve(loan_application_id=application.pk, actor=staff_member())

    # Then no stage the customer sees is still pending
    page = client.get(f"/loans/{application.application_id}/")
    stages = {s.key: s for s in page.context["stages"]}
    assert {k: (s.state, s.display) for k, s in stages.items()} == {
        "kyc": ("APPROVED", "Approved"),
        "compliance": ("APPROVED", "Approved"),
        "eligibility": ("APPROVED", "Approved"),
    }
    assert stages["compliance"].remarks == "Checked by our team"
    assert stages["compliance"].checked_at is not None
    text = assert_plain_words(page)
    assert "Pending" not in text and "With our team" not in text
    listing = assert_plain_words(client.get("/loans/"))
    assert "Pending" not in listing


def test_after_a_staff_rejection_the_stages_it_decided_say_so(
    client, borrower, product, django_capture_on_commit_callbacks
):
    application = decided(
        borrower,
        product,
        django_capture_on_commit_callbacks,
        loan_amount=Decimal("600000"),
        income=Decimal("1500000"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        loan_application_reject(
            loan_application_id=application.pk,
            actor=staff_member(),
            reason="We could not confirm your employer.",
        )
    login_verified(client, borrower)

    page = client.get(f"/loans/{application.application_id}/")

    stages = {s.key: s for s in page.context["stages"]}
    assert (stages["compliance"].display, stages["compliance"].remarks) == (
        "Not approved",
        "Checked by our team",
    )
    assert stages["eligibility"].display == "Approved"
    text = assert_plain_words(page)
    assert "Our team declined the application: We could not confirm your employer." in text
    assert "Pending" not in text
    assert page.context["advice"] is None  # a staff decision: no automatic advice


def test_the_status_fragment_is_the_live_part_only(client, borrower, product):
    application = loan_application_submit(
        submitted_by=borrower,
        customer=borrower,
        product=product,
        loan_amount=Decimal("300000"),
        tenure_months=36,
        loan_purpose="Home renovation",
        income=Decimal("900000"),
        debt=Decimal("120000"),
        credit_score=760,
        country="India",
    )  # checks enqueued, not run
    login_verified(client, borrower)

    response = client.get(f"/loans/{application.application_id}/status/")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert html.lstrip().startswith('<div class="loan-live" data-final="false">')
    assert "<html" not in html
    assert 'role="progressbar"' in html and 'aria-valuenow="0"' in html
    assert "We are checking your application." in html
