"""django-axes lockout answers: JSON for the API, a page for the web (issue #3)."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

LOCKED_DETAIL = "Too many failed attempts. Try again later."


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """429 for a locked-out login. The same answer whether or not the email exists."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": LOCKED_DETAIL, "code": "locked"}, status=429)
    return render(request, "accounts/locked.html", status=429)
