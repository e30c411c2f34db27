"""Scan and phone-photo damage (:func:`damage`): rotation, blur, JPEG, fading, uneven light and
the card photographed on a table."""

from __future__ import annotations

import io
import math
import random
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

from .vocabulary import CONDITIONS


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
