"""django-axes: the login name failures are counted under, and the lockout answers (JSON for
the API, a page for the web) (issues #3, #10)."""

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

LOCKED_DETAIL = "Too many failed attempts. Try again later."


def lockout_username(
    request: HttpRequest, credentials: Mapping[str, Any] | None = None
) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the email a login attempt names, stripped and lower-cased.

    Django's login forms (customer and admin) and the API token step pass it to
    ``authenticate()`` as ``username``; a request body names it ``username`` (forms) or
    ``email`` (API). Lower-casing matches the stored emails, so ``Neil@`` and ``neil@`` are one
    account to lock. ``None`` when no name was given: then only the address counts.
    """
    if credentials:
        source: Any = credentials
    else:
        source = getattr(request, "data", None) or request.POST
    value = source.get("username") or source.get("email")
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lower()


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """429 for a locked-out login. The same answer whether or not the email exists."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": LOCKED_DETAIL, "code": "locked"}, status=429)
    return render(request, "accounts/locked.html", status=429)
