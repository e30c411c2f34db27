"""The form of a fixed deposit's early payout: the account to credit."""

from typing import Any

from django import forms


class EarlyPayoutForm(forms.Form):
    """Only parses input; :func:`accounts.services.early_payout.fd_early_payout` checks it."""

    to_account = forms.ChoiceField(label="Pay into")

    def __init__(self, *args: Any, destinations: list[Any], **kwargs: Any) -> None:
        """``destinations``: the customer's active savings and current accounts."""
        super().__init__(*args, **kwargs)
        self.fields["to_account"].choices = [
            (str(a.pk), f"{a.get_account_type_display()} account {a.number_masked}")
            for a in destinations
        ]
