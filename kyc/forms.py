"""The customer's KYC form: ID type, number, date of birth, a passport's nationality and
expiry, ID image and selfie."""

import pycountry
from django import forms
from django.conf import settings

from smartbank.countries import HOME_COUNTRY
from smartbank.errors import ApplicationError
from smartbank.forms import read_upload

from .models import ID_TYPES_WITH_EXPIRY, IdType
from .selectors import kyc_id_types_for_country
from .services import (
    check_document,
    id_types_accepted_message,
    validate_document_expiry,
    validate_id_number,
    validate_nationality,
)


def _nationality_choices() -> list[tuple[str, str]]:
    """ISO 3166-1 countries by name, as (alpha-3, name): the codes a passport's MRZ prints."""
    countries = sorted(pycountry.countries, key=lambda country: country.name)
    return [("", "—"), *((country.alpha_3, country.name) for country in countries)]


class KycSubmitForm(forms.Form):
    """Checks formats and files up front so errors show next to the fields.

    ``country`` (ISO 3166-1 alpha-2, the customer's country of residence) limits the ID types
    offered to those the country accepts (:func:`kyc.selectors.kyc_id_types_for_country`);
    :func:`kyc.services.kyc_case_submit` enforces the same rule.
    """

    id_type = forms.ChoiceField(choices=IdType.choices, widget=forms.RadioSelect, label="ID type")
    id_number = forms.CharField(
        max_length=20,
        label="ID number",
        help_text="Aadhaar: 12 digits. PAN: e.g. ABCPE1234F. Passport: e.g. K1234567.",
    )
    date_of_birth = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    nationality = forms.ChoiceField(
        choices=_nationality_choices,
        required=False,
        initial="IND",
        label="Nationality (passport only)",
        help_text="As printed in your passport.",
    )
    document_expiry = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="Passport date of expiry (passport only)",
    )
    id_document = forms.FileField(
        label="ID image",
        help_text="The card, or your passport's photo page with the two lines of <<< at the"
        " bottom. JPG, PNG or PDF, up to 10 MB.",
    )
    selfie = forms.FileField(label="Selfie", help_text="A clear photo of your face, JPG or PNG.")

    def __init__(self, *args: object, country: str = HOME_COUNTRY, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        accepted = kyc_id_types_for_country(country)
        field = self.fields["id_type"]
        field.choices = [(value, label) for value, label in IdType.choices if value in accepted]
        field.error_messages["invalid_choice"] = id_types_accepted_message(
            country=country, accepted=accepted
        )
        if len(accepted) == 1:
            field.initial = accepted[0]

    #: The file inputs, and how the page names them when they must be chosen again.
    FILE_FIELDS: dict[str, str] = {"id_document": "ID image", "selfie": "selfie"}

    def files_to_choose_again(self) -> dict[str, str]:
        """After a submission that came back with an error: for each file input, what to
        choose again (issue 12). Browsers never refill a file input, so even a file that was
        fine must be chosen again, and the page says so; every other field keeps its value.
        ``{field name: sentence}``; empty for a form not yet sent."""
        if not self.is_bound:
            return {}
        notes = {}
        for name, words in self.FILE_FIELDS.items():
            upload = self.files.get(name)
            if name in self.errors:
                notes[name] = f"Please choose {'another' if upload else 'your'} {words}."
            elif upload is not None:
                notes[name] = (
                    f"Please choose your {words} again: “{upload.name}” was fine, but a browser "
                    "cannot keep a chosen file when the form comes back."
                )
        return notes

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
        if data.get("id_type") in ID_TYPES_WITH_EXPIRY:
            checks = {
                "nationality": lambda: validate_nationality(nationality=data.get("nationality")),
                "document_expiry": lambda: validate_document_expiry(
                    document_expiry=data.get("document_expiry")
                ),
            }
            for field, check in checks.items():
                if field in self.errors:
                    continue
                try:
                    data[field] = check()
                except ApplicationError as exc:
                    self.add_error(field, exc.message)
        else:
            data["nationality"], data["document_expiry"] = "", None
        return data
