"""Password reset by email (issue 12), for customers and staff alike.

Django's own views do the work (``PasswordResetView`` ... ``PasswordResetCompleteView``, wired in
``accounts/urls.py``): its token generator makes the one-use link (valid
``settings.PASSWORD_RESET_TIMEOUT`` seconds, void once the password changes), its forms check
the new password against the validators. These services send the link through the
notifications path (encrypted body, wiped once sent) and audit the reset.
"""

from typing import Any

from django.conf import settings
from django.db import transaction

from smartbank.notifications import notification_send

from ..events import user_event_record
from ..models import UserEvent
from .tokens import user_refresh_tokens_revoke


def password_reset_send(*, user: Any, reset_url: str) -> None:
    """Queue the reset email with ``reset_url`` (absolute, ``https://host/accounts/
    password-reset/<uid>/<token>/``) to ``user.email``; it leaves after commit."""
    notification_send(
        channel="EMAIL",
        template="password_reset",
        recipient=user.email,
        context={
            "reset_url": reset_url,
            "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
            "full_name": user.full_name,
        },
        user=user,
    )


@transaction.atomic
def password_reset_record(*, user: Any) -> UserEvent:
    """After the new password is saved: revoke every API refresh token the user holds (what
    the old password opened closes, as Django's session hash does for web sessions) and append
    the ``PASSWORD_RESET`` event (actor: the user, who proved they read their email; ``data``
    ``{"refresh_tokens_revoked": n}``)."""
    revoked = user_refresh_tokens_revoke(user=user)
    return user_event_record(
        user=user,
        type=UserEvent.Type.PASSWORD_RESET,
        actor=user,
        data={"refresh_tokens_revoked": revoked},
    )
