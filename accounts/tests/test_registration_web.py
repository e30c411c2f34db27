"""The customer's registration on the web pages, through to the KYC decision page, with Django's
test client (moved from ``kyc/tests/test_web.py``: the journey starts in accounts)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from accounts.tests.auth import last_email_code

pytestmark = pytest.mark.django_db


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_registration_form_shows_errors_next_to_fields(client):
    response = client.post(
        "/accounts/register/",
        {
            "full_name": "Neil Armstrong",
            "email": "bad",
            "phone": "12",
            "date_of_birth": "1990-08-05",
            "password1": "password",
            "password2": "different",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert {"email", "phone", "password2"} <= set(form.errors)
    assert b"errorlist" in response.content
    assert User.objects.count() == 0


def test_register_then_kyc_then_decision_page(
    client, django_capture_on_commit_callbacks, astronaut_card_png, astronaut_selfie_jpg
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/register/",
            {
                "full_name": "Neil Armstrong",
                "email": "neil@example.com",
                "phone": "98765 43210",
                "date_of_birth": "1990-08-05",
                "password1": "Tranquility-Base-1969",
                "password2": "Tranquility-Base-1969",
            },
        )
    assert response.status_code == 302 and response.url.startswith("/accounts/verify/")
    assert str(User.objects.get().profile.phone) == "+919876543210"
    response = client.post(
        "/accounts/verify/?next=/kyc/submit/",
        {
            "channel": "EMAIL",
            "action": "verify",
            "next": "/kyc/submit/",
            "email-otp": last_email_code("neil@example.com"),
        },
    )

    page = client.get("/kyc/submit/")
    assert b"Attempts left: 3" in page.content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/kyc/submit/",
            {
                "id_type": "AADHAAR",
                "id_number": "2345 6789 0124",
                "date_of_birth": "1990-08-05",
                "id_document": upload("card.png", astronaut_card_png, "image/png"),
                "selfie": upload("me.jpg", astronaut_selfie_jpg),
            },
        )
    assert response.status_code == 302 and response.url == "/kyc/"

    page = client.get("/kyc/")
    assert b'id="kyc-status">Verified<' in page.content
    assert b'http-equiv="refresh"' not in page.content
    assert b"XXXX XXXX 0124" in page.content
    assert b"234567890124" not in page.content
