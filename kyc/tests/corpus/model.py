"""The data model: what the customer typed (:class:`Claim`), what the card prints
(:class:`Printed`) and one case of the corpus (:class:`CorpusCard`)."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass

from PIL import Image

from .render import _damaged_cached, _selfie_cached


@dataclass(frozen=True)
class Claim:
    """What the customer typed on the KYC form.

    Attributes:
        full_name: as typed, e.g. "K Chandrasekhar", "rahul k sharma", "Anita D’Souza".
        date_of_birth: the customer's full date of birth (also on ``year_only`` cards).
        id_type: "AADHAAR", "PAN" or "PASSPORT".
        id_number: as typed: Aadhaar "234567890124", "2345 6789 0124" or "2345-6789-0124";
            PAN "ABCPE1234F" or "abcpe1234f"; passport "K1234567" or "k1234567". Always
            checksum-valid (stdnum; passports: the format of
            ``smartbank.engines.documents.validate_id_number``).
        nationality: passports: ISO 3166-1 alpha-3 as entered ("IND"); "" on cards.
        expiry: passports: the expiry date entered (the page's); None on cards.
    """

    full_name: str
    date_of_birth: datetime.date
    id_type: str
    id_number: str
    nationality: str = ""
    expiry: datetime.date | None = None


@dataclass(frozen=True)
class Printed:
    """What is printed on the card: the ground truth for field accuracy.

    Attributes:
        name: the English name exactly as printed ("Rahul K Sharma"; PAN: "RAHUL K SHARMA";
            passports: given names then surname, "RAHUL K. SHARMA").
        date_of_birth: printed full date, or None on ``year_only`` cards.
        year_of_birth: the printed year on ``year_only`` cards ("Year of Birth : 1987"),
            else None.
        id_number: normalised, no spaces: 12 digits (Aadhaar), 10 upper-case
            characters (PAN) or a letter and seven digits (passport, also in the MRZ).
        father_name: PAN father's name as printed (upper case); e-Aadhaar relative of the
            S/O, D/O or C/O line; None on Aadhaar fronts.
        gender: "MALE" / "FEMALE" on Aadhaar cards (printed as "MALE", "Male", "पुरुष/ MALE"
            ...) and passports ("M" / "F"), None on PAN.
        hindi_name: the Devanagari name line if printed, else None.
        surname: passports: the Surname field (the last word of ``name``; the given names
            are the words before it, "" for a one-word name); None on cards.
        expiry: passports: the Date of Expiry (also in the MRZ); None on cards.
        issued: passports: the Date of Issue (ten years before the expiry, less a day).
        issuing_state: ``passport_other_states``: the state's ISO 3166-1 alpha-3 code (a key
            of ``smartbank.tests.passports.OTHER_STATES``); None: India.
    """

    name: str
    date_of_birth: datetime.date | None
    year_of_birth: int | None
    id_number: str
    father_name: str | None
    gender: str | None
    hindi_name: str | None
    surname: str | None = None
    expiry: datetime.date | None = None
    issued: datetime.date | None = None
    issuing_state: str | None = None


@dataclass(frozen=True)
class CorpusCard:
    """One case of the corpus: a card (rendered lazily), the claim and the selfie.

    Attributes:
        card_id: stable id, e.g. "pan_new.blur.GENUINE.3" or "named.bare_initial".
        layout: one of :data:`LAYOUTS`.
        condition: one of :data:`CONDITIONS`.
        kind: one of :data:`KINDS`.
        id_type: "AADHAAR", "PAN" or "PASSPORT".
        claim: what the customer typed.
        printed: what the card shows.
        face: face photo printed on the card (name for :func:`cards.face_photo`).
        selfie_face: the person in the selfie; differs from ``face`` only for
            ``IMPOSTOR_FACE``.
        year_only: the card prints a year of birth only (Aadhaar layouts).
        render_seed: seeds the drawing (style, distractors) and the damage.
    """

    card_id: str
    layout: str
    condition: str
    kind: str
    id_type: str
    claim: Claim
    printed: Printed
    face: str
    selfie_face: str
    year_only: bool
    render_seed: str = dataclasses.field(repr=False)

    @property
    def genuine(self) -> bool:
        """True for ``GENUINE`` cases."""
        return self.kind == "GENUINE"

    def image(self) -> Image.Image:
        """Return the card as uploaded: rendered and damaged by ``condition``, RGB.

        About 930-1070 x 590-675 px for cards, about 930-1070 x 1340-1580 px for the
        e-Aadhaar crop, 1250 x 880 for passport data pages; larger for ``rotated``
        (expanded canvas) and ``photo_on_table`` (4:3 frame, card filling 70-85 % of it).
        Deterministic; a new copy each call.
        """
        return _damaged_cached(self).copy()

    def selfie(self) -> Image.Image:
        """Return a selfie of ``selfie_face`` (:func:`cards.selfie_of`), RGB."""
        return _selfie_cached(self.selfie_face).copy()
