"""Claim-guided checks on OCR text (issue 8 §1–2): does the card say what the customer typed?

These build OCR results from text, so each rule is pinned down exactly; the same rules run on
real Tesseract readings of generated cards in test_corpus_decisions.py.
"""

from __future__ import annotations

import datetime

import pytest

from smartbank.engines.documents import Claim, check_claim, claims
from smartbank.engines.documents.claims import (
    CONTRADICTED,
    DIFFERS,
    MATCH,
    NOT_FOUND,
    WEAK,
    combine,
)
from smartbank.engines.ocr import OcrResult, OcrWord
from smartbank.tests import cards

DOB = datetime.date(1961, 8, 4)
AADHAAR = cards.VALID_AADHAAR  # printed "2345 6789 0124"


def aadhaar_text(name: str, dob_line: str = "DOB: 04/08/1961", number: str = "2345 6789 0124"):
    return (
        f"Government of India\n{name}\n{dob_line}\nMale\n{number}\nAadhaar - Aam Aadmi ka Adhikar"
    )


def check(
    text: str,
    name: str,
    *,
    id_type: str = "AADHAAR",
    number: str = AADHAAR,
    dob: datetime.date = DOB,
    confidence: float = 95.0,
) -> dict[str, claims.FieldCheck]:
    claim = Claim(id_type=id_type, full_name=name, date_of_birth=dob, id_number=number)
    return check_claim(claim, OcrResult.from_text(text, confidence)).fields


@pytest.mark.parametrize(
    ("printed", "typed"),
    [
        ("Barack H Obama", "Barack H Obama"),  # a bare middle initial
        ("Rahul K Sharma", "rahul k sharma"),
        ("K. Chandrasekhar", "K Chandrasekhar"),  # dotted on the card, bare when typed
        ("K Chandrasekhar", "K. Chandrasekhar"),
        ("A.P.J. Abdul Kalam", "A P J Abdul Kalam"),
        ("Mary-Ann D'Souza", "Mary-Ann DSouza"),
        ("Venkata Sai Krishna Reddy", "Venkata Sai Krishna Reddy"),  # four words
        ("Lakshmi", "Lakshmi"),  # one word
        ("| es Isha lyer", "Isha Iyer"),  # photo specks and an l read for I
        ("Neil Armstrung", "Neil Armstrong"),  # one letter off: Levenshtein 1 ≤ 2 (seed 003)
    ],
)
def test_the_claimed_name_is_found_on_the_card(printed: str, typed: str) -> None:
    fields = check(aadhaar_text(printed), typed)

    assert fields["name"].support == MATCH, fields["name"]
    assert fields["date_of_birth"].support == MATCH
    assert fields["id_number"].support == MATCH


@pytest.mark.parametrize(
    ("printed", "typed", "code"),
    [
        ("Rahul K Sharma", "Rahul Kumar Sharma", "NAME_INITIALS_ONLY"),
        ("R. K. Narayan", "Rasipuram Krishnaswami Narayan", "NAME_INITIALS_ONLY"),
        ("Obama Barack", "Barack Obama", "NAME_ORDER_DIFFERS"),
        ("Priya Nair", "Priya Lakshmi Nair", "NAME_PARTIAL"),
    ],
)
def test_weaker_name_agreements_go_to_staff(printed: str, typed: str, code: str) -> None:
    fields = check(aadhaar_text(printed), typed)

    assert (fields["name"].support, fields["name"].code) == (WEAK, code)


def test_another_persons_name_read_with_confidence_contradicts_the_claim() -> None:
    fields = check(aadhaar_text("Amit Verma"), "Rahul Sharma")

    assert (fields["name"].support, fields["name"].code) == (CONTRADICTED, "NAME_MISMATCH")
    assert fields["name"].read == "Amit Verma"


def test_another_name_read_at_low_confidence_is_only_uncertain() -> None:
    fields = check(aadhaar_text("Amit Verma"), "Rahul Sharma", confidence=40.0)

    assert (fields["name"].support, fields["name"].code) == (DIFFERS, "NAME_UNCERTAIN")


def test_a_near_name_is_a_possible_misread_not_a_contradiction() -> None:
    # Distance 3 from the claim, but 75 % alike: could be blur on the right name.
    fields = check(aadhaar_text("Rohit Sharma"), "Rahul Sharma")

    assert fields["name"].support == DIFFERS


def test_a_pan_holder_cannot_claim_the_fathers_name() -> None:
    text = (
        "INCOME TAX DEPARTMENT GOVT. OF INDIA\nPermanent Account Number Card\nABCPS1234F\n"
        "Name\nAMIT SHARMA\nFather's Name\nRAHUL SHARMA\nDate of Birth\n04/08/1961"
    )
    fields = check(text, "Rahul Sharma", id_type="PAN", number="ABCPS1234F")

    assert fields["name"].support != MATCH
    assert fields["name"].read == "AMIT SHARMA"


def test_an_old_pan_without_labels_is_read_by_position() -> None:
    text = (
        "INCOME TAX DEPARTMENT GOVT. OF INDIA\nHARPREET KAUR\nGURDEEP SINGH\n02/01/1980\n"
        "Permanent Account Number\nABCPK1234F\nSignature"
    )
    fields = check(
        text, "Harpreet Kaur", id_type="PAN", number="ABCPK1234F", dob=datetime.date(1980, 1, 2)
    )

    assert {f: c.support for f, c in fields.items()} == dict.fromkeys(claims.FIELDS, MATCH)


def test_a_glyph_read_twice_in_both_cases_is_the_claimed_letter() -> None:
    # Tesseract LSTM "diplopia" (issues #884, #1060): a blurred bold "C." read "Cc." by every
    # reading of an old PAN card; the name as established is then the claimed spelling.
    text = (
        "INCOME TAX DEPARTMENT GOVT. OF INDIA\nCc. SELVI\nCHANDRAN\n09/09/1992\n"
        "Permanent Account Number\nGDAPS5283E\nSignature"
    )
    fields = check(
        text, "C Selvi", id_type="PAN", number="GDAPS5283E", dob=datetime.date(1992, 9, 9)
    )

    assert (fields["name"].support, fields["name"].distance) == (MATCH, 0)
    assert (fields["name"].read, fields["name"].value) == ("Cc. SELVI", "C Selvi")


@pytest.mark.parametrize(
    ("printed", "typed", "distance"),
    [
        ("Aarav Mehta", "Aarav Mehta", 0),  # a name's own "Aa" is not collapsed away
        ("AARAV MEHTA", "Aarav Mehta", 0),
        ("Aarav Mehta", "Arav Mehta", 1),  # title case: "Aa" may be the spelling
        ("CcHANDRAN", "Chandran", 0),  # in capitals a small "c" after "C" is the same glyph
        ("CHANDRAN", "Chandran", 0),
    ],
)
def test_a_doubled_glyph_is_only_an_alternative_reading(
    printed: str, typed: str, distance: int
) -> None:
    fields = check(aadhaar_text(printed), typed)

    assert (fields["name"].support, fields["name"].distance) == (MATCH, distance)


@pytest.mark.parametrize(
    "dob_line",
    [
        "DOB: 04/08/1961",
        "जन्म तिथि/DOB: 04-08-1961",
        "DOB : 04.08.1961",
        "DOB: O4/O8/l961",  # O for 0, l for 1
        "DOB: 04 / 08 / 1961",
        "DOB: 04108/1961",  # a separator read as 1
        "DOB: 4/8/1961",
    ],
)
def test_the_claimed_date_is_found_in_every_card_format(dob_line: str) -> None:
    assert (
        check(aadhaar_text("Rahul Sharma", dob_line), "Rahul Sharma")["date_of_birth"].support
        == MATCH
    )


def test_a_year_of_birth_card_compares_the_year_and_goes_to_staff() -> None:
    fields = check(aadhaar_text("Rahul Sharma", "Year of Birth : 1961"), "Rahul Sharma")

    assert (fields["date_of_birth"].support, fields["date_of_birth"].code) == (
        WEAK,
        "YEAR_OF_BIRTH_ONLY",
    )
    other_year = check(aadhaar_text("Rahul Sharma", "Year of Birth : 1975"), "Rahul Sharma")
    assert other_year["date_of_birth"].support == CONTRADICTED


def test_another_date_of_birth_contradicts_but_a_look_alike_digit_does_not() -> None:
    other = check(aadhaar_text("Rahul Sharma", "DOB: 21/11/1974"), "Rahul Sharma")
    look_alike = check(aadhaar_text("Rahul Sharma", "DOB: 04/03/1961"), "Rahul Sharma")  # 8→3

    assert (other["date_of_birth"].support, other["date_of_birth"].code) == (
        CONTRADICTED,
        "DOB_MISMATCH",
    )
    assert look_alike["date_of_birth"].support == DIFFERS


def test_an_issue_date_is_not_taken_for_the_date_of_birth() -> None:
    text = aadhaar_text("Rahul Sharma", "Year of Birth : 1961") + "\nIssue Date: 12/05/2019"

    assert check(text, "Rahul Sharma")["date_of_birth"].support == WEAK


def test_no_date_at_all_is_not_found() -> None:
    fields = check(aadhaar_text("Rahul Sharma", "Male"), "Rahul Sharma")

    assert (fields["date_of_birth"].support, fields["date_of_birth"].code) == (
        NOT_FOUND,
        "DOB_NOT_READ",
    )


@pytest.mark.parametrize("printed", ["2345 6789 Ol24", "2345 67890124", "234567890124"])
def test_the_claimed_aadhaar_is_found_despite_look_alikes_and_grouping(printed: str) -> None:
    assert (
        check(aadhaar_text("Rahul Sharma", number=printed), "Rahul Sharma")["id_number"].support
        == MATCH
    )


def test_one_changed_aadhaar_digit_fails_verhoeff_so_it_is_only_uncertain() -> None:
    fields = check(aadhaar_text("Rahul Sharma", number="2345 6789 0134"), "Rahul Sharma")

    assert (fields["id_number"].support, fields["id_number"].code) == (
        DIFFERS,
        "ID_NUMBER_UNCERTAIN",
    )


def test_another_valid_aadhaar_contradicts_the_claim() -> None:
    other = cards.valid_aadhaar("98765432109")
    printed = " ".join(other[i : i + 4] for i in (0, 4, 8))
    fields = check(aadhaar_text("Rahul Sharma", number=printed), "Rahul Sharma")

    assert (fields["id_number"].support, fields["id_number"].code) == (
        CONTRADICTED,
        "ID_NUMBER_MISMATCH",
    )


def test_a_16_digit_vid_is_not_taken_for_the_aadhaar() -> None:
    text = aadhaar_text("Rahul Sharma", number="VID : 9123 4567 8901 2345")

    assert check(text, "Rahul Sharma")["id_number"].support == NOT_FOUND


def test_a_pan_split_by_ocr_is_joined_and_repaired() -> None:
    text = "Permanent Account Number Card\nABCPE12 3OF\nName\nASHA RAO\nDate of Birth\n04/08/1961"

    assert check(text, "Asha Rao", id_type="PAN", number="ABCPE1230F")["id_number"].support == MATCH


def _reading(text: str, confidence: float, name: str = "Rahul Sharma") -> claims.ClaimReading:
    claim = Claim("AADHAAR", name, DOB, AADHAAR)
    return check_claim(claim, OcrResult.from_text(text, confidence), pass_name=f"p{confidence}")


def test_a_contradiction_rejects_only_when_a_second_reading_confirms_it() -> None:
    other = _reading(aadhaar_text("Amit Verma"), 95.0)
    single = combine([other])
    confirmed = combine([other, _reading(aadhaar_text("Amit Verrna"), 90.0)])

    assert (single["name"].support, single["name"].code) == (DIFFERS, "NAME_UNCERTAIN")
    assert confirmed["name"].support == CONTRADICTED
    assert confirmed["name"].confirmations == 2


def test_a_match_in_any_reading_wins_over_misreads_in_others() -> None:
    misread = _reading(aadhaar_text("Raliul Shanna"), 70.0)
    good = _reading(aadhaar_text("Rahul Sharma"), 91.0)

    best = combine([misread, good])

    assert best["name"].support == MATCH
    assert best["name"].pass_name == "p91.0"


def test_confidence_of_a_span_is_the_mean_of_its_words() -> None:
    words = (OcrWord("Rahul", 90.0), OcrWord("Sharma", 70.0))
    ocr = OcrResult(text="Rahul Sharma", words=words, mean_confidence=80.0)

    found = check_claim(Claim("AADHAAR", "Rahul Sharma", DOB, AADHAAR), ocr).fields["name"]

    assert (found.support, found.confidence) == (MATCH, 80.0)
