"""Several readings of a card where the first is weak, and the best-supported evidence kept.

Calls the OCR engine (:func:`smartbank.engines.ocr.ocr_image`); no ORM. Runs inside the KYC
Celery task.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from PIL import Image

from smartbank.engines.ocr import OcrResult, line_boxes, ocr_image, ocr_lines

from .claims import CONTRADICTED, MATCH, Claim, ClaimReading, FieldCheck, check_claim, combine

RAW: Final = "raw"
"""The reading of the image as it came (``engines.ocr.OCR_VARIANTS``), whose line boxes LINES
uses."""

LINES: Final = "lines"
"""The reading that re-reads, one by one, the text lines the ``raw`` reading found."""

READING_ORDER: Final = ("threshold", RAW, LINES, "sauvola", "gray_2x")
"""The OCR readings tried in turn until every field is settled: keys of
``engines.ocr.OCR_VARIANTS``, and LINES."""

MAX_LINES: Final = 24
"""At most this many lines are re-read one by one (a card has 8–20)."""


@dataclass(frozen=True)
class CardReading:
    """Everything the readings of one card established about a claim.

    Attributes:
        fields: the best-supported FieldCheck per field ("name", "date_of_birth", "id_number").
        readings: every ClaimReading made, in order (the first is the default reading).
    """

    fields: dict[str, FieldCheck]
    readings: list[ClaimReading]

    @property
    def primary(self) -> ClaimReading:
        """The reading whose blind fields are shown to staff: the one that matched the most
        claimed fields, the earliest on a tie."""
        return max(
            self.readings,
            key=lambda r: sum(check.support == MATCH for check in r.fields.values()),
        )

    def passes(self) -> list[dict[str, Any]]:
        """Per reading: its name, mean OCR confidence and the support it gave each field."""
        return [
            {
                "pass": reading.pass_name,
                "mean_confidence": reading.ocr.mean_confidence,
                "fields": {name: check.support for name, check in reading.fields.items()},
            }
            for reading in self.readings
        ]


def _settled(fields: dict[str, FieldCheck], readings: list[ClaimReading]) -> bool:
    """No further reading can change the outcome: every field matched (the name exactly, or
    the same span in two readings, so a near span is not kept when the next reading has it
    exactly), or a contradiction is already confirmed by two readings."""
    if any(check.support == CONTRADICTED for check in fields.values()):
        return True
    if not all(check.support == MATCH for check in fields.values()):
        return False
    name = fields["name"]
    spans = [r.fields["name"].read for r in readings if r.fields["name"].support == MATCH]
    return name.distance == 0 or spans.count(name.read) >= 2


def _reread_lines(image: Image.Image, readings: list[ClaimReading]) -> OcrResult | None:
    """The ``raw`` reading's lines (boxes in the image's own pixels) read again one by one;
    None when there was no raw reading."""
    raw = next((r for r in readings if r.pass_name == RAW), None)
    if raw is None:
        return None
    boxes = [
        box
        for text, box in line_boxes(raw.ocr)
        if sum(char.isalnum() for char in text) >= 3 and box[3] - box[1] >= 8
    ]
    return ocr_lines(image, boxes[:MAX_LINES])


def read_card(
    image: Image.Image,
    claim: Claim,
    *,
    low_confidence: float = 60.0,
    order: Sequence[str] = READING_ORDER,
) -> CardReading:
    """Read ``image`` with the readings of ``order`` in turn, checking the claim after each,
    until every field matches or a contradiction is confirmed (issue 8 §1).

    Raises:
        smartbank.engines.ocr.OcrEngineError: Tesseract missing, failing or timing out (the
            task retries).
    """
    readings: list[ClaimReading] = []
    fields: dict[str, FieldCheck] = {}
    for variant in order:
        if variant == LINES:
            ocr = _reread_lines(image, readings)
            if ocr is None:
                continue
        else:
            ocr = ocr_image(image, variant=variant)
        readings.append(check_claim(claim, ocr, pass_name=variant, low_confidence=low_confidence))
        fields = combine(readings)
        if _settled(fields, readings):
            break
    return CardReading(fields=fields, readings=readings)
