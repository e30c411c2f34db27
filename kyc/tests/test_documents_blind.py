"""OCR and the blind reading of Aadhaar and PAN fields (no claim), on rendered cards with real
Tesseract: what staff see and seed 004's OCR flow saves."""

from __future__ import annotations

import datetime
import json

import pytesseract
import pytest
from PIL import Image

from smartbank.engines import documents
from smartbank.engines.documents import dates, names
from smartbank.engines.ocr import OcrEngineError, OcrResult, ocr_image
from smartbank.tests import cards

NAME = "Rahul Sharma"
FATHER = "Suresh Kumar Sharma"
DOB = datetime.date(1990, 5, 17)


@pytest.fixture(scope="module")
def aadhaar_card() -> Image.Image:
    return cards.render_aadhaar(
        name=NAME,
        dob=DOB,
        gender="Male",
        number=cards.VALID_AADHAAR,
        photo=cards.face_photo("astronaut"),
    )


@pytest.fixture(scope="module")
def pan_card() -> Image.Image:
    return cards.render_pan(
        name=NAME,
        father_name=FATHER,
        dob=DOB,
        pan=cards.VALID_PAN,
        photo=cards.face_photo("grace_hopper"),
    )


@pytest.fixture(scope="module", params=["clean", "degraded"])
def aadhaar_ocr(request: pytest.FixtureRequest, aadhaar_card: Image.Image) -> OcrResult:
    image = aadhaar_card if request.param == "clean" else cards.degrade(aadhaar_card)
    return ocr_image(image)


@pytest.fixture(scope="module", params=["clean", "degraded"])
def pan_ocr(request: pytest.FixtureRequest, pan_card: Image.Image) -> OcrResult:
    image = pan_card if request.param == "clean" else cards.degrade(pan_card, angle=-3)
    return ocr_image(image)


def test_aadhaar_fields_are_read_exactly(aadhaar_ocr: OcrResult) -> None:
    extracted = documents.extract_aadhaar(aadhaar_ocr)

    assert extracted.id_type == "AADHAAR"
    assert extracted.name == NAME
    assert extracted.date_of_birth == DOB
    assert extracted.gender == "MALE"
    assert extracted.id_number == cards.VALID_AADHAAR
    assert documents.validate_id_number("AADHAAR", extracted.id_number) == (True, None)
    assert set(extracted.confidence) >= {"name", "date_of_birth", "gender", "id_number"}
    assert all(60 <= value <= 100 for value in extracted.confidence.values())


def test_pan_fields_are_read_exactly(pan_ocr: OcrResult) -> None:
    extracted = documents.extract_pan(pan_ocr)

    assert extracted.id_type == "PAN"
    assert extracted.id_number == cards.VALID_PAN
    assert extracted.name == NAME.upper()
    assert extracted.father_name == FATHER.upper()
    assert extracted.date_of_birth == DOB
    assert extracted.gender is None
    assert documents.validate_id_number("PAN", extracted.id_number) == (True, None)
    assert set(extracted.confidence) >= {"name", "father_name", "date_of_birth", "id_number"}


def test_ocr_keeps_lines_and_word_confidences(aadhaar_ocr: OcrResult) -> None:
    lines = aadhaar_ocr.text.splitlines()

    assert "Government of India" in lines
    assert "DOB: 17/05/1990" in lines
    assert [word.text for word in aadhaar_ocr.words] == aadhaar_ocr.text.split()
    assert 80 <= aadhaar_ocr.mean_confidence <= 100
    payload = json.loads(json.dumps(aadhaar_ocr.to_dict()))
    assert payload["words"][0] == [aadhaar_ocr.words[0].text, aadhaar_ocr.words[0].confidence]
    assert OcrResult.from_dict(payload) == aadhaar_ocr


def test_wrong_aadhaar_check_digit_is_read_then_rejected() -> None:
    card = cards.render_aadhaar(
        name="Priya Nair",
        dob=datetime.date(1985, 12, 1),
        gender="Female",
        number=cards.INVALID_AADHAAR,
        photo=None,
    )

    extracted = documents.extract_aadhaar(ocr_image(card))

    assert extracted.name == "Priya Nair"
    assert extracted.gender == "FEMALE"
    assert extracted.date_of_birth == datetime.date(1985, 12, 1)
    assert extracted.id_number == cards.INVALID_AADHAAR
    assert documents.validate_id_number("AADHAAR", extracted.id_number) == (
        False,
        "ID_CHECKSUM_INVALID",
    )


def test_extracted_id_serialises_to_json(aadhaar_card: Image.Image) -> None:
    extracted = documents.extract_aadhaar(OcrResult.from_text("Asha Rao\nDOB: 01-02-1999\nFemale"))

    payload = json.loads(json.dumps(extracted.to_dict()))

    assert payload["date_of_birth"] == "1999-02-01"
    assert payload["name"] == "Asha Rao"
    assert payload["id_number"] is None
    assert payload["confidence"]["name"] == 100.0


def test_aadhaar_digit_groups_tolerate_letter_confusions() -> None:
    ocr = OcrResult.from_text(
        "Government of India\nAsha Rao\nDOB: 01/02/1999\nFemale\n2345 6789 Ol24"
    )

    assert documents.extract_aadhaar(ocr).id_number == "234567890124"


def test_aadhaar_ignores_a_16_digit_vid() -> None:
    ocr = OcrResult.from_text(
        "Asha Rao\nDOB: 01/02/1999\nVID : 9123 4567 8901 2345\n2345 6789 0124"
    )

    assert documents.extract_aadhaar(ocr).id_number == "234567890124"


def test_aadhaar_with_year_of_birth_only_has_no_date_and_a_note() -> None:
    ocr = OcrResult.from_text("Government of India\nAsha Rao\nYear of Birth: 1971\nFemale")

    extracted = documents.extract_aadhaar(ocr)

    assert extracted.name == "Asha Rao"
    assert extracted.date_of_birth is None
    assert extracted.year_of_birth == 1971
    assert extracted.notes == (documents.NOTE_YEAR_OF_BIRTH_ONLY,)


def test_aadhaar_name_skips_photo_specks() -> None:
    ocr = OcrResult.from_text("Government of India\n| es Isha lyer\nDOB: 01/02/1999\nMale")

    assert documents.extract_aadhaar(ocr).name == "Isha Iyer"


def test_pan_split_by_ocr_is_joined_and_fixed() -> None:
    ocr = OcrResult.from_text(
        "Permanent Account Number Card\nABCPE12 3OF\nName\nASHA RAO\nDate of Birth\n01/02/1999"
    )

    extracted = documents.extract_pan(ocr)

    assert extracted.id_number == "ABCPE1230F"
    assert extracted.name == "ASHA RAO"
    assert extracted.date_of_birth == datetime.date(1999, 2, 1)


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("ABCPE1234F", (True, None)),
        ("abcpe1234f", (True, None)),
        ("ABCDE1234F", (False, "ID_FORMAT_INVALID")),  # D is no holder type
        ("ABCP1234F", (False, "ID_FORMAT_INVALID")),
    ],
)
def test_pan_holder_type_and_format(number: str, expected: tuple[bool, str | None]) -> None:
    assert documents.validate_id_number("PAN", number) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("2345 6789 0124", (True, None)),
        ("234567890123", (False, "ID_CHECKSUM_INVALID")),
        (cards.valid_aadhaar("12345678901"), (False, "ID_CHECKSUM_INVALID")),  # starts with 1
        ("2345 6789", (False, "ID_FORMAT_INVALID")),
    ],
)
def test_aadhaar_checksum(number: str, expected: tuple[bool, str | None]) -> None:
    assert documents.validate_id_number("AADHAAR", number) == expected


def test_masking_shows_only_the_last_four() -> None:
    assert documents.mask_id_number("AADHAAR", "2345 6789 6311") == "XXXX XXXX 6311"
    assert documents.mask_id_number("PAN", "abcpe1234f") == "XXXXXX234F"
    assert documents.normalise_id_number("AADHAAR", " 2345-6789 0124 ") == "234567890124"
    with pytest.raises(ValueError):
        documents.normalise_id_number("VOTER_ID", "X1234567")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17/05/1990", datetime.date(1990, 5, 17)),
        ("DOB: 17-05-1990", datetime.date(1990, 5, 17)),
        ("17.05.1990", datetime.date(1990, 5, 17)),
        ("DOB : O1 / 02 / 1999", datetime.date(1999, 2, 1)),
        ("31/02/1990", None),
        ("17/05-1990", None),
        ("no date here", None),
    ],
)
def test_parse_card_date(text: str, expected: datetime.date | None) -> None:
    assert dates.parse_card_date(text) == expected


def test_name_distance_rule() -> None:
    assert names.name_distance("Rahul Sharma", "Rahul Sharna") == 1
    assert names.name_distance("RAHUL  SHARMA.", "rahul sharma") == 0
    assert names.name_distance("Rahul Sharma", "Rohit Verma") > names.NAME_DISTANCE_LIMIT
    assert names.normalise_name(" R. K.  SHARMA, ") == "r k sharma"


def test_missing_tesseract_is_an_engine_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")

    with pytest.raises(OcrEngineError):
        ocr_image(Image.new("RGB", (200, 100), "white"))
