"""Top-level URLs: customer pages, the staff console (admin) and the integrator API."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.views.customers import home_view
from smartbank.admin_site import StaffConsoleSite
from smartbank.monitoring import metrics_view, monitoring_staff_check

# Staff log in through the customer login (password, then a code): /admin/ only serves a
# session past both (smartbank/admin_site.py, issue 12).
admin.site.__class__ = StaffConsoleSite
admin.site.site_header = "SmartBank staff console"
admin.site.site_title = "SmartBank staff"
admin.site.index_title = "Manual review and operations"


def favicon_view(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico`` (asked for by browsers whatever the page links): the SVG icon. Not
    permanent: the icon's hashed static name changes with it."""
    return HttpResponseRedirect(static("favicon.svg"))


urlpatterns = [
    path("", home_view, name="home"),
    path("favicon.ico", favicon_view),
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
