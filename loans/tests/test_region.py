"""Issue 12: an application's region is its country's (one scheme, APAC / EMEA / AMERICAS, for
every ISO country), never the applicant's pick among seed 001's overlapping codes; the
dashboard groups by it and the stored rows were rewritten."""

import importlib

import pycountry
import pytest
from django.apps import apps as django_apps

from accounts.tests.auth import api_client_for, login_verified
from accounts.tests.banking_factories import onboarded_customer
from accounts.tests.step_up_factories import step_up_id_for
from loans import dashboards
from loans.countries import REGIONS, country_region
from loans.forms import LoanApplicationForm
from loans.models import LoanApplication
from loans.services.rollups import rollups_rebuild
from loans.tests.factories import (
    SEED_BODY_JSON,
    default_product,
    integrator,
    seed_body,
    submit,
)

URL = "/api/v1/loan-applications/"


def test_every_iso_country_has_exactly_one_of_the_three_regions():
    for country in pycountry.countries:
        assert country_region(country.alpha_2) in REGIONS, country.name
    assert REGIONS == ("APAC", "EMEA", "AMERICAS")
    assert {
        code: country_region(code)
        for code in ("IN", "CN", "JP", "AU", "PK", "US", "CA", "BR", "MX", "GB", "DE", "AE",
                     "IR", "ZA", "RU", "KZ")
    } == {
        "IN": "APAC", "CN": "APAC", "JP": "APAC", "AU": "APAC", "PK": "APAC",
        "US": "AMERICAS", "CA": "AMERICAS", "BR": "AMERICAS", "MX": "AMERICAS",
        "GB": "EMEA", "DE": "EMEA", "AE": "EMEA", "IR": "EMEA", "ZA": "EMEA", "RU": "EMEA",
        "KZ": "EMEA",
    }  # fmt: skip
    assert country_region("in") == "APAC"
    assert country_region("XX") is None


@pytest.mark.django_db
def test_the_region_sent_is_replaced_by_the_countrys():
    default_product()
    # India sent as ASIA and as APAC, the United States as NA: one region each.
    assert submit(country="India", region="ASIA", email="a@example.com").region == "APAC"
    assert submit(country="IN", region="APAC", email="b@example.com").region == "APAC"
    assert submit(country="United States", region="NA", email="c@example.com").region == (
        "AMERICAS"
    )
    assert submit(country="Germany", region="EU", email="d@example.com").region == "EMEA"


@pytest.mark.django_db(transaction=True)
def test_seed_body_byte_for_byte_is_stored_with_its_countrys_region():
    default_product()
    response = api_client_for(integrator()).post(
        URL, data=SEED_BODY_JSON, content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["application"]["region"] == "AMERICAS"
    stored = LoanApplication.objects.get(
        application_id=response.json()["application"]["application_id"]
    )
    assert (stored.country_code, stored.region, stored.kyc_status) == ("US", "AMERICAS", "APPROVED")
    assert "Region valid" in stored.kyc_remarks


@pytest.mark.django_db
def test_the_api_needs_no_region_and_still_refuses_an_unknown_code():
    default_product()
    client = api_client_for(integrator())
    body = seed_body(country="India", email="asha@example.com")
    del body["region"]
    response = client.post(URL, body, format="json")
    assert response.status_code == 201
    assert response.json()["application"]["region"] == "APAC"

    response = client.post(URL, seed_body(region="MARS", email="x@example.com"), format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"region"}


@pytest.mark.django_db
def test_the_customer_form_asks_no_region(client):
    assert "region" not in LoanApplicationForm().fields
    customer = onboarded_customer(full_name="Kalpana Chawla", email="kalpana@example.com")
    product = default_product()
    login_verified(client, customer)
    page = client.get("/loans/apply/").content.decode()
    assert 'name="region"' not in page
    client.post(
        "/loans/apply/",
        {
            "product": product.pk,
            "loan_amount": "300000",
            "tenure_months": "36",
            "loan_purpose": "Home renovation",
            "income": "900000",
            "debt": "120000",
            "credit_score": "760",
            "country": "India",
            "step_up_id": step_up_id_for(client),
        },
    )
    application = LoanApplication.objects.get(customer=customer)
    assert (application.country_code, application.region) == ("IN", "APAC")


@pytest.mark.django_db
def test_migration_rewrites_stored_regions_and_the_dashboard_has_one_india():
    # Given rows stored before issue 12 with the applicant's own picks
    default_product()
    picks = [("India", "ASIA"), ("India", "APAC"), ("United States", "NA"), ("Germany", "EU")]
    applications = [
        submit(country=country, email=f"{n}@example.com") for n, (country, _) in enumerate(picks)
    ]
    for application, (_, region) in zip(applications, picks, strict=True):
        LoanApplication.objects.filter(pk=application.pk).update(region=region)
    rollups_rebuild()
    assert len(dashboards.dashboard_by_region()["regions"]) == 4

    # When the data migration runs (and the roll-ups are rebuilt, as its successor does)
    migration = importlib.import_module("loans.migrations.0008_region_from_country")
    migration.region_from_country(django_apps, None)
    rollups_rebuild()

    # Then each country has its one region, and India is one row on the dashboard
    stored = dict(LoanApplication.objects.values_list("email", "region"))
    assert stored == {
        "0@example.com": "APAC",
        "1@example.com": "APAC",
        "2@example.com": "AMERICAS",
        "3@example.com": "EMEA",
    }
    assert dashboards.dashboard_by_region()["regions"] == [
        {"region": "APAC", "total": 2, "approved": 0, "rejected": 0, "pending": 2},
        {"region": "AMERICAS", "total": 1, "approved": 0, "rejected": 0, "pending": 1},
        {"region": "EMEA", "total": 1, "approved": 0, "rejected": 0, "pending": 1},
    ]
    assert [(c["country"], c["region"]) for c in dashboards.dashboard_by_country()["countries"]][
        0
    ] == ("India", "APAC")
    assert len(dashboards.dashboard_by_country()["countries"]) == 3
