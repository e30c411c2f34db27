"""Test images: rendered Indian ID cards, real face photos and plausible selfies.

Everything here is made on the machine from data that installed packages ship
(scikit-image, matplotlib) and DejaVu fonts (Debian ``fonts-dejavu-core``); nothing is
downloaded. The card layouts follow the public look of the UIDAI Aadhaar letter/card and
the Income Tax Department's PAN card, simplified to English only.

All functions return new RGB ``PIL.Image.Image`` objects (callers may modify them).
Identity numbers: generate valid Aadhaar numbers with :func:`valid_aadhaar`
(Verhoeff check digit, python-stdnum).
"""

from __future__ import annotations

import datetime
import functools
import io
from typing import Final

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps
from stdnum import verhoeff

FONT_DIR: Final = "/usr/share/fonts/truetype/dejavu"

VALID_AADHAAR: Final = "234567890124"
"""12 digits, Verhoeff-valid, not starting with 0/1 (printed "2345 6789 0124")."""
INVALID_AADHAAR: Final = "234567890123"
"""Same digits with a wrong check digit."""
VALID_PAN: Final = "ABCPE1234F"
"""4th letter P = individual holder, 5th letter E = surname initial."""
INVALID_PAN: Final = "ABCDE1234F"
"""Well-formed but D is no PAN holder type."""

CARD_SIZE: Final = (1000, 630)
"""Rendered card size in pixels (width, height): about CR80 at 300 dpi scaled down."""
PHOTO_SIZE: Final = (220, 270)
"""Size of the holder photo on a card, in pixels (width, height)."""

FACE_PHOTOS: Final = ("astronaut", "grace_hopper", "camera")
"""Names accepted by face_photo(): real photographs of three different people."""

_INK: Final = (20, 20, 20)
_ORANGE: Final = (255, 153, 51)
_GREEN: Final = (19, 136, 8)
_CREAM: Final = (255, 252, 240)
_PAN_BLUE: Final = (196, 222, 244)
_PAN_NAVY: Final = (25, 45, 110)


@functools.cache
def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(f"{FONT_DIR}/{name}", size)


@functools.cache
def _face_photo_cached(name: str) -> Image.Image:
    if name == "astronaut":
        from skimage import data

        return Image.fromarray(data.astronaut()).convert("RGB")
    if name == "grace_hopper":
        from matplotlib import cbook

        with cbook.get_sample_data("grace_hopper.jpg") as handle:
            return Image.open(handle).convert("RGB")
    if name == "camera":
        from skimage import data

        return Image.fromarray(data.camera()).convert("RGB")
    raise ValueError(f"unknown face photo {name!r}; choose from {FACE_PHOTOS}")


def face_photo(name: str) -> Image.Image:
    """Return a real face photograph shipped by an installed package, as RGB.

    Args:
        name: "astronaut" (scikit-image, Eileen Collins, 512×512), "grace_hopper"
            (matplotlib sample data, 512×600) or "camera" (scikit-image cameraman, 512×512,
            grayscale, face in profile-ish view: HOG may or may not find it).

    Raises:
        ValueError: unknown name.
    """
    return _face_photo_cached(name).copy()


def no_face_photo() -> Image.Image:
    """Return a photo with no human face: scikit-image's ``chelsea`` (a cat, 451×300)."""
    from skimage import data

    return Image.fromarray(data.chelsea()).convert("RGB")


def valid_aadhaar(prefix11: str) -> str:
    """Return ``prefix11`` plus its Verhoeff check digit (12 digits, no spaces).

    The prefix must not start with 0 or 1 for the number to be a valid Aadhaar.
    """
    if len(prefix11) != 11 or not prefix11.isdigit():
        raise ValueError("prefix11 must be 11 digits")
    return prefix11 + verhoeff.calc_check_digit(prefix11)


def _fit_photo(photo: Image.Image) -> Image.Image:
    # ID photos are head and shoulders: take the middle 60 % of the width from the top
    # (where heads sit in these portraits), at the card photo's aspect ratio.
    photo = photo.convert("RGB")
    width = min(photo.width, round(photo.width * 0.6))
    height = min(photo.height, round(width * PHOTO_SIZE[1] / PHOTO_SIZE[0]))
    left = (photo.width - width) // 2
    portrait = photo.crop((left, 0, left + width, height))
    return ImageOps.fit(portrait, PHOTO_SIZE, Image.Resampling.LANCZOS)


def _photo_placeholder() -> Image.Image:
    placeholder = Image.new("RGB", PHOTO_SIZE, (225, 225, 225))
    draw = ImageDraw.Draw(placeholder)
    draw.ellipse((60, 40, 160, 150), fill=(190, 190, 190))
    draw.rectangle((30, 170, 190, 270), fill=(190, 190, 190))
    return placeholder


def _paste_photo(card: Image.Image, photo: Image.Image | None, xy: tuple[int, int]) -> None:
    picture = _fit_photo(photo) if photo is not None else _photo_placeholder()
    card.paste(picture, xy)
    x, y = xy
    ImageDraw.Draw(card).rectangle(
        (x - 2, y - 2, x + PHOTO_SIZE[0] + 1, y + PHOTO_SIZE[1] + 1),
        outline=(120, 120, 120),
        width=2,
    )


def _grouped_aadhaar(number: str) -> str:
    digits = number.replace(" ", "")
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def render_aadhaar(
    *,
    name: str,
    dob: datetime.date,
    gender: str,
    number: str,
    photo: Image.Image | None,
) -> Image.Image:
    """Render an English-only Aadhaar card, 1000×630 RGB.

    Layout (top to bottom): orange band with "Government of India" in dark text and a green
    stripe under it; photo 220×270 on the left; to its right the name, "DOB: DD/MM/YYYY"
    and the gender ("Male"/"Female"); the number large as "XXXX XXXX XXXX"; a red rule and
    the footer "Aadhaar - Aam Aadmi ka Adhikar".

    Args:
        name: holder's name as printed.
        dob: date of birth.
        gender: printed as given, e.g. "Male" or "Female".
        number: 12 digits (spaces allowed); printed in groups of four.
        photo: holder's face photo, fitted to 220×270; None draws a grey silhouette.
    """
    card = Image.new("RGB", CARD_SIZE, _CREAM)
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, CARD_SIZE[0], 95), fill=_ORANGE)
    draw.rectangle((0, 95, CARD_SIZE[0], 110), fill=_GREEN)
    draw.text(
        (CARD_SIZE[0] // 2, 48),
        "Government of India",
        font=_font(44, bold=True),
        fill=_INK,
        anchor="mm",
    )
    _paste_photo(card, photo, (50, 140))
    draw.text((320, 165), name, font=_font(36, bold=True), fill=_INK)
    draw.text((320, 235), f"DOB: {dob:%d/%m/%Y}", font=_font(32), fill=_INK)
    draw.text((320, 295), gender, font=_font(32), fill=_INK)
    draw.text(
        (CARD_SIZE[0] // 2, 480),
        _grouped_aadhaar(number),
        font=_font(60, bold=True),
        fill=_INK,
        anchor="mm",
    )
    draw.line((40, 550, CARD_SIZE[0] - 40, 550), fill=(200, 30, 30), width=4)
    draw.text(
        (CARD_SIZE[0] // 2, 590),
        "Aadhaar - Aam Aadmi ka Adhikar",
        font=_font(30),
        fill=(200, 30, 30),
        anchor="mm",
    )
    return card


def render_pan(
    *,
    name: str,
    father_name: str,
    dob: datetime.date,
    pan: str,
    photo: Image.Image | None,
) -> Image.Image:
    """Render an English-only PAN card, 1000×630 RGB on a light blue background.

    Layout: "INCOME TAX DEPARTMENT" (left) and "GOVT. OF INDIA" (right) in the top band,
    "Permanent Account Number Card" under it, the PAN large, then label/value pairs
    "Name", "Father's Name", "Date of Birth" (DD/MM/YYYY) on the left, the photo 220×270 on
    the right.

    Args:
        name: holder's name (printed upper case, as on real cards).
        father_name: father's name (printed upper case).
        dob: date of birth.
        pan: 10 characters, printed as given.
        photo: holder's face photo; None draws a grey silhouette.
    """
    card = Image.new("RGB", CARD_SIZE, _PAN_BLUE)
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, CARD_SIZE[0], 80), fill=(235, 243, 252))
    draw.text(
        (40, 40), "INCOME TAX DEPARTMENT", font=_font(32, bold=True), fill=_PAN_NAVY, anchor="lm"
    )
    draw.text(
        (CARD_SIZE[0] - 40, 40),
        "GOVT. OF INDIA",
        font=_font(32, bold=True),
        fill=_PAN_NAVY,
        anchor="rm",
    )
    draw.text((40, 100), "Permanent Account Number Card", font=_font(30), fill=_INK)
    draw.text((40, 150), pan, font=_font(48, bold=True), fill=_INK)
    label, value = _font(24), _font(32, bold=True)
    draw.text((40, 235), "Name", font=label, fill=_PAN_NAVY)
    draw.text((40, 268), name.upper(), font=value, fill=_INK)
    draw.text((40, 335), "Father's Name", font=label, fill=_PAN_NAVY)
    draw.text((40, 368), father_name.upper(), font=value, fill=_INK)
    draw.text((40, 435), "Date of Birth", font=label, fill=_PAN_NAVY)
    draw.text((40, 468), f"{dob:%d/%m/%Y}", font=value, fill=_INK)
    _paste_photo(card, photo, (730, 150))
    return card


def to_bytes(image: Image.Image, fmt: str = "JPEG", **params: object) -> bytes:
    """Encode ``image`` as ``fmt`` ("JPEG", "PNG", "PDF", ...) and return the bytes.

    JPEG defaults to quality 90; extra keyword arguments go to ``Image.save``.
    """
    buffer = io.BytesIO()
    if fmt.upper() == "JPEG":
        params.setdefault("quality", 90)
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def _jpeg_round_trip(image: Image.Image, quality: int) -> Image.Image:
    decoded = Image.open(io.BytesIO(to_bytes(image.convert("RGB"), "JPEG", quality=quality)))
    decoded.load()
    return decoded


def degrade(
    image: Image.Image, *, angle: float = 3, blur: float = 1, jpeg_quality: int = 50
) -> Image.Image:
    """Imitate a phone photo of a card: rotate, blur, JPEG-compress.

    Args:
        angle: counter-clockwise rotation in degrees; the canvas grows (white corners).
        blur: Gaussian blur radius in pixels (0 = none).
        jpeg_quality: JPEG quality 1–95 for the round trip.
    """
    result = image.convert("RGB").rotate(
        angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white"
    )
    if blur:
        result = result.filter(ImageFilter.GaussianBlur(blur))
    return _jpeg_round_trip(result, jpeg_quality)


def selfie_of(name: str) -> Image.Image:
    """Return a plausible selfie of the person in ``face_photo(name)``.

    The photo is scaled to 85 %, brightened by 15 %, rotated 4° (canvas kept, edges
    filled grey) and round-tripped through JPEG quality 60, so it is not pixel-identical
    to the card photo.
    """
    photo = face_photo(name)
    width, height = photo.size
    photo = photo.resize((int(width * 0.85), int(height * 0.85)), Image.Resampling.LANCZOS)
    photo = ImageEnhance.Brightness(photo).enhance(1.15)
    photo = photo.rotate(4, resample=Image.Resampling.BICUBIC, fillcolor=(128, 128, 128))
    return _jpeg_round_trip(photo, 60)


def two_person_selfie() -> Image.Image:
    """Return two different people side by side with faces of similar size (JPEG q85).

    Left: the astronaut cropped to head and shoulders; right: grace_hopper; both 512 px
    high (about 880×512). Faces come out ~185 px and ~155 px wide (area ratio ~0.7).
    """
    astronaut = face_photo("astronaut").crop((90, 0, 350, 300))
    hopper = face_photo("grace_hopper")
    height = 512
    left = astronaut.resize(
        (astronaut.width * height // astronaut.height, height), Image.Resampling.LANCZOS
    )
    right = hopper.resize(
        (hopper.width * height // hopper.height, height), Image.Resampling.LANCZOS
    )
    canvas = Image.new("RGB", (left.width + right.width, height), "white")
    canvas.paste(left, (0, 0))
    canvas.paste(right, (left.width, 0))
    return _jpeg_round_trip(canvas, 85)


def gradient_photo(size: tuple[int, int] = (640, 480)) -> Image.Image:
    """Return a landscape-like sky-to-grass gradient with no face (RGB, ``size``)."""
    width, height = size
    ramp = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    sky = np.array([120, 170, 235], dtype=np.float32)
    grass = np.array([60, 130, 50], dtype=np.float32)
    pixels = (sky * (1 - ramp) + grass * ramp).repeat(width, axis=1)
    return Image.fromarray(pixels.astype(np.uint8), "RGB")
