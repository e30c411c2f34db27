"""The face step-up check (issue 14): the pure rules on numbers, then real bursts from real face
photos through the service, the Celery task (eager, after commit) and dlib.

Bursts (:mod:`smartbank.tests.bursts`): 15 webcam-sized JPEG frames of the astronaut photo,
moving a little; a blink is drawn over dlib's eye landmarks in frames 6-8.
"""

import datetime

import pytest
from django.utils import timezone

from accounts.models import StepUp, StepUpEvent
from accounts.pipeline import FrameReading, StepUpRules, decide, face_lock_until
from accounts.services.step_up import step_up_face_start
from accounts.tests.step_up_factories import customer_with_kyc_face
from smartbank.engines import faces
from smartbank.tests import bursts

RULES = StepUpRules(ear_closed_max=0.20, ear_open_min=0.25, match_max=0.50, min_face_share=0.6)
OPEN, SHUT = 0.33, 0.12


def frames(*ratios: float, distance: float | None = 0.3, faces_seen: int = 1) -> list:
    return [FrameReading(faces_seen, ratio, distance) for ratio in ratios]


# --- the rules, on numbers ---------------------------------------------------------------


def test_open_closed_open_within_the_match_band_passes():
    outcome = decide(frames(OPEN, OPEN, SHUT, SHUT, OPEN, OPEN), rules=RULES)
    assert (outcome.passed, outcome.code, outcome.blinked) == (True, "", True)
    assert outcome.face_distance == 0.3


@pytest.mark.parametrize(
    "ratios",
    [
        (OPEN,) * 6,  # eyes never close: a photo
        (OPEN, OPEN, OPEN, SHUT, SHUT, SHUT),  # closed at the end, never open again
        (SHUT, SHUT, OPEN, OPEN, OPEN, OPEN),  # closed at the start only
        (OPEN, 0.22, OPEN, 0.22, OPEN, OPEN),  # half-closed is not closed
    ],
    ids=["never", "closes-only", "opens-only", "half"],
)
def test_no_open_closed_open_sequence_is_no_blink(ratios):
    outcome = decide(frames(*ratios), rules=RULES)
    assert (outcome.passed, outcome.code) == (False, "NO_BLINK")


def test_a_second_face_in_any_frame_fails_before_anything_else():
    readings = [*frames(OPEN, SHUT, OPEN), FrameReading(2, OPEN, 0.3)]
    assert decide(readings, rules=RULES).code == "MULTIPLE_FACES"


def test_too_few_frames_with_a_face_is_no_face():
    readings = [*frames(OPEN, SHUT, OPEN), *[FrameReading(0)] * 3]  # 3 of 6 < 60 %
    assert decide(readings, rules=RULES).code == "NO_FACE"
    assert decide([], rules=RULES).code == "NO_FACE"


def test_the_median_distance_decides_the_match_and_the_review_band_is_no_match():
    readings = frames(OPEN, SHUT, OPEN, OPEN, OPEN, distance=0.55)
    outcome = decide(readings, rules=RULES)
    assert (outcome.code, outcome.face_distance) == ("FACE_MISMATCH", 0.55)
    mixed = [FrameReading(1, OPEN, 0.9), FrameReading(1, SHUT), FrameReading(1, OPEN, 0.3)]
    mixed.append(FrameReading(1, OPEN, 0.35))
    assert decide(mixed, rules=RULES).face_distance == 0.35  # one bad frame does not decide


def test_three_failures_within_an_hour_lock_for_an_hour_from_the_third():
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    minutes = [now - datetime.timedelta(minutes=m) for m in (50, 30, 10)]
    kwargs = {"max_failures": 3, "window": hour}
    assert face_lock_until(minutes, now=now, **kwargs) == minutes[-1] + hour
    assert face_lock_until(minutes[1:], now=now, **kwargs) is None  # two are not enough
    spread = [now - datetime.timedelta(minutes=m) for m in (130, 70, 10)]  # not within an hour
    assert face_lock_until(spread, now=now, **kwargs) is None
    assert face_lock_until(minutes, now=minutes[-1] + hour, **kwargs) is None  # the hour is over


# --- the engine on real photos -----------------------------------------------------------


def test_the_eye_aspect_ratio_drops_when_the_eyes_are_painted_shut():
    burst = bursts.blink_frames()
    ratios = [faces.analyse_frame(frame).eye_aspect_ratio for frame in burst]
    open_ones = [r for i, r in enumerate(ratios) if i not in bursts.CLOSED_FRAMES]
    closed_ones = [ratios[i] for i in bursts.CLOSED_FRAMES]
    assert min(open_ones) >= 0.28, ratios
    assert max(closed_ones) < 0.18, ratios
    assert faces.eye_aspect_ratio([(0, 0), (1, -1), (2, -1), (3, 0), (2, 1), (1, 1)]) == 2 / 3


# --- whole checks: service, task after commit, dlib ---------------------------------------


def check(customer, burst, django_capture_on_commit_callbacks) -> StepUp:  # noqa: ANN001
    with django_capture_on_commit_callbacks(execute=True):
        step_up = step_up_face_start(
            user=customer, action=StepUp.Action.LOAN_APPLICATION, frames=bursts.jpegs(burst)
        )
    step_up.refresh_from_db()
    return step_up


@pytest.mark.django_db
def test_a_burst_of_the_customer_blinking_passes_and_keeps_no_frames(
    django_capture_on_commit_callbacks,
):
    # Given a customer whose VERIFIED KYC selfie is the astronaut
    customer = customer_with_kyc_face(face="astronaut")

    # When the camera sends 15 frames of her, blinking in three of them
    step_up = check(customer, bursts.blink_frames(), django_capture_on_commit_callbacks)

    # Then the step-up PASSED within the match band, and only the outcome is kept
    assert (step_up.status, step_up.code, step_up.frame_count) == ("PASSED", "", 15)
    assert step_up.face_distance is not None and step_up.face_distance <= 0.5
    assert bytes(step_up.frames_encrypted) == b""
    events = list(step_up.events.values_list("type", flat=True))
    assert events == ["REQUESTED", "PROCESSING_STARTED", "PASSED"]
    passed = step_up.events.get(type=StepUpEvent.Type.PASSED)
    assert passed.data["blinked"] is True and passed.data["face_frames"] == 15
    assert passed.data["face_distance"] == step_up.face_distance
    ratios = passed.data["eye_aspect_ratios"]
    assert max(ratios[i] for i in bursts.CLOSED_FRAMES) < 0.2 < min(ratios[:6])


@pytest.mark.django_db
def test_a_burst_of_a_still_photo_fails_liveness(django_capture_on_commit_callbacks):
    customer = customer_with_kyc_face(face="astronaut")

    # When the camera sees her photo held still (it moves, the eyes never close)
    step_up = check(customer, bursts.static_frames(), django_capture_on_commit_callbacks)

    # Then it fails for want of a blink, though the face matches, and no frame is kept
    assert (step_up.status, step_up.code) == ("FAILED", "NO_BLINK")
    assert step_up.face_distance is not None and step_up.face_distance <= 0.5
    assert bytes(step_up.frames_encrypted) == b""
    assert step_up.events.get(type="FAILED").data["blinked"] is False


@pytest.mark.django_db
def test_another_person_blinking_fails_the_match(django_capture_on_commit_callbacks):
    # Given a customer whose VERIFIED KYC selfie is Grace Hopper
    customer = customer_with_kyc_face(face="grace_hopper")

    # When the astronaut blinks before the camera
    step_up = check(customer, bursts.blink_frames(), django_capture_on_commit_callbacks)

    # Then the blink is seen but the face is another person's
    assert (step_up.status, step_up.code) == ("FAILED", "FACE_MISMATCH")
    assert step_up.face_distance > 0.6
    assert step_up.events.get(type="FAILED").data["blinked"] is True
