"""PAN cards (Income Tax Department): the blind reading of number, name, father's name, DOB.

Layouts handled: the new card with "Name" / "Father's Name" / "Date of Birth" labels (Hindi
labels beside them are ignored) and the old card without labels, where the holder's name is
the first name line and the father's name the second, above or below the number. No ORM, no
OCR call; never raises on odd input.
"""

from __future__ import annotations

import re
from typing import Final

from smartbank.engines.ocr import OcrResult

from . import dates, names, numbers
from .extracted import ExtractedId
from .lines import Line, lines_of

_FATHER_LABEL_RE: Final = re.compile(r"\bfather\W{0,2}s?\s*name\b\W*", re.IGNORECASE)
_NAME_LABEL_RE: Final = re.compile(r"\bname\b\W*", re.IGNORECASE)
_HEADER_RE: Final = re.compile(
    r"income\s*tax|govt|government|permanent\s*account|account\s*number|signature|department",
    re.IGNORECASE,
)


def _after_label(
    lines: list[Line], line: Line, label: re.Pattern[str]
) -> tuple[str, float | None, int] | None:
    """The name after ``label`` on ``line``, or on the next line when the label stands alone."""
    match = label.search(line.text)
    if match:
        rest = line.words[len(line.text[: match.end()].split()) :]
        cleaned = names.clean_name(rest)
        if cleaned:
            return cleaned[0], cleaned[1], line.index
    if line.index + 1 < len(lines):
        nxt = lines[line.index + 1]
        cleaned = names.clean_name(nxt.words)
        if cleaned:
            return cleaned[0], cleaned[1], nxt.index
    return None


def _is_name_line(line: Line) -> bool:
    return not (
        _HEADER_RE.search(line.text)
        or dates.find_dates([line])
        or numbers.pan_numbers([line])
        or _NAME_LABEL_RE.search(line.text)
    )


def holder_and_father_lines(lines: list[Line]) -> tuple[int | None, int | None]:
    """OCR line indexes of the holder's and the father's name (None when not found)."""
    extracted = _names(lines)
    return extracted[0][2] if extracted[0] else None, extracted[1][2] if extracted[1] else None


def _names(lines: list[Line]) -> tuple[tuple[str, float | None, int] | None, ...]:
    holder = father = None
    labelled = False
    for line in lines:
        if _FATHER_LABEL_RE.search(line.text):
            labelled = True
            father = father or _after_label(lines, line, _FATHER_LABEL_RE)
        elif _NAME_LABEL_RE.search(line.text):
            labelled = True
            holder = holder or _after_label(lines, line, _NAME_LABEL_RE)
    if labelled and (holder or father):
        return holder, father
    found = []
    for line in lines:
        if not _is_name_line(line):
            continue
        if not names.line_in_capitals(line):
            continue  # PAN cards print names in capitals
        cleaned = names.clean_name(line.words)
        if cleaned:
            found.append((cleaned[0], cleaned[1], line.index))
        if len(found) == 2:
            break
    return (found[0] if found else None), (found[1] if len(found) > 1 else None)


def extract_pan(ocr: OcrResult) -> ExtractedId:
    """Read PAN, name, father's name and date of birth from a PAN card's OCR result.

    The number is the first checksum-valid PAN (O/0, I/1, S/5, B/8, Z/2 swaps fixed by
    position), else the first PAN-shaped word. The date of birth is the labelled date, else the
    first date on the card.
    """
    lines = lines_of(ocr)
    confidence: dict[str, float] = {}

    number = None
    found_numbers = numbers.pan_numbers(lines)
    if found_numbers:
        chosen = ([n for n in found_numbers if n.valid] or found_numbers)[0]
        number = chosen.value
        if chosen.confidence is not None:
            confidence["id_number"] = chosen.confidence

    holder, father = _names(lines)
    if holder and holder[1] is not None:
        confidence["name"] = holder[1]
    if father and father[1] is not None:
        confidence["father_name"] = father[1]

    birth = [d for d in dates.birth_date_candidates(dates.find_dates(lines)) if d.date]
    date_of_birth = birth[0].date if birth else None
    if birth and birth[0].confidence is not None:
        confidence["date_of_birth"] = birth[0].confidence

    return ExtractedId(
        id_type=numbers.PAN,
        id_number=number,
        name=holder[0] if holder else None,
        father_name=father[0] if father else None,
        date_of_birth=date_of_birth,
        gender=None,
        confidence=confidence,
        name_line=holder[2] if holder else None,
        father_line=father[2] if father else None,
    )
