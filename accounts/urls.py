from django.urls import include, path

from .views import banking, customers, early_payout, otp, step_up

app_name = "accounts"
urlpatterns = [
    path("register/", customers.register_view, name="register"),
    path("login/", customers.CustomerLoginView.as_view(), name="login"),
    path("logout/", customers.CustomerLogoutView.as_view(), name="logout"),
    path("logged-out/", customers.LoggedOutView.as_view(), name="logged-out"),
    path(
        "password-reset/", customers.CustomerPasswordResetView.as_view(), name="password-reset"
    ),
    path(
        "password-reset/sent/",
        customers.CustomerPasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "password-reset/done/",
        customers.CustomerPasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        customers.CustomerPasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("verify/", otp.contact_verify_view, name="verify"),
    path("otp/", otp.otp_view, name="otp"),
    path("", include(banking.urlpatterns)),
    path("", include(step_up.urlpatterns)),
    path("", include(early_payout.urlpatterns)),
]
