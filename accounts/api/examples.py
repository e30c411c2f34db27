"""Examples of the registration API for its OpenAPI schema (Swagger UI shows them).

A registration is multipart: the examples give the text fields; ``id_document`` and ``selfie``
are the files (JPG or PNG). ``smartbank/tests/test_openapi.py`` checks each request example
against the view's ``InputSerializer`` with two images added.
"""

from drf_spectacular.utils import OpenApiExample

REGISTRATION_AADHAAR = {
    "email": "ananya.rao@example.com",
    "password": "Correct-Horse-7-Battery",
    "full_name": "Ananya Rao",
    "date_of_birth": "1992-03-14",
    "phone": "+919876543210",
    "country_of_residence": "IN",
    "id_type": "AADHAAR",
    "id_number": "234567890124",
}
REGISTRATION_PASSPORT = {
    "email": "john.doe@example.com",
    "password": "Correct-Horse-7-Battery",
    "full_name": "John Doe",
    "date_of_birth": "1988-11-02",
    "phone": "+12025550123",
    "country_of_residence": "US",
    "id_type": "PASSPORT",
    "id_number": "X12345678",
    "nationality": "USA",
    "document_expiry": "2031-06-30",
}

REGISTRATION_EXAMPLES = [
    OpenApiExample(
        "Resident of India with an Aadhaar card",
        value=REGISTRATION_AADHAAR,
        request_only=True,
        media_type="multipart/form-data",
        description="Send the card's photo as `id_document` and a selfie as `selfie`.",
    ),
    OpenApiExample(
        "Resident of the United States with a passport",
        value=REGISTRATION_PASSPORT,
        request_only=True,
        media_type="multipart/form-data",
        description="`id_document` is the passport's data page; nationality and expiry as in"
        " its machine-readable zone.",
    ),
    OpenApiExample(
        "Accepted",
        value={
            "registration_id": "3f6d1c2e-8b4a-4f0e-9c51-7a2d9e4b6c10",
            "kyc_case_id": "b1e0f7a2-5c3d-4e8f-a9b6-2d7c4e1f0a93",
            "status": "PENDING",
        },
        response_only=True,
        status_codes=["202"],
    ),
    OpenApiExample(
        "Email taken",
        value={
            "detail": "An account with this email already exists.",
            "code": "EMAIL_TAKEN",
            "errors": {"email": ["An account with this email already exists."]},
        },
        response_only=True,
        status_codes=["409"],
    ),
]
REGISTRATION_DETAIL_EXAMPLES = [
    OpenApiExample(
        "Verified",
        value={
            "registration_id": "3f6d1c2e-8b4a-4f0e-9c51-7a2d9e4b6c10",
            "kyc_case_id": "b1e0f7a2-5c3d-4e8f-a9b6-2d7c4e1f0a93",
            "status": "VERIFIED",
            "reasons": [],
            "checks": [
                {"name": "FILES", "status": "PASSED", "detail": "Done."},
                {"name": "FACE_MATCH", "status": "PASSED", "detail": "Done."},
            ],
            "submitted_at": "2026-12-01T10:02:11.540000+05:30",
            "decided_at": "2026-12-01T10:02:19.871000+05:30",
        },
        response_only=True,
        status_codes=["200"],
    )
]
