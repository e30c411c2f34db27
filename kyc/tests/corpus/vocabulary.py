"""The corpus's public vocabulary: layouts, damage conditions, case kinds, named cases,
faces and the fonts cards are printed in."""

from __future__ import annotations

from typing import Final

LAYOUTS: Final[tuple[str, ...]] = (
    "aadhaar_bilingual",
    "aadhaar_english",
    "aadhaar_photo_right",
    "eaadhaar_letter",
    "pan_old",
    "pan_new",
)
"""Card layouts (stable ids).

- ``aadhaar_bilingual``: Aadhaar front, "भारत सरकार / Government of India" header, Hindi
  name line (Noto Sans Devanagari) above the English name, ``जन्म तिथि/DOB: DD/MM/YYYY``
  (on some cards ``जन्म वर्ष / Year of Birth : YYYY``), ``पुरुष/ MALE`` or ``महिला/ FEMALE``,
  the number ``XXXX XXXX XXXX``, sometimes a 16-digit ``VID`` under it and an
  ``Issue Date`` printed vertically beside the photo, footer "मेरा आधार, मेरी पहचान".
  Photo on the left.
- ``aadhaar_english``: English-only Aadhaar front ("Government of India"), ``DOB:`` /
  ``Date of Birth:`` or, on some cards, ``Year of Birth : YYYY`` (``year_only``), "Male" /
  "MALE", footer "Aadhaar - Aam Aadmi ka Adhikar" or "Mera Aadhaar, Meri Pehchan".
- ``aadhaar_photo_right``: a shop-printed PVC Aadhaar: text block left, photo on the
  right, header left-aligned, DOB with ``/``, ``-`` or ``.`` separators, sometimes a Hindi
  name line, number left-aligned.
- ``eaadhaar_letter``: the top of an e-Aadhaar letter (portrait, about 1000x1460):
  "Enrolment No.: 1234/12345/12345", "Aadhaar no. issued" date, "To", (Hindi name), name,
  "S/O:" / "D/O:" / "C/O:" relative line, address with a PIN code, a masked mobile, the
  "Your Aadhaar No." box with the number and a 16-digit ``VID``, then the card part
  (photo, name, DOB, gender, number, VID again, a vertical "Download Date").
- ``pan_old``: old PAN card without labels: "INCOME TAX DEPARTMENT" / "GOVT. OF INDIA",
  then the name line, the father's name line, the DOB line, "Permanent Account Number",
  the PAN, a signature. Photo on the right.
- ``pan_new``: new PAN card: "स्थायी लेखा संख्या कार्ड / Permanent Account Number Card",
  the PAN, labels "नाम / Name", "पिता का नाम / Father's Name", "जन्म की तारीख / Date of
  Birth", a QR code, a signature. Photo on the left.
"""

PASSPORT_LAYOUTS: Final[tuple[str, ...]] = (
    "passport_photo_left",
    "passport_photo_right",
    "passport_other_states",
)
"""Passport data pages (ICAO 9303 TD3, 1250x880, :mod:`smartbank.tests.passports`): kept
apart from :data:`LAYOUTS`, the ID cards, whose invariants (Verhoeff, PAN structure, card
size) the corpus's tests check; ``generate_corpus(layouts=ALL_LAYOUTS)`` adds them.

- ``passport_photo_left``: the test suite's page: navy header "REPUBLIC OF INDIA" /
  "PASSPORT", photo left, English labels over bold upper-case values (Type, Country Code,
  Passport No., Surname, Given Name(s), Nationality, Sex, Date of Birth, Date of Expiry,
  Place of Birth), a Latin font family per page (:data:`FONT_FAMILIES`), the MRZ in DejaVu
  Sans Mono.
- ``passport_photo_right``: photo right, fields from the left edge, the Indian passport's
  bilingual labels ("उपनाम / Surname", Noto Sans Devanagari), Place of Issue and Date of
  Issue added (a third date), a Liberation font family, the MRZ in Liberation Mono.
- ``passport_other_states``: a page of Germany, Britain, France, Norway or Spain
  (:data:`smartbank.tests.passports.OTHER_STATES`: the state's header band, captions in its
  languages, date format and nationality line) in any Latin family, for a holder of that
  state whose name has letters the MRZ transliterates (ICAO 9303 part 3 §6: "KÄTHE" is
  ``KAETHE``); the customer types the name with its accents, or at times without them.

Names are printed upper case, the surname being the last word (a one-word name is the
surname, given names empty: ICAO 9303 part 3 §4.6); the MRZ drops full stops and
apostrophes and turns hyphens into ``<``.
"""

ALL_LAYOUTS: Final[tuple[str, ...]] = LAYOUTS + PASSPORT_LAYOUTS
"""Every layout :func:`generate_corpus` accepts: the cards, then the passports."""

CONDITIONS: Final[tuple[str, ...]] = (
    "clean",
    "rotated",
    "blur",
    "jpeg35",
    "low_contrast",
    "uneven_light",
    "photo_on_table",
)
"""Damage conditions, see :func:`damage`."""

KINDS: Final[tuple[str, ...]] = (
    "GENUINE",
    "IMPOSTOR_NAME",
    "IMPOSTOR_NUMBER",
    "IMPOSTOR_DOB",
    "IMPOSTOR_FACE",
)
"""Case kinds.

- ``GENUINE``: card, claim and selfie are the same person.
- ``IMPOSTOR_NAME``: the card is another person's (their name, DOB, number, photo
  matching the selfie); the claim types the customer's name with the card's DOB and
  number. Only the name contradicts; the two names share no word.
- ``IMPOSTOR_NUMBER``: the printed number differs from the claimed one in exactly one
  position. The claim is always checksum-valid. On PAN the printed number stays valid for
  ``stdnum.in_.pan`` (a digit or a free letter changes). On Aadhaar the printed number is
  never Verhoeff-valid: Verhoeff detects every single-digit change, so a one-digit-off
  card is an altered card.
  On passports the printed number is another valid-looking number (one digit, or the
  letter, changed) and the MRZ is that number's, its check digits valid.
- ``IMPOSTOR_DOB``: another date of birth is printed (another year, usually another day
  and month; on ``year_only`` cards another year).
- ``IMPOSTOR_FACE``: the card photo is another person than the selfie (astronaut vs
  grace_hopper).
"""

IMPOSTOR_KINDS: Final[tuple[str, ...]] = KINDS[1:]

ID_TYPE_OF_LAYOUT: Final[dict[str, str]] = {
    "aadhaar_bilingual": "AADHAAR",
    "aadhaar_english": "AADHAAR",
    "aadhaar_photo_right": "AADHAAR",
    "eaadhaar_letter": "AADHAAR",
    "pan_old": "PAN",
    "pan_new": "PAN",
    "passport_photo_left": "PASSPORT",
    "passport_photo_right": "PASSPORT",
    "passport_other_states": "PASSPORT",
}

NAMED_CASES: Final[tuple[str, ...]] = (
    "bare_initial",
    "dotted_initial",
    "four_word_name",
    "bilingual",
    "single_word_name",
    "year_of_birth_only",
    "joined_initials",
    "apostrophe",
    "hyphenated",
    "pan_old_labels_absent",
)
"""Fixed cases for tests, see :func:`named_case`."""

FACES: Final[tuple[str, ...]] = ("astronaut", "grace_hopper")
"""Card/selfie faces used: two different real people (dlib distance about 0.70)."""

_DEJAVU: Final = "/usr/share/fonts/truetype/dejavu"
_LIBERATION: Final = "/usr/share/fonts/truetype/liberation2"
_NOTO: Final = "/usr/share/fonts/truetype/noto"

FONT_FAMILIES: Final[dict[str, tuple[str, str]]] = {
    "DejaVu Sans": (f"{_DEJAVU}/DejaVuSans.ttf", f"{_DEJAVU}/DejaVuSans-Bold.ttf"),
    "DejaVu Sans Condensed": (
        f"{_DEJAVU}/DejaVuSansCondensed.ttf",
        f"{_DEJAVU}/DejaVuSansCondensed-Bold.ttf",
    ),
    "DejaVu Serif": (f"{_DEJAVU}/DejaVuSerif.ttf", f"{_DEJAVU}/DejaVuSerif-Bold.ttf"),
    "Liberation Sans": (
        f"{_LIBERATION}/LiberationSans-Regular.ttf",
        f"{_LIBERATION}/LiberationSans-Bold.ttf",
    ),
    "Liberation Serif": (
        f"{_LIBERATION}/LiberationSerif-Regular.ttf",
        f"{_LIBERATION}/LiberationSerif-Bold.ttf",
    ),
}
"""Latin font families (regular, bold) a card may be printed in, chosen per card."""

DEVANAGARI_FONT: Final[tuple[str, str]] = (
    f"{_NOTO}/NotoSansDevanagari-Regular.ttf",
    f"{_NOTO}/NotoSansDevanagari-Bold.ttf",
)
"""Noto Sans Devanagari (regular, bold) for the Hindi lines."""

_FONT_PACKAGES: Final = {
    _DEJAVU: "fonts-dejavu-core / fonts-dejavu-extra",
    _LIBERATION: "fonts-liberation2",
    _NOTO: "fonts-noto-core",
}
