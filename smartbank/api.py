"""API plumbing shared by every app: errors become ``400``/``409`` with field errors."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import ApplicationError


def application_error_response(exc: ApplicationError) -> Response:
    """``{"detail", "code", "errors": {field: [message]}}`` with the error's status code."""
    body: dict[str, Any] = {"detail": exc.message, "code": exc.code}
    if exc.field:
        body["errors"] = {exc.field: [exc.message]}
    return Response(body, status=exc.status_code)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler that also answers :class:`ApplicationError` and Django's
    ``ValidationError`` (e.g. password validators) as 400/409 with field errors."""
    if isinstance(exc, ApplicationError):
        return application_error_response(exc)
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == status.HTTP_400_BAD_REQUEST:
        if isinstance(response.data, dict) and "errors" not in response.data:
            response.data = {"detail": "Invalid input.", "code": "invalid", "errors": response.data}
    return response
