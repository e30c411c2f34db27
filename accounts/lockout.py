"""django-axes: the login name failures are counted under, and the lockout answers (JSON for
the API, a page for the web) (issues #3, #10); the rate limit of password-reset emails
(issue 12)."""

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from smartbank.throttles import THROTTLES

LOCKED_DETAIL = "Too many failed attempts. Try again later."


def lockout_username(
    request: HttpRequest, credentials: Mapping[str, Any] | None = None
) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the email a login attempt names, stripped and lower-cased.

    The one login form (customers and staff, ``accounts:login``) and the API token step pass
    it to ``authenticate()`` as ``username``; a request body names it ``username`` (forms) or
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


class _PasswordResetScope:
    """What :data:`smartbank.throttles.THROTTLES` read from a view: the ``password_reset``
    scope and the email asked for (lower-cased, so its case is not a way round the limit)."""

    throttle_scope = "password_reset"

    def __init__(self, email: str) -> None:
        self.email = email.strip().lower()

    def throttle_account(self, request: HttpRequest) -> str | None:
        return self.email or None


def password_reset_allowed(request: HttpRequest, *, email: str) -> bool:
    """Count one password-reset request from the client's address and for ``email``; False
    past either limit (``settings.API_RATE_LIMITS["password_reset_address"]`` and
    ``["password_reset_account"]``, the API's throttles on the shared cache).

    Counted whether or not an account has that email, so the limit tells nothing about who
    is a customer. When the cache cannot be reached the request is allowed (the throttles
    fail open, as everywhere in the project).
    """
    scope = _PasswordResetScope(email)
    return all(throttle().allow_request(request, scope) for throttle in THROTTLES)
