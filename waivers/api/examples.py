"""Examples of the waivers API for its OpenAPI schema (Swagger UI shows them). A request is
multipart: ``document`` is the scanned certificate (JPG, PNG or PDF), the example gives the
other fields. ``smartbank/tests/test_openapi.py`` checks the request examples against the
view's ``InputSerializer`` with a scan added."""

from drf_spectacular.utils import OpenApiExample

BY_PERCENT = {
    "loan": "LOAN-20261120-4K8Q2ZTM",
    "waiver_type": "interest",
    "certificate_type": "agri-debt-relief",
    "certificate_number": "MH/2024/004517",
    "percent": "10.00",
}
BY_AMOUNT = {
    "loan": "LOAN-20261120-4K8Q2ZTM",
    "waiver_type": "interest",
    "certificate_type": "agri-debt-relief",
    "certificate_number": "MH/2024/004517",
    "amount": "25000.00",
}
WAIVER = {
    "id": "9d4e2b7a-3c1f-4a8e-b6d0-5f2c7e9a1b34",
    "status": "PENDING",
    "loan": "LOAN-20261120-4K8Q2ZTM",
    "waiver_type": {"code": "interest", "name": "Interest waiver"},
    "certificate_type": {
        "code": "agri-debt-relief",
        "name": "Agricultural debt relief certificate",
    },
    "certificate_number": "MH/2024/004517",
    "requested_amount": None,
    "requested_percent": "10.00",
    "amount": "25000.00",
    "currency": "INR",
    "outstanding_at_request": "250000.00",
    "checks": [],
    "reasons": [],
    "awaiting_second_approval": False,
    "submitted_at": "2026-12-01T11:20:05.410000+05:30",
    "decided_at": None,
}
APPROVED = {
    **WAIVER,
    "status": "APPROVED",
    "checks": [
        {
            "name": "CERTIFICATE_NUMBER",
            "status": "PASSED",
            "code": "",
            "detail": "Done.",
        }
    ],
    "decided_at": "2026-12-01T15:42:10.002000+05:30",
}

SUBMIT_EXAMPLES = [
    OpenApiExample(
        "10 % of what is owed",
        value=BY_PERCENT,
        request_only=True,
        media_type="multipart/form-data",
        description="Send the scanned certificate as `document`.",
    ),
    OpenApiExample(
        "A fixed amount",
        value=BY_AMOUNT,
        request_only=True,
        media_type="multipart/form-data",
    ),
    OpenApiExample("Received", value=WAIVER, response_only=True, status_codes=["201"]),
]
DETAIL_EXAMPLES = [
    OpenApiExample("Approved", value=APPROVED, response_only=True, status_codes=["200"])
]
APPROVE_EXAMPLES = [
    OpenApiExample("With a note", value={"note": "Certificate checked"}, request_only=True),
    OpenApiExample("Approved", value=APPROVED, response_only=True, status_codes=["200"]),
]
REJECT_EXAMPLES = [
    OpenApiExample(
        "Unreadable certificate",
        value={"reason": "The certificate number cannot be read; please upload a clearer scan."},
        request_only=True,
    )
]
