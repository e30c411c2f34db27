"""The verification of a waiver's certificate: every check, in order (issue #5).

Runs inside a Celery task, never in a web request. Reads the waiver and its scan, calls the
engines (:mod:`smartbank.uploads`, :mod:`smartbank.engines.ocr`,
:mod:`smartbank.engines.documents.certificates`) and returns a :class:`VerificationOutcome`;
:func:`waivers.services.waiver_request_verification_complete` stores it and decides with
:func:`decide`. Engine and storage errors propagate so the task can retry. Writes nothing.

Checks: ``MALWARE_SCAN`` (clamd finds no virus in the file, :mod:`smartbank.malware`; an
infected file stops the checks there and is quarantined), ``FILE`` (the scan opens),
``DOCUMENT_REUSE`` (no other waiver with the prior claim has the same SHA-256, nor a scan
whose perceptual hash is within ``settings.DOCUMENT_REUSE_MAX_DISTANCE``),
``CERTIFICATE_REUSE`` (nor the same certificate type and a number typed or read on it equal to
the number typed or read here), ``OCR`` (mean confidence) and ``NUMBER_MATCH`` (the typed number
among the candidates read).

Reuse (issue 11: one certificate backed two waivers, the second a JPEG re-save filed under the
right number after the first was approved under a mistyped one). The number read on a scan
(the candidate nearest the typed number) counts as used as much as the typed one, so a scan
that reads a number already typed or read on an approved or pending waiver fails
``CERTIFICATE_REUSE`` whatever was typed: a rejection, as for a typed number, because the
certificate is spent however it is photographed, cropped or re-saved. A scan near-identical to
another waiver's (perceptual hash): with the same number read or typed it is the same
certificate re-saved, ``DOCUMENT_REUSE`` fails as the same bytes do; with another number it
goes to staff (``DOCUMENT_SIMILAR``), never rejected, because certificates printed from one
template differ only in a name and a number, which the hash cannot see
(``bench/document_hashes.py``: 2 bits apart), while a scan whose number was edited looks the
same way. Every waiver is decided by staff anyway; the review names the other request.

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
from smartbank.engines.image_hash import ImageHash, image_hash
from smartbank.engines.ocr import OcrResult, ocr_image
from smartbank.malware import malware_scan
from smartbank.uploads import UploadRejected, load_image

from .models import WaiverCheck, WaiverRequest
from .selectors import certificate_used_elsewhere, document_used_elsewhere, scans_near_elsewhere

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
    "MALWARE_DETECTED": "We could not accept the certificate file you uploaded: it failed our"
    " security check. Please send a new scan or photo of the certificate.",
    # Reuse reads as the rule it breaks, never as what matched whom (issue 12).
    "DOCUMENT_REUSED": "This certificate has already been used for a waiver request: each"
    " certificate can back one request only.",
    "DOCUMENT_SIMILAR": "Our team is checking your certificate, usually within two working days.",
    "CERTIFICATE_ALREADY_USED": "This certificate has already been used for a waiver request:"
    " each certificate can back one request only.",
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
    each ``{"read", "number", "confidence", "line", "distance"}``; ``malware_signature`` what
    the virus scan found in the certificate file, for the service to quarantine it ("" when
    clean); ``certificate_number_read`` the number read on the scan nearest the typed one (""
    when none was read) and ``scan_hash`` the scan's perceptual hash (``None`` when the file was
    not read), both for the service to store.
    """

    checks: list[CheckResult]
    ocr: dict[str, Any] | None = None
    ocr_confidence: float | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)
    malware_signature: str = ""
    certificate_number_read: str = ""
    scan_hash: ImageHash | None = None


PASSED, REVIEW, FAILED = (
    WaiverCheck.Status.PASSED,
    WaiverCheck.Status.REVIEW,
    WaiverCheck.Status.FAILED,
)


def _numbers_of(waiver: WaiverRequest) -> set[str]:
    return {waiver.certificate_number, waiver.certificate_number_read} - {""}


def _document_reuse_check(
    waiver: WaiverRequest, hashed: ImageHash | None, read_number: str
) -> CheckResult:
    """``DOCUMENT_REUSE``: the same file (SHA-256) or the same scan re-saved (perceptual hash
    and a number in common) fails; a near-identical scan with other numbers is for staff."""
    other = document_used_elsewhere(waiver=waiver)
    if other is not None:
        return CheckResult(
            "DOCUMENT_REUSE",
            FAILED,
            "DOCUMENT_REUSED",
            f"same scan as earlier request {other.pk} ({other.get_status_display().lower()})",
        )
    near = []
    if hashed is not None:
        near = scans_near_elsewhere(
            waiver=waiver, hashed=hashed, max_distance=settings.DOCUMENT_REUSE_MAX_DISTANCE
        )
    numbers = {waiver.certificate_number, read_number} - {""}
    for found in near:
        other = found.record
        if other.certificate_type_id == waiver.certificate_type_id and numbers & _numbers_of(other):
            return CheckResult(
                "DOCUMENT_REUSE",
                FAILED,
                "DOCUMENT_REUSED",
                f"the scan of earlier request {other.pk} re-saved ({found.distance} bits of 256 "
                f"off, {other.get_status_display().lower()}), same certificate number",
            )
    if near:
        other = near[0].record
        return CheckResult(
            "DOCUMENT_REUSE",
            REVIEW,
            "DOCUMENT_SIMILAR",
            f"looks like the scan of earlier request {other.pk} ({near[0].distance} bits of 256 "
            f"off, {other.get_status_display().lower()}) with another number: the same "
            "template, or an edited copy",
        )
    return CheckResult("DOCUMENT_REUSE", PASSED, "", "scan not used by another waiver")


def _reuse_checks(
    waiver: WaiverRequest, *, hashed: ImageHash | None, read_number: str
) -> list[CheckResult]:
    """``DOCUMENT_REUSE`` and ``CERTIFICATE_REUSE`` (see the module docstring): ``hashed`` is
    the scan's perceptual hash and ``read_number`` the number read on it ("" / ``None`` when
    the scan could not be read)."""
    checks = [_document_reuse_check(waiver, hashed, read_number)]
    other = certificate_used_elsewhere(waiver=waiver, read_number=read_number)
    if other is not None:
        how = "typed" if waiver.certificate_number in _numbers_of(other) else "read on the scan"
        checks.append(
            CheckResult(
                "CERTIFICATE_REUSE",
                FAILED,
                "CERTIFICATE_ALREADY_USED",
                f"number {how} already backs earlier request {other.pk} "
                f"({other.get_status_display().lower()})",
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

    The virus scan comes first; an infected file is not checked further. Raises
    ``ScannerUnavailable`` while clamd gives no verdict (the task waits for it) and what
    storage or Tesseract raise (``OSError``, :class:`smartbank.engines.ocr.OcrEngineError`),
    for the task to retry.
    """
    low = settings.WAIVER_OCR_LOW_CONFIDENCE
    with waiver.document.open("rb") as fh:
        data = fh.read()
    scan = malware_scan({"Certificate scan": data})
    if scan.infected:
        return VerificationOutcome(
            checks=[scan.check], malware_signature=next(iter(scan.infected.values()))
        )
    try:
        image = load_image(data, max_bytes=settings.WAIVER_MAX_UPLOAD_BYTES)
    except UploadRejected as exc:
        return VerificationOutcome(
            checks=[
                scan.check,
                CheckResult("FILE", FAILED, "UNREADABLE_DOCUMENT", exc.code),
                *_reuse_checks(waiver, hashed=None, read_number=""),
            ]
        )
    hashed = image_hash(image)
    ocr = ocr_image(image)
    found = certificates.find_candidates(ocr, waiver.certificate_type.number_pattern)
    nearest = certificates.compare(waiver.certificate_number, found).candidate
    read_number = nearest.number if nearest is not None else ""
    checks = [
        scan.check,
        CheckResult(
            "FILE", PASSED, "", f"{waiver.content_type}, {image.size[0]}×{image.size[1]} px"
        ),
        *_reuse_checks(waiver, hashed=hashed, read_number=read_number),
        _ocr_check(ocr, low),
        _number_check(waiver, ocr, found, low),
    ]
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
        certificate_number_read=read_number,
        scan_hash=hashed,
    )
