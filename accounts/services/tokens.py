"""Revocable API refresh tokens (simplejwt's ``token_blacklist``, issue #10).

A refresh token is good for one refresh: :func:`jwt_refresh_rotate` blacklists it and answers a
successor. Logging out blacklists the token presented (API) or every outstanding token of the
user (a session logout on the web or in the admin). A blacklisted token raises simplejwt's
``TokenError`` on its next use, which the API answers 401 ``{"detail", "code":
"token_not_valid"}``.
"""

from typing import Any

from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from ..models import User


def jwt_refresh_rotate(*, refresh: str) -> dict[str, str]:
    """``{"access", "refresh"}`` for a valid, unused refresh token of an active user.

    The token presented is blacklisted first; of two requests racing with the same token only
    the one that creates the blacklist row (unique per token) gets a successor.

    :raises TokenError: bad signature, expired, already used or revoked, inactive user.
    """
    token = RefreshToken(refresh)  # checks signature, expiry and the blacklist
    user_id = token.payload.get(api_settings.USER_ID_CLAIM)
    if not User.objects.filter(pk=user_id, is_active=True).exists():
        raise TokenError("No active account found for the given token.")
    _, created = token.blacklist()
    if not created:
        raise TokenError("Token is blacklisted")
    token.set_jti()
    token.set_exp()
    token.set_iat()
    token.outstand()
    return {"access": str(token.access_token), "refresh": str(token)}


def jwt_refresh_revoke(*, refresh: str) -> None:
    """Blacklist one refresh token (API logout).

    :raises TokenError: bad signature, expired, or already used or revoked.
    """
    token = RefreshToken(refresh)
    _, created = token.blacklist()
    if not created:
        raise TokenError("Token is blacklisted")


def user_refresh_tokens_revoke(*, user: User) -> int:
    """Blacklist every unexpired refresh token issued to ``user`` (web logout). Returns how many
    were newly revoked."""
    outstanding = OutstandingToken.objects.filter(
        user=user, expires_at__gt=timezone.now(), blacklistedtoken__isnull=True
    )
    created = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
    )
    return len(created)


def refresh_tokens_revoke_on_logout(
    sender: Any, request: Any, user: User | None, **kwargs: Any
) -> None:
    """``user_logged_out`` receiver: a session logout anywhere (customer pages, the admin)
    revokes every refresh token of the user (:func:`user_refresh_tokens_revoke`)."""
    if user is not None:
        user_refresh_tokens_revoke(user=user)
