"""Dates on ID cards: every date in every format the cards print, and the claimed date of
birth searched for among them.

No ORM, no OCR call. Formats: DD/MM/YYYY, DD-MM-YYYY, DD.MM.YYYY (day and month with or without
a leading zero) and "Year of Birth: YYYY" (older Aadhaar cards). OCR look-alikes inside the
digits are repaired (O/D/Q→0, I/l/|→1, Z→2, S→5, B→8), and a separator misread as a stroke or
"1" is tolerated when the date's digits are searched for.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from .lines import Line, mean_confidence

EXACT: Final = "EXACT"
YEAR_ONLY: Final = "YEAR_ONLY"
CONTRADICTED: Final = "CONTRADICTED"

_DIGIT: Final = {
    "0": "0OoDQ",
    "1": "1Il|i!]",
    "2": "2Zz",
    "3": "3",
    "4": "4",
    "5": "5Ss",
    "6": "6b",
    "7": "7",
    "8": "8B",
    "9": "9",
}
_TO_DIGIT: Final = str.maketrans(
    {char: digit for digit, chars in _DIGIT.items() for char in chars if char != digit}
)
_D: Final = "[0-9OoDQIl|iZzSsB]"
_DATE_RE: Final = re.compile(
    rf"(?<![0-9A-Za-z])({_D}{{1,2}})\s*([/.\-])\s*({_D}{{1,2}})\s*\2\s*({_D}{{4}})(?![0-9])"
)
_YEAR_OF_BIRTH_RE: Final = re.compile(
    rf"(?:Year\s*of\s*Birth|\bYoB\b|जन्म\s*वर्ष)\W*({_D}{{4}})(?![0-9])", re.IGNORECASE
)
_DOB_LABEL_RE: Final = re.compile(r"\bDOB\b|D\.O\.B|Date\s*of\s*Birth|\bBirth\b|जन्म", re.IGNORECASE)
_OTHER_DATE_LABEL_RE: Final = re.compile(
    r"issue|download|generat|print|valid|expir|enrol", re.IGNORECASE
)
_SEPARATOR: Final = r"(?:\s*[/.\-|\\:,_]\s*|\s*[1lI|]\s*|\s*)"
# Pairs of digits that blur or JPEG damage turns into each other: a single difference
# between them is read as a possible misread, never as a contradiction.
CONFUSABLE_DIGITS: Final = frozenset(
    frozenset(pair) for pair in ("38", "17", "56", "68", "08", "06", "09", "35", "89", "14")
)


@dataclass(frozen=True)
class CardDate:
    """A date found on a card.

    Attributes:
        date: the calendar date, or None for a year-only reading.
        year: the year (also set for full dates).
        labelled: True when the line (or the line above) carries a date-of-birth label.
        other_label: True when the line names another date (issue, download, expiry...).
        confidence: mean Tesseract confidence (0–100) of the words it was read from.
        line: index of the OCR line.
    """

    date: datetime.date | None
    year: int
    labelled: bool
    other_label: bool
    confidence: float | None
    line: int


@dataclass(frozen=True)
class DateEvidence:
    """How the card's text supports a claimed date of birth.

    ``kind`` is ``EXACT`` (the claimed date is printed), ``YEAR_ONLY`` (the card prints only a
    year of birth, equal to the claimed year), ``CONTRADICTED`` (the card's date of birth is
    another date: ``found``) or None (no date of birth found). ``misread_possible`` is True when
    a contradiction differs from the claim in a single pair of look-alike digits.
    """

    kind: str | None
    found: CardDate | None
    misread_possible: bool = False


def _words_confidence(line: Line, start: int, end: int) -> float | None:
    """Mean confidence of the words of ``line`` that overlap characters [start, end)."""
    first = line.text[:start].count(" ")
    last = line.text[: max(start, end - 1)].count(" ")
    return mean_confidence(line.words[first : last + 1])


def _valid(year: int, month: int, day: int) -> datetime.date | None:
    try:
        found = datetime.date(year, month, day)
    except ValueError:
        return None
    return found if 1900 <= found.year <= datetime.date.today().year else None


def find_dates(lines: Sequence[Line]) -> list[CardDate]:
    """Every valid date and year of birth printed on the card, in reading order.

    Impossible dates (31/02) and years before 1900 or after this year are skipped.
    """
    found: list[CardDate] = []
    for position, line in enumerate(lines):
        text = line.text
        above = lines[position - 1].text if position else ""
        labelled = bool(_DOB_LABEL_RE.search(text)) or (
            bool(_DOB_LABEL_RE.search(above)) and not _DATE_RE.search(above)
        )
        other = bool(_OTHER_DATE_LABEL_RE.search(text))
        for match in _YEAR_OF_BIRTH_RE.finditer(text):
            year = match.group(1).translate(_TO_DIGIT)
            if year.isdigit() and 1900 <= int(year) <= datetime.date.today().year:
                confidence = _words_confidence(line, match.start(1), match.end(1))
                found.append(CardDate(None, int(year), True, False, confidence, line.index))
        for match in _DATE_RE.finditer(text):
            day, _, month, year = (part.translate(_TO_DIGIT) for part in match.groups())
            if not (day.isdigit() and month.isdigit() and year.isdigit()):
                continue
            parsed = _valid(int(year), int(month), int(day))
            if parsed is not None:
                confidence = _words_confidence(line, match.start(), match.end())
                found.append(CardDate(parsed, parsed.year, labelled, other, confidence, line.index))
    return found


def parse_card_date(text: str) -> datetime.date | None:
    """The first valid DD/MM/YYYY, DD-MM-YYYY or DD.MM.YYYY date in ``text``, or None."""
    from .lines import Word

    line = Line(0, tuple(Word(token, None) for token in text.split()))
    dates = [found.date for found in find_dates([line]) if found.date is not None]
    return dates[0] if dates else None


def birth_date_candidates(dates: Sequence[CardDate]) -> list[CardDate]:
    """The dates that can be the holder's date of birth: those labelled as such, else every
    date not labelled as another kind of date."""
    labelled = [found for found in dates if found.labelled and not found.other_label]
    return labelled or [found for found in dates if not found.other_label]


def _digit_class(digit: str) -> str:
    return "[" + re.escape(_DIGIT[digit]) + "]"


def _claim_pattern(claimed: datetime.date) -> re.Pattern[str]:
    day, month, year = f"{claimed.day:02d}", f"{claimed.month:02d}", f"{claimed.year:04d}"

    def part(digits: str, optional_zero: bool) -> str:
        body = "".join(_digit_class(d) for d in digits)
        if optional_zero and digits[0] == "0":
            body = f"(?:{_digit_class('0')}?{_digit_class(digits[1])})"
        return body

    return re.compile(
        rf"(?<![0-9])({part(day, True)}){_SEPARATOR}({part(month, True)}){_SEPARATOR}"
        rf"({part(year, False)})(?![0-9])"
    )


def _single_confusable_difference(a: datetime.date, b: datetime.date) -> bool:
    left, right = f"{a:%d%m%Y}", f"{b:%d%m%Y}"
    differences = [frozenset((x, y)) for x, y in zip(left, right, strict=True) if x != y]
    return len(differences) == 1 and differences[0] in CONFUSABLE_DIGITS


def match_birth_date(claimed: datetime.date, lines: Sequence[Line]) -> DateEvidence:
    """Look for ``claimed`` among the dates on the card (claim-guided, issue 8 §1).

    The claimed date's digits are searched on every line (look-alikes and misread separators
    tolerated) and every date the card prints is compared with it. Returns EXACT when found;
    YEAR_ONLY when the card prints only a year of birth equal to the claimed year; CONTRADICTED
    with the most confident date-of-birth candidate otherwise; ``kind=None`` when the card shows
    no date of birth.
    """
    pattern = _claim_pattern(claimed)
    for line in lines:
        match = pattern.search(line.text)
        if match:
            confidence = _words_confidence(line, match.start(), match.end())
            return DateEvidence(
                EXACT, CardDate(claimed, claimed.year, True, False, confidence, line.index)
            )
    candidates = birth_date_candidates(find_dates(lines))
    for found in candidates:
        if found.date == claimed:
            return DateEvidence(EXACT, found)
    years = [found for found in candidates if found.date is None]
    if (
        years
        and all(found.year == claimed.year for found in years)
        and not any(found.date for found in candidates)
    ):
        return DateEvidence(YEAR_ONLY, years[0])
    if not candidates:
        return DateEvidence(None, None)
    contradiction = max(candidates, key=lambda found: found.confidence or 0.0)
    misread = contradiction.date is not None and _single_confusable_difference(
        contradiction.date, claimed
    )
    return DateEvidence(CONTRADICTED, contradiction, misread_possible=misread)
