"""The "Confirm it's you" part of a critical action's form (``templates/accounts/_step_up.html``):
the id of a passed face step-up (filled in by ``static/js/step_up.js``), or a one-time code."""

from typing import Any

from django import forms

CHANNEL_LABELS = {"EMAIL": "Email", "SMS": "SMS to my phone"}


class StepUpForm(forms.Form):
    """Only parses input: the step-up services check the code and the step-up.

    Posted beside the action's own fields, with the button ``step_up_send`` asking for a code
    (without JavaScript; with it the page asks in the background).
    """

    step_up_id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    step_up_channel = forms.ChoiceField(
        label="Send the code by", required=False, widget=forms.RadioSelect
    )
    step_up_code = forms.CharField(
        label="Code",
        required=False,
        max_length=7,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8}
        ),
    )

    def __init__(self, *args: Any, channels: list[str], **kwargs: Any) -> None:
        """``channels``: where the customer receives codes (``EMAIL``, and ``SMS`` once the
        phone is confirmed), from :func:`accounts.services.otp.login_channels`."""
        super().__init__(*args, **kwargs)
        field = self.fields["step_up_channel"]
        field.choices = [(channel, CHANNEL_LABELS[channel]) for channel in channels]
        field.initial = channels[0]

    def channel(self) -> str:
        """The channel chosen, else the first offered."""
        chosen = self.cleaned_data.get("step_up_channel") if self.is_bound else ""
        return chosen or self.fields["step_up_channel"].initial
