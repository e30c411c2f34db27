"""Field extraction and validation for Indian ID cards (Aadhaar, PAN), no ORM, no OCR call.

Input is an :class:`kyc.ocr.OcrResult`; output an :class:`ExtractedId` whose fields are
``None`` when not found. Nothing here logs ID numbers or OCR text.

Sources of the rules:
- Aadhaar: 12 digits printed "XXXX XXXX XXXX", last digit a Verhoeff check digit, never
  starting with 0 or 1 (UIDAI; python-stdnum ``stdnum.in_.aadhaar``). Masked display shows
  only the last 4 digits (UIDAI masked Aadhaar).
- PAN: ``[A-Z]{5}[0-9]{4}[A-Z]``, the 4th letter the holder type (P = individual, C =
  company, ...), the 5th the initial of the surname or entity name (Income Tax Department;
  python-stdnum ``stdnum.in_.pan``).
- Name matching: Levenshtein distance on normalised names, ≤ NAME_DISTANCE_LIMIT passes
  (issue #2).
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from rapidfuzz.distance import Levenshtein
from stdnum.in_ import aadhaar as stdnum_aadhaar
from stdnum.in_ import pan as stdnum_pan

from kyc.ocr import OcrResult

AADHAAR: Final = "AADHAAR"
PAN: Final = "PAN"
ID_TYPES: Final = (AADHAAR, PAN)

NAME_MIN_WORD_CONFIDENCE: Final = 60.0
"""OCR words below this confidence (0–100) are not taken into a name (photo specks)."""

NAME_DISTANCE_LIMIT: Final = 2
"""Largest Levenshtein distance between normalised names that still counts as a match."""

GENDERS: Final = {"male": "MALE", "female": "FEMALE", "transgender": "TRANSGENDER"}

NOTE_YEAR_OF_BIRTH_ONLY: Final = "YEAR_OF_BIRTH_ONLY"
"""Note set when an Aadhaar prints only "Year of Birth: YYYY" (date_of_birth is None)."""

# Characters OCR confuses with digits inside a group of digits.
_TO_DIGIT: Final = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1"})
# Inverse confusions, for the letter positions of a PAN.
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

_DATE_RE: Final = re.compile(
    r"(?<![0-9A-Za-z])([0-9OIl]{1,2})\s*([/.\-])\s*([0-9OIl]{1,2})\s*\2\s*([0-9OIl]{4})(?![0-9])"
)
_DIGIT_GROUP_RE: Final = re.compile(r"^[0-9OoDlI|]{4}$")
_PAN_RE: Final = re.compile(r"^[A-Z]{5}[0-9]{4}[A-Z]$")
_DOB_LABEL_RE: Final = re.compile(r"\b(DOB|D\.O\.B|Date\s*of\s*Birth|Birth)\b", re.IGNORECASE)
_YEAR_OF_BIRTH_RE: Final = re.compile(r"Year\s*of\s*Birth\s*[:\-]?\s*([0-9OIl]{4})", re.IGNORECASE)
_GENDER_RE: Final = re.compile(r"\b(female|male|transgender)\b", re.IGNORECASE)
_GOVT_HEADER_RE: Final = re.compile(r"government\s*of\s*india", re.IGNORECASE)
_FATHER_LABEL_RE: Final = re.compile(r"\bfather\W{0,2}s?\s*name\b\W*", re.IGNORECASE)
_NAME_LABEL_RE: Final = re.compile(r"\bname\b\W*", re.IGNORECASE)
_PAN_HEADER_RE: Final = re.compile(r"permanent\s*account\s*number", re.IGNORECASE)
# Words on the cards that are never part of a holder's name.
_NOT_NAME_WORDS: Final = frozenset(
    (
        "government india govt income tax department permanent account number card name "
        "father fathers date birth dob male female transgender aadhaar aadhar signature "
        "year vid address enrolment unique identification authority"
    ).split()
)
_NAME_TOKEN_RE: Final = re.compile(r"^[A-Za-z][A-Za-z.'\-]*$")


@dataclass(frozen=True)
class ExtractedId:
    """Fields read from an ID card.

    Attributes:
        id_type: "AADHAAR" or "PAN".
        id_number: normalised number (Aadhaar: 12 digits, no spaces; PAN: 10 upper-case
            characters) or None. Not validated: see validate_id_number().
        name: holder's name as printed (case kept), or None.
        father_name: father's name (PAN only), or None.
        date_of_birth: or None (also None when only the year of birth is printed).
        gender: "MALE", "FEMALE", "TRANSGENDER" or None (Aadhaar only).
        confidence: per-field mean OCR confidence (0–100) of the words the field came from,
            keyed by field name; a field is absent when unknown or not found.
        year_of_birth: the year, when the card prints only "Year of Birth: YYYY".
        notes: machine codes about the extraction, e.g. NOTE_YEAR_OF_BIRTH_ONLY.
    """

    id_type: str
    id_number: str | None
    name: str | None
    father_name: str | None
    date_of_birth: datetime.date | None
    gender: str | None
    confidence: dict[str, float] = field(default_factory=dict)
    year_of_birth: int | None = None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form; the date as ISO "YYYY-MM-DD" (or None)."""
        return {
            "id_type": self.id_type,
            "id_number": self.id_number,
            "name": self.name,
            "father_name": self.father_name,
            "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else None,
            "gender": self.gender,
            "confidence": dict(self.confidence),
            "year_of_birth": self.year_of_birth,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class _Line:
    """One OCR line with the confidences of its words (None when not known)."""

    text: str
    confidences: tuple[float, ...] | None

    def confidence(self, tokens: Iterable[str] | None = None) -> float | None:
        """Mean confidence of the line's words, or of those equal to ``tokens`` (all
        words when none is equal)."""
        if not self.confidences:
            return None
        chosen = list(self.confidences)
        if tokens is not None:
            wanted = set(tokens)
            words = self.text.split()
            matching = [
                conf for word, conf in zip(words, self.confidences, strict=True) if word in wanted
            ]
            chosen = matching or chosen
        return round(sum(chosen) / len(chosen), 2)

    def words(self) -> list[tuple[str, float | None]]:
        """(word, confidence or None) pairs."""
        words = self.text.split()
        if self.confidences is None:
            return [(word, None) for word in words]
        return list(zip(words, self.confidences, strict=True))

    def after(self, char_offset: int) -> _Line:
        """The words that start at or after ``char_offset`` of the text."""
        skipped = len(self.text[:char_offset].split())
        if (
            char_offset < len(self.text)
            and char_offset > 0
            and not self.text[char_offset - 1].isspace()
        ):
            skipped -= 1  # the offset falls inside a word: keep its remainder
            rest_words = [self.text[char_offset:].split()[0], *self.text.split()[skipped + 1 :]]
        else:
            rest_words = self.text.split()[skipped:]
        confidences = self.confidences[skipped:] if self.confidences else None
        return _Line(" ".join(rest_words), confidences)


def _lines(ocr: OcrResult) -> list[_Line]:
    """Split OCR text into non-empty lines, attaching word confidences when they align."""
    texts = [" ".join(line.split()) for line in ocr.text.splitlines()]
    texts = [text for text in texts if text]
    token_count = sum(len(text.split()) for text in texts)
    aligned = token_count == len(ocr.words) and all(
        token == word.text
        for token, word in zip(
            (token for text in texts for token in text.split()), ocr.words, strict=True
        )
    )
    lines: list[_Line] = []
    position = 0
    for text in texts:
        count = len(text.split())
        confidences = (
            tuple(word.confidence for word in ocr.words[position : position + count])
            if aligned
            else None
        )
        lines.append(_Line(text, confidences))
        position += count
    return lines


def _set_confidence(confidence: dict[str, float], key: str, value: float | None) -> None:
    if value is not None:
        confidence[key] = value


# --- dates -------------------------------------------------------------------------------


def _find_date(text: str) -> tuple[datetime.date, str] | None:
    for match in _DATE_RE.finditer(text):
        day, _, month, year = (part.translate(_TO_DIGIT) for part in match.groups())
        try:
            parsed = datetime.date(int(year), int(month), int(day))
        except ValueError:
            continue
        if 1900 <= parsed.year <= datetime.date.today().year:
            return parsed, match.group(0)
    return None


def parse_card_date(text: str) -> datetime.date | None:
    """Return the first valid date written DD/MM/YYYY, DD-MM-YYYY or DD.MM.YYYY in ``text``.

    Spaces around separators and OCR's O/I/l for 0/1 are tolerated; the separators must
    match. Years before 1900 or after this year, and impossible dates (31/02), are skipped.
    Returns None when there is none.
    """
    found = _find_date(text)
    return found[0] if found else None


# --- names -------------------------------------------------------------------------------


def normalise_name(name: str) -> str:
    """Casefold, remove punctuation and symbols, strip accents, collapse whitespace.

    "R.  K. SHARMA," → "r k sharma"; "D'Souza" → "dsouza".
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    kept = []
    for char in decomposed:
        category = unicodedata.category(char)
        if category.startswith(("P", "S")):
            # Dots between initials separate words; apostrophes and hyphens join them.
            kept.append(" " if char == "." else "")
        elif category != "Mn":
            kept.append(char)
    return " ".join("".join(kept).split())


def name_distance(a: str, b: str) -> int:
    """Levenshtein edit distance between the normalised names (0 = same).

    Rule (issue #2): a distance ≤ NAME_DISTANCE_LIMIT (2) counts as the same name.
    """
    return int(Levenshtein.distance(normalise_name(a), normalise_name(b)))


def _repair_name_token(token: str) -> str:
    """Undo OCR confusions typical of printed names (sans-serif I, l, 1, |, ! look alike).

    "|sha" → "Isha", "lyer" → "Iyer" (names start with a capital, and l before a
    consonant starts no Indian name), "Pate!" → "Patel", "LAKSHMi" → "LAKSHMI"; other
    tokens are returned unchanged apart from surrounding punctuation.
    """
    token = token.strip("_~,;:*`'\"()[{}<>")
    if token[:1] == "|" and token[1:2].isalpha():
        token = "I" + token[1:]
    token = token.lstrip("|!")
    letters = [char for char in token if char.isalpha()]
    upper_case = len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.6 * len(letters)
    repaired = []
    for index, char in enumerate(token):
        if char in "|!]1" and index > 0 and token[index - 1].isalpha():
            char = "I" if upper_case or token[index - 1].isupper() else "l"
        repaired.append(char)
    token = "".join(repaired).rstrip("|!]")
    if upper_case:
        return token.upper()
    if token[:1] == "l" and len(token) > 1 and token[1] not in "aeiouy":
        return "I" + token[1:]
    if token[:1] == "l" and token[1:2] == "y":
        return "I" + token[1:]
    if token[:1].islower() and len(token) >= 4:
        return token[:1].upper() + token[1:]
    return token


def _is_noise(word: str, confidence: float | None) -> bool:
    """OCR specks from a photo or border: short all-lower-case words ("es", "ee"), or
    low-confidence words that are short or lower-case. A capitalised word is kept even at
    low confidence: Tesseract often under-rates correct upper-case names."""
    lower = word.isalpha() and word.islower()
    if lower and len(word) <= 3:
        return True
    low_confidence = confidence is not None and confidence < NAME_MIN_WORD_CONFIDENCE
    return low_confidence and (lower or len(word) <= 2)


def _clean_name(line: _Line) -> tuple[str, float | None] | None:
    """Return (name, mean confidence of its words) if ``line`` holds a person's name.

    OCR specks before or after the name (``| Rahul Sharma``, ``es Priya Nair``) are
    dropped: the name is the longest run of name-like words (letters, dots, apostrophes,
    hyphens; at least 2 letters, or an initial "R.") that are not card labels.
    """
    runs: list[list[tuple[str, float | None]]] = [[]]
    for word, confidence in line.words():
        token = _repair_name_token(word)
        if (
            token
            and not _is_noise(word, confidence)
            and _NAME_TOKEN_RE.match(token)
            and token.casefold().strip(".") not in _NOT_NAME_WORDS
        ):
            letters = sum(char.isalpha() for char in token)
            if letters >= 2 or (letters == 1 and token.endswith(".")):
                runs[-1].append((token, confidence))
                continue
        runs.append([])
    best = max(runs, key=lambda run: sum(len(token) for token, _ in run))
    if sum(len(token) for token, _ in best) < 3:
        return None
    if not any(len(token.strip(".")) >= 2 for token, _ in best):
        return None
    name = " ".join(token for token, _ in best)
    known = [confidence for _, confidence in best if confidence is not None]
    return name, (round(sum(known) / len(known), 2) if known else None)


# --- Aadhaar -----------------------------------------------------------------------------


def _aadhaar_candidates(line: str) -> list[str]:
    """12-digit numbers in a line: three 4-digit groups (not part of a 16-digit VID) or
    one 12-digit token."""
    tokens = line.replace(":", " ").split()
    found: list[str] = []
    run: list[str] = []
    for token in [*tokens, ""]:
        if _DIGIT_GROUP_RE.match(token) and sum(char.isdigit() for char in token) >= 2:
            run.append(token.translate(_TO_DIGIT))
            continue
        if len(run) == 3:
            found.append("".join(run))
        run = []
        compact = token.translate(_TO_DIGIT)
        if len(compact) == 12 and compact.isdigit() and sum(c.isdigit() for c in token) >= 10:
            found.append(compact)
    return found


def extract_aadhaar(ocr: OcrResult) -> ExtractedId:
    """Read name, date of birth, gender and number from an Aadhaar card's OCR result.

    Layout handled: a "Government of India" header; the name on its own line, just above
    the "DOB: DD/MM/YYYY" line (DD-MM-YYYY and DD.MM.YYYY too) or "Year of Birth: YYYY";
    a gender line ("Male"/"Female"/"Transgender", possibly after Hindi); the number as
    "XXXX XXXX XXXX" (O→0 and l/I→1 tolerated inside the groups). When several numbers
    appear, a Verhoeff-valid one is preferred, then the last (the big one at the bottom).

    Never raises on odd input: fields not found are None.
    """
    lines = _lines(ocr)
    confidence: dict[str, float] = {}
    notes: list[str] = []

    number: str | None = None
    candidates = [(line, value) for line in lines for value in _aadhaar_candidates(line.text)]
    if candidates:
        valid = [item for item in candidates if stdnum_aadhaar.is_valid(item[1])]
        number_line, number = (valid or candidates)[-1]
        _set_confidence(confidence, "id_number", number_line.confidence())

    date_of_birth: datetime.date | None = None
    year_of_birth: int | None = None
    dob_index: int | None = None
    for index, line in enumerate(lines):
        year_match = _YEAR_OF_BIRTH_RE.search(line.text)
        if year_match:
            year_text = year_match.group(1).translate(_TO_DIGIT)
            if year_text.isdigit():
                year_of_birth = int(year_text)
                notes.append(NOTE_YEAR_OF_BIRTH_ONLY)
                dob_index = index
                _set_confidence(confidence, "year_of_birth", line.confidence())
                break
        found = _find_date(line.text)
        if found and (_DOB_LABEL_RE.search(line.text) or date_of_birth is None):
            date_of_birth, matched = found
            dob_index = index
            _set_confidence(confidence, "date_of_birth", line.confidence(matched.split()))
            if _DOB_LABEL_RE.search(line.text):
                break

    gender: str | None = None
    for line in lines:
        gender_match = _GENDER_RE.search(line.text)
        if gender_match:
            gender = GENDERS[gender_match.group(1).casefold()]
            _set_confidence(confidence, "gender", line.confidence([gender_match.group(0)]))
            break

    name: str | None = None
    # The name sits just above the DOB line (one line of photo noise allowed between),
    # else just below the "Government of India" header.
    candidates_index: list[int] = []
    if dob_index is not None:
        candidates_index += [dob_index - 1, dob_index - 2]
    header = next((i for i, line in enumerate(lines) if _GOVT_HEADER_RE.search(line.text)), None)
    if header is not None:
        candidates_index += [header + 1, header + 2]
    for index in candidates_index:
        if not 0 <= index < len(lines) or index == dob_index:
            continue
        line = lines[index]
        if _find_date(line.text) or _aadhaar_candidates(line.text) or _GENDER_RE.search(line.text):
            continue
        cleaned = _clean_name(line)
        if cleaned:
            name = cleaned[0]
            _set_confidence(confidence, "name", cleaned[1])
            break

    return ExtractedId(
        id_type=AADHAAR,
        id_number=number,
        name=name,
        father_name=None,
        date_of_birth=date_of_birth,
        gender=gender,
        confidence=confidence,
        year_of_birth=year_of_birth,
        notes=tuple(notes),
    )


# --- PAN ---------------------------------------------------------------------------------


def _pan_from_token(token: str) -> str | None:
    """Return the PAN a 10-character token spells, correcting OCR letter/digit swaps by
    position (letters at 1–5 and 10, digits at 6–9), or None."""
    compact = re.sub(r"[^0-9A-Za-z|\]})(!]", "", token)
    if len(compact) != 10:
        # Brackets or bars around the PAN are print or border, not characters.
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
    # Demand most characters were already right, so ordinary words are not "corrected".
    if sum(a == b for a, b in zip(compact, fixed, strict=True)) < 7:
        return None
    return fixed


def _pan_candidates(line: _Line) -> list[tuple[str, float | None]]:
    """PANs on a line, each with the confidence of the word(s) it was read from. OCR may
    split a PAN in two ("ABCPE1 234F"), so adjacent word pairs are tried too."""
    words = line.words()
    found: list[tuple[str, float | None]] = []
    for index, (word, confidence) in enumerate(words):
        pan = _pan_from_token(word)
        if pan:
            found.append((pan, confidence))
            continue
        if index + 1 < len(words):
            next_word, next_confidence = words[index + 1]
            pan = _pan_from_token(word + next_word)
            if pan and _pan_from_token(next_word) is None:
                known = [c for c in (confidence, next_confidence) if c is not None]
                found.append((pan, sum(known) / len(known) if known else None))
    return found


def _value_after_label(
    lines: list[_Line], index: int, label: re.Pattern[str]
) -> tuple[str, float | None] | None:
    """The name after ``label`` on line ``index``, or on the next line when the label
    stands alone (as on the card), cleaned by _clean_name(); None when there is none."""
    match = label.search(lines[index].text)
    if match:
        cleaned = _clean_name(lines[index].after(match.end()))
        if cleaned:
            return cleaned
    if index + 1 < len(lines):
        return _clean_name(lines[index + 1])
    return None


def extract_pan(ocr: OcrResult) -> ExtractedId:
    """Read PAN, name, father's name and date of birth from a PAN card's OCR result.

    Layout handled: "INCOME TAX DEPARTMENT" / "GOVT. OF INDIA" / "Permanent Account Number
    Card" header; the PAN ``[A-Z]{5}[0-9]{4}[A-Z]`` (O/0, I/1, S/5, B/8, Z/2 swaps fixed by
    position); "Name" label then the name (same line or next); "Father's Name" label then
    the father's name; "Date of Birth" label then DD/MM/YYYY. When labels are missing the
    date is the first date on the card.

    Never raises on odd input: fields not found are None.
    """
    lines = _lines(ocr)
    confidence: dict[str, float] = {}

    number: str | None = None
    header_index = next((i for i, line in enumerate(lines) if _PAN_HEADER_RE.search(line.text)), -1)
    # Prefer a PAN after the "Permanent Account Number" header, then one with a known
    # holder type, else the first anywhere.
    ordered = lines[header_index + 1 :] + lines[: header_index + 1]
    candidates = [item for line in ordered for item in _pan_candidates(line)]
    if candidates:
        valid = [item for item in candidates if stdnum_pan.is_valid(item[0])]
        number, number_confidence = (valid or candidates)[0]
        _set_confidence(confidence, "id_number", number_confidence)

    name: str | None = None
    father_name: str | None = None
    for index, line in enumerate(lines):
        if _FATHER_LABEL_RE.search(line.text):
            found = _value_after_label(lines, index, _FATHER_LABEL_RE)
            if father_name is None and found:
                father_name = found[0]
                _set_confidence(confidence, "father_name", found[1])
        elif _NAME_LABEL_RE.search(line.text):
            found = _value_after_label(lines, index, _NAME_LABEL_RE)
            if name is None and found:
                name = found[0]
                _set_confidence(confidence, "name", found[1])

    date_of_birth: datetime.date | None = None
    for index, line in enumerate(lines):
        if _DOB_LABEL_RE.search(line.text):
            for candidate in lines[index : index + 2]:
                found_date = _find_date(candidate.text)
                if found_date:
                    date_of_birth = found_date[0]
                    _set_confidence(
                        confidence, "date_of_birth", candidate.confidence(found_date[1].split())
                    )
                    break
        if date_of_birth:
            break
    if date_of_birth is None:
        for line in lines:
            found_date = _find_date(line.text)
            if found_date:
                date_of_birth = found_date[0]
                _set_confidence(confidence, "date_of_birth", line.confidence(found_date[1].split()))
                break

    return ExtractedId(
        id_type=PAN,
        id_number=number,
        name=name,
        father_name=father_name,
        date_of_birth=date_of_birth,
        gender=None,
        confidence=confidence,
    )


# --- numbers -----------------------------------------------------------------------------


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

    Returns:
        (True, None) when valid; otherwise (False, code) with code
        - "ID_FORMAT_INVALID": Aadhaar not 12 digits; PAN not ``[A-Z]{5}[0-9]{4}[A-Z]`` or
          with an unknown holder type (4th letter);
        - "ID_CHECKSUM_INVALID": Aadhaar of 12 digits failing the Verhoeff check or
          starting with 0 or 1.

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
    if not stdnum_pan.is_valid(compact):
        return False, "ID_FORMAT_INVALID"
    return True, None


def mask_id_number(id_type: str, number: str) -> str:
    """Hide all but the last 4 characters: Aadhaar "XXXX XXXX 6311", PAN "XXXXXX234F".

    Raises:
        ValueError: unknown id_type.
    """
    compact = normalise_id_number(id_type, number)
    masked = "X" * max(0, len(compact) - 4) + compact[-4:]
    if id_type == AADHAAR:
        return " ".join(masked[i : i + 4] for i in range(0, len(masked), 4))
    return masked
