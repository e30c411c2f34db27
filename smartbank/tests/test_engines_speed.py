"""Issue 13: the KYC engines' shortcuts give what the long way gives, on real images.

Faces are searched on a downscaled copy first (boxes mapped back), Tesseract reads a card
while dlib works beside it, in this process through its library (the same words and boxes
as the ``tesseract`` program), and the deskew angle is searched coarse to fine.
"""

from __future__ import annotations

import datetime

import pytesseract
import pytest
from PIL import Image, ImageOps

from smartbank.engines import faces, ocr, tesseract
from smartbank.engines.ocr import OcrEngineError
from smartbank.engines.overlap import side_by_side
from smartbank.tests import cards


@pytest.fixture(scope="module")
def hopper_card() -> Image.Image:
    return cards.render_aadhaar(
        name="Diya Iyer",
        dob=datetime.date(1991, 2, 3),
        gender="Female",
        number=cards.VALID_AADHAAR,
        photo=cards.face_photo("grace_hopper"),
    )


def _full_search(image: Image.Image) -> tuple[int, int, int, int]:
    """The largest face as the whole image searched at upsample 1 finds it (the old way)."""
    located = faces._locate(faces._to_array(image), 1)
    top, right, bottom, left, _ = max(located, key=lambda box: (box[2] - box[0]) ** 2)
    return top, right, bottom, left


@pytest.mark.parametrize("image_name", ["photo", "selfie", "card"])
def test_the_downscaled_search_finds_the_face_the_full_search_finds(
    image_name: str, hopper_card: Image.Image
) -> None:
    image = {
        "photo": cards.face_photo("grace_hopper"),
        "selfie": cards.selfie_of("grace_hopper"),
        "card": hopper_card,
    }[image_name]

    found = faces._fast_locate(image, 1, relevant_side=1.0)

    assert found is not None, "the copy should see this face"
    top, right, bottom, left, _ = max(found, key=lambda box: (box[2] - box[0]) ** 2)
    full = _full_search(image)
    side = full[2] - full[0]
    # Same face, same place: each edge within a tenth of the face's side, in image pixels.
    for fast_edge, full_edge in zip((top, right, bottom, left), full, strict=True):
        assert abs(fast_edge - full_edge) <= side / 10


def test_encodings_from_mapped_boxes_match_the_full_search(hopper_card: Image.Image) -> None:
    selfie = cards.selfie_of("grace_hopper")
    full_box = faces.FaceBox(*_full_search(hopper_card))

    card_encoding = faces.analyse_id_photo(hopper_card)
    analysis = faces.analyse_selfie(selfie)

    assert card_encoding is not None and analysis.encoding is not None
    # The encoding from the mapped box is the one the full search's box gives, up to dlib's
    # noise from a box a few pixels off (same-person pairs here: 0.1–0.3) ...
    assert faces.face_distance(card_encoding, faces.encode_face(hopper_card, full_box)) < 0.1
    # ... and the card still matches the selfie of its holder well inside the KYC band.
    assert faces.face_distance(card_encoding, analysis.encoding) < 0.3


def test_a_small_face_in_a_selfie_is_searched_at_full_size() -> None:
    # The astronaut's selfie face is ~75 px: a second face half its area could hide below
    # what the copy sees, so the whole image is searched (its mission patch found there).
    selfie = cards.selfie_of("astronaut")

    assert faces._fast_locate(selfie, 1, relevant_side=0.5**0.5) is None
    analysis = faces.analyse_selfie(selfie)
    assert analysis.code is None and analysis.face_count == 1


def test_two_people_are_still_two_people() -> None:
    analysis = faces.analyse_selfie(cards.two_person_selfie())

    assert analysis.code == faces.MULTIPLE_FACES


def test_reading_beside_dlib_gives_the_same_text_and_faces(hopper_card: Image.Image) -> None:
    alone_text = ocr.ocr_image(hopper_card)
    alone_face = faces.analyse_id_photo(hopper_card)

    text, face = side_by_side(
        lambda: ocr.ocr_image(hopper_card), lambda: faces.analyse_id_photo(hopper_card)
    )

    assert text == alone_text
    assert "Diya" in text.text
    assert face == alone_face


def test_an_engine_error_beside_the_other_engine_reaches_the_caller(
    hopper_card: Image.Image,
) -> None:
    finished = []

    def failing_ocr() -> None:
        raise OcrEngineError("Tesseract failed with status 1")

    def faces_then_note() -> None:
        faces.analyse_id_photo(hopper_card)
        finished.append("faces")

    with pytest.raises(OcrEngineError, match="status 1"):
        side_by_side(failing_ocr, faces_then_note)
    assert finished == ["faces"]


@pytest.mark.parametrize("degrees", [0.0, 2.4, -3.0, 6.5])
def test_the_coarse_to_fine_deskew_finds_the_rotation(
    degrees: float, hopper_card: Image.Image
) -> None:
    gray = ImageOps.grayscale(hopper_card).rotate(
        degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255
    )

    assert abs(ocr.estimate_skew(gray) + degrees) <= 0.3


@pytest.mark.parametrize("variant", ["threshold", "raw"])
def test_tesseract_in_this_process_reads_what_the_program_reads(
    variant: str, hopper_card: Image.Image
) -> None:
    prepare, config = ocr.OCR_VARIANTS[variant]
    image = prepare(cards.degrade(hopper_card))

    in_process = tesseract.image_to_data(image, language="eng", psm=3, timeout=30)
    program = pytesseract.image_to_data(
        image, lang="eng", config=config, output_type=pytesseract.Output.DICT
    )

    assert in_process == program
    assert "Diya" in in_process["text"]


def test_a_single_line_reads_the_same_in_this_process(hopper_card: Image.Image) -> None:
    line = ImageOps.grayscale(hopper_card.crop((250, 150, 700, 200)))

    in_process = tesseract.image_to_data(line, language="eng", psm=7, timeout=30)
    program = pytesseract.image_to_data(
        line, lang="eng", config="--oem 1 --psm 7", output_type=pytesseract.Output.DICT
    )

    assert in_process == program


def test_tesseract_running_past_its_deadline_is_an_engine_error(
    hopper_card: Image.Image,
) -> None:
    large = hopper_card.resize((hopper_card.width * 3, hopper_card.height * 3))

    with pytest.raises(tesseract.TesseractFailed):
        tesseract.image_to_data(large, language="eng", psm=3, timeout=0.001)


def test_one_after_the_other_gives_the_same_text_and_faces(hopper_card: Image.Image) -> None:
    assert side_by_side(
        lambda: ocr.ocr_image(hopper_card),
        lambda: faces.analyse_id_photo(hopper_card),
        together=False,
    ) == side_by_side(
        lambda: ocr.ocr_image(hopper_card), lambda: faces.analyse_id_photo(hopper_card)
    )


def test_one_after_the_other_an_engine_error_still_lets_the_other_run() -> None:
    finished = []

    def failing_ocr() -> None:
        raise OcrEngineError("Tesseract failed with status 1")

    with pytest.raises(OcrEngineError, match="status 1"):
        side_by_side(failing_ocr, lambda: finished.append("faces"), together=False)
    assert finished == ["faces"]
