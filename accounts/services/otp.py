"""One-time passwords: sending codes, checking them, contact verification (issue #3).

Codes are 6 random digits (``secrets``), valid ``settings.OTP_VALIDITY_SECONDS``, single use,
stored only as an HMAC, locked after ``settings.OTP_MAX_FAILED_GUESSES`` wrong guesses, and
re-sent at most every ``settings.OTP_RESEND_COOLDOWN_SECONDS``. Codes travel through
:func:`smartbank.notifications.notification_send` (a Celery task after commit); no code is
ever logged.
"""

import datetime
import hmac
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from smartbank.crypto import keyed_hash
from smartbank.errors import ApplicationError
from smartbank.notifications import mask_email, mask_phone, notification_send

from ..events import customer_event_record, user_event_record
from ..models import CustomerEvent, CustomerProfile, OtpDevice, User, UserEvent

OTP_HASH_PURPOSE = "otp-code"
TEMPLATES = {
    ("EMAIL", "verify"): "otp_email_verification",
    ("SMS", "verify"): "otp_phone_verification",
    ("EMAIL", "login"): "otp_login_email",
    ("SMS", "login"): "otp_login_sms",
    ("EMAIL", "step_up"): "otp_step_up_email",
    ("SMS", "step_up"): "otp_step_up_sms",
}
CHECK_MESSAGES = {
    "INVALID": "That code is not right. Check it and try again.",
    "EXPIRED": "That code has expired. Ask for a new code.",
    "NO_CODE": "Ask for a code first.",
    "LOCKED": "Too many wrong codes. Ask for a new code.",
}


def _hash(device: OtpDevice, token: str) -> str:
    return keyed_hash(f"{device.pk}:{token}", purpose=OTP_HASH_PURPOSE)


def _recipient(device: OtpDevice) -> str:
    if device.channel == OtpDevice.Channel.EMAIL:
        return device.user.email
    profile = CustomerProfile.objects.filter(user=device.user).first()
    if profile is None:
        raise ApplicationError("No phone number is registered.", code="NO_PHONE", field="channel")
    return str(profile.phone)


def otp_device_ensure(*, user: Any, channel: str) -> OtpDevice:
    """The user's device for ``channel`` (EMAIL or SMS), created unconfirmed if missing."""
    device, _ = OtpDevice.objects.get_or_create(
        user=user, channel=channel, defaults={"name": channel.lower(), "confirmed": False}
    )
    return device


@transaction.atomic
def otp_send(*, otp_device_id: Any, purpose: str) -> str:
    """Issue a new code on the device and send it; returns "We sent a code to n***@x.com".

    ``purpose`` is ``verify`` (contact verification), ``login`` (second factor) or ``step_up``
    (confirming a critical action, :mod:`accounts.services.step_up`). A new code
    replaces the previous one and clears the wrong-guess count. Raises
    :class:`ApplicationError` code ``OTP_RESEND_TOO_SOON`` inside the resend cooldown and
    ``OTP_TOO_MANY_CODES`` past the hourly cap (which bounds guessing across resends).
    """
    device = OtpDevice.objects.select_for_update().select_related("user").get(pk=otp_device_id)
    allowed, data = device.generate_is_allowed()
    if not allowed:
        wait = max(1, int((data["next_generation_at"] - timezone.now()).total_seconds()))
        raise ApplicationError(
            f"A code was sent moments ago. You can ask for a new one in {wait} seconds.",
            code="OTP_RESEND_TOO_SOON",
        )
    now = timezone.now()
    window = datetime.timedelta(hours=1)
    if device.codes_window_started_at is None or now - device.codes_window_started_at >= window:
        device.codes_window_started_at, device.codes_in_window = now, 0
    if device.codes_in_window >= settings.OTP_MAX_CODES_PER_HOUR:
        # A new code clears the wrong-guess count, so resends are what bounds guessing.
        raise ApplicationError(
            "Too many codes were sent in the last hour. Try again later.",
            code="OTP_TOO_MANY_CODES",
        )
    device.codes_in_window += 1
    recipient = _recipient(device)
    code = f"{secrets.randbelow(10**6):06d}"
    device.token_hash = _hash(device, code)
    device.valid_until = timezone.now() + datetime.timedelta(seconds=settings.OTP_VALIDITY_SECONDS)
    device.failed_guesses = 0
    device.cooldown_set(commit=False)
    device.save(
        update_fields=[
            "token_hash", "valid_until", "failed_guesses", "last_generated_timestamp",
            "codes_window_started_at", "codes_in_window",
        ]
    )
    notification_send(
        channel=device.channel,
        template=TEMPLATES[(device.channel, purpose)],
        recipient=recipient,
        context={
            "code": code,
            "minutes": settings.OTP_VALIDITY_SECONDS // 60,
            "full_name": device.user.full_name,
        },
        user=device.user,
    )
    masked = mask_email(recipient) if device.channel == "EMAIL" else mask_phone(recipient)
    return f"We sent a code to {masked}."


@transaction.atomic
def otp_check(*, otp_device_id: Any, token: str) -> str:
    """Check ``token`` against the device's current code.

    Returns ``OK`` (the code is consumed, the device confirmed), or ``INVALID``, ``EXPIRED``,
    ``NO_CODE``, ``LOCKED``. Every wrong guess counts towards the lock.
    """
    device = OtpDevice.objects.select_for_update().get(pk=otp_device_id)
    if device.failed_guesses >= settings.OTP_MAX_FAILED_GUESSES:
        return "LOCKED"
    if not device.token_hash:
        return "NO_CODE"
    now = timezone.now()
    token = (token or "").strip().replace(" ", "")
    if not hmac.compare_digest(device.token_hash, _hash(device, token)):
        device.failed_guesses += 1
        device.save(update_fields=["failed_guesses"])
        return "LOCKED" if device.failed_guesses >= settings.OTP_MAX_FAILED_GUESSES else "INVALID"
    if device.valid_until is None or now > device.valid_until:
        device.token_hash = ""
        device.save(update_fields=["token_hash"])
        return "EXPIRED"
    device.token_hash = ""
    device.valid_until = None
    device.failed_guesses = 0
    device.last_generated_timestamp = None  # a fresh code may be asked for at once
    device.last_used_at = now
    if not device.confirmed:
        device.confirmed = True
        device.verified_at = now
    device.save(
        update_fields=[
            "token_hash",
            "valid_until",
            "failed_guesses",
            "last_generated_timestamp",
            "last_used_at",
            "confirmed",
            "verified_at",
        ]
    )
    return "OK"


def otp_verify(*, user: Any, channel: str, token: str) -> OtpDevice:
    """Check a code the user typed for ``channel``; returns the device on success.

    Raises :class:`ApplicationError` (field ``otp``) with code ``OTP_INVALID``,
    ``OTP_EXPIRED``, ``OTP_NO_CODE`` or ``OTP_LOCKED`` and a message for the user.
    """
    device = OtpDevice.objects.filter(user=user, channel=channel).first()
    result = "NO_CODE" if device is None else otp_check(otp_device_id=device.pk, token=token)
    if result != "OK":
        raise ApplicationError(CHECK_MESSAGES[result], code=f"OTP_{result}", field="otp")
    return device


def contact_verify(*, user: Any, channel: str, token: str) -> CustomerProfile:
    """Confirm the customer's email (channel EMAIL) or phone (SMS) with the code sent to it.

    Sets ``email_verified_at`` / ``phone_verified_at`` on the profile. Raises what
    :func:`otp_verify` raises.
    """
    # The check commits on its own: a wrong guess must count even though this call fails.
    otp_verify(user=user, channel=channel, token=token)
    field = "email_verified_at" if channel == OtpDevice.Channel.EMAIL else "phone_verified_at"
    with transaction.atomic():
        profile = CustomerProfile.objects.select_for_update().get(user=user)
        if getattr(profile, field) is None:
            setattr(profile, field, timezone.now())
            profile.save(update_fields=[field, "updated_at"])
            customer_event_record(
                profile=profile,
                type=CustomerEvent.Type.EMAIL_VERIFIED
                if channel == "EMAIL"
                else CustomerEvent.Type.PHONE_VERIFIED,
                actor=user,
            )
    return profile


def contact_verification_start(*, user: Any) -> None:
    """Create both devices and send the first verification codes (after registration)."""
    for channel in (OtpDevice.Channel.EMAIL, OtpDevice.Channel.SMS):
        device = otp_device_ensure(user=user, channel=channel)
        otp_send(otp_device_id=device.pk, purpose="verify")


def login_channels(*, user: Any) -> list[str]:
    """Channels a user may receive a login code on: EMAIL always, SMS once the phone is
    verified."""
    channels = ["EMAIL"]
    if OtpDevice.objects.filter(user=user, channel="SMS", confirmed=True).exists():
        channels.append("SMS")
    return channels


@transaction.atomic
def second_factor_enrol(*, user_id: Any, actor: Any) -> list[str]:
    """Give a member of staff their second factor from the console (issue 12): an EMAIL device
    (confirmed: the email is their login name, which staff set), and an SMS device when they
    have a phone on a customer profile, confirmed only once that phone was verified.

    Returns the channels whose device now exists, e.g. ``["EMAIL"]``. Appends a
    ``SECOND_FACTOR_ENROLLED`` event by ``actor`` with ``{"channels": [...], "created": [...]}``.
    Raises :class:`ApplicationError` ``NOT_STAFF`` for a customer (customers enrol by
    confirming their contacts).
    """
    user = User.objects.select_for_update().get(pk=user_id)
    if not user.is_staff:
        raise ApplicationError(
            f"No second factor enrolled for {user.email}: customers confirm their own email "
            "and phone.",
            code="NOT_STAFF",
        )
    profile = CustomerProfile.objects.filter(user=user).first()
    wanted = {OtpDevice.Channel.EMAIL: True}
    if profile is not None and profile.phone:
        wanted[OtpDevice.Channel.SMS] = profile.phone_verified_at is not None
    created = []
    for channel, confirmed in wanted.items():
        device, made = OtpDevice.objects.get_or_create(
            user=user, channel=channel, defaults={"name": channel.lower(), "confirmed": confirmed}
        )
        if made:
            created.append(str(channel))
        elif confirmed and not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
    channels = [str(c) for c in wanted]
    user_event_record(
        user=user,
        type=UserEvent.Type.SECOND_FACTOR_ENROLLED,
        actor=actor,
        data={"channels": channels, "created": created},
    )
    return channels


@transaction.atomic
def second_factor_reset(*, user_id: Any, actor: Any) -> list[str]:
    """Delete a user's OTP devices (issue 12): with them go the code in flight, the wrong-guess
    lock, the resend cooldown and the hourly code count; sessions verified on them must pass
    a new code (django-otp finds no device). The next login makes a fresh EMAIL device on
    demand (:func:`otp_device_ensure`).

    Returns the channels deleted. Appends a ``SECOND_FACTOR_RESET`` event by ``actor`` with
    ``{"channels": [...]}``.
    """
    user = User.objects.select_for_update().get(pk=user_id)
    devices = OtpDevice.objects.filter(user=user)
    channels = sorted(str(c) for c in devices.values_list("channel", flat=True))
    devices.delete()
    user_event_record(
        user=user, type=UserEvent.Type.SECOND_FACTOR_RESET, actor=actor, data={"channels": channels}
    )
    return channels
