"""Require the second factor on every page (customer pages and the staff console) once the
password is accepted."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

# Paths that a logged-in user who has not passed the OTP step may still reach. The staff
# console (/admin/) is not one: staff take the same OTP step (smartbank/admin_site.py), except
# the monitoring check a proxy asks (401 there, not a redirect); the API authenticates with
# JWTs issued after an OTP.
OPEN_PREFIXES = (
    "/accounts/otp/",
    "/accounts/verify/",
    "/accounts/logout/",
    "/accounts/logged-out/",
    "/accounts/login/",
    "/accounts/password-reset/",
    "/static/",
    "/favicon.ico",
    "/admin/monitoring/",
    "/api/",
)


class OtpRequiredMiddleware:
    """Send a logged-in user whose session has no verified OTP device to the OTP page.

    A customer who has not verified their email yet goes to the contact verification page
    (where the email code also serves as the session's second factor).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            profile = getattr(user, "profile", None)
            target = "accounts:otp"
            if profile is not None and profile.email_verified_at is None:
                target = "accounts:verify"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
