"""Face detection and matching on real photographs (dlib HOG + ResNet encoder)."""

from __future__ import annotations

import datetime

import pytest
from PIL import Image, ImageFile

from smartbank.engines import faces
from smartbank.tests import cards


@pytest.fixture(scope="module")
def astronaut_card() -> Image.Image:
    return cards.render_aadhaar(
        name="Rahul Sharma",
        dob=datetime.date(1990, 5, 17),
        gender="Male",
        number=cards.VALID_AADHAAR,
        photo=cards.face_photo("astronaut"),
    )


@pytest.fixture(scope="module")
def card_encoding(astronaut_card: Image.Image) -> tuple[float, ...]:
    encoding = faces.analyse_id_photo(cards.degrade(astronaut_card))
    assert encoding is not None
    return encoding


@pytest.fixture(scope="module")
def selfie_encodings() -> dict[str, tuple[float, ...]]:
    encodings = {}
    for name in ("astronaut", "grace_hopper"):
        analysis = faces.analyse_selfie(cards.selfie_of(name))
        assert analysis.code is None, name
        assert analysis.encoding is not None
        encodings[name] = analysis.encoding
    return encodings


def test_same_person_on_card_and_selfie_is_close(
    card_encoding: tuple[float, ...], selfie_encodings: dict[str, tuple[float, ...]]
) -> None:
    assert len(card_encoding) == 128
    assert faces.face_distance(card_encoding, selfie_encodings["astronaut"]) <= 0.5


def test_different_person_is_far(
    card_encoding: tuple[float, ...], selfie_encodings: dict[str, tuple[float, ...]]
) -> None:
    assert faces.face_distance(card_encoding, selfie_encodings["grace_hopper"]) > 0.6


def test_nearest_distance_picks_the_closest(
    card_encoding: tuple[float, ...], selfie_encodings: dict[str, tuple[float, ...]]
) -> None:
    others = [selfie_encodings["grace_hopper"], selfie_encodings["astronaut"]]

    nearest = faces.nearest_distance(card_encoding, others)

    assert nearest == pytest.approx(
        faces.face_distance(card_encoding, selfie_encodings["astronaut"])
    )
    assert faces.nearest_distance(card_encoding, []) is None


def test_cat_photo_has_no_face() -> None:
    analysis = faces.analyse_selfie(cards.no_face_photo())

    assert analysis == faces.SelfieAnalysis(face_count=0, encoding=None, code="NO_FACE_IN_SELFIE")


def test_card_without_photo_has_no_face() -> None:
    card = cards.render_pan(
        name="Asha Rao",
        father_name="Ravi Rao",
        dob=datetime.date(1990, 1, 1),
        pan=cards.VALID_PAN,
        photo=None,
    )

    assert faces.analyse_id_photo(card) is None


def test_two_people_are_multiple_faces() -> None:
    analysis = faces.analyse_selfie(cards.two_person_selfie())

    assert analysis.code == "MULTIPLE_FACES"
    assert analysis.face_count == 2
    assert analysis.encoding is None


def test_mission_patch_is_not_a_second_person() -> None:
    boxes = faces.detect_faces(cards.face_photo("astronaut"), upsample=1)

    assert len(boxes) == 1
    box = boxes[0]
    # The face is in the upper middle of the 512×512 photo; the patch is lower left.
    assert box.top < 150 and 150 < box.left < 250
    assert box.area == (box.right - box.left) * (box.bottom - box.top)


def test_large_images_are_downscaled_with_boxes_in_original_pixels() -> None:
    photo = cards.face_photo("grace_hopper")
    large = photo.resize((photo.width * 3, photo.height * 3))

    [small_box] = faces.detect_faces(photo)
    [large_box] = faces.detect_faces(large)

    for small_side, large_side in zip(
        (small_box.top, small_box.right, small_box.bottom, small_box.left),
        (large_box.top, large_box.right, large_box.bottom, large_box.left),
        strict=True,
    ):
        assert abs(large_side - 3 * small_side) <= 45


def test_loading_the_engine_keeps_pillow_strict_about_truncated_files(
    card_encoding: tuple[float, ...],
) -> None:
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_bad_encodings_are_engine_errors() -> None:
    with pytest.raises(faces.FaceEngineError):
        faces.face_distance([0.0] * 127, [0.0] * 128)
    with pytest.raises(faces.FaceEngineError):
        faces.face_distance([float("nan")] * 128, [0.0] * 128)
