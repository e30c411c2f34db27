"""API plumbing shared by every app: the error body, its OpenAPI schema, the exception handler.

Every error answers ``{"detail", "code"}``, with ``"errors": {field: [message]}`` for invalid
input: an :class:`~smartbank.errors.ApplicationError` (400/403/409), Django's
``ValidationError`` (400) and ``Http404`` (404 ``{"detail": "Not found.", "code":
"not_found"}``, whatever the message of the ``Http404`` or ``get_object_or_404``).
Outside DRF's views, the project's ``handler400/403/404/500`` (:mod:`smartbank.views`) answer
every path under ``/api/`` in the same shape through :func:`django_error_response`: an
unknown URL is ``{"detail": "Not found.", "code": "not_found"}`` and an unhandled exception
``{"detail": "A server error occurred.", "code": "server_error"}`` with status 500, never the
exception's text (the traceback goes to the ``django.request`` log).
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ApplicationError


@extend_schema_field(
    {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "object", "description": "By list index or nested field, in this shape."},
        ]
    }
)
class FieldErrorsField(serializers.JSONField):
    """The OpenAPI shape of one field's errors: its messages, or for a list or a nested input
    the errors of each item or subfield (``{"documents": {"0": ["Not a valid string."]}}``)."""


ERROR_SCHEMA = inline_serializer(
    "Error",
    {
        "detail": serializers.CharField(),
        "code": serializers.CharField(),
        "errors": serializers.DictField(child=FieldErrorsField(), required=False),
    },
)
NOT_FOUND_RESPONSE = OpenApiResponse(
    ERROR_SCHEMA, description='Unknown, or not the caller\'s: `{"detail", "code": "not_found"}`.'
)


# Bodies of the errors Django itself answers (no DRF view ran, or one raised unexpectedly).
DJANGO_ERRORS: dict[int, dict[str, str]] = {
    400: {"detail": "Bad request.", "code": "bad_request"},
    403: {
        "detail": "You do not have permission to perform this action.",
        "code": "permission_denied",
    },
    404: {"detail": "Not found.", "code": "not_found"},
    500: {"detail": "A server error occurred.", "code": "server_error"},
}


def is_api_request(request: HttpRequest) -> bool:
    """Whether the request is for the integrator API (``/api/...``), which answers JSON only."""
    return request.path_info.startswith("/api/")


def django_error_response(status_code: int) -> JsonResponse:
    """``{"detail", "code"}`` for a 400/403/404/500 that Django's error handlers answer."""
    return JsonResponse(DJANGO_ERRORS[status_code], status=status_code)


def application_error_response(exc: ApplicationError) -> Response:
    """``{"detail", "code", "errors": {field: [message]}}`` with the error's status code."""
    body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
    if exc.field:
        body["errors"] = {exc.field: [exc.message]}
    return Response(body, status=exc.status_code)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler that also answers :class:`ApplicationError` and Django's
    ``ValidationError`` (e.g. password validators) as 400/409 with field errors, every
    404 as ``{"detail": "Not found.", "code": "not_found"}``, and any other DRF error with
    its DRF code (``not_authenticated``, ``permission_denied``, ``parse_error``...)."""
    if isinstance(exc, ApplicationError):
        return application_error_response(exc)
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    if isinstance(exc, Http404):
        # get_object_or_404's message names the model ("No BankAccount matches..."): not for
        # clients, and the same answer whether the record is missing or someone else's.
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        # {field: [message]}; a ValidationError of the whole input holds just [message].
        data = response.data
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        if "errors" not in errors:
            response.data = {"detail": "Invalid input.", "code": "invalid", "errors": errors}
    elif isinstance(exc, exceptions.NotFound) and isinstance(response.data, dict):
        response.data["code"] = "not_found"
    elif isinstance(exc, exceptions.Throttled) and isinstance(response.data, dict):
        # A rate limit (smartbank/throttles.py); DRF's handler has set Retry-After.
        response.data["code"] = "throttled"
    if isinstance(response.data, dict) and isinstance(exc, exceptions.APIException):
        # Any other error (401, 403, 405, 415, a body that does not parse) names its code too.
        codes = exc.get_codes()
        response.data.setdefault("code", codes if isinstance(codes, str) else exc.default_code)
    return response


# --- the OpenAPI schema: error answers every operation documents, decimal examples ---------

#: The error answers documented on every operation they can come from, with the body each
#: one has (:func:`exception_handler`): ``{status: (description, example body)}``.
ERROR_RESPONSES: dict[int, tuple[str, dict[str, str]]] = {
    401: (
        "Not signed in: no JWT, or an expired one (``Authorization: Bearer <access>``).",
        {"detail": "Authentication credentials were not provided.", "code": "not_authenticated"},
    ),
    403: (
        "Signed in, but not allowed: another role's action, or the second factor not passed.",
        {
            "detail": "You do not have permission to perform this action.",
            "code": "permission_denied",
        },
    ),
    404: (
        "Unknown, or not the caller's (the same answer, so ids are not disclosed).",
        {"detail": "Not found.", "code": "not_found"},
    ),
    409: (
        "The record's state does not allow it (already decided, a duplicate).",
        {"detail": "Cannot move from APPROVED to REJECTED.", "code": "INVALID_TRANSITION"},
    ),
    429: (
        "Too many requests: wait the seconds the ``Retry-After`` header gives.",
        {"detail": "Request was throttled. Expected available in 60 seconds.", "code": "throttled"},
    ),
}
ERROR_NAMES = {
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    409: "Conflict",
    429: "Rate limited",
}
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def error_response(status_code: int, description: str | None = None) -> OpenApiResponse:
    """The documented error answer ``status_code`` (:data:`ERROR_RESPONSES`) in the error
    shape, with its example body; ``description`` replaces the general one."""
    general, body = ERROR_RESPONSES[status_code]
    return OpenApiResponse(
        ERROR_SCHEMA,
        description=description or general,
        examples=[
            OpenApiExample(ERROR_NAMES[status_code], value=body, status_codes=[str(status_code)])
        ],
    )


class SmartBankAutoSchema(AutoSchema):
    """drf-spectacular's schema with the project's defaults on every operation (one mechanism,
    ``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``), besides what each view's ``extend_schema``
    says:

    - the error answers where they can occur, in the ``{"detail", "code"}`` shape with an
      example: 401 and 403 when the view needs a login, 404 when the path names a record, 409
      when an unsafe method acts on that record (a create that can conflict, a duplicate,
      documents its 409 itself), 429 when the view is throttled. An answer the view documents
      itself keeps its own description (given without a body, it gets the error shape).
    - decimal strings with a plain example (``"1000.00"``) instead of one Swagger UI makes up
      from the pattern (``"021.0"``).
    """

    def _error_codes(self) -> list[int]:
        codes = []
        permissions = self.view.get_permissions()
        if not all(isinstance(p, AllowAny) for p in permissions):
            codes += [401, 403]
        if "{" in self.path:
            codes.append(404)
        if self.method in UNSAFE_METHODS and "{" in self.path:
            codes.append(409)
        if getattr(self.view, "throttle_classes", None):
            codes.append(429)
        return codes

    # Private in drf-spectacular (0.30), but the one place every response passes, whether a
    # view's extend_schema overrides get_response_serializers or not.
    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, response in responses.items():
            if code.startswith("4") and "content" not in response:
                # An error a view documented by its description only: the body is the shape
                # every error has.
                description = response.get("description") or None
                responses[code] = self._get_response_for_code(
                    error_response(int(code), description)
                    if int(code) in ERROR_RESPONSES
                    else OpenApiResponse(ERROR_SCHEMA, description=description or ""),
                    code,
                    direction=direction,
                )
        for code in self._error_codes():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    error_response(code), str(code), direction=direction
                )
        return dict(sorted(responses.items()))

    def _map_serializer_field(self, field: Any, direction: str, bypass_extensions: bool = False):  # noqa: ANN202, FBT001, FBT002
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if (
            isinstance(field, serializers.DecimalField)
            and isinstance(schema, dict)
            and schema.get("format") == "decimal"
            and "example" not in schema
        ):
            schema["example"] = decimal_example(field)
        return schema


def decimal_example(field: serializers.DecimalField) -> str:
    """A plain value of ``field`` for the schema's examples: 1000 (or 100, or 1, within its
    digits and bounds) with its decimal places, ``"1000.00"``."""
    whole = field.max_whole_digits if field.max_whole_digits is not None else 4
    value = Decimal(10) ** max(0, min(3, whole - 1))
    if field.max_value is not None and value > Decimal(str(field.max_value)):
        value = Decimal(str(field.max_value))
    if field.min_value is not None and value < Decimal(str(field.min_value)):
        value = Decimal(str(field.min_value))
    places = field.decimal_places or 0
    return f"{value:.{places}f}"
