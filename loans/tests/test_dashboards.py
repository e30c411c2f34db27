"""Dashboards against hand-computed numbers on a small fixed portfolio (issue #4, seed 001's
response shapes), one query per widget, staff only; and the dashboard page."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.tests.auth import api_client_for, login_verified
from accounts.tests.factories import UserFactory
from loans import dashboards
from loans.models import LoanApplication, LoanApplicationEvent
from loans.services.rollups import rollups_rebuild
from loans.tests.factories import default_product, staff_member

A, R, P = "APPROVED", "REJECTED", "PENDING"

# The portfolio: (region, country, final, kyc, compliance, eligibility, credit score, DTI,
# loan amount, annual income, politically connected, senior relative, days before today).
PORTFOLIO = [
    ("APAC", "India", A, A, A, A, 720, "0.300", 200000, 600000, False, False, 0),
    ("APAC", "India", A, A, A, A, 780, "0.100", 400000, 900000, False, False, 0),
    ("APAC", "India", R, A, A, R, 600, "0.450", 300000, 500000, False, False, 1),
    ("ASIA", "India", P, A, P, A, 700, "0.200", 800000, 1200000, True, False, 1),
    ("EMEA", "United Kingdom", A, A, A, A, 690, "0.350", 150000, 400000, False, False, 3),
    ("EMEA", "United Kingdom", R, R, A, A, 710, "0.200", 100000, 300000, False, False, 5),
    ("EU", "Germany", R, A, R, A, 730, "0.250", 250000, 700000, False, False, 10),
    ("AMERICAS", "United States", P, A, P, A, 750, "0.150", 600000, 900000, False, True, 40),
    ("APAC", "Japan", R, A, A, R, 640, "0.380", 100000, 200000, False, False, 2),
    ("NA", "Canada", P, P, P, P, 700, None, 90000, 300000, False, False, 0),
]
CODES = {
    "India": "IN",
    "United Kingdom": "GB",
    "Germany": "DE",
    "United States": "US",
    "Japan": "JP",
    "Canada": "CA",
}


def local_noon(days_ago: int, *, today: datetime.date | None = None) -> datetime.datetime:
    day = (today or timezone.localdate()) - datetime.timedelta(days=days_ago)
    return datetime.datetime.combine(
        day, datetime.time(12, 0), tzinfo=timezone.get_current_timezone()
    )


def make_application(n: int, *, created_at: datetime.datetime, **fields) -> LoanApplication:
    """A stored application with the given results, as the pipeline would leave it."""
    application = LoanApplication.objects.create(
        application_id=f"LOAN-20261101-TEST{n:04d}",
        product=default_product(),
        name=f"Applicant {n}",
        email=f"applicant{n}@example.com",
        phone="+919876543210",
        **fields,
    )
    # created_at is auto_now_add: the dashboards group by it, so it is set afterwards.
    LoanApplication.objects.filter(pk=application.pk).update(created_at=created_at)
    # Rows written behind the services' back: recompute the dashboards' roll-ups.
    rollups_rebuild()
    return application


@pytest.fixture
def portfolio(db):
    for n, row in enumerate(PORTFOLIO, start=1):
        region, country, final, kyc, compliance, eligibility = row[:6]
        score, dti, amount, income, political, senior, days_ago = row[6:]
        make_application(
            n,
            created_at=local_noon(days_ago),
            region=region,
            country=country,
            country_code=CODES[country],
            final_status=final,
            kyc_status=kyc,
            compliance_status=compliance,
            eligibility_status=eligibility,
            credit_score=score,
            dti_ratio=Decimal(dti) if dti else None,
            loan_amount=Decimal(amount),
            income=Decimal(income),
            debt=(Decimal(dti) * income).quantize(Decimal("0.01")) if dti else Decimal(0),
            loan_purpose="Home Purchase",
            political_connection=political,
            senior_relative=senior,
        )


@pytest.fixture
def officer(db):
    return staff_member(group="Loan officers", email="officer@smartbank.test")


# --- selectors: the numbers, one query each ---------------------------------------------


def test_overview_counts_final_statuses(portfolio, django_assert_num_queries):
    with django_assert_num_queries(1):
        overview = dashboards.dashboard_overview()
    assert overview == {
        "total_applications": 10,
        "approved": 3,
        "rejected": 4,
        "pending": 3,
        "approval_rate": 30.0,
    }


def test_by_region_busiest_first_ties_by_name(portfolio, django_assert_num_queries):
    with django_assert_num_queries(1):
        result = dashboards.dashboard_by_region()
    assert result == {
        "regions": [
            {"region": "APAC", "total": 4, "approved": 2, "rejected": 2, "pending": 0},
            {"region": "EMEA", "total": 2, "approved": 1, "rejected": 1, "pending": 0},
            {"region": "AMERICAS", "total": 1, "approved": 0, "rejected": 0, "pending": 1},
            {"region": "ASIA", "total": 1, "approved": 0, "rejected": 0, "pending": 1},
            {"region": "EU", "total": 1, "approved": 0, "rejected": 1, "pending": 0},
            {"region": "NA", "total": 1, "approved": 0, "rejected": 0, "pending": 1},
        ]
    }


def test_by_country_per_country_and_region(portfolio, django_assert_num_queries):
    with django_assert_num_queries(1):
        result = dashboards.dashboard_by_country()
    assert result == {
        "countries": [
            {"country": "India", "region": "APAC", "total": 3, "approved": 2, "rejected": 1},
            {
                "country": "United Kingdom",
                "region": "EMEA",
                "total": 2,
                "approved": 1,
                "rejected": 1,
            },
            {"country": "Canada", "region": "NA", "total": 1, "approved": 0, "rejected": 0},
            {"country": "Germany", "region": "EU", "total": 1, "approved": 0, "rejected": 1},
            {"country": "India", "region": "ASIA", "total": 1, "approved": 0, "rejected": 0},
            {"country": "Japan", "region": "APAC", "total": 1, "approved": 0, "rejected": 1},
            {
                "country": "United States",
                "region": "AMERICAS",
                "total": 1,
                "approved": 0,
                "rejected": 0,
            },
        ]
    }
    assert [c["country"] for c in dashboards.dashboard_by_country(limit=2)["countries"]] == [
        "India",
        "United Kingdom",
    ]


def test_verification_stats_pass_rate_over_decided(portfolio, django_assert_num_queries):
    with django_assert_num_queries(1):
        stats = dashboards.dashboard_verification_stats()
    assert stats == {
        # 8 approved, 1 rejected, 1 still running: 8 / 9
        "kyc": {"approved": 8, "rejected": 1, "pass_rate": 88.89},
        # 6 approved, 1 rejected, 3 pending (review or running): 6 / 7
        "compliance": {
            "approved": 6,
            "rejected": 1,
            "pass_rate": 85.71,
            "political_connections": 1,
            "senior_relatives": 1,
        },
        "eligibility": {"approved": 7, "rejected": 2, "pass_rate": 77.78},
    }


def test_financial_metrics_over_approved(portfolio, django_assert_num_queries):
    with django_assert_num_queries(1):
        metrics = dashboards.dashboard_financial_metrics()
    # Approved: scores 720, 780, 690; DTI 0.300, 0.100, 0.350; amounts 2, 4, 1.5 lakh;
    # incomes 6, 9, 4 lakh.
    assert metrics == {
        "average_credit_score": Decimal("730.00"),
        "average_dti_ratio": Decimal("0.250"),
        "average_loan_amount": Decimal("250000.00"),
        "total_loan_amount": Decimal("750000.00"),
        "average_income": Decimal("633333.33"),
    }


def test_timeline_fills_empty_days_and_keeps_the_window(portfolio, django_assert_num_queries):
    today = timezone.localdate()
    with django_assert_num_queries(1):
        result = dashboards.dashboard_timeline(days=7)
    day = lambda n: (today - datetime.timedelta(days=n)).isoformat()  # noqa: E731
    assert result == {
        "timeline": [
            {"date": day(6), "total": 0, "approved": 0, "rejected": 0},
            {"date": day(5), "total": 1, "approved": 0, "rejected": 1},
            {"date": day(4), "total": 0, "approved": 0, "rejected": 0},
            {"date": day(3), "total": 1, "approved": 1, "rejected": 0},
            {"date": day(2), "total": 1, "approved": 0, "rejected": 1},
            {"date": day(1), "total": 2, "approved": 0, "rejected": 1},
            {"date": day(0), "total": 3, "approved": 2, "rejected": 0},
        ]
    }
    month = dashboards.dashboard_timeline()["timeline"]
    assert len(month) == 30
    assert month[-11] == {"date": day(10), "total": 1, "approved": 0, "rejected": 1}
    assert sum(d["total"] for d in month) == 9  # the one from 40 days ago is outside


def test_timeline_groups_by_the_banks_local_date(db, settings):
    # Given an application at 00:10 in Kolkata, which is still the previous day in UTC
    settings.TIME_ZONE = "Asia/Kolkata"
    today = datetime.date(2026, 11, 20)
    just_after_midnight = datetime.datetime(
        2026, 11, 20, 0, 10, tzinfo=timezone.get_current_timezone()
    )
    make_application(
        1,
        created_at=just_after_midnight,
        region="APAC",
        country="India",
        country_code="IN",
        credit_score=700,
        loan_amount=Decimal(100000),
        income=Decimal(500000),
        debt=Decimal(0),
        loan_purpose="Car",
    )
    assert just_after_midnight.astimezone(datetime.UTC).date() == datetime.date(2026, 11, 19)

    # Then the timeline counts it on the 20th
    timeline = dashboards.dashboard_timeline(days=2, today=today)["timeline"]
    assert timeline == [
        {"date": "2026-11-19", "total": 0, "approved": 0, "rejected": 0},
        {"date": "2026-11-20", "total": 1, "approved": 0, "rejected": 0},
    ]


def test_funnel_counts_each_stage_and_those_before(portfolio, django_assert_num_queries):
    with django_assert_num_queries(1):
        funnel = dashboards.dashboard_funnel()
    assert funnel == {
        "stages": [
            {"stage": "submitted", "label": "Submitted", "count": 10},
            {"stage": "kyc_approved", "label": "KYC approved", "count": 8},
            {"stage": "compliance_approved", "label": "Compliance approved", "count": 5},
            {"stage": "eligibility_approved", "label": "Eligibility approved", "count": 3},
            {"stage": "final_approved", "label": "Final approved", "count": 3},
        ]
    }


def test_empty_portfolio_has_zeros_and_no_averages(db):
    assert dashboards.dashboard_overview() == {
        "total_applications": 0,
        "approved": 0,
        "rejected": 0,
        "pending": 0,
        "approval_rate": 0.0,
    }
    assert dashboards.dashboard_by_region() == {"regions": []}
    assert dashboards.dashboard_financial_metrics() == {
        "average_credit_score": None,
        "average_dti_ratio": None,
        "average_loan_amount": None,
        "total_loan_amount": Decimal("0.00"),
        "average_income": None,
    }
    assert dashboards.dashboard_verification_stats()["kyc"] == {
        "approved": 0,
        "rejected": 0,
        "pass_rate": 0.0,
    }


# --- API: seed 001's shapes, staff only -------------------------------------------------


def test_api_answers_seed_shapes_to_staff(portfolio, officer):
    client = api_client_for(officer)

    assert client.get("/api/v1/dashboard/overview/").json() == {
        "total_applications": 10,
        "approved": 3,
        "rejected": 4,
        "pending": 3,
        "approval_rate": 30.0,
    }
    regions = client.get("/api/v1/dashboard/by-region/").json()
    assert regions["regions"][0] == {
        "region": "APAC",
        "total": 4,
        "approved": 2,
        "rejected": 2,
        "pending": 0,
    }
    countries = client.get("/api/v1/dashboard/by-country/").json()
    assert len(countries["countries"]) == 7
    assert countries["countries"][0] == {
        "country": "India",
        "region": "APAC",
        "total": 3,
        "approved": 2,
        "rejected": 1,
    }
    assert client.get("/api/v1/dashboard/verification-stats/").json() == {
        "kyc": {"approved": 8, "rejected": 1, "pass_rate": 88.89},
        "compliance": {
            "approved": 6,
            "rejected": 1,
            "pass_rate": 85.71,
            "political_connections": 1,
            "senior_relatives": 1,
        },
        "eligibility": {"approved": 7, "rejected": 2, "pass_rate": 77.78},
    }
    assert client.get("/api/v1/dashboard/financial-metrics/").json() == {
        "average_credit_score": 730.0,
        "average_dti_ratio": 0.25,
        "average_loan_amount": 250000.0,
        "total_loan_amount": 750000.0,
        "average_income": 633333.33,
    }
    timeline = client.get("/api/v1/dashboard/timeline/", {"days": 7}).json()["timeline"]
    assert [d["total"] for d in timeline] == [0, 1, 0, 1, 1, 2, 3]
    assert timeline[-1] == {
        "date": timezone.localdate().isoformat(),
        "total": 3,
        "approved": 2,
        "rejected": 0,
    }
    assert len(client.get("/api/v1/dashboard/timeline/").json()["timeline"]) == 30
    funnel = client.get("/api/v1/dashboard/funnel/").json()["stages"]
    assert [s["count"] for s in funnel] == [10, 8, 5, 3, 3]


def test_compliance_officers_see_the_dashboards(portfolio):
    client = api_client_for(staff_member(group="Compliance officers"))
    response = client.get("/api/v1/dashboard/overview/")
    assert response.status_code == 200
    assert response.json()["total_applications"] == 10


@pytest.mark.parametrize("days", ["0", "367", "abc"])
def test_timeline_rejects_a_bad_period(officer, days):
    response = api_client_for(officer).get("/api/v1/dashboard/timeline/", {"days": days})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"days"}


ENDPOINTS = [
    "overview",
    "by-region",
    "by-country",
    "verification-stats",
    "financial-metrics",
    "timeline",
    "funnel",
]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_customers_and_plain_staff_get_403(db, customer, endpoint):
    url = f"/api/v1/dashboard/{endpoint}/"
    assert api_client_for(customer).get(url).status_code == 403
    # Staff without the loan groups' permission see no portfolio either.
    assert api_client_for(UserFactory(is_staff=True)).get(url).status_code == 403


def test_anonymous_gets_401(db, client):
    assert client.get("/api/v1/dashboard/overview/").status_code == 401


def test_session_login_reads_the_api(portfolio, officer, client):
    # The dashboard page's script re-reads the timeline with the staff member's session.
    login_verified(client, officer)
    response = client.get("/api/v1/dashboard/timeline/?days=7")
    assert response.status_code == 200
    assert [d["total"] for d in response.json()["timeline"]] == [0, 1, 0, 1, 1, 2, 3]


def test_dashboards_are_in_the_openapi_schema(officer, client):
    schema = client.get("/api/schema/?format=json").json()
    for endpoint in ENDPOINTS:
        assert f"/api/v1/dashboard/{endpoint}/" in schema["paths"]


# --- the dashboard page -------------------------------------------------------------------


def test_staff_dashboard_page_embeds_the_widgets(portfolio, officer, client):
    login_verified(client, officer)
    response = client.get("/loans/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    for canvas in ("chart-regions", "chart-countries", "chart-funnel", "chart-timeline"):
        assert f'id="{canvas}"' in html
    assert '<script src="/static/vendor/chart.umd.min.js" defer>' in html
    assert '<script src="/static/js/dashboard.js" defer>' in html
    assert "cdn" not in html.lower()
    data = response.context["chart_data"]
    script = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html)
    embedded = json.loads(script.group(1))
    assert embedded["overview"] == dict(data["overview"])
    assert embedded["overview"]["approval_rate"] == 30.0
    assert [r["region"] for r in embedded["regions"]] == [
        "APAC",
        "EMEA",
        "AMERICAS",
        "ASIA",
        "EU",
        "NA",
    ]
    assert len(embedded["countries"]) == 7
    assert [s["count"] for s in embedded["funnel"]] == [10, 8, 5, 3, 3]
    assert len(embedded["timeline"]) == 30
    # The KPI cards
    assert '<span class="kpi-value">₹7.50 L</span>' in html  # approved amount, in lakh
    assert 'title="₹7,50,000.00"' in html
    assert ">30.00%<" in html


def test_dashboard_page_shows_top_ten_countries(db, officer, client):
    for n in range(12):
        make_application(
            n,
            created_at=local_noon(n),
            region="EU",
            country=f"Country {n:02d}",
            country_code="DE",
            credit_score=700,
            loan_amount=Decimal(100000),
            income=Decimal(500000),
            debt=Decimal(0),
            loan_purpose="Car",
        )
    login_verified(client, officer)
    response = client.get("/loans/dashboard/")
    assert len(response.context["chart_data"]["countries"]) == 10
    assert "Top 10 countries" in response.content.decode()


def test_dashboard_page_refuses_customers_and_sends_strangers_to_staff_login(db, customer, client):
    login_verified(client, customer)
    assert client.get("/loans/dashboard/").status_code == 403
    client.logout()
    response = client.get("/loans/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/loans/dashboard/")


# --- manage.py generate_sample_data -----------------------------------------------------


def _sample_snapshot() -> list[tuple]:
    return [
        (a.application_id, a.name, a.email, a.country, a.loan_amount, a.final_status,
         timezone.localdate(a.created_at))
        for a in LoanApplication.objects.order_by("application_id")
    ]  # fmt: skip


def test_sample_data_is_spread_consistent_with_the_rules_and_repeatable(db):
    from io import StringIO

    from django.core.management import call_command

    from loans import rules
    from loans.management.commands.generate_sample_data import REGION_COUNTRIES

    out = StringIO()
    call_command("generate_sample_data", count=400, seed=7, stdout=out)
    assert "Created 400 sample loan applications over the last 180 days" in out.getvalue()
    applications = list(LoanApplication.objects.select_related("product"))
    assert len(applications) == 400

    now, today = timezone.now(), timezone.localdate()
    for a in applications:
        # Countries match their region; dates are in the last 180 days, in the ID too
        assert a.country_code in {code for code, _ in REGION_COUNTRIES[a.region]}
        assert a.customer_id is None
        assert today - datetime.timedelta(days=179) <= timezone.localdate(a.created_at) <= today
        assert a.created_at <= now
        assert a.application_id.startswith(f"LOAN-{timezone.localdate(a.created_at):%Y%m%d}-")
        # The stage results are what the rules say for these figures
        product = a.product
        eligibility = rules.eligibility(
            income=a.income,
            debt=a.debt,
            credit_score=a.credit_score,
            loan_amount=a.loan_amount,
            rules=rules.EligibilityRules(
                max_dti=product.max_dti,
                min_credit_score=product.min_credit_score,
                max_income_multiple=product.max_income_multiple,
                max_loan_amount=product.max_loan_amount,
                min_income=product.min_income,
            ),
        )
        assert (a.eligibility_status, a.eligibility_remarks, a.dti_ratio) == (
            eligibility.status,
            eligibility.remarks,
            eligibility.data["dti_ratio"],
        )
        assert a.final_status == rules.final_status(
            a.kyc_status, a.compliance_status, a.eligibility_status
        )
        assert a.status == {"APPROVED": "APPROVED", "REJECTED": "REJECTED"}.get(
            a.final_status, "REVIEW"
        )
        if a.loan_amount > product.high_value_amount:
            assert a.compliance_status != "APPROVED"
            assert "High-value loan" in a.compliance_remarks
        if a.country_code in ("IR", "MM", "KP"):
            assert a.compliance_status == "REJECTED"

    # Spread: every region (the country's), many countries, all three outcomes, weeks apart
    assert {a.region for a in applications} == {"APAC", "EMEA", "AMERICAS"}
    assert len({a.country_code for a in applications}) >= 15
    assert {a.final_status for a in applications} == {"APPROVED", "REJECTED", "PENDING"}
    days = {timezone.localdate(a.created_at) for a in applications}
    assert (max(days) - min(days)).days >= 120
    overview = dashboards.dashboard_overview()
    assert overview["total_applications"] == 400
    assert sum(r["total"] for r in dashboards.dashboard_by_region()["regions"]) == 400

    # The same seed gives the same applications; a second run adds none
    snapshot = _sample_snapshot()
    out = StringIO()
    call_command("generate_sample_data", count=400, seed=7, stdout=out)
    assert "Created 0 sample loan applications (400 already existed)" in out.getvalue()
    # The sample's audit events protect their applications (on_delete=PROTECT): remove both.
    LoanApplicationEvent.objects.all().delete()
    LoanApplication.objects.all().delete()
    call_command("generate_sample_data", count=400, seed=7, stdout=StringIO())
    assert _sample_snapshot() == snapshot
    call_command("generate_sample_data", count=10, seed=8, stdout=StringIO())
    assert LoanApplication.objects.count() == 410
