"""One-time-password devices: a customer's email address or phone number (issue #3).

Built on django-otp's ``Device`` (so ``django_otp.login`` and ``user.is_verified()``, which the
staff console checks, work) with its ``CooldownMixin`` (resend rate limit) and
``TimestampMixin``. The code itself is kept only as an HMAC (django-otp's own EmailDevice stores
it in clear). Codes are sent and checked by :mod:`accounts.services.otp`, never by the model.
"""

from django.db import models
from django_otp.models import CooldownMixin, Device, TimestampMixin

__all__ = ["OtpDevice"]


class OtpDevice(CooldownMixin, TimestampMixin, Device):
    """A channel that receives 6-digit codes: EMAIL (the login email) or SMS (the phone).

    ``confirmed`` becomes True once the customer proved they receive codes on it (contact
    verification). Codes: 6 digits, valid ``settings.OTP_VALIDITY_SECONDS`` (600), single use,
    locked after ``settings.OTP_MAX_FAILED_GUESSES`` (5) wrong guesses until a new code is sent;
    a new code at most every ``settings.OTP_RESEND_COOLDOWN_SECONDS``.
    """

    class Channel(models.TextChoices):
        EMAIL = "EMAIL", "Email"
        SMS = "SMS", "SMS"

    channel = models.CharField(max_length=5, choices=Channel.choices)
    token_hash = models.CharField(max_length=64, blank=True, default="")
    valid_until = models.DateTimeField(null=True, blank=True)
    failed_guesses = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
    # Codes sent in the current hour: caps guesses across resends (5 codes x 5 guesses an hour).
    codes_window_started_at = models.DateTimeField(null=True, blank=True)
    codes_in_window = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "OTP device"
        constraints = [
            models.UniqueConstraint(fields=["user", "channel"], name="otp_device_one_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} OTP of {self.user_id}"

    def get_cooldown_duration(self) -> int:
        from django.conf import settings

        return settings.OTP_RESEND_COOLDOWN_SECONDS

    # django-otp API. Sending and checking codes are writes, done by accounts.services.otp
    # (the one login's OTP page calls them, for customers and staff), so the inherited
    # generate_challenge() / verify_token() stay django-otp's inert defaults (no code, False).
    def verify_is_allowed(self) -> tuple[bool, dict | None]:
        from django.conf import settings

        if self.failed_guesses >= settings.OTP_MAX_FAILED_GUESSES:
            return False, {"error_message": "Too many wrong codes. Ask for a new code."}
        return super().verify_is_allowed()
