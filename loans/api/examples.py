"""Examples of the loans API for its OpenAPI schema (Swagger UI shows them): the two request
bodies of the original loan workflow's documentation, and the answers they get.

Each request example is valid for its view's ``InputSerializer`` and each answer has the shape
of its ``OutputSerializer`` (``smartbank/tests/test_openapi.py`` checks both).
"""

from typing import Any

from drf_spectacular.utils import OpenApiExample

#: A home loan with its documents listed, as the original workflow documented it. The region
#: may be left out: the stored one is the country's.
HOME_PURCHASE: dict[str, Any] = {
    "name": "John Doe",
    "email": "john.doe@example.com",
    "phone": "+1234567890",
    "region": "AMERICAS",
    "country": "United States",
    "income": 85000,
    "debt": 25000,
    "credit_score": 720,
    "loan_amount": 250000,
    "loan_purpose": "Home Purchase",
    "documents_uploaded": True,
    "documents": ["ID_Proof", "Income_Statement", "Address_Proof"],
}
#: The shorter body of the same documentation: no documents listed yet.
TEST_USER: dict[str, Any] = {
    "name": "Test User",
    "email": "test@example.com",
    "phone": "+1234567890",
    "region": "AMERICAS",
    "country": "United States",
    "income": 80000,
    "debt": 20000,
    "credit_score": 720,
    "loan_amount": 200000,
    "loan_purpose": "Home Purchase",
}
#: The simple eligibility check's body: nothing is stored.
ELIGIBILITY: dict[str, Any] = {
    "name": "Jane Smith",
    "email": "jane@example.com",
    "income": 75000,
    "debt": 25000,
    "credit_score": 720,
}

#: An application as the integrator that submitted it sees it, checks still running.
APPLICATION: dict[str, Any] = {
    "application_id": "LOAN-20261201-7Q2M9KXA",
    "status": "SUBMITTED",
    "name": "John Doe",
    "email": "john.doe@example.com",
    "phone": "+1234567890",
    "region": "AMERICAS",
    "country": "United States",
    "country_code": "US",
    "product": "personal-standard",
    "income": "85000.00",
    "debt": "25000.00",
    "credit_score": 720,
    "loan_amount": "250000.00",
    "loan_purpose": "Home Purchase",
    "tenure_months": 60,
    "emi": "5373.48",
    "documents_uploaded": True,
    "documents": ["ID_Proof", "Income_Statement", "Address_Proof"],
    "dti_ratio": None,
    "kyc_status": "PENDING",
    "kyc_verified_at": None,
    "kyc_remarks": "",
    "compliance_status": "PENDING",
    "compliance_verified_at": None,
    "compliance_remarks": "",
    "political_connection": False,
    "senior_relative": False,
    "eligibility_status": "PENDING",
    "eligibility_verified_at": None,
    "eligibility_remarks": "",
    "final_status": "PENDING",
    "final_decision_at": None,
    "final_remarks": "",
    "awaiting_second_approval": False,
    "alert_sent": False,
    "email_sent": False,
    "disbursed_at": None,
    "created_at": "2026-12-01T10:15:42.267905+05:30",
}

SUBMIT_EXAMPLES = [
    OpenApiExample(
        "Home purchase, documents listed",
        value=HOME_PURCHASE,
        request_only=True,
        description="The region is optional: the stored one follows the country.",
    ),
    OpenApiExample("Home purchase, no documents yet", value=TEST_USER, request_only=True),
    OpenApiExample(
        "Submitted",
        value={
            "message": "Loan application submitted; verification is in progress",
            "application": APPLICATION,
        },
        response_only=True,
        status_codes=["201"],
    ),
    OpenApiExample(
        "Duplicate",
        value={
            "detail": "This applicant already has a pending or approved application for the"
            " same amount and purpose.",
            "code": "DUPLICATE_APPLICATION",
        },
        response_only=True,
        status_codes=["409"],
    ),
]
DETAIL_EXAMPLES = [
    OpenApiExample(
        "Approved",
        value={
            **APPLICATION,
            "status": "APPROVED",
            "dti_ratio": 0.294,
            "kyc_status": "APPROVED",
            "kyc_verified_at": "2026-12-01T10:15:44.902000+05:30",
            "compliance_status": "APPROVED",
            "compliance_verified_at": "2026-12-01T10:15:45.117000+05:30",
            "eligibility_status": "APPROVED",
            "eligibility_verified_at": "2026-12-01T10:15:45.120000+05:30",
            "final_status": "APPROVED",
            "final_decision_at": "2026-12-01T10:15:45.131000+05:30",
            "final_remarks": "All checks passed.",
            "email_sent": True,
        },
        response_only=True,
        status_codes=["200"],
    )
]
ELIGIBILITY_EXAMPLES = [
    OpenApiExample("Salaried applicant", value=ELIGIBILITY, request_only=True),
    OpenApiExample(
        "Eligible",
        value={
            "name": "Jane Smith",
            "email": "jane@example.com",
            "eligible": True,
            "status": "APPROVED",
            "dti_ratio": 0.333,
            "reasons": [],
            "checks": [
                {"code": "DTI", "outcome": "PASS", "detail": "DTI 0.333 is below 0.400"},
                {
                    "code": "CREDIT_SCORE",
                    "outcome": "PASS",
                    "detail": "Credit score 720 meets the minimum 650",
                },
                {
                    "code": "MIN_INCOME",
                    "outcome": "PASS",
                    "detail": "Income 75000.00 meets the minimum 30000.00",
                },
            ],
        },
        response_only=True,
        status_codes=["200"],
    ),
]
REJECT_EXAMPLES = [
    OpenApiExample(
        "Missing statements", value={"reason": "Bank statements missing"}, request_only=True
    )
]
APPROVE_EXAMPLES = [
    OpenApiExample("With a note", value={"note": "Income verified"}, request_only=True)
]
