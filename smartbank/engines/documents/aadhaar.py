"""Aadhaar cards (UIDAI): the blind reading of name, date of birth, gender and number.

Layouts handled: the card front (English or bilingual, "Government of India" header, the name
above the "DOB"/"जन्म तिथि/DOB" or "Year of Birth" line, gender, the number as "XXXX XXXX XXXX")
and the e-Aadhaar letter (a "To" address block with an "S/O"/"D/O" relative line, a 16-digit VID
and an enrolment number as distractors). No ORM, no OCR call; never raises on odd input.
"""

from __future__ import annotations

import re
from typing import Final

from smartbank.engines.ocr import OcrResult

from . import dates, names, numbers
from .extracted import NOTE_YEAR_OF_BIRTH_ONLY, ExtractedId
from .lines import Line, lines_of

GENDERS: Final = {"male": "MALE", "female": "FEMALE", "transgender": "TRANSGENDER"}
_GENDER_RE: Final = re.compile(r"\b(female|male|transgender)\b", re.IGNORECASE)
_HEADER_RE: Final = re.compile(r"government\s*of\s*india", re.IGNORECASE)
RELATIVE_RE: Final = re.compile(r"^\W*(?:S|D|W|C)\s*/\s*O\b", re.IGNORECASE)
"""A relative line ("S/O: ...", "D/O", "W/O", "C/O"): a name that is not the holder's."""


def relative_lines(lines: list[Line]) -> frozenset[int]:
    """Indexes of the lines naming a relative of the holder (S/O, D/O, W/O, C/O)."""
    return frozenset(line.index for line in lines if RELATIVE_RE.search(line.text))


def extract_aadhaar(ocr: OcrResult) -> ExtractedId:
    """Read name, date of birth, gender and number from an Aadhaar's OCR result.

    When several 12-digit numbers appear, a Verhoeff-valid one is preferred, then the last
    (the large one at the bottom). The name is the name-like line just above the date of birth
    (one line of noise allowed), else just below the "Government of India" header.
    """
    lines = lines_of(ocr)
    confidence: dict[str, float] = {}
    notes: list[str] = []

    number = None
    found_numbers = numbers.aadhaar_numbers(lines)
    if found_numbers:
        chosen = ([n for n in found_numbers if n.valid] or found_numbers)[-1]
        number = chosen.value
        if chosen.confidence is not None:
            confidence["id_number"] = chosen.confidence

    birth = dates.birth_date_candidates(dates.find_dates(lines))
    date_of_birth = year_of_birth = dob_line = None
    if birth:
        first = birth[0]
        dob_line = first.line
        if first.date is None:
            year_of_birth = first.year
            notes.append(NOTE_YEAR_OF_BIRTH_ONLY)
        else:
            date_of_birth = first.date
        if first.confidence is not None:
            key = "date_of_birth" if first.date else "year_of_birth"
            confidence[key] = first.confidence

    gender = None
    for line in lines:
        match = _GENDER_RE.search(line.text)
        if match:
            gender = GENDERS[match.group(1).casefold()]
            found = [w.confidence for w in line.words if match.group(1) in w.text]
            if found and found[0] is not None:
                confidence["gender"] = found[0]
            break

    skip = relative_lines(lines)
    order: list[int] = []
    if dob_line is not None:
        order += [dob_line - 1, dob_line - 2]
    header = next((line.index for line in lines if _HEADER_RE.search(line.text)), None)
    if header is not None:
        order += [header + 1, header + 2]
    name = name_line = None
    for index in order:
        if not 0 <= index < len(lines) or index == dob_line or index in skip:
            continue
        line = lines[index]
        if (
            dates.find_dates([line])
            or numbers.aadhaar_numbers([line])
            or _GENDER_RE.search(line.text)
        ):
            continue
        cleaned = names.clean_name(line.words)
        if cleaned:
            name, name_line = cleaned[0], index
            if cleaned[1] is not None:
                confidence["name"] = cleaned[1]
            break

    return ExtractedId(
        id_type=numbers.AADHAAR,
        id_number=number,
        name=name,
        father_name=None,
        date_of_birth=date_of_birth,
        gender=gender,
        confidence=confidence,
        year_of_birth=year_of_birth,
        notes=tuple(notes),
        name_line=name_line,
    )
