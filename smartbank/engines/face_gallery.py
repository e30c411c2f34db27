"""Stored face encodings and the 1:N search over them (issue 13). No ORM.

An encoding (128 floats of dlib's ResNet, see :mod:`smartbank.engines.faces`) is stored as 512
bytes: 128 little-endian float32 (:func:`encoding_to_bytes`, :func:`encoding_from_bytes`).
float32 keeps 7 significant digits, far below what matters: encodings of one person differ by
0.2-0.5, and rounding moves a distance by about 1e-8.

A :class:`FaceGallery` holds many encodings as one ``N x 128`` float32 matrix with their keys
(case ids) and answers "the nearest face" and "every face within d" of one encoding, exactly as
:func:`smartbank.engines.faces.face_distance` would one pair at a time (Euclidean distance,
``numpy.linalg.norm`` of the difference in float64), in a few milliseconds for 100,000 faces:

1. an estimate of every squared distance in one matrix-vector product (``numpy.einsum``):
   ``|a - b|^2 = |a|^2 - 2 a.b + |b|^2`` with the rows' ``|a|^2`` kept beside the matrix;
2. the exact float64 distance of the few rows whose estimate is within a safety margin of the
   answer (the estimate's rounding error in float32 is below 1e-4 for vectors of norm < 2; the
   margin is ten times that), so the result is the exact one, not an approximation: the same
   faces count as duplicates as with the one-pair-at-a-time loop.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Final

import numpy as np

from .faces import ENCODING_LENGTH, FaceEngineError, face_distance

ENCODING_BYTES: Final = ENCODING_LENGTH * 4
"""Bytes of one stored encoding: 128 float32."""

_DTYPE: Final = np.dtype("<f4")
_MARGIN: Final = 1e-3
"""Safety margin (in squared distance, scaled by the vectors' squared norms) between the float32
estimate of step 1 and the exact distance of step 2: rows within it are checked exactly."""


def encoding_to_bytes(encoding: Sequence[float] | np.ndarray) -> bytes:
    """``encoding`` (128 finite numbers) as the 512 bytes stored in ``KycCase.face_encoding``.

    Raises:
        FaceEngineError: not 128 finite numbers.
    """
    return _query(encoding).astype(_DTYPE).tobytes()


def encoding_from_bytes(data: bytes | memoryview | Sequence[float]) -> list[float]:
    """The 128 floats of a stored encoding (512 bytes); a sequence of numbers (an encoding not
    yet saved) is returned as a list of floats.

    Raises:
        FaceEngineError: neither 512 bytes nor 128 numbers.
    """
    if isinstance(data, bytes | bytearray | memoryview):
        if len(data) != ENCODING_BYTES:
            raise FaceEngineError(f"a stored face encoding is {ENCODING_BYTES} bytes")
        return np.frombuffer(data, dtype=_DTYPE).astype(np.float64).tolist()
    return [float(x) for x in np.frombuffer(encoding_to_bytes(data), dtype=_DTYPE)]


def matrix_from_bytes(blobs: Sequence[bytes | memoryview]) -> np.ndarray:
    """Stored encodings as an ``len(blobs) x 128`` float32 matrix (one copy, no Python floats).

    Raises:
        FaceEngineError: a blob is not 512 bytes.
    """
    if any(len(b) != ENCODING_BYTES for b in blobs):
        raise FaceEngineError(f"a stored face encoding is {ENCODING_BYTES} bytes")
    joined = b"".join(blobs)
    return np.frombuffer(joined, dtype=_DTYPE).reshape(len(blobs), ENCODING_LENGTH).copy()


class FaceGallery(Mapping[str, np.ndarray]):
    """Faces to search, keyed by ``keys[i]`` (e.g. a case id) for row ``i`` of ``matrix``
    (``N x 128`` float32, C order); ``squared_norms`` the rows' ``|row|^2`` (computed when
    ``None``); ``excluded`` row numbers that are not part of the gallery (the searching
    customer's own faces in a shared matrix). The matrix is only read, so several galleries may
    share one (no copy per search). As a mapping: key -> that row (a read-only view)."""

    def __init__(
        self,
        keys: Sequence[str],
        matrix: np.ndarray,
        squared_norms: np.ndarray | None = None,
        excluded: np.ndarray | Sequence[int] = (),
    ) -> None:
        if matrix.ndim != 2 or matrix.shape[1] != ENCODING_LENGTH or len(keys) != len(matrix):
            raise FaceEngineError(f"a gallery is one key per row of {ENCODING_LENGTH} floats")
        self.keys_ = keys
        self.matrix = matrix
        self.squared_norms = (
            np.einsum("ij,ij->i", matrix, matrix) if squared_norms is None else squared_norms
        )
        self.excluded = np.asarray(excluded, dtype=np.int64)
        self._rows: dict[str, int] | None = None

    # --- Mapping ---------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.keys_) - len(self.excluded)

    def __iter__(self) -> Iterator[str]:
        skip = set(self.excluded.tolist())
        return (k for i, k in enumerate(self.keys_) if i not in skip)

    def __getitem__(self, key: str) -> np.ndarray:
        if self._rows is None:
            skip = set(self.excluded.tolist())
            self._rows = {k: i for i, k in enumerate(self.keys_) if i not in skip}
        row = self.matrix[self._rows[key]]
        row.flags.writeable = False
        return row

    # --- search ----------------------------------------------------------------------
    def _estimates(self, query: np.ndarray) -> tuple[np.ndarray, float]:
        """Estimated squared distances of every row (excluded rows: +inf) and the margin
        within which an estimate may be off."""
        q32 = query.astype(_DTYPE)
        # einsum, not BLAS: one thread streaming the matrix (BLAS threads only contend with
        # the worker's other processes; measured 6.6 ms against 8-18 ms for 100,000 rows).
        estimate = self.squared_norms - 2.0 * np.einsum("ij,j->i", self.matrix, q32)
        estimate += float(q32 @ q32)
        if len(self.excluded):
            estimate[self.excluded] = np.inf
        top = float(self.squared_norms.max()) if len(self.squared_norms) else 0.0
        return estimate, _MARGIN * (1.0 + top + float(query @ query))

    def _exact(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        return np.linalg.norm(self.matrix[rows].astype(np.float64) - query, axis=1)

    def nearest(self, encoding: Sequence[float] | np.ndarray) -> tuple[float, str] | None:
        """``(distance, key)`` of the nearest face (the first row on a tie), ``None`` when the
        gallery is empty. Raises FaceEngineError for a malformed encoding."""
        query = _query(encoding)
        if len(self) == 0:
            return None
        estimate, margin = self._estimates(query)
        rows = np.flatnonzero(estimate <= estimate.min() + 2.0 * margin)
        exact = self._exact(query, rows)
        best = int(np.argmin(exact))
        return float(exact[best]), self.keys_[int(rows[best])]

    def within(
        self, encoding: Sequence[float] | np.ndarray, max_distance: float
    ) -> list[tuple[float, str]]:
        """``[(distance, key), ...]`` of every face at distance ``<= max_distance``, nearest
        first. Raises FaceEngineError for a malformed encoding."""
        query = _query(encoding)
        if len(self) == 0:
            return []
        estimate, margin = self._estimates(query)
        rows = np.flatnonzero(estimate <= max_distance * max_distance + 2.0 * margin)
        exact = self._exact(query, rows)
        found = [(float(d), self.keys_[int(r)]) for d, r in zip(exact, rows, strict=True)]
        return sorted((f for f in found if f[0] <= max_distance), key=lambda f: f[0])


def _query(encoding: Sequence[float] | np.ndarray) -> np.ndarray:
    try:
        vector = np.asarray(encoding, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise FaceEngineError("face encoding is not a sequence of numbers") from exc
    if vector.shape != (ENCODING_LENGTH,) or not np.all(np.isfinite(vector)):
        raise FaceEngineError(f"face encoding must be {ENCODING_LENGTH} finite numbers")
    return vector


def nearest_face(
    encoding: Sequence[float],
    others: FaceGallery | Mapping[str, Sequence[float]] | Sequence[Sequence[float]],
) -> tuple[float | None, str | None]:
    """``(distance, key)`` of the face among ``others`` nearest to ``encoding``: ``key`` is the
    mapping's key (``None`` for a plain sequence); ``(None, None)`` when ``others`` is empty.
    A :class:`FaceGallery` is searched in one matrix product; a mapping or sequence of
    encodings one pair at a time (the reference the gallery agrees with).

    Raises:
        FaceEngineError: an encoding is not 128 finite numbers.
    """
    if isinstance(others, FaceGallery):
        found = others.nearest(encoding)
        return (None, None) if found is None else found
    pairs = others.items() if isinstance(others, Mapping) else ((None, o) for o in others)
    best: tuple[float | None, str | None] = (None, None)
    for key, other in pairs:
        distance = face_distance(encoding, other)
        if best[0] is None or distance < best[0]:
            best = (distance, key)
    return best
