"""The OpenAPI schema (issue 12): real examples on the loan application, registration, KYC and
waiver endpoints, valid for the views' input serializers; the error answers 401/403/404/409/429
documented in the project's error shape wherever they can occur; no "seed" wording; Swagger UI
serves it."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.api.views import RegistrationCreateApi
from kyc.api.views import OcrFlowCreateApi
from loans.api.views import (
    LoanApplicationApproveApi,
    LoanApplicationListCreateApi,
    LoanApplicationRejectApi,
    LoanEligibilityCheckApi,
)
from waivers.api.views import (
    WaiverRequestApproveApi,
    WaiverRequestListCreateApi,
    WaiverRequestRejectApi,
)

pytestmark = pytest.mark.django_db

ERROR_REF = "#/components/schemas/Error"
METHODS = ("get", "post", "put", "patch", "delete")
#: Operations whose views are rate limited (smartbank/throttles.py).
THROTTLED = {
    ("post", "/api/v1/registrations/"),
    ("post", "/api/v1/auth/token/"),
    ("post", "/api/v1/auth/token/otp/"),
}
#: Operations that take a body, their input serializer, and the files a multipart body adds.
REQUEST_EXAMPLES = {
    ("post", "/api/v1/loan-applications/"): (LoanApplicationListCreateApi, ()),
    ("post", "/api/v1/loans/eligibility/"): (LoanEligibilityCheckApi, ()),
    ("post", "/api/v1/loan-applications/{application_id}/approve/"): (
        LoanApplicationApproveApi,
        (),
    ),
    ("post", "/api/v1/loan-applications/{application_id}/reject/"): (
        LoanApplicationRejectApi,
        (),
    ),
    ("post", "/api/v1/registrations/"): (RegistrationCreateApi, ("id_document", "selfie")),
    ("post", "/api/v1/kyc/ocr/"): (OcrFlowCreateApi, ("document",)),
    ("post", "/api/v1/waivers/"): (WaiverRequestListCreateApi, ("document",)),
    ("post", "/api/v1/waivers/{waiver_id}/approve/"): (WaiverRequestApproveApi, ()),
    ("post", "/api/v1/waivers/{waiver_id}/reject/"): (WaiverRequestRejectApi, ()),
}
#: Operations with an example answer: ``{(method, path): status}``.
RESPONSE_EXAMPLES = {
    ("post", "/api/v1/loan-applications/"): "201",
    ("get", "/api/v1/loan-applications/{application_id}/"): "200",
    ("post", "/api/v1/loans/eligibility/"): "200",
    ("post", "/api/v1/registrations/"): "202",
    ("get", "/api/v1/registrations/{registration_id}/"): "200",
    ("get", "/api/v1/kyc/cases/{kyc_case_id}/"): "200",
    ("post", "/api/v1/kyc/ocr/"): "202",
    ("get", "/api/v1/kyc/flows/{flow_id}/"): "200",
    ("post", "/api/v1/waivers/"): "201",
    ("get", "/api/v1/waivers/{waiver_id}/"): "200",
}


@pytest.fixture(scope="module")
def schema_text(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture(scope="module")
def schema(schema_text):
    import json

    return json.loads(schema_text)


def operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(out, "PNG")
    return out.getvalue()


def request_examples(operation) -> dict[str, dict]:
    """``{media type: {name: value}}`` of an operation's request body examples."""
    content = operation.get("requestBody", {}).get("content", {})
    return {
        media: {name: example["value"] for name, example in body.get("examples", {}).items()}
        for media, body in content.items()
    }


def test_the_word_seed_appears_nowhere_in_the_schema(schema_text):
    assert not re.search("seed", schema_text, re.IGNORECASE)


@pytest.mark.parametrize(("method", "path"), sorted(REQUEST_EXAMPLES))
def test_request_examples_are_given_and_valid_for_the_views_serializer(schema, method, path):
    view, files = REQUEST_EXAMPLES[(method, path)]
    examples = request_examples(schema["paths"][path][method])
    media = "multipart/form-data" if files else "application/json"
    assert examples.get(media), f"no example for {method} {path} ({media})"
    for name, value in examples[media].items():
        data = {**value, **{f: SimpleUploadedFile(f"{f}.png", _png(), "image/png") for f in files}}
        serializer = view.InputSerializer(data=data)
        assert serializer.is_valid(), (name, serializer.errors)


def test_the_loan_application_examples_are_the_workflows_two_bodies(schema):
    examples = request_examples(schema["paths"]["/api/v1/loan-applications/"]["post"])
    bodies = list(examples["application/json"].values())
    assert bodies[0]["name"] == "John Doe" and bodies[0]["income"] == 85000
    assert bodies[0]["documents"] == ["ID_Proof", "Income_Statement", "Address_Proof"]
    assert bodies[1]["name"] == "Test User" and bodies[1]["loan_amount"] == 200000


@pytest.mark.parametrize(("method", "path"), sorted(RESPONSE_EXAMPLES))
def test_answers_have_realistic_examples(schema, method, path):
    status = RESPONSE_EXAMPLES[(method, path)]
    content = schema["paths"][path][method]["responses"][status]["content"]["application/json"]
    values = [e["value"] for e in content.get("examples", {}).values()]
    assert values, f"no example answer for {method} {path}"
    text = str(values)
    # Money as the API writes it, never a pattern's made-up value.
    assert "021.0" not in text
    for amount in re.findall(r"'(?:income|amount|loan_amount|debt)': '([^']*)'", text):
        assert re.fullmatch(r"\d+\.\d{2}", amount)


def test_decimal_fields_carry_a_plain_example(schema):
    fields = schema["components"]["schemas"]["LoanApplicationSubmitRequest"]["properties"]
    assert fields["income"]["example"] == "1000.00"
    assert fields["loan_amount"]["example"] == "1000.00"


def test_every_operation_documents_the_errors_it_can_answer_in_the_error_shape(schema):
    for method, path, operation in operations(schema):
        responses = operation["responses"]
        needs_login = operation.get("security") not in (None, [], [{}])
        expected = set()
        if needs_login:
            expected |= {"401", "403"}
        if "{" in path:
            expected.add("404")
            if method != "get":
                expected.add("409")
        if (method, path) in THROTTLED:
            expected.add("429")
        missing = expected - set(responses)
        assert not missing, f"{method.upper()} {path} does not document {sorted(missing)}"
        for code in expected:
            body = responses[code].get("content", {}).get("application/json", {})
            assert body.get("schema") == {"$ref": ERROR_REF}, (method, path, code)


def test_default_error_answers_carry_an_example_of_the_body(schema):
    responses = schema["paths"]["/api/v1/waivers/{waiver_id}/"]["get"]["responses"]
    (example,) = responses["401"]["content"]["application/json"]["examples"].values()
    assert example["value"] == {
        "detail": "Authentication credentials were not provided.",
        "code": "not_authenticated",
    }
    registrations = schema["paths"]["/api/v1/registrations/"]["post"]["responses"]
    (throttled,) = registrations["429"]["content"]["application/json"]["examples"].values()
    assert throttled["value"]["code"] == "throttled"
    assert "401" not in registrations  # no login needed to register


def test_swagger_ui_serves_the_schema(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert b"swagger-ui" in page.content.lower()
