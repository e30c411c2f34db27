"""PAN layouts: the old card without labels and the new card with labels and a QR code."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageDraw

from .drawing import (
    _BLUE_INK,
    _H,
    _INKS,
    _NAVIES,
    _PAN_BGS,
    _PHOTO_ASPECT,
    _W,
    _emblem,
    _finish,
    _guilloche,
    _paste_face,
    _Pen,
    _qr,
    _shade,
    _signature,
)
from .people import _dmy

if TYPE_CHECKING:
    from .model import CorpusCard


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
