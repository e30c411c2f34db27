"""Two engine calls at once (issue 13): Tesseract reads a card while dlib looks at faces.

Both engines leave the Python interpreter free while they work: Tesseract's library is
called through ctypes, which releases the GIL for the call (:mod:`smartbank.engines.tesseract`;
the ``tesseract`` program, when used, is waited on in ``subprocess.communicate``), and dlib's
detector and encoder release the GIL inside their C++ code (measured here: a Python thread
kept counting at ~85 % of its idle rate during ``detector.run``). A thread for one of them
therefore puts the second core to work on the other, and a KYC case's wait is about the longer
of the two instead of their sum.

No ORM: callers make their database queries before or after (a worker thread would open a
connection of its own). OCR text is personal data: nothing here logs.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

First = TypeVar("First")
Second = TypeVar("Second")


def side_by_side(
    background: Callable[[], First], foreground: Callable[[], Second]
) -> tuple[First, Second]:
    """Run ``background`` in a new thread while ``foreground`` runs in this one; return both
    results, ``(background's, foreground's)``.

    Errors: the first raised is re-raised once both have finished (``foreground``'s if both
    fail), so no call is left running behind an error; the engines' own errors
    (``OcrEngineError``, ``FaceEngineError``) reach the caller unchanged.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine") as pool:
        started = pool.submit(background)
        try:
            second = foreground()
        finally:
            # Wait for the background call whatever happened here (the ``with`` does too).
            error = started.exception()
        if error is not None:
            raise error
        return started.result(), second
