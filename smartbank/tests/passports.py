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


@dataclass(frozen=True)
class PassportHolder:
    """What a data page prints. ``surname`` and ``given_names`` as on the page (upper case);
    ``nationality`` and ``country`` ISO 3166-1 alpha-3 (the MRZ's codes)."""

    surname: str
    given_names: str
    number: str
    nationality: str
    date_of_birth: datetime.date
    sex: str
    expiry: datetime.date
    country: str = "IND"
    issuing_state: str = "REPUBLIC OF INDIA"

    @property
    def full_name(self) -> str:
        """The name as a customer types it: given names, then surname."""
        return f"{self.given_names} {self.surname}".title()


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
    """The two 44-character TD3 lines of ``person``, check digits from the ``mrz`` library."""
    code = TD3CodeGenerator(
        "P",
        person.country,
        person.surname,
        person.given_names,
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
def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(f"{cards.FONT_DIR}/{name}", size)


@functools.cache
def _mrz_font() -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(MRZ_FONT, MRZ_FONT_SIZE)


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
) -> Image.Image:
    """Draw ``person``'s data page, 1250×880 RGB.

    Layout: a navy header band with the issuing state and "PASSPORT"; the photo 300×385 at
    (50, 120); to its right label/value pairs (labels small, values bold upper case below):
    Type / Country code / Passport No. on one row, then Surname, Given Name(s), Nationality,
    Sex and Date of Birth, Date of Expiry (DD/MM/YYYY); the MRZ's two lines at y≈745 and ≈810
    on a white band.

    Args:
        person: what the page prints.
        photo: the holder's face photo; None leaves a grey box.
        mrz: the two MRZ lines to print instead of ``mrz_lines(person)`` (tampered lines).
    """
    page = Image.new("RGB", PAGE_SIZE, _PAGE)
    draw = ImageDraw.Draw(page)
    draw.rectangle((0, 0, PAGE_SIZE[0], 90), fill=_HEADER)
    draw.text((50, 45), person.issuing_state, font=_font(34, bold=True), fill="white", anchor="lm")
    draw.text(
        (PAGE_SIZE[0] - 50, 45), "PASSPORT", font=_font(34, bold=True), fill="white", anchor="rm"
    )
    if photo is not None:
        page.paste(_photo(photo), (50, 120))
    else:
        draw.rectangle((50, 120, 350, 505), fill=(200, 200, 200))
    draw.rectangle((48, 118, 351, 506), outline=(120, 120, 120), width=2)

    label, value = _font(20), _font(30, bold=True)

    def field(x: int, y: int, caption: str, text: str) -> None:
        draw.text((x, y), caption, font=label, fill=_LABEL)
        draw.text((x, y + 26), text, font=value, fill=_INK)

    field(400, 115, "Type", "P")
    field(520, 115, "Country Code", person.country)
    field(800, 115, "Passport No.", person.number)
    field(400, 190, "Surname", person.surname)
    field(400, 265, "Given Name(s)", person.given_names)
    field(400, 340, "Nationality", "INDIAN" if person.nationality == "IND" else person.nationality)
    field(800, 340, "Sex", person.sex)
    field(400, 415, "Date of Birth", f"{person.date_of_birth:%d/%m/%Y}")
    field(800, 415, "Date of Expiry", f"{person.expiry:%d/%m/%Y}")
    field(400, 490, "Place of Birth", "BENGALURU")

    draw.rectangle((0, 700, PAGE_SIZE[0], PAGE_SIZE[1]), fill=(252, 252, 250))
    first, second = mrz or mrz_lines(person)
    font = _mrz_font()
    left = (PAGE_SIZE[0] - round(font.getlength(first))) // 2
    draw.text((left, 745), first, font=font, fill=_INK, anchor="lm")
    draw.text((left, 810), second, font=font, fill=_INK, anchor="lm")
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
