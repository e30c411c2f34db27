"""ID numbers: normalise, validate, mask, find on a card, and the claimed number searched for.

No ORM, no OCR call. Nothing here logs a number.

Sources of the rules:
- Aadhaar: 12 digits printed "XXXX XXXX XXXX", the last a Verhoeff check digit, never starting
  with 0 or 1 (UIDAI; python-stdnum ``stdnum.in_.aadhaar``). Masked display keeps the last 4
  digits (UIDAI masked Aadhaar).
- PAN: ``[A-Z]{5}[0-9]{4}[A-Z]``, the 4th letter the holder type (P = individual), the 5th the
  initial of the surname (Income Tax Department; python-stdnum ``stdnum.in_.pan``).
- Passport: the document number of the MRZ, up to 9 letters and digits (ICAO 9303 part 4
  §4.2.2; Indian passports print a letter and seven digits), at least 6 here and one digit;
  it has no check digit of its own outside the MRZ (:mod:`.passport`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from stdnum.in_ import aadhaar as stdnum_aadhaar
from stdnum.in_ import pan as stdnum_pan

from .lines import Line, Word, mean_confidence

AADHAAR: Final = "AADHAAR"
PAN: Final = "PAN"
PASSPORT: Final = "PASSPORT"
ID_TYPES: Final = (AADHAAR, PAN, PASSPORT)

EXACT: Final = "EXACT"
CONTRADICTED: Final = "CONTRADICTED"
DIFFERS: Final = "DIFFERS"

_AADHAAR_TO_DIGIT: Final = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "Q": "0",
        "l": "1",
        "I": "1",
        "|": "1",
        "i": "1",
        "!": "1",
        "Z": "2",
        "S": "5",
        "B": "8",
    }
)
_TO_LETTER: Final = str.maketrans(
    {
        "0": "O",
        "1": "I",
        "|": "I",
        "!": "I",
        "2": "Z",
        "5": "S",
        "8": "B",
        "6": "G",
        "]": "J",
        "}": "J",
        ")": "J",
        "(": "C",
    }
)
_PAN_TO_DIGIT: Final = str.maketrans(
    {
        "O": "0",
        "D": "0",
        "Q": "0",
        "I": "1",
        "L": "1",
        "|": "1",
        "]": "1",
        "!": "1",
        "Z": "2",
        "S": "5",
        "B": "8",
        "G": "6",
    }
)
_DIGIT_GROUP_RE: Final = re.compile(r"^[0-9OoDQlI|iZSB]{4}$")
_PAN_RE: Final = re.compile(r"^[A-Z]{5}[0-9]{4}[A-Z]$")
_PASSPORT_RE: Final = re.compile(r"^(?=.*[0-9])[A-Z0-9]{6,9}$")
# Characters that damage turns into each other: a single difference between them is read as
# a possible misread, never as another person's number.
CONFUSABLE_CHARACTERS: Final = frozenset(
    frozenset(pair)
    for pair in (
        "38",
        "17",
        "56",
        "68",
        "08",
        "06",
        "09",
        "35",
        "89",
        "14",
        "OQ",
        "OD",
        "DQ",
        "IL",
        "IT",
        "LT",
        "EF",
        "CG",
        "MN",
        "UV",
        "PR",
        "HN",
        "KX",
        "BE",
        "BR",
        "FP",
    )
)


def _check_id_type(id_type: str) -> None:
    if id_type not in ID_TYPES:
        raise ValueError(f"unknown id_type {id_type!r}; expected one of {ID_TYPES}")


def normalise_id_number(id_type: str, raw: str) -> str:
    """Remove whitespace and hyphens and upper-case: " 2345-6789 0124 " → "234567890124".

    Raises:
        ValueError: unknown id_type.
    """
    _check_id_type(id_type)
    return re.sub(r"[\s\-]", "", raw).upper()


def validate_id_number(id_type: str, number: str) -> tuple[bool, str | None]:
    """Check an ID number's format and check digit (python-stdnum).

    Returns ``(True, None)`` when valid, else ``(False, code)``: ``ID_FORMAT_INVALID`` (Aadhaar
    not 12 digits; PAN not ``[A-Z]{5}[0-9]{4}[A-Z]`` or an unknown holder type; a passport
    number not 6–9 letters and digits with a digit) or ``ID_CHECKSUM_INVALID`` (Aadhaar
    failing the Verhoeff check or starting with 0 or 1).

    Raises:
        ValueError: unknown id_type.
    """
    compact = normalise_id_number(id_type, number)
    if id_type == AADHAAR:
        if len(compact) != 12 or not compact.isdigit():
            return False, "ID_FORMAT_INVALID"
        if not stdnum_aadhaar.is_valid(compact):
            return False, "ID_CHECKSUM_INVALID"
        return True, None
    if id_type == PASSPORT:
        return (True, None) if _PASSPORT_RE.match(compact) else (False, "ID_FORMAT_INVALID")
    if not stdnum_pan.is_valid(compact):
        return False, "ID_FORMAT_INVALID"
    return True, None


def is_valid(id_type: str, number: str) -> bool:
    """True when ``number`` passes :func:`validate_id_number`."""
    return validate_id_number(id_type, number)[0]


def mask_id_number(id_type: str, number: str) -> str:
    """Hide all but the last 4 characters: Aadhaar "XXXX XXXX 6311", PAN "XXXXXX234F",
    passport "XXXX4567".

    Raises:
        ValueError: unknown id_type.
    """
    compact = normalise_id_number(id_type, number)
    masked = "X" * max(0, len(compact) - 4) + compact[-4:]
    if id_type == AADHAAR:
        return " ".join(masked[i : i + 4] for i in range(0, len(masked), 4))
    return masked


@dataclass(frozen=True)
class CardNumber:
    """An ID number read from a card: normalised value, checksum validity, the mean confidence
    (0–100) of the words it came from, and its OCR line."""

    value: str
    valid: bool
    confidence: float | None
    line: int


# --- Aadhaar -----------------------------------------------------------------------------


def aadhaar_numbers(lines: Sequence[Line]) -> list[CardNumber]:
    """12-digit numbers on the card: three 4-digit groups (not part of a 16-digit VID) or one
    12-digit token, look-alike letters repaired (O→0, I/l→1, S→5, B→8, Z→2)."""
    found: list[CardNumber] = []
    for line in lines:
        run: list[Word] = []
        for word in [*line.words, Word("", None)]:
            token = word.text.strip(":;,.")
            if _DIGIT_GROUP_RE.match(token) and sum(char.isdigit() for char in token) >= 2:
                run.append(Word(token, word.confidence))
                continue
            if len(run) == 3:
                value = "".join(w.text for w in run).translate(_AADHAAR_TO_DIGIT)
                found.append(
                    CardNumber(value, is_valid(AADHAAR, value), mean_confidence(run), line.index)
                )
            run = []
            compact = token.translate(_AADHAAR_TO_DIGIT)
            if len(compact) == 12 and compact.isdigit() and sum(c.isdigit() for c in token) >= 10:
                found.append(
                    CardNumber(compact, is_valid(AADHAAR, compact), word.confidence, line.index)
                )
    return found


def _digit_string(line: Line) -> tuple[str, list[int]]:
    """The digits of a line's mostly-numeric words, look-alikes repaired, and for each digit
    the index of the word it came from."""
    digits: list[str] = []
    owners: list[int] = []
    for index, word in enumerate(line.words):
        token = re.sub(r"[^0-9A-Za-z|!]", "", word.text)
        if not token or sum(char.isdigit() for char in token) < len(token) / 2:
            continue
        for char in token.translate(_AADHAAR_TO_DIGIT):
            if char.isdigit():
                digits.append(char)
                owners.append(index)
    return "".join(digits), owners


# --- PAN ---------------------------------------------------------------------------------


def pan_from_token(token: str) -> str | None:
    """The PAN a 10-character token spells, letter/digit swaps fixed by position (letters at
    1–5 and 10, digits at 6–9), or None. Most characters must already be right, so ordinary
    words are not "corrected" into a PAN."""
    compact = re.sub(r"[^0-9A-Za-z|\]})(!]", "", token)
    if len(compact) != 10:
        compact = compact.strip("|!()[]{}")
    if len(compact) != 10:
        return None
    compact = compact.upper()
    fixed = (
        compact[:5].translate(_TO_LETTER)
        + compact[5:9].translate(_PAN_TO_DIGIT)
        + compact[9].translate(_TO_LETTER)
    )
    if not _PAN_RE.match(fixed):
        return None
    if sum(a == b for a, b in zip(compact, fixed, strict=True)) < 7:
        return None
    return fixed


def pan_numbers(lines: Sequence[Line]) -> list[CardNumber]:
    """PANs on the card, one word or two adjacent words ("ABCPE1 234F"), in reading order."""
    found: list[CardNumber] = []
    for line in lines:
        words = line.words
        for index, word in enumerate(words):
            pan = pan_from_token(word.text)
            if pan:
                found.append(CardNumber(pan, is_valid(PAN, pan), word.confidence, line.index))
                continue
            if index + 1 < len(words):
                pair = words[index : index + 2]
                pan = pan_from_token(word.text + pair[1].text)
                if pan and pan_from_token(pair[1].text) is None:
                    found.append(
                        CardNumber(pan, is_valid(PAN, pan), mean_confidence(pair), line.index)
                    )
    return found


# --- the claimed number --------------------------------------------------------------------


@dataclass(frozen=True)
class NumberEvidence:
    """How the card's text supports a claimed ID number.

    ``kind``: ``EXACT`` (the claimed number is printed), ``CONTRADICTED`` (the card carries
    another checksum-valid number, ``found``), ``DIFFERS`` (the nearest number read differs but
    could be a misread or an altered card: invalid checksum, or one look-alike character), or
    None (no number found). ``differences`` counts the positions where ``found`` differs.
    """

    kind: str | None
    found: CardNumber | None
    differences: int | None = None


def _differences(a: str, b: str) -> int:
    if len(a) != len(b):
        return max(len(a), len(b))
    return sum(x != y for x, y in zip(a, b, strict=True))


def _single_confusable(a: str, b: str) -> bool:
    pairs = [frozenset((x, y)) for x, y in zip(a, b, strict=True) if x != y]
    return len(a) == len(b) and len(pairs) == 1 and pairs[0] in CONFUSABLE_CHARACTERS


def match_id_number(id_type: str, claimed: str, lines: Sequence[Line]) -> NumberEvidence:
    """Search the card for the claimed number (claim-guided, issue 8 §1).

    Aadhaar: the 12 digits are searched in each line's digits (look-alikes repaired, grouping
    ignored). PAN: each word and pair of words, swaps fixed by position. When the claimed
    number is not there, the card's own numbers decide: a checksum-valid number that differs
    in more than one look-alike character is ``CONTRADICTED``; anything else ``DIFFERS``.

    Raises:
        ValueError: unknown id_type.
    """
    claimed = normalise_id_number(id_type, claimed)
    if id_type == AADHAAR:
        for line in lines:
            digits, owners = _digit_string(line)
            position = digits.find(claimed)
            if position >= 0:
                first, last = owners[position], owners[position + len(claimed) - 1]
                return NumberEvidence(
                    EXACT,
                    CardNumber(
                        claimed,
                        is_valid(AADHAAR, claimed),
                        line.confidence(first, last + 1),
                        line.index,
                    ),
                    0,
                )
        found = aadhaar_numbers(lines)
    else:
        found = pan_numbers(lines)
        for number in found:
            if number.value == claimed:
                return NumberEvidence(EXACT, number, 0)
    if not found:
        return NumberEvidence(None, None)
    nearest = min(
        found, key=lambda number: (_differences(number.value, claimed), -(number.confidence or 0.0))
    )
    differences = _differences(nearest.value, claimed)
    valid_other = [number for number in found if number.valid]
    if valid_other:
        other = min(valid_other, key=lambda number: _differences(number.value, claimed))
        if not _single_confusable(other.value, claimed):
            return NumberEvidence(CONTRADICTED, other, _differences(other.value, claimed))
    return NumberEvidence(DIFFERS, nearest, differences)
