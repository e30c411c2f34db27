"""The certificate number engine: patterns, pattern-aware normalisation, candidates and the
comparison, on text and on certificates rendered with Pillow and read by Tesseract."""

import re

import pytest

from smartbank.engines.documents.certificates import (
    Candidate,
    MatchOutcome,
    PatternError,
    compare,
    find_candidates,
    normalise_number,
    parse_pattern,
)
from smartbank.engines.ocr import OcrResult, OcrWord, ocr_image
from waivers.tests import certificates

AGRI = r"[A-Z]{2}/\d{4}/\d{6}"
CALAMITY = r"[A-Z]{3}/CAL/\d{4}/\d{5}"
UDID = r"[A-Z]{2}\d{16}"


# --- patterns -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern", [AGRI, CALAMITY, UDID, r"^[A-HJ-NP-Z0-9]{4}-\d{2,6}$", r"DIS\.\d+ ?[A-Z]?"]
)
def test_supported_patterns_parse(pattern):
    assert parse_pattern(pattern)


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        (r"(MH|KA)/\d{4}", "Groups and alternatives"),
        (r"MH|KA", "Groups and alternatives"),
        (r".{6}", "'.' (any character) is not supported"),
        (r"[^0-9]{3}", "Negated character classes"),
        (r"\w{6}", r"The escape \w is not supported"),
        (r"[A-Z", "Not a valid regular expression"),
        (r"\d{0}", "zero repeats nothing"),
        ("", "Enter a pattern"),
    ],
)
def test_unsupported_patterns_are_refused_with_a_reason(pattern, message):
    with pytest.raises(PatternError, match=re.escape(message)):
        parse_pattern(pattern)


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("MH/2024/004517", "MH/2024/004517"),
        (" mh/2024/004517 ", "MH/2024/004517"),  # case and outer spaces
        ("MH / 2024 / 004517", "MH/2024/004517"),  # the pattern has no spaces
        ("MH/2O24/OO45I7", "MH/2024/004517"),  # letters typed where digits go
        ("M5/2024/004517", "MS/2024/004517"),  # a digit typed where a letter goes
        ("MH/2024/04517", None),  # one digit short
        ("MH-2024-004517", None),  # wrong separators
    ],
)
def test_a_typed_number_is_normalised_to_the_pattern(typed, normalised):
    assert normalise_number(typed, AGRI) == normalised


# --- candidates ---------------------------------------------------------------------------


def test_confusions_are_undone_only_where_the_pattern_allows_a_digit_or_a_letter():
    # Given OCR that read O for 0, I for 1, S for 5 in the digits, and 0 for O in the letters
    ocr = OcrResult.from_text("Certificate No.: 0H/2O24/OO45I7\nRef. MS/2S24/0S45I7", 90)

    found = find_candidates(ocr, AGRI)

    assert [(c.read, c.number) for c in found] == [
        ("0H/2O24/OO45I7", "OH/2024/004517"),
        ("MS/2S24/0S45I7", "MS/2524/054517"),  # the S of "MS" stays a letter
    ]


def test_a_position_taking_letters_and_digits_keeps_what_ocr_read():
    ocr = OcrResult.from_text("Code AB0O-12 and ABO0-12")

    found = find_candidates(ocr, r"[A-Z0-9]{4}-\d{2}")

    assert [c.number for c in found] == ["AB0O-12", "ABO0-12"]


def test_numbers_inside_longer_runs_are_not_candidates():
    ocr = OcrResult.from_text("XMH/2024/004517 MH/2024/0045170 MH/2024/004517x KA/2023/000111")

    assert [c.number for c in find_candidates(ocr, AGRI)] == ["KA/2023/000111"]


def test_stray_spaces_around_separators_are_ignored_and_confidence_is_the_lowest_word():
    words = (
        OcrWord("Certificate", 95.0),
        OcrWord("No.", 93.0),
        OcrWord("MH", 90.0),
        OcrWord("/", 88.0),
        OcrWord("2024/", 41.5),
        OcrWord("004517", 87.0),
    )
    ocr = OcrResult(text=" ".join(w.text for w in words), words=words, mean_confidence=82.4)

    found = find_candidates(ocr, AGRI)

    assert found == [
        Candidate(read="MH/2024/004517", number="MH/2024/004517", confidence=41.5, line=0)
    ]


def test_a_number_split_by_ocr_into_groups_is_joined_when_the_pattern_has_no_spaces():
    ocr = OcrResult.from_text("UDID No. MH04 2019 0012 3456 78")

    assert [c.number for c in find_candidates(ocr, UDID)] == ["MH0420190012345678"]


# --- comparison ---------------------------------------------------------------------------


def _candidate(number: str, confidence: float = 90.0) -> Candidate:
    return Candidate(read=number, number=number, confidence=confidence, line=0)


def test_comparison_exact_one_off_and_absent():
    found = [_candidate("KA/2023/000111"), _candidate("MH/2024/004517")]

    exact = compare("MH/2024/004517", found)
    one_off = compare("MH/2024/004518", found)
    absent = compare("MH/2024/999999", found)

    assert (exact.outcome, exact.candidate.number, exact.distance) == (
        MatchOutcome.EXACT,
        "MH/2024/004517",
        0,
    )
    assert (one_off.outcome, one_off.candidate.number, one_off.distance) == (
        MatchOutcome.ONE_OFF,
        "MH/2024/004517",
        1,
    )
    assert absent.outcome == MatchOutcome.ABSENT and absent.distance >= 2
    assert compare("MH/2024/004517", []).outcome == MatchOutcome.ABSENT


# --- real scans through Tesseract ---------------------------------------------------------


def _stamped(image, center):
    return certificates.stamp(image, center=center)


SCANS = {
    "agri plain": (lambda: certificates.render_agri_relief(), AGRI, certificates.AGRI_NUMBER),
    "agri stamped, rotated and noisy": (
        lambda: certificates.degrade(
            certificates.noisy(_stamped(certificates.render_agri_relief(), (950, 1300)))
        ),
        AGRI,
        certificates.AGRI_NUMBER,
    ),
    "calamity stamped": (
        lambda: _stamped(certificates.render_calamity(), (1140, 800)),
        CALAMITY,
        certificates.CALAMITY_NUMBER,
    ),
    "calamity rotated the other way and noisy": (
        lambda: certificates.degrade(
            certificates.noisy(certificates.render_calamity(number="NSK/CAL/2024/01932")),
            angle=-3,
        ),
        CALAMITY,
        "NSK/CAL/2024/01932",
    ),
    "udid plain": (lambda: certificates.render_disability(), UDID, certificates.UDID_NUMBER),
    "udid stamped, rotated and very noisy": (
        lambda: certificates.degrade(
            certificates.noisy(
                _stamped(certificates.render_disability(number="KA2920210004871236"), (1140, 700)),
                sigma=20,
            ),
            angle=-4,
        ),
        UDID,
        "KA2920210004871236",
    ),
}


@pytest.mark.parametrize("name", list(SCANS))
def test_the_printed_number_is_found_exactly_on_rendered_certificates(name):
    render, pattern, number = SCANS[name]

    ocr = ocr_image(render())
    comparison = compare(number, find_candidates(ocr, pattern))

    assert comparison.outcome == MatchOutcome.EXACT, ocr.text
    assert comparison.candidate.confidence >= 60
