"""A seeded corpus of varied Aadhaar and PAN card images, genuine and impostor, with claims.

This is the shared test generator of issue 8 section 3: the cards that the claim-guided
matcher and ``bench/ocr_accuracy.py`` are measured on. It draws what real cards look like
(six layouts, several font families and weights, Hindi lines in Noto Sans Devanagari,
distractor numbers and dates, realistic scan and phone-photo damage) and is deliberately
not tuned to any extractor: nothing here knows how the cards are read.

Everything is drawn with Pillow, deterministic from a seed (``random.Random`` seeded with
strings, so independent of ``PYTHONHASHSEED``), with no downloads. Face photos are the
real photographs that installed packages ship (:func:`kyc.tests.cards.face_photo`:
scikit-image's astronaut, matplotlib's grace_hopper); selfies are
:func:`kyc.tests.cards.selfie_of`.

Fonts (Debian packages): ``fonts-dejavu-core`` (DejaVu Sans, Serif), ``fonts-dejavu-extra``
(DejaVu Sans Condensed), ``fonts-liberation2`` (Liberation Sans, Serif) and
``fonts-noto-core`` (Noto Sans Devanagari, for the Hindi lines). Pillow must have Raqm
(``PIL.features.check("raqm")``) to shape Devanagari; the pip wheels do.

Typical use::

    for card in generate_corpus(per_cell=5):       # 6 layouts x 7 conditions x 5 + impostors
        image = card.image()                       # rendered + damaged, RGB
        selfie = card.selfie()
        decide(card.claim, image, selfie)          # compare with card.kind / card.printed

Cards are frozen dataclasses; ``image()`` renders lazily (a small LRU cache keeps the last
few) and always returns a new image the caller may modify.

Vocabulary:

- **claim**: what the customer typed on the form (:class:`Claim`). For ``GENUINE`` cards it
  is the same person as the card, typed as people type: another case, the dot of an
  initial omitted or added (``K. Chandrasekhar`` / ``K Chandrasekhar``, ``A.P.J.`` /
  ``A P J`` / ``APJ``), a hyphen typed as a space (``Mary Ann``), an apostrophe typed as
  ``’`` or left out (``Dsouza``), the number with or without spaces. A human checker would
  accept every genuine claim as the same name, date and number.
- **printed**: what is printed on the card (:class:`Printed`), the ground truth for field
  accuracy. ``Printed.name`` is the English name exactly as printed (upper case on PAN).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import io
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps
from stdnum import verhoeff

from kyc.tests import cards

__all__ = [
    "CONDITIONS",
    "FONT_FAMILIES",
    "ID_TYPE_OF_LAYOUT",
    "IMPOSTOR_KINDS",
    "KINDS",
    "LAYOUTS",
    "NAMED_CASES",
    "Claim",
    "CorpusCard",
    "Printed",
    "damage",
    "fast_slice",
    "generate_corpus",
    "loose_name",
    "named_case",
    "render",
]

# --------------------------------------------------------------------------------------
# Public vocabulary
# --------------------------------------------------------------------------------------

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

# --------------------------------------------------------------------------------------
# Data model
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """What the customer typed on the KYC form.

    Attributes:
        full_name: as typed, e.g. "K Chandrasekhar", "rahul k sharma", "Anita D’Souza".
        date_of_birth: the customer's full date of birth (also on ``year_only`` cards).
        id_type: "AADHAAR" or "PAN".
        id_number: as typed: Aadhaar "234567890124", "2345 6789 0124" or "2345-6789-0124";
            PAN "ABCPE1234F" or "abcpe1234f". Always checksum-valid (stdnum).
    """

    full_name: str
    date_of_birth: datetime.date
    id_type: str
    id_number: str


@dataclass(frozen=True)
class Printed:
    """What is printed on the card: the ground truth for field accuracy.

    Attributes:
        name: the English name exactly as printed ("Rahul K Sharma"; PAN: "RAHUL K SHARMA").
        date_of_birth: printed full date, or None on ``year_only`` cards.
        year_of_birth: the printed year on ``year_only`` cards ("Year of Birth : 1987"),
            else None.
        id_number: normalised, no spaces: 12 digits (Aadhaar) or 10 upper-case
            characters (PAN).
        father_name: PAN father's name as printed (upper case); e-Aadhaar relative of the
            S/O, D/O or C/O line; None on Aadhaar fronts.
        gender: "MALE" / "FEMALE" on Aadhaar cards (printed as "MALE", "Male", "पुरुष/ MALE"
            ...), None on PAN.
        hindi_name: the Devanagari name line if printed, else None.
    """

    name: str
    date_of_birth: datetime.date | None
    year_of_birth: int | None
    id_number: str
    father_name: str | None
    gender: str | None
    hindi_name: str | None


@dataclass(frozen=True)
class CorpusCard:
    """One case of the corpus: a card (rendered lazily), the claim and the selfie.

    Attributes:
        card_id: stable id, e.g. "pan_new.blur.GENUINE.3" or "named.bare_initial".
        layout: one of :data:`LAYOUTS`.
        condition: one of :data:`CONDITIONS`.
        kind: one of :data:`KINDS`.
        id_type: "AADHAAR" or "PAN".
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
        e-Aadhaar crop; larger for ``rotated`` (expanded canvas) and ``photo_on_table``
        (4:3 frame, card filling 70-85 % of it). Deterministic; a new copy each call.
        """
        return _damaged_cached(self).copy()

    def selfie(self) -> Image.Image:
        """Return a selfie of ``selfie_face`` (:func:`cards.selfie_of`), RGB."""
        return _selfie_cached(self.selfie_face).copy()


# --------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------

_HINDI: Final[dict[str, str]] = {
    # north Indian given names (male / female), middles, surnames
    "Rahul": "राहुल", "Amit": "अमित", "Rajesh": "राजेश", "Sanjay": "संजय", "Vijay": "विजय",
    "Anil": "अनिल", "Sunil": "सुनील", "Manoj": "मनोज", "Deepak": "दीपक", "Vikram": "विक्रम",
    "Arjun": "अर्जुन", "Rohit": "रोहित", "Ashok": "अशोक", "Pradeep": "प्रदीप",
    "Nikhil": "निखिल", "Aditya": "आदित्य", "Ravi": "रवि", "Mukesh": "मुकेश", "Alok": "आलोक",
    "Harsh": "हर्ष", "Suresh": "सुरेश", "Ramesh": "रमेश", "Om": "ओम", "Prakash": "प्रकाश",
    "Shyam": "श्याम", "Mahesh": "महेश", "Dinesh": "दिनेश", "Jagdish": "जगदीश",
    "Satish": "सतीश", "Naresh": "नरेश", "Rajendra": "राजेंद्र", "Surendra": "सुरेंद्र",
    "Priya": "प्रिया", "Anjali": "अंजलि", "Sunita": "सुनीता", "Kavita": "कविता",
    "Pooja": "पूजा", "Neha": "नेहा", "Deepika": "दीपिका", "Shalini": "शालिनी", "Rekha": "रेखा",
    "Geeta": "गीता", "Anita": "अनीता", "Sneha": "स्नेहा", "Ritu": "रितु", "Swati": "स्वाति",
    "Nisha": "निशा",
    "Kumar": "कुमार", "Prasad": "प्रसाद", "Chandra": "चंद्र", "Nath": "नाथ", "Mohan": "मोहन",
    "Lal": "लाल", "Pratap": "प्रताप", "Narayan": "नारायण", "Kumari": "कुमारी", "Devi": "देवी",
    "Rani": "रानी",
    "Sharma": "शर्मा", "Verma": "वर्मा", "Gupta": "गुप्ता", "Agarwal": "अग्रवाल",
    "Mishra": "मिश्रा", "Tiwari": "तिवारी", "Pandey": "पांडे", "Yadav": "यादव",
    "Chauhan": "चौहान", "Joshi": "जोशी", "Patel": "पटेल", "Shah": "शाह", "Mehta": "मेहता",
    "Jain": "जैन", "Kapoor": "कपूर", "Malhotra": "मल्होत्रा", "Kulkarni": "कुलकर्णी",
    "Deshpande": "देशपांडे", "Patil": "पाटिल", "Srivastava": "श्रीवास्तव",
    "Chaturvedi": "चतुर्वेदी", "Bhatt": "भट्ट", "Rathore": "राठौर",
    # south Indian
    "Chandrasekhar": "चंद्रशेखर", "Venkatesh": "वेंकटेश", "Srinivas": "श्रीनिवास",
    "Murugan": "मुरुगन", "Senthil": "सेंथिल", "Balaji": "बालाजी", "Karthik": "कार्तिक",
    "Ganesh": "गणेश", "Anand": "आनंद", "Arun": "अरुण", "Vignesh": "विग्नेश",
    "Saravanan": "सरवनन", "Raghavan": "राघवन",
    "Lakshmi": "लक्ष्मी", "Revathi": "रेवती", "Selvi": "सेल्वी", "Padma": "पद्मा",
    "Kamala": "कमला", "Meenakshi": "मीनाक्षी", "Shanthi": "शांति", "Kavya": "काव्या",
    "Divya": "दिव्या", "Sangeetha": "संगीता", "Bhavani": "भवानी", "Anitha": "अनिता",
    "Arumugam": "अरुमुगम", "Balasubramanian": "बालसुब्रमण्यन", "Chandran": "चंद्रन",
    "Devaraj": "देवराज", "Elango": "इलांगो", "Gopalan": "गोपालन",
    "Harikrishnan": "हरिकृष्णन", "Jayaraman": "जयरामन", "Krishnamurthy": "कृष्णमूर्ति",
    "Lakshmanan": "लक्ष्मणन", "Murugesan": "मुरुगेसन", "Natarajan": "नटराजन",
    "Palaniappan": "पलनियप्पन", "Ramaswamy": "रामास्वामी", "Subramanian": "सुब्रमण्यन",
    "Thyagarajan": "त्यागराजन", "Venkataraman": "वेंकटरमन",
    "Reddy": "रेड्डी", "Naidu": "नायडू", "Iyer": "अय्यर", "Iyengar": "अयंगर", "Nair": "नायर",
    "Menon": "मेनन", "Pillai": "पिल्लै", "Rao": "राव", "Shetty": "शेट्टी", "Gowda": "गौड़ा",
    "Hegde": "हेगड़े",
    "Venkata": "वेंकट", "Sai": "साई", "Sri": "श्री", "Naga": "नागा", "Satya": "सत्य",
    "Siva": "शिव", "Surya": "सूर्य", "Rama": "राम", "Krishna": "कृष्णा", "Ramana": "रमणा",
    "Kiran": "किरण",
    # muslim
    "Mohammed": "मोहम्मद", "Imran": "इमरान", "Farhan": "फरहान", "Salman": "सलमान",
    "Irfan": "इरफान", "Asif": "आसिफ", "Zaheer": "जहीर", "Abdul": "अब्दुल", "Rahim": "रहीम",
    "Ali": "अली", "Hussain": "हुसैन", "Aslam": "असलम", "Fatima": "फातिमा", "Ayesha": "आयशा",
    "Zainab": "जैनब", "Nasreen": "नसरीन", "Shabana": "शबाना", "Rukhsar": "रुखसार",
    "Bano": "बानो", "Begum": "बेगम", "Khan": "खान", "Ahmed": "अहमद", "Qureshi": "कुरैशी",
    "Siddiqui": "सिद्दीकी", "Shaikh": "शेख", "Ansari": "अंसारी",
    # sikh
    "Gurpreet": "गुरप्रीत", "Harpreet": "हरप्रीत", "Manpreet": "मनप्रीत",
    "Jaswinder": "जसविंदर", "Amarjeet": "अमरजीत", "Balwinder": "बलविंदर",
    "Kuldeep": "कुलदीप", "Simran": "सिमरन", "Jaspreet": "जसप्रीत", "Manjeet": "मनजीत",
    "Navneet": "नवनीत", "Singh": "सिंह", "Kaur": "कौर", "Pal": "पाल", "Gill": "गिल",
    "Sandhu": "संधू", "Bedi": "बेदी", "Dhillon": "ढिल्लों", "Grewal": "ग्रेवाल",
    # christian
    "John": "जॉन", "Joseph": "जोसेफ", "Thomas": "थॉमस", "Anthony": "एंथनी",
    "George": "जॉर्ज", "Francis": "फ्रांसिस", "Jose": "जोस", "Mary": "मैरी",
    "Mary-Ann": "मैरी-ऐन", "Teresa": "टेरेसा", "Grace": "ग्रेस", "Rose-Mary": "रोज-मैरी",
    "Jessy": "जेसी", "Fernandes": "फर्नांडिस", "D'Souza": "डिसूजा", "D'Costa": "डिकोस्टा",
    "D'Mello": "डिमेलो", "Mathew": "मैथ्यू", "Kurian": "कुरियन", "Pereira": "परेरा",
    "Rodrigues": "रोड्रिग्स", "Varghese": "वर्गीज",
    # bengali
    "Sourav": "सौरव", "Arindam": "अरिंदम", "Subhash": "सुभाष", "Debashish": "देबाशीष",
    "Partha": "पार्थ", "Sudip": "सुदीप", "Rituparna": "ऋतुपर्णा", "Moumita": "मौमिता",
    "Sharmila": "शर्मिला", "Anindita": "अनिंदिता", "Sudeshna": "सुदेष्णा",
    "Chatterjee": "चटर्जी", "Banerjee": "बनर्जी", "Mukherjee": "मुखर्जी", "Das": "दास",
    "Bose": "बोस", "Ghosh": "घोष", "Sengupta": "सेनगुप्ता", "Bhattacharya": "भट्टाचार्य",
    "Dutta": "दत्ता", "Roy-Chowdhury": "रॉय-चौधरी",
    # a few residents from elsewhere
    "Kevin": "केविन", "O'Brien": "ओब्रायन", "Anna-Lena": "अन्ना-लेना", "Schmidt": "श्मिट",
    "Li": "ली", "Wei": "वेई", "Maria": "मारिया", "Gonzalez": "गोंजालेज", "Barack": "बराक",
    "Obama": "ओबामा", "Jean-Pierre": "ज्यां-पियरे", "Dubois": "दुबोइस", "Yuki": "युकी",
    "Tanaka": "तनाका", "Al-Farsi": "अल-फारसी", "Kalam": "कलाम", "Patrick": "पैट्रिक",
    "Michael": "माइकल", "Peter": "पीटर", "David": "डेविड", "Hiroshi": "हिरोशी", "Jun": "जुन",
    "Carlos": "कार्लोस",
}  # fmt: skip

_HINDI_LETTERS: Final[dict[str, str]] = {
    "A": "ए", "B": "बी", "C": "सी", "D": "डी", "E": "ई", "F": "एफ", "G": "जी", "H": "एच",
    "I": "आई", "J": "जे", "K": "के", "L": "एल", "M": "एम", "N": "एन", "O": "ओ", "P": "पी",
    "R": "आर", "S": "एस", "T": "टी", "U": "यू", "V": "वी", "Y": "वाई",
}  # fmt: skip

_NORTH_M = (
    "Rahul Amit Rajesh Sanjay Vijay Anil Sunil Manoj Deepak Vikram Arjun Rohit Ashok "
    "Pradeep Nikhil Aditya Ravi Mukesh Alok Harsh Suresh Ramesh"
).split()
_NORTH_F = (
    "Priya Anjali Sunita Kavita Pooja Neha Deepika Shalini Rekha Geeta Anita Sneha Ritu Swati Nisha"
).split()
_NORTH_FATHER = (
    "Om Prakash Shyam Mahesh Dinesh Jagdish Satish Naresh Rajendra Surendra Ramesh "
    "Suresh Ashok Mukesh Anil"
).split()
_NORTH_MID_M = "Kumar Prasad Chandra Nath Mohan Lal Pratap Narayan".split()
_NORTH_MID_F = "Kumari Devi Rani".split()
_NORTH_SUR = (
    "Sharma Verma Gupta Agarwal Mishra Tiwari Pandey Yadav Chauhan Joshi Patel Shah "
    "Mehta Jain Kapoor Malhotra Kulkarni Deshpande Patil Srivastava Chaturvedi "
    "Bhatt"
).split()
_SOUTH_M = (
    "Chandrasekhar Venkatesh Srinivas Murugan Senthil Balaji Karthik Ganesh Anand Arun "
    "Vignesh Saravanan Raghavan Prakash Suresh"
).split()
_SOUTH_F = (
    "Lakshmi Revathi Selvi Padma Kamala Meenakshi Shanthi Kavya Divya Sangeetha Bhavani Anitha"
).split()
_SOUTH_FATHER = (
    "Arumugam Balasubramanian Chandran Devaraj Elango Gopalan Harikrishnan "
    "Jayaraman Krishnamurthy Lakshmanan Murugesan Natarajan Palaniappan Ramaswamy "
    "Subramanian Thyagarajan Venkataraman"
).split()
_SOUTH_SUR = "Reddy Naidu Iyer Iyengar Nair Menon Pillai Rao Shetty Gowda Hegde".split()
_SOUTH_PREFIX = "Venkata Sai Sri Naga Satya Siva Surya Rama".split()
_SOUTH_ENDING = "Prasad Kumar Krishna Ramana Kiran".split()
_MUSLIM_M = "Mohammed Imran Farhan Salman Irfan Asif Zaheer".split()
_MUSLIM_MID = "Abdul Rahim Ali Hussain Aslam".split()
_MUSLIM_F = "Fatima Ayesha Zainab Nasreen Shabana Rukhsar".split()
_MUSLIM_SUR = "Khan Ahmed Qureshi Siddiqui Shaikh Ansari".split()
_SIKH_M = "Gurpreet Harpreet Manpreet Jaswinder Amarjeet Balwinder Kuldeep".split()
_SIKH_F = "Harpreet Simran Jaspreet Manjeet Navneet".split()
_SIKH_FAMILY = "Gill Sandhu Bedi Dhillon Grewal".split()
_CHRISTIAN_M = "John Joseph Thomas Anthony George Francis Jose".split()
_CHRISTIAN_F = "Mary Mary-Ann Teresa Grace Rose-Mary Jessy Anita".split()
_CHRISTIAN_SUR = (
    "Fernandes D'Souza D'Costa D'Mello Mathew Kurian Pereira Rodrigues Varghese Thomas"
).split()
_BENGALI_M = "Sourav Arindam Subhash Debashish Partha Sudip".split()
_BENGALI_F = "Rituparna Moumita Sharmila Anindita Sudeshna".split()
_BENGALI_SUR = (
    "Chatterjee Banerjee Mukherjee Das Bose Ghosh Sengupta Bhattacharya Dutta Roy-Chowdhury"
).split()
_FOREIGN: Final = (
    ("MALE", ("Kevin", "O'Brien")),
    ("FEMALE", ("Anna-Lena", "Schmidt")),
    ("MALE", ("Li", "Wei")),
    ("FEMALE", ("Maria", "Gonzalez")),
    ("MALE", ("Barack", "H", "Obama")),
    ("MALE", ("Jean-Pierre", "Dubois")),
    ("FEMALE", ("Yuki", "Tanaka")),
    ("MALE", ("Ahmed", "Al-Farsi")),
)
_FOREIGN_FATHER = "Patrick Michael Peter David Hiroshi Jun Carlos".split()
_INITIALS = "ABCDGHJKLMNPRSTV"

Token = tuple[str, str]
"""("w", "Sharma") for a word, ("i", "K") for an initial."""

INIT_STYLES: Final = ("bare", "dot", "dotjoin", "join")
"""How runs of initials are written: "R K", "R. K.", "R.K.", "RK" (``join`` is typed only)."""


@dataclass(frozen=True)
class _Person:
    tokens: tuple[Token, ...]
    gender: str
    dob: datetime.date
    father: tuple[Token, ...]


def _w(*words: str) -> tuple[Token, ...]:
    return tuple(("i", x) if len(x) == 1 else ("w", x) for x in words)


def _father_with_initial(rng: random.Random, letter: str) -> str:
    starting = [n for n in _SOUTH_FATHER if n.startswith(letter)]
    return rng.choice(starting or _SOUTH_FATHER)


def _random_name(rng: random.Random, gender: str) -> tuple[tuple[Token, ...], tuple[Token, ...]]:
    """Return (holder tokens, father tokens), 1-4 words, from one naming tradition."""
    male = gender == "MALE"
    community = rng.choices(
        ("north", "south", "muslim", "sikh", "christian", "bengali", "foreign"),
        weights=(30, 25, 12, 8, 10, 10, 5),
    )[0]
    r = rng.random()
    if community == "north":
        given = rng.choice(_NORTH_M if male else _NORTH_F)
        sur = rng.choice(_NORTH_SUR)
        father = _w(rng.choice(_NORTH_FATHER), sur)
        if r < 0.48:
            return _w(given, sur), father
        if r < 0.66:
            return _w(given, rng.choice(_NORTH_MID_M if male else _NORTH_MID_F), sur), father
        if r < 0.84:
            return _w(given, rng.choice(_INITIALS), sur), father
        if r < 0.93 and male:  # "Vikram Pratap Singh Chauhan"
            mid = rng.choice(("Pratap", "Kumar", "Narayan", "Mohan"))
            return _w(given, mid, "Singh", rng.choice(("Chauhan", "Yadav", "Rathore"))), father
        a, b = rng.sample(_INITIALS, 2)
        return _w(a, b, sur), father
    if community == "south":
        pool = _SOUTH_M if male else _SOUTH_F
        given = rng.choice(pool)
        if r < 0.28:  # "K Chandrasekhar": the initial is the father's name
            letter = rng.choice(_INITIALS)
            return _w(letter, given), _w(_father_with_initial(rng, letter))
        if r < 0.38:  # "R. K. Narayan": place/grandfather and father initials
            a, b = rng.choice(_INITIALS), rng.choice(_INITIALS)
            return _w(a, b, given), _w(a, _father_with_initial(rng, b))
        if r < 0.45:  # "Karthik R": Tamil initial after the name
            letter = rng.choice(_INITIALS)
            return _w(given, letter), _w(_father_with_initial(rng, letter))
        if r < 0.62:  # single-word name
            return _w(given), _w(rng.choice(_SOUTH_FATHER))
        sur = rng.choice(_SOUTH_SUR)
        father = _w(rng.choice(_SOUTH_PREFIX), rng.choice(_SOUTH_ENDING), sur)
        if r < 0.84:
            return _w(given, sur), father
        if r < 0.95:  # "Venkata Sai Krishna Reddy" / "Sri Lakshmi Devi Reddy"
            first, second = rng.sample(_SOUTH_PREFIX, 2)
            if male:
                return _w(first, second, rng.choice(_SOUTH_ENDING), sur), father
            return _w(first, rng.choice(_SOUTH_F), "Devi", sur), father
        a, b, c = rng.sample(_INITIALS, 3)  # "A.P.J. Abdul Kalam"-like
        return _w(a, b, c, given, sur), father
    if community == "muslim":
        sur = rng.choice(_MUSLIM_SUR)
        father = _w(rng.choice(_MUSLIM_M), rng.choice(_MUSLIM_MID), sur)
        if male:
            given = rng.choice(_MUSLIM_M)
            if r < 0.45:
                return _w(given, sur), father
            if r < 0.75:
                mid = rng.choice([m for m in _MUSLIM_MID + _MUSLIM_M if m != given])
                return _w(given, mid, sur), father
            if r < 0.9:
                return _w(
                    "Mohammed", "Abdul", rng.choice(("Rahim", "Aslam", "Hussain")), sur
                ), father
            return _w(given, rng.choice(_INITIALS), sur), father
        given = rng.choice(_MUSLIM_F)
        if r < 0.55:
            return _w(given, sur), father
        if r < 0.8:
            return _w(given, rng.choice(("Bano", "Begum"))), father
        return _w(given, "Bano", sur), father
    if community == "sikh":
        family = rng.choice(_SIKH_FAMILY)
        father = _w(rng.choice(_SIKH_M), "Singh", *((family,) if r >= 0.55 else ()))
        given = rng.choice(_SIKH_M if male else _SIKH_F)
        tag = "Singh" if male else "Kaur"
        if r < 0.55:
            return _w(given, tag), father
        if r < 0.9 or not male:
            return _w(given, tag, family), father
        return _w(given, "Pal", "Singh", family), father
    if community == "christian":
        sur = rng.choice(_CHRISTIAN_SUR)
        father = _w(rng.choice(_CHRISTIAN_M), sur)
        given = rng.choice(_CHRISTIAN_M if male else _CHRISTIAN_F)
        if r < 0.6:
            return _w(given, sur), father
        if r < 0.85:
            mid = rng.choice([m for m in _CHRISTIAN_M if m != given and m != sur])
            return _w(given, mid, sur), father
        return _w(given, rng.choice(_INITIALS), sur), father
    if community == "bengali":
        sur = rng.choice(_BENGALI_SUR)
        father = _w(rng.choice(_BENGALI_M), sur)
        given = rng.choice(_BENGALI_M if male else _BENGALI_F)
        if r < 0.7:
            return _w(given, sur), father
        if r < 0.85 and male:
            return _w(given, "Kumar", sur), father
        return _w(given, rng.choice(_INITIALS), sur), father
    matching = [words for g, words in _FOREIGN if g == gender]
    words = rng.choice(matching)
    return _w(*words), _w(rng.choice(_FOREIGN_FATHER), words[-1])


def _random_dob(rng: random.Random) -> datetime.date:
    start = datetime.date(1940, 1, 1).toordinal()
    end = datetime.date(2006, 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(start, end))


def _random_person(rng: random.Random) -> _Person:
    gender = rng.choice(("MALE", "FEMALE"))
    while True:
        tokens, father = _random_name(rng, gender)
        given = [w for kind, w in tokens if kind == "w"][:1]
        if [w for kind, w in father if kind == "w"][:1] != given:  # father not "Asif Khan" too
            break
    return _Person(tokens=tokens, gender=gender, dob=_random_dob(rng), father=father)


def format_name(tokens: Sequence[Token], init_style: str = "bare", *, hindi: bool = False) -> str:
    """Write name tokens as text; runs of initials in ``init_style`` (:data:`INIT_STYLES`).

    ``hindi=True`` writes the Devanagari name (initials as letter names, "K" → "के").
    """
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i][0] != "i":
            word = tokens[i][1]
            out.append(_HINDI[word] if hindi else word)
            i += 1
            continue
        run: list[str] = []
        while i < len(tokens) and tokens[i][0] == "i":
            run.append(_HINDI_LETTERS[tokens[i][1]] if hindi else tokens[i][1])
            i += 1
        if init_style == "bare":
            out.extend(run)
        elif init_style == "dot":
            out.extend(f"{letter}." for letter in run)
        elif init_style == "dotjoin":
            out.append("".join(f"{letter}." for letter in run))
        elif init_style == "join":
            out.append("".join(run))
        else:
            raise ValueError(f"unknown initial style {init_style!r}")
    return " ".join(out)


def loose_name(text: str) -> str:
    """Case-, space- and punctuation-free form of a name: letters only, casefolded.

    Every genuine claim has the same ``loose_name`` as the printed name
    ("A.P.J. ABDUL KALAM" and "apj abdul kalam" → "apjabdulkalam").
    """
    return "".join(ch for ch in text.casefold() if ch.isalpha())


def _max_initial_run(tokens: Sequence[Token]) -> int:
    best = run = 0
    for kind, _ in tokens:
        run = run + 1 if kind == "i" else 0
        best = max(best, run)
    return best


def _printed_init_style(rng: random.Random, tokens: Sequence[Token]) -> str:
    run = _max_initial_run(tokens)
    if run >= 3:
        return "dotjoin"  # "A.P.J."; three bare initials are not printed that way
    if run == 2:
        return rng.choices(("bare", "dot", "dotjoin"), weights=(40, 40, 20))[0]
    return rng.choice(("bare", "dot"))


def _typed_name(
    rng: random.Random, tokens: Sequence[Token], printed_style: str, *, pan: bool
) -> str:
    """The name as a customer types it: same person, human-acceptable variations."""
    style = printed_style
    run = _max_initial_run(tokens)
    if run and rng.random() < 0.45:
        choices = ("bare", "dot") if run == 1 else INIT_STYLES
        style = rng.choice([s for s in choices if s != printed_style] or [printed_style])
    text = format_name(tokens, style)
    if "-" in text and rng.random() < 0.4:
        text = text.replace("-", " ")
    if "'" in text:
        r = rng.random()
        if r < 0.2:
            text = text.replace("'", "\u2019")  # phones' smart apostrophe
        elif r < 0.4:
            text = text.replace("'", "")
    r = rng.random()
    if r < (0.75 if pan else 0.72):
        return text
    if r < (0.93 if pan else 0.86):
        return text.upper()
    return text.lower()


def _distinct_person(rng: random.Random, person: _Person) -> _Person:
    words = {loose_name(w) for kind, w in person.tokens if kind == "w"}
    while True:
        other = _random_person(rng)
        other_words = {loose_name(w) for kind, w in other.tokens if kind == "w"}
        if (
            other_words
            and not (other_words & words)
            and loose_name(format_name(other.tokens)) != loose_name(format_name(person.tokens))
        ):
            return other


# --------------------------------------------------------------------------------------
# Numbers and dates
# --------------------------------------------------------------------------------------


def _random_aadhaar(rng: random.Random) -> str:
    prefix = str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(10))
    return cards.valid_aadhaar(prefix)


def _random_vid(rng: random.Random) -> str:
    prefix = str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(14))
    return prefix + verhoeff.calc_check_digit(prefix)


def _surname_initial(tokens: Sequence[Token]) -> str:
    return tokens[-1][1][0].upper()


def _random_pan(rng: random.Random, tokens: Sequence[Token]) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    head = "".join(rng.choice(letters) for _ in range(3))
    digits = f"{rng.randint(1, 9999):04d}"
    return f"{head}P{_surname_initial(tokens)}{digits}{rng.choice(letters)}"


def _one_off(rng: random.Random, number: str, id_type: str) -> str:
    """``number`` with exactly one position changed (see ``IMPOSTOR_NUMBER``)."""
    chars = list(number)
    if id_type == "AADHAAR":
        pos = rng.randrange(12)
        lowest = 2 if pos == 0 else 0
        chars[pos] = rng.choice([str(d) for d in range(lowest, 10) if str(d) != chars[pos]])
        return "".join(chars)
    pos = rng.choice((0, 1, 2, 5, 6, 7, 8, 9))  # never the holder type or surname letter
    if pos in (5, 6, 7, 8):
        while True:
            chars[pos] = rng.choice([d for d in "0123456789" if d != number[pos]])
            if "".join(chars)[5:9] != "0000":
                break
    else:
        chars[pos] = rng.choice([c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c != number[pos]])
    return "".join(chars)


def _typed_number(rng: random.Random, number: str, id_type: str) -> str:
    if id_type == "AADHAAR":
        groups = [number[i : i + 4] for i in range(0, 12, 4)]
        r = rng.random()
        if r < 0.55:
            return number
        if r < 0.95:
            return " ".join(groups)
        return "-".join(groups)
    return number if rng.random() < 0.85 else number.lower()


def _other_dob(rng: random.Random, dob: datetime.date) -> datetime.date:
    while True:
        year = dob.year + rng.choice((-1, 1)) * rng.randint(1, 12)
        if not 1940 <= year <= 2006:
            continue
        day = dob.day if rng.random() < 0.3 else rng.randint(1, 28)
        month = dob.month if rng.random() < 0.3 else rng.randint(1, 12)
        try:
            other = datetime.date(year, month, day)
        except ValueError:
            continue
        return other


def _dmy(date: datetime.date, sep: str = "/") -> str:
    return f"{date:%d}{sep}{date:%m}{sep}{date:%Y}"


def _grouped(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


# --------------------------------------------------------------------------------------
# Building cases
# --------------------------------------------------------------------------------------

_YEAR_ONLY_RATE: Final = {"aadhaar_english": 0.2, "aadhaar_bilingual": 0.1}
_HINDI_NAME_RATE: Final = {
    "aadhaar_bilingual": 1.0,
    "eaadhaar_letter": 0.5,
    "aadhaar_photo_right": 0.4,
}


def _build(
    *,
    key: str,
    card_id: str,
    layout: str,
    condition: str,
    kind: str,
    person: _Person | None = None,
    init_style: str | None = None,
    claim_name: str | None = None,
    year_only: bool | None = None,
) -> CorpusCard:
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose from {LAYOUTS}")
    if condition not in CONDITIONS:
        raise ValueError(f"unknown condition {condition!r}; choose from {CONDITIONS}")
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; choose from {KINDS}")
    rng = random.Random(f"content:{key}")
    id_type = ID_TYPE_OF_LAYOUT[layout]
    pan = id_type == "PAN"
    customer = person or _random_person(rng)
    holder = _distinct_person(rng, customer) if kind == "IMPOSTOR_NAME" else customer
    style = init_style or _printed_init_style(rng, holder.tokens)
    name = format_name(holder.tokens, style)
    father = format_name(holder.father, _printed_init_style(rng, holder.father))
    if year_only is None:
        year_only = rng.random() < _YEAR_ONLY_RATE.get(layout, 0.0)
    hindi = None
    if rng.random() < _HINDI_NAME_RATE.get(layout, 0.0):
        hindi = format_name(holder.tokens, style, hindi=True)
    number = _random_pan(rng, holder.tokens) if pan else _random_aadhaar(rng)
    printed_number = _one_off(rng, number, id_type) if kind == "IMPOSTOR_NUMBER" else number
    printed_dob = _other_dob(rng, holder.dob) if kind == "IMPOSTOR_DOB" else holder.dob
    face = rng.choice(FACES)
    selfie_face = face
    if kind == "IMPOSTOR_FACE":
        selfie_face = next(f for f in FACES if f != face)
    if claim_name is None:
        claim_name = _typed_name(rng, customer.tokens, style, pan=pan)
    claim = Claim(
        full_name=claim_name,
        date_of_birth=holder.dob,
        id_type=id_type,
        id_number=_typed_number(rng, number, id_type),
    )
    printed = Printed(
        name=name.upper() if pan else name,
        date_of_birth=None if year_only else printed_dob,
        year_of_birth=printed_dob.year if year_only else None,
        id_number=printed_number,
        father_name=(father.upper() if pan else father)
        if layout in ("pan_old", "pan_new", "eaadhaar_letter")
        else None,
        gender=None if pan else holder.gender,
        hindi_name=hindi,
    )
    return CorpusCard(
        card_id=card_id,
        layout=layout,
        condition=condition,
        kind=kind,
        id_type=id_type,
        claim=claim,
        printed=printed,
        face=face,
        selfie_face=selfie_face,
        year_only=year_only,
        render_seed=f"render:{key}",
    )


def _case(seed: int, layout: str, condition: str, kind: str, serial: int) -> CorpusCard:
    card_id = f"{layout}.{condition}.{kind}.{serial}"
    return _build(
        key=f"{seed}:{card_id}", card_id=card_id, layout=layout, condition=condition, kind=kind
    )


def generate_corpus(
    *,
    seed: int = 2026,
    per_cell: int = 1,
    layouts: Sequence[str] = LAYOUTS,
    conditions: Sequence[str] = CONDITIONS,
    impostors_per_layout: int = 8,
) -> list[CorpusCard]:
    """Return the corpus: genuine cards per layout x condition, plus impostors.

    Args:
        seed: corpus seed; the same arguments always give the same cards and images.
        per_cell: genuine cards per (layout, condition) cell.
        layouts: subset of :data:`LAYOUTS`.
        conditions: subset of :data:`CONDITIONS`.
        impostors_per_layout: impostor cards per layout, cycling through
            :data:`IMPOSTOR_KINDS` and spread over ``conditions`` (shifted per layout so
            every kind meets every condition across layouts).

    Returns:
        ``len(layouts) * len(conditions) * per_cell`` genuine cards (ids
        "<layout>.<condition>.GENUINE.<i>") followed by ``len(layouts) *
        impostors_per_layout`` impostors ("<layout>.<condition>.<kind>.<j>"). A card's
        content depends only on ``seed`` and its id: raising ``per_cell`` keeps the
        existing cards. Default ``per_cell=5``-style use: 6 x 7 x 5 = 210 genuine + 48
        impostors = 258 cards.
    """
    if per_cell < 0 or impostors_per_layout < 0:
        raise ValueError("per_cell and impostors_per_layout must be >= 0")
    result = [
        _case(seed, layout, condition, "GENUINE", i)
        for layout in layouts
        for condition in conditions
        for i in range(per_cell)
    ]
    for li, layout in enumerate(layouts):
        for j in range(impostors_per_layout):
            kind = IMPOSTOR_KINDS[j % len(IMPOSTOR_KINDS)]
            condition = conditions[(j + li) % len(conditions)]
            result.append(_case(seed, layout, condition, kind, j))
    return result


_FAST_IMPOSTORS: Final = (
    ("aadhaar_english", "clean", "IMPOSTOR_NAME"),
    ("pan_new", "jpeg35", "IMPOSTOR_NAME"),
    ("aadhaar_bilingual", "clean", "IMPOSTOR_NUMBER"),
    ("pan_old", "blur", "IMPOSTOR_NUMBER"),
    ("eaadhaar_letter", "clean", "IMPOSTOR_DOB"),
    ("aadhaar_photo_right", "uneven_light", "IMPOSTOR_FACE"),
)


def fast_slice(seed: int = 2026) -> list[CorpusCard]:
    """Return 24 cards for the test suite: every layout, condition and kind.

    Per layout (index ``i`` in :data:`LAYOUTS`) three genuine cards: ``clean``,
    ``CONDITIONS[1 + i % 6]`` and ``CONDITIONS[1 + (i + 3) % 6]`` (the same cards as
    :func:`generate_corpus` with the same seed, serial 0); then six impostors: name and
    number on both an Aadhaar and a PAN layout, DOB on the e-Aadhaar letter, face on
    the photo-right Aadhaar (clean and damaged).
    """
    result: list[CorpusCard] = []
    for i, layout in enumerate(LAYOUTS):
        for condition in ("clean", CONDITIONS[1 + i % 6], CONDITIONS[1 + (i + 3) % 6]):
            result.append(_case(seed, layout, condition, "GENUINE", 0))
    for layout, condition, kind in _FAST_IMPOSTORS:
        result.append(_case(seed, layout, condition, kind, 0))
    return result


_NAMED: Final[dict[str, dict[str, object]]] = {
    "bare_initial": {
        "layout": "aadhaar_english", "tokens": _w("Rahul", "K", "Sharma"), "gender": "MALE",
        "style": "bare", "claim": "Rahul K Sharma", "year_only": False,
    },
    "dotted_initial": {
        "layout": "aadhaar_english", "tokens": _w("K", "Chandrasekhar"), "gender": "MALE",
        "style": "dot", "claim": "K Chandrasekhar", "year_only": False,
        "father": _w("Krishnamurthy"),
    },
    "four_word_name": {
        "layout": "pan_new", "tokens": _w("Mohammed", "Abdul", "Rahim", "Qureshi"),
        "gender": "MALE", "style": "bare", "claim": "Mohammed Abdul Rahim Qureshi",
        "father": _w("Abdul", "Aslam", "Qureshi"),
    },
    "bilingual": {
        "layout": "aadhaar_bilingual", "tokens": _w("Priya", "Sharma"), "gender": "FEMALE",
        "style": "bare", "claim": "Priya Sharma", "year_only": False,
    },
    "single_word_name": {
        "layout": "aadhaar_english", "tokens": _w("Murugan"), "gender": "MALE",
        "style": "bare", "claim": "Murugan", "year_only": False, "father": _w("Arumugam"),
    },
    "year_of_birth_only": {
        "layout": "aadhaar_english", "tokens": _w("Sunita", "Devi"), "gender": "FEMALE",
        "style": "bare", "claim": "Sunita Devi", "year_only": True,
    },
    "joined_initials": {
        "layout": "aadhaar_bilingual", "tokens": _w("A", "P", "J", "Abdul", "Kalam"),
        "gender": "MALE", "style": "dotjoin", "claim": "A P J Abdul Kalam", "year_only": False,
    },
    "apostrophe": {
        "layout": "pan_old", "tokens": _w("Anita", "D'Souza"), "gender": "FEMALE",
        "style": "bare", "claim": "Anita D'Souza", "father": _w("Joseph", "D'Souza"),
    },
    "hyphenated": {
        "layout": "eaadhaar_letter", "tokens": _w("Mary-Ann", "Fernandes"), "gender": "FEMALE",
        "style": "bare", "claim": "Mary-Ann Fernandes", "father": _w("Francis", "Fernandes"),
    },
    "pan_old_labels_absent": {
        "layout": "pan_old", "tokens": _w("Harpreet", "Kaur"), "gender": "FEMALE",
        "style": "bare", "claim": "Harpreet Kaur", "father": _w("Balwinder", "Singh"),
    },
}  # fmt: skip


def named_case(name: str) -> CorpusCard:
    """Return a fixed GENUINE, clean case for tests (:data:`NAMED_CASES`).

    - ``bare_initial``: aadhaar_english "Rahul K Sharma", claim "Rahul K Sharma".
    - ``dotted_initial``: aadhaar_english "K. Chandrasekhar", claim "K Chandrasekhar".
    - ``four_word_name``: pan_new "MOHAMMED ABDUL RAHIM QURESHI", claim in title case.
    - ``bilingual``: aadhaar_bilingual "प्रिया शर्मा" / "Priya Sharma".
    - ``single_word_name``: aadhaar_english "Murugan".
    - ``year_of_birth_only``: aadhaar_english "Sunita Devi", "Year of Birth" only.
    - ``joined_initials``: aadhaar_bilingual "A.P.J. Abdul Kalam", claim "A P J Abdul Kalam".
    - ``apostrophe``: pan_old "ANITA D'SOUZA", claim "Anita D'Souza".
    - ``hyphenated``: eaadhaar_letter "Mary-Ann Fernandes".
    - ``pan_old_labels_absent``: pan_old "HARPREET KAUR" (name on its own line).

    DOB, number, face and style are fixed by the case name (deterministic).
    """
    try:
        spec = _NAMED[name]
    except KeyError:
        raise ValueError(f"unknown named case {name!r}; choose from {NAMED_CASES}") from None
    rng = random.Random(f"named-person:{name}")
    tokens = spec["tokens"]
    father = spec.get("father") or _random_name(rng, "MALE")[1]
    person = _Person(tokens=tokens, gender=spec["gender"], dob=_random_dob(rng), father=father)
    return _build(
        key=f"named:{name}",
        card_id=f"named.{name}",
        layout=spec["layout"],
        condition="clean",
        kind="GENUINE",
        person=person,
        init_style=spec["style"],
        claim_name=spec["claim"],
        year_only=spec.get("year_only", False),
    )


# --------------------------------------------------------------------------------------
# Drawing helpers
# --------------------------------------------------------------------------------------

_W: Final = 1000
_H: Final = 630
_PHOTO_ASPECT: Final = 270 / 220

_INKS: Final = ((20, 20, 20), (10, 10, 10), (35, 30, 30), (20, 25, 45), (40, 35, 30))
_AADHAAR_BGS: Final = (
    (255, 255, 255),
    (252, 250, 244),
    (248, 248, 246),
    (255, 252, 240),
    (250, 252, 255),
)
_ORANGES: Final = ((255, 153, 51), (247, 148, 29), (255, 140, 40), (240, 160, 70))
_GREENS: Final = ((19, 136, 8), (30, 140, 60), (0, 120, 40), (60, 150, 70))
_REDS: Final = ((200, 30, 30), (215, 40, 40), (180, 20, 35))
_PAN_BGS: Final = (
    (200, 225, 245),
    (214, 232, 246),
    (190, 215, 238),
    (222, 236, 244),
    (208, 222, 240),
)
_NAVIES: Final = ((25, 45, 110), (20, 40, 90), (40, 60, 120), (30, 30, 80))
_BLUE_INK: Final = ((20, 40, 140), (15, 20, 80), (30, 30, 30))


@functools.lru_cache(maxsize=256)
def _load_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(path, size)
    except OSError as exc:
        folder = path.rsplit("/", 1)[0]
        package = _FONT_PACKAGES.get(folder, "a font package")
        raise RuntimeError(f"font {path} is missing: apt-get install {package}") from exc


def _shade(colour: tuple[int, int, int], delta: int) -> tuple[int, int, int]:
    return tuple(max(0, min(255, c + delta)) for c in colour)  # type: ignore[return-value]


class _Pen:
    """Draws one card's text: its font family, size factor, ink and position jitter."""

    def __init__(self, image: Image.Image, rng: random.Random, *, ink: tuple[int, int, int]):
        self.image = image
        self.draw = ImageDraw.Draw(image)
        self.rng = rng
        self.ink = ink
        families = tuple(FONT_FAMILIES)
        self.family = rng.choices(families, weights=(25, 15, 15, 25, 20))[0]
        self.header_family = rng.choice(families)
        self.size_factor = rng.uniform(0.94, 1.06)
        self.name_bold = rng.random() < 0.7
        self.value_bold = rng.random() < 0.35

    def jit(self, value: float, spread: int = 5) -> int:
        return round(value) + self.rng.randint(-spread, spread)

    def font(
        self, size: float, *, bold: bool = False, deva: bool = False, header: bool = False
    ) -> ImageFont.FreeTypeFont:
        if deva:
            path = DEVANAGARI_FONT[bool(bold)]
        else:
            path = FONT_FAMILIES[self.header_family if header else self.family][bool(bold)]
        return _load_font(path, max(9, round(size * self.size_factor)))

    def runs(
        self,
        xy: tuple[float, float],
        runs: Sequence[tuple[str, bool]],
        size: float,
        *,
        bold: bool = False,
        fill: tuple[int, int, int] | None = None,
        align: str = "l",
        max_width: float | None = None,
        header: bool = False,
    ) -> int:
        """Draw (text, is_devanagari) runs on one baseline at ``xy``; return the right x."""
        fonts = [self.font(size, bold=bold, deva=deva, header=header) for _, deva in runs]
        widths = [self.draw.textlength(t, font=f) for (t, _), f in zip(runs, fonts, strict=True)]
        if max_width and sum(widths) > max_width:
            scale = max_width / sum(widths)
            fonts = [_load_font(f.path, max(9, int(f.size * scale))) for f in fonts]
            widths = [
                self.draw.textlength(t, font=f) for (t, _), f in zip(runs, fonts, strict=True)
            ]
        x, y = xy
        total = sum(widths)
        if align == "m":
            x -= total / 2
        elif align == "r":
            x -= total
        for (text, _), font, width in zip(runs, fonts, widths, strict=True):
            self.draw.text((x, y), text, font=font, fill=fill or self.ink, anchor="ls")
            x += width
        return round(x)

    def text(
        self,
        xy: tuple[float, float],
        text: str,
        size: float,
        *,
        deva: bool = False,
        **kwargs: object,
    ) -> int:
        return self.runs(xy, [(text, deva)], size, **kwargs)  # type: ignore[arg-type]

    def vertical(
        self, xy: tuple[int, int], text: str, size: float, fill: tuple[int, int, int] | None = None
    ) -> None:
        """Draw ``text`` rotated 90° (reading bottom to top), top-left corner at ``xy``."""
        font = self.font(size)
        left, top, right, bottom = font.getbbox(text)
        tile = Image.new("L", (right + 4, bottom + 4), 0)
        ImageDraw.Draw(tile).text((2, 2), text, font=font, fill=255)
        tile = tile.rotate(90, expand=True)
        colour = Image.new("RGB", tile.size, fill or self.ink)
        self.image.paste(colour, xy, tile)


def _guilloche(
    draw: ImageDraw.ImageDraw,
    box: tuple[int, int, int, int],
    rng: random.Random,
    colour: tuple[int, int, int],
    count: int = 16,
) -> None:
    """Faint security-print wavy lines over ``box``."""
    x0, y0, x1, y1 = box
    for k in range(count):
        amp = rng.uniform(6, 28)
        period = rng.uniform(140, 360)
        phase = rng.uniform(0, 2 * math.pi)
        base = y0 + (y1 - y0) * (k + 0.5) / count
        points = [
            (x, base + amp * math.sin(2 * math.pi * x / period + phase))
            for x in range(x0, x1 + 1, 6)
        ]
        draw.line(points, fill=colour, width=1)


def _emblem(
    pen: _Pen, cx: int, cy: int, height: int, colour: tuple[int, int, int], motto: bool = True
) -> None:
    """A simplified Lion Capital with "सत्यमेव जयते" under it."""
    d = pen.draw
    h = height
    w = h * 0.6
    for dx in (-0.28, 0.0, 0.28):
        x = cx + dx * w
        d.ellipse((x - w * 0.2, cy - h * 0.45, x + w * 0.2, cy - h * 0.12), fill=colour)
    d.rectangle((cx - w * 0.42, cy - h * 0.2, cx + w * 0.42, cy + h * 0.05), fill=colour)
    d.rectangle((cx - w * 0.5, cy + h * 0.05, cx + w * 0.5, cy + h * 0.16), fill=colour)
    d.ellipse((cx - h * 0.05, cy + h * 0.06, cx + h * 0.05, cy + h * 0.15), outline=(250, 250, 250))
    d.polygon(
        (
            (cx - w * 0.35, cy + h * 0.16),
            (cx + w * 0.35, cy + h * 0.16),
            (cx + w * 0.25, cy + h * 0.3),
            (cx - w * 0.25, cy + h * 0.3),
        ),
        fill=colour,
    )
    if motto:
        pen.text((cx, cy + h * 0.5), "सत्यमेव जयते", h * 0.15, deva=True, fill=colour, align="m")


def _aadhaar_logo(draw: ImageDraw.ImageDraw, cx: int, cy: int, r: int) -> None:
    """The Aadhaar sun: yellow disc, orange rays, red fingerprint arcs."""
    for k in range(13):
        angle = math.pi + k * math.pi / 12
        draw.line(
            (
                cx + r * 0.6 * math.cos(angle),
                cy + r * 0.6 * math.sin(angle),
                cx + r * math.cos(angle),
                cy + r * math.sin(angle),
            ),
            fill=(250, 170, 20),
            width=3,
        )
    draw.ellipse((cx - r * 0.5, cy - r * 0.5, cx + r * 0.5, cy + r * 0.5), fill=(255, 205, 40))
    for k in range(1, 5):
        rr = r * 0.11 * k
        draw.arc(
            (cx - rr, cy - rr * 1.2, cx + rr, cy + rr * 1.2), 200, 520, fill=(205, 30, 30), width=2
        )


def _qr(draw: ImageDraw.ImageDraw, x: int, y: int, size: int, rng: random.Random) -> None:
    """A QR-code-like square: random modules with three finder patterns."""
    n = 29
    m = size / (n + 2)
    draw.rectangle((x, y, x + size, y + size), fill=(255, 255, 255))

    def module(i: int, j: int) -> None:
        draw.rectangle(
            (x + (i + 1) * m, y + (j + 1) * m, x + (i + 2) * m - 1, y + (j + 2) * m - 1),
            fill=(0, 0, 0),
        )

    finders = ((0, 0), (n - 7, 0), (0, n - 7))
    for i in range(n):
        for j in range(n):
            in_finder = any(fx - 1 <= i <= fx + 7 and fy - 1 <= j <= fy + 7 for fx, fy in finders)
            if not in_finder and rng.random() < 0.5:
                module(i, j)
    for fx, fy in finders:
        for i in range(7):
            for j in range(7):
                if i in (0, 6) or j in (0, 6) or (2 <= i <= 4 and 2 <= j <= 4):
                    module(fx + i, fy + j)


def _signature(
    draw: ImageDraw.ImageDraw,
    box: tuple[int, int, int, int],
    rng: random.Random,
    colour: tuple[int, int, int],
) -> None:
    """A handwritten-looking scribble inside ``box``."""
    x0, y0, x1, y1 = box
    mid = (y0 + y1) / 2
    amp = (y1 - y0) / 2
    waves = [(rng.uniform(0.2, 0.6), rng.uniform(2, 9), rng.uniform(0, 6.3)) for _ in range(3)]
    loops = rng.uniform(6, 14)
    points = []
    for k in range(160):
        t = k / 159
        y = mid + amp * sum(a * math.sin(2 * math.pi * f * t + p) for a, f, p in waves) / 1.2
        x = x0 + t * (x1 - x0) + (x1 - x0) * 0.025 * math.sin(2 * math.pi * loops * t)
        points.append((x, max(y0, min(y1, y))))
    draw.line(points, fill=colour, width=rng.choice((2, 2, 3)), joint="curve")
    if rng.random() < 0.6:
        ux = x0 + rng.uniform(0.3, 0.8) * (x1 - x0)
        draw.line((x0 + 10, y1 - 4, ux, y1 - 8), fill=colour, width=2)


@functools.lru_cache(maxsize=32)
def _fitted_photo(face: str, size: tuple[int, int]) -> Image.Image:
    # Like cards._fit_photo: head and shoulders from the top middle 60 % of the photo.
    photo = cards.face_photo(face)
    width = min(photo.width, round(photo.width * 0.6))
    height = min(photo.height, round(width * size[1] / size[0]))
    left = (photo.width - width) // 2
    portrait = photo.crop((left, 0, left + width, height))
    return ImageOps.fit(portrait, size, Image.Resampling.LANCZOS)


def _paste_face(
    card: Image.Image, face: str, xy: tuple[int, int], width: int, rng: random.Random
) -> tuple[int, int, int, int]:
    """Paste the printed-looking holder photo; return its box (x0, y0, x1, y1)."""
    size = (width, round(width * _PHOTO_ASPECT))
    photo = _fitted_photo(face, size).copy()
    photo = ImageEnhance.Color(photo).enhance(rng.uniform(0.65, 1.0))
    photo = ImageEnhance.Brightness(photo).enhance(rng.uniform(0.95, 1.1))
    photo = ImageEnhance.Contrast(photo).enhance(rng.uniform(0.88, 1.02))
    card.paste(photo, xy)
    x, y = xy
    box = (x, y, x + size[0], y + size[1])
    if rng.random() < 0.6:
        ImageDraw.Draw(card).rectangle(
            (x - 1, y - 1, box[2], box[3]),
            outline=rng.choice(((120, 120, 120), (60, 60, 60))),
            width=rng.choice((1, 2)),
        )
    return box


def _finish(card: Image.Image, rng: random.Random) -> Image.Image:
    """Scale the whole card by 0.93-1.07 (scans come at different resolutions)."""
    scale = rng.uniform(0.93, 1.07)
    size = (round(card.width * scale), round(card.height * scale))
    return card.resize(size, Image.Resampling.LANCZOS)


# --------------------------------------------------------------------------------------
# Layouts
# --------------------------------------------------------------------------------------


def _aadhaar_header(
    pen: _Pen, *, hindi: bool, english: str, align: str = "m", left_x: int = 150
) -> int:
    """Tricolour header with emblem and logo; return the y where the body starts."""
    rng = pen.rng
    d = pen.draw
    orange, green = rng.choice(_ORANGES), rng.choice(_GREENS)
    style = rng.choice(("bands", "stripes"))
    bottom = pen.jit(122, 4)
    if style == "bands":
        d.rectangle((0, 0, _W, rng.randint(14, 24)), fill=orange)
        d.rectangle((0, bottom, _W, bottom + rng.randint(7, 11)), fill=green)
    else:
        d.rectangle((0, 0, _W, 6), fill=orange)
        d.line((30, bottom + 2, _W - 30, bottom + 2), fill=orange, width=3)
        d.line((30, bottom + 8, _W - 30, bottom + 8), fill=green, width=3)
    _emblem(pen, pen.jit(72), pen.jit(66, 3), 78, rng.choice(((90, 70, 50), (60, 60, 60))))
    _aadhaar_logo(d, pen.jit(_W - 82), pen.jit(78, 3), 46)
    x = _W // 2 + pen.jit(0, 8) if align == "m" else pen.jit(left_x)
    ink = rng.choice(((20, 20, 20), (140, 30, 30), (30, 30, 30)))
    room = _W - 300 if align == "m" else _W - left_x - 150  # between emblem and logo
    if hindi:
        pen.text((x, pen.jit(62, 3)), "भारत सरकार", 38, bold=True, deva=True, fill=ink, align=align)
        pen.text(
            (x, pen.jit(104, 2)),
            english,
            31,
            bold=True,
            fill=ink,
            align=align,
            header=True,
            max_width=room,
        )
    else:
        pen.text(
            (x, pen.jit(84, 3)),
            english,
            40,
            bold=True,
            fill=ink,
            align=align,
            header=True,
            max_width=room,
        )
    return bottom + 12


def _gender_runs(gender: str, *, hindi: bool, rng: random.Random) -> list[tuple[str, bool]]:
    english = "MALE" if gender == "MALE" else "FEMALE"
    if not hindi:
        return [(english if rng.random() < 0.5 else english.title(), False)]
    word = "पुरुष" if gender == "MALE" else "महिला"
    sep = rng.choice(("/ ", " / ", "/"))
    return [(word, True), (sep + (english if rng.random() < 0.75 else english.title()), False)]


def _dob_runs(
    card: CorpusCard, *, hindi: bool, rng: random.Random, sep: str = "/"
) -> list[tuple[str, bool]]:
    printed = card.printed
    if printed.date_of_birth is None:
        label = rng.choice(("Year of Birth : ", "Year of Birth: ", "Year of Birth :"))
        if hindi:
            return [("जन्म वर्ष", True), (" / " + label + str(printed.year_of_birth), False)]
        return [(label + str(printed.year_of_birth), False)]
    date = _dmy(printed.date_of_birth, sep)
    if hindi:
        return [("जन्म तिथि", True), (rng.choice(("/DOB: ", "/ DOB : ", "/DOB : ")) + date, False)]
    label = rng.choice(("DOB: ", "DOB : ", "Date of Birth: ", "Date of Birth : "))
    return [(label + date, False)]


def _issue_date(rng: random.Random) -> datetime.date:
    start = datetime.date(2011, 1, 1).toordinal()
    return datetime.date.fromordinal(rng.randint(start, datetime.date(2024, 12, 31).toordinal()))


def _render_aadhaar_front(card: CorpusCard, rng: random.Random) -> Image.Image:
    layout = card.layout
    bilingual = layout == "aadhaar_bilingual"
    photo_right = layout == "aadhaar_photo_right"
    bg = rng.choice(_AADHAAR_BGS)
    img = Image.new("RGB", (_W, _H), bg)
    pen = _Pen(img, rng, ink=rng.choice(_INKS))
    d = pen.draw
    _guilloche(d, (0, 130, _W, _H), rng, _shade(bg, -rng.randint(7, 14)))
    if photo_right:
        top_band = rng.choice(_ORANGES)
        d.rectangle((0, _H - 18, _W, _H), fill=rng.choice(_GREENS))
        header_hindi = rng.random() < 0.6
        english = rng.choice(("Government of India", "GOVERNMENT OF INDIA"))
        body_top = _aadhaar_header(pen, hindi=header_hindi, english=english, align="l")
        d.rectangle((0, 0, _W, 5), fill=top_band)
    else:
        english = rng.choice(("Government of India", "GOVERNMENT OF INDIA", "Government of India"))
        body_top = _aadhaar_header(pen, hindi=bilingual, english=english)
    pw = rng.randint(200, 232)
    py = pen.jit(body_top + 24)
    if photo_right:
        px = _W - pen.jit(48) - pw
        x, max_w = pen.jit(50), px - 50 - 40
    else:
        px = pen.jit(46)
        x = px + pw + pen.jit(38)
        max_w = _W - x - 30
    _paste_face(img, card.face, (px, py), pw, rng)
    if (bilingual and rng.random() < 0.5) or layout == "aadhaar_english" and rng.random() < 0.25:
        side = px - 24 if not photo_right else px + pw + 6
        pen.vertical((side, py + 10), f"Issue Date: {_dmy(_issue_date(rng))}", 14)
    y = py + pen.jit(44, 4)
    hindi_lines = bilingual or (photo_right and card.printed.hindi_name is not None)
    if card.printed.hindi_name:
        pen.text(
            (x, y), card.printed.hindi_name, 33, bold=pen.name_bold, deva=True, max_width=max_w
        )
        y += pen.jit(52, 3)
    pen.text((x, y), card.printed.name, 36, bold=pen.name_bold, max_width=max_w)
    y += pen.jit(60, 3)
    sep = "/"
    if photo_right:
        sep = rng.choices(("/", "-", "."), weights=(70, 20, 10))[0]
    pen.runs(
        (x, y),
        _dob_runs(card, hindi=hindi_lines, rng=rng, sep=sep),
        29,
        bold=pen.value_bold,
        max_width=max_w,
    )
    y += pen.jit(52, 3)
    if photo_right and not hindi_lines and rng.random() < 0.5:
        gender = [("Gender: " + card.printed.gender.title(), False)]  # type: ignore[union-attr]
    else:
        gender = _gender_runs(card.printed.gender or "MALE", hindi=hindi_lines, rng=rng)
    pen.runs((x, y), gender, 29, bold=pen.value_bold, max_width=max_w)
    has_vid = bilingual and rng.random() < 0.5
    number_y = pen.jit(500 if not has_vid else 488, 4)
    number = _grouped(card.printed.id_number)
    number_size = rng.uniform(52, 64)
    if photo_right:
        pen.text((pen.jit(50), number_y), number, number_size, bold=True)
    else:
        pen.text((_W // 2 + pen.jit(0, 10), number_y), number, number_size, bold=True, align="m")
    if has_vid:
        pen.text(
            (_W // 2 + pen.jit(0, 6), number_y + 36),
            f"VID : {_grouped(_random_vid(rng))}",
            22,
            align="m",
        )
    red = rng.choice(_REDS)
    line_y = pen.jit(556, 3)
    d.line((40, line_y, _W - 40, line_y), fill=red, width=rng.choice((3, 4, 5)))
    if bilingual or (photo_right and rng.random() < 0.6):
        pen.text(
            (_W // 2, pen.jit(604, 2)),
            "मेरा आधार, मेरी पहचान",
            31,
            bold=True,
            deva=True,
            fill=red,
            align="m",
        )
    else:
        footer = rng.choice(("Aadhaar - Aam Aadmi ka Adhikar", "Mera Aadhaar, Meri Pehchan"))
        pen.text((_W // 2, pen.jit(600, 2)), footer, 29, fill=red, align="m")
    return _finish(img, rng)


_CITIES: Final = (
    ("Bengaluru", "Karnataka", "560"),
    ("Mysuru", "Karnataka", "570"),
    ("Chennai", "Tamil Nadu", "600"),
    ("Coimbatore", "Tamil Nadu", "641"),
    ("Hyderabad", "Telangana", "500"),
    ("Vijayawada", "Andhra Pradesh", "520"),
    ("Kochi", "Kerala", "682"),
    ("Thiruvananthapuram", "Kerala", "695"),
    ("Mumbai", "Maharashtra", "400"),
    ("Pune", "Maharashtra", "411"),
    ("New Delhi", "Delhi", "110"),
    ("Lucknow", "Uttar Pradesh", "226"),
    ("Jaipur", "Rajasthan", "302"),
    ("Kolkata", "West Bengal", "700"),
    ("Ahmedabad", "Gujarat", "380"),
    ("Patna", "Bihar", "800"),
    ("Bhopal", "Madhya Pradesh", "462"),
    ("Ludhiana", "Punjab", "141"),
    ("Panaji", "Goa", "403"),
    ("Chandigarh", "Chandigarh", "160"),
)
_LOCALITIES: Final = (
    "Jayanagar",
    "Indiranagar",
    "Anna Nagar",
    "T. Nagar",
    "Banjara Hills",
    "Kothrud",
    "Andheri East",
    "Salt Lake",
    "Gomti Nagar",
    "Malviya Nagar",
    "Civil Lines",
    "Shivaji Nagar",
    "Model Town",
    "Sector 15",
    "Koramangala",
    "Vaishali Nagar",
)
_STREETS: Final = (
    "MG Road",
    "Station Road",
    "Nehru Street",
    "Gandhi Road",
    "Main Road",
    "Temple Street",
    "Church Road",
    "Park Avenue",
    "Lake View Road",
)


def _address_lines(rng: random.Random) -> list[str]:
    n = rng.randint(1, 120)
    house = rng.choice(
        (
            f"No. {n}",
            f"H.No. {rng.randint(1, 9)}-{rng.randint(1, 9)}-{n}",
            f"Flat {rng.randint(1, 12)}0{rng.randint(1, 4)}, Sai Residency",
            f"#{n}",
            f"Plot No. {n}",
            f"D-{n}",
        )
    )
    cross = rng.choice((f"{rng.randint(1, 9)}th Cross", rng.choice(_STREETS)))
    city, state, prefix = rng.choice(_CITIES)
    pin = f"{prefix}{rng.randint(1, 99):03d}"
    return [f"{house}, {cross},", f"{rng.choice(_LOCALITIES)}, {city},", f"{state} - {pin}"]


def _render_eaadhaar_letter(card: CorpusCard, rng: random.Random) -> Image.Image:
    width, height = _W, rng.randint(1440, 1480)
    bg = rng.choice(((255, 255, 255), (252, 252, 250), (250, 250, 247)))
    img = Image.new("RGB", (width, height), bg)
    pen = _Pen(img, rng, ink=rng.choice(_INKS))
    d = pen.draw
    p = card.printed
    # letterhead
    _emblem(pen, pen.jit(70), pen.jit(62, 3), 76, (60, 60, 60))
    _aadhaar_logo(d, pen.jit(width - 80), pen.jit(74, 3), 44)
    pen.text(
        (width // 2, pen.jit(50, 2)),
        "भारतीय विशिष्ट पहचान प्राधिकरण",
        28,
        bold=True,
        deva=True,
        align="m",
    )
    pen.text(
        (width // 2, pen.jit(88, 2)),
        "Unique Identification Authority of India",
        27,
        bold=True,
        align="m",
        header=True,
    )
    pen.text((width // 2, pen.jit(118, 2)), "Government of India", 22, align="m", header=True)
    d.line((30, 138, width - 30, 138), fill=(120, 120, 120), width=2)
    enrol = f"{rng.randint(1000, 9999)}/{rng.randint(10000, 99999)}/{rng.randint(10000, 99999)}"
    x = pen.jit(60)
    pen.text((x, pen.jit(180, 2)), f"Enrolment No.: {enrol}", 24)
    issued = _issue_date(rng)
    pen.text((width - 60, pen.jit(180, 2)), f"Aadhaar no. issued: {_dmy(issued)}", 20, align="r")
    y = pen.jit(236, 3)
    pen.text((x, y), "To", 24)
    y += 40
    if p.hindi_name:
        pen.text((x, y), p.hindi_name, 25, deva=True, max_width=560)
        y += 38
    pen.text((x, y), p.name, 26, bold=pen.name_bold, max_width=560)
    y += 38
    relation = "S/O" if p.gender == "MALE" else "D/O"
    if rng.random() < 0.25:
        relation = "C/O"
    pen.text((x, y), f"{relation}: {p.father_name}", 24, max_width=560)
    y += 36
    for line in _address_lines(rng):
        pen.text((x, y), line, 24, max_width=560)
        y += 36
    pen.text((x, y), f"Mobile: XXXXXX{rng.randint(1000, 9999)}", 22)
    _qr(d, pen.jit(width - 250), pen.jit(230), rng.randint(170, 190), rng)
    # "Your Aadhaar No." box
    box_top = pen.jit(560, 4)
    box = (60, box_top, width - 60, box_top + 250)
    d.rectangle(box, outline=(90, 90, 90), width=2)
    pen.runs(
        (width // 2, box_top + 44),
        [("आपका आधार क्रमांक", True), (" / Your Aadhaar No. :", False)],
        24,
        bold=True,
        align="m",
    )
    pen.text(
        (width // 2 + pen.jit(0, 6), box_top + 118),
        _grouped(p.id_number),
        rng.uniform(50, 58),
        bold=True,
        align="m",
    )
    pen.text((width // 2, box_top + 168), f"VID : {_grouped(_random_vid(rng))}", 24, align="m")
    red = rng.choice(_REDS)
    pen.text(
        (width // 2, box_top + 224),
        "मेरा आधार, मेरी पहचान",
        28,
        bold=True,
        deva=True,
        fill=red,
        align="m",
    )
    # cut line and the card part
    cut = box_top + 290
    for cx in range(30, width - 30, 22):
        d.line((cx, cut, cx + 11, cut), fill=(150, 150, 150), width=2)
    top = cut + 24
    orange, green = rng.choice(_ORANGES), rng.choice(_GREENS)
    d.rectangle((60, top, width - 60, top + 12), fill=orange)
    pen.text((width // 2, top + 50), "भारत सरकार", 28, bold=True, deva=True, align="m")
    pen.text((width // 2, top + 84), "Government of India", 25, bold=True, align="m", header=True)
    d.rectangle((60, top + 96, width - 60, top + 103), fill=green)
    pw = rng.randint(190, 215)
    px, py = pen.jit(80), top + pen.jit(126, 4)
    _paste_face(img, card.face, (px, py), pw, rng)
    download = datetime.date.fromordinal(
        rng.randint(issued.toordinal(), datetime.date(2025, 6, 30).toordinal())
    )
    pen.vertical((px - 22, py + 6), f"Download Date: {_dmy(download)}", 13)
    tx = px + pw + pen.jit(36)
    ty = py + pen.jit(40, 3)
    max_w = width - tx - 70
    if p.hindi_name:
        pen.text((tx, ty), p.hindi_name, 28, deva=True, bold=pen.name_bold, max_width=max_w)
        ty += 44
    pen.text((tx, ty), p.name, 30, bold=pen.name_bold, max_width=max_w)
    ty += 50
    pen.runs((tx, ty), _dob_runs(card, hindi=True, rng=rng), 26, max_width=max_w)
    ty += 44
    pen.runs((tx, ty), _gender_runs(p.gender or "MALE", hindi=True, rng=rng), 26, max_width=max_w)
    number_y = py + round(pw * _PHOTO_ASPECT) + pen.jit(62, 3)
    pen.text(
        (width // 2, number_y), _grouped(p.id_number), rng.uniform(44, 52), bold=True, align="m"
    )
    pen.text((width // 2, number_y + 36), f"VID : {_grouped(_random_vid(rng))}", 20, align="m")
    d.line((60, number_y + 56, width - 60, number_y + 56), fill=red, width=3)
    pen.text(
        (width // 2, number_y + 92),
        "मेरा आधार, मेरी पहचान",
        26,
        bold=True,
        deva=True,
        fill=red,
        align="m",
    )
    return _finish(img, rng)


def _pan_header(pen: _Pen, *, hindi: bool, navy: tuple[int, int, int]) -> int:
    rng = pen.rng
    band = rng.random() < 0.6
    if band:
        pen.draw.rectangle((0, 0, _W, 92), fill=rng.choice(((235, 243, 252), (245, 248, 252))))
    _emblem(pen, _W // 2 + pen.jit(0, 4), pen.jit(44, 2), 62, navy, motto=False)
    size = rng.uniform(27, 33)
    if hindi:
        pen.text(
            (pen.jit(36), pen.jit(38, 2)), "आयकर विभाग", size * 0.8, bold=True, deva=True, fill=navy
        )
        pen.text(
            (_W - pen.jit(36), pen.jit(38, 2)),
            "भारत सरकार",
            size * 0.8,
            bold=True,
            deva=True,
            fill=navy,
            align="r",
        )
        y = pen.jit(78, 2)
    else:
        y = pen.jit(56, 3)
    half = _W // 2 - 36 - 50  # keep clear of the emblem
    pen.text(
        (pen.jit(36), y),
        "INCOME TAX DEPARTMENT",
        size,
        bold=True,
        fill=navy,
        header=True,
        max_width=half,
    )
    pen.text(
        (_W - pen.jit(36), y),
        "GOVT. OF INDIA",
        size,
        bold=True,
        fill=navy,
        align="r",
        header=True,
        max_width=half,
    )
    return 100


def _pan_background(rng: random.Random) -> tuple[Image.Image, tuple[int, int, int]]:
    bg = rng.choice(_PAN_BGS)
    img = Image.new("RGB", (_W, _H), bg)
    # a soft vertical gradient to white, as printed security backgrounds have
    ramp = np.linspace(0.0, rng.uniform(0.25, 0.6), _H, dtype=np.float32)[:, None, None]
    pixels = np.asarray(img, dtype=np.float32)
    pixels = pixels * (1 - ramp) + 255 * ramp
    if rng.random() < 0.5:
        pixels = pixels[::-1]
    img = Image.fromarray(pixels.clip(0, 255).astype(np.uint8), "RGB")
    _guilloche(ImageDraw.Draw(img), (0, 0, _W, _H), rng, _shade(bg, -rng.randint(12, 24)), 22)
    return img, bg


def _render_pan_old(card: CorpusCard, rng: random.Random) -> Image.Image:
    img, _ = _pan_background(rng)
    pen = _Pen(img, rng, ink=rng.choice(_INKS))
    navy = rng.choice(_NAVIES)
    _pan_header(pen, hindi=rng.random() < 0.5, navy=navy)
    p = card.printed
    pw = rng.randint(200, 228)
    px, py = _W - pen.jit(52) - pw, pen.jit(160)
    _paste_face(img, card.face, (px, py), pw, rng)
    x = pen.jit(46)
    max_w = px - x - 30
    size = rng.uniform(29, 34)
    bold = pen.value_bold
    y = pen.jit(200, 4)
    pen.text((x, y), p.name, size, bold=bold, max_width=max_w)
    y += pen.jit(56, 3)
    pen.text((x, y), p.father_name or "", size, bold=bold, max_width=max_w)
    y += pen.jit(56, 3)
    pen.text((x, y), _dmy(p.date_of_birth), size, bold=bold)  # type: ignore[arg-type]
    y += pen.jit(62, 3)
    pen.text((x, y), "Permanent Account Number", rng.uniform(22, 26), fill=navy)
    y += pen.jit(50, 3)
    pen.text((x, y), p.id_number, rng.uniform(36, 42), bold=True)
    _signature(pen.draw, (x + 10, y + 24, x + 300, y + 86), rng, rng.choice(_BLUE_INK))
    pen.text((x, min(y + 118, _H - 14)), "Signature", 20, fill=navy)
    if rng.random() < 0.6:  # hologram patch
        hx, hy = px + pw // 2 - 35, py + round(pw * _PHOTO_ASPECT) + 30
        pen.draw.ellipse((hx, hy, hx + 70, hy + 70), fill=(205, 210, 220), outline=(160, 170, 190))
    return _finish(img, rng)


def _render_pan_new(card: CorpusCard, rng: random.Random) -> Image.Image:
    img, _ = _pan_background(rng)
    pen = _Pen(img, rng, ink=rng.choice(_INKS))
    navy = rng.choice(_NAVIES)
    _pan_header(pen, hindi=True, navy=navy)
    p = card.printed
    pw = rng.randint(190, 215)
    px, py = pen.jit(40), pen.jit(140)
    box = _paste_face(img, card.face, (px, py), pw, rng)
    qr = rng.randint(130, 150)
    qx = _W - pen.jit(40) - qr
    _qr(pen.draw, qx, pen.jit(130), qr, rng)
    cx = (box[2] + qx) // 2
    pen.text(
        (cx, pen.jit(150, 2)), "स्थायी लेखा संख्या कार्ड", 24, deva=True, bold=True, fill=navy, align="m"
    )
    pen.text((cx, pen.jit(182, 2)), "Permanent Account Number Card", 24, fill=navy, align="m")
    pen.text(
        (cx + pen.jit(0, 6), pen.jit(232, 3)),
        p.id_number,
        rng.uniform(38, 44),
        bold=True,
        align="m",
    )
    x = box[2] + pen.jit(34)
    max_w = _W - x - 40
    y = pen.jit(300, 3)
    label_size = rng.uniform(19, 22)
    value_size = rng.uniform(28, 32)
    fields = (
        ("नाम", " / Name", p.name),
        ("पिता का नाम", " / Father's Name", p.father_name or ""),
        ("जन्म की तारीख", " / Date of Birth", _dmy(p.date_of_birth)),  # type: ignore[arg-type]
    )
    for hindi, english, value in fields:
        pen.runs((x, y), [(hindi, True), (english, False)], label_size, fill=navy)
        y += pen.jit(38, 2)
        pen.text((x, y), value, value_size, bold=pen.name_bold, max_width=max_w)
        y += pen.jit(50, 2)
    sx = px
    sy = box[3] + pen.jit(40, 3)
    _signature(pen.draw, (sx + 8, sy, sx + pw, sy + 60), rng, rng.choice(_BLUE_INK))
    pen.runs(
        (sx, min(sy + 100, _H - 14)), [("हस्ताक्षर", True), (" / Signature", False)], 18, fill=navy
    )
    return _finish(img, rng)


_RENDERERS: Final = {
    "aadhaar_bilingual": _render_aadhaar_front,
    "aadhaar_english": _render_aadhaar_front,
    "aadhaar_photo_right": _render_aadhaar_front,
    "eaadhaar_letter": _render_eaadhaar_letter,
    "pan_old": _render_pan_old,
    "pan_new": _render_pan_new,
}


def render(card: CorpusCard) -> Image.Image:
    """Return ``card`` drawn undamaged, RGB (about 1000x630; e-Aadhaar about 1000x1460).

    Style (fonts, colours, jitter, distractors such as VID, enrolment number, issue
    dates, PIN code) comes from ``card.render_seed``: deterministic.
    """
    rng = random.Random(f"{card.render_seed}:draw")
    return _RENDERERS[card.layout](card, rng)


# --------------------------------------------------------------------------------------
# Damage
# --------------------------------------------------------------------------------------


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    decoded = Image.open(io.BytesIO(buffer.getvalue()))
    decoded.load()
    return decoded.convert("RGB")


def _np_rng(rng: random.Random) -> np.random.Generator:
    return np.random.default_rng(rng.getrandbits(64))


def _smooth_noise(
    nrng: np.random.Generator, size: tuple[int, int], cells: tuple[int, int]
) -> np.ndarray:
    """Low-frequency noise in [-1, 1] of ``size`` (w, h) from a ``cells`` grid."""
    small = nrng.uniform(0, 255, (cells[1], cells[0])).astype(np.uint8)
    big = Image.fromarray(small, "L").resize(size, Image.Resampling.BICUBIC)
    return np.asarray(big, dtype=np.float32) / 127.5 - 1


def _lighting(
    size: tuple[int, int], rng: random.Random, strength: float, vignette: float
) -> np.ndarray:
    """Multiplicative light field (h, w): a directional gradient and a vignette."""
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    xx /= max(w - 1, 1)
    yy /= max(h - 1, 1)
    angle = rng.uniform(0, 2 * math.pi)
    t = (xx - 0.5) * math.cos(angle) + (yy - 0.5) * math.sin(angle)
    t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
    light = 1 - strength * t
    cx, cy = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7)
    r2 = (xx - cx) ** 2 + (yy - cy) ** 2
    light *= 1 - vignette * r2 / float(r2.max())
    return light


def _uneven_light(image: Image.Image, rng: random.Random) -> Image.Image:
    pixels = np.asarray(image, dtype=np.float32)
    light = _lighting(image.size, rng, rng.uniform(0.35, 0.55), rng.uniform(0.1, 0.25))
    tint = np.array(
        rng.choice(((1.0, 0.96, 0.86), (0.93, 0.97, 1.0), (1.0, 1.0, 1.0))), dtype=np.float32
    )
    out = pixels * light[..., None] * tint
    if rng.random() < 0.5:  # a soft glare spot from a ceiling lamp
        h, w = light.shape
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        gx, gy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
        sigma = rng.uniform(0.08, 0.16) * w
        out += (
            rng.uniform(25, 45)
            * np.exp(-((xx - gx) ** 2 + (yy - gy) ** 2) / (2 * sigma**2))[..., None]
        )
    return Image.fromarray(out.clip(0, 255).astype(np.uint8), "RGB")


def _table(size: tuple[int, int], rng: random.Random) -> Image.Image:
    """A table top: wood grain, cloth weave or a speckled laminate desk."""
    w, h = size
    nrng = _np_rng(rng)
    kind = rng.choice(("wood", "wood", "cloth", "laminate"))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "wood":
        base = np.array(
            rng.choice(((122, 80, 46), (150, 105, 65), (95, 60, 38), (170, 125, 80))),
            dtype=np.float32,
        )
        warp = _smooth_noise(nrng, size, (6, 4)) * rng.uniform(25, 60)
        grain_axis = yy if rng.random() < 0.5 else xx
        rings = np.sin(2 * math.pi * (grain_axis + warp) / rng.uniform(18, 40))
        streaks = _smooth_noise(nrng, size, (3, h // 3) if grain_axis is yy else (w // 3, 3))
        shade = 0.82 + 0.08 * rings + 0.1 * streaks
        pixels = base * shade[..., None]
    elif kind == "cloth":
        base = np.array(
            rng.choice(
                ((40, 50, 90), (110, 30, 40), (60, 90, 60), (120, 120, 125), (180, 160, 130))
            ),
            dtype=np.float32,
        )
        period = rng.uniform(3.5, 6)
        weave = np.sin(2 * math.pi * xx / period) * np.sin(2 * math.pi * yy / period)
        folds = _smooth_noise(nrng, size, (5, 4))
        shade = 0.9 + 0.06 * weave + 0.1 * folds
        pixels = base * shade[..., None]
    else:
        base = np.array(
            rng.choice(((225, 222, 215), (200, 200, 205), (235, 235, 235))), dtype=np.float32
        )
        shade = 0.95 + 0.04 * _smooth_noise(nrng, size, (4, 3))
        pixels = base * shade[..., None]
    pixels += nrng.normal(0, 6, (h, w, 1)).astype(np.float32)
    return Image.fromarray(pixels.clip(0, 255).astype(np.uint8), "RGB")


def _perspective_coeffs(
    dst: Sequence[tuple[float, float]], src: Sequence[tuple[float, float]]
) -> list[float]:
    """Coefficients for Image.transform(PERSPECTIVE) mapping output ``dst`` to input ``src``."""
    rows = []
    rhs = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs.extend((u, v))
    solution = np.linalg.solve(np.array(rows, dtype=np.float64), np.array(rhs, dtype=np.float64))
    return [float(c) for c in solution]


def _photo_on_table(image: Image.Image, rng: random.Random) -> Image.Image:
    cw, ch = image.size
    fill = rng.uniform(0.70, 0.85)
    if cw >= ch:
        fw = round(cw / fill)
        fh = round(fw * 3 / 4)
    else:
        fh = round(ch / fill)
        fw = round(fh * 3 / 4)
    frame = _table((fw, fh), rng)
    # card with rounded corners (PVC cards) or square ones (paper)
    radius = round(min(cw, ch) * 0.04) if cw >= ch else 3
    mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, cw - 1, ch - 1), radius=radius, fill=255)
    card = image.convert("RGBA")
    card.putalpha(mask)
    # where the corners land: centred with jitter, rotated, mildly keystoned
    angle = math.radians(rng.choice((-1, 1)) * rng.uniform(1.0, 6.0))
    cx = fw / 2 + rng.uniform(-0.04, 0.04) * fw
    cy = fh / 2 + rng.uniform(-0.04, 0.04) * fh
    tilt = rng.uniform(0.02, 0.06)
    corners = [(-cw / 2, -ch / 2), (cw / 2, -ch / 2), (cw / 2, ch / 2), (-cw / 2, ch / 2)]
    edge = rng.choice(("top", "bottom", "left", "right"))
    keyed = []
    for x, y in corners:
        if edge in ("top", "bottom") and (y < 0) == (edge == "top"):
            x *= 1 - tilt
        if edge in ("left", "right") and (x < 0) == (edge == "left"):
            y *= 1 - tilt
        x += rng.uniform(-0.008, 0.008) * cw
        y += rng.uniform(-0.008, 0.008) * ch
        rx = x * math.cos(angle) - y * math.sin(angle)
        ry = x * math.sin(angle) + y * math.cos(angle)
        keyed.append((cx + rx, cy + ry))
    coeffs = _perspective_coeffs(keyed, [(0, 0), (cw, 0), (cw, ch), (0, ch)])
    warped = card.transform((fw, fh), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC)
    # soft shadow under the card
    shadow = Image.new("L", (fw, fh), 0)
    dx, dy = rng.uniform(-14, 14), rng.uniform(6, 16)
    ImageDraw.Draw(shadow).polygon([(x + dx, y + dy) for x, y in keyed], fill=110)
    shadow = shadow.filter(ImageFilter.GaussianBlur(12))
    frame = Image.composite(Image.new("RGB", (fw, fh), (0, 0, 0)), frame, shadow)
    frame.paste(warped, (0, 0), warped)
    # room light, sensor noise, phone focus and JPEG
    pixels = np.asarray(frame, dtype=np.float32)
    pixels *= _lighting(frame.size, rng, rng.uniform(0.08, 0.22), rng.uniform(0.05, 0.15))[
        ..., None
    ]
    pixels += _np_rng(rng).normal(0, rng.uniform(1.5, 3.5), pixels.shape).astype(np.float32)
    frame = Image.fromarray(pixels.clip(0, 255).astype(np.uint8), "RGB")
    frame = frame.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 0.8)))
    return _jpeg(frame, rng.randint(80, 90))


def damage(image: Image.Image, condition: str, rng: random.Random) -> Image.Image:
    """Return a damaged copy of ``image`` (RGB) for ``condition`` (:data:`CONDITIONS`).

    - ``clean``: unchanged copy.
    - ``rotated``: ±1-4° (never less than 1°), canvas expanded, corners filled with a
      scanner-bed white/grey.
    - ``blur``: Gaussian blur, radius 1.0-1.6 px.
    - ``jpeg35``: JPEG round trip at quality 35.
    - ``low_contrast``: faded print: contrast x0.35-0.5, brightness x0.95-1.08, colour
      x0.5-0.9.
    - ``uneven_light``: a directional lighting gradient (down to 45-65 % brightness), a
      vignette, a warm/cool/neutral tint, sometimes a soft glare spot.
    - ``photo_on_table``: the card photographed on wood, cloth or a desk: 4:3 frame with
      the card filling 70-85 % of it, rotated 1-6°, keystoned 2-6 % (Image.transform
      PERSPECTIVE), rounded corners and a soft shadow, room light, sensor noise, blur
      0.4-0.8 px and JPEG quality 80-90.

    All are meant to stay readable by a person; none looks at the card's content.
    """
    image = image.convert("RGB")
    if condition == "clean":
        return image.copy()
    if condition == "rotated":
        angle = rng.choice((-1, 1)) * rng.uniform(1.0, 4.0)
        fill = rng.choice(((255, 255, 255), (238, 238, 238), (245, 243, 238)))
        return image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=fill)
    if condition == "blur":
        return image.filter(ImageFilter.GaussianBlur(rng.uniform(1.0, 1.6)))
    if condition == "jpeg35":
        return _jpeg(image, 35)
    if condition == "low_contrast":
        faded = ImageEnhance.Contrast(image).enhance(rng.uniform(0.35, 0.5))
        faded = ImageEnhance.Brightness(faded).enhance(rng.uniform(0.95, 1.08))
        return ImageEnhance.Color(faded).enhance(rng.uniform(0.5, 0.9))
    if condition == "uneven_light":
        return _uneven_light(image, rng)
    if condition == "photo_on_table":
        return _photo_on_table(image, rng)
    raise ValueError(f"unknown condition {condition!r}; choose from {CONDITIONS}")


@functools.lru_cache(maxsize=8)
def _damaged_cached(card: CorpusCard) -> Image.Image:
    rng = random.Random(f"{card.render_seed}:damage:{card.condition}")
    return damage(render(card), card.condition, rng)


@functools.lru_cache(maxsize=4)
def _selfie_cached(face: str) -> Image.Image:
    return cards.selfie_of(face)
