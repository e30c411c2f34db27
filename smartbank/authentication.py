"""DRF authentication shared by every app's API."""

from typing import Any

from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication


class OtpSessionAuthentication(SessionAuthentication):
    """Session authentication only for sessions that passed the second factor (django-otp).

    The OTP middleware leaves ``/api/`` open for JWT clients, so a session holding just the
    password step would otherwise reach the whole API. Its own module: DRF imports
    authentication classes while ``rest_framework.views`` is still loading.
    """

    def authenticate(self, request: Any) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None or not result[0].is_verified():
            return None
        return result


class OtpSessionScheme(SessionScheme):
    """The OpenAPI description of :class:`OtpSessionAuthentication`: a session cookie."""

    target_class = "smartbank.authentication.OtpSessionAuthentication"
