"""Upload checks: sniffed type, size, decompression bombs, decoding to RGB (no database)."""

from __future__ import annotations

import datetime
import io
import struct
import zlib

import pytest
from PIL import Image, ImageFile

from smartbank.engines import documents
from smartbank.engines.ocr import ocr_image
from smartbank.tests import cards
from smartbank.uploads import (
    MAX_UPLOAD_BYTES,
    UploadRejected,
    check_upload,
    load_image,
    sniff_content_type,
)


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def bilevel_png_bomb(side: int) -> bytes:
    """A valid all-black 1-bit PNG of side×side pixels: tiny file, huge once decoded."""
    row = b"\x00" + b"\x00" * ((side + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    compressed = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", compressed)
        + _png_chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def card() -> Image.Image:
    return cards.render_aadhaar(
        name="Rahul Sharma",
        dob=datetime.date(1990, 5, 17),
        gender="Male",
        number=cards.VALID_AADHAAR,
        photo=cards.face_photo("astronaut"),
    )


def _rejected(data: bytes, **kwargs: int) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        check_upload(data, **kwargs)
    return caught.value


def test_text_file_is_unsupported_whatever_its_name() -> None:
    # The API never sees a filename: "passport.jpg" with text inside is text.
    rejection = _rejected(b"Name: Rahul Sharma\nThis is not a photo.\n")

    assert rejection.code == "UNSUPPORTED_FILE_TYPE"
    assert "JPEG" in rejection.message
    assert _rejected(b"").code == "UNSUPPORTED_FILE_TYPE"


def test_file_over_10_mb_is_too_large() -> None:
    data = cards.to_bytes(Image.new("RGB", (10, 10)), "JPEG") + b"\x00" * MAX_UPLOAD_BYTES

    rejection = _rejected(data)

    assert rejection.code == "FILE_TOO_LARGE"
    assert "10 MB" in rejection.message


def test_decompression_bomb_is_rejected() -> None:
    bomb = bilevel_png_bomb(20_000)  # 400 megapixels in ~60 kB
    assert len(bomb) < 200_000

    assert _rejected(bomb).code == "IMAGE_TOO_LARGE"
    with pytest.raises(UploadRejected) as caught:
        load_image(bomb)
    assert caught.value.code == "IMAGE_TOO_LARGE"


def test_image_just_over_the_pixel_limit_is_rejected() -> None:
    # 7000×7000 = 49 MP: above the 40 MP limit, below Pillow's hard error at 2× its limit.
    assert _rejected(bilevel_png_bomb(7_000)).code == "IMAGE_TOO_LARGE"


def test_lowered_pixel_limit_applies(card: Image.Image) -> None:
    data = cards.to_bytes(card, "PNG")

    assert check_upload(data) == "image/png"
    assert _rejected(data, max_pixels=100_000).code == "IMAGE_TOO_LARGE"


@pytest.mark.parametrize(("fmt", "content_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg")])
def test_png_and_jpeg_are_accepted(card: Image.Image, fmt: str, content_type: str) -> None:
    data = cards.to_bytes(card, fmt)

    assert sniff_content_type(data) == content_type
    assert check_upload(data) == content_type
    image = load_image(data)
    assert image.mode == "RGB"
    assert image.size == card.size


def test_truncated_jpeg_is_unreadable(card: Image.Image, monkeypatch: pytest.MonkeyPatch) -> None:
    data = cards.to_bytes(card, "JPEG")
    # face_recognition turns this on when imported; uploads must still see truncation.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)

    assert _rejected(data[: len(data) // 2]).code == "IMAGE_UNREADABLE"


def test_damaged_pdf_is_unreadable() -> None:
    assert _rejected(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage").code == "IMAGE_UNREADABLE"


def test_exif_orientation_is_applied() -> None:
    upright = Image.new("RGB", (300, 200), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    data = cards.to_bytes(upright, "JPEG", exif=exif.tobytes())

    assert load_image(data).size == (200, 300)


def test_transparent_png_is_flattened_on_white() -> None:
    data = cards.to_bytes(Image.new("RGBA", (40, 30), (255, 0, 0, 0)), "PNG")

    image = load_image(data)

    assert image.mode == "RGB"
    assert image.getpixel((5, 5)) == (255, 255, 255)


def test_pdf_first_page_is_rendered_and_ocr_reads_it(card: Image.Image) -> None:
    buffer = io.BytesIO()
    card.save(buffer, "PDF")  # 72 dpi: a 1000×630 pt page
    data = buffer.getvalue()

    assert check_upload(data) == "application/pdf"
    image = load_image(data)

    assert image.mode == "RGB"
    assert image.width == pytest.approx(1000 * 200 / 72, abs=2)
    extracted = documents.extract_aadhaar(ocr_image(image))
    assert extracted.name == "Rahul Sharma"
    assert extracted.id_number == cards.VALID_AADHAAR
    assert extracted.date_of_birth == datetime.date(1990, 5, 17)
