"""``Idempotency-Key`` for API POSTs that create money-relevant records (issue 10).

A client that may retry (a timeout, a lost answer) sends a key of its choosing, 1-255
printable ASCII characters, unique per request it means; a UUID is a good key. Per
authenticated user:

- the first request with a key runs and, when it succeeds (2xx), its status and JSON body are
  stored for :data:`KEY_TTL` (24 hours);
- the same key again with the same method, path and body replays that answer (header
  ``Idempotent-Replayed: true``) without running anything;
- the same key with a different method, path or body answers 422 ``IDEMPOTENCY_KEY_REUSED``;
- concurrent requests with one key run once: the first inserts the key row and keeps its
  transaction open while the view runs, so the others wait on the unique index of
  (user, key) and then replay the stored answer;
- an answer that is not a success is not stored (the key row rolls back with the view's
  writes), so a retry runs again;
- after :data:`KEY_TTL` the key is forgotten and may be used again.

Use :func:`idempotent` on an ``APIView.post`` and add :data:`IDEMPOTENCY_KEY_PARAMETER` and
:data:`IDEMPOTENCY_RESPONSES` to its ``extend_schema``.
"""

import datetime
import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from .api import ERROR_SCHEMA
from .errors import ApplicationError
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_TTL = datetime.timedelta(hours=24)
KEY_MAX_LENGTH = 255

IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    # What _key_validate accepts, less a space at either end (HTTP trims those).
    pattern=r"^[!-~]([ -~]{0,253}[!-~])?$",
    description=(
        "Optional, 1-255 printable ASCII characters (a UUID). Within 24 hours the same key "
        "replays the first successful answer; with a different body it answers 422."
    ),
)
IDEMPOTENCY_RESPONSES = {
    422: OpenApiResponse(
        ERROR_SCHEMA, description="IDEMPOTENCY_KEY_REUSED: the key was used for another request."
    )
}


class IdempotencyKeyReused(ApplicationError):
    """The key was first sent with another method, path or body (HTTP 422)."""

    status_code = 422


def idempotent(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Decorate ``APIView.post(self, request, ...)``: honour the ``Idempotency-Key`` header.

    Raises :class:`ApplicationError` ``INVALID_IDEMPOTENCY_KEY`` (400) for a malformed key and
    :class:`IdempotencyKeyReused` (422) for a key reused with another request; without the
    header the view runs as it would without the decorator.
    """

    @functools.wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None or not request.user.is_authenticated:
            return handler(view, request, *args, **kwargs)
        key = _key_validate(key)
        fingerprint = request_fingerprint(request)
        with transaction.atomic():
            record = _key_claim(user=request.user, key=key, fingerprint=fingerprint)
            if record.response_status is not None:
                if record.fingerprint != fingerprint:
                    raise IdempotencyKeyReused(
                        "This Idempotency-Key was used for a different request.",
                        code="IDEMPOTENCY_KEY_REUSED",
                    )
                return Response(
                    json.loads(record.response_body),
                    status=record.response_status,
                    headers={REPLAYED_HEADER: "true"},
                )
            response = handler(view, request, *args, **kwargs)
            if not 200 <= response.status_code < 300:
                transaction.set_rollback(True)
                return response
            record.response_status = response.status_code
            record.response_body = json.dumps(response.data, cls=JSONEncoder)
            record.save(update_fields=["response_status", "response_body", "updated_at"])
        return response

    return wrapper


def request_fingerprint(request: Request) -> str:
    """SHA-256 (hex) of the method, the path and the parsed body: JSON keys sorted, form and
    multipart fields as lists, uploaded files by the SHA-256 of their content (a retry's
    multipart boundary differs, its content does not)."""
    body = _canonical(request.data)
    text = json.dumps([request.method, request.path, body], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def idempotency_key_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete expired keys; returns how many. Expired keys are also replaced when reused."""
    deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def _key_validate(key: str) -> str:
    if not (0 < len(key) <= KEY_MAX_LENGTH and key.isascii() and key.isprintable()):
        raise ApplicationError(
            "Idempotency-Key must be 1-255 printable ASCII characters.",
            code="INVALID_IDEMPOTENCY_KEY",
        )
    return key


def _key_claim(*, user: Any, key: str, fingerprint: str) -> IdempotencyKey:
    """The caller's row for ``key``: a new one (this request runs) or the stored one. Must run
    inside the transaction that runs the view: a concurrent insert of the same key blocks on
    the unique index until that transaction ends, then reads the committed row."""
    now = timezone.now()
    IdempotencyKey.objects.filter(user=user, key=key, expires_at__lte=now).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(
                user=user, key=key, fingerprint=fingerprint, expires_at=now + KEY_TTL
            )
    except IntegrityError:
        return IdempotencyKey.objects.get(user=user, key=key)


def _canonical(value: Any) -> Any:
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file_sha256": digest.hexdigest()}
    if hasattr(value, "lists"):  # QueryDict: form and multipart bodies
        return {k: [_canonical(v) for v in vs] for k, vs in value.lists()}
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value
