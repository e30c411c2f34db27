"""Documents by country (issue 11; seed 003 "different required docs by country"): the
staff-kept table of ID types each country of residence accepts, its seed, the selector, the
one check in :func:`kyc.services.kyc_case_submit`, and the admin where staff change it.

KYC sits below accounts, so customers here are plain users (no profile: residents of India)
and another country is passed to the service as ``country_of_residence``.
"""

import datetime

import pytest

from kyc.models import KycCase, KycDocumentRule
from kyc.selectors import kyc_id_types_for_country
from kyc.services import UploadedDocument, kyc_case_submit
from smartbank.errors import ApplicationError
from smartbank.tests.auth import login_verified

pytestmark = pytest.mark.django_db

NEXT_YEAR = datetime.date.today() + datetime.timedelta(days=365)
ID_NUMBERS = {"AADHAAR": "234567890124", "PAN": "ABCPE1234F", "PASSPORT": "K1234567"}


def submit(user, id_type: str, card: bytes, selfie: bytes, **fields: object) -> KycCase:
    return kyc_case_submit(
        user=user,
        id_type=id_type,
        id_number=ID_NUMBERS[id_type],
        full_name="Neil Armstrong",
        date_of_birth=datetime.date(1990, 8, 5),
        id_document=UploadedDocument(card),
        selfie=UploadedDocument(selfie),
        nationality="IND" if id_type == "PASSPORT" else "",
        document_expiry=NEXT_YEAR if id_type == "PASSPORT" else None,
        **fields,
    )


def test_the_seeded_rules_give_india_three_types_and_every_other_country_a_passport():
    rows = set(KycDocumentRule.objects.values_list("country", "id_type"))
    assert rows == {("IN", "AADHAAR"), ("IN", "PAN"), ("IN", "PASSPORT"), ("*", "PASSPORT")}
    assert kyc_id_types_for_country("IN") == ["AADHAAR", "PAN", "PASSPORT"]
    assert kyc_id_types_for_country("ind") == ["AADHAAR", "PAN", "PASSPORT"]  # alpha-3 too
    assert kyc_id_types_for_country("US") == ["PASSPORT"]
    assert kyc_id_types_for_country("NP") == ["PASSPORT"]


def test_an_emptied_table_falls_back_to_the_seeded_rules_rather_than_refusing_everyone():
    """A flushed database (a transactional test, a restore gone wrong) or staff deleting every
    row: the built-in defaults, the migration's seed, apply until staff keep rules again."""
    KycDocumentRule.objects.all().delete()
    assert kyc_id_types_for_country("IN") == ["AADHAAR", "PAN", "PASSPORT"]
    assert kyc_id_types_for_country("US") == ["PASSPORT"]
    KycDocumentRule.objects.create(country="*", id_type="PAN")
    assert kyc_id_types_for_country("IN") == ["PAN"]  # staff's rules again, only theirs


def test_a_country_with_rules_of_its_own_accepts_exactly_those():
    KycDocumentRule.objects.create(country="NP", id_type="PAN")
    assert kyc_id_types_for_country("NP") == ["PAN"]
    KycDocumentRule.objects.create(country="NP", id_type="PASSPORT")
    assert kyc_id_types_for_country("NP") == ["PAN", "PASSPORT"]
    assert kyc_id_types_for_country("US") == ["PASSPORT"]


@pytest.mark.parametrize("id_type", ["AADHAAR", "PAN", "PASSPORT"])
def test_an_indian_resident_may_submit_aadhaar_pan_or_passport(
    customer, astronaut_card_png, astronaut_selfie_jpg, id_type
):
    case = submit(customer, id_type, astronaut_card_png, astronaut_selfie_jpg)  # no profile: IN
    assert case.id_type == id_type and case.status == KycCase.Status.PENDING


@pytest.mark.parametrize("id_type", ["AADHAAR", "PAN"])
def test_a_us_resident_is_refused_aadhaar_and_pan_with_the_accepted_types(
    customer, astronaut_card_png, astronaut_selfie_jpg, id_type
):
    with pytest.raises(ApplicationError) as refused:
        submit(
            customer, id_type, astronaut_card_png, astronaut_selfie_jpg, country_of_residence="US"
        )
    assert (refused.value.code, refused.value.field, refused.value.message) == (
        "ID_TYPE_NOT_ACCEPTED",
        "id_type",
        "Residents of United States can verify with: Passport.",
    )
    assert not KycCase.objects.exists()


def test_a_us_resident_may_submit_a_passport(customer, astronaut_card_png, astronaut_selfie_jpg):
    case = submit(
        customer, "PASSPORT", astronaut_card_png, astronaut_selfie_jpg, country_of_residence="US"
    )
    assert case.id_type == "PASSPORT"


def test_staff_add_and_remove_a_rule_in_the_admin(client, reviewer):
    login_verified(client, reviewer)
    response = client.post(
        "/admin/kyc/kycdocumentrule/add/", {"country": "NP", "id_type": "PAN"}, follow=True
    )
    assert response.status_code == 200
    rule = KycDocumentRule.objects.get(country="NP")
    assert rule.id_type == "PAN" and kyc_id_types_for_country("NP") == ["PAN"]

    listing = client.get("/admin/kyc/kycdocumentrule/?country=NP").content.decode()
    assert "Nepal (NP)" in listing and "Every other country" in listing  # filter's choices
    assert listing.count('class="field-id_type"') == 1

    duplicate = client.post("/admin/kyc/kycdocumentrule/add/", {"country": "NP", "id_type": "PAN"})
    assert duplicate.status_code == 200 and "already exists" in duplicate.content.decode()

    client.post(f"/admin/kyc/kycdocumentrule/{rule.pk}/delete/", {"post": "yes"})
    assert kyc_id_types_for_country("NP") == ["PASSPORT"]
