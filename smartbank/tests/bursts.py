"""Camera bursts for the face step-up tests, made from the real face photos of
:mod:`smartbank.tests.cards` (nothing downloaded).

A webcam frame is the photo cropped around the face at 4:3 and scaled to 320×240, as the
step-up page captures it (``static/js/step_up.js``), JPEG quality 80. Successive frames move a
few pixels and change brightness a little, as a hand-held phone or a laptop camera does. A
blink is drawn: each eye is painted over with the skin below it and a dark lid line runs from
corner to corner (dlib's landmarks then close on the line: EAR ~0.1 instead of ~0.33 for the
astronaut). Grace Hopper's glasses defeat the painting, so blink tests use the astronaut.

``y4m_video`` writes the frames as a YUV4MPEG2 file for Chromium's
``--use-file-for-fake-video-capture``.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable, Sequence
from typing import Final

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance

from smartbank.engines import faces

from . import cards

FRAME_SIZE: Final = (320, 240)
"""Width and height of a captured frame, as the step-up page sends them."""
BURST_LENGTH: Final = 15
"""Frames in a burst (the page takes 15 frames over 2 seconds)."""
CLOSED_FRAMES: Final = (6, 7, 8)
"""Frames of :func:`blink_burst` with the eyes closed: open, closed, open again."""


@functools.cache
def _face_and_eyes(name: str) -> tuple[faces.FaceBox, dict[str, list[tuple[int, int]]]]:
    photo = cards.face_photo(name)
    box = faces.detect_faces(photo)[0]
    return box, faces.eye_landmarks(photo, box)


def eyes_closed(name: str) -> Image.Image:
    """``cards.face_photo(name)`` with both eyes painted shut (full resolution)."""
    photo = cards.face_photo(name)
    _, eyes = _face_and_eyes(name)
    pixels = np.asarray(photo)
    draw = ImageDraw.Draw(photo)
    for points in eyes.values():
        eye = np.asarray(points, dtype=float)
        cx, cy = eye.mean(axis=0)
        width = eye[3, 0] - eye[0, 0]
        sx, sy = int(cx), int(cy + 0.6 * width)  # the cheek under the eye
        patch = pixels[sy - 2 : sy + 3, sx - 2 : sx + 3].reshape(-1, 3)
        skin = tuple(int(v) for v in np.median(patch, axis=0))
        draw.ellipse(
            (
                eye[0, 0] - 0.15 * width,
                cy - 0.45 * width,
                eye[3, 0] + 0.15 * width,
                cy + 0.35 * width,
            ),
            fill=skin,
        )
        lid = tuple(int(v * 0.35) for v in skin)
        draw.line(
            [tuple(eye[0]), (cx, cy + 0.08 * width), tuple(eye[3])],
            fill=lid,
            width=max(2, int(width / 10)),
        )
    return photo


def camera_frame(
    photo: Image.Image, name: str, *, shift: tuple[int, int] = (0, 0), brightness: float = 1.0
) -> Image.Image:
    """A 320×240 webcam frame of ``photo`` (a picture of ``name``, maybe painted): the face
    centred, about 40 % of the frame's width, moved by ``shift`` pixels of the photo."""
    box, _ = _face_and_eyes(name)
    cx, cy = (box.left + box.right) / 2 + shift[0], (box.top + box.bottom) / 2 + shift[1]
    width = (box.right - box.left) * 2.6
    height = width * FRAME_SIZE[1] / FRAME_SIZE[0]
    crop = photo.crop(
        (int(cx - width / 2), int(cy - height / 2), int(cx + width / 2), int(cy + height / 2))
    )
    frame = crop.resize(FRAME_SIZE, Image.Resampling.BILINEAR)
    return ImageEnhance.Brightness(frame).enhance(brightness)


def _jitter(index: int) -> tuple[tuple[int, int], float]:
    """A small deterministic movement and light change for frame ``index``."""
    dx = (index % 5) - 2
    dy = ((index * 2) % 5) - 2
    return (dx, dy), 1.0 + 0.02 * ((index % 3) - 1)


def blink_frames(
    name: str = "astronaut", *, count: int = BURST_LENGTH, closed: Iterable[int] = CLOSED_FRAMES
) -> list[Image.Image]:
    """``count`` frames of ``name`` with the eyes closed in the frames numbered ``closed``."""
    shut = set(closed)
    open_photo, closed_photo = cards.face_photo(name), eyes_closed(name)
    frames = []
    for index in range(count):
        shift, light = _jitter(index)
        source = closed_photo if index in shut else open_photo
        frames.append(camera_frame(source, name, shift=shift, brightness=light))
    return frames


def static_frames(name: str = "astronaut", *, count: int = BURST_LENGTH) -> list[Image.Image]:
    """``count`` frames of a still photo of ``name`` held before the camera: it moves and the
    light flickers a little, the eyes never close."""
    photo = cards.face_photo(name)
    return [
        camera_frame(photo, name, shift=_jitter(i)[0], brightness=_jitter(i)[1])
        for i in range(count)
    ]


def jpegs(frames: Sequence[Image.Image], *, quality: int = 80) -> list[bytes]:
    """The frames as JPEG bytes, as the page's ``canvas.toBlob("image/jpeg", 0.8)`` sends."""
    return [cards.to_bytes(frame, "JPEG", quality=quality) for frame in frames]


def y4m_video(frames: Sequence[Image.Image], *, fps: int = 10) -> bytes:
    """A YUV4MPEG2 (4:2:0, BT.601 full range) video of ``frames``, which must all have one
    even size; Chromium loops it as the fake camera."""
    width, height = frames[0].size
    out = io.BytesIO()
    out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
    for frame in frames:
        rgb = np.asarray(frame.convert("RGB"), dtype=np.float32)
        r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
        y = 0.299 * r + 0.587 * g + 0.114 * b
        u = -0.168736 * r - 0.331264 * g + 0.5 * b + 128
        v = 0.5 * r - 0.418688 * g - 0.081312 * b + 128

        def half(plane: np.ndarray) -> np.ndarray:
            return plane.reshape(height // 2, 2, width // 2, 2).mean(axis=(1, 3))

        out.write(b"FRAME\n")
        for plane in (y, half(u), half(v)):
            out.write(np.clip(np.rint(plane), 0, 255).astype(np.uint8).tobytes())
    return out.getvalue()
