"""Passports through the verification pipeline end to end (issue 11), on PostgreSQL with real
Tesseract and dlib: each customer submits a rendered data page and a selfie through
``kyc_case_submit`` and Celery runs eagerly after commit, so each test sees the decision a
customer would see. The readings themselves: ``test_passport_reading.py``.
"""

import datetime

import pytest

from kyc.models import IdType, KycCase
from kyc.services import UploadedDocument, kyc_case_submit
from smartbank.errors import ApplicationError
from smartbank.tests import cards, passports
from smartbank.tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=False)

TODAY = datetime.date.today()


def passport_page(person: passports.PassportHolder | None = None, **options: object) -> bytes:
    person = person or passports.holder()
    condition = options.pop("condition", "clean")
    page = passports.render_passport(person, photo=cards.face_photo("astronaut"), **options)
    return cards.to_bytes(passports.damage(page, condition), "JPEG", quality=92)


@pytest.fixture(scope="module")
def genuine_page() -> bytes:
    return passport_page()


def submit(id_document: bytes, selfie: bytes | None = None, **fields: object) -> KycCase:
    """A new customer's passport submission, decided (the task ran after commit)."""
    person = passports.holder()
    data = {
        "full_name": person.full_name,
        "date_of_birth": person.date_of_birth,
        "id_type": IdType.PASSPORT,
        "id_number": person.number,
        "nationality": "IND",
        "document_expiry": person.expiry,
    }
    data.update(fields)
    customer = UserFactory(full_name=data.pop("full_name"))
    case = kyc_case_submit(
        user=customer,
        full_name=customer.full_name,
        id_document=UploadedDocument(id_document),
        selfie=UploadedDocument(selfie or cards.to_bytes(cards.selfie_of("astronaut"))),
        **data,
    )
    return case


def decided(django_capture_on_commit_callbacks, id_document: bytes, **fields: object) -> KycCase:
    with django_capture_on_commit_callbacks(execute=True):
        case = submit(id_document, **fields)
    case.refresh_from_db()
    return case


def codes(case: KycCase) -> list[str]:
    return [reason["code"] for reason in case.reasons]


def test_a_genuine_passport_is_verified_with_its_fields_for_staff(
    django_capture_on_commit_callbacks, genuine_page
):
    case = decided(django_capture_on_commit_callbacks, genuine_page)

    assert case.status == KycCase.Status.VERIFIED, case.reasons
    assert (case.nationality, case.document_expiry) == ("IND", passports.holder().expiry)
    assert case.id_number_masked == "XXXX4567"
    assert set(case.checks.values_list("status", flat=True)) == {"PASSED"}
    names = list(case.checks.values_list("name", flat=True))
    for name in ("MRZ", "DOCUMENT_EXPIRY", "NAME_MATCH", "MRZ_NAME_MATCH", "ID_NUMBER_MATCH"):
        assert name in names
    assert case.face_distance is not None and case.face_distance <= 0.5
    assert case.extracted["name"] == "NEIL ARMSTRONG"
    assert case.extracted["id_number"] == "XXXX4567"
    assert case.extracted["mrz"]["check_digits"] == dict.fromkeys(
        ("document_number", "date_of_birth", "expiry_date", "optional_data", "composite"), True
    )
    assert case.extracted["warnings"] == []


def test_a_tampered_check_digit_is_rejected(django_capture_on_commit_callbacks):
    person = passports.holder()
    first, second = passports.mrz_lines(person)
    page = passport_page(person, mrz=(first, passports.tamper(second, 19)))

    case = decided(django_capture_on_commit_callbacks, page)
    assert case.status == KycCase.Status.REJECTED
    assert codes(case) == ["MRZ_CHECKSUM_INVALID"]
    assert "date of birth, composite" in case.checks.get(name="MRZ").detail


def test_a_passport_the_mrz_shows_expired_is_rejected(django_capture_on_commit_callbacks):
    # The form refuses an expiry date in the past; a customer who types a later one is
    # still rejected on the date the passport prints.
    expired = passports.holder(expiry=TODAY - datetime.timedelta(days=3))
    case = decided(
        django_capture_on_commit_callbacks,
        passport_page(expired),
        document_expiry=TODAY + datetime.timedelta(days=365),
    )
    assert case.status == KycCase.Status.REJECTED
    assert "DOCUMENT_EXPIRED" in codes(case)
    assert case.reasons[codes(case).index("DOCUMENT_EXPIRED")]["message"] == (
        "Your passport has expired. Please submit a passport that is still valid."
    )


def test_an_expired_passport_is_refused_at_submission():
    with pytest.raises(ApplicationError) as refused:
        submit(b"not read", document_expiry=TODAY - datetime.timedelta(days=1))
    assert (refused.value.field, refused.value.code) == ("document_expiry", "DOCUMENT_EXPIRED")
    assert KycCase.objects.count() == 0


def test_a_passport_expiring_within_30_days_is_verified_with_a_staff_warning(
    django_capture_on_commit_callbacks,
):
    expiry = TODAY + datetime.timedelta(days=12)
    case = decided(
        django_capture_on_commit_callbacks,
        passport_page(passports.holder(expiry=expiry)),
        document_expiry=expiry,
    )
    assert case.status == KycCase.Status.VERIFIED, case.reasons
    assert case.reasons == []
    check = case.checks.get(name="DOCUMENT_EXPIRY")
    assert (check.status, check.code) == ("PASSED", "DOCUMENT_EXPIRING_SOON")
    assert "in 12 days" in check.detail
    assert [w["code"] for w in case.extracted["warnings"]] == ["DOCUMENT_EXPIRING_SOON"]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"id_number": "L7654321"}, "ID_NUMBER_MISMATCH"),
        ({"date_of_birth": datetime.date(1991, 3, 14)}, "DOB_MISMATCH"),
        ({"full_name": "Buzz Aldrin"}, "NAME_MISMATCH"),
        ({"nationality": "USA"}, "NATIONALITY_MISMATCH"),
    ],
    ids=["number", "dob", "name", "nationality"],
)
def test_entered_fields_the_mrz_contradicts_are_rejected(
    django_capture_on_commit_callbacks, genuine_page, fields, reason
):
    case = decided(django_capture_on_commit_callbacks, genuine_page, **fields)
    assert case.status == KycCase.Status.REJECTED
    assert reason in codes(case)
    assert set(codes(case)) <= {reason, "ID_NUMBER_MISMATCH", "NAME_MISMATCH"}


def test_a_name_typed_surname_first_is_verified(django_capture_on_commit_callbacks, genuine_page):
    case = decided(django_capture_on_commit_callbacks, genuine_page, full_name="Armstrong Neil")
    assert case.status == KycCase.Status.VERIFIED, case.reasons


def test_another_persons_selfie_is_a_face_mismatch(
    django_capture_on_commit_callbacks, genuine_page
):
    with django_capture_on_commit_callbacks(execute=True):
        case = submit(genuine_page, selfie=cards.to_bytes(cards.selfie_of("grace_hopper")))
    case.refresh_from_db()
    assert case.status == KycCase.Status.REJECTED
    assert codes(case) == ["FACE_MISMATCH"]


@pytest.mark.parametrize("condition", passports.DAMAGE_CONDITIONS[1:])
def test_a_damaged_photo_of_a_genuine_passport_is_never_rejected(
    django_capture_on_commit_callbacks, condition
):
    case = decided(django_capture_on_commit_callbacks, passport_page(condition=condition))
    assert case.status in (KycCase.Status.VERIFIED, KycCase.Status.MANUAL_REVIEW), case.reasons
    assert case.status == KycCase.Status.VERIFIED, case.reasons  # measured: all verified
