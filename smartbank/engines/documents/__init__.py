"""Reading documents (engines: no ORM): identity cards, one module per card type with shared
names, dates and numbers, and certificate numbers.

- :mod:`.lines` OCR output as lines of words with confidences;
- :mod:`.names`, :mod:`.dates`, :mod:`.numbers` the shared field rules;
- :mod:`.aadhaar`, :mod:`.pan` the blind readers of each card (staff console, seed 004's flow);
- :mod:`.claims` the claim-guided checks the KYC decision uses (issue 8);
- :mod:`.reading` several OCR readings of a card, the best-supported evidence kept;
- :mod:`.passport` a passport's machine readable zone (ICAO 9303 TD3) located, read and
  checked, :mod:`.passport_claims` the claim-guided checks of a passport data page;
- :mod:`.certificates` certificate numbers by their type's pattern (the waivers; import it by
  name, it is not re-exported here).
"""

from .aadhaar import extract_aadhaar
from .claims import Claim, FieldCheck, blind_extract, check_claim
from .extracted import NOTE_YEAR_OF_BIRTH_ONLY, ExtractedId
from .numbers import (
    AADHAAR,
    ID_TYPES,
    PAN,
    PASSPORT,
    mask_id_number,
    normalise_id_number,
    validate_id_number,
)
from .pan import extract_pan
from .passport_claims import PassportClaim, PassportReading, read_passport
from .reading import CardReading, read_card

__all__ = [
    "AADHAAR",
    "ID_TYPES",
    "NOTE_YEAR_OF_BIRTH_ONLY",
    "PAN",
    "PASSPORT",
    "CardReading",
    "Claim",
    "ExtractedId",
    "FieldCheck",
    "PassportClaim",
    "PassportReading",
    "blind_extract",
    "check_claim",
    "extract_aadhaar",
    "extract_pan",
    "mask_id_number",
    "normalise_id_number",
    "read_card",
    "read_passport",
    "validate_id_number",
]
