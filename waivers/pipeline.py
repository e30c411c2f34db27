"""The verification of a waiver's certificate: every check, in order (issue #5).

Runs inside a Celery task, never in a web request. Reads the waiver and its scan, calls the
engines (:mod:`smartbank.uploads`, :mod:`kyc.ocr`, :mod:`waivers.certificates`) and returns a
:class:`~waivers.services.VerificationOutcome`;
:func:`waivers.services.waiver_request_verification_complete` stores it and decides. Engine and
storage errors propagate so the task can retry.

Checks: ``FILE`` (the scan opens), ``DOCUMENT_REUSE`` (no other waiver with the prior claim has
the same SHA-256), ``CERTIFICATE_REUSE`` (nor the same certificate type and number), ``OCR``
(mean confidence) and ``NUMBER_MATCH`` (the typed number among the candidates read).
"""

from django.conf import settings
from rapidfuzz.distance import Levenshtein

from kyc.ocr import OcrResult, ocr_image
from smartbank.uploads import UploadRejected, load_image

from . import certificates
from .models import WaiverCheck, WaiverRequest
from .selectors import certificate_used_elsewhere, document_used_elsewhere
from .services import CheckResult, VerificationOutcome

PASSED, REVIEW, FAILED = (
    WaiverCheck.Status.PASSED,
    WaiverCheck.Status.REVIEW,
    WaiverCheck.Status.FAILED,
)


def _reuse_checks(waiver: WaiverRequest) -> list[CheckResult]:
    checks = []
    other = document_used_elsewhere(waiver=waiver)
    if other is not None:
        checks.append(
            CheckResult(
                "DOCUMENT_REUSE",
                FAILED,
                "DOCUMENT_REUSED",
                f"same scan as an earlier request ({other.get_status_display().lower()})",
            )
        )
    else:
        checks.append(CheckResult("DOCUMENT_REUSE", PASSED, "", "scan not used by another waiver"))
    other = certificate_used_elsewhere(waiver=waiver)
    if other is not None:
        checks.append(
            CheckResult(
                "CERTIFICATE_REUSE",
                FAILED,
                "CERTIFICATE_ALREADY_USED",
                f"number already backs an earlier request ({other.get_status_display().lower()})",
            )
        )
    else:
        checks.append(
            CheckResult("CERTIFICATE_REUSE", PASSED, "", "number not used by another waiver")
        )
    return checks


def _ocr_check(ocr: OcrResult, low: float) -> CheckResult:
    detail = f"mean confidence {ocr.mean_confidence:.0f}, {len(ocr.words)} words"
    if not ocr.words:
        return CheckResult("OCR", REVIEW, "OCR_NO_TEXT", "no text read")
    if ocr.mean_confidence < low:
        return CheckResult("OCR", REVIEW, "OCR_LOW_CONFIDENCE", detail)
    return CheckResult("OCR", PASSED, "", detail)


def _number_check(
    waiver: WaiverRequest, ocr: OcrResult, found: list[certificates.Candidate], low: float
) -> CheckResult:
    comparison = certificates.compare(waiver.certificate_number, found)
    best = comparison.candidate
    if comparison.outcome == certificates.MatchOutcome.EXACT:
        if best.confidence < low:
            return CheckResult(
                "NUMBER_MATCH",
                REVIEW,
                "CERTIFICATE_NUMBER_LOW_CONFIDENCE",
                f"found, confidence {best.confidence:.0f}",
            )
        return CheckResult(
            "NUMBER_MATCH", PASSED, "", f"found exactly, confidence {best.confidence:.0f}"
        )
    if comparison.outcome == certificates.MatchOutcome.ONE_OFF:
        return CheckResult(
            "NUMBER_MATCH",
            REVIEW,
            "CERTIFICATE_NUMBER_MISMATCH",
            f"certificate shows {best.number} (one character differs), "
            f"confidence {best.confidence:.0f}",
        )
    unsure = ocr.mean_confidence < low or any(c.confidence < low for c in found)
    detail = (
        f"{len(found)} other number(s) read, nearest {best.number}" if best else "no number read"
    )
    if unsure:
        return CheckResult("NUMBER_MATCH", REVIEW, "CERTIFICATE_NUMBER_UNCLEAR", detail)
    return CheckResult("NUMBER_MATCH", FAILED, "CERTIFICATE_NUMBER_NOT_FOUND", detail)


def waiver_request_run_checks(*, waiver: WaiverRequest) -> VerificationOutcome:
    """Run every check of ``waiver``'s certificate and return the outcome (nothing stored).

    Raises what storage or Tesseract raise (``OSError``, :class:`kyc.ocr.OcrEngineError`), for
    the task to retry.
    """
    low = settings.WAIVER_OCR_LOW_CONFIDENCE
    with waiver.document.open("rb") as fh:
        data = fh.read()
    checks = _reuse_checks(waiver)
    try:
        image = load_image(data, max_bytes=settings.WAIVER_MAX_UPLOAD_BYTES)
    except UploadRejected as exc:
        return VerificationOutcome(
            checks=[CheckResult("FILE", FAILED, "UNREADABLE_DOCUMENT", exc.code), *checks]
        )
    checks.insert(
        0,
        CheckResult(
            "FILE", PASSED, "", f"{waiver.content_type}, {image.size[0]}×{image.size[1]} px"
        ),
    )
    ocr = ocr_image(image)
    checks.append(_ocr_check(ocr, low))
    found = certificates.find_candidates(ocr, waiver.certificate_type.number_pattern)
    checks.append(_number_check(waiver, ocr, found, low))
    return VerificationOutcome(
        checks=checks,
        ocr=ocr.to_dict(),
        ocr_confidence=ocr.mean_confidence,
        candidates=[
            {
                **c.to_dict(),
                "distance": Levenshtein.distance(waiver.certificate_number, c.number),
            }
            for c in found
        ],
    )
