"""The fields read blind from an ID card (no claim): what staff see, what seed 004's flow saves."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, Final

NOTE_YEAR_OF_BIRTH_ONLY: Final = "YEAR_OF_BIRTH_ONLY"
"""Note set when the card prints only "Year of Birth: YYYY" (date_of_birth is None)."""


@dataclass(frozen=True)
class ExtractedId:
    """Fields read from an ID card without knowing what the customer claimed.

    Attributes:
        id_type: "AADHAAR" or "PAN".
        id_number: normalised number (Aadhaar: 12 digits; PAN: 10 upper-case characters) or
            None. Not validated: see :func:`smartbank.engines.documents.numbers.validate_id_number`.
        name: holder's name as printed (case kept), or None.
        father_name: father's name (PAN only), or None.
        date_of_birth: or None (also None when only the year of birth is printed).
        gender: "MALE", "FEMALE", "TRANSGENDER" or None (Aadhaar only).
        confidence: per-field mean OCR confidence (0–100) of the words the field came from.
        year_of_birth: the year, when the card prints only "Year of Birth: YYYY".
        notes: machine codes about the reading, e.g. NOTE_YEAR_OF_BIRTH_ONLY.
        name_line / father_line: OCR line indexes the names were read from (None if not).
    """

    id_type: str
    id_number: str | None
    name: str | None
    father_name: str | None
    date_of_birth: datetime.date | None
    gender: str | None
    confidence: dict[str, float] = field(default_factory=dict)
    year_of_birth: int | None = None
    notes: tuple[str, ...] = ()
    name_line: int | None = None
    father_line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form; the date as ISO "YYYY-MM-DD" (or None)."""
        return {
            "id_type": self.id_type,
            "id_number": self.id_number,
            "name": self.name,
            "father_name": self.father_name,
            "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else None,
            "gender": self.gender,
            "confidence": dict(self.confidence),
            "year_of_birth": self.year_of_birth,
            "notes": list(self.notes),
        }
