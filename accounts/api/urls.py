from django.urls import include, path

from . import banking
from .auth import (
    RegistrationContactVerifyApi,
    RegistrationOtpResendApi,
    TokenLogoutApi,
    TokenObtainApi,
    TokenOtpApi,
    TokenRefreshApi,
    WhoAmIApi,
)
from .views import RegistrationCreateApi, RegistrationDetailApi

urlpatterns = [
    path("registrations/", RegistrationCreateApi.as_view(), name="api-registration-create"),
    path(
        "registrations/<uuid:registration_id>/",
        RegistrationDetailApi.as_view(),
        name="api-registration-detail",
    ),
    path(
        "registrations/<uuid:registration_id>/verify-contact/",
        RegistrationContactVerifyApi.as_view(),
        name="api-registration-verify-contact",
    ),
    path(
        "registrations/<uuid:registration_id>/resend-otp/",
        RegistrationOtpResendApi.as_view(),
        name="api-registration-resend-otp",
    ),
    path("auth/token/", TokenObtainApi.as_view(), name="api-token"),
    path("auth/token/otp/", TokenOtpApi.as_view(), name="api-token-otp"),
    path("auth/token/refresh/", TokenRefreshApi.as_view(), name="api-token-refresh"),
    path("auth/logout/", TokenLogoutApi.as_view(), name="api-logout"),
    path("auth/whoami/", WhoAmIApi.as_view(), name="api-whoami"),
    path("", include(banking.urlpatterns)),
]
