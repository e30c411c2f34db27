"""Customer web forms for bank accounts: the account request and the statement's date filter."""

import datetime
from typing import Any

from django import forms

from .models import REQUESTABLE_TYPES, AccountType


class BankAccountRequestForm(forms.Form):
    """Account type, and for a fixed deposit its amount (INR) and tenure (months).

    Only parses input: the rules (minimum amount, available tenures) are checked by
    :func:`accounts.services.bank_account_request`, whose errors the view puts on the fields.
    """

    account_type = forms.ChoiceField(
        choices=[(t.value, t.label) for t in REQUESTABLE_TYPES],
        widget=forms.RadioSelect,
        initial=AccountType.SAVINGS,
    )
    fd_amount = forms.DecimalField(
        label="Deposit amount (₹)",
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    fd_tenure_months = forms.IntegerField(
        label="Tenure (months)", required=False, min_value=1, max_value=600
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("account_type") != AccountType.FIXED_DEPOSIT:
            # Fields hidden for other types may still hold what was typed before switching.
            data["fd_amount"] = None
            data["fd_tenure_months"] = None
        return data


class StatementFilterForm(forms.Form):
    """``?from=YYYY-MM-DD&to=YYYY-MM-DD``, both optional and inclusive (local dates)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a keyword, so the fields are added here rather than declared.
        for name, label in (("from", "From"), ("to", "To")):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                input_formats=["%Y-%m-%d"],
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                error_messages={"invalid": "Enter a real date, such as 2026-01-31."},
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", "The end date is before the start date.")
        return data

    def period(self) -> tuple[datetime.date | None, datetime.date | None]:
        """``(from, to)`` of a valid form (``None`` for a date left empty). Raises
        ``ValueError`` for an invalid one: a malformed date is the form's error to show, never
        the whole history instead (issue 12)."""
        if not self.is_valid():
            raise ValueError("The statement's dates are not valid.")
        return self.cleaned_data.get("from"), self.cleaned_data.get("to")
