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

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema_field, inline_serializer
from rest_framework import exceptions, serializers
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
