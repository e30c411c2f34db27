"""The KYC form with a passport (issue 11): its nationality and expiry fields, their errors,
and a passport submitted through the page."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kyc.models import KycCase
from smartbank.tests import cards, passports
from smartbank.tests.auth import login_verified

pytestmark = pytest.mark.django_db

PERSON = passports.holder()


def form_data(**changes: object) -> dict:
    page = passports.render_passport(PERSON, photo=cards.face_photo("astronaut"))
    data = {
        "id_type": "PASSPORT",
        "id_number": PERSON.number,
        "date_of_birth": PERSON.date_of_birth.isoformat(),
        "nationality": "IND",
        "document_expiry": PERSON.expiry.isoformat(),
        "id_document": SimpleUploadedFile(
            "passport.jpg", cards.to_bytes(page, "JPEG", quality=92), "image/jpeg"
        ),
        "selfie": SimpleUploadedFile(
            "me.jpg", cards.to_bytes(cards.selfie_of("astronaut")), "image/jpeg"
        ),
    }
    data.update(changes)
    return data


def test_the_form_offers_a_passport_with_nationality_and_expiry(client, customer):
    login_verified(client, customer)
    page = client.get("/kyc/submit/").content.decode()
    assert 'value="PASSPORT"' in page and "Passport" in page
    assert 'name="nationality"' in page and '<option value="IND" selected>India</option>' in page
    assert 'name="document_expiry"' in page and 'type="date"' in page


def test_an_expired_passport_is_a_form_error(client, customer):
    login_verified(client, customer)
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    response = client.post("/kyc/submit/", form_data(document_expiry=yesterday, nationality=""))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["nationality"] == [
        "Enter the nationality as printed in the passport, e.g. IND."
    ]
    assert form.errors["document_expiry"] == [
        "This passport has expired. Please use a passport that is still valid."
    ]
    assert KycCase.objects.count() == 0


def test_a_passport_submitted_on_the_page_is_verified(
    client, customer, django_capture_on_commit_callbacks
):
    login_verified(client, customer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/kyc/submit/", form_data())
    assert response.status_code == 302 and response.url == "/kyc/"
    case = KycCase.objects.get(user=customer)
    assert (case.id_type, case.nationality, case.status) == ("PASSPORT", "IND", "VERIFIED")
    page = client.get("/kyc/").content.decode()
    assert "Passport XXXX4567" in page and "Your identity is verified" in page
