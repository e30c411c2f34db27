"""Checks on customer document uploads (ID cards, selfies, certificates), no ORM.

A document is judged by its bytes, never by its filename or the browser's content type:
the type is sniffed with libmagic, images are decoded with Pillow behind a
decompression-bomb guard, PDFs must open in PDFium and have at least one page.

Errors: every rejection raises :class:`UploadRejected` with a stable ``code`` (for APIs,
audit events and tests) and a ``message`` in plain words for the customer.

Sources of the rules: OWASP File Upload Cheat Sheet (allow-list of types, verify content,
limit size); Pillow's ``Image.MAX_IMAGE_PIXELS`` / ``DecompressionBombError``.
"""

from __future__ import annotations

import io
import warnings
from typing import Final

import magic
import pypdfium2
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES: Final = 10 * 1024 * 1024
"""Largest accepted upload, in bytes (10 MiB)."""

MAX_IMAGE_PIXELS: Final = 40_000_000
"""Largest accepted decoded image, in pixels (width × height; 40 megapixels, more than any
phone camera photo of a card needs). Larger images are treated as decompression bombs."""

PDF_RENDER_DPI: Final = 200
"""Resolution, in dots per inch, at which the first page of a PDF is rendered for OCR."""

ALLOWED_CONTENT_TYPES: Final = frozenset({"image/jpeg", "image/png", "application/pdf"})
"""MIME types accepted for documents, as sniffed by libmagic."""

_PILLOW_FORMATS: Final = {"image/jpeg": "JPEG", "image/png": "PNG"}

# Pillow's own guard, process-wide: above this it warns, above twice this it refuses.
# The explicit check in _open_image() applies MAX_IMAGE_PIXELS exactly.
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


class UploadRejected(Exception):
    """An upload that must not be stored or processed.

    Attributes:
        code: stable machine code, one of ``FILE_TOO_LARGE``, ``UNSUPPORTED_FILE_TYPE``,
            ``IMAGE_UNREADABLE``, ``IMAGE_TOO_LARGE``.
        message: plain words to show the customer.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def _file_too_large(max_bytes: int) -> UploadRejected:
    megabytes = max_bytes / (1024 * 1024)
    return UploadRejected(
        "FILE_TOO_LARGE", f"The file is too large. Please upload a file under {megabytes:g} MB."
    )


def _unsupported() -> UploadRejected:
    return UploadRejected(
        "UNSUPPORTED_FILE_TYPE", "Please upload a JPEG or PNG photo, or a PDF document."
    )


def _unreadable() -> UploadRejected:
    return UploadRejected(
        "IMAGE_UNREADABLE",
        "The file could not be read. Please upload a clear photo or an undamaged PDF.",
    )


def _image_too_large() -> UploadRejected:
    return UploadRejected(
        "IMAGE_TOO_LARGE",
        "The image has too many pixels. Please upload a smaller photo or scan.",
    )


def sniff_content_type(data: bytes) -> str:
    """Return the MIME type of ``data`` as libmagic sees it, e.g. ``"image/png"``.

    Only the bytes are examined, never a filename. Empty input gives
    ``"application/x-empty"``.
    """
    return str(magic.from_buffer(data, mime=True))


def _check_size_and_type(data: bytes, max_bytes: int) -> str:
    if len(data) > max_bytes:
        raise _file_too_large(max_bytes)
    content_type = sniff_content_type(data)
    if content_type not in ALLOWED_CONTENT_TYPES:
        raise _unsupported()
    return content_type


def _open_image(data: bytes, content_type: str, max_pixels: int) -> Image.Image:
    """Decode an image fully, refusing decompression bombs.

    Returns a loaded Pillow image in its file's mode. Raises UploadRejected with
    IMAGE_TOO_LARGE (more than ``max_pixels`` pixels) or IMAGE_UNREADABLE (corrupt,
    truncated, or not the format libmagic announced).
    """
    # Truncated files must fail. face_recognition sets this process-wide flag to True when
    # imported (engines.faces puts it back); whoever flipped it, uploads need Pillow's default.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            # A bomb warning (between 1× and 2× Image.MAX_IMAGE_PIXELS) becomes an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[content_type]])
            width, height = probe.size
            if width * height > max_pixels:
                raise _image_too_large()
            probe.verify()
            image = Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[content_type]])
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _image_too_large() from exc
    except UploadRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        # Pillow reports damaged files with any of these (SyntaxError from verify()).
        raise _unreadable() from exc
    return image


def _open_pdf(data: bytes) -> pypdfium2.PdfDocument:
    """Open a PDF with PDFium; raise IMAGE_UNREADABLE if it fails or has no pages."""
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise _unreadable() from exc
    if len(document) < 1:
        document.close()
        raise _unreadable()
    return document


def check_upload(
    data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES, max_pixels: int = MAX_IMAGE_PIXELS
) -> str:
    """Check an uploaded document and return its sniffed content type.

    Args:
        data: the whole file.
        max_bytes: size limit in bytes.
        max_pixels: decoded-image limit in pixels (width × height).

    Returns:
        One of ALLOWED_CONTENT_TYPES.

    Raises:
        UploadRejected: FILE_TOO_LARGE, UNSUPPORTED_FILE_TYPE, IMAGE_UNREADABLE or
            IMAGE_TOO_LARGE.
    """
    content_type = _check_size_and_type(data, max_bytes)
    if content_type == "application/pdf":
        _open_pdf(data).close()
    else:
        _open_image(data, content_type, max_pixels).close()
    return content_type


def _to_rgb(image: Image.Image) -> Image.Image:
    """Convert any Pillow mode to RGB; transparent areas become white."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _render_pdf_first_page(data: bytes, max_pixels: int) -> Image.Image:
    document = _open_pdf(data)
    try:
        page = document[0]
        width_pt, height_pt = page.get_size()
        scale = PDF_RENDER_DPI / 72
        # A page of absurd size must not render into a bomb: cap the pixel count.
        if width_pt * height_pt * scale * scale > max_pixels:
            scale = (max_pixels / max(width_pt * height_pt, 1.0)) ** 0.5
        bitmap = page.render(scale=scale)
        image = bitmap.to_pil().convert("RGB")
        bitmap.close()
        page.close()
    except pypdfium2.PdfiumError as exc:
        raise _unreadable() from exc
    finally:
        document.close()
    return image


def load_image(
    data: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES, max_pixels: int = MAX_IMAGE_PIXELS
) -> Image.Image:
    """Decode an uploaded document into an upright RGB image for OCR and face matching.

    JPEG/PNG: decoded with the bomb guard, rotated upright from the EXIF orientation tag
    (ImageOps.exif_transpose), converted to RGB (transparency on white).
    PDF: the first page rendered at PDF_RENDER_DPI (about 1650×2340 px for A4), capped at
    ``max_pixels``.

    Returns:
        A new RGB ``PIL.Image.Image``.

    Raises:
        UploadRejected: as check_upload().
    """
    content_type = _check_size_and_type(data, max_bytes)
    if content_type == "application/pdf":
        return _render_pdf_first_page(data, max_pixels)
    image = _open_image(data, content_type, max_pixels)
    try:
        upright = ImageOps.exif_transpose(image)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        # A damaged EXIF block must not crash the pipeline.
        raise _unreadable() from exc
    return _to_rgb(upright)
