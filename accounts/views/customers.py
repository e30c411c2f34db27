"""The one login's pages (customers and staff): the landing page, register, log in, log out,
password reset by email."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import (
    LoginView,
    LogoutView,
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    PasswordResetDoneView,
    PasswordResetView,
)
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.generic import TemplateView

from kyc.selectors import kyc_is_verified
from smartbank.errors import ApplicationError

from ..forms import EmailLoginForm, EmailPasswordResetForm, RegistrationForm
from ..lockout import password_reset_allowed
from ..models import CustomerProfile
from ..services import customer_register
from ..services.passwords import password_reset_record


def home_view(request: HttpRequest) -> HttpResponse:
    """``/``: what SmartBank is, for a visitor; a logged-in person goes to their next step.

    Staff → the staff console. A customer: contacts not both confirmed → ``accounts:verify``;
    KYC not VERIFIED → ``kyc:status``; else their accounts (``accounts:bank-list``). A session
    past the password only never gets here: the OTP middleware sends it to the code first.
    """
    user = request.user
    if not user.is_authenticated:
        return render(request, "home.html")
    if user.is_staff:
        return redirect("admin:index")
    profile = CustomerProfile.objects.filter(user=user).first()
    if profile is not None and not (profile.email_verified_at and profile.phone_verified_at):
        return redirect("accounts:verify")
    if not kyc_is_verified(user=user):
        return redirect("kyc:status")
    return redirect("accounts:bank-list")


def register_view(request: HttpRequest) -> HttpResponse:
    """Create a customer account, log them in and send them to the KYC page."""
    if request.user.is_authenticated:
        return redirect("kyc:status")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            profile, _ = customer_register(
                email=data["email"],
                password=data["password1"],
                full_name=data["full_name"],
                phone=data["phone"],
                date_of_birth=data["date_of_birth"],
                country_of_residence=data["country_of_residence"],
            )
        except ApplicationError as exc:
            field = exc.field if exc.field in form.fields else None
            if field == "password":
                field = "password1"
            form.add_error(field, exc.message)
        else:
            login(request, profile.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                "Welcome to SmartBank. We sent codes to your email and "
                "phone: enter them to confirm your contact details.",
            )
            return redirect(f"{reverse('accounts:verify')}?next={reverse('kyc:submit')}")
    return render(request, "accounts/register.html", {"form": form})


class CustomerLoginView(LoginView):
    """The one login, step one (customers and staff; the staff console sends here with
    ``?next=/admin/...``). The code is step two, ``accounts:otp``. django-axes counts the
    failures (``accounts.lockout``)."""

    template_name = "accounts/login.html"
    authentication_form = EmailLoginForm
    redirect_authenticated_user = True


class CustomerLogoutView(LogoutView):
    """Logging out of the web also revokes every API refresh token the user holds (the
    ``user_logged_out`` receiver of :mod:`accounts.apps`, shared with the admin's logout).
    Then ``settings.LOGOUT_REDIRECT_URL``: the "You have logged out" page."""


class LoggedOutView(TemplateView):
    """The confirmation after logging out (customers and staff), with the way back in."""

    template_name = "accounts/logged_out.html"


class CustomerPasswordResetView(PasswordResetView):
    """Ask for a reset link by email. The same "check your email" page follows whether or not
    the email has an account; past the rate limit (per address and per email, known or not)
    a 429 page asks to wait, again the same for every email."""

    template_name = "accounts/password_reset_form.html"
    form_class = EmailPasswordResetForm
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form: Form) -> HttpResponse:
        if not password_reset_allowed(self.request, email=form.cleaned_data["email"]):
            return render(self.request, "accounts/password_reset_limited.html", status=429)
        return super().form_valid(form)


class CustomerPasswordResetDoneView(PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class CustomerPasswordResetConfirmView(PasswordResetConfirmView):
    """Choose the new password from the emailed link. It does not log in (Django's
    ``post_reset_login`` stays False): the login afterwards asks for a code as always."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")
    post_reset_login = False

    def form_valid(self, form: Form) -> HttpResponse:
        response = super().form_valid(form)
        password_reset_record(user=form.user)
        return response


class CustomerPasswordResetCompleteView(PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
