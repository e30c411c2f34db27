"""Two engine calls at once (issue 13): Tesseract reads a card while dlib looks at faces.

Both engines leave the Python interpreter free while they work: Tesseract's library is
called through ctypes, which releases the GIL for the call (:mod:`smartbank.engines.tesseract`;
the ``tesseract`` program, when used, is waited on in ``subprocess.communicate``), and dlib's
detector and encoder release the GIL inside their C++ code (measured here: a Python thread
kept counting at ~85 % of its idle rate during ``detector.run``). A thread for one of them
therefore puts the second core to work on the other, and a KYC case's wait is about the longer
of the two instead of their sum.

Overlapping pays only while a core is idle. With as many busy worker processes as cores
(``make run``: two on two) every core already has an engine to run, and a second thread per
case only makes the processes take turns: measured here (``bench/kyc_speed.py``), two workers
decided 4.4 documents a second either way, while one worker alone took 1.2 cores side by side
and so left the second worker less to add (scaling 0.68-0.72 against 0.88-0.91 one after the
other). The callers choose with ``together`` (``settings.KYC_ENGINES_SIDE_BY_SIDE``).

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
    background: Callable[[], First],
    foreground: Callable[[], Second],
    *,
    together: bool = True,
) -> tuple[First, Second]:
    """Run ``background`` in a new thread while ``foreground`` runs in this one (or, with
    ``together`` false, ``background`` then ``foreground`` in this thread); return both
    results, ``(background's, foreground's)``.

    Errors: the first raised is re-raised once both have finished (``foreground``'s if both
    fail), so no call is left running behind an error; the engines' own errors
    (``OcrEngineError``, ``FaceEngineError``) reach the caller unchanged.
    """
    if not together:
        try:
            first, error = background(), None
        except Exception as exc:  # noqa: BLE001 - re-raised below once foreground ran
            first, error = None, exc
        second = foreground()
        if error is not None:
            raise error
        return first, second  # type: ignore[return-value]
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
