"""Claim-guided checks: does the card say what the customer told us? (issue 8 §1–2)

The customer states a name, a date of birth and an ID number; each is searched for in one OCR
reading of the card, and the card's own fields (read blind) decide only when the claim is not
there. No ORM, no OCR call.

Support levels, strongest first, and what the pipeline makes of them:
- ``MATCH``: the claim is printed (name within Levenshtein 2, seed 003) → passes.
- ``WEAK``: a weaker agreement (initials against words, another word order, a word more or
  less, a year of birth only) → staff review.
- ``CONTRADICTED``: the card confidently shows another value (another person's name, another
  checksum-valid number, another date) → rejection, once confirmed by a second reading.
- ``DIFFERS``: the card shows something else, but it could be a misread (low confidence, a
  single look-alike character, a near name) → staff review.
- ``NOT_FOUND``: nothing of the kind was read → staff review.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import Any, Final

from smartbank.engines.ocr import OcrResult

from . import aadhaar, dates, names, numbers, pan
from .extracted import ExtractedId
from .lines import lines_of

MATCH: Final = "MATCH"
WEAK: Final = "WEAK"
CONTRADICTED: Final = "CONTRADICTED"
DIFFERS: Final = "DIFFERS"
NOT_FOUND: Final = "NOT_FOUND"
SUPPORT_ORDER: Final = (MATCH, WEAK, CONTRADICTED, DIFFERS, NOT_FOUND)

FIELDS: Final = ("name", "date_of_birth", "id_number")

NAME_CONTRADICTION_SIMILARITY: Final = 0.6
"""A card name counts as another person's only when its normalised Levenshtein similarity to
the claim is below this (0–1); closer names are possible misreads and go to staff."""

_WEAK_NAME_CODES: Final = {
    names.INITIALS: "NAME_INITIALS_ONLY",
    names.ORDER: "NAME_ORDER_DIFFERS",
    names.PARTIAL: "NAME_PARTIAL",
}


@dataclass(frozen=True)
class Claim:
    """What the customer stated: ``id_number`` normalised (see numbers.normalise_id_number)."""

    id_type: str
    full_name: str
    date_of_birth: datetime.date
    id_number: str


@dataclass(frozen=True)
class FieldCheck:
    """The evidence one reading of the card gives about one claimed field.

    Attributes:
        field: "name", "date_of_birth" or "id_number".
        support: one of MATCH, WEAK, CONTRADICTED, DIFFERS, NOT_FOUND.
        code: a stable reason code when support is not MATCH (``NAME_INITIALS_ONLY``,
            ``DOB_MISMATCH``...), else "".
        read: what the card shows: the name span as read, the date as ISO "YYYY-MM-DD" (or the
            year), the number in clear — personal data: mask numbers before storing or showing.
        confidence: mean Tesseract confidence (0–100) of the words read, None when unknown.
        distance: name only: Levenshtein distance of the span to the claim.
        pass_name: the OCR reading the evidence came from (see smartbank.engines.ocr.OCR_VARIANTS).
        confirmations: how many readings agreed on this evidence (1 for a single reading).
        value: the field as established: for a name read equal to the claim up to OCR
            look-alikes (l/I/1, rn/m, O/0: distance 0) the claimed spelling, else ``read``.
    """

    field: str
    support: str
    code: str = ""
    read: str | None = None
    confidence: float | None = None
    distance: int | None = None
    pass_name: str = ""
    confirmations: int = 1
    value: str | None = None

    def __post_init__(self) -> None:
        if self.value is None:
            object.__setattr__(self, "value", self.read)

    def to_dict(self, *, id_type: str) -> dict[str, Any]:
        """JSON form for staff, the number masked."""
        read = self.read
        if self.field == "id_number" and read:
            read = numbers.mask_id_number(id_type, read)
        return {
            "support": self.support,
            "code": self.code,
            "read": read,
            "confidence": self.confidence,
            "distance": self.distance,
            "pass": self.pass_name,
            "confirmations": self.confirmations,
        }


@dataclass(frozen=True)
class ClaimReading:
    """One OCR reading of a card checked against the claim: a FieldCheck per field and the
    fields read blind."""

    pass_name: str
    fields: dict[str, FieldCheck]
    extracted: ExtractedId
    ocr: OcrResult


def _confident(confidence: float | None, low_confidence: float) -> bool:
    return confidence is not None and confidence >= low_confidence


def _name_check(
    claim: Claim, extracted: ExtractedId, lines: list, low_confidence: float
) -> FieldCheck:
    if claim.id_type == numbers.PAN:
        skip = frozenset({extracted.father_line} - {None, extracted.name_line})
    else:
        skip = aadhaar.relative_lines(lines)
    span = names.find_name_span(claim.full_name, lines, skip_lines=skip)
    if span is not None and span.kind == names.EXACT:
        value = claim.full_name if span.distance == 0 else span.text
        return FieldCheck("name", MATCH, "", span.text, span.confidence, span.distance, value=value)
    if span is not None:
        return FieldCheck(
            "name", WEAK, _WEAK_NAME_CODES[span.kind], span.text, span.confidence, span.distance
        )
    if not extracted.name:
        return FieldCheck("name", NOT_FOUND, "NAME_NOT_READ")
    confidence = extracted.confidence.get("name")
    distance = names.name_distance(extracted.name, claim.full_name)
    other_person = (
        names.name_similarity(extracted.name, claim.full_name) < NAME_CONTRADICTION_SIMILARITY
    )
    if other_person and _confident(confidence, low_confidence):
        return FieldCheck(
            "name", CONTRADICTED, "NAME_MISMATCH", extracted.name, confidence, distance
        )
    return FieldCheck("name", DIFFERS, "NAME_UNCERTAIN", extracted.name, confidence, distance)


def _date_check(claim: Claim, lines: list, low_confidence: float) -> FieldCheck:
    evidence = dates.match_birth_date(claim.date_of_birth, lines)
    found = evidence.found
    if evidence.kind is None or found is None:
        return FieldCheck("date_of_birth", NOT_FOUND, "DOB_NOT_READ")
    read = found.date.isoformat() if found.date else str(found.year)
    if evidence.kind == dates.EXACT:
        return FieldCheck("date_of_birth", MATCH, "", read, found.confidence)
    if evidence.kind == dates.YEAR_ONLY:
        return FieldCheck("date_of_birth", WEAK, "YEAR_OF_BIRTH_ONLY", read, found.confidence)
    if evidence.misread_possible or not _confident(found.confidence, low_confidence):
        return FieldCheck("date_of_birth", DIFFERS, "DOB_UNCERTAIN", read, found.confidence)
    return FieldCheck("date_of_birth", CONTRADICTED, "DOB_MISMATCH", read, found.confidence)


def _number_check(claim: Claim, lines: list, low_confidence: float) -> FieldCheck:
    evidence = numbers.match_id_number(claim.id_type, claim.id_number, lines)
    found = evidence.found
    if evidence.kind is None or found is None:
        return FieldCheck("id_number", NOT_FOUND, "ID_NUMBER_NOT_READ")
    if evidence.kind == numbers.EXACT:
        return FieldCheck("id_number", MATCH, "", found.value, found.confidence)
    if evidence.kind == numbers.CONTRADICTED and _confident(found.confidence, low_confidence):
        return FieldCheck(
            "id_number", CONTRADICTED, "ID_NUMBER_MISMATCH", found.value, found.confidence
        )
    return FieldCheck("id_number", DIFFERS, "ID_NUMBER_UNCERTAIN", found.value, found.confidence)


def blind_extract(id_type: str, ocr: OcrResult) -> ExtractedId:
    """The card's fields read without the claim (Aadhaar or PAN reader by ``id_type``)."""
    return aadhaar.extract_aadhaar(ocr) if id_type == numbers.AADHAAR else pan.extract_pan(ocr)


def check_claim(
    claim: Claim, ocr: OcrResult, *, pass_name: str = "", low_confidence: float = 60.0
) -> ClaimReading:
    """Check each claimed field against one OCR reading of the card.

    ``low_confidence`` (0–100) is the word confidence below which a contradicting reading is
    only a ``DIFFERS`` (settings.KYC_OCR_LOW_CONFIDENCE). Never raises on odd OCR text.
    """
    lines = lines_of(ocr)
    extracted = blind_extract(claim.id_type, ocr)
    checks = [
        _name_check(claim, extracted, lines, low_confidence),
        _date_check(claim, lines, low_confidence),
        _number_check(claim, lines, low_confidence),
    ]
    return ClaimReading(
        pass_name=pass_name,
        fields={check.field: replace(check, pass_name=pass_name) for check in checks},
        extracted=extracted,
        ocr=ocr,
    )


def _same_reading(field: str, a: FieldCheck, b: FieldCheck) -> bool:
    if a.read is None or b.read is None:
        return False
    if field == "name":
        return names.name_distance(a.read, b.read) <= names.NAME_DISTANCE_LIMIT
    return a.read == b.read


def combine(readings: list[ClaimReading]) -> dict[str, FieldCheck]:
    """The best-supported evidence per field over several readings of one card.

    A MATCH in any reading wins (the claim is printed), then a WEAK agreement. A contradiction
    stands only when at least two readings show the same other value with confidence; a single
    contradicting reading becomes DIFFERS (issue 8 §2: a misread is never a rejection).
    """
    combined: dict[str, FieldCheck] = {}
    for field in FIELDS:
        checks = [reading.fields[field] for reading in readings]
        for support in (MATCH, WEAK):
            found = [c for c in checks if c.support == support]
            if found:
                combined[field] = min(found, key=lambda c: (c.distance or 0, -(c.confidence or 0)))
                break
        else:
            contradictions = [c for c in checks if c.support == CONTRADICTED]
            confirmed = None
            for check in contradictions:
                agreeing = sum(_same_reading(field, check, other) for other in contradictions)
                if agreeing >= 2:
                    confirmed = replace(check, confirmations=agreeing)
                    break
            if confirmed is not None:
                combined[field] = confirmed
            elif contradictions:
                check = max(contradictions, key=lambda c: c.confidence or 0.0)
                uncertain = check.code.replace("MISMATCH", "UNCERTAIN")
                combined[field] = replace(check, support=DIFFERS, code=uncertain)
            else:
                differs = [c for c in checks if c.support == DIFFERS]
                combined[field] = (
                    max(differs, key=lambda c: c.confidence or 0.0) if differs else checks[0]
                )
    return combined
