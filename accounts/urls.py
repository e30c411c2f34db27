from django.urls import include, path

from .views import banking, customers, early_payout, otp, step_up

app_name = "accounts"
urlpatterns = [
    path("register/", customers.register_view, name="register"),
    path("login/", customers.CustomerLoginView.as_view(), name="login"),
    path("logout/", customers.CustomerLogoutView.as_view(), name="logout"),
    path("verify/", otp.contact_verify_view, name="verify"),
    path("otp/", otp.otp_view, name="otp"),
    path("", include(banking.urlpatterns)),
    path("", include(step_up.urlpatterns)),
    path("", include(early_payout.urlpatterns)),
]
