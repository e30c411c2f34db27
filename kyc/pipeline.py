"""The verification pipeline: run every check of a case on its documents (issue #2, §5).

Runs inside a Celery task, never in a web request. Reads the case and its documents, calls the
engines (:mod:`smartbank.uploads`, :mod:`kyc.ocr`, :mod:`kyc.idcards`, :mod:`kyc.faces`) and
returns a :class:`~kyc.services.PipelineOutcome`; :func:`kyc.services.kyc_case_complete`
stores it and decides. Engine errors propagate so the task can retry.
"""

from dataclasses import dataclass

from django.conf import settings
from PIL import Image

from smartbank.uploads import UploadRejected, load_image

from . import faces, idcards
from .models import IdType, KycCase, KycCheck, KycDocument
from .ocr import OcrResult, ocr_image
from .selectors import face_encodings_of_others, id_number_verified_for_other
from .services import CheckResult, PipelineOutcome, kyc_case_id_number

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


def _field_confidence(extracted: idcards.ExtractedId, field: str, ocr: OcrResult) -> float:
    return extracted.confidence.get(field, ocr.mean_confidence)


def _document_checks(
    case: KycCase, ocr: OcrResult, extracted: idcards.ExtractedId, entered_number: str
) -> list[CheckResult]:
    low = settings.KYC_OCR_LOW_CONFIDENCE
    checks: list[CheckResult] = []

    if ocr.mean_confidence < low:
        checks.append(
            CheckResult(
                "OCR", REVIEW, "OCR_LOW_CONFIDENCE", f"mean confidence {ocr.mean_confidence:.0f}"
            )
        )
    else:
        checks.append(CheckResult("OCR", PASSED, "", f"mean confidence {ocr.mean_confidence:.0f}"))

    valid, code = idcards.validate_id_number(case.id_type, entered_number)
    if not valid:
        label = "Verhoeff checksum" if case.id_type == IdType.AADHAAR else "format/holder type"
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

    if extracted.id_number is None:
        checks.append(
            CheckResult(
                "ID_NUMBER_MATCH", REVIEW, "ID_NUMBER_NOT_READ", "no ID number found on the card"
            )
        )
    elif extracted.id_number != entered_number:
        card_valid, _ = idcards.validate_id_number(case.id_type, extracted.id_number)
        conf = _field_confidence(extracted, "id_number", ocr)
        status = REVIEW if conf < low else FAILED
        checks.append(
            CheckResult(
                "ID_NUMBER_MATCH",
                status,
                "ID_NUMBER_MISMATCH",
                f"card shows {idcards.mask_id_number(case.id_type, extracted.id_number)}"
                f" ({'valid' if card_valid else 'invalid'}), confidence {conf:.0f}",
            )
        )
    else:
        checks.append(CheckResult("ID_NUMBER_MATCH", PASSED, "", "card number equals entered"))

    if not extracted.name:
        checks.append(CheckResult("NAME_MATCH", REVIEW, "NAME_NOT_READ", "no name on the card"))
    else:
        distance = idcards.name_distance(extracted.name, case.full_name)
        conf = _field_confidence(extracted, "name", ocr)
        if distance <= settings.KYC_NAME_MAX_DISTANCE:
            checks.append(CheckResult("NAME_MATCH", PASSED, "", f"edit distance {distance}"))
        else:
            status = REVIEW if conf < low else FAILED
            checks.append(
                CheckResult(
                    "NAME_MATCH",
                    status,
                    "NAME_MISMATCH",
                    f"edit distance {distance}, confidence {conf:.0f}",
                )
            )

    if extracted.date_of_birth is None:
        checks.append(CheckResult("DOB_MATCH", REVIEW, "DOB_NOT_READ", "no date of birth read"))
    elif extracted.date_of_birth == case.date_of_birth:
        checks.append(CheckResult("DOB_MATCH", PASSED, "", "exact match"))
    else:
        conf = _field_confidence(extracted, "date_of_birth", ocr)
        if conf < low:
            checks.append(
                CheckResult(
                    "DOB_MATCH", REVIEW, "DOB_LOW_CONFIDENCE", f"differs, confidence {conf:.0f}"
                )
            )
        else:
            checks.append(
                CheckResult("DOB_MATCH", FAILED, "DOB_MISMATCH", f"differs, confidence {conf:.0f}")
            )

    if id_number_verified_for_other(case=case):
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


def _face_checks(
    case: KycCase, images: _Images
) -> tuple[list[CheckResult], float | None, list[float] | None]:
    checks: list[CheckResult] = []
    selfie = faces.analyse_selfie(images.selfie)
    if selfie.code or selfie.encoding is None:
        code = selfie.code or "NO_FACE_IN_SELFIE"
        checks.append(CheckResult("SELFIE_FACE", FAILED, code, f"{selfie.face_count} faces"))
        return checks, None, None
    checks.append(CheckResult("SELFIE_FACE", PASSED, "", "one face"))
    encoding = list(selfie.encoding)

    id_encoding = faces.analyse_id_photo(images.id_document)
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

    nearest = faces.nearest_distance(encoding, face_encodings_of_others(case=case))
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

    ocr = ocr_image(loaded.id_document)
    extract = idcards.extract_aadhaar if case.id_type == IdType.AADHAAR else idcards.extract_pan
    extracted = extract(ocr)
    entered = kyc_case_id_number(case=case)
    if not ocr.text.strip():
        checks.append(CheckResult("OCR", FAILED, "OCR_NO_TEXT", "no text found"))
    else:
        checks += _document_checks(case, ocr, extracted, entered)

    face_checks, distance, encoding = _face_checks(case, loaded)
    checks += face_checks

    shown = extracted.to_dict()
    if extracted.id_number:
        shown["id_number"] = idcards.mask_id_number(case.id_type, extracted.id_number)
        shown["id_number_matches_entered"] = extracted.id_number == entered
    return PipelineOutcome(
        checks=checks,
        ocr=ocr.to_dict(),
        ocr_confidence=ocr.mean_confidence,
        extracted=shown,
        face_distance=distance,
        face_encoding=encoding,
    )
