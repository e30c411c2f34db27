"""A customer's loan from the form to a paid first EMI in a real browser (issue 12), at desktop
and at 390x844: the EMI preview updating as she types, the decision arriving in place (no
reload), the schedule with due dates, paying the first EMI, the balance owed going down, and
her accounts and statement, with no sideways scroll and no internal terms on any page.

Celery runs eagerly (root conftest), so the checks run right after the form commits; the loan is
above the high-value amount, so it waits for two loan officers, whose approvals are made here
through the service while her page is open. Set SCREENSHOTS_DIR to save the screenshots
(``loan-<step>[-phone]``).
"""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.tests.banking_factories import onboarded_customer, open_account
from accounts.tests.browser import confirm_with_code, customer_logs_in
from loans import emi
from loans.loan_accounts import loan_account_get
from loans.models import LoanApplication
from loans.services import loan_application_approve
from loans.tests.factories import default_product, staff_member
from smartbank.money import format_inr
from smartbank.tests.browser import PHONE, assert_customer_page, new_page, screenshot

RATE = Decimal("10.50")


def preview(amount: str, months: int) -> str:
    return format_inr(
        emi.emi(principal=Decimal(amount), annual_rate_percent=RATE, tenure_months=months)
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_apply_see_the_decision_live_and_pay_the_first_emi(live_server, browser, viewport):
    suffix = "-phone" if viewport == "phone" else ""
    # Given an onboarded customer with an active savings account
    product = default_product()  # Personal loan, 10.50 % p.a., two approvals above 5 lakh
    customer = onboarded_customer(
        full_name="Kalpana Chawla", email=f"kalpana-{viewport}@example.com"
    )
    savings = open_account(user=customer)
    page = new_page(browser)
    if viewport == "phone":
        page.set_viewport_size(PHONE)

    # When she opens the form and types an amount and a tenure
    customer_logs_in(page, live_server, customer.email, next_path="/loans/apply/")
    page.select_option("#id_product", str(product.pk))
    expect(page.locator(f'[data-product-rules="{product.pk}"]')).to_contain_text(
        "Borrow up to ₹10,00,000"
    )
    page.fill("#id_loan_amount", "600000")
    page.fill("#id_tenure_months", "24")
    expect(page.locator("#emi-preview-emi")).to_have_text(preview("600000", 24))
    # Then the EMI follows what she types
    page.fill("#id_tenure_months", "48")
    expect(page.locator("#emi-preview-emi")).to_have_text(preview("600000", 48))
    page.fill("#id_tenure_months", "99")
    expect(page.locator("#emi-preview")).to_contain_text("Choose at most 60 months.")
    page.fill("#id_tenure_months", "48")
    expect(page.locator("#emi-preview-emi")).to_have_text(preview("600000", 48))
    page.fill("#id_loan_purpose", "Home renovation")
    page.fill("#id_income", "1500000")
    page.fill("#id_debt", "150000")
    page.fill("#id_credit_score", "780")
    assert_customer_page(page)
    screenshot(page, f"loan-apply{suffix}")
    confirm_with_code(page, customer.email)
    page.get_by_role("button", name="Submit the application").click()

    # Then her page shows the checks done and the application with staff
    page.wait_for_url("**/loans/LOAN-*/")
    application = LoanApplication.objects.get(customer=customer)
    assert application.status == LoanApplication.Status.REVIEW, application.final_remarks
    expect(page.locator("#stage-compliance")).to_contain_text("With our team")
    expect(page.locator("[data-live-status]")).to_have_attribute("aria-live", "polite")
    expect(page.locator(".live-progress span")).to_be_visible()
    assert_customer_page(page)
    screenshot(page, f"loan-review{suffix}")
    page.evaluate("window.__sameDocument = true")

    # When two loan officers approve it while her page is open
    for _ in range(2):
        loan_application_approve(loan_application_id=application.pk, actor=staff_member())

    # Then the decision arrives in place, every stage settled, with the schedule and due dates
    expect(page.locator("#loan-status")).to_have_text("Approved", timeout=20_000)
    assert page.evaluate("window.__sameDocument") is True  # no reload
    expect(page.locator("#stage-compliance")).to_contain_text("Checked by our team")
    expect(page.locator("#loan-stages")).not_to_contain_text("Pending")
    expect(page.locator("#loan-emi .emi")).to_have_text(preview("600000", 48))
    page.wait_for_function("window.smartbankCharts && window.smartbankCharts.loan")
    page.locator("#loan-schedule-details summary").click()
    expect(page.locator("#loan-schedule tbody tr")).to_have_count(48)
    application.refresh_from_db()
    expect(page.locator("#instalment-1")).to_contain_text("Due next")
    assert_customer_page(page)
    screenshot(page, f"loan-approved{suffix}", settle_ms=800)

    # When she pays the first EMI from her savings account
    owed = loan_account_get(application=application).balance
    instalment = emi.emi(principal=Decimal("600000"), annual_rate_percent=RATE, tenure_months=48)
    page.get_by_role("button", name="Pay EMI").click()

    # Then the instalment is paid and what she owes went down by it
    page.wait_for_url("**/loans/LOAN-*/#repayment")
    expect(page.locator(".messages")).to_contain_text("Instalment 1 is paid")
    expect(page.locator("#loan-outstanding")).to_contain_text(format_inr(owed - instalment))
    page.locator("#loan-schedule-details summary").click()
    expect(page.locator("#instalment-1")).to_contain_text("Paid")
    expect(page.locator("#instalment-2")).to_contain_text("Due next")
    assert_customer_page(page)
    screenshot(page, f"loan-paid{suffix}", settle_ms=800)

    # And her loans, her accounts and the statement fit the screen, with the balance chart
    page.goto(f"{live_server.url}/loans/")
    expect(page.locator("#loan-applications")).to_contain_text(application.application_id)
    assert_customer_page(page)
    # the table stays inside its card, on a desktop too (no scrolling needed there)
    overflow = page.evaluate(
        "() => { const t = document.querySelector('#loan-applications');"
        " return t.offsetWidth - t.parentElement.clientWidth; }"
    )
    assert overflow <= 0
    screenshot(page, f"loan-list{suffix}")
    page.goto(f"{live_server.url}/accounts/bank/")
    assert_customer_page(page)
    screenshot(page, f"loan-accounts{suffix}")
    page.goto(f"{live_server.url}/accounts/bank/{savings.pk}/")
    expect(page.locator("#statement")).to_contain_text("EMI 1 of 48")
    page.wait_for_function("window.smartbankCharts && window.smartbankCharts.statement")
    assert_customer_page(page)
    screenshot(page, f"loan-statement{suffix}", settle_ms=800)
