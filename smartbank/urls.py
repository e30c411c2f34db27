"""Top-level URLs: customer pages, the staff console (admin) and the integrator API."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django_otp.admin import OTPAdminSite
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from smartbank.monitoring import metrics_view, monitoring_staff_check

# Staff log in with a password and an OTP (django-otp's documented way to wrap the admin).
admin.site.__class__ = OTPAdminSite
admin.site.site_header = "SmartBank staff console"
admin.site.site_title = "SmartBank staff"
admin.site.index_title = "Manual review and operations"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="kyc:status", permanent=False), name="home"),
    path("accounts/", include("accounts.urls")),
    path("kyc/", include("kyc.urls")),
    path("loans/", include("loans.urls")),
    path("waivers/", include("waivers.urls")),
    # Monitoring (issue 14): Prometheus scrapes /metrics; a proxy asks the staff check before
    # it forwards to Flower (smartbank/monitoring.py).
    path("metrics", metrics_view, name="metrics"),
    path("admin/monitoring/staff-check/", monitoring_staff_check, name="monitoring-staff-check"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("accounts.api.urls")),
    path("api/v1/", include("kyc.api.urls")),
    path("api/v1/", include("loans.api.urls")),
    path("api/v1/", include("waivers.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

# JSON in the API's error shape under /api/, the branded templates/<status>.html elsewhere.
handler400 = "smartbank.views.bad_request"
handler403 = "smartbank.views.permission_denied"
handler404 = "smartbank.views.page_not_found"
handler500 = "smartbank.views.server_error"
