"""Forms of the OTP pages (customers and staff alike): choose a channel, type a code."""

from django import forms


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
