"""The faces the duplicate-face check searches, kept in memory by each process (issue 13).

Every process (a Celery worker child, a web worker showing the staff console) keeps the
encodings of the cases the duplicate-face check compares with (status VERIFIED or
MANUAL_REVIEW, with an encoding) as one float32 matrix (:class:`FaceGallery`, 512 bytes a
face: 51 MB for 100,000) and brings it up to date before each search with one indexed query:

- the cases whose ``updated_at`` is at or after the last read minus ``OVERLAP`` (a case saved
  by a transaction that commits a little later, or by a host whose clock is a little behind, is
  still seen): their ids, users and statuses, then the encodings of those new or changed only.
  A case joins the gallery when it becomes eligible and leaves it when it is no longer (a
  review that rejects it): every status change goes through
  :func:`smartbank.transitions.transition`, which saves ``updated_at``;
- every ``settings.KYC_FACE_GALLERY_FULL_REFRESH`` seconds (default 300) the whole gallery is
  read again, which also drops cases deleted from the database (no status change marks those;
  deleting a case is not part of the product, the customer is protected).

The search itself is :meth:`smartbank.engines.face_gallery.FaceGallery.nearest`: exact, the same
distances and decisions as comparing the faces one at a time.
"""

from __future__ import annotations

import datetime
import io
import threading
import time
import uuid
from collections.abc import Sequence
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.functions import Length
from django.utils import timezone

from smartbank.engines.face_gallery import (
    ENCODING_BYTES,
    ENCODING_LENGTH,
    FaceGallery,
    matrix_from_bytes,
)

from .models import KycCase

ELIGIBLE = (KycCase.Status.VERIFIED, KycCase.Status.MANUAL_REVIEW)
"""Statuses of the cases whose faces count (the duplicate-face check's rule)."""

OVERLAP = datetime.timedelta(seconds=30)
_CHUNK = 10_000


class _Keys(Sequence[str]):
    """Case ids of gallery rows as ``str(uuid)``, made only for the rows asked for (the
    gallery keeps the 16 bytes of each id, not 100,000 strings)."""

    def __init__(self, ids: np.ndarray) -> None:
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, row):  # noqa: ANN001, ANN204 - Sequence's int | slice protocol
        if isinstance(row, slice):
            return [str(uuid.UUID(bytes=i.tobytes())) for i in self.ids[row]]
        return str(uuid.UUID(bytes=self.ids[row].tobytes()))


class _Gallery:
    """The process's gallery: rows ``0..size-1`` of ``matrix`` (spare capacity after them),
    ``ids`` and ``users`` the 16 bytes of each row's case id and user id, ``stamps`` its
    ``updated_at`` (microseconds since 1970). Appending writes past ``size``; growing or
    removing makes new arrays, so a :class:`FaceGallery` handed out earlier (views of rows
    ``0..size-1``) never changes under its reader."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.matrix = np.empty((0, ENCODING_LENGTH), dtype=np.float32)
        self.norms = np.empty(0, dtype=np.float32)
        self.ids = np.empty(0, dtype=_UUID)
        self.users = np.empty(0, dtype=_UUID)
        self.stamps = np.empty(0, dtype=np.int64)
        self.size = 0
        self.read_at: datetime.datetime | None = None
        self.loaded_at = 0.0

    # --- reading the database ----------------------------------------------------------
    def refresh(self) -> None:
        full_every = float(settings.KYC_FACE_GALLERY_FULL_REFRESH)
        if self.read_at is None or time.monotonic() - self.loaded_at >= full_every:
            self._load_all()
        else:
            self._load_changed()

    def _load_all(self) -> None:
        self.reset()
        read_at = timezone.now()
        eligible = KycCase.objects.filter(status__in=ELIGIBLE, face_encoding__isnull=False)
        if connection.vendor == "postgresql":
            self._copy_all(eligible)
        else:
            self._grow(int(eligible.count() * 1.1) + 1024)
            rows = eligible.values_list("pk", "user_id", "updated_at", "face_encoding")
            chunk: list[tuple[Any, Any, Any, bytes]] = []
            for row in rows.iterator(chunk_size=_CHUNK):
                chunk.append(row)
                if len(chunk) >= _CHUNK:
                    self._append(chunk)
                    chunk = []
            self._append(chunk)
        self.read_at, self.loaded_at = read_at, time.monotonic()

    def _copy_all(self, eligible: Any) -> None:
        """PostgreSQL: every eligible face in one ``COPY ... TO STDOUT (FORMAT binary)``,
        fixed-width records read by NumPy as they are (no Python object per row): about
        0.5 s for 100,000 faces where fetching rows takes several seconds."""
        rows = eligible.alias(length=Length("face_encoding")).filter(length=ENCODING_BYTES)
        sql, params = rows.values_list(
            "pk", "user_id", "updated_at", "face_encoding"
        ).query.sql_with_params()
        buffer = io.BytesIO()
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg2's own: COPY takes no parameters, so inline them
            query = raw.mogrify(sql, params).decode()
            raw.copy_expert(f"COPY ({query}) TO STDOUT (FORMAT binary)", buffer)
        data = buffer.getbuffer()
        body = data[_COPY_HEADER : len(data) - 2]  # the signature and flags; the -1 trailer
        records = np.frombuffer(body, dtype=_COPY_RECORD)
        del buffer
        if len(records) and not (
            np.all(records["fields"] == 4) and np.all(records["encoding_length"] == ENCODING_BYTES)
        ):
            raise RuntimeError("unexpected COPY layout of kyc_kyccase")
        self._grow(int(len(records) * 1.1) + 1024)
        end = len(records)
        self.matrix[:end] = records["encoding"]
        self.norms[:end] = np.einsum("ij,ij->i", self.matrix[:end], self.matrix[:end])
        self.ids[:end] = records["id"]
        self.users[:end] = records["user"]
        self.stamps[:end] = records["stamp"] + _PG_EPOCH_MICROSECONDS
        self.size = end

    def _load_changed(self) -> None:
        since = (self.read_at or timezone.now()) - OVERLAP
        read_at = timezone.now()
        has_face = ExpressionWrapper(Q(face_encoding__isnull=False), output_field=BooleanField())
        changed = (
            KycCase.objects.filter(updated_at__gte=since)
            .annotate(has_face=has_face)
            .values_list("pk", "status", "updated_at", "has_face")
        )
        changed = [
            (_uuid_bytes(pk), pk, status, stamp, face) for pk, status, stamp, face in changed
        ]
        ids = self.ids[: self.size]
        known = np.flatnonzero(np.isin(ids, np.frombuffer(b"".join(c[0] for c in changed), _UUID)))
        row_of = {ids[row].tobytes(): row for row in known}
        wanted: list[Any] = []
        leaving: list[bytes] = []
        for key, pk, status, stamp, face in changed:
            row = row_of.get(key)
            if status in ELIGIBLE and face:
                if row is None or self.stamps[row] != _epoch(stamp):
                    wanted.append(pk)
            elif row is not None:
                leaving.append(key)
        if wanted:
            rows = KycCase.objects.filter(pk__in=wanted, face_encoding__isnull=False)
            fresh = list(rows.values_list("pk", "user_id", "updated_at", "face_encoding"))
            leaving += [_uuid_bytes(pk) for pk, *_rest in fresh]
        if leaving:
            self._remove(leaving)
        if wanted:
            self._append(fresh)
        self.read_at = read_at

    # --- the arrays ----------------------------------------------------------------------
    def _grow(self, capacity: int) -> None:
        size = self.size
        arrays = []
        for old, shape in (
            (self.matrix, (capacity, ENCODING_LENGTH)),
            (self.norms, (capacity,)),
            (self.ids, (capacity,)),
            (self.users, (capacity,)),
            (self.stamps, (capacity,)),
        ):
            new = np.empty(shape, dtype=old.dtype)
            new[:size] = old[:size]
            arrays.append(new)
        self.matrix, self.norms, self.ids, self.users, self.stamps = arrays

    def _append(self, rows: list[tuple[Any, Any, Any, bytes]]) -> None:
        """Rows of ``(case id, user id, updated_at, encoding bytes)``."""
        if not rows:
            return
        if self.size + len(rows) > len(self.matrix):
            self._grow(max(2 * len(self.matrix), self.size + len(rows) + 1024))
        start, end = self.size, self.size + len(rows)
        block = matrix_from_bytes([blob for *_rest, blob in rows])
        self.matrix[start:end] = block
        self.norms[start:end] = np.einsum("ij,ij->i", block, block)
        self.ids[start:end] = [np.frombuffer(_uuid_bytes(r[0]), dtype=_UUID)[0] for r in rows]
        self.users[start:end] = [np.frombuffer(_uuid_bytes(r[1]), dtype=_UUID)[0] for r in rows]
        self.stamps[start:end] = [_epoch(stamp) for _pk, _u, stamp, _b in rows]
        self.size = end

    def _remove(self, keys: list[bytes]) -> None:
        gone = np.isin(self.ids[: self.size], np.frombuffer(b"".join(keys), dtype=_UUID))
        kept = np.flatnonzero(~gone)
        self.matrix = np.ascontiguousarray(self.matrix[kept])
        self.norms = self.norms[kept]
        self.ids = self.ids[kept]
        self.users = self.users[kept]
        self.stamps = self.stamps[kept]
        self.size = len(kept)

    def view(self, *, excluding_user: Any) -> FaceGallery:
        size = self.size
        excluded: Any = ()
        if excluding_user is not None:
            user = np.frombuffer(_uuid_bytes(excluding_user), dtype=_UUID)[0]
            excluded = np.flatnonzero(self.users[:size] == user)
        return FaceGallery(
            _Keys(self.ids[:size]), self.matrix[:size], self.norms[:size], excluded=excluded
        )


_UUID = np.dtype("V16")
_COPY_HEADER = 19  # "PGCOPY\n\377\r\n\0", int32 flags, int32 header extension length (0)
_COPY_RECORD = np.dtype(
    [
        ("fields", ">i2"),
        ("id_length", ">i4"),
        ("id", _UUID),
        ("user_length", ">i4"),
        ("user", _UUID),
        ("stamp_length", ">i4"),
        ("stamp", ">i8"),  # timestamptz: microseconds since 2000-01-01 UTC
        ("encoding_length", ">i4"),
        ("encoding", "<f4", (ENCODING_LENGTH,)),
    ]
)
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_PG_EPOCH_MICROSECONDS = 946_684_800_000_000  # 2000-01-01 UTC after 1970-01-01


def _uuid_bytes(value: Any) -> bytes:
    """The 16 bytes of a UUID primary key, whichever form the driver gives (a ``UUID``, its
    text with or without hyphens)."""
    return (value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))).bytes


def _epoch(stamp: datetime.datetime | str) -> int:
    """``updated_at`` as microseconds since 1970 (a raw SQLite row gives naive UTC text)."""
    if isinstance(stamp, str):
        stamp = datetime.datetime.fromisoformat(stamp)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=datetime.UTC)
    return (stamp - _EPOCH) // datetime.timedelta(microseconds=1)


_GALLERY = _Gallery()


def face_gallery_for(*, user_id: Any) -> FaceGallery:
    """The faces of eligible cases (VERIFIED or MANUAL_REVIEW, with an encoding) of every
    customer but ``user_id``, brought up to date first (see the module docstring): one small
    indexed query, plus one per batch of new faces; the first call in a process reads them all
    (about 1 s and 51 MB for 100,000 faces)."""
    with _GALLERY.lock:
        _GALLERY.refresh()
        return _GALLERY.view(excluding_user=user_id)


def face_gallery_reset() -> None:
    """Forget the process's gallery: the next search reads every face again (tests, whose
    database rolls back between them; a management command that deleted cases)."""
    with _GALLERY.lock:
        _GALLERY.reset()
