"""Face detection and matching with face_recognition (dlib HOG detector, ResNet encoder).

No ORM. Images are Pillow images; they are converted to RGB ``uint8`` numpy arrays of
shape (height, width, 3). Face encodings are 128 floats; two encodings of the same
person are usually at Euclidean distance < 0.6 (face_recognition's documented default
tolerance; the KYC threshold itself is a business rule kept by the caller).

Measured here (shared MACHINE-NOTES): HOG detection ~80–130 ms at upsample 1 on 512–640 px
images, one encoding ~75 ms. At upsample 1 HOG also finds small spurious "faces" (the
astronaut's mission patch), so detections much smaller than the largest are dropped.

Liveness hint for step-ups (issue 14): :func:`analyse_frame` reads dlib's 68-point landmarks
(``face_recognition.face_landmarks``) of a camera frame's face and returns the eye aspect ratio
(:func:`eye_aspect_ratio`, Soukupová & Čech, "Real-Time Eye Blink Detection using Facial
Landmarks", CVWW 2016): about 0.3 for open eyes, below 0.2 for closed ones. What counts as a
blink is the caller's rule.

Errors from dlib/numpy (and a missing model package) are raised as FaceEngineError.
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Final

import numpy as np
from PIL import Image, ImageFile

MAX_DETECTION_SIDE: Final = 1000
"""Images whose longer side exceeds this (pixels) are downscaled for detection only."""

MIN_RELATIVE_SCORE: Final = 0.4
"""Detections scoring below this fraction of the best detection's HOG score are dropped.
Measured: real faces score 0.7–1.7, the astronaut's mission patch 0.1–0.2."""

MULTIPLE_FACES_RELATIVE_AREA: Final = 0.5
"""A second face at least this fraction of the largest face's area means another person."""

FAST_DETECTION_SCALE: Final = (5 / 6) ** 4
"""Issue 13: faces are first searched on a copy this size (0.48: under a quarter of the
pixels), their boxes mapped back (:func:`_fast_locate`); encodings are computed on the full
image. A power of 5/6, the step of dlib's image pyramid, so the copy's pyramid levels are the
full search's from the fifth on and a face gets the box the full search gives it (a scale
such as 0.5 moved the boxes by a tenth of their side)."""

FAST_MIN_FACE_SIDE: Final = 84
"""At upsample 1, the smallest face side (pixels of the full-size image) the search on the
copy is relied on to find: dlib's HOG window is 80 px, 40 px at upsample 1, 40 / 0.48 px on
the copy. (It found the astronaut's 63 px card photo, but that is not relied on.)"""

FAST_MIN_IMAGE_SIDE: Final = 100
"""Images whose half-size copy would be narrower than this (pixels) are searched whole."""

ENCODING_LENGTH: Final = 128

NO_FACE_IN_SELFIE: Final = "NO_FACE_IN_SELFIE"
MULTIPLE_FACES: Final = "MULTIPLE_FACES"


class FaceEngineError(Exception):
    """dlib or its models failed, or an encoding has the wrong shape."""


@dataclass(frozen=True)
class FaceBox:
    """A face's bounding box in pixel coordinates of the original image.

    ``top``/``bottom`` are rows, ``left``/``right`` columns (dlib's order: top, right,
    bottom, left); right and bottom are exclusive. ``score`` is the detector's score.
    """

    top: int
    right: int
    bottom: int
    left: int
    score: float = 0.0
    """dlib HOG detection score: higher is more face-like; dlib's own cut-off is 0."""

    @property
    def area(self) -> int:
        """Box area in square pixels."""
        return max(0, self.right - self.left) * max(0, self.bottom - self.top)

    def as_css(self) -> tuple[int, int, int, int]:
        """(top, right, bottom, left), the order face_recognition uses."""
        return (self.top, self.right, self.bottom, self.left)


@dataclass(frozen=True)
class SelfieAnalysis:
    """Outcome of analyse_selfie().

    Attributes:
        face_count: faces detected (after dropping small spurious detections).
        encoding: 128 floats of the largest face, or None when ``code`` is set.
        code: None when usable, else "NO_FACE_IN_SELFIE" or "MULTIPLE_FACES".
    """

    face_count: int
    encoding: tuple[float, ...] | None
    code: str | None


@functools.cache
def _engine() -> ModuleType:
    """Import face_recognition lazily: loading its dlib models takes ~0.5 s and memory,
    which web processes that never match faces should not pay."""
    truncated_flag = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        import face_recognition
    except (ImportError, SystemExit) as exc:
        # face_recognition calls quit() when face_recognition_models cannot be imported
        # (e.g. setuptools >= 82 without pkg_resources).
        raise FaceEngineError("face_recognition or its models are not installed") from exc
    finally:
        # face_recognition sets this process-wide Pillow flag to True on import, which would
        # make smartbank.uploads accept truncated JPEGs. Put the previous value back.
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated_flag
    return face_recognition


def warm_up() -> None:
    """Load dlib's detector and models now and run each once on a blank image (a worker as
    it starts, issue 13), not in the first case's wait. Raises FaceEngineError."""
    blank = Image.new("RGB", (160, 160), "gray")
    _locate(_to_array(blank), 1)
    # A blank image may have nothing to encode: the error is expected, the models are loaded.
    with contextlib.suppress(FaceEngineError):
        encode_face(blank, FaceBox(top=10, right=150, bottom=150, left=10))


def _to_array(image: Image.Image) -> np.ndarray:
    """RGB uint8 array (height, width, 3), C-contiguous as dlib requires."""
    return np.ascontiguousarray(np.asarray(image.convert("RGB"), dtype=np.uint8))


Location = tuple[int, int, int, int, float]
"""(top, right, bottom, left, score) of a detection, in pixels of the array searched."""


@functools.cache
def _detector() -> Any:
    """dlib's HOG frontal face detector (the one face_recognition's "hog" model uses),
    called directly because face_recognition hides the detection scores."""
    _engine()  # same import path and error as the rest of the module
    import dlib

    return dlib.get_frontal_face_detector()


def _locate(array: np.ndarray, upsample: int) -> list[Location]:
    """(top, right, bottom, left, score) of each detection in array coordinates."""
    try:
        rects, scores, _ = _detector().run(array, upsample, 0.0)
    except (RuntimeError, ValueError, TypeError, MemoryError) as exc:
        raise FaceEngineError(f"face detection failed: {type(exc).__name__}") from exc
    return [
        (rect.top(), rect.right(), rect.bottom(), rect.left(), float(score))
        for rect, score in zip(rects, scores, strict=True)
    ]


def _downscaled(image: Image.Image, side: int) -> tuple[Image.Image, float]:
    """``image`` shrunk (bilinear) so its longer side is at most ``side`` pixels, and the
    scale applied (1.0: the image itself)."""
    width, height = image.size
    if max(width, height) <= side:
        return image, 1.0
    scale = side / max(width, height)
    small = image.resize(
        (max(1, round(width * scale)), max(1, round(height * scale))), Image.Resampling.BILINEAR
    )
    return small, scale


def _fast_locate(
    working: Image.Image, upsample: int, *, relevant_side: float
) -> list[Location] | None:
    """Issue 13: the faces of ``working`` found on a copy FAST_DETECTION_SCALE its size (a
    quarter of the pixels at the same ``upsample``), boxes mapped back to ``working``'s
    pixels; None when the copy shows no face, or when it could have missed one that counts
    (the caller then searches ``working`` itself, as before).

    The copy misses faces smaller than FAST_MIN_FACE_SIDE (in ``working`` pixels) that the
    full search finds: the result is vouched for only when every face the caller counts,
    ``relevant_side`` times the largest found (a ratio of sides), is at least that big, or
    when only the largest counts (``relevant_side`` 1: a face the copy missed is one it could
    not see, so smaller than one it saw, or about as small; an ID card has one photo).
    """
    if min(working.size) * FAST_DETECTION_SCALE < FAST_MIN_IMAGE_SIDE:
        return None
    small, scale = _downscaled(working, round(max(working.size) * FAST_DETECTION_SCALE))
    found = [
        (round(t / scale), round(r / scale), round(b / scale), round(lft / scale), score)
        for t, r, b, lft, score in _locate(_to_array(small), upsample)
    ]
    if not found:
        return None
    if relevant_side >= 1.0:  # only the largest face counts, and the copy found a face
        return found
    largest = max(min(b - t, r - lft) for t, r, b, lft, _ in found)
    if relevant_side * largest < FAST_MIN_FACE_SIDE * 2 / 2**upsample:
        return None
    return found


def detect_faces(
    image: Image.Image,
    *,
    upsample: int = 1,
    min_relative_area: float = 0.25,
    relevant_area: float | None = None,
) -> list[FaceBox]:
    """Find faces with dlib's HOG detector, largest first.

    Args:
        image: any Pillow image. If its longer side exceeds MAX_DETECTION_SIDE it is
            downscaled for detection; boxes are mapped back to original coordinates.
        upsample: times dlib doubles the image (1 finds faces down to ~40 px). When
            nothing is found, one more try runs at ``upsample + 1`` (small card photos).
        min_relative_area: detections with area below this fraction of the largest are
            dropped as spurious (a badge, a pattern far away). Detections scoring below
            MIN_RELATIVE_SCORE of the best score are dropped too (a mission patch can be
            as large as the face, but scores far lower).
        relevant_area: the smallest face the caller counts, as a fraction of the largest's
            area (default ``min_relative_area``; MULTIPLE_FACES_RELATIVE_AREA for a selfie,
            1.0 when only the largest face is used, as on an ID card).

    Issue 13: the search runs first on a half-size copy (:func:`_fast_locate`: a quarter of
    the full search's cost, boxes mapped back to the image's pixels); the image is searched
    at full size as before when the copy shows no face, or when a face of
    ``relevant_area`` could be too small for the copy.

    Returns:
        FaceBox list sorted by area, largest first; empty when no face.

    Raises:
        FaceEngineError: dlib failed.
    """
    width, height = image.size
    working, scale = _downscaled(image, MAX_DETECTION_SIDE)
    relevant = min_relative_area if relevant_area is None else relevant_area
    locations = _fast_locate(working, upsample, relevant_side=math.sqrt(relevant))
    if locations is None:
        array = _to_array(working)
        locations = _locate(array, upsample)
        if not locations:
            locations = _locate(array, upsample + 1)

    if not locations:
        return []
    best_score = max(location[4] for location in locations)
    boxes = [
        FaceBox(
            top=max(0, math.floor(top / scale)),
            right=min(width, math.ceil(right / scale)),
            bottom=min(height, math.ceil(bottom / scale)),
            left=max(0, math.floor(left / scale)),
            score=round(score, 3),
        )
        for top, right, bottom, left, score in locations
        if score >= MIN_RELATIVE_SCORE * best_score
    ]
    boxes = [box for box in boxes if box.area > 0]
    boxes.sort(key=lambda box: box.area, reverse=True)
    if not boxes:
        return []
    largest = boxes[0].area
    return [box for box in boxes if box.area >= min_relative_area * largest]


def encode_face(image: Image.Image, box: FaceBox) -> tuple[float, ...]:
    """Return the 128-float face encoding of the face in ``box`` (num_jitters=1).

    Raises:
        FaceEngineError: dlib failed or returned no encoding.
    """
    array = _to_array(image)
    try:
        encodings = _engine().face_encodings(
            array, known_face_locations=[box.as_css()], num_jitters=1
        )
    except (RuntimeError, ValueError, TypeError, MemoryError) as exc:
        raise FaceEngineError(f"face encoding failed: {type(exc).__name__}") from exc
    if not encodings:
        raise FaceEngineError("face encoding returned nothing")
    return tuple(float(value) for value in encodings[0])


def analyse_selfie(image: Image.Image) -> SelfieAnalysis:
    """Check a selfie shows exactly one person and encode that face.

    Rules: no face → code "NO_FACE_IN_SELFIE"; a second face at least
    MULTIPLE_FACES_RELATIVE_AREA (0.5) of the largest face's area → "MULTIPLE_FACES"
    (smaller ones, such as a face on a poster far behind, are ignored); otherwise the
    encoding of the largest face.

    Raises:
        FaceEngineError: dlib failed.
    """
    boxes = detect_faces(image, relevant_area=MULTIPLE_FACES_RELATIVE_AREA)
    if not boxes:
        return SelfieAnalysis(face_count=0, encoding=None, code=NO_FACE_IN_SELFIE)
    if len(boxes) > 1 and boxes[1].area >= MULTIPLE_FACES_RELATIVE_AREA * boxes[0].area:
        return SelfieAnalysis(face_count=len(boxes), encoding=None, code=MULTIPLE_FACES)
    return SelfieAnalysis(face_count=len(boxes), encoding=encode_face(image, boxes[0]), code=None)


def analyse_id_photo(image: Image.Image) -> tuple[float, ...] | None:
    """Return the encoding of the largest face on an ID card image, or None (the caller
    reports NO_FACE_ON_ID).

    Raises:
        FaceEngineError: dlib failed.
    """
    boxes = detect_faces(image, relevant_area=1.0)
    if not boxes:
        return None
    return encode_face(image, boxes[0])


def _vector(encoding: Sequence[float]) -> np.ndarray:
    try:
        vector = np.asarray(encoding, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise FaceEngineError("face encoding is not a sequence of numbers") from exc
    if vector.shape != (ENCODING_LENGTH,) or not np.all(np.isfinite(vector)):
        raise FaceEngineError(f"face encoding must be {ENCODING_LENGTH} finite numbers")
    return vector


def face_distance(a: Sequence[float], b: Sequence[float]) -> float:
    """Euclidean distance between two 128-float encodings (0 = identical; same person
    usually < 0.6).

    Raises:
        FaceEngineError: an encoding is not 128 finite numbers.
    """
    return float(_engine().face_distance(_vector(a)[np.newaxis, :], _vector(b))[0])


def nearest_distance(encoding: Sequence[float], others: Sequence[Sequence[float]]) -> float | None:
    """Smallest distance from ``encoding`` to any of ``others``; None when ``others`` is
    empty (e.g. duplicate-face search with no other customers).

    Raises:
        FaceEngineError: an encoding is not 128 finite numbers.
    """
    if len(others) == 0:
        return None
    from .face_gallery import FaceGallery, nearest_face  # issue 13: the 1:N search

    if isinstance(others, FaceGallery):
        return nearest_face(encoding, others)[0]
    matrix = np.stack([_vector(other) for other in others])
    return float(np.min(_engine().face_distance(matrix, _vector(encoding))))


EYE_POINTS: Final = 6
"""Points per eye in dlib's 68-point model (``left_eye`` / ``right_eye``), p1..p6 clockwise
from the outer corner: p1 and p4 the corners, p2, p3 on the upper lid, p6, p5 below them."""


@dataclass(frozen=True)
class FrameAnalysis:
    """Outcome of analyse_frame() for one camera frame.

    Attributes:
        face_count: faces detected, counting only those at least MULTIPLE_FACES_RELATIVE_AREA
            of the largest (a face far behind does not count).
        box: the largest face's box, or None without a face.
        eye_aspect_ratio: mean EAR of the largest face's two eyes (see eye_aspect_ratio()),
            or None without a face.
    """

    face_count: int
    box: FaceBox | None
    eye_aspect_ratio: float | None


def eye_aspect_ratio(eye: Sequence[tuple[float, float]]) -> float:
    """EAR = (|p2 − p6| + |p3 − p5|) / (2 · |p1 − p4|) of one eye's six landmarks (pixels).

    Dimensionless, independent of the face's size: about 0.25–0.35 open, under 0.2 closed.
    0.0 when the corners coincide (a degenerate shape).

    Raises:
        FaceEngineError: not six (x, y) points.
    """
    points = np.asarray(eye, dtype=np.float64)
    if points.shape != (EYE_POINTS, 2):
        raise FaceEngineError(f"an eye has {EYE_POINTS} landmarks (x, y)")
    p1, p2, p3, p4, p5, p6 = points
    width = float(np.linalg.norm(p1 - p4))
    if width == 0.0:
        return 0.0
    return float((np.linalg.norm(p2 - p6) + np.linalg.norm(p3 - p5)) / (2.0 * width))


def eye_landmarks(image: Image.Image, box: FaceBox) -> dict[str, list[tuple[int, int]]]:
    """``{"left_eye": [6 points], "right_eye": [6 points]}`` of the face in ``box``, in
    pixel coordinates of ``image`` (dlib's 68-point shape predictor).

    Raises:
        FaceEngineError: dlib failed or found no landmarks.
    """
    try:
        found = _engine().face_landmarks(
            _to_array(image), face_locations=[box.as_css()], model="large"
        )
    except (RuntimeError, ValueError, TypeError, MemoryError) as exc:
        raise FaceEngineError(f"face landmarks failed: {type(exc).__name__}") from exc
    if not found:
        raise FaceEngineError("face landmarks returned nothing")
    return {key: list(found[0][key]) for key in ("left_eye", "right_eye")}


def analyse_frame(image: Image.Image) -> FrameAnalysis:
    """Count the faces in one camera frame and read the largest face's eye aspect ratio.

    Frames are small (a 320×240 webcam frame: ~30 ms of detection at upsample 1 here).
    Encoding is left to encode_face(), so a caller encodes only the frames it compares.

    Raises:
        FaceEngineError: dlib failed.
    """
    boxes = detect_faces(image, relevant_area=MULTIPLE_FACES_RELATIVE_AREA)
    if not boxes:
        return FrameAnalysis(face_count=0, box=None, eye_aspect_ratio=None)
    largest = boxes[0]
    count = sum(1 for box in boxes if box.area >= MULTIPLE_FACES_RELATIVE_AREA * largest.area)
    eyes = eye_landmarks(image, largest)
    ear = (eye_aspect_ratio(eyes["left_eye"]) + eye_aspect_ratio(eyes["right_eye"])) / 2
    return FrameAnalysis(face_count=count, box=largest, eye_aspect_ratio=round(ear, 4))
