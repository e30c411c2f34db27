"""The passport's checks (issue 11): pure decisions from a data page's readings, the part of
:mod:`kyc.pipeline` for ``IdType.PASSPORT`` (kept apart so the pipeline module stays small).

Engine results in, :class:`~smartbank.checks.CheckResult` out; no ORM, no engine call: the
benchmark and the tests call these functions with readings they made. The reasons' customer
messages are :data:`kyc.pipeline.REASON_MESSAGES`.

Rules (issue 11, seed 003's decision rule over the checks):

- ``MRZ``: every check digit valid passes; one failing fails (``MRZ_CHECKSUM_INVALID``) only
  when the characters it covers were read with confidence ≥ ``KYC_MRZ_HIGH_CONFIDENCE`` by a
  majority of readings and two readings read those characters alike; otherwise review
  (``MRZ_UNCERTAIN``), and review too when the visual zone's own value of the failing field
  makes every check digit valid (the readings of one image share a misread; ICAO 9303 prints
  the data in both zones). Check digits that hold only with a digit no reading showed (a
  character the check digits restored, or put over another digit) go to review too: that is
  what a tampered, smudged check digit looks like; except a field's own check digit read as
  a filler ``<`` (the digit merged into the chevron run after it) when the field's data were
  read and equal what the customer entered and the composite holds with the restored digit.
  A field read one or two characters off whose entered value makes its check digit and the
  composite hold as read was taken from the claim before this check
  (:func:`smartbank.engines.documents.passport.claim_repair`): it passes, so noted.
  No MRZ found: review (``MRZ_NOT_READ``).
- ``DOCUMENT_EXPIRY``: the MRZ's expiry when its check digit is valid, else the one entered;
  before the day of the check fails (``DOCUMENT_EXPIRED``); within
  ``KYC_PASSPORT_EXPIRY_WARNING_DAYS`` passes with the code ``DOCUMENT_EXPIRING_SOON``, a
  warning for staff (a passed check's code never decides).
- the fields against what was entered, as for the cards: a match passes, a confirmed confident
  contradiction fails, anything weaker goes to review (``NAME_MATCH`` on the visual zone,
  ``MRZ_NAME_MATCH``, ``ID_NUMBER_MATCH``, ``DOB_MATCH``, ``EXPIRY_MATCH``,
  ``NATIONALITY_MATCH``).
- ``DUPLICATE_ID`` as for the cards; the face checks are the cards'
  (:func:`kyc.pipeline.face_checks` on the whole data page).
"""

from __future__ import annotations

import datetime
from typing import Any, Final

from smartbank.checks import CheckResult
from smartbank.engines import documents
from smartbank.engines.documents import claims, passport
from smartbank.engines.documents.passport_claims import CHECKED_FIELDS, CLAIM_REPAIR

from .models import KycCheck

PASSED, REVIEW, FAILED = KycCheck.Status.PASSED, KycCheck.Status.REVIEW, KycCheck.Status.FAILED

EXPIRING_SOON: Final = "DOCUMENT_EXPIRING_SOON"
"""The code of the staff warning on a passed DOCUMENT_EXPIRY check."""

_SUPPORT_STATUS: Final = {
    claims.MATCH: PASSED,
    claims.WEAK: REVIEW,
    claims.DIFFERS: REVIEW,
    claims.NOT_FOUND: REVIEW,
    claims.CONTRADICTED: FAILED,
}
_FIELD_CHECKS: Final = (
    ("name", "NAME_MATCH", "name in the visual zone matches"),
    ("mrz_name", "MRZ_NAME_MATCH", "name in the MRZ matches"),
    ("id_number", "ID_NUMBER_MATCH", "passport number in the MRZ equals entered"),
    ("date_of_birth", "DOB_MATCH", "date of birth in the MRZ matches"),
    ("expiry", "EXPIRY_MATCH", "expiry date in the MRZ matches"),
    ("nationality", "NATIONALITY_MATCH", "nationality in the MRZ matches"),
)
_CHECK_DIGIT_WORDS: Final = {
    "document_number": "passport number",
    "date_of_birth": "date of birth",
    "expiry_date": "expiry date",
    "optional_data": "personal number",
    "composite": "composite",
}


def _field_detail(check: documents.FieldCheck, passed: str) -> str:
    """Staff-facing words about one field's evidence; never the passport number in clear."""
    if check.support == claims.MATCH:
        parts = [passed]
    elif check.support == claims.NOT_FOUND:
        parts = ["not found on the passport"]
    else:
        parts = [check.support.lower()]
        if check.read and check.field != "id_number":
            parts.append(f"passport shows '{check.read}'")
    if check.distance is not None:
        parts.append(f"edit distance {check.distance}")
    if check.confidence is not None:
        parts.append(f"confidence {check.confidence:.0f}")
    if check.pass_name:
        parts.append(f"reading '{check.pass_name}'")
    if check.confirmations > 1:
        parts.append(f"confirmed by {check.confirmations} readings")
    return ", ".join(parts)


def mrz_check(
    result: Any,
    *,
    high_confidence: float,
    viz_text: str = "",
    entered_fields: frozenset[str] = frozenset(),
) -> CheckResult:
    """The MRZ's check digits; ``result`` is a
    :class:`~smartbank.engines.documents.passport.MrzResult`, ``viz_text`` a reading of the
    whole page (the visual zone's values: a confident failure that the visual zone's own
    value of the field makes valid is a shared misread, so staff look,
    :func:`~smartbank.engines.documents.passport.viz_repair`); ``entered_fields`` the MRZ
    fields (``document_number``, ``date_of_birth``, ``expiry_date``) whose value equals what
    the customer entered."""
    mrz, reading = result.mrz, result.reading
    if mrz is None or reading is None:
        return CheckResult("MRZ", REVIEW, "MRZ_NOT_READ", "no machine readable zone found")
    corrected = [r for r in reading.repairs if "(check digits)" in r]
    if mrz.valid and reading.restored and _only_entered_check_digits(reading, entered_fields):
        # A check digit read as a filler "<" (merged into the chevrons after it), its field
        # read and equal to the customer's entry, and the composite holding with it: the
        # customer's claim confirms what the lost digit would have (seed 003: the claim
        # checked against the card).
        fields = ", ".join(
            _CHECK_DIGIT_WORDS[passport.CHECK_DIGIT_POSITIONS[p]] for p in reading.restored
        )
        return CheckResult(
            "MRZ",
            PASSED,
            "",
            f"all five check digits valid; the check digit of the {fields} restored by the "
            "composite (read as a filler, its field equal to the entered value, or an empty "
            f"personal number's), {len(result.readings)} reading(s)",
        )
    if mrz.valid and reading.restored:
        # The check digits add up only with characters no reading could see: a misprint
        # or a tampered digit may hide there, so staff look (never a rejection).
        places = ", ".join(str(position + 1) for position in reading.restored)
        return CheckResult(
            "MRZ",
            REVIEW,
            "MRZ_UNCERTAIN",
            f"check digits valid only with a digit at line 2 position(s) {places} that no "
            "reading showed, "
            f"{len(result.readings)} reading(s)",
        )
    if mrz.valid:
        detail = "all five check digits valid"
        if CLAIM_REPAIR in reading.repairs:
            detail += " with the entered value of a field the reading had one or two digits off"
        elif corrected:
            detail += ", one look-alike character chosen by the check digits"
        return CheckResult("MRZ", PASSED, "", f"{detail}, {len(result.readings)} reading(s)")
    failed = mrz.failed_checks
    confidence = reading.failure_confidence(failed)
    agreeing = result.failure_agreement()
    words = ", ".join(_CHECK_DIGIT_WORDS[name] for name in failed)
    detail = (
        f"check digit failing: {words}; confidence {confidence:.0f}, "
        f"{agreeing} of {len(result.readings)} readings alike there"
    )
    if confidence >= high_confidence and agreeing >= 2:
        if viz_text and passport.viz_repair(reading.second, failed, viz_text):
            detail += "; the visual zone's value makes every check digit valid (an MRZ misread)"
            return CheckResult("MRZ", REVIEW, "MRZ_UNCERTAIN", detail)
        return CheckResult("MRZ", FAILED, "MRZ_CHECKSUM_INVALID", detail)
    return CheckResult("MRZ", REVIEW, "MRZ_UNCERTAIN", detail)


#: Line 2 span of the optional data (personal number) and position of its check digit.
(_OPTIONAL_START, _OPTIONAL_STOP), _OPTIONAL_CHECK = passport.CHECK_SPANS["optional_data"]


def _only_entered_check_digits(reading: Any, entered_fields: frozenset[str]) -> bool:
    """Every restored position of ``reading`` (a TD3 reading) is the check digit of a field
    in ``entered_fields`` where nothing legible was read (``erased``), not another digit; or
    the check digit of an empty optional data field (fillers only: ICAO 9303 part 4 prints
    ``0`` or ``<`` there), which guards no data a forger could change."""

    def explained(position: int) -> bool:
        if position == _OPTIONAL_CHECK:
            return not reading.second[_OPTIONAL_START:_OPTIONAL_STOP].strip("<")
        return (
            passport.CHECK_DIGIT_POSITIONS.get(position) in entered_fields
            and position in reading.erased
        )

    return all(explained(position) for position in reading.restored)


def expiry_check(
    result: Any, *, entered: datetime.date | None, today: datetime.date, warning_days: int
) -> CheckResult:
    """The passport's validity on ``today`` (the day of the check): expired fails, expiring
    within ``warning_days`` passes with the EXPIRING_SOON warning."""
    mrz = result.mrz
    if mrz is not None and mrz.expiry is not None and mrz.check_digits["expiry_date"]:
        expiry, source = mrz.expiry, "MRZ"
    elif entered is not None:
        expiry, source = entered, "entered (the MRZ's could not be read)"
    else:
        return CheckResult("DOCUMENT_EXPIRY", REVIEW, "EXPIRY_NOT_READ", "no expiry date")
    days = (expiry - today).days
    if days < 0:
        return CheckResult(
            "DOCUMENT_EXPIRY",
            FAILED,
            "DOCUMENT_EXPIRED",
            f"expired on {expiry:%d/%m/%Y} ({-days} days before the check), {source}",
        )
    if days <= warning_days:
        return CheckResult(
            "DOCUMENT_EXPIRY",
            PASSED,
            EXPIRING_SOON,
            f"valid, but expires on {expiry:%d/%m/%Y}, in {days} days ({source})",
        )
    return CheckResult("DOCUMENT_EXPIRY", PASSED, "", f"valid until {expiry:%d/%m/%Y} ({source})")


def passport_checks(
    *,
    reading: documents.PassportReading,
    entered: documents.PassportClaim,
    duplicate_id: bool,
    today: datetime.date,
    high_confidence: float,
    warning_days: int,
) -> list[CheckResult]:
    """The passport's checks from its readings (see the module docstring), in order: MRZ,
    DOCUMENT_EXPIRY, ID_NUMBER (the entered number's format), the field matches, DUPLICATE_ID.
    """
    valid, code = documents.validate_id_number(documents.PASSPORT, entered.number)
    checks = [
        mrz_check(
            reading.mrz,
            high_confidence=high_confidence,
            viz_text=reading.page.text,
            entered_fields=frozenset(
                check
                for field, (check, _) in CHECKED_FIELDS.items()
                if reading.fields[field].support == claims.MATCH
            ),
        ),
        expiry_check(reading.mrz, entered=entered.expiry, today=today, warning_days=warning_days),
        CheckResult("ID_NUMBER", PASSED, "", "passport number format valid")
        if valid
        else CheckResult("ID_NUMBER", FAILED, code or "ID_FORMAT_INVALID", "entered number"),
    ]
    for field, name, passed in _FIELD_CHECKS:
        check = reading.fields[field]
        checks.append(
            CheckResult(
                name, _SUPPORT_STATUS[check.support], check.code, _field_detail(check, passed)
            )
        )
    checks.append(
        CheckResult(
            "DUPLICATE_ID", FAILED, "DUPLICATE_ID", "number already verified for another customer"
        )
        if duplicate_id
        else CheckResult("DUPLICATE_ID", PASSED, "", "number not used by others")
    )
    return checks


def staff_warnings(checks: list[CheckResult], messages: dict[str, str]) -> list[dict[str, str]]:
    """The warnings of passed checks (``{"code", "message"}``), for the staff console."""
    return [
        {"code": check.code, "message": messages.get(check.code, check.code)}
        for check in checks
        if check.status == PASSED and check.code
    ]


def passport_extracted(reading: documents.PassportReading) -> dict[str, Any]:
    """What the page showed, for staff (the number masked), in the cards' ``extracted``
    shape: ``name``, ``date_of_birth``, ``id_number``, ``gender`` plus ``nationality``,
    ``expiry``, ``mrz`` (fields, check digits, repairs), ``claim_checks`` and readings."""
    mrz = reading.mrz.mrz

    def mask(number: str) -> str:
        return documents.mask_id_number(documents.PASSPORT, number)

    shown: dict[str, Any] = {
        "id_type": documents.PASSPORT,
        "name": reading.viz_name or (mrz.name if mrz else None),
        "date_of_birth": mrz.date_of_birth.isoformat() if mrz and mrz.date_of_birth else None,
        "id_number": mask(mrz.document_number) if mrz and mrz.document_number else None,
        "gender": {"M": "MALE", "F": "FEMALE"}.get(mrz.sex) if mrz else None,
        "nationality": mrz.nationality if mrz else None,
        "expiry": mrz.expiry.isoformat() if mrz and mrz.expiry else None,
        **reading.to_dict(mask=mask),
    }
    shown["claim_checks"] = {
        field: check.to_dict(id_type=documents.PASSPORT) for field, check in reading.fields.items()
    }
    return shown
