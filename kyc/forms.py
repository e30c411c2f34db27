"""The customer's KYC form: ID type, number, date of birth, ID image and selfie."""

from django import forms
from django.conf import settings

from smartbank.errors import ApplicationError
from smartbank.forms import read_upload

from .models import IdType
from .services import check_document, validate_id_number


class KycSubmitForm(forms.Form):
    """Checks formats and files up front so errors show next to the fields."""

    id_type = forms.ChoiceField(choices=IdType.choices, widget=forms.RadioSelect, label="ID type")
    id_number = forms.CharField(
        max_length=20, label="ID number", help_text="Aadhaar: 12 digits. PAN: e.g. ABCPE1234F."
    )
    date_of_birth = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    id_document = forms.FileField(label="ID card image", help_text="JPG, PNG or PDF, up to 10 MB.")
    selfie = forms.FileField(label="Selfie", help_text="A clear photo of your face, JPG or PNG.")

    def _file(self, field: str) -> bytes:
        upload = self.cleaned_data.get(field)
        try:
            data = read_upload(upload, field=field, max_bytes=settings.KYC_MAX_UPLOAD_BYTES)
            content_type = check_document(data=data, field=field)
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        if field == "selfie" and content_type == "application/pdf":
            raise forms.ValidationError("The selfie must be a JPG or PNG photo.")
        return data

    def clean_id_document(self) -> bytes:
        return self._file("id_document")

    def clean_selfie(self) -> bytes:
        return self._file("selfie")

    def clean(self) -> dict:
        data = super().clean()
        if data.get("id_type") and data.get("id_number"):
            try:
                data["id_number"] = validate_id_number(
                    id_type=data["id_type"], id_number=data["id_number"]
                )
            except ApplicationError as exc:
                self.add_error("id_number", exc.message)
        return data
