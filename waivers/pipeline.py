"""The verification of a waiver's certificate: every check, in order (issue #5).

Runs inside a Celery task, never in a web request. Reads the waiver and its scan, calls the
engines (:mod:`smartbank.uploads`, :mod:`smartbank.engines.ocr`,
:mod:`smartbank.engines.documents.certificates`) and returns a :class:`VerificationOutcome`;
:func:`waivers.services.waiver_request_verification_complete` stores it and decides with
:func:`decide`. Engine and storage errors propagate so the task can retry. Writes nothing.

Checks: ``FILE`` (the scan opens), ``DOCUMENT_REUSE`` (no other waiver with the prior claim has
the same SHA-256), ``CERTIFICATE_REUSE`` (nor the same certificate type and number), ``OCR``
(mean confidence) and ``NUMBER_MATCH`` (the typed number among the candidates read).

Owns the verification's result types (:class:`~smartbank.checks.CheckResult` per check,
:class:`VerificationOutcome` per run), the reasons shown to customers (:data:`REASON_MESSAGES`,
staff decisions' included) and :func:`decide`.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from rapidfuzz.distance import Levenshtein

from smartbank import checks as shared_checks
from smartbank.checks import CheckResult
from smartbank.engines.documents import certificates
from smartbank.engines.ocr import OcrResult, ocr_image
from smartbank.uploads import UploadRejected, load_image

from .models import WaiverCheck, WaiverRequest
from .selectors import certificate_used_elsewhere, document_used_elsewhere

__all__ = [
    "REASON_MESSAGES",
    "CheckResult",
    "VerificationOutcome",
    "decide",
    "reason",
    "waiver_request_run_checks",
]

REASON_MESSAGES: dict[str, str] = {
    "UNREADABLE_DOCUMENT": "We could not open the certificate you uploaded.",
    "DOCUMENT_REUSED": "This scan was already used for another waiver request.",
    "CERTIFICATE_ALREADY_USED": "This certificate already backs another waiver request.",
    "OCR_NO_TEXT": "We could not read any text on the certificate.",
    "OCR_LOW_CONFIDENCE": "The certificate was hard to read, so a member of staff will check it.",
    "CERTIFICATE_NUMBER_NOT_FOUND": (
        "We could not find the certificate number you entered on the certificate."
    ),
    "CERTIFICATE_NUMBER_MISMATCH": (
        "The number on the certificate differs by one character from the number you entered, "
        "so a member of staff will check it."
    ),
    "CERTIFICATE_NUMBER_LOW_CONFIDENCE": (
        "The certificate number was hard to read, so a member of staff will check it."
    ),
    "CERTIFICATE_NUMBER_UNCLEAR": (
        "We could not read the certificate number clearly, so a member of staff will check it."
    ),
    "ENGINE_ERROR": "Automatic verification failed; a member of staff will check your certificate.",
    "STAFF_APPROVED": "Approved by our loans team.",
    "STAFF_REJECTED": "Rejected by our loans team.",
}


def reason(code: str, message: str | None = None) -> dict[str, str]:
    """``{"code": code, "message": text}``; the text defaults to :data:`REASON_MESSAGES`."""
    return shared_checks.reason(code, REASON_MESSAGES, message)


def decide(checks: Sequence[CheckResult]) -> tuple[str, list[dict[str, str]]]:
    """Seed 003's decision rule (:func:`smartbank.checks.decide`) over a waiver's checks.

    Returns ``(WaiverRequest.Status VERIFIED / MANUAL_REVIEW / REJECTED, reasons)``, the
    reasons those of the deciding checks.
    """
    status, reasons = shared_checks.decide(checks, REASON_MESSAGES)
    return WaiverRequest.Status(status), reasons


@dataclass(frozen=True)
class VerificationOutcome:
    """What the verification learnt, ready for
    :func:`waivers.services.waiver_request_verification_complete`.

    ``ocr`` is the OCR result as JSON (stored encrypted); ``candidates`` the numbers found,
    each ``{"read", "number", "confidence", "line", "distance"}``.
    """

    checks: list[CheckResult]
    ocr: dict[str, Any] | None = None
    ocr_confidence: float | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)


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

    Raises what storage or Tesseract raise (``OSError``,
    :class:`smartbank.engines.ocr.OcrEngineError`), for the task to retry.
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
