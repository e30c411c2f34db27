"""Examples of the KYC API for its OpenAPI schema (Swagger UI shows them). The OCR upload is
multipart: ``document`` is the file (JPG or PNG), the example gives the other field."""

from drf_spectacular.utils import OpenApiExample

KYC_CASE = {
    "kyc_case_id": "b1e0f7a2-5c3d-4e8f-a9b6-2d7c4e1f0a93",
    "status": "MANUAL_REVIEW",
    "attempt": 1,
    "reasons": [
        {
            "code": "FACE_UNCERTAIN",
            "message": "Your selfie and ID photo are similar but not clearly the same person.",
        }
    ],
    "checks": [
        {"name": "FILES", "status": "PASSED", "detail": "Done."},
        {
            "name": "FACE_MATCH",
            "status": "REVIEW",
            "detail": "A member of our team will check this.",
        },
    ],
    "submitted_at": "2026-12-01T10:02:11.540000+05:30",
    "decided_at": None,
}
OCR_FLOW_INPUT = {"id_type": "AADHAAR"}
OCR_FLOW = {
    "flow_id": "5a7c2e94-1f3b-4d6a-8e0c-9b2f4a6d8e17",
    "status": "RUNNING",
    "id_type": "AADHAAR",
    "tasks": [
        {
            "name": "UPLOAD_IMAGE",
            "status": "SUCCESS",
            "error": "",
            "finished_at": "2026-12-01T10:05:00.131000+05:30",
        },
        {"name": "PERFORM_OCR", "status": "PENDING", "error": "", "finished_at": None},
        {"name": "EXTRACT_DETAILS", "status": "PENDING", "error": "", "finished_at": None},
        {"name": "SAVE_RECORD", "status": "PENDING", "error": "", "finished_at": None},
    ],
    "record": None,
    "created_at": "2026-12-01T10:05:00.120000+05:30",
}
OCR_FLOW_DONE = {
    **OCR_FLOW,
    "status": "COMPLETED",
    "tasks": [
        {"name": n, "status": "SUCCESS", "error": "", "finished_at": t}
        for n, t in (
            ("UPLOAD_IMAGE", "2026-12-01T10:05:00.131000+05:30"),
            ("PERFORM_OCR", "2026-12-01T10:05:01.902000+05:30"),
            ("EXTRACT_DETAILS", "2026-12-01T10:05:01.915000+05:30"),
            ("SAVE_RECORD", "2026-12-01T10:05:01.930000+05:30"),
        )
    ],
    "record": {"name": "Ananya Rao", "date_of_birth": "1992-03-14", "ocr_confidence": 91.4},
}

CASE_EXAMPLES = [
    OpenApiExample("In review", value=KYC_CASE, response_only=True, status_codes=["200"])
]
OCR_FLOW_CREATE_EXAMPLES = [
    OpenApiExample(
        "An Aadhaar card",
        value=OCR_FLOW_INPUT,
        request_only=True,
        media_type="multipart/form-data",
        description="Send the card's photo as `document`.",
    ),
    OpenApiExample("Started", value=OCR_FLOW, response_only=True, status_codes=["202"]),
]
OCR_FLOW_DETAIL_EXAMPLES = [
    OpenApiExample("Completed", value=OCR_FLOW_DONE, response_only=True, status_codes=["200"])
]
