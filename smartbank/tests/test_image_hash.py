"""The perceptual hashes that find a document again however it is re-saved (issue 11), on
rendered ID cards (``smartbank.engines.image_hash``; no database).

Distances measured here (bits of the 256-bit hash; threshold ``DEFAULT_MAX_DISTANCE`` = 12):

============================================  =====
Neil Armstrong's Aadhaar card, PNG vs JPEG q50     0
  ... vs JPEG q85 / PNG→JPEG q90 / resized 80 %    2
his PAN card vs each of those                      0
Neil Armstrong's vs Grace Hopper's Aadhaar        68
Neil Armstrong's vs Grace Hopper's PAN            86
============================================  =====

Certificates: ``waivers/tests/test_reuse.py``.

``bench/document_hashes.py`` prints the full table (six customers per card type, more ways of
re-saving and editing).
"""

import datetime
import io

import pytest
from PIL import Image

from smartbank.engines import image_hash as ih
from smartbank.tests import cards

THRESHOLD = ih.DEFAULT_MAX_DISTANCE


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    decoded = Image.open(io.BytesIO(cards.to_bytes(image, "JPEG", quality=quality)))
    decoded.load()
    return decoded


RESAVES = {
    "JPEG q50": lambda image: _jpeg(image, 50),
    "JPEG q85": lambda image: _jpeg(image, 85),
    "PNG to JPEG q90": lambda image: _jpeg(image, 90),
    "resized to 80 %": lambda image: image.resize(
        (image.width * 4 // 5, image.height * 4 // 5), Image.Resampling.LANCZOS
    ),
}


@pytest.fixture(scope="module")
def neil() -> dict[str, Image.Image]:
    photo = cards.face_photo("astronaut")
    dob = datetime.date(1990, 8, 5)
    return {
        "aadhaar": cards.render_aadhaar(
            name="Neil Armstrong", dob=dob, gender="Male", number=cards.VALID_AADHAAR, photo=photo
        ),
        "pan": cards.render_pan(
            name="Neil Armstrong",
            father_name="Stephen Armstrong",
            dob=dob,
            pan=cards.VALID_PAN,
            photo=photo,
        ),
    }


@pytest.fixture(scope="module")
def grace() -> dict[str, Image.Image]:
    photo = cards.face_photo("grace_hopper")
    dob = datetime.date(1985, 12, 9)
    return {
        "aadhaar": cards.render_aadhaar(
            name="Grace Hopper",
            dob=dob,
            gender="Female",
            number=cards.valid_aadhaar("34567890123"),
            photo=photo,
        ),
        "pan": cards.render_pan(
            name="Grace Hopper", father_name="Walter Murray", dob=dob, pan="ABCPH5678K", photo=photo
        ),
    }


def _found_by_bands(stored: ih.ImageHash, new: ih.ImageHash) -> bool:
    """What the SQL look-up of smartbank.image_reuse does: a band within one bit."""
    probes = ih.band_probes(new.bands)
    return any(value in probes[k] for k, value in enumerate(stored.bands))


@pytest.mark.parametrize("card", ["aadhaar", "pan"])
@pytest.mark.parametrize("resave", list(RESAVES))
def test_a_card_re_saved_is_found_by_its_bands_well_within_the_threshold(neil, card, resave):
    original = ih.image_hash(neil[card])
    copy = ih.image_hash(RESAVES[resave](neil[card]))

    assert ih.hamming(original.fine, copy.fine) <= THRESHOLD // 2
    assert _found_by_bands(original, copy)


@pytest.mark.parametrize("card", ["aadhaar", "pan"])
def test_two_customers_cards_on_one_template_are_far_beyond_the_threshold(neil, grace, card):
    distance = ih.hamming(ih.image_hash(neil[card]).fine, ih.image_hash(grace[card]).fine)

    assert distance > 4 * THRESHOLD  # 68 (Aadhaar) and 86 (PAN) measured


def test_the_band_probes_find_every_hash_within_seven_bits_of_the_lookup_hash():
    stored = (0x1234, 0xABCD, 0x0F0F, 0xFFFF)
    # 7 bits off, spread as evenly as possible: one band keeps within one bit
    seven_off = (0x1234 ^ 0b11, 0xABCD ^ 0b11, 0x0F0F ^ 0b11, 0xFFFF ^ 0b1)
    eight_off = (0x1234 ^ 0b11, 0xABCD ^ 0b11, 0x0F0F ^ 0b11, 0xFFFF ^ 0b11)
    probes = ih.band_probes(seven_off)

    assert all(len(values) == 17 for values in probes)
    assert any(value in probes[k] for k, value in enumerate(stored))
    probes = ih.band_probes(eight_off)
    assert not any(value in probes[k] for k, value in enumerate(stored))


def test_hashes_round_trip_through_their_stored_form(neil):
    hashed = ih.image_hash(neil["aadhaar"])

    assert len(hashed.fine) == 64 and int(hashed.fine, 16) >= 0
    assert all(0 <= band < 2**16 for band in hashed.bands)
    assert ih.hamming(hashed.fine, hashed.fine) == 0
    assert ih.hamming("0f", "f0") == 8
    with pytest.raises(ValueError, match="different lengths"):
        ih.hamming("0f", "0ff")
    assert hashed.to_dict() == {"fine": hashed.fine, "bands": list(hashed.bands)}
