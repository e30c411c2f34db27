"""Customer pages: register, log in, log out."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from smartbank.errors import ApplicationError

from ..forms import EmailLoginForm, RegistrationForm
from ..services import customer_register


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
            messages.success(request, "Welcome to SmartBank. We sent codes to your email and "
                                      "phone: enter them to confirm your contact details.")
            return redirect(f"{reverse('accounts:verify')}?next={reverse('kyc:submit')}")
    return render(request, "accounts/register.html", {"form": form})


class CustomerLoginView(LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailLoginForm
    redirect_authenticated_user = True


class CustomerLogoutView(LogoutView):
    """Logging out of the web also revokes every API refresh token the user holds (the
    ``user_logged_out`` receiver of :mod:`accounts.apps`, shared with the admin's logout)."""
