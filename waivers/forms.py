"""The customer's waiver request form: the loan, the waiver and certificate, the amount or
percentage, and the scan."""

from typing import Any

from django import forms
from django.conf import settings

from smartbank.errors import ApplicationError
from smartbank.forms import read_upload
from smartbank.money import format_inr

from .services import check_certificate_upload


class WaiverRequestForm(forms.Form):
    """Only parses input and checks the scan up front; the rules (approved loan, allowed
    certificate, number format, amount within what is owed) are checked by
    :func:`waivers.services.waiver_request_submit`, whose errors the view puts on the fields."""

    loan = forms.ChoiceField(label="Loan")
    waiver_type = forms.ChoiceField(label="Waiver")
    certificate_type = forms.ChoiceField(label="Certificate")
    certificate_number = forms.CharField(
        max_length=64,
        label="Certificate number",
        help_text="Exactly as printed on the certificate.",
    )
    amount = forms.DecimalField(
        label="Amount to waive (₹)",
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    percent = forms.DecimalField(
        label="Or a share of what you owe (%)",
        required=False,
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    document = forms.FileField(
        label="Scanned certificate", help_text="JPG, PNG or PDF, up to 10 MB."
    )

    def __init__(
        self,
        *args: Any,
        loans: list[tuple[Any, Any]],
        waiver_types: list[Any],
        certificate_types: list[Any],
        **kwargs: Any,
    ) -> None:
        """``loans`` is ``[(application, outstanding INR)]``; the types are model instances."""
        super().__init__(*args, **kwargs)
        self.fields["loan"].choices = [
            (
                application.application_id,
                f"{application.application_id} · {application.product.name} · "
                f"{format_inr(outstanding)} owed",
            )
            for application, outstanding in loans
        ]
        self.fields["waiver_type"].choices = [(t.code, t.name) for t in waiver_types]
        self.fields["certificate_type"].choices = [
            (c.code, f"{c.name} (e.g. {c.number_example})") for c in certificate_types
        ]

    def clean_document(self) -> bytes:
        upload = self.cleaned_data.get("document")
        try:
            data = read_upload(upload, field="document", max_bytes=settings.WAIVER_MAX_UPLOAD_BYTES)
            check_certificate_upload(data=data)
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        return data

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("amount") is None and data.get("percent") is None:
            if not self.has_error("amount") and not self.has_error("percent"):
                self.add_error("amount", "Enter an amount or a percentage.")
        elif data.get("amount") is not None and data.get("percent") is not None:
            self.add_error("percent", "Enter an amount or a percentage, not both.")
        return data
