"""The face step-up check: one face, a blink, the customer's face (issue 14).

Runs inside a Celery task, never in a web request. :func:`step_up_run` opens the burst, calls
the face engine (:mod:`smartbank.engines.faces`) on each frame and returns a
:class:`StepUpOutcome` decided by the pure :func:`decide`; :func:`face_lock_until` is the pure
rule of the lock after repeated failures. Engine errors propagate so the task can retry.
Writes nothing.

Rules (:class:`StepUpRules`, from ``settings.STEP_UP_*`` and ``KYC_FACE_MATCH_MAX``):

1. No frame shows two faces (``MULTIPLE_FACES``), and at least ``min_face_share`` of the frames
   show exactly one (``NO_FACE``).
2. A blink, the liveness hint: in frame order, an eye aspect ratio at or above ``ear_open_min``,
   later one below ``ear_closed_max``, later one at or above ``ear_open_min`` again
   (``NO_BLINK``). A photo held before the camera never blinks; a video replay can, which is
   why this is a hint beside the match and the code fallback, not proof.
3. The face matches the customer's VERIFIED KYC selfie: the median distance of the open-eyed
   frames (at most :data:`MAX_ENCODED_FRAMES` of them) is at most ``match_max``, the KYC match
   band (``FACE_MISMATCH``; the KYC review band is no match here: nobody reviews a step-up).
"""

import datetime
import math
import statistics
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from django.conf import settings

from kyc.selectors import kyc_verified_face_encoding
from smartbank.engines import faces
from smartbank.storage import document_decrypt, document_encrypt
from smartbank.uploads import UploadRejected, load_image

__all__ = [
    "FAILURE_MESSAGES",
    "FrameReading",
    "StepUpOutcome",
    "StepUpRules",
    "decide",
    "face_lock_until",
    "frames_pack",
    "frames_unpack",
    "step_up_rules",
    "step_up_run",
]

MAX_ENCODED_FRAMES: Final = 5
"""Frames encoded for the match (~75 ms each); the open-eyed ones, spread over the burst."""
FRAME_MAX_PIXELS: Final = 1280 * 960
"""Largest decoded frame (the page sends 320×240)."""

NO_FACE: Final = "NO_FACE"
MULTIPLE_FACES: Final = "MULTIPLE_FACES"
NO_BLINK: Final = "NO_BLINK"
FACE_MISMATCH: Final = "FACE_MISMATCH"
UNREADABLE_FRAMES: Final = "UNREADABLE_FRAMES"
NO_KYC_FACE: Final = "NO_KYC_FACE"
ENGINE_ERROR: Final = "ENGINE_ERROR"

#: What the customer reads when a face step-up fails; the page then offers a code.
FAILURE_MESSAGES: Final[dict[str, str]] = {
    NO_FACE: "We could not see your face clearly. Face the camera in good light.",
    MULTIPLE_FACES: "We saw more than one face. Make sure only you are in front of the camera.",
    NO_BLINK: "We could not see you blink. Look at the camera and blink once or twice.",
    FACE_MISMATCH: "Your face did not match the photo from your identity check.",
    UNREADABLE_FRAMES: "We could not read the pictures from your camera.",
    NO_KYC_FACE: "We have no verified photo of you to compare with.",
    ENGINE_ERROR: "We could not check your face just now.",
}
#: Failure codes that say nothing about who stood before the camera: not counted for the lock.
NOT_COUNTED: Final = frozenset({ENGINE_ERROR})


@dataclass(frozen=True)
class StepUpRules:
    """The thresholds of :func:`decide` (dimensionless ratios and face distances)."""

    ear_closed_max: float
    ear_open_min: float
    match_max: float
    min_face_share: float


def step_up_rules() -> StepUpRules:
    """The rules configured in settings."""
    return StepUpRules(
        ear_closed_max=settings.STEP_UP_EAR_CLOSED_MAX,
        ear_open_min=settings.STEP_UP_EAR_OPEN_MIN,
        match_max=settings.KYC_FACE_MATCH_MAX,
        min_face_share=settings.STEP_UP_MIN_FACE_SHARE,
    )


@dataclass(frozen=True)
class FrameReading:
    """What the engine saw in one frame: faces counted, the largest face's mean eye aspect
    ratio (None without a face) and its distance to the KYC face (None when not encoded)."""

    face_count: int
    eye_aspect_ratio: float | None = None
    distance: float | None = None


@dataclass(frozen=True)
class StepUpOutcome:
    """The check's result: ``passed``, the failure ``code`` ("" when passed), the median
    ``face_distance`` (None when no frame was compared) and what the audit event keeps."""

    passed: bool
    code: str
    face_distance: float | None
    frames: int
    face_frames: int
    blinked: bool
    eye_aspect_ratios: list[float | None] = field(default_factory=list)

    def event_data(self) -> dict[str, Any]:
        """JSON for the audit event (no images, no encodings)."""
        return {
            "code": self.code,
            "face_distance": self.face_distance,
            "frames": self.frames,
            "face_frames": self.face_frames,
            "blinked": self.blinked,
            "eye_aspect_ratios": self.eye_aspect_ratios,
        }


def blinked(ratios: Sequence[float], *, rules: StepUpRules) -> bool:
    """True when ``ratios`` (in frame order) go open, closed, open again."""
    phase = 0  # 0: waiting for open eyes, 1: for closed ones, 2: for open ones again
    for ratio in ratios:
        if phase == 0 and ratio >= rules.ear_open_min:
            phase = 1
        elif phase == 1 and ratio < rules.ear_closed_max:
            phase = 2
        elif phase == 2 and ratio >= rules.ear_open_min:
            return True
    return False


def decide(frames: Sequence[FrameReading], *, rules: StepUpRules) -> StepUpOutcome:
    """Pass or fail a burst from its frames' readings (the rules of the module docstring, in
    that order: the first broken rule gives the code). Pure."""
    one_face = [frame for frame in frames if frame.face_count == 1]
    ratios = [f.eye_aspect_ratio for f in one_face if f.eye_aspect_ratio is not None]
    distances = [frame.distance for frame in one_face if frame.distance is not None]
    distance = round(statistics.median(distances), 4) if distances else None
    did_blink = blinked(ratios, rules=rules)
    if any(frame.face_count > 1 for frame in frames):
        code = MULTIPLE_FACES
    elif not frames or len(one_face) < math.ceil(rules.min_face_share * len(frames)):
        code = NO_FACE
    elif not did_blink:
        code = NO_BLINK
    elif distance is None or distance > rules.match_max:
        code = FACE_MISMATCH
    else:
        code = ""
    return StepUpOutcome(
        passed=code == "",
        code=code,
        face_distance=distance,
        frames=len(frames),
        face_frames=len(one_face),
        blinked=did_blink,
        eye_aspect_ratios=[frame.eye_aspect_ratio for frame in frames],
    )


def face_lock_until(
    failures: Sequence[datetime.datetime],
    *,
    now: datetime.datetime,
    max_failures: int,
    window: datetime.timedelta,
) -> datetime.datetime | None:
    """When the face path unlocks, or None when it is open. Pure.

    ``failures`` are the times of counted failed face step-ups. ``max_failures`` of them within
    ``window`` lock the face path for ``window`` from the last of them (3 failures in an hour:
    locked for an hour from the third).
    """
    times = sorted(failures)
    until = None
    for index in range(max_failures - 1, len(times)):
        if times[index] - times[index - max_failures + 1] <= window:
            until = times[index] + window
    return until if until is not None and until > now else None


# --- the burst at rest --------------------------------------------------------------------

_LENGTH = struct.Struct(">I")


def frames_pack(frames: Sequence[bytes]) -> bytes:
    """The frames as one Fernet token (each frame prefixed by its length, 4 bytes)."""
    return document_encrypt(b"".join(_LENGTH.pack(len(frame)) + frame for frame in frames))


def frames_unpack(stored: bytes) -> list[bytes]:
    """The frames of :func:`frames_pack`'s token. Raises
    :class:`smartbank.storage.DocumentUnreadable` (no key opens it) or ``ValueError``
    (a damaged token)."""
    plain, frames, offset = document_decrypt(bytes(stored)), [], 0
    while offset < len(plain):
        if offset + _LENGTH.size > len(plain):
            raise ValueError("damaged burst")
        (length,) = _LENGTH.unpack_from(plain, offset)
        offset += _LENGTH.size
        if offset + length > len(plain):
            raise ValueError("damaged burst")
        frames.append(plain[offset : offset + length])
        offset += length
    return frames


# --- the run ------------------------------------------------------------------------------


def _spread(indices: Sequence[int], count: int) -> list[int]:
    """At most ``count`` of ``indices``, evenly spread."""
    if len(indices) <= count:
        return list(indices)
    step = len(indices) / count
    return [indices[int(i * step)] for i in range(count)]


def step_up_run(*, step_up: Any) -> StepUpOutcome:
    """Check a PROCESSING face step-up's burst against its customer's VERIFIED KYC face.

    Frames that do not open as JPEG/PNG fail the step-up (``UNREADABLE_FRAMES``); a customer
    whose latest KYC case is no longer VERIFIED fails it (``NO_KYC_FACE``).

    Raises:
        smartbank.engines.faces.FaceEngineError: dlib failed (the task retries).
    """
    rules = step_up_rules()
    reference = kyc_verified_face_encoding(user=step_up.user)
    try:
        images = [
            load_image(
                frame, max_bytes=settings.STEP_UP_FRAME_MAX_BYTES, max_pixels=FRAME_MAX_PIXELS
            )
            for frame in frames_unpack(step_up.frames_encrypted)
        ]
    except (UploadRejected, ValueError):
        images = None
    if not images or reference is None:
        code = UNREADABLE_FRAMES if not images else NO_KYC_FACE
        return StepUpOutcome(
            passed=False, code=code, face_distance=None, frames=0, face_frames=0, blinked=False
        )
    analyses = [faces.analyse_frame(image) for image in images]
    open_frames = [
        index
        for index, analysis in enumerate(analyses)
        if analysis.face_count == 1
        and analysis.eye_aspect_ratio is not None
        and analysis.eye_aspect_ratio >= rules.ear_open_min
    ]
    if not open_frames:  # no open eyes: still measure the distance for the record
        open_frames = [i for i, analysis in enumerate(analyses) if analysis.face_count == 1]
    distances: dict[int, float] = {}
    for index in _spread(open_frames, MAX_ENCODED_FRAMES):
        box = analyses[index].box
        assert box is not None  # noqa: S101 - face_count == 1 implies a box
        encoding = faces.encode_face(images[index], box)
        distances[index] = faces.face_distance(encoding, reference)
    readings = [
        FrameReading(
            face_count=analysis.face_count,
            eye_aspect_ratio=analysis.eye_aspect_ratio,
            distance=distances.get(index),
        )
        for index, analysis in enumerate(analyses)
    ]
    return decide(readings, rules=rules)
