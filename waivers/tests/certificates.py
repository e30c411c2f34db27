"""Test images: certificates that back loan waivers, rendered with Pillow and DejaVu fonts.

Three layouts, each in the look of the Indian certificates the seeded certificate types stand
for, simplified to English only:

- :func:`render_agri_relief`: a state agriculture department's debt relief certificate, portrait,
  green header band, the number on a "Certificate No." line under the title;
- :func:`render_calamity`: a District Collector's natural calamity certificate, a letterhead
  with the number as "Ref. No." at the top right and the date at the left;
- :func:`render_disability`: a UDID-style disability certificate, landscape, the number in a
  box under the holder's details.

:func:`stamp` adds an office stamp (a semi-transparent red ring with text), :func:`noisy` adds
sensor noise, and ``smartbank.tests.cards.degrade`` rotates, blurs and JPEG-compresses, like a phone
photo of a paper. All functions return new RGB ``PIL.Image.Image`` objects.
"""

from __future__ import annotations

import datetime
import functools
import math
from typing import Final

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from smartbank.tests.cards import FONT_DIR, degrade, to_bytes

__all__ = [
    "AGRI_NUMBER",
    "CALAMITY_NUMBER",
    "UDID_NUMBER",
    "degrade",
    "noisy",
    "render_agri_relief",
    "render_calamity",
    "render_disability",
    "stamp",
    "to_bytes",
]

AGRI_NUMBER: Final = "MH/2024/004517"
"""Fits the seeded agricultural debt relief pattern ``[A-Z]{2}/\\d{4}/\\d{6}``."""
CALAMITY_NUMBER: Final = "PUN/CAL/2023/00871"
"""Fits the seeded natural calamity pattern ``[A-Z]{3}/CAL/\\d{4}/\\d{5}``."""
UDID_NUMBER: Final = "MH0420190012345678"
"""Fits the seeded disability (UDID) pattern ``[A-Z]{2}\\d{16}``."""

_INK: Final = (25, 25, 25)
_PAPER: Final = (252, 250, 244)
_GREEN: Final = (22, 110, 60)
_NAVY: Final = (24, 42, 96)
_MAROON: Final = (120, 30, 40)


@functools.cache
def _font(size: int, *, bold: bool = False, serif: bool = False) -> ImageFont.FreeTypeFont:
    family = "DejaVuSerif" if serif else "DejaVuSans"
    name = f"{family}-Bold.ttf" if bold else f"{family}.ttf"
    return ImageFont.truetype(f"{FONT_DIR}/{name}", size)


def _paragraph(
    draw: ImageDraw.ImageDraw,
    xy: tuple[int, int],
    lines: list[str],
    *,
    size: int = 26,
    spacing: int = 40,
) -> int:
    x, y = xy
    for line in lines:
        draw.text((x, y), line, font=_font(size), fill=_INK)
        y += spacing
    return y


def render_agri_relief(
    *,
    number: str = AGRI_NUMBER,
    name: str = "Ramesh Patil",
    village: str = "Shirur, Pune",
    scheme: str = "Mahatma Jyotirao Phule Shetkari Karjmukti Yojana",
    issued: datetime.date = datetime.date(2024, 3, 12),
) -> Image.Image:
    """A debt relief certificate of a state agriculture department, 1240×1600 RGB.

    Layout: a green band with "GOVERNMENT OF MAHARASHTRA" and the department's name; the title
    "DEBT RELIEF CERTIFICATE"; "Certificate No.: <number>" in bold; a paragraph certifying the
    farmer, the scheme and the date; the signature block at the bottom right.
    """
    width, height = 1240, 1600
    page = Image.new("RGB", (width, height), _PAPER)
    draw = ImageDraw.Draw(page)
    draw.rectangle((0, 0, width, 190), fill=_GREEN)
    draw.text(
        (width // 2, 70),
        "GOVERNMENT OF MAHARASHTRA",
        font=_font(48, bold=True),
        fill="white",
        anchor="mm",
    )
    draw.text(
        (width // 2, 140),
        "Department of Agriculture and Farmers Welfare",
        font=_font(32),
        fill="white",
        anchor="mm",
    )
    draw.text(
        (width // 2, 290),
        "DEBT RELIEF CERTIFICATE",
        font=_font(54, bold=True, serif=True),
        fill=_INK,
        anchor="mm",
    )
    draw.text((100, 400), f"Certificate No.: {number}", font=_font(36, bold=True), fill=_INK)
    draw.text((100, 460), f"Date of issue: {issued:%d/%m/%Y}", font=_font(30), fill=_INK)
    _paragraph(
        draw,
        (100, 580),
        [
            f"This is to certify that {name}, resident of {village},",
            "is an eligible farmer under the",
            f"{scheme},",
            "and that the crop loan outstanding in the farmer's name",
            "qualifies for relief under the scheme.",
            "",
            "This certificate is issued on the farmer's request for",
            "submission to the lending bank.",
        ],
        size=30,
        spacing=52,
    )
    draw.line((760, 1380, 1140, 1380), fill=_INK, width=2)
    draw.text((950, 1410), "Taluka Agriculture Officer", font=_font(28), fill=_INK, anchor="mm")
    draw.text((950, 1450), "Shirur, District Pune", font=_font(24), fill=_INK, anchor="mm")
    return page


def render_calamity(
    *,
    number: str = CALAMITY_NUMBER,
    name: str = "Sunita Jadhav",
    event: str = "flood of July 2023",
    district: str = "Pune",
    issued: datetime.date = datetime.date(2023, 8, 21),
) -> Image.Image:
    """A District Collector's natural calamity certificate, 1400×1000 RGB (landscape).

    Layout: a navy letterhead "OFFICE OF THE DISTRICT COLLECTOR, <DISTRICT>" with a rule under
    it; "Ref. No. <number>" at the top right and "Date: DD/MM/YYYY" at the top left; the title
    "NATURAL CALAMITY CERTIFICATE"; the certifying paragraph; the Collector's signature block.
    """
    width, height = 1400, 1000
    page = Image.new("RGB", (width, height), _PAPER)
    draw = ImageDraw.Draw(page)
    draw.ellipse((60, 30, 170, 140), outline=_NAVY, width=5)
    draw.text(
        (width // 2 + 40, 65),
        f"OFFICE OF THE DISTRICT COLLECTOR, {district.upper()}",
        font=_font(38, bold=True),
        fill=_NAVY,
        anchor="mm",
    )
    draw.text(
        (width // 2 + 40, 115),
        "Revenue and Disaster Management Branch",
        font=_font(28),
        fill=_NAVY,
        anchor="mm",
    )
    draw.line((40, 170, width - 40, 170), fill=_NAVY, width=4)
    draw.text((60, 200), f"Date: {issued:%d/%m/%Y}", font=_font(28), fill=_INK)
    draw.text(
        (width - 60, 200), f"Ref. No. {number}", font=_font(30, bold=True), fill=_INK, anchor="ra"
    )
    draw.text(
        (width // 2, 320),
        "NATURAL CALAMITY CERTIFICATE",
        font=_font(48, bold=True, serif=True),
        fill=_INK,
        anchor="mm",
    )
    _paragraph(
        draw,
        (80, 420),
        [
            f"Certified that {name} of Haveli taluka, {district} district, suffered",
            f"loss of standing crops and household property in the {event},",
            "declared a natural calamity by the State Government.",
            "The loss was assessed by the revenue officers on panchnama.",
        ],
        size=30,
        spacing=50,
    )
    draw.line((960, 840, 1320, 840), fill=_INK, width=2)
    draw.text((1140, 870), "District Collector", font=_font(28, bold=True), fill=_INK, anchor="mm")
    draw.text((1140, 910), f"{district} District", font=_font(24), fill=_INK, anchor="mm")
    return page


def render_disability(
    *,
    number: str = UDID_NUMBER,
    name: str = "Anil Kumar Sharma",
    disability: str = "Locomotor disability",
    percentage: int = 60,
    issued: datetime.date = datetime.date(2019, 11, 5),
) -> Image.Image:
    """A UDID-style disability certificate, 1400×900 RGB (landscape).

    Layout: a maroon header "Government of India" / "Unique Disability ID"; the holder's name,
    type of disability and percentage as label: value lines; the UDID number large in a boxed
    panel ("UDID No." above it); the medical authority's signature block at the bottom right.
    """
    width, height = 1400, 900
    page = Image.new("RGB", (width, height), _PAPER)
    draw = ImageDraw.Draw(page)
    draw.rectangle((0, 0, width, 150), fill=_MAROON)
    draw.text(
        (width // 2, 50),
        "Government of India",
        font=_font(40, bold=True),
        fill="white",
        anchor="mm",
    )
    draw.text(
        (width // 2, 108),
        "Unique Disability ID - Certificate of Disability",
        font=_font(30),
        fill="white",
        anchor="mm",
    )
    rows = [
        ("Name", name),
        ("Type of disability", disability),
        ("Percentage of disability", f"{percentage}% (permanent)"),
        ("Date of issue", f"{issued:%d/%m/%Y}"),
    ]
    y = 210
    for label, value in rows:
        draw.text((80, y), f"{label}:", font=_font(28), fill=_INK)
        draw.text((520, y), value, font=_font(28, bold=True), fill=_INK)
        y += 56
    draw.rectangle((80, 470, 900, 620), outline=_MAROON, width=4)
    draw.text((110, 485), "UDID No.", font=_font(26), fill=_MAROON)
    draw.text((110, 530), number, font=_font(48, bold=True), fill=_INK)
    draw.line((960, 760, 1320, 760), fill=_INK, width=2)
    draw.text((1140, 790), "Medical Authority", font=_font(28, bold=True), fill=_INK, anchor="mm")
    draw.text((1140, 830), "Chief Medical Officer", font=_font(24), fill=_INK, anchor="mm")
    return page


def stamp(
    image: Image.Image,
    *,
    center: tuple[int, int],
    radius: int = 120,
    text: str = "OFFICIAL SEAL",
    alpha: int = 140,
) -> Image.Image:
    """An office stamp pressed on the page: a red double ring with ``text`` inside, drawn at
    ``alpha`` (0–255) opacity over whatever is under it, so text below stays visible."""
    base = image.convert("RGBA")
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    red = (200, 20, 30, alpha)
    x, y = center
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=red, width=8)
    inner = radius - 22
    draw.ellipse((x - inner, y - inner, x + inner, y + inner), outline=red, width=3)
    # the words around the inner ring, one letter at a time
    letters = list(text)
    for k, letter in enumerate(letters):
        angle = math.pi + k * math.pi / max(len(letters) - 1, 1)
        lx = x + (inner - 24) * math.cos(angle)
        ly = y + (inner - 24) * math.sin(angle)
        draw.text((lx, ly), letter, font=_font(22, bold=True), fill=red, anchor="mm")
    draw.text((x, y + 20), "★", font=_font(40), fill=red, anchor="mm")
    return Image.alpha_composite(base, layer).convert("RGB")


def noisy(image: Image.Image, *, sigma: float = 12.0, seed: int = 5) -> Image.Image:
    """Add Gaussian sensor noise of standard deviation ``sigma`` (0–255 scale), reproducibly."""
    rng = np.random.default_rng(seed)
    pixels = np.asarray(image.convert("RGB"), dtype=np.float32)
    pixels += rng.normal(0.0, sigma, pixels.shape).astype(np.float32)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
