"""Optical character recognition of ID documents with Tesseract (via pytesseract), no ORM.

Preprocessing (measured on this machine with Tesseract 5.3, see shared MACHINE-NOTES):
grayscale, scale to a working width (small images up, huge ones down), autocontrast, then
a *local* mean threshold. A global (Otsu) threshold turns a saturated colour band black
together with the dark text printed on it, e.g. "Government of India" on the Aadhaar's
orange header; the local threshold keeps it. The threshold also turns photos into sparse
specks that Tesseract's page segmentation drops.

Tesseract uses OpenMP threads; set ``OMP_THREAD_LIMIT=1`` in the environment of worker
processes (and tests) so several workers do not oversubscribe the cores.

OCR text is personal data: never log it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, Final

import numpy as np
import pytesseract
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from . import tesseract

OCR_TIMEOUT_SECONDS: Final = 30
"""Wall-clock limit for one Tesseract run, in seconds."""

OCR_LANGUAGE: Final = "eng"
"""Tesseract language pack(s), e.g. "eng" or "eng+hin" (Hindi is ~25 % slower)."""

STATE_LANGUAGES: Final = {
    "D": "deu", "DEU": "deu", "AUT": "deu", "CHE": "deu", "LIE": "deu",
    "FRA": "fra", "BEL": "fra", "LUX": "fra", "MCO": "fra",
    "ESP": "spa", "MEX": "spa", "ARG": "spa", "COL": "spa", "CHL": "spa", "PER": "spa",
    "ITA": "ita", "SMR": "ita",
    "PRT": "por", "BRA": "por",
    "NLD": "nld",
    "NOR": "nor", "SWE": "swe", "DNK": "dan", "FIN": "fin", "ISL": "isl",
}  # fmt: skip
"""Tesseract's model for the Latin letters a passport issuing state prints in its visual zone
(ICAO 9303 code, ``D`` for Germany, to Tesseract language). Measured on the corpus's
``passport_other_states`` pages (21 genuine, ``image_to_string``): English alone read 25 of
their 50 name words letter for letter ("ØYSTEIN", "SCHÄFER", "IBÁÑEZ"), the state's model
with English 45, for about 0.1 s more a reading (0.31 → 0.42 s). Used only when the model
is installed (``tesseract-ocr-<lang>``)."""

MIN_WORKING_WIDTH: Final = 1000
"""Images narrower than this (pixels) are upscaled. Measured on 240 rendered and degraded
cards: 1000, 1300 and 1600 gave about the same field error rate (2–5 %, mostly I/l/1 and
T/I confusions in bold capitals); 1000 was the fastest."""

MAX_WORKING_WIDTH: Final = 3200
"""Images wider than this (pixels) are downscaled to bound Tesseract's run time."""

MAX_DESKEW_DEGREES: Final = 10.0
"""Largest rotation, in degrees either way, that preprocessing corrects."""

THRESHOLD_OFFSET: Final = 20
"""A pixel is ink when darker than its neighbourhood mean by more than this (0–255)."""


LINE_HEIGHT: Final = 36
"""Height in pixels a line is scaled to before it is read alone (Tesseract reads capitals of
about 20–40 px best; the large print of an Aadhaar number is 45 px on a 1000 px card)."""


class OcrEngineError(Exception):
    """Tesseract is missing, failed, or timed out. The message holds no OCR text."""


@dataclass(frozen=True)
class OcrWord:
    """One recognised word.

    Attributes:
        text: the word, no whitespace inside.
        confidence: Tesseract's word confidence, 0–100.
        box: (left, top, right, bottom) in pixels of the image Tesseract read, when known;
            not stored by to_dict() and not compared.
    """

    text: str
    confidence: float
    box: tuple[int, int, int, int] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class OcrResult:
    """Recognised text of one image.

    Attributes:
        text: the words of each line joined by single spaces, lines joined by "\\n", in
            Tesseract's reading order. Splitting ``text`` on whitespace yields exactly
            ``words`` in order.
        words: every recognised word with its confidence.
        mean_confidence: mean word confidence, 0–100 (0.0 when no words).
    """

    text: str
    words: tuple[OcrWord, ...]
    mean_confidence: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form: ``{"text": str, "mean_confidence": float,
        "words": [[text, confidence], ...]}``."""
        return {
            "text": self.text,
            "mean_confidence": self.mean_confidence,
            "words": [[word.text, word.confidence] for word in self.words],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OcrResult:
        """Inverse of :meth:`to_dict`. Raises KeyError/TypeError/ValueError on bad input."""
        words = tuple(OcrWord(str(text), float(conf)) for text, conf in data["words"])
        return cls(
            text=str(data["text"]),
            words=words,
            mean_confidence=float(data["mean_confidence"]),
        )

    @classmethod
    def from_text(cls, text: str, confidence: float = 100.0) -> OcrResult:
        """Build a result from plain text, every word at ``confidence`` (for tests)."""
        lines = [" ".join(line.split()) for line in text.splitlines()]
        lines = [line for line in lines if line]
        words = tuple(OcrWord(token, confidence) for line in lines for token in line.split())
        return cls(text="\n".join(lines), words=words, mean_confidence=confidence if words else 0.0)


def _ink_mask(gray: Image.Image, offset: int) -> np.ndarray:
    """Boolean array (height, width), True where a pixel is darker than the mean of its
    neighbourhood (box radius width/40, at least 10 px) by more than ``offset``."""
    radius = max(10, gray.width // 40)
    pixels = np.asarray(gray, dtype=np.int16)
    local_mean = np.asarray(gray.filter(ImageFilter.BoxBlur(radius)), dtype=np.int16)
    return pixels < local_mean - offset


def _profile_sharpness(ink: Image.Image, angle: float) -> float:
    rotated = ink.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0)
    rows = np.asarray(rotated, dtype=np.float32).sum(axis=1)
    return float(np.sum(np.diff(rows) ** 2))


def _sharpest(ink: Image.Image, angles: list[float], around: float = 0.0) -> float:
    """The angle of ``angles`` whose row profile of ``ink`` is sharpest; ties go to the one
    nearest ``around`` (on a blank image: no rotation)."""
    ordered = sorted(angles, key=lambda angle: abs(angle - around))
    return max(ordered, key=lambda angle: _profile_sharpness(ink, angle))


def _ink_at_width(gray: Image.Image, width: int) -> Image.Image:
    scale = width / gray.width
    small = gray.resize((width, max(1, round(gray.height * scale))), Image.Resampling.BILINEAR)
    return Image.fromarray(_ink_mask(small, THRESHOLD_OFFSET).astype(np.uint8) * 255, "L")


def estimate_skew(gray: Image.Image) -> float:
    """Return the rotation in degrees (counter-clockwise, as Image.rotate takes it) that
    makes the text lines of ``gray`` horizontal, within ±MAX_DESKEW_DEGREES.

    Method: projection profile. Text lines give the sharpest row-sum profile when level.
    Issue 13, coarse to fine: 1° steps on a 300 px wide ink mask, then 0.5° steps around
    the best on a 600 px mask, then 0.1° steps around that (14 rotations of the 600 px mask
    and 21 of the 300 px one, where 0.5° steps over the whole range took 50 of the 600 px
    mask: half the time; the same angle on each of the 90 cards of ``bench/ocr_accuracy.py
    --per-cell 1``).
    """
    ink = _ink_at_width(gray, 600)
    coarse_ink = _ink_at_width(gray, 300)
    steps = int(MAX_DESKEW_DEGREES)
    best = _sharpest(coarse_ink, [float(step) for step in range(-steps, steps + 1)])
    half = [best + offset for offset in (-1.0, -0.5, 0.0, 0.5, 1.0)]
    best = _sharpest(ink, [a for a in half if abs(a) <= MAX_DESKEW_DEGREES], around=best)
    fine = [round(best + tenth / 10, 1) for tenth in range(-4, 5)]
    best = _sharpest(ink, fine, around=best)
    return round(float(best), 1) + 0.0  # never -0.0


def _working_gray(image: Image.Image, *, scale: float = 1.0) -> Image.Image:
    """Grayscale, resized to the working width (times ``scale``), autocontrasted, deskewed."""
    gray = ImageOps.grayscale(image)
    width, height = gray.size
    target = width
    if width < MIN_WORKING_WIDTH or width > MAX_WORKING_WIDTH:
        target = MIN_WORKING_WIDTH if width < MIN_WORKING_WIDTH else MAX_WORKING_WIDTH
    target = round(target * scale)
    if target != width:
        gray = gray.resize(
            (target, max(1, round(height * target / width))), Image.Resampling.LANCZOS
        )
    gray = ImageOps.autocontrast(gray, cutoff=1)
    angle = estimate_skew(gray)
    if abs(angle) >= 0.3:
        gray = gray.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return gray


def preprocess(image: Image.Image) -> Image.Image:
    """Return the black-on-white ("L" mode, 0/255) image of the ``threshold`` reading.

    Steps: grayscale; resize to between MIN_WORKING_WIDTH and MAX_WORKING_WIDTH pixels wide
    (Lanczos, aspect kept); autocontrast clipping 1 % at each end; deskew by
    estimate_skew() when off by 0.3° or more (canvas grows, white fill); local mean
    threshold (see _ink_mask) with offset THRESHOLD_OFFSET.
    """
    gray = _working_gray(image)
    ink = _ink_mask(gray, THRESHOLD_OFFSET)
    return Image.fromarray(np.where(ink, 0, 255).astype(np.uint8), "L")


def _sauvola(image: Image.Image) -> Image.Image:
    """Sauvola's local threshold (scikit-image; Sauvola and Pietikäinen, "Adaptive document
    image binarization", Pattern Recognition 33, 2000) on the working grayscale: it follows
    uneven light and low contrast that a mean threshold loses."""
    from skimage.filters import threshold_sauvola

    gray = _working_gray(image)
    pixels = np.asarray(gray, dtype=np.float64)
    # r is the dynamic range of the standard deviation: 128 for 0-255 pixels (the default
    # assumes the dtype's range, [-1, 1] for floats, and turns everything to ink).
    ink = pixels < threshold_sauvola(pixels, window_size=31, k=0.2, r=128)
    return Image.fromarray(np.where(ink, 0, 255).astype(np.uint8), "L")


def _gray_2x(image: Image.Image) -> Image.Image:
    """The working grayscale at twice the width: small or blurred print gets more pixels."""
    return _working_gray(image, scale=2.0)


OCR_VARIANTS: Final = {
    "threshold": (preprocess, "--oem 1 --psm 3"),
    "raw": (lambda image: image.convert("RGB"), "--oem 1 --psm 3"),
    "sauvola": (_sauvola, "--oem 1 --psm 3"),
    "gray_2x": (_gray_2x, "--oem 1 --psm 3"),
}
"""The readings of a document: name -> (image preparation, Tesseract options). ``threshold`` is
the default; ``raw`` is the image as it came (what plain Tesseract sees); the others are tried
when a field is missing or weak (issue 8 §1, "several readings where the first is weak").
Measured on 36 damaged generated cards, each read alone: threshold, raw and sauvola got 35-36
numbers right, gray_2x 33, with different misses, which is why a second reading helps."""


def _result_from_data(data: dict[str, list[Any]]) -> OcrResult:
    """Turn pytesseract's image_to_data dict into lines of words."""
    lines: list[list[OcrWord]] = []
    current_key: tuple[int, int, int] | None = None
    for index, raw_text in enumerate(data["text"]):
        text = str(raw_text).strip()
        confidence = float(data["conf"][index])
        if not text or confidence < 0:
            continue
        key = (
            int(data["block_num"][index]),
            int(data["par_num"][index]),
            int(data["line_num"][index]),
        )
        if key != current_key:
            lines.append([])
            current_key = key
        left, top = int(data["left"][index]), int(data["top"][index])
        box = (left, top, left + int(data["width"][index]), top + int(data["height"][index]))
        # Tesseract words never hold spaces; split defensively to keep text/words aligned.
        for token in text.split():
            lines[-1].append(OcrWord(token, max(0.0, min(100.0, confidence)), box))
    words = tuple(word for line in lines for word in line)
    text = "\n".join(" ".join(word.text for word in line) for line in lines)
    mean = sum(word.confidence for word in words) / len(words) if words else 0.0
    return OcrResult(text=text, words=words, mean_confidence=round(mean, 2))


_IN_PROCESS_CONFIG: Final = re.compile(r"--oem 1 --psm (\d+)")
_in_process = {"available": True}


def warm_up() -> None:
    """Load Tesseract's model into this process now (a worker process as it starts, issue
    13), not in the first case's wait, and ask which language models are installed
    (:func:`state_language`), so forked children inherit the answer; nothing more when the
    library cannot be loaded (the ``tesseract`` program is used)."""
    _installed_languages()
    try:
        tesseract.warm_up(OCR_LANGUAGE)
    except tesseract.TesseractUnavailable:
        _in_process["available"] = False
        return
    sample = Image.new("L", (240, 48), 255)
    ImageDraw.Draw(sample).text((8, 16), "DOB 01/02/1990", fill=0)
    _run_tesseract(sample, "--oem 1 --psm 7")  # its dictionaries load on the first reading


_LANGUAGES: dict[str, frozenset[str]] = {}


def _installed_languages() -> frozenset[str]:
    """The language models Tesseract has (``tesseract --list-langs``, kept once a process
    has the answer); empty, and asked again next time, when the program cannot be run."""
    if "installed" not in _LANGUAGES:
        try:
            _LANGUAGES["installed"] = frozenset(pytesseract.get_languages(config=""))
        except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, OSError):
            return frozenset()
    return _LANGUAGES["installed"]


def state_language(issuing_state: str | None) -> str:
    """The Tesseract language to read a passport of ``issuing_state`` (an MRZ's ICAO code,
    ``"NOR"``) with: ``"nor+eng"`` when :data:`STATE_LANGUAGES` names a model that is
    installed (the state's letters first, English for the captions), else
    :data:`OCR_LANGUAGE`."""
    language = STATE_LANGUAGES.get((issuing_state or "").strip("<").upper())
    if language is None or language not in _installed_languages():
        return OCR_LANGUAGE
    return f"{language}+{OCR_LANGUAGE}"


def _run_tesseract(
    image: Image.Image, config: str, language: str = OCR_LANGUAGE
) -> dict[str, list[Any]]:
    """Tesseract's words and boxes of ``image`` (pytesseract's ``image_to_data`` dict).

    Issue 13: read in this process by :mod:`smartbank.engines.tesseract` (the same library
    and output as the ``tesseract`` program, without starting it and loading its model for
    every reading); the program is run instead for other options or image modes, when the
    library cannot be loaded, or when pytesseract is pointed at a program of its own
    (``pytesseract.pytesseract.tesseract_cmd`` other than ``"tesseract"``). Raises
    OcrEngineError.
    """
    options = _IN_PROCESS_CONFIG.fullmatch(config)
    if (
        options
        and _in_process["available"]
        and pytesseract.pytesseract.tesseract_cmd == "tesseract"
        and tesseract.supported(image)
    ):
        try:
            return tesseract.image_to_data(
                image, language=language, psm=int(options.group(1)), timeout=OCR_TIMEOUT_SECONDS
            )
        except tesseract.TesseractUnavailable:
            _in_process["available"] = False
        except tesseract.TesseractFailed as exc:
            raise OcrEngineError(str(exc)) from exc
    return _tesseract_call(
        pytesseract.image_to_data,
        image,
        lang=language,
        config=config,
        output_type=pytesseract.Output.DICT,
        timeout=OCR_TIMEOUT_SECONDS,
    )


def _tesseract_call(function: Any, image: Image.Image, **options: Any) -> Any:
    """Call a pytesseract function, its errors turned into OcrEngineError."""
    try:
        return function(image, **options)
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrEngineError("Tesseract is not installed or not on PATH") from exc
    except pytesseract.TesseractError as exc:
        raise OcrEngineError(f"Tesseract failed with status {exc.status}") from exc
    except RuntimeError as exc:
        # pytesseract signals its timeout as a bare RuntimeError.
        raise OcrEngineError(f"Tesseract did not finish within {OCR_TIMEOUT_SECONDS} s") from exc
    except OSError as exc:
        raise OcrEngineError(f"Tesseract could not be run: {exc.strerror}") from exc


def line_boxes(ocr: OcrResult) -> list[tuple[str, tuple[int, int, int, int]]]:
    """(text, bounding box (left, top, right, bottom)) of each line of ``ocr`` whose words all
    carry boxes, in pixels of the image it was read from."""
    boxes: list[tuple[str, tuple[int, int, int, int]]] = []
    position = 0
    for text in ocr.text.splitlines():
        count = len(text.split())
        words = ocr.words[position : position + count]
        position += count
        known = [word.box for word in words if word.box is not None]
        if not count or len(known) != count:
            continue
        box = (
            min(b[0] for b in known),
            min(b[1] for b in known),
            max(b[2] for b in known),
            max(b[3] for b in known),
        )
        boxes.append((text, box))
    return boxes


def ocr_lines(image: Image.Image, boxes: list[tuple[int, int, int, int]]) -> OcrResult:
    """Read each box of ``image`` again on its own as a single text line (Tesseract page
    segmentation mode 7), and return the lines as one result in the order given.

    A line read alone escapes the page layout's influence: measured on a low-contrast
    Aadhaar whose bold "5588" every full-page reading gave as "9588" or "9988", the line
    crop read it right. Each box is padded by a third of its height and scaled to a height
    of LINE_HEIGHT pixels. Raises OcrEngineError.
    """
    rgb = image.convert("RGB")
    lines: list[list[OcrWord]] = []
    for left, top, right, bottom in boxes:
        pad = max(4, (bottom - top) // 3)
        crop = rgb.crop(
            (
                max(0, left - pad),
                max(0, top - pad),
                min(rgb.width, right + pad),
                min(rgb.height, bottom + pad),
            )
        )
        gray = ImageOps.autocontrast(ImageOps.grayscale(crop), cutoff=1)
        scale = LINE_HEIGHT / max(1, bottom - top)
        if abs(scale - 1) > 0.1:
            gray = gray.resize(
                (max(1, round(gray.width * scale)), max(1, round(gray.height * scale))),
                Image.Resampling.LANCZOS,
            )
        result = _result_from_data(_run_tesseract(gray, "--oem 1 --psm 7"))
        if result.words:
            lines.append(list(result.words))
    words = tuple(word for line in lines for word in line)
    text = "\n".join(" ".join(word.text for word in line) for line in lines)
    mean = sum(word.confidence for word in words) / len(words) if words else 0.0
    return OcrResult(text=text, words=words, mean_confidence=round(mean, 2))


def ocr_image(
    image: Image.Image, *, variant: str = "threshold", language: str = OCR_LANGUAGE
) -> OcrResult:
    """Recognise the text of a document image.

    Args:
        image: any Pillow image, ideally upright (EXIF-transposed); a few degrees of
            rotation, mild blur and JPEG artefacts are tolerated.
        variant: a key of OCR_VARIANTS: how the image is prepared and segmented.
        language: Tesseract's language(s), installed (:func:`state_language`).

    Returns:
        OcrResult with line structure and per-word confidences. Takes ~0.2–0.9 s for a
        1000×630 card on one core.

    Raises:
        OcrEngineError: Tesseract not installed, failed, or ran over OCR_TIMEOUT_SECONDS.
        KeyError: unknown variant.
    """
    prepare, config = OCR_VARIANTS[variant]
    data = _run_tesseract(prepare(image), config, language)
    return _result_from_data(data)


@dataclass(frozen=True)
class OcrChar:
    """One recognised character: its text (one character), Tesseract's confidence (0–100) and
    its box (left, top, right, bottom) in pixels of the image read. A box may hold a run of
    identical narrow glyphs that Tesseract merged (``<<<<`` read as one ``<``)."""

    text: str
    confidence: float
    box: tuple[int, int, int, int]


class _HocrCharacters(HTMLParser):
    """Collects hOCR's ``ocrx_cinfo`` spans (``hocr_char_boxes=1``) line by line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[list[OcrChar]] = []
        self._title: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        kind = values.get("class") or ""
        if kind in ("ocr_line", "ocr_textfloat", "ocr_header", "ocr_caption"):
            self.lines.append([])
        elif kind == "ocrx_cinfo":
            self._title = values.get("title") or ""

    def handle_data(self, data: str) -> None:
        if self._title is None or not data.strip():
            return
        boxes = re.search(r"x_bboxes (\d+) (\d+) (\d+) (\d+)", self._title)
        confidence = re.search(r"x_conf ([\d.]+)", self._title)
        if boxes and self.lines:
            box = tuple(int(value) for value in boxes.groups())
            score = float(confidence.group(1)) if confidence else 0.0
            for char in data.strip():
                self.lines[-1].append(OcrChar(char, max(0.0, min(100.0, score)), box))  # type: ignore[arg-type]

    def handle_endtag(self, tag: str) -> None:
        self._title = None


def ocr_characters(image: Image.Image, *, config: str) -> list[list[OcrChar]]:
    """Recognise ``image`` character by character: each text line's characters in reading
    order with their boxes and confidences (Tesseract's hOCR with ``hocr_char_boxes=1``).

    ``config`` holds the caller's Tesseract options (e.g. a character whitelist and a page
    segmentation mode for a passport's machine readable zone,
    :mod:`smartbank.engines.documents.passport`); the image is read as given. Lines without
    characters are left out. Raises OcrEngineError.
    """
    hocr = _tesseract_call(
        pytesseract.image_to_pdf_or_hocr,
        image,
        lang=OCR_LANGUAGE,
        config=f"{config} -c hocr_char_boxes=1",
        extension="hocr",
        timeout=OCR_TIMEOUT_SECONDS,
    )
    parser = _HocrCharacters()
    parser.feed(hocr.decode("utf-8", errors="replace"))
    return [line for line in parser.lines if line]
