"""Test images: passport data pages (ICAO 9303 TD3) with a machine readable zone.

The page is 1250×880 px, the TD3 size (125×88 mm) at 10 px per mm: a header band with the
issuing state, the holder's photo on the left (a real face photo,
:func:`smartbank.tests.cards.face_photo`), the visual inspection zone's labelled fields to its
right and the two 44-character MRZ lines at the bottom. The MRZ text comes from the ``mrz``
library's ``TD3CodeGenerator`` (its check digits included), so the tests never compute a
check digit themselves.

Font: the MRZ should be printed in OCR-B (ISO 1073-2); no OCR-B font is packaged in Debian, so
the MRZ is drawn in DejaVu Sans Mono (``fonts-dejavu-core``), a monospace font of about the
same pitch (25 px per character, the 2.54 mm of ICAO 9303 part 3 at this scale). Nothing is
downloaded.

The look of the page is a :class:`PageStyle` (the default is the page described above); the
KYC corpus (``kyc.tests.corpus``) draws its passport layouts with other styles: the photo on
the right, other Latin fonts (Liberation, from ``fonts-liberation2``), the Indian passport's
bilingual labels ("उपनाम / Surname", Noto Sans Devanagari from ``fonts-noto-core``), the
MRZ in Liberation Mono and the issue fields (more dates on the page).

All functions return new RGB ``PIL.Image.Image`` objects.
"""

from __future__ import annotations

import datetime
import functools
import io
from dataclasses import dataclass, replace
from typing import Final

from mrz.generator.td3 import TD3CodeGenerator
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from smartbank.tests import cards

PAGE_SIZE: Final = (1250, 880)
"""Data page size in pixels (width, height): TD3's 125×88 mm at 10 px/mm."""
PASSPORT_PHOTO_SIZE: Final = (300, 385)
"""Holder photo on the page, pixels (width, height): about 30×38.5 mm."""
MRZ_FONT: Final = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
MRZ_FONT_SIZE: Final = 42
"""DejaVu Sans Mono advances 0.602 em, so 42 px gives 25.3 px per character: 44 characters
span 1113 px of the 1250 px page."""

VALID_PASSPORT: Final = "K1234567"
"""An Indian-style passport number (a letter and seven digits)."""

DAMAGE_CONDITIONS: Final = ("clean", "rotated_plus", "rotated_minus", "blur", "jpeg50", "low_res")
"""Names accepted by :func:`damage`."""

_INK: Final = (25, 25, 25)
_LABEL: Final = (70, 70, 110)
_PAGE: Final = (238, 242, 236)
_HEADER: Final = (40, 60, 110)


_MRZ_NAME_LENGTH: Final = 39
"""Characters of line 1 for ``SURNAME<<GIVEN<NAMES`` (ICAO 9303 part 4 §4.2.2, positions
6–44)."""


@dataclass(frozen=True)
class PassportHolder:
    """What a data page prints. ``surname`` and ``given_names`` as on the page (upper case;
    ``given_names`` may be "" for a holder with one name, which ICAO 9303 part 3 §4.6 makes the
    primary identifier); ``nationality`` and ``country`` ISO 3166-1 alpha-3 (the MRZ's codes).
    ``issued`` (the Date of Issue, printed only by styles with ``issue_fields``),
    ``place_of_birth`` and ``place_of_issue`` are visual-zone-only fields."""

    surname: str
    given_names: str
    number: str
    nationality: str
    date_of_birth: datetime.date
    sex: str
    expiry: datetime.date
    country: str = "IND"
    issuing_state: str = "REPUBLIC OF INDIA"
    issued: datetime.date | None = None
    place_of_birth: str = "BENGALURU"
    place_of_issue: str = "BENGALURU"

    @property
    def full_name(self) -> str:
        """The name as a customer types it: given names, then surname."""
        return " ".join(part for part in (self.given_names, self.surname) if part).title()


@dataclass(frozen=True)
class PageStyle:
    """How a data page looks; the default is the page of :func:`render_passport`'s docstring.

    Attributes:
        photo_side: "left" (photo at x 50, fields from x 400) or "right" (fields from x 50,
            photo at x 900).
        regular_font, bold_font: TrueType paths of the labels and of the values (bold).
        mrz_font: TrueType path of the MRZ, a monospace font (DejaVu Sans Mono, Liberation
            Mono: about 25 px per character at MRZ_FONT_SIZE).
        hindi_font: with a path, labels are bilingual as on Indian passports ("उपनाम /
            Surname", the Hindi in this font, the English in ``regular_font``); None: English.
        issue_fields: print Place of Issue and Date of Issue (``PassportHolder.issued``, or
            the expiry less ten years) below the other fields.
        labels: captions printed instead of the English ones, by English caption (another
            state's page: ``{"Surname": "Name/Surname/Nom"}``); not with ``hindi_font``.
        date_format: ``strftime`` format of the printed dates ("%d.%m.%Y" in Germany).
        nationality: the Nationality value printed ("" prints "INDIAN" for IND, else the
            holder's code).
    """

    photo_side: str = "left"
    regular_font: str = f"{cards.FONT_DIR}/DejaVuSans.ttf"
    bold_font: str = f"{cards.FONT_DIR}/DejaVuSans-Bold.ttf"
    mrz_font: str = MRZ_FONT
    hindi_font: str | None = None
    issue_fields: bool = False
    labels: tuple[tuple[str, str], ...] = ()
    date_format: str = "%d/%m/%Y"
    nationality: str = ""


DEFAULT_STYLE: Final = PageStyle()

_HINDI_LABELS: Final = {
    "Type": "प्रकार",
    "Country Code": "कोड",
    "Passport No.": "पासपोर्ट नं.",
    "Surname": "उपनाम",
    "Given Name(s)": "दिया गया नाम",
    "Nationality": "राष्ट्रीयता",
    "Sex": "लिंग",
    "Date of Birth": "जन्मतिथि",
    "Place of Birth": "जन्म स्थान",
    "Place of Issue": "जारी करने का स्थान",
    "Date of Issue": "जारी करने की तिथि",
    "Date of Expiry": "समाप्ति की तिथि",
}
"""The Hindi halves of an Indian passport's bilingual labels."""


@dataclass(frozen=True)
class IssuingState:
    """How another state prints its data page: ``code`` its MRZ code (ICAO 9303 part 3: "D" for
    Germany, else ISO 3166-1 alpha-3), ``header`` the header band's text, ``style`` its
    captions, date format and nationality line, ``places`` places of birth."""

    code: str
    header: str
    style: PageStyle
    places: tuple[str, ...]


#: Other states' pages by the ISO 3166-1 alpha-3 code a customer enters: captions in their
#: languages (field numbers on British pages), their date formats, long header bands.
OTHER_STATES: Final = {
    "DEU": IssuingState(
        "D",
        "BUNDESREPUBLIK DEUTSCHLAND",
        PageStyle(
            labels=(
                ("Surname", "Name/Surname/Nom"),
                ("Given Name(s)", "Vornamen/Given names/Prénoms"),
                ("Nationality", "Staatsangehörigkeit/Nationality"),
                ("Date of Birth", "Geburtstag/Date of birth"),
            ),
            date_format="%d.%m.%Y",
            nationality="DEUTSCH",
        ),
        ("BERLIN", "MÜNCHEN", "KÖLN", "HAMBURG", "DÜSSELDORF"),
    ),
    "GBR": IssuingState(
        "GBR",
        "UNITED KINGDOM OF GREAT BRITAIN",
        PageStyle(
            photo_side="right",
            labels=(("Surname", "Surname/Nom (1)"), ("Given Name(s)", "Given names/Prénoms (2)")),
            date_format="%d %b %Y",
            nationality="BRITISH CITIZEN",
        ),
        ("LONDON", "LEICESTER", "BIRMINGHAM", "BELFAST", "CARDIFF"),
    ),
    "FRA": IssuingState(
        "FRA",
        "RÉPUBLIQUE FRANÇAISE",
        PageStyle(
            labels=(("Surname", "Nom/Surname"), ("Given Name(s)", "Prénoms/Given names")),
            date_format="%d %m %Y",
            nationality="FRANÇAISE",
        ),
        ("PARIS", "LYON", "NÎMES", "ORLÉANS", "SAINT-ÉTIENNE"),
    ),
    "NOR": IssuingState(
        "NOR",
        "KONGERIKET NORGE",
        PageStyle(
            photo_side="right",
            labels=(("Surname", "Etternavn/Surname"), ("Given Name(s)", "Fornavn/Given names")),
            date_format="%d.%m.%Y",
            nationality="NORSK",
        ),
        ("OSLO", "BERGEN", "TROMSØ", "BODØ"),
    ),
    "ESP": IssuingState(
        "ESP",
        "REINO DE ESPAÑA",
        PageStyle(
            labels=(("Surname", "Apellidos/Surname"), ("Given Name(s)", "Nombre/Given names")),
            date_format="%d %m %Y",
            nationality="ESPAÑOLA",
        ),
        ("MADRID", "MÁLAGA", "CÓRDOBA", "A CORUÑA"),
    ),
}


def mrz_name(text: str) -> str:
    """A visual-zone name as the MRZ writes it (ICAO 9303 part 3 §4.6): upper case, full stops
    and apostrophes left out ("A.P.J." → "APJ", "D'SOUZA" → "DSOUZA"); the ``mrz`` library
    turns hyphens and spaces into ``<``."""
    return text.upper().replace(".", "").replace("'", "").strip()


def holder(**changes: object) -> PassportHolder:
    """Neil Armstrong's passport (born 5 Aug 1990, expiring in about five years), with
    ``changes`` applied (any :class:`PassportHolder` field)."""
    base = PassportHolder(
        surname="ARMSTRONG",
        given_names="NEIL",
        number=VALID_PASSPORT,
        nationality="IND",
        date_of_birth=datetime.date(1990, 8, 5),
        sex="M",
        expiry=datetime.date.today().replace(day=1) + datetime.timedelta(days=5 * 365),
    )
    return replace(base, **changes)


def mrz_lines(person: PassportHolder) -> tuple[str, str]:
    """The two 44-character TD3 lines of ``person``, check digits from the ``mrz`` library.

    Names go through :func:`mrz_name`; a name longer than line 1's 39 places loses given-name
    characters from the end (ICAO 9303 part 3 §4.6 truncation, simplified: the surname is
    kept whole)."""
    surname, given = mrz_name(person.surname), mrz_name(person.given_names)
    room = _MRZ_NAME_LENGTH - len(surname) - 2
    if len(given) > room:
        given = given[: max(room, 0)].rstrip(" -")
    code = TD3CodeGenerator(
        "P",
        person.country,
        surname,
        given,
        person.number,
        person.nationality,
        f"{person.date_of_birth:%y%m%d}",
        person.sex,
        f"{person.expiry:%y%m%d}",
    )
    first, second = str(code).splitlines()
    return first, second


def tamper(line: str, position: int) -> str:
    """``line`` with the check digit at ``position`` (0-based) replaced by another digit."""
    digit = line[position]
    other = str((int(digit) + 3) % 10) if digit.isdigit() else "3"
    return line[:position] + other + line[position + 1 :]


@functools.cache
def _truetype(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def _photo(photo: Image.Image) -> Image.Image:
    # Head and shoulders: the middle 60 % of the width from the top, as the cards do.
    photo = photo.convert("RGB")
    width = round(photo.width * 0.6)
    height = min(photo.height, round(width * PASSPORT_PHOTO_SIZE[1] / PASSPORT_PHOTO_SIZE[0]))
    left = (photo.width - width) // 2
    portrait = photo.crop((left, 0, left + width, height))
    return ImageOps.fit(portrait, PASSPORT_PHOTO_SIZE, Image.Resampling.LANCZOS)


def render_passport(
    person: PassportHolder,
    *,
    photo: Image.Image | None,
    mrz: tuple[str, str] | None = None,
    style: PageStyle = DEFAULT_STYLE,
) -> Image.Image:
    """Draw ``person``'s data page, 1250×880 RGB.

    Layout (the default ``style``): a navy header band with the issuing state and "PASSPORT";
    the photo 300×385 at (50, 120); to its right label/value pairs (labels small, values bold
    upper case below): Type / Country code / Passport No. on one row, then Surname, Given
    Name(s), Nationality, Sex and Date of Birth, Date of Expiry (DD/MM/YYYY), Place of Birth;
    the MRZ's two lines at y≈745 and ≈810 on a white band. Other styles move the photo to the
    right (the fields then start at x 50), change the fonts, print bilingual labels or add
    Place of Issue and Date of Issue (:class:`PageStyle`).

    Args:
        person: what the page prints.
        photo: the holder's face photo; None leaves a grey box.
        mrz: the two MRZ lines to print instead of ``mrz_lines(person)`` (tampered lines).
        style: the page's look.
    """
    page = Image.new("RGB", PAGE_SIZE, _PAGE)
    draw = ImageDraw.Draw(page)
    bold_34 = _truetype(style.bold_font, 34)
    draw.rectangle((0, 0, PAGE_SIZE[0], 90), fill=_HEADER)
    draw.text((50, 45), person.issuing_state, font=bold_34, fill="white", anchor="lm")
    draw.text((PAGE_SIZE[0] - 50, 45), "PASSPORT", font=bold_34, fill="white", anchor="rm")
    photo_x, left = (50, 400) if style.photo_side == "left" else (900, 50)
    if photo is not None:
        page.paste(_photo(photo), (photo_x, 120))
    else:
        draw.rectangle((photo_x, 120, photo_x + 300, 505), fill=(200, 200, 200))
    draw.rectangle((photo_x - 2, 118, photo_x + 301, 506), outline=(120, 120, 120), width=2)

    label, value = _truetype(style.regular_font, 20), _truetype(style.bold_font, 30)
    hindi = _truetype(style.hindi_font, 20) if style.hindi_font else None

    printed = dict(style.labels)

    def field(x: int, y: int, caption: str, text: str) -> None:
        if hindi is None:
            draw.text((x, y), printed.get(caption, caption), font=label, fill=_LABEL)
        else:
            first = f"{_HINDI_LABELS[caption]} / "
            draw.text((x, y), first, font=hindi, fill=_LABEL)
            draw.text((x + round(hindi.getlength(first)), y), caption, font=label, fill=_LABEL)
        draw.text((x, y + 26), text, font=value, fill=_INK)

    second = left + 400
    field(left, 115, "Type", "P")
    field(left + 120, 115, "Country Code", person.country)
    field(second, 115, "Passport No.", person.number)
    field(left, 190, "Surname", person.surname)
    field(left, 265, "Given Name(s)", person.given_names)
    nationality = style.nationality or (
        "INDIAN" if person.nationality == "IND" else person.nationality
    )
    field(left, 340, "Nationality", nationality)
    field(second, 340, "Sex", person.sex)
    field(left, 415, "Date of Birth", person.date_of_birth.strftime(style.date_format).upper())
    field(second, 415, "Date of Expiry", person.expiry.strftime(style.date_format).upper())
    field(left, 490, "Place of Birth", person.place_of_birth)
    if style.issue_fields:
        issued = person.issued or person.expiry.replace(year=person.expiry.year - 10)
        field(left, 565, "Place of Issue", person.place_of_issue)
        field(second, 565, "Date of Issue", issued.strftime(style.date_format).upper())

    draw.rectangle((0, 700, PAGE_SIZE[0], PAGE_SIZE[1]), fill=(252, 252, 250))
    first, second_line = mrz or mrz_lines(person)
    font = _truetype(style.mrz_font, MRZ_FONT_SIZE)
    mrz_left = (PAGE_SIZE[0] - round(font.getlength(first))) // 2
    draw.text((mrz_left, 745), first, font=font, fill=_INK, anchor="lm")
    draw.text((mrz_left, 810), second_line, font=font, fill=_INK, anchor="lm")
    return page


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality)
    decoded = Image.open(io.BytesIO(buffer.getvalue()))
    decoded.load()
    return decoded.convert("RGB")


def damage(page: Image.Image, condition: str) -> Image.Image:
    """``page`` as a phone or scanner would give it under ``condition``.

    ``clean``: as drawn (JPEG quality 90); ``rotated_plus`` / ``rotated_minus``: turned 2°
    either way on a white canvas; ``blur``: Gaussian radius 1.5 px; ``jpeg50``: JPEG quality
    50; ``low_res``: scaled to 60 % (750×528), JPEG 85.

    Raises:
        ValueError: unknown condition (see DAMAGE_CONDITIONS).
    """
    page = page.convert("RGB")
    if condition == "clean":
        return _jpeg(page, 90)
    if condition in ("rotated_plus", "rotated_minus"):
        angle = 2.0 if condition == "rotated_plus" else -2.0
        turned = page.rotate(angle, Image.Resampling.BICUBIC, expand=True, fillcolor="white")
        return _jpeg(turned, 85)
    if condition == "blur":
        return _jpeg(page.filter(ImageFilter.GaussianBlur(1.5)), 85)
    if condition == "jpeg50":
        return _jpeg(page, 50)
    if condition == "low_res":
        small = page.resize((page.width * 3 // 5, page.height * 3 // 5), Image.Resampling.LANCZOS)
        return _jpeg(small, 85)
    raise ValueError(f"unknown condition {condition!r}; choose from {DAMAGE_CONDITIONS}")
