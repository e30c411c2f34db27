"""Forms of the OTP pages: choose a channel, type a code; and the staff console's login."""

from typing import Any

from django import forms
from django_otp.admin import OTPAdminAuthenticationForm

from .models import OtpDevice
from .services.otp import otp_check, otp_send


class OtpCodeForm(forms.Form):
    otp = forms.CharField(
        label="Code",
        min_length=6,
        max_length=7,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class OtpChannelForm(forms.Form):
    channel = forms.ChoiceField(label="Send the code by", widget=forms.RadioSelect)

    def __init__(self, *args: object, channels: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        labels = {"EMAIL": "Email", "SMS": "SMS to my phone"}
        self.fields["channel"].choices = [(c, labels[c]) for c in channels]
        self.fields["channel"].initial = channels[0]


class _DeviceCodes:
    """An :class:`OtpDevice` as django-otp's login form uses it, with its codes sent and checked
    by the OTP services (the model itself calls no service)."""

    def __init__(self, device: OtpDevice) -> None:
        self.device = device

    def generate_challenge(self) -> str:
        return otp_send(otp_device_id=self.device.pk, purpose="login")

    def verify_is_allowed(self) -> tuple[bool, dict | None]:
        return self.device.verify_is_allowed()

    def verify_token(self, token: str) -> bool:
        # otp_check answers a status word; any non-empty word is truthy, so compare.
        return otp_check(otp_device_id=self.device.pk, token=token) == "OK"


class StaffLoginForm(OTPAdminAuthenticationForm):
    """The staff console's login (django-otp's admin form): password, then an emailed or texted
    code, sent by :func:`~accounts.services.otp.otp_send` and checked by
    :func:`~accounts.services.otp.otp_check` (single use, wrong guesses counted)."""

    def _handle_challenge(self, device: OtpDevice | None) -> None:
        super()._handle_challenge(_DeviceCodes(device) if device is not None else None)

    def _verify_token(self, user: Any, token: str, device: OtpDevice | None = None) -> OtpDevice:
        super()._verify_token(user, token, _DeviceCodes(device) if device is not None else None)
        return device  # django-otp raises ValidationError unless the code was right
