"""Web forms of the one login: registration, login (email as the login name, customers and
staff) and password reset."""

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.urls import reverse
from phonenumber_field.formfields import PhoneNumberField

from smartbank.countries import HOME_COUNTRY, country_choices

from .services.passwords import password_reset_send


class RegistrationForm(forms.Form):
    """Full name, email, phone, date of birth, country of residence (ISO 3166-1 alpha-2, India
    preselected: it decides which ID types the KYC step offers) and a password checked by
    Django's validators."""

    full_name = forms.CharField(min_length=3, max_length=150)
    email = forms.EmailField()
    phone = PhoneNumberField(region="IN", help_text="Indian mobile, e.g. 98765 43210")
    date_of_birth = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    # Not required: a form posted without it (as the API) means India, the bank's home.
    country_of_residence = forms.ChoiceField(
        choices=country_choices,
        required=False,
        initial=HOME_COUNTRY,
        label="Country of residence",
        help_text="It decides which ID documents you can verify your identity with.",
    )
    password1 = forms.CharField(label="Password", widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label="Password again", widget=forms.PasswordInput, strip=False)

    def clean_country_of_residence(self) -> str:
        return self.cleaned_data.get("country_of_residence") or HOME_COUNTRY

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return data


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(label="Email", widget=forms.EmailInput(attrs={"autofocus": True}))

    def clean_username(self) -> str:
        # Emails are stored lower-cased (UserManager); match how people type them.
        return self.cleaned_data["username"].strip().lower()


class EmailPasswordResetForm(PasswordResetForm):
    """Django's reset form, its email sent as a SmartBank notification
    (:func:`~accounts.services.passwords.password_reset_send`) instead of ``send_mail``. The
    form answers the same whether or not the email has an account (Django sends only to
    active users with a usable password, and says nothing)."""

    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def send_mail(  # noqa: PLR0913 - Django's signature
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        path = reverse(
            "accounts:password-reset-confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        reset_url = f"{context['protocol']}://{context['domain']}{path}"
        password_reset_send(user=context["user"], reset_url=reset_url)
