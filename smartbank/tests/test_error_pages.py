"""Errors as a customer and an integrator see them with DEBUG off: the branded page on the web,
the API's ``{"detail", "code"}`` under ``/api/``, and never the exception's text."""

import pytest

from smartbank.tests.auth import login_verified
from smartbank.tests.error_urls import SECRET_DETAIL


@pytest.fixture
def production(settings, client):
    """DEBUG off, the failing views of ``smartbank.tests.error_urls``, 500s answered not raised."""
    settings.DEBUG = False
    settings.ROOT_URLCONF = "smartbank.tests.error_urls"
    client.raise_request_exception = False
    return client


def _assert_branded(response, status_code: int, heading: str) -> str:
    page = response.content.decode()
    assert response.status_code == status_code
    assert response["Content-Type"].startswith("text/html")
    assert heading in page
    assert '<a class="brand" href="/">SmartBank</a>' in page or '<a href="/">SmartBank</a>' in page
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    assert SECRET_DETAIL not in page
    return page


@pytest.mark.django_db
def test_an_unknown_page_shows_the_branded_404(production):
    page = _assert_branded(production.get("/no-such-page/"), 404, "We can't find that page")
    assert "/static/css/site.css" in page  # the site's own base template


@pytest.mark.django_db
def test_the_branded_404_shows_the_logged_in_customers_menu(production, customer):
    login_verified(production, customer)
    page = _assert_branded(production.get("/no-such-page/"), 404, "We can't find that page")
    assert "Log out" in page


@pytest.mark.django_db
def test_a_view_refusing_access_shows_the_branded_403(production):
    _assert_branded(production.get("/broken/forbidden/"), 403, "You can't open this page")


@pytest.mark.django_db
def test_a_failing_view_shows_the_self_contained_branded_500(production):
    page = _assert_branded(
        production.get("/broken/server/"), 500, "Something went wrong on our side"
    )
    assert "{%" not in page and "<link" not in page  # no template tags, no other file needed


@pytest.mark.django_db
def test_a_bad_request_shows_the_branded_400(production):
    response = production.get("/accounts/login/", HTTP_HOST="evil.example")  # not ALLOWED_HOSTS
    _assert_branded(response, 400, "We couldn't read that request")


@pytest.mark.django_db
def test_an_unknown_api_url_answers_the_api_404(production):
    response = production.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


@pytest.mark.django_db
def test_an_unhandled_exception_in_an_api_view_answers_the_api_500(production):
    response = production.get("/api/v1/broken/view/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "A server error occurred.", "code": "server_error"}
    assert SECRET_DETAIL not in response.content.decode()


@pytest.mark.django_db
def test_the_api_answers_django_level_errors_in_its_shape(production):
    forbidden = production.get("/api/v1/broken/forbidden/")
    broken = production.get("/api/v1/broken/server/")
    bad = production.get("/api/v1/no-such-endpoint/", HTTP_HOST="evil.example")
    assert (forbidden.status_code, forbidden.json()) == (
        403,
        {
            "detail": "You do not have permission to perform this action.",
            "code": "permission_denied",
        },
    )
    assert (broken.status_code, broken.json()) == (
        500,
        {"detail": "A server error occurred.", "code": "server_error"},
    )
    assert (bad.status_code, bad.json()) == (400, {"detail": "Bad request.", "code": "bad_request"})
    assert all(SECRET_DETAIL not in r.content.decode() for r in (forbidden, broken, bad))


@pytest.mark.django_db
def test_every_drf_error_names_its_code_and_only_field_errors_fill_errors(customer):
    # Found by schemathesis against the schema's Error {"detail", "code"}: a 401, 403, 405 or
    # 415 had no code, and a body that does not parse answered its message as "errors".
    from rest_framework.test import APIClient

    from smartbank.tests.auth import api_client_for

    client = api_client_for(customer)
    anonymous = APIClient().get("/api/v1/accounts/")
    forbidden = client.get("/api/v1/dashboard/overview/")
    not_allowed = client.delete("/api/v1/accounts/")
    json = "application/json"
    unsupported = client.post("/api/v1/kyc/ocr/", data="{}", content_type=json)
    unparsable = client.post("/api/v1/loans/eligibility/", data="{", content_type=json)

    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "not_authenticated")
    assert forbidden.json() == {
        "detail": "Only loan and compliance staff can see the dashboards.",
        "code": "permission_denied",
    }
    assert (not_allowed.status_code, not_allowed.json()["code"]) == (405, "method_not_allowed")
    assert (unsupported.status_code, unsupported.json()["code"]) == (415, "unsupported_media_type")
    assert unparsable.status_code == 400
    assert unparsable.json()["code"] == "parse_error"
    assert sorted(unparsable.json()) == ["code", "detail"]
