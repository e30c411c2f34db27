"""Documents by country (issue 11): registration asks for the country of residence, and the
registration API and the KYC form offer and accept only the ID types that country accepts
(the staff-kept table ``kyc.KycDocumentRule``: India -> Aadhaar, PAN, passport; every other
country -> passport). Nothing runs the pipeline here: on-commit callbacks are not executed.
"""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accounts.models import CustomerProfile, User
from accounts.tests.factories import CustomerProfileFactory
from kyc.models import KycCase, KycDocumentRule
from smartbank.tests.auth import login_verified

pytestmark = pytest.mark.django_db

NEXT_YEAR = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
ID_NUMBERS = {"AADHAAR": "2345 6789 0124", "PAN": "ABCPE1234F", "PASSPORT": "K1234567"}
US_ONLY_PASSPORT = "Residents of United States can verify with: Passport."


def register(card: bytes, selfie: bytes, id_type: str, **fields: object):
    data = {
        "email": "neil@example.com",
        "password": "Tranquility-Base-1969",
        "full_name": "Neil Armstrong",
        "date_of_birth": "1990-08-05",
        "phone": "+919876543210",
        "id_type": id_type,
        "id_number": ID_NUMBERS[id_type],
        "id_document": io.BytesIO(card),
        "selfie": io.BytesIO(selfie),
    }
    if id_type == "PASSPORT":
        data |= {"nationality": "IND", "document_expiry": NEXT_YEAR}
    data.update(fields)
    data["id_document"].name = "card.png"
    data["selfie"].name = "selfie.jpg"
    return APIClient().post("/api/v1/registrations/", data, format="multipart")


def kyc_form_data(card: bytes, selfie: bytes, id_type: str) -> dict:
    return {
        "id_type": id_type,
        "id_number": ID_NUMBERS[id_type],
        "date_of_birth": "1990-08-05",
        "nationality": "IND",
        "document_expiry": NEXT_YEAR,
        "id_document": SimpleUploadedFile("card.png", card, "image/png"),
        "selfie": SimpleUploadedFile("me.jpg", selfie, "image/jpeg"),
    }


def radio(id_type: str) -> str:
    """The KYC form's ID type option ``id_type`` as Django renders it."""
    return f'name="id_type" value="{id_type}"'


def resident_of(country: str) -> User:
    return CustomerProfileFactory(country_of_residence=country).user


# --- the registration API ---------------------------------------------------------------


@pytest.mark.parametrize("id_type", ["AADHAAR", "PAN", "PASSPORT"])
def test_api_an_indian_resident_may_register_with_aadhaar_pan_or_passport(
    astronaut_card_png, astronaut_selfie_jpg, id_type
):
    response = register(
        astronaut_card_png, astronaut_selfie_jpg, id_type, country_of_residence="IN"
    )
    assert response.status_code == 202, response.content
    assert KycCase.objects.get().id_type == id_type
    assert CustomerProfile.objects.get().country_of_residence == "IN"


def test_api_without_a_country_registers_a_resident_of_india(
    astronaut_card_png, astronaut_selfie_jpg
):
    response = register(astronaut_card_png, astronaut_selfie_jpg, "AADHAAR")
    assert response.status_code == 202, response.content
    assert CustomerProfile.objects.get().country_of_residence == "IN"


@pytest.mark.parametrize("id_type", ["AADHAAR", "PAN"])
def test_api_a_us_resident_with_aadhaar_or_pan_is_400_and_nothing_is_stored(
    astronaut_card_png, astronaut_selfie_jpg, id_type
):
    response = register(
        astronaut_card_png, astronaut_selfie_jpg, id_type, country_of_residence="US"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": US_ONLY_PASSPORT,
        "code": "ID_TYPE_NOT_ACCEPTED",
        "errors": {"id_type": [US_ONLY_PASSPORT]},
    }
    assert not User.objects.exists() and not KycCase.objects.exists()


def test_api_a_us_resident_registers_with_a_passport_country_given_as_alpha_3(
    astronaut_card_png, astronaut_selfie_jpg
):
    response = register(
        astronaut_card_png, astronaut_selfie_jpg, "PASSPORT", country_of_residence="usa"
    )
    assert response.status_code == 202, response.content
    assert CustomerProfile.objects.get().country_of_residence == "US"
    assert KycCase.objects.get().id_type == "PASSPORT"


def test_api_an_unknown_country_is_a_400_field_error(astronaut_card_png, astronaut_selfie_jpg):
    response = register(
        astronaut_card_png, astronaut_selfie_jpg, "PASSPORT", country_of_residence="XX"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "country_of_residence": ["Choose your country of residence, e.g. IN for India."]
    }
    assert not User.objects.exists()


def test_api_follows_a_rule_staff_added(astronaut_card_png, astronaut_selfie_jpg):
    KycDocumentRule.objects.create(country="NP", id_type="PAN")  # as in the admin

    refused = register(
        astronaut_card_png, astronaut_selfie_jpg, "PASSPORT", country_of_residence="NP"
    )
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"id_type": ["Residents of Nepal can verify with: PAN."]}

    accepted = register(astronaut_card_png, astronaut_selfie_jpg, "PAN", country_of_residence="NP")
    assert accepted.status_code == 202, accepted.content
    assert KycCase.objects.get().id_type == "PAN"


# --- the web pages ----------------------------------------------------------------------


def test_web_registration_asks_for_the_country_and_stores_it(client):
    page = client.get("/accounts/register/").content.decode()
    assert 'name="country_of_residence"' in page
    assert '<option value="IN" selected>India</option>' in page
    assert '<option value="US">United States</option>' in page

    response = client.post(
        "/accounts/register/",
        {
            "full_name": "Neil Armstrong",
            "email": "neil@example.com",
            "phone": "98765 43210",
            "date_of_birth": "1990-08-05",
            "country_of_residence": "US",
            "password1": "Tranquility-Base-1969",
            "password2": "Tranquility-Base-1969",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert User.objects.get().profile.country_of_residence == "US"


def test_the_kyc_form_offers_an_indian_resident_aadhaar_pan_and_passport(client):
    login_verified(client, resident_of("IN"))
    page = client.get("/kyc/submit/").content.decode()
    assert all(radio(value) in page for value in ("AADHAAR", "PAN", "PASSPORT"))
    assert "Residents of India can verify with: Aadhaar, PAN, Passport." in page


def test_the_kyc_form_offers_a_us_resident_only_a_passport(client):
    login_verified(client, resident_of("US"))
    page = client.get("/kyc/submit/").content.decode()
    assert radio("PASSPORT") in page
    assert radio("AADHAAR") not in page and radio("PAN") not in page
    assert US_ONLY_PASSPORT in page


def test_a_us_resident_posting_aadhaar_on_the_kyc_form_sees_the_accepted_types(
    client, astronaut_card_png, astronaut_selfie_jpg
):
    login_verified(client, resident_of("US"))
    response = client.post(
        "/kyc/submit/", kyc_form_data(astronaut_card_png, astronaut_selfie_jpg, "AADHAAR")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["id_type"] == [US_ONLY_PASSPORT]
    assert not KycCase.objects.exists()


def test_the_kyc_form_follows_a_rule_staff_added(client, astronaut_card_png, astronaut_selfie_jpg):
    KycDocumentRule.objects.create(country="NP", id_type="PAN")  # as in the admin
    login_verified(client, resident_of("NP"))
    page = client.get("/kyc/submit/").content.decode()
    assert radio("PAN") in page and radio("PASSPORT") not in page

    response = client.post(
        "/kyc/submit/", kyc_form_data(astronaut_card_png, astronaut_selfie_jpg, "PAN")
    )
    assert response.status_code == 302, response.context["form"].errors
    assert KycCase.objects.get().id_type == "PAN"
