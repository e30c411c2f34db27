"""Several readings of a card where the first is weak, and the best-supported evidence kept.

Calls the OCR engine (:func:`kyc.ocr.ocr_image`); no ORM. Runs inside the KYC Celery task.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from PIL import Image

from kyc.ocr import ocr_image

from .claims import CONTRADICTED, MATCH, Claim, ClaimReading, FieldCheck, check_claim, combine

READING_ORDER: Final = ("threshold", "gray", "sauvola_2x", "raw")
"""The OCR readings tried in turn (keys of kyc.ocr.OCR_VARIANTS) until every field is settled."""


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


def _settled(fields: dict[str, FieldCheck]) -> bool:
    """No further reading can change the outcome: every field matched, or a contradiction is
    already confirmed by two readings."""
    if all(check.support == MATCH for check in fields.values()):
        return True
    return any(check.support == CONTRADICTED for check in fields.values())


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
        kyc.ocr.OcrEngineError: Tesseract missing, failing or timing out (the task retries).
    """
    readings: list[ClaimReading] = []
    fields: dict[str, FieldCheck] = {}
    for variant in order:
        ocr = ocr_image(image, variant=variant)
        readings.append(check_claim(claim, ocr, pass_name=variant, low_confidence=low_confidence))
        fields = combine(readings)
        if _settled(fields):
            break
    return CardReading(fields=fields, readings=readings)
