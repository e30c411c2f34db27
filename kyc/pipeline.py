"""The verification pipeline: run every check of a case on its documents (issue #2, §5).

Runs inside a Celery task, never in a web request. Reads the case and its documents, calls the
engines (:mod:`smartbank.uploads`, :mod:`smartbank.engines.ocr`,
:mod:`smartbank.engines.documents`, :mod:`smartbank.engines.faces`) and returns a
:class:`PipelineOutcome`; :func:`kyc.services.kyc_case_complete` stores it and decides with
:func:`decide`. Engine errors propagate so the task can retry. Writes nothing.

Owns the pipeline's result types (:class:`~smartbank.checks.CheckResult` per check,
:class:`PipelineOutcome` per run), the reasons shown to customers (:data:`REASON_MESSAGES`,
staff decisions' included) and :func:`decide`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from PIL import Image

from smartbank import checks as shared_checks
from smartbank.checks import CheckResult
from smartbank.engines import documents, faces
from smartbank.uploads import UploadRejected, load_image

from .models import IdType, KycCase, KycCheck, KycDocument
from .selectors import face_encodings_of_others, id_number_verified_for_other, kyc_case_id_number

__all__ = [
    "REASON_MESSAGES",
    "CheckResult",
    "PipelineOutcome",
    "decide",
    "document_checks",
    "face_checks",
    "kyc_case_run_pipeline",
    "reason",
]

REASON_MESSAGES: dict[str, str] = {
    "UNREADABLE_DOCUMENT": "We could not open one of the uploaded files.",
    "OCR_NO_TEXT": "We could not read any text on the ID card, so staff will check it.",
    "ID_CHECKSUM_INVALID": "The Aadhaar number is not valid (its check digit is wrong).",
    "ID_FORMAT_INVALID": "The ID number is not in a valid format.",
    "ID_NUMBER_NOT_READ": "We could not read the ID number on the card.",
    "ID_NUMBER_MISMATCH": "The ID number on the card differs from the number you entered.",
    "NAME_NOT_READ": "We could not read the name on the card.",
    "NAME_MISMATCH": "The name on the card does not match the name you registered with.",
    "DOB_NOT_READ": "We could not read the date of birth on the card.",
    "DOB_MISMATCH": "The date of birth on the card differs from the one you entered.",
    "DOB_UNCERTAIN": "The date of birth on the card was hard to read, so staff will check it.",
    "YEAR_OF_BIRTH_ONLY": "Your card shows only your year of birth, so staff will check it.",
    "NAME_UNCERTAIN": "The name on the card was hard to read, so staff will check it.",
    "NAME_INITIALS_ONLY": "Your card shows initials where you typed full names (or the other"
    " way round), so staff will check it.",
    "NAME_ORDER_DIFFERS": "Your card shows your names in another order, so staff will check it.",
    "NAME_PARTIAL": "Your card shows one name more or fewer than you typed, so staff will"
    " check it.",
    "ID_NUMBER_UNCERTAIN": "The ID number on the card was hard to read, so staff will check it.",
    "NO_FACE_IN_SELFIE": "We could not find a face in your selfie.",
    "MULTIPLE_FACES": "Your selfie shows more than one person.",
    "NO_FACE_ON_ID": "We could not find the photo on your ID card.",
    "FACE_MISMATCH": "The face in your selfie does not match the photo on your ID card.",
    "FACE_UNCERTAIN": "Your selfie and ID photo are similar but not clearly the same person.",
    "DUPLICATE_ID": "This ID number is already verified for another customer.",
    "DUPLICATE_FACE": "Your face closely matches another customer's, so staff will check it.",
    "ENGINE_ERROR": "Automatic verification failed; a member of staff will check your documents.",
    "ATTEMPTS_EXHAUSTED": "You have used all automatic attempts; staff will review your case.",
    "STAFF_APPROVED": "Approved by our verification team.",
    "STAFF_REJECTED": "Rejected by our verification team.",
    "RESUBMISSION_REQUESTED": "Please submit your documents again.",
}


def reason(code: str, message: str | None = None) -> dict[str, str]:
    """A reason as stored on the case and shown by the API: ``{"code", "message"}``; the
    message defaults to :data:`REASON_MESSAGES`."""
    return shared_checks.reason(code, REASON_MESSAGES, message)


def decide(checks: Sequence[CheckResult]) -> tuple[str, list[dict[str, str]]]:
    """Seed 003's decision rule (:func:`smartbank.checks.decide`) over a case's checks.

    Returns ``(KycCase.Status VERIFIED / MANUAL_REVIEW / REJECTED, reasons)``, the reasons
    those of the deciding checks in pipeline order.
    """
    status, reasons = shared_checks.decide(checks, REASON_MESSAGES)
    return KycCase.Status(status), reasons


@dataclass(frozen=True)
class PipelineOutcome:
    """What the pipeline learnt about a case, ready to be stored by
    :func:`kyc.services.kyc_case_complete`.

    ``ocr`` is the OCR result as JSON (stored encrypted); ``extracted`` the fields read from the
    card, ID number masked; ``face_encoding`` 128 floats of the selfie's face.
    """

    checks: list[CheckResult]
    ocr: dict[str, Any] | None = None
    ocr_confidence: float | None = None
    extracted: dict[str, Any] | None = None
    face_distance: float | None = None
    face_encoding: list[float] | None = None


PASSED, REVIEW, FAILED = KycCheck.Status.PASSED, KycCheck.Status.REVIEW, KycCheck.Status.FAILED


@dataclass(frozen=True)
class _Images:
    id_document: Image.Image
    selfie: Image.Image


def _load(case: KycCase) -> _Images | CheckResult:
    docs = {d.kind: d for d in case.documents.all()}
    images = {}
    for kind in (KycDocument.Kind.ID_DOCUMENT, KycDocument.Kind.SELFIE):
        doc = docs.get(kind)
        if doc is None:
            return CheckResult("FILES", FAILED, "UNREADABLE_DOCUMENT", f"{kind} missing")
        with doc.file.open("rb") as fh:
            data = fh.read()
        try:
            images[kind] = load_image(data)
        except UploadRejected as exc:
            return CheckResult("FILES", FAILED, "UNREADABLE_DOCUMENT", f"{kind}: {exc.code}")
    return _Images(images[KycDocument.Kind.ID_DOCUMENT], images[KycDocument.Kind.SELFIE])


_FIELD_CHECK_NAMES = {
    "id_number": "ID_NUMBER_MATCH",
    "name": "NAME_MATCH",
    "date_of_birth": "DOB_MATCH",
}
# Issue 8 §2: only a confirmed, confident contradiction rejects; anything weaker goes to staff.
_SUPPORT_STATUS = {
    documents.claims.MATCH: PASSED,
    documents.claims.WEAK: REVIEW,
    documents.claims.DIFFERS: REVIEW,
    documents.claims.NOT_FOUND: REVIEW,
    documents.claims.CONTRADICTED: FAILED,
}
_PASSED_DETAIL = {
    "id_number": "card number equals entered",
    "name": "name on the card matches",
    "date_of_birth": "date of birth on the card matches",
}


def _field_detail(check: documents.FieldCheck) -> str:
    """Staff-facing words about one field's evidence; never the number in clear."""
    if check.support == documents.claims.MATCH:
        parts = [_PASSED_DETAIL[check.field]]
    elif check.support == documents.claims.NOT_FOUND:
        parts = ["not found on the card"]
    else:
        parts = [check.support.lower().replace("_", " ")]
    if check.field == "name" and check.read and check.support != documents.claims.MATCH:
        parts.append(f"card shows '{check.read}'")
    if check.field == "date_of_birth" and check.read and check.support != documents.claims.MATCH:
        parts.append(f"card shows {check.read}")
    if check.distance is not None:
        parts.append(f"edit distance {check.distance}")
    if check.confidence is not None:
        parts.append(f"confidence {check.confidence:.0f}")
    parts.append(f"reading '{check.pass_name}'")
    if check.confirmations > 1:
        parts.append(f"confirmed by {check.confirmations} readings")
    return ", ".join(parts)


def document_checks(
    *, id_type: str, reading: documents.CardReading, entered_number: str, duplicate_id: bool
) -> list[CheckResult]:
    """The document's checks from the card's readings, with no ORM (the benchmark calls it).

    ``duplicate_id`` says whether the number is already verified for another customer. A
    field's support decides its check: MATCH passes, a confirmed CONTRADICTED fails, anything
    weaker goes to review (issue 8 §2). An entered number failing its checksum fails.
    """
    primary = reading.primary
    checks = [
        CheckResult(
            "OCR",
            PASSED,
            "",
            f"{len(reading.readings)} reading(s), mean confidence "
            f"{primary.ocr.mean_confidence:.0f}",
        )
    ]

    valid, code = documents.validate_id_number(id_type, entered_number)
    if not valid:
        label = "Verhoeff checksum" if id_type == IdType.AADHAAR else "format/holder type"
        checks.append(
            CheckResult(
                "ID_NUMBER",
                FAILED,
                code or "ID_FORMAT_INVALID",
                f"entered number fails the {label} check",
            )
        )
    else:
        checks.append(CheckResult("ID_NUMBER", PASSED, "", "valid (python-stdnum)"))

    for field, check_name in _FIELD_CHECK_NAMES.items():
        check = reading.fields[field]
        checks.append(
            CheckResult(
                check_name, _SUPPORT_STATUS[check.support], check.code, _field_detail(check)
            )
        )

    if duplicate_id:
        checks.append(
            CheckResult(
                "DUPLICATE_ID",
                FAILED,
                "DUPLICATE_ID",
                "number already verified for another customer",
            )
        )
    else:
        checks.append(CheckResult("DUPLICATE_ID", PASSED, "", "number not used by others"))
    return checks


def face_checks(
    *, selfie_image: Image.Image, id_image: Image.Image, other_encodings: Sequence[Sequence[float]]
) -> tuple[list[CheckResult], float | None, list[float] | None]:
    """Selfie, card photo, face match and duplicate-face checks, with no ORM.

    Returns ``(checks, face distance or None, the selfie's 128-float encoding or None)``.
    Bands (settings): distance ≤ KYC_FACE_MATCH_MAX passes, ≤ KYC_FACE_REVIEW_MAX review,
    above fails; another customer within KYC_FACE_DUPLICATE_MAX goes to review. Raises
    ``FaceEngineError`` for the task to retry.
    """
    checks: list[CheckResult] = []
    selfie = faces.analyse_selfie(selfie_image)
    if selfie.code or selfie.encoding is None:
        code = selfie.code or "NO_FACE_IN_SELFIE"
        checks.append(CheckResult("SELFIE_FACE", FAILED, code, f"{selfie.face_count} faces"))
        return checks, None, None
    checks.append(CheckResult("SELFIE_FACE", PASSED, "", "one face"))
    encoding = list(selfie.encoding)

    id_encoding = faces.analyse_id_photo(id_image)
    if id_encoding is None:
        checks.append(CheckResult("ID_FACE", REVIEW, "NO_FACE_ON_ID", "no face on the card"))
        distance = None
    else:
        checks.append(CheckResult("ID_FACE", PASSED, "", "face found on the card"))
        distance = faces.face_distance(encoding, id_encoding)
        if distance <= settings.KYC_FACE_MATCH_MAX:
            checks.append(CheckResult("FACE_MATCH", PASSED, "", f"distance {distance:.3f}"))
        elif distance <= settings.KYC_FACE_REVIEW_MAX:
            checks.append(
                CheckResult("FACE_MATCH", REVIEW, "FACE_UNCERTAIN", f"distance {distance:.3f}")
            )
        else:
            checks.append(
                CheckResult("FACE_MATCH", FAILED, "FACE_MISMATCH", f"distance {distance:.3f}")
            )

    nearest = faces.nearest_distance(encoding, other_encodings)
    if nearest is not None and nearest <= settings.KYC_FACE_DUPLICATE_MAX:
        checks.append(
            CheckResult(
                "DUPLICATE_FACE",
                REVIEW,
                "DUPLICATE_FACE",
                f"another customer's face at distance {nearest:.3f}",
            )
        )
    else:
        checks.append(CheckResult("DUPLICATE_FACE", PASSED, "", "no close face among customers"))
    return checks, distance, encoding


def kyc_case_run_pipeline(*, case: KycCase) -> PipelineOutcome:
    """Run file, OCR, extraction, validation, face and duplicate checks on ``case``.

    Returns the outcome to store. Raises the engines' errors (``OcrEngineError``,
    ``FaceEngineError``) and storage errors, which the task retries.
    """
    loaded = _load(case)
    if isinstance(loaded, CheckResult):
        return PipelineOutcome(checks=[loaded])
    checks = [CheckResult("FILES", PASSED, "", "documents readable")]

    entered = kyc_case_id_number(case=case)
    claim = documents.Claim(
        id_type=case.id_type,
        full_name=case.full_name,
        date_of_birth=case.date_of_birth,
        id_number=entered,
    )
    reading = documents.read_card(
        loaded.id_document, claim, low_confidence=settings.KYC_OCR_LOW_CONFIDENCE
    )
    primary = reading.primary
    if not any(r.ocr.text.strip() for r in reading.readings):
        # No text at all is a bad photo, not a contradiction: staff look (issue 8 §2).
        checks.append(CheckResult("OCR", REVIEW, "OCR_NO_TEXT", "no text found"))
    else:
        checks += document_checks(
            id_type=case.id_type,
            reading=reading,
            entered_number=entered,
            duplicate_id=id_number_verified_for_other(case=case),
        )

    found, distance, encoding = face_checks(
        selfie_image=loaded.selfie,
        id_image=loaded.id_document,
        other_encodings=face_encodings_of_others(case=case),
    )
    checks += found

    extracted = primary.extracted
    shown = extracted.to_dict()
    if extracted.id_number:
        shown["id_number"] = documents.mask_id_number(case.id_type, extracted.id_number)
        shown["id_number_matches_entered"] = extracted.id_number == entered
    shown["claim_checks"] = {
        field: check.to_dict(id_type=case.id_type) for field, check in reading.fields.items()
    }
    shown["readings"] = reading.passes()
    ocr = primary.ocr
    return PipelineOutcome(
        checks=checks,
        ocr=ocr.to_dict(),
        ocr_confidence=ocr.mean_confidence,
        extracted=shown,
        face_distance=distance,
        face_encoding=encoding,
    )
