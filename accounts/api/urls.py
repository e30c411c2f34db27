from django.urls import path
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from .views import RegistrationCreateApi, RegistrationDetailApi

urlpatterns = [
    path("registrations/", RegistrationCreateApi.as_view(), name="api-registration-create"),
    path(
        "registrations/<uuid:registration_id>/",
        RegistrationDetailApi.as_view(),
        name="api-registration-detail",
    ),
    path("auth/token/", TokenObtainPairView.as_view(), name="api-token"),
    path("auth/token/refresh/", TokenRefreshView.as_view(), name="api-token-refresh"),
]
