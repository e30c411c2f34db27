"""The verification pipeline: run every check of a case on its documents (issue #2, §5).

Runs inside a Celery task, never in a web request. Reads the case and its documents, scans
them for viruses first (:mod:`smartbank.malware`, clamd), calls the engines
(:mod:`smartbank.uploads`, :mod:`smartbank.engines.ocr`,
:mod:`smartbank.engines.documents`, :mod:`smartbank.engines.faces`) and returns a
:class:`PipelineOutcome`; :func:`kyc.services.kyc_case_complete` stores it and decides with
:func:`decide`. Engine errors propagate so the task can retry. Writes nothing.

Owns the pipeline's result types (:class:`~smartbank.checks.CheckResult` per check,
:class:`PipelineOutcome` per run), the reasons shown to customers (:data:`REASON_MESSAGES`,
staff decisions' included) and :func:`decide`. A passport's own checks (MRZ check digits,
expiry, its fields) are :mod:`kyc.passport_checks`, which this module calls for
``IdType.PASSPORT``.
"""

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from PIL import Image

from smartbank import checks as shared_checks
from smartbank.checks import CheckResult
from smartbank.engines import documents, faces
from smartbank.engines.face_gallery import nearest_face
from smartbank.engines.image_hash import ImageHash, image_hash
from smartbank.engines.overlap import side_by_side
from smartbank.image_reuse import NearDuplicate
from smartbank.malware import malware_scan
from smartbank.uploads import UploadRejected, load_image

from . import passport_checks
from .models import IdType, KycCase, KycCheck, KycDocument
from .selectors import (
    face_encodings_of_others_by_case,
    id_documents_near,
    id_number_verified_for_other,
    kyc_case_id_number,
)

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
    "MALWARE_DETECTED": "We could not accept one of the files you uploaded: it failed our"
    " security check. Please take new photos of your ID card and your face and submit again.",
    "OCR_NO_TEXT": "We could not read any text on the ID card, so staff will check it.",
    "ID_CHECKSUM_INVALID": "The Aadhaar number you entered is not valid: please check it for"
    " a typing mistake.",
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
    # Passports (issue 11, kyc/passport_checks.py).
    "MRZ_CHECKSUM_INVALID": "The two lines of letters, digits and <<< at the bottom of your"
    " passport's photo page do not add up (a check digit is wrong).",
    "MRZ_UNCERTAIN": "The two lines at the bottom of your passport's photo page were hard to"
    " read, so staff will check them.",
    "MRZ_NOT_READ": "We could not find the two lines at the bottom of your passport's photo"
    " page, so staff will check it.",
    "DOCUMENT_EXPIRED": "Your passport has expired. Please submit a passport that is still valid.",
    "DOCUMENT_EXPIRING_SOON": "Your passport expires within 30 days: it is accepted, and we"
    " may ask you for the new one.",
    "EXPIRY_MISMATCH": "The date of expiry in your passport differs from the one you entered.",
    "EXPIRY_UNCERTAIN": "The date of expiry in your passport was hard to read, so staff will"
    " check it.",
    "EXPIRY_NOT_READ": "We could not read the date of expiry in your passport.",
    "NATIONALITY_MISMATCH": "The nationality in your passport differs from the one you chose.",
    "NATIONALITY_UNCERTAIN": "The nationality in your passport was hard to read, so staff will"
    " check it.",
    "NATIONALITY_NOT_READ": "We could not read the nationality in your passport.",
    "NO_FACE_IN_SELFIE": "We could not find a face in your selfie.",
    "MULTIPLE_FACES": "Your selfie shows more than one person.",
    "NO_FACE_ON_ID": "We could not find the photo on your ID card.",
    "FACE_MISMATCH": "The face in your selfie does not match the photo on your ID card.",
    "FACE_UNCERTAIN": "Your selfie and ID photo are similar but not clearly the same person.",
    # Fraud signals read neutrally: what matched whom is for staff alone (issue 12).
    "DUPLICATE_ID": "We could not accept this ID number. If it is yours, please contact us.",
    "DUPLICATE_FACE": "Our team is checking your documents, usually within one working day.",
    "DOCUMENT_REUSED": "Our team is checking your documents, usually within one working day.",
    "ENGINE_ERROR": "We could not finish the automatic checks, so a member of our team will"
    " check your documents.",
    "ATTEMPTS_EXHAUSTED": "You have used all automatic attempts; staff will review your case.",
    "STAFF_APPROVED": "Approved by our verification team.",
    "STAFF_REJECTED": "Rejected by our verification team.",
    "RESUBMISSION_REQUESTED": "Please send your documents again.",
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
    card, ID number masked; ``face_encoding`` 128 floats of the selfie's face; ``infected``
    ``{document id: signature}`` of the files the virus scan found infected, for the service to
    quarantine (nothing else is checked then); ``id_document_hash`` the ID document's
    perceptual hash, for the service to store (``None`` when the file was not read).
    """

    checks: list[CheckResult]
    ocr: dict[str, Any] | None = None
    ocr_confidence: float | None = None
    extracted: dict[str, Any] | None = None
    face_distance: float | None = None
    face_encoding: list[float] | None = None
    infected: dict[str, str] = dataclasses.field(default_factory=dict)
    id_document_hash: ImageHash | None = None


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
    *,
    selfie_image: Image.Image,
    id_image: Image.Image,
    other_encodings: Sequence[Sequence[float]] | Mapping[str, Sequence[float]],
) -> tuple[list[CheckResult], float | None, list[float] | None]:
    """Selfie, card photo, face match and duplicate-face checks, with no ORM.

    ``other_encodings`` are other customers' faces; keyed by their case ids
    (:func:`kyc.selectors.face_encodings_of_others_by_case`), the ``DUPLICATE_FACE`` detail
    names the nearest one's case ("... in case <id>"), which the staff console links.

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

    # Issue 13: a FaceGallery (100,000 faces) is searched in one matrix product, exactly.
    nearest, case_id = nearest_face(encoding, other_encodings)
    if nearest is not None and nearest <= settings.KYC_FACE_DUPLICATE_MAX:
        # Issue 12: staff are shown which customer matched.
        matched = f" in case {case_id}" if case_id is not None else ""
        checks.append(
            CheckResult(
                "DUPLICATE_FACE",
                REVIEW,
                "DUPLICATE_FACE",
                f"another customer's face at distance {nearest:.3f}{matched}",
            )
        )
    else:
        checks.append(CheckResult("DUPLICATE_FACE", PASSED, "", "no close face among customers"))
    return checks, distance, encoding


def document_reuse_check(*, near: Sequence[NearDuplicate[KycDocument]]) -> CheckResult:
    """The ``DOCUMENT_REUSE`` check from other customers' ID documents like this one, with no
    ORM: ``near`` as :func:`kyc.selectors.id_documents_near` gives them, nearest first.

    Any → REVIEW ``DOCUMENT_REUSED`` (issue 11: the same card re-saved, or edited, in another
    customer's case is for staff to judge; a misread never rejects). The detail names the
    nearest other case's id, which the admin links; customers see
    ``CheckRecord.CUSTOMER_DETAILS`` instead.
    """
    if not near:
        return CheckResult("DOCUMENT_REUSE", PASSED, "", "no other customer's document alike")
    nearest = near[0]
    alike = "the same file" if nearest.distance == 0 else f"{nearest.distance} bits of 256 off"
    more = f"; {len(near) - 1} more alike" if len(near) > 1 else ""
    return CheckResult(
        "DOCUMENT_REUSE",
        REVIEW,
        "DOCUMENT_REUSED",
        f"another customer's ID document in case {nearest.record.case_id} ({alike}, "
        f"{nearest.record.case.get_status_display().lower()}){more}",
    )


def _malware_scan(case: KycCase) -> tuple[CheckResult, dict[str, str]]:
    """The virus scan of every document of ``case``: the ``MALWARE_SCAN`` check and
    ``{document id: signature}`` of the infected ones (:func:`smartbank.malware.malware_scan`)."""
    files, ids = {}, {}
    for doc in case.documents.order_by("kind"):
        label = doc.get_kind_display()
        with doc.file.open("rb") as fh:
            files[label] = fh.read()
        ids[label] = str(doc.id)
    scan = malware_scan(files)
    return scan.check, {ids[label]: signature for label, signature in scan.infected.items()}


def _passport_outcome(
    *, case: KycCase, loaded: _Images, checks: list[CheckResult]
) -> PipelineOutcome:
    """A passport's MRZ, visual zone, expiry, field and face checks (issue 11): the engines
    read the data page (:func:`smartbank.engines.documents.read_passport`), the decisions are
    :mod:`kyc.passport_checks`'. ``checks`` are those already made (scan, files)."""
    entered = documents.PassportClaim(
        full_name=case.full_name,
        date_of_birth=case.date_of_birth,
        number=kyc_case_id_number(case=case),
        nationality=case.nationality,
        expiry=case.document_expiry,
    )
    other_encodings = face_encodings_of_others_by_case(case=case)
    # Issue 13: Tesseract reads the data page while dlib looks at the faces.
    reading, (found, distance, encoding) = side_by_side(
        lambda: documents.read_passport(
            loaded.id_document, entered, low_confidence=settings.KYC_OCR_LOW_CONFIDENCE
        ),
        lambda: face_checks(
            selfie_image=loaded.selfie,
            id_image=loaded.id_document,
            other_encodings=other_encodings,
        ),
        together=settings.KYC_ENGINES_SIDE_BY_SIDE,
    )
    checks = checks + passport_checks.passport_checks(
        reading=reading,
        entered=entered,
        duplicate_id=id_number_verified_for_other(case=case),
        today=timezone.localdate(),
        high_confidence=settings.KYC_MRZ_HIGH_CONFIDENCE,
        warning_days=settings.KYC_PASSPORT_EXPIRY_WARNING_DAYS,
    )
    checks += found
    shown = passport_checks.passport_extracted(reading)
    shown["warnings"] = passport_checks.staff_warnings(checks, REASON_MESSAGES)
    return PipelineOutcome(
        checks=checks,
        ocr=reading.page.to_dict(),
        ocr_confidence=reading.mrz.confidence,
        extracted=shown,
        face_distance=distance,
        face_encoding=encoding,
    )


def kyc_case_run_pipeline(*, case: KycCase) -> PipelineOutcome:
    """Run the virus scan, then file, OCR, extraction, validation, face and duplicate checks on
    ``case``; an infected file stops it after the scan.

    Returns the outcome to store. Raises ``ScannerUnavailable`` while clamd gives no verdict
    (the task waits for it), the engines' errors (``OcrEngineError``, ``FaceEngineError``) and
    storage errors, which the task retries.
    """
    scan, infected = _malware_scan(case)
    if infected:
        return PipelineOutcome(checks=[scan], infected=infected)
    loaded = _load(case)
    if isinstance(loaded, CheckResult):
        return PipelineOutcome(checks=[scan, loaded])
    checks = [scan, CheckResult("FILES", PASSED, "", "documents readable")]
    # Issue 11: the ID document re-saved in another customer's case (the selfie is compared by
    # the duplicate-face check); its check comes last, beside the other duplicate checks.
    hashed = image_hash(loaded.id_document)
    reuse = document_reuse_check(
        near=id_documents_near(
            case=case, hashed=hashed, max_distance=settings.DOCUMENT_REUSE_MAX_DISTANCE
        )
    )
    if case.id_type == IdType.PASSPORT:
        outcome = _passport_outcome(case=case, loaded=loaded, checks=checks)
        return dataclasses.replace(
            outcome, checks=[*outcome.checks, reuse], id_document_hash=hashed
        )

    entered = kyc_case_id_number(case=case)
    claim = documents.Claim(
        id_type=case.id_type,
        full_name=case.full_name,
        date_of_birth=case.date_of_birth,
        id_number=entered,
    )
    other_encodings = face_encodings_of_others_by_case(case=case)
    # Issue 13: Tesseract reads the card in a thread while dlib looks at the faces.
    reading, (found, distance, encoding) = side_by_side(
        lambda: documents.read_card(
            loaded.id_document, claim, low_confidence=settings.KYC_OCR_LOW_CONFIDENCE
        ),
        lambda: face_checks(
            selfie_image=loaded.selfie,
            id_image=loaded.id_document,
            other_encodings=other_encodings,
        ),
        together=settings.KYC_ENGINES_SIDE_BY_SIDE,
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

    checks += found
    checks.append(reuse)

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
        id_document_hash=hashed,
    )
