"""Drawing helpers shared by the layouts: sizes and palettes, fonts, the :class:`_Pen`, guilloche
patterns, emblems, QR-like codes, signatures, face photos and the final scan scaling."""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Sequence
from typing import Final

from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps

from smartbank.tests import cards

from .vocabulary import _FONT_PACKAGES, DEVANAGARI_FONT, FONT_FAMILIES

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
