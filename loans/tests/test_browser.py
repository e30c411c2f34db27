"""A loan from the customer's form to the staff's approval in the console, and the staff
dashboard's charts, in a real browser (Debian chromium, Playwright).

Celery runs eagerly (root conftest), so the verification task runs in the live server thread
right after the form commits. Set SCREENSHOTS_DIR to save full-page PNGs of the key pages.
"""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.tests.browser import confirm_with_code, customer_logs_in, staff_logs_in
from accounts.tests.factories import CustomerProfileFactory, UserFactory
from kyc.tests.factories import KycCaseFactory
from loans import emi
from loans.models import LoanApplication
from loans.tests.factories import default_product, staff_member
from smartbank.money import format_inr
from smartbank.tests.browser import new_page, screenshot


def officer_approves(page: Page, live_server, officer, application_id: str) -> None:
    staff_logs_in(page, live_server, officer)
    page.get_by_role("link", name="Loan applications", exact=True).click()
    row = page.locator("#result_list tbody tr", has_text=application_id)
    expect(row).to_contain_text("Awaiting staff review")
    row.locator("th a").click()
    page.wait_for_url("**/admin/loans/loanapplication/*/change/")
    page.get_by_role("button", name="Approve", exact=True).click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_customer_applies_and_two_officers_approve_in_the_console(live_server, browser):
    # Given an onboarded customer: contact verified, KYC VERIFIED
    now = timezone.now()
    customer = UserFactory(email="kalpana@example.com", full_name="Kalpana Chawla")
    CustomerProfileFactory(user=customer, email_verified_at=now, phone_verified_at=now)
    KycCaseFactory(user=customer, status="VERIFIED", reasons=[])
    product = default_product()  # Personal loan, 10.50 % p.a.; review and 2 approvals > 5 lakh
    first = staff_member(email="maker@smartbank.test", full_name="Meera Maker")
    second = staff_member(email="checker@smartbank.test", full_name="Charan Checker")

    # When she logs in and applies for INR 6,00,000 over 48 months (above the high-value
    # and four-eyes amount of INR 5,00,000)
    page = new_page(browser)
    customer_logs_in(page, live_server, customer.email, next_path="/loans/apply/")
    page.select_option("#id_product", str(product.pk))
    page.fill("#id_loan_amount", "600000")
    page.fill("#id_tenure_months", "48")
    page.fill("#id_loan_purpose", "Home renovation")
    page.fill("#id_income", "1500000")
    page.fill("#id_debt", "150000")
    page.fill("#id_credit_score", "780")
    confirm_with_code(page, customer.email)  # no face on file: a one-time code (issue 14)
    screenshot(page, "loan-apply")
    page.get_by_role("button", name="Submit the application").click()

    # Then her page shows the checks done and the application waiting for staff
    page.wait_for_url("**/loans/LOAN-*/")
    application = LoanApplication.objects.get(customer=customer)
    assert application.status == LoanApplication.Status.REVIEW, application.final_remarks
    expect(page.locator("#loan-status")).to_have_text("Pending")
    expect(page.locator("#loan-progress")).to_contain_text("with our staff for a decision")
    expect(page.locator("#stage-kyc")).to_contain_text("Approved")
    expect(page.locator("#stage-compliance")).to_contain_text(
        "Our compliance team is reviewing the application"
    )
    expect(page.locator("#stage-eligibility")).to_contain_text("Approved")
    screenshot(page, "loan-review")

    # When the maker approves in the staff console
    console = new_page(browser)
    officer_approves(console, live_server, first, application.application_id)
    expect(console.locator(".messagelist .success")).to_have_text(
        "First approval recorded; a second loan officer must approve."
    )
    screenshot(console, "admin-loan")

    # Then she sees it waiting for the second approval
    page.reload()
    expect(page.locator("#stage-final")).to_contain_text("waiting for a second approval")

    # When the checker, a different officer, approves too
    console = new_page(browser)
    officer_approves(console, live_server, second, application.application_id)
    expect(console.locator(".messagelist .success")).to_have_text(
        f"{application.application_id} approved."
    )

    # Then her page shows APPROVED with the EMI and the 48-month schedule
    page.reload()
    expect(page.locator("#loan-status")).to_have_text("Approved")
    instalment = emi.emi(
        principal=Decimal("600000"), annual_rate_percent=Decimal("10.50"), tenure_months=48
    )
    expect(page.locator("#loan-emi .emi")).to_have_text(format_inr(instalment))
    expect(page.locator("#loan-progress")).to_have_count(0)
    page.get_by_text("Repayment schedule (48 months)").click()
    expect(page.locator("#loan-schedule tr")).to_have_count(49)
    screenshot(page, "loan-approved")
    application.refresh_from_db()
    assert application.final_status == "APPROVED"
    assert (application.first_approved_by, application.decided_by) == (first, second)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_dashboard_draws_the_charts_from_local_static_files(live_server, browser):
    # Given 300 sample applications (committed, so the live server sees them)
    default_product()  # a transactional test starts without the migration's products
    with transaction.atomic():
        call_command("generate_sample_data", count=300, seed=11, stdout=StringIO())
    officer = staff_member(group="Compliance officers", email="dash@smartbank.test")
    outside = []

    # When a compliance officer logs into the console and opens the dashboard
    page = new_page(browser)
    page.on(
        "request",
        lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    staff_logs_in(page, live_server, officer)
    page.goto(f"{live_server.url}/loans/dashboard/")

    # Then the KPI cards and the four charts are there, Chart.js from the site itself
    expect(page.locator("#kpi-total .kpi-value")).to_have_text("300")
    page.wait_for_function("window.loanDashboardCharts !== undefined")
    charts = page.evaluate(
        "Object.fromEntries(Object.entries(window.loanDashboardCharts).map("
        "([k, c]) => [k, {type: c.config.type, labels: c.data.labels.length,"
        " width: c.width, height: c.height}]))"
    )
    assert {k: v["type"] for k, v in charts.items()} == {
        "regions": "pie",
        "countries": "bar",
        "funnel": "bar",
        "timeline": "line",
    }
    assert charts["countries"]["labels"] == 10
    assert charts["funnel"]["labels"] == 5
    assert charts["timeline"]["labels"] == 30
    assert all(c["width"] > 100 and c["height"] > 100 for c in charts.values())
    screenshot(page, "loan-dashboard", settle_ms=1500)

    # When the period changes to 180 days, the timeline is re-read from the API
    page.select_option("#timeline-days", "180")
    expect(page.locator("#timeline-days")).to_have_attribute("data-loaded-days", "180")
    assert page.evaluate("window.loanDashboardCharts.timeline.data.labels.length") == 180
    total = page.evaluate(
        "window.loanDashboardCharts.timeline.data.datasets[0].data.reduce((a, b) => a + b, 0)"
    )
    assert total == 300
    assert outside == []  # no CDN, nothing from elsewhere
