"""Tesseract in the worker's own process, through its C API (issue 13), no ORM.

``pytesseract`` runs the ``tesseract`` program once per reading: it writes the image as a PNG,
starts a process that loads the English model, then parses the TSV it writes. Measured here,
loading the model is over half the CPU of reading a 1000×630 card (0.16 of 0.28 CPU-seconds).
This module loads ``libtesseract.so.5`` (the same library the program uses, Debian's
``libtesseract5``) with :mod:`ctypes`, initialises one engine per process on first use and
keeps it, and hands it the image's pixels. The TSV is the program's, byte for byte (compared
on every card of ``bench/ocr_accuracy.py``), and :func:`image_to_data` returns it as
``pytesseract.image_to_data(..., output_type=Output.DICT)`` does.

Trade-offs: the model stays in memory (29 MB measured, loaded once per worker before its pool
forks, then shared copy-on-write); a crash inside Tesseract takes the worker process with it
(Celery starts a new one and, the KYC task being ``acks_late``, the case is run again) where a
crashed program was only an error.

ctypes releases the GIL during each call, so dlib can run in another thread meanwhile
(:mod:`smartbank.engines.overlap`). One reading at a time per process (a lock). Tesseract's
OpenMP threads obey ``OMP_THREAD_LIMIT`` as the program did.

OCR text is personal data: never log it.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import threading
from typing import Any, Final

import pytesseract
from PIL import Image

LIBRARY: Final = "libtesseract.so.5"
"""The shared library loaded (Tesseract 5.3 on Debian 12: ``libtesseract5``)."""

LEPTONICA: Final = "liblept.so.5"
"""Tesseract's image library, told to keep quiet (``setMsgSeverity``)."""

LEPTONICA_SEVERITY_NONE: Final = 6
"""Leptonica's ``L_SEVERITY_NONE``: no messages on stderr."""

OEM_LSTM_ONLY: Final = 1
"""``--oem 1``: the LSTM recogniser, the engine mode of every reading here."""

_BYTES_PER_PIXEL: Final = {"L": 1, "RGB": 3}
_TSV_HEADER: Final = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\t"
    "left\ttop\twidth\theight\tconf\ttext\n"
)


class TesseractUnavailable(Exception):
    """The library cannot be loaded or initialised (the caller runs the program instead)."""


class TesseractFailed(Exception):
    """A reading failed or ran past its deadline. The message holds no OCR text."""


def _bind(library: ctypes.CDLL) -> ctypes.CDLL:
    handle, text, number = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
    signatures: dict[str, tuple[list[Any], Any]] = {
        "TessBaseAPICreate": ([], handle),
        "TessBaseAPIInit2": ([handle, text, text, number], number),
        "TessBaseAPISetVariable": ([handle, text, text], number),
        "TessBaseAPISetPageSegMode": ([handle, number], None),
        "TessBaseAPISetImage": ([handle, text, number, number, number, number], None),
        "TessBaseAPIRecognize": ([handle, handle], number),
        "TessBaseAPIGetTsvText": ([handle, number], handle),
        "TessDeleteText": ([handle], None),
        "TessBaseAPIClear": ([handle], None),
        "TessBaseAPIEnd": ([handle], None),
        "TessBaseAPIDelete": ([handle], None),
        "TessMonitorCreate": ([], handle),
        "TessMonitorSetDeadlineMSecs": ([handle, number], None),
        "TessMonitorDelete": ([handle], None),
    }
    for name, (arguments, result) in signatures.items():
        function = getattr(library, name)
        function.argtypes = arguments
        function.restype = result
    return library


class _Engine:
    """One initialised TessBaseAPI (model loaded) for one language, in one process."""

    def __init__(self, language: str) -> None:
        try:
            self.lib = _bind(ctypes.CDLL(LIBRARY))
        except (OSError, AttributeError) as exc:
            raise TesseractUnavailable(f"{LIBRARY} could not be loaded") from exc
        self.pid = os.getpid()
        self.api = self.lib.TessBaseAPICreate()
        if self.lib.TessBaseAPIInit2(self.api, None, language.encode(), OEM_LSTM_ONLY) != 0:
            self.lib.TessBaseAPIDelete(self.api)
            raise TesseractUnavailable(f"Tesseract could not load language {language!r}")
        # Its notes ("Estimating resolution as 381") and Leptonica's ("Error in
        # boxClipToRectangle") went to the program's captured stderr, not the worker's log.
        self.lib.TessBaseAPISetVariable(self.api, b"debug_file", b"/dev/null")
        try:
            ctypes.CDLL(LEPTONICA).setMsgSeverity(LEPTONICA_SEVERITY_NONE)
        except (OSError, AttributeError):
            pass

    def tsv(self, image: Image.Image, psm: int, timeout: float) -> str:
        bytes_per_pixel = _BYTES_PER_PIXEL[image.mode]
        pixels = image.tobytes()
        lib, api = self.lib, self.api
        lib.TessBaseAPISetPageSegMode(api, psm)
        lib.TessBaseAPISetImage(
            api, pixels, image.width, image.height, bytes_per_pixel, image.width * bytes_per_pixel
        )
        monitor = lib.TessMonitorCreate()
        try:
            lib.TessMonitorSetDeadlineMSecs(monitor, round(timeout * 1000))
            if lib.TessBaseAPIRecognize(api, monitor) != 0:
                raise TesseractFailed(f"Tesseract failed or ran over {timeout} s")
            text = lib.TessBaseAPIGetTsvText(api, 0)
            if not text:
                raise TesseractFailed("Tesseract returned no TSV")
            try:
                return ctypes.string_at(text).decode("utf-8", errors="replace")
            finally:
                lib.TessDeleteText(text)
        finally:
            lib.TessMonitorDelete(monitor)
            lib.TessBaseAPIClear(api)

    def close(self) -> None:
        if self.pid == os.getpid():  # forked copies leave the engine to the process it was made in
            self.lib.TessBaseAPIEnd(self.api)
            self.lib.TessBaseAPIDelete(self.api)


_engines: dict[str, _Engine] = {}
_lock = threading.Lock()


@atexit.register
def _close_all() -> None:
    """End the engines at exit (else Tesseract prints "LEAK!" warnings as the process ends)."""
    with _lock:
        for engine in _engines.values():
            engine.close()
        _engines.clear()


def _engine(language: str) -> _Engine:
    """This process's engine for ``language``. One made before a fork (a Celery worker loads
    it before starting its pool processes, :func:`kyc.tasks.kyc_engines_warm_up`) is used by
    the forked processes as their own copy: an idle engine holds no thread or open file,
    only memory, which the fork copies on write."""
    engine = _engines.get(language)
    if engine is None:
        engine = _engines[language] = _Engine(language)
    return engine


def warm_up(language: str) -> None:
    """Initialise this process's engine for ``language`` now. Raises TesseractUnavailable."""
    with _lock:
        _engine(language)


def supported(image: Image.Image) -> bool:
    """Whether :func:`image_to_data` takes ``image`` as is (8-bit gray or RGB, which are what
    pytesseract saves as PNG for the program without conversion)."""
    return image.mode in _BYTES_PER_PIXEL and image.width > 0 and image.height > 0


def image_to_data(
    image: Image.Image, *, language: str, psm: int, timeout: float
) -> dict[str, list[Any]]:
    """Read ``image`` (``supported``) with the LSTM engine in page segmentation mode ``psm``;
    the word boxes as ``pytesseract.image_to_data(image, lang=language,
    config=f"--oem 1 --psm {psm}", output_type=Output.DICT)`` returns them.

    Raises:
        TesseractUnavailable: the library or the language's model cannot be loaded.
        TesseractFailed: recognition failed or ran over ``timeout`` seconds.
    """
    with _lock:
        tsv = _engine(language).tsv(image, psm, timeout)
    return pytesseract.pytesseract.file_to_dict(_TSV_HEADER + tsv, "\t", -1)
