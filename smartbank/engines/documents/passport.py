"""Passports (ICAO 9303 part 4, TD3): the machine readable zone located, read and checked.

Calls the OCR engine (:func:`smartbank.engines.ocr.ocr_characters`); no ORM, no Django
settings. Runs inside the KYC Celery task. The comparison with what the customer entered is
:mod:`.passport_claims`.

The MRZ is two lines of 44 characters from the alphabet ``A-Z 0-9 <`` at the bottom of the
data page (ICAO 9303 part 4 §4.2)::

    P<INDARMSTRONG<<NEIL<<<<<<<<<<<<<<<<<<<<<<<<     type, issuing state, SURNAME<<GIVEN<NAMES
    K1234567<6IND9008054M3111301<<<<<<<<<<<<<<02     number, check, nationality, birth date,
                                                     check, sex, expiry, check, optional data,
                                                     check, composite check

Parsing and the check digits (7-3-1 weights, ICAO 9303 part 3 §4.9) are the ``mrz`` library's
(PyPI ``mrz``: ``TD3CodeChecker``, ``hash_string``; pure Python, no dependencies; its
``TD3CodeGenerator`` makes the MRZs the tests draw).

Reading (:func:`read_mrz`), measured on rendered pages with Tesseract 5.3's ``eng`` model (no
OCR-B model is packaged in Debian):

1. locate: the bottom half of the page (then the whole image) in grey, scaled to BAND_WIDTH
   and deskewed, read with Tesseract restricted to the MRZ alphabet (psm 6); the two adjacent
   lines most like MRZ lines (about 44 characters, many ``<``) are the zone.
2. slots: Tesseract drops and merges chevrons (``<<<<`` read as one wide ``<``) and now and
   then doubles a glyph, so the text's length is not to be trusted; the MRZ is monospaced, so
   each character's box says which of the 44 slots it fills (:func:`align`; the pitch may
   change linearly along the line, as in a photo taken at an angle). An empty slot is a
   ``<`` with confidence 0.
3. position: letters read in numeric fields become digits (O→0, I→1, B→8, S→5...) and
   digits in alphabetic fields letters; chevron-run specks in line 1's filler become ``<``.
4. further readings of the zone while a check digit fails, or while the claim checks want a
   second reading of a value that differs: each line alone (psm 7, Otsu), the zone
   binarised, the zone at twice the size.
5. consensus (:func:`consensus`): the readings vote slot by slot (the majority's character
   at the agreeing readings' mean confidence; no majority, confidence 0), then the check
   digits choose among single substitutions of line 2 (:func:`correct_line`): the twins O/0,
   I/1, B/8... in the letter-or-digit fields whatever the confidence, other look-alikes only
   below CORRECTABLE_BELOW, any character in an empty slot. One is kept only when it makes
   every check digit valid, the composite included, and no other does; several make the
   reading ``ambiguous``. The readings that gave the voted line 2 are its confirmations.
"""

from __future__ import annotations

import datetime
import math
import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Final

import numpy as np
from mrz.base.functions import hash_string
from mrz.checker.td3 import TD3CodeChecker
from PIL import Image, ImageOps

from smartbank.engines.ocr import OcrChar, estimate_skew, ocr_characters

LINE_LENGTH: Final = 44
MRZ_ALPHABET: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
MRZ_CONFIG: Final = (
    f"-c tessedit_char_whitelist={MRZ_ALPHABET} -c load_system_dawg=0 -c load_freq_dawg=0"
)
"""Tesseract options of every MRZ reading: the MRZ alphabet only, no dictionary words."""

BAND_WIDTH: Final = 1250
"""Width in pixels the page region is scaled to before the zone is located (about 25 px per
MRZ character on a data page that fills the image)."""

LINE_HEIGHT: Final = 48
"""Height in pixels a line is scaled to before it is read alone."""

CHECK_DIGITS: Final = (
    "document_number",
    "date_of_birth",
    "expiry_date",
    "optional_data",
    "composite",
)
"""The five check digits of a TD3 MRZ, in line order."""

# Position classes of line 2 (ICAO 9303 part 4 §4.2.2): "n" digit, "a" letter or <,
# "x" letter, digit or <.
_LINE1_FORMAT: Final = "x" + "a" * 43
_LINE2_FORMAT: Final = "x" * 9 + "n" + "a" * 3 + "n" * 7 + "a" + "n" * 7 + "x" * 14 + "n" * 2
_CHECK_SPANS: Final = {
    "document_number": ((0, 9), 9),
    "date_of_birth": ((13, 19), 19),
    "expiry_date": ((21, 27), 27),
    "optional_data": ((28, 42), 42),
}
_COMPOSITE_SPANS: Final = ((0, 10), (13, 20), (21, 43))
CHECK_SPANS: Final = _CHECK_SPANS
"""Each field's line 2 span (0-based, end exclusive) and its check digit's position."""
CHECK_DIGIT_POSITIONS: Final = {digit: name for name, (_, digit) in _CHECK_SPANS.items()}
"""Line 2 positions (0-based) of the fields' check digits: {9: "document_number", ...}."""

_TO_DIGIT: Final = str.maketrans(
    {"O": "0", "Q": "0", "D": "0", "U": "0", "C": "0", "I": "1", "L": "1", "J": "1",
     "Z": "2", "S": "5", "B": "8", "G": "6", "A": "4", "T": "7"}
)  # fmt: skip
_TO_LETTER: Final = str.maketrans(
    {"0": "O", "1": "I", "2": "Z", "4": "A", "5": "S", "6": "G", "8": "B", "7": "T"}
)
# Glyphs that print damage turns into each other: the candidates the check digits choose
# among.
_LOOK_ALIKES: Final = {
    "0": "869ODQ", "1": "74IL", "2": "7Z", "3": "85", "4": "1A", "5": "63S", "6": "580G",
    "7": "12T", "8": "3609B", "9": "80", "O": "0DQ", "D": "0O", "Q": "0O", "I": "1L",
    "L": "1I", "B": "8", "S": "5", "Z": "2", "G": "6C", "A": "4", "T": "7", "E": "F",
    "F": "E", "M": "N", "N": "MH", "H": "N", "U": "V", "V": "U", "C": "G", "K": "X",
    "X": "K", "P": "R", "R": "P",
}  # fmt: skip
# Letter/digit pairs the eng model cannot tell apart in a monospace or OCR-B face: in the
# document number and optional data (letters and digits alike) either may be printed.
_TWINS: Final = {
    "0": "OD", "O": "0", "D": "0", "Q": "0", "1": "I", "I": "1", "L": "1", "8": "B",
    "B": "8", "5": "S", "S": "5", "2": "Z", "Z": "2", "6": "G", "G": "6",
}  # fmt: skip
CORRECTABLE_BELOW: Final = 90.0
"""Characters read with a Tesseract confidence (0–100) below this may be any look-alike;
above it only the letter/digit twins are doubted."""
# A run of three chevrons ends the names (ICAO separates names by "<" and "<<" only), so one
# or two characters after it are specks of the filler.
_FILLER_SPECK_RE: Final = re.compile(r"(?<=<<<)[A-Z0-9]{1,2}(?=<|$)")


def _chevron_allowed(position: int) -> bool:
    """A ``<`` may stand at this position of line 2 (fillers; not a digit's place)."""
    return _LINE2_FORMAT[position] != "n" or position == 42


def failure_positions(failed: Sequence[str]) -> list[int]:
    """Line 2 positions that explain the ``failed`` check digits: each failing field's
    characters and check digit; the composite's own digit when it fails alone (a failing
    field explains a failing composite, which covers the fields' digits)."""
    positions: list[int] = []
    fields = [check for check in failed if check != "composite"]
    for check in fields or failed:
        if check == "composite":
            positions.append(43)
        else:
            (start, stop), digit = _CHECK_SPANS[check]
            positions += [*range(start, stop), digit]
    return positions


@dataclass(frozen=True)
class MrzReading:
    """One reading of the zone: two lines of 44 characters and a confidence per character.

    Attributes:
        pass_name: which reading: ``band``, ``lines``, ``band_otsu``, ``band_2x`` (``full_``
            prefixed when the zone was found only on the whole image).
        first, second: the lines (personal data: never log them).
        confidences: 88 Tesseract confidences (0–100), line 1's then line 2's; 0 for a slot
            nothing was read in.
        aligned: the characters' boxes spanned 44 slots of one pitch; False when the slot
            positions are a guess (the reading is then never a confident one).
        repairs: plain words for each repair ("line 2 position 44: Q→0", ...).
        ambiguous: the check digits fail, but several single substitutions would make them
            valid (:class:`Correction`): the reading is never a confident one.
        restored: line 2 positions where the check digits put a digit no reading showed
            (:class:`Correction`): the line is valid by arithmetic, not by sight.
        erased: those of ``restored`` where nothing legible was read (an empty slot, a ``<``
            where a digit must be), not another digit.
    """

    pass_name: str
    first: str
    second: str
    confidences: tuple[float, ...]
    aligned: bool = True
    repairs: tuple[str, ...] = ()
    ambiguous: bool = False
    restored: tuple[int, ...] = ()
    erased: tuple[int, ...] = ()

    @property
    def confidence(self) -> float:
        """Mean confidence of line 2's characters (the line the check digits cover)."""
        return round(sum(self.confidences[LINE_LENGTH:]) / LINE_LENGTH, 2)

    def field_confidence(self, check: str) -> float:
        """The lowest confidence among a checked field's characters (not its ``<``) and its
        check digit: ``check`` is one of CHECK_DIGITS but the composite."""
        (start, stop), digit = _CHECK_SPANS[check]
        scores = [
            self.confidences[LINE_LENGTH + p]
            for p in [*range(start, stop), digit]
            if self.second[p] != "<"
        ]
        return min(scores) if scores else 0.0

    def failure_confidence(self, failed: Sequence[str]) -> float:
        """How sure the reading is of the characters that fail the ``failed`` check digits:
        the lowest confidence among each failing field's characters and its check digit. A
        failing field explains a failing composite (which covers the fields' digits); the
        composite alone is judged by its own digit (a misread elsewhere would fail a field's
        digit too).
        ``<`` that Tesseract saw are left out; an empty slot counts 0. 0 when the slots are
        not aligned or the line is ambiguous; 100 when nothing fails."""
        if not failed:
            return 100.0
        if not self.aligned or self.ambiguous:
            return 0.0
        positions = failure_positions(failed)
        scores = [
            self.confidences[LINE_LENGTH + p]
            for p in positions
            if not (
                _chevron_allowed(p)
                and self.second[p] == "<"
                and self.confidences[LINE_LENGTH + p] > 0
            )
        ]
        return min(scores) if scores else 0.0


@dataclass(frozen=True)
class Mrz:
    """A TD3 MRZ parsed and checked (the ``mrz`` library's TD3CodeChecker).

    Dates are None when the six digits are no calendar date; ``*_text`` keep the YYMMDD as
    printed. ``check_digits`` maps each of CHECK_DIGITS to whether it is valid.
    ``country_valid`` / ``nationality_valid``: the code is one the library knows (ISO 3166-1
    alpha-3 and ICAO's additions such as ``D``, ``GBD``, ``UNO``). ``sex`` is M, F or X.
    """

    first: str
    second: str
    document_type: str
    issuing_country: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date_text: str
    date_of_birth: datetime.date | None
    sex: str
    expiry_text: str
    expiry: datetime.date | None
    optional_data: str
    check_digits: dict[str, bool]
    country_valid: bool
    nationality_valid: bool

    @property
    def valid(self) -> bool:
        """Every check digit is valid."""
        return all(self.check_digits.values())

    @property
    def failed_checks(self) -> list[str]:
        """The names of the check digits that fail, in line order."""
        return [name for name in CHECK_DIGITS if not self.check_digits[name]]

    @property
    def name(self) -> str:
        """Given names then surname, space-separated: "NEIL ARMSTRONG"."""
        return " ".join(part for part in (self.given_names, self.surname) if part)

    def to_dict(self) -> dict[str, object]:
        """JSON form for staff (the number in clear: mask it before storing)."""
        return {
            "document_type": self.document_type,
            "issuing_country": self.issuing_country,
            "surname": self.surname,
            "given_names": self.given_names,
            "document_number": self.document_number,
            "nationality": self.nationality,
            "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else None,
            "sex": self.sex,
            "expiry": self.expiry.isoformat() if self.expiry else None,
            "check_digits": dict(self.check_digits),
        }


@dataclass(frozen=True)
class MrzResult:
    """Every reading of a page's MRZ and the best-supported one.

    Attributes:
        mrz: the best reading parsed; None when no reading found two MRZ lines.
        reading: the reading it came from (None with ``mrz``).
        readings: every reading made, in order.
        confirmations: how many readings gave the consensus's line 2, the line the check
            digits cover, as voted (a ``<`` or ``0`` check digit of an empty optional data
            field counting as the same).
        name_confirmations: how many readings gave its line 1 (the names).
    """

    mrz: Mrz | None
    reading: MrzReading | None
    readings: list[MrzReading] = field(default_factory=list)
    confirmations: int = 0
    name_confirmations: int = 0

    @property
    def confidence(self) -> float | None:
        return self.reading.confidence if self.reading else None

    def failure_agreement(self) -> int:
        """How many readings read what the consensus reads at the characters that explain its
        failing check digits (:func:`failure_positions`); 0 without a parsed MRZ."""
        if self.mrz is None or self.reading is None:
            return 0
        positions = failure_positions(self.mrz.failed_checks)
        return sum(
            all(
                _canonical(reading.second)[p] == _canonical(self.reading.second)[p]
                for p in positions
            )
            for reading in self.readings
        )

    def passes(self) -> list[dict[str, object]]:
        """Per reading: its name, mean confidence and which check digits were valid."""
        found = []
        for reading in self.readings:
            checks = _check_digits(reading.second)
            found.append(
                {
                    "pass": reading.pass_name,
                    "mean_confidence": reading.confidence,
                    "valid_check_digits": [name for name in CHECK_DIGITS if checks[name]],
                }
            )
        return found


# --- the check digits and the repairs -------------------------------------------------------


def check_digit(text: str) -> str:
    """ICAO 9303 check digit of ``text`` (digits, A–Z, ``<``), by the ``mrz`` library."""
    return hash_string(text)


# Days in each month of a leap year: a YYMMDD whose century the MRZ leaves open.
_MONTH_DAYS: Final = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _well_formed(name: str, value: str) -> bool:
    """A field fit for its check digit: dates six digits of a calendar date (YYMMDD, ICAO 9303
    part 4 §4.2.2: month 01–12, a day of that month; a check digit that holds on "276900" is
    a misread, and the check digits must not choose it), the number's filler only at its end
    (``<`` counts 0 in the arithmetic, so an unread digit 0 would otherwise pass)."""
    if name in ("date_of_birth", "expiry_date"):
        if not (len(value) == 6 and value.isdigit()):
            return False
        month, day = int(value[2:4]), int(value[4:6])
        return 1 <= month <= 12 and 1 <= day <= _MONTH_DAYS[month - 1]
    if name == "document_number":
        return bool(value.rstrip("<")) and "<" not in value.rstrip("<")
    return True


def _check_digits(second: str) -> dict[str, bool]:
    results = {}
    for name, ((start, stop), position) in _CHECK_SPANS.items():
        digit, value = second[position], second[start:stop]
        if name == "optional_data" and set(value) == {"<"} and digit in "<0":
            results[name] = True
        else:
            results[name] = (
                digit.isdigit() and _well_formed(name, value) and check_digit(value) == digit
            )
    composite = "".join(second[start:stop] for start, stop in _COMPOSITE_SPANS)
    results["composite"] = second[43].isdigit() and check_digit(composite) == second[43]
    return results


def _fix_by_position(line: str, formats: str, line_number: int) -> tuple[str, list[str]]:
    fixed, repairs = [], []
    for position, (char, kind) in enumerate(zip(line, formats, strict=True)):
        new = char
        if kind == "n" and not char.isdigit() and not (position == 42 and char == "<"):
            new = char.translate(_TO_DIGIT)
        elif kind == "a" and char.isdigit():
            new = char.translate(_TO_LETTER)
        if new != char:
            repairs.append(f"line {line_number} position {position + 1}: {char}→{new}")
        fixed.append(new)
    return "".join(fixed), repairs


def repair_lines(first: str, second: str) -> tuple[str, str, list[str]]:
    """Two 44-character MRZ lines repaired by position: letters in numeric positions become
    digits, digits in alphabetic ones letters, specks in line 1's filler ``<``. Returns
    ``(first, second, repairs)``.

    Raises:
        ValueError: a line is not 44 characters.
    """
    if len(first) != LINE_LENGTH or len(second) != LINE_LENGTH:
        raise ValueError("MRZ lines must be 44 characters")
    repairs: list[str] = []
    despeckled = _FILLER_SPECK_RE.sub(lambda match: "<" * len(match.group()), first)
    if despeckled != first:
        repairs.append("line 1: specks in the filler read as <")
    fixed_first, found = _fix_by_position(despeckled, _LINE1_FORMAT, 1)
    repairs += found
    fixed_second, found = _fix_by_position(second, _LINE2_FORMAT, 2)
    repairs += found
    return fixed_first, fixed_second, repairs


@dataclass(frozen=True)
class Correction:
    """What the check digits made of line 2 (:func:`correct_line`).

    Attributes:
        line: the line, corrected when exactly one candidate made every check digit valid.
        repair: plain words for that correction, None when nothing was changed.
        ambiguous: several different candidates made every check digit valid, so the line
            as read proves nothing (it is left unchanged).
        restored: line 2 positions (0-based) where the correction put a digit the reading
            did not show: where nothing legible was read (an empty slot, a ``<`` where a
            digit must be), or over another digit (a 1 read for a 4). The check digits'
            arithmetic supplied them, which is also what a tampered digit would look like;
            the letter/digit twins (O/0, I/1...) are not counted.
        erased: those of ``restored`` where nothing legible was read.
    """

    line: str
    repair: str | None = None
    ambiguous: bool = False
    restored: tuple[int, ...] = ()
    erased: tuple[int, ...] = ()


def _unread(char: str, kind: str, confidence: float, position: int) -> bool:
    """Nothing legible was read in this slot of line 2."""
    return confidence <= 0 or (char == "<" and kind == "n" and position != 42)


def _candidates(char: str, kind: str, confidence: float, position: int) -> str:
    """The characters a slot may hold instead of ``char``: in letter-or-digit positions the
    twins OCR cannot tell apart (O/0, I/1, B/8...) whatever the confidence; other look-alikes
    only below CORRECTABLE_BELOW; anything of the position's kind in an empty slot, or for a
    ``<`` where a digit must be (a digit merged into a chevron run)."""
    if _unread(char, kind, confidence, position):
        pool = {"n": "0123456789", "a": "ABCDEFGHIJKLMNOPQRSTUVWXYZ<"}.get(kind, MRZ_ALPHABET)
        return pool.replace(char, "")
    found = _TWINS.get(char, "") if kind == "x" else ""
    if confidence < CORRECTABLE_BELOW:
        found += _LOOK_ALIKES.get(char, "")
    if kind == "n":
        found = "".join(c for c in found if c.isdigit())
    elif kind == "a":
        found = "".join(c for c in found if not c.isdigit())
    return "".join(dict.fromkeys(found))


MAX_COMBINATIONS: Final = 500
"""At most this many combinations of per-field corrections are tried against the composite."""


def _substitutions(
    line: str, scores: Sequence[float], positions: Sequence[int]
) -> list[tuple[int, str, str]]:
    """Every single substitution of ``line`` at ``positions``: (position, new character,
    words of the repair)."""
    found = []
    for position in positions:
        char = line[position]
        for other in _candidates(char, _LINE2_FORMAT[position], scores[position], position):
            found.append((position, other, f"line 2 position {position + 1}: {char}→{other}"))
    return found


def _substituted(line: str, changes: Sequence[tuple[int, str, str]]) -> str:
    chars = list(line)
    for position, char, _ in changes:
        chars[position] = char
    return "".join(chars)


def correct_line(second: str, confidences: Sequence[float] | None = None) -> Correction:
    """Let the check digits choose among substitutions of line 2, one per failing field.

    ``confidences`` (44, 0–100, default all 100) say which characters may be wrong (see
    :func:`_candidates`). Each failing field's single substitutions (in the field or its
    check digit) that make its own check digit valid are combined; a combination counts when
    every check digit, the composite included, is then valid. When only the composite fails,
    single substitutions anywhere in the line are tried. Returns the line unchanged when it
    is valid or nothing counts, corrected when exactly one combination counts, and flagged
    ``ambiguous`` when several do.
    """
    checks = _check_digits(second)
    if all(checks.values()):
        return Correction(second)
    scores = list(confidences) if confidences is not None else [100.0] * LINE_LENGTH
    failing = [name for name in _CHECK_SPANS if not checks[name]]
    if failing:
        # One substitution per failing field that makes its own check digit valid.
        combinations: list[list[tuple[int, str, str]]] = [[]]
        for name in failing:
            (start, stop), digit = _CHECK_SPANS[name]
            fixes = [
                change
                for change in _substitutions(second, scores, [*range(start, stop), digit])
                if _check_digits(_substituted(second, [change]))[name]
            ]
            if not fixes:
                return Correction(second)
            combinations = [[*done, fix] for done in combinations for fix in fixes]
            if len(combinations) > MAX_COMBINATIONS:
                return Correction(second, ambiguous=True)
    else:
        combinations = [[change] for change in _substitutions(second, scores, range(LINE_LENGTH))]
    found = {}
    for combination in combinations:
        line = _substituted(second, combination)
        if all(_check_digits(line).values()):
            found[line] = "; ".join(repair for _, _, repair in combination)
    if len(found) > 1:
        return Correction(second, ambiguous=True)
    if not found:
        return Correction(second)
    ((candidate, repair),) = found.items()
    restored = tuple(
        position
        for position, (before, after) in enumerate(zip(second, candidate, strict=True))
        if before != after
        and (
            _unread(before, _LINE2_FORMAT[position], scores[position], position)
            or (before.isdigit() and after.isdigit())
        )
    )
    erased = tuple(
        position
        for position in restored
        if _unread(second[position], _LINE2_FORMAT[position], scores[position], position)
    )
    return Correction(candidate, f"{repair} (check digits)", restored=restored, erased=erased)


_VIZ_DATE_RE: Final = re.compile(r"\b(\d{2})\s?[/.\-]\s?(\d{2})\s?[/.\-]\s?(\d{4})\b")
_VIZ_NUMBER_RE: Final = re.compile(r"\b(?=[A-Z0-9]*[0-9])[A-Z0-9]{6,9}\b")
_VIZ_MISREAD: Final = 2
"""At most this many characters of an MRZ field may differ from the visual zone's value for
the difference to be a misread (:func:`viz_repair`); more is another value."""


def viz_repair(second: str, failed: Sequence[str], viz_text: str) -> str | None:
    """Line 2 with one failing field replaced by a value the visual zone prints, when that
    makes every check digit valid; None when no value of the page does.

    The visual zone prints the MRZ's data a second time in other glyphs (ICAO 9303 part 4:
    zones I-V of the data page, the MRZ being zone VII): its DD/MM/YYYY dates stand for the
    birth and expiry dates (YYMMDD), its runs of 6–9 letters and digits for the document
    number. A check digit that fails on
    the MRZ as read but holds with the value the visual zone shows is a misread of the MRZ
    (the readings of one image share their misreads), not a tampered zone: a digit changed
    in the MRZ alone leaves the visual zone's value failing as well. Only values that differ
    from the MRZ's field in one or two characters count (a misread, not another field's
    date: the expiry put in the birth date's place can hold by chance). ``failed`` are the
    failing check digits (:attr:`Mrz.failed_checks`); ``viz_text`` a reading of the page
    (its lines with a ``<``, the MRZ's, are left out).
    """
    viz_text = "\n".join(line for line in viz_text.splitlines() if "<" not in line)
    dates = {f"{year[2:]}{month}{day}" for day, month, year in _VIZ_DATE_RE.findall(viz_text)}
    numbers = {n.ljust(9, "<") for n in _VIZ_NUMBER_RE.findall(viz_text.upper()) if len(n) <= 9}
    for name in failed:
        if name not in ("document_number", "date_of_birth", "expiry_date"):
            continue
        (start, stop), _ = _CHECK_SPANS[name]
        values = numbers if name == "document_number" else dates
        read = second[start:stop]
        for value in sorted(values):
            if not 0 < sum(x != y for x, y in zip(value, read, strict=True)) <= _VIZ_MISREAD:
                continue  # the same value, or another field's (the expiry for the birth date)
            line = second[:start] + value + second[stop:]
            if all(_check_digits(line).values()):
                return line
    return None


def claim_repair(second: str, failed: Sequence[str], entered: dict[str, str]) -> str | None:
    """Line 2 with each failing field replaced by the customer's entered value, when every
    check digit (the composite included) then holds; None otherwise.

    ``entered`` maps ``document_number`` (padded with ``<`` to 9), ``date_of_birth`` and
    ``expiry_date`` (YYMMDD) to what the customer entered. A field's check digit catches
    every single changed digit (ICAO 9303 part 3 §4.9, weights 7-3-1), so an entered value
    one or two characters off the reading (``_VIZ_MISREAD``) that satisfies both its own
    check digit and the composite, both as read, is the value printed: the reading was off
    (a "7" read as "0" in a monospace MRZ). A value changed in the MRZ by a forger fails
    with the entered value too, unless the customer enters the original value, which is
    then what is checked. Only the fields' check digits may fail, not the composite alone.
    """
    fields = [name for name in failed if name != "composite"]
    if not fields:
        return None
    line = second
    for name in fields:
        value = entered.get(name)
        (start, stop), _ = _CHECK_SPANS.get(name, ((0, 0), 0))
        if not value or stop == 0 or len(value) != stop - start:
            return None
        if (
            not 0
            < sum(x != y for x, y in zip(value, line[start:stop], strict=True))
            <= _VIZ_MISREAD
        ):
            return None
        line = line[:start] + value + line[stop:]
    return line if all(_check_digits(line).values()) else None


def _mrz_date(text: str, *, birth: bool, today: datetime.date) -> datetime.date | None:
    """YYMMDD as a date: a birth date in the century that puts it in the past, an expiry in
    2000–2099 unless that is over 50 years ahead (ICAO leaves the century to the reader)."""
    if not re.fullmatch(r"[0-9]{6}", text):
        return None
    year, month, day = int(text[:2]), int(text[2:4]), int(text[4:])
    century = 2000
    if (birth and 2000 + year > today.year) or (not birth and 2000 + year > today.year + 50):
        century = 1900
    try:
        found = datetime.date(century + year, month, day)
    except ValueError:
        return None
    if birth and found > today:
        found = found.replace(year=found.year - 100)
    return found


def _names(first: str, surname: str, given: str) -> tuple[str, str]:
    """(surname, given names) of line 1, space-separated: the library's, or, where it has
    none, line 1's name field split at its first ``<<`` (ICAO 9303 part 4 §4.2.2: the primary
    identifier, ``<<``, the secondary identifier, components separated by ``<``). The library
    answers the string "None" for both when the field splits into an empty part, as a
    chevron run read inside the names ("QURESHI<<<<HABANA") does: a misread, not a name."""
    if surname != "None":
        return " ".join(surname.split()), " ".join(given.split())
    primary, _, secondary = first[5:].rstrip("<").partition("<<")
    return " ".join(primary.replace("<", " ").split()), " ".join(
        secondary.replace("<", " ").split()
    )


def parse_td3(first: str, second: str, *, today: datetime.date | None = None) -> Mrz | None:
    """Parse and check two 44-character lines with the ``mrz`` library's TD3CodeChecker.

    ``today`` (default: the system date) sets the birth date's century. Returns None when the
    library refuses the text (wrong length or characters).
    """
    today = today or datetime.date.today()
    try:
        checker = TD3CodeChecker(f"{first}\n{second}")
        fields = checker.fields()
        country_valid = bool(checker.country)
        nationality_valid = bool(checker.nationality)
    except Exception:  # noqa: BLE001 - the library raises its own error types and ValueError
        return None
    library = {
        "document_number": bool(checker.document_number_hash),
        "date_of_birth": bool(checker.birth_date_hash),
        "expiry_date": bool(checker.expiry_date_hash),
        "optional_data": bool(checker.optional_data_hash),
        "composite": bool(checker.final_hash),
    }
    # The library's check digits, and the fields well formed (see _well_formed).
    formed = {
        name: _well_formed(name, second[start:stop])
        for name, ((start, stop), _) in _CHECK_SPANS.items()
    }
    checks = {name: library[name] and formed.get(name, True) for name in CHECK_DIGITS}
    surname, given_names = _names(first, fields.surname, fields.name)
    return Mrz(
        first=first,
        second=second,
        document_type=first[0:2].rstrip("<"),
        issuing_country=first[2:5].rstrip("<"),
        surname=surname,
        given_names=given_names,
        document_number=second[0:9].rstrip("<"),
        nationality=second[10:13].rstrip("<"),
        birth_date_text=second[13:19],
        date_of_birth=_mrz_date(second[13:19], birth=True, today=today),
        sex=second[20].replace("<", "X"),
        expiry_text=second[21:27],
        expiry=_mrz_date(second[21:27], birth=False, today=today),
        optional_data=second[28:42].rstrip("<"),
        check_digits=checks,
        country_valid=country_valid,
        nationality_valid=nationality_valid,
    )


# --- characters into slots ---------------------------------------------------------------------


def _centre(char: OcrChar) -> float:
    return (char.box[0] + char.box[2]) / 2


def _slot_of(
    steps: Sequence[tuple[float, float]], left: float, right: float
) -> Callable[[float], float]:
    """x → slot position (0 at ``left``, 44 at ``right``) for a pitch that changes linearly
    along the line, fitted to ``steps`` (``(x, distance to the next glyph)`` of neighbouring
    glyphs). A page photographed at an angle is a plane in perspective: its scale changes
    along the line, a few per cent from one end to the other, which a single pitch turns
    into a whole slot's error by mid-line. With a pitch ``a + b·x`` the slot position is its
    integral, ``ln((a + b·x) / (a + b·left)) / b``, scaled so that the extent is 44 slots;
    ``b`` = 0 (a flat scan) is the even pitch of ``(right - left) / 44``."""
    even = (right - left) / LINE_LENGTH

    def uniform(x: float) -> float:
        return (x - left) / even

    if len(steps) < 10 or right <= left:
        return uniform
    xs = np.array([x for x, _ in steps], dtype=np.float64)
    ys = np.array([step for _, step in steps], dtype=np.float64)
    if float(np.ptp(xs)) <= 0:
        return uniform
    slope, intercept = (float(v) for v in np.polyfit(xs, ys, 1))
    start, end = intercept + slope * left, intercept + slope * right
    if abs(slope) < 1e-9 or min(start, end) <= 0:
        return uniform
    total = math.log(end / start) / slope

    def graded(x: float) -> float:
        pitch = max(intercept + slope * x, 1e-6)
        return LINE_LENGTH * (math.log(pitch / start) / slope) / total

    return graded


def align(lines: Sequence[Sequence[OcrChar]]) -> tuple[list[str], list[float], bool]:
    """Place two lines' characters in their 44 slots by their boxes (the MRZ is monospaced
    and both lines start and end at the same x).

    The pitch is the two lines' common extent over 44 when it agrees (within 6 %) with the
    median distance between neighbouring glyphs, else that median. When the extent agrees,
    the pitch may change linearly along the lines, fitted to the neighbouring glyphs'
    distances (:func:`_slot_of`: a page photographed at an angle). A box wider than one and
    a half pitches (a merged chevron run) fills every slot it covers; two characters in one
    slot keep the more confident. Returns ``([line 1, line 2], 88 confidences, aligned)``,
    ``aligned`` False when the extent disagrees with the glyph pitch.
    """
    chars = [char for line in lines for char in line]
    left = min(char.box[0] for char in chars)
    right = max(char.box[2] for char in chars)
    extent_pitch = (right - left) / LINE_LENGTH
    steps: list[tuple[float, float]] = []
    for line in lines:
        ordered = sorted(line, key=_centre)
        for a, b in zip(ordered, ordered[1:], strict=False):
            step = _centre(b) - _centre(a)
            narrow = max(a.box[2] - a.box[0], b.box[2] - b.box[0]) < 1.5 * extent_pitch
            if narrow and 0.6 * extent_pitch < step < 1.5 * extent_pitch:
                steps.append(((_centre(a) + _centre(b)) / 2, step))
    glyph_pitch = statistics.median(step for _, step in steps) if steps else extent_pitch
    aligned = abs(extent_pitch - glyph_pitch) <= 0.06 * glyph_pitch
    pitch = extent_pitch if aligned else glyph_pitch
    if aligned:
        slot_of = _slot_of(steps, left, right)
    else:

        def slot_of(x: float) -> float:
            return (x - left) / pitch

    texts, confidences = [], []
    for line in lines:
        slots: list[tuple[str, float] | None] = [None] * LINE_LENGTH
        for char in line:
            width = char.box[2] - char.box[0]
            if width > 1.5 * pitch:
                first = round(slot_of(char.box[0]))
                last = round(slot_of(char.box[2])) - 1
                covered = range(max(0, first), min(LINE_LENGTH - 1, last) + 1)
            else:
                slot = int(slot_of(_centre(char)))
                covered = range(slot, slot + 1) if 0 <= slot < LINE_LENGTH else range(0)
            for slot in covered:
                held = slots[slot]
                if held is None or char.confidence > held[1]:
                    slots[slot] = (char.text, char.confidence)
        texts.append("".join(held[0] if held else "<" for held in slots))
        confidences += [held[1] if held else 0.0 for held in slots]
    return texts, confidences, aligned


# --- locating and reading the zone ----------------------------------------------------------------


def _mrz_likeness(line: Sequence[OcrChar]) -> float:
    text = "".join(char.text for char in line)
    if len(text) < 20:
        return 0.0
    return min(text.count("<"), 12) + 10 - abs(len(text) - LINE_LENGTH) / 4


def _mrz_pair(lines: list[list[OcrChar]]) -> list[list[OcrChar]] | None:
    """The two adjacent lines most like MRZ lines (one of them with a ``<``), or None."""
    best: tuple[float, int] | None = None
    for index in range(len(lines) - 1):
        first, second = lines[index], lines[index + 1]
        scores = _mrz_likeness(first), _mrz_likeness(second)
        if min(scores) <= 0 or not any(char.text == "<" for char in [*first, *second]):
            continue
        if best is None or sum(scores) > best[0]:
            best = (sum(scores), index)
    return None if best is None else lines[best[1] : best[1] + 2]


def _scaled(gray: Image.Image, width: int) -> Image.Image:
    if abs(gray.width - width) <= width * 0.05:
        return gray
    height = max(1, round(gray.height * width / gray.width))
    return gray.resize((width, height), Image.Resampling.LANCZOS)


def _otsu(gray: Image.Image) -> Image.Image:
    from skimage.filters import threshold_otsu

    pixels = np.asarray(gray, dtype=np.uint8)
    ink = pixels < threshold_otsu(pixels)
    return Image.fromarray(np.where(ink, 0, 255).astype(np.uint8), "L")


def _deskewed(gray: Image.Image) -> Image.Image:
    angle = estimate_skew(gray)
    if abs(angle) < 0.3:
        return gray
    return gray.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)


def _reading(pass_name: str, pair: Sequence[Sequence[OcrChar]]) -> MrzReading:
    """One reading's characters in their slots, repaired by position (not yet corrected by
    the check digits: that is done on the readings' consensus)."""
    (first, second), confidences, aligned = align(pair)
    first, second, repairs = repair_lines(first, second)
    return MrzReading(pass_name, first, second, tuple(confidences), aligned, tuple(repairs))


def _box(line: Sequence[OcrChar]) -> tuple[int, int, int, int]:
    return (
        min(char.box[0] for char in line),
        min(char.box[1] for char in line),
        max(char.box[2] for char in line),
        max(char.box[3] for char in line),
    )


@dataclass(frozen=True)
class _Zone:
    """The located zone: the deskewed grey crop and its two line boxes in the crop."""

    band: Image.Image
    boxes: tuple[tuple[int, int, int, int], ...]
    prefix: str


def _locate(image: Image.Image) -> tuple[_Zone | None, MrzReading | None]:
    """The zone in the bottom half of the page, else anywhere on the image, with the
    locating reading itself (``band``)."""
    gray = ImageOps.autocontrast(ImageOps.grayscale(image), cutoff=1)
    regions = (("", gray.crop((0, gray.height // 2, gray.width, gray.height))), ("full_", gray))
    for prefix, region in regions:
        band = _deskewed(_scaled(region, BAND_WIDTH))
        lines = ocr_characters(band, config=f"--oem 1 --psm {3 if prefix else 6} {MRZ_CONFIG}")
        pair = _mrz_pair(lines)
        if pair is None:
            continue
        boxes = [_box(line) for line in pair]
        height = max(box[3] - box[1] for box in boxes)
        top = max(0, boxes[0][1] - height)
        bottom = min(band.height, boxes[1][3] + height)
        left = max(0, min(box[0] for box in boxes) - height)
        right = min(band.width, max(box[2] for box in boxes) + height)
        crop = band.crop((left, top, right, bottom))
        shifted = tuple((b[0] - left, b[1] - top, b[2] - left, b[3] - top) for b in boxes)
        return _Zone(crop, shifted, prefix), _reading(f"{prefix}band", pair)
    return None, None


def _band_reading(name: str, image: Image.Image) -> MrzReading | None:
    pair = _mrz_pair(ocr_characters(image, config=f"--oem 1 --psm 6 {MRZ_CONFIG}"))
    return _reading(name, pair) if pair is not None else None


def _lines_reading(zone: _Zone) -> MrzReading | None:
    """Each line read alone (psm 7), cropped across the zone's whole width and scaled by one
    factor, so that both lines keep a common x."""
    height = max(box[3] - box[1] for box in zone.boxes)
    scale = LINE_HEIGHT / max(1, height)
    pair = []
    for _, top, _, bottom in zone.boxes:
        pad = max(6, height // 3)
        crop = zone.band.crop(
            (0, max(0, top - pad), zone.band.width, min(zone.band.height, bottom + pad))
        )
        crop = crop.resize(
            (max(1, round(crop.width * scale)), max(1, round(crop.height * scale))),
            Image.Resampling.LANCZOS,
        )
        lines = ocr_characters(_otsu(crop), config=f"--oem 1 --psm 7 {MRZ_CONFIG}")
        chars = [char for line in lines for char in line]
        if len(chars) < 20:
            return None
        pair.append(chars)
    return _reading(f"{zone.prefix}lines", pair)


def _further_readings(zone: _Zone) -> list[Callable[[], MrzReading | None]]:
    return [
        lambda: _lines_reading(zone),
        lambda: _band_reading(f"{zone.prefix}band_otsu", _otsu(zone.band)),
        lambda: _band_reading(f"{zone.prefix}band_2x", _scaled(zone.band, zone.band.width * 2)),
    ]


def _canonical(second: str) -> str:
    # An empty optional data field's check digit may be printed "<" or "0".
    if second[28:42] == "<" * 14 and second[42] == "0":
        return second[:42] + "<" + second[43:]
    return second


def _vote(readings: Sequence[MrzReading]) -> MrzReading:
    """The readings' vote, slot by slot: each slot takes the character most readings gave
    (the higher total confidence on a tie) at the mean confidence of the readings that gave
    it, or 0 when they are not a majority of all the readings (a slot the readings disagree
    on is doubted)."""
    if len(readings) == 1:
        return readings[0]
    chars: list[str] = []
    scores: list[float] = []
    texts = [reading.first + reading.second for reading in readings]
    for slot in range(2 * LINE_LENGTH):
        votes: dict[str, list[float]] = {}
        for text, reading in zip(texts, readings, strict=True):
            votes.setdefault(text[slot], []).append(reading.confidences[slot])
        position = slot - LINE_LENGTH
        if position >= 0 and not _chevron_allowed(position) and len(votes) > 1:
            # A "<" where a digit must be is a digit not read: it does not outvote one read.
            votes.pop("<", None)
        winner = max(votes, key=lambda char: (len(votes[char]), sum(votes[char])))
        agreeing = votes[winner]
        chars.append(winner)
        # Of every reading, the fillers set aside included: a digit one reading of four saw
        # where three saw none is doubted, not confirmed (a "7" read as "<", "<", "J", "<").
        majority = 2 * len(agreeing) > len(readings)
        scores.append(round(sum(agreeing) / len(agreeing), 2) if majority else 0.0)
    text = "".join(chars)
    return MrzReading(
        f"consensus of {len(readings)}",
        text[:LINE_LENGTH],
        text[LINE_LENGTH:],
        tuple(scores),
        aligned=2 * sum(reading.aligned for reading in readings) > len(readings),
        repairs=tuple(dict.fromkeys(r for reading in readings for r in reading.repairs)),
    )


def consensus(readings: Sequence[MrzReading]) -> MrzReading:
    """The readings' slot-by-slot vote, then corrected by the check digits
    (:func:`correct_line`). A single reading is its own vote; several are named
    ``consensus of N``.

    Raises:
        ValueError: no readings.
    """
    if not readings:
        raise ValueError("no MRZ readings")
    voted = _vote(readings)
    correction = correct_line(voted.second, voted.confidences[LINE_LENGTH:])
    repairs = voted.repairs + ((correction.repair,) if correction.repair else ())
    return replace(
        voted,
        second=correction.line,
        repairs=repairs,
        ambiguous=correction.ambiguous,
        restored=correction.restored,
        erased=correction.erased,
    )


def result_of(readings: Sequence[MrzReading], *, today: datetime.date | None = None) -> MrzResult:
    """The readings' consensus parsed, and how many readings gave each of its lines as voted
    (before the check digits corrected them)."""
    if not readings:
        return MrzResult(None, None, [], 0)
    voted = _vote(readings)
    final = consensus(readings)
    return MrzResult(
        parse_td3(final.first, final.second, today=today),
        final,
        list(readings),
        sum(_canonical(reading.second) == _canonical(voted.second) for reading in readings),
        sum(reading.first == voted.first for reading in readings),
    )


Settled = Callable[[MrzResult], bool]


def _valid(result: MrzResult) -> bool:
    """Every check digit valid, and by sight: a restored character asks for another reading."""
    return (
        result.mrz is not None
        and result.mrz.valid
        and result.reading is not None
        and not result.reading.restored
    )


def read_mrz(
    image: Image.Image, *, today: datetime.date | None = None, settled: Settled = _valid
) -> MrzResult:
    """Locate and read the MRZ of a passport data page (see the module docstring).

    Readings go on until ``settled(result)`` (default: every check digit valid) or they run
    out; the claim checks ask for a second reading when a field disagrees with the claim.
    ``today`` (default: the system date) sets the birth date's century.

    Raises:
        smartbank.engines.ocr.OcrEngineError: Tesseract missing, failing or timing out.
    """
    zone, first = _locate(image)
    readings = [first] if first is not None else []
    result = result_of(readings, today=today)
    if zone is None:
        return result
    for make in _further_readings(zone):
        if settled(result):
            break
        reading = make()
        if reading is not None:
            readings.append(reading)
            result = result_of(readings, today=today)
    return result
