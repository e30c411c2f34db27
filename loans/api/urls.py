"""``/api/v1/`` routes of the loans API (included from ``smartbank/urls.py``)."""

from django.urls import include, path

from .views import (
    LoanApplicationApproveApi,
    LoanApplicationDetailApi,
    LoanApplicationEventsApi,
    LoanApplicationListCreateApi,
    LoanApplicationPendingApi,
    LoanApplicationRejectApi,
    LoanApplicationReprocessApi,
    LoanEligibilityCheckApi,
)

APP = "loan-applications/<str:application_id>/"

urlpatterns = [
    path(
        "loan-applications/",
        LoanApplicationListCreateApi.as_view(),
        name="api-loan-application-list",
    ),
    path(
        "loan-applications/pending/",
        LoanApplicationPendingApi.as_view(),
        name="api-loan-application-pending",
    ),
    path(APP, LoanApplicationDetailApi.as_view(), name="api-loan-application-detail"),
    path(
        APP + "approve/", LoanApplicationApproveApi.as_view(), name="api-loan-application-approve"
    ),
    path(APP + "reject/", LoanApplicationRejectApi.as_view(), name="api-loan-application-reject"),
    path(
        APP + "reprocess/",
        LoanApplicationReprocessApi.as_view(),
        name="api-loan-application-reprocess",
    ),
    path(APP + "events/", LoanApplicationEventsApi.as_view(), name="api-loan-application-events"),
    path("loans/eligibility/", LoanEligibilityCheckApi.as_view(), name="api-loan-eligibility"),
    path("", include("loans.api.dashboards")),  # the staff dashboards (loans/api/dashboards.py)
    path("", include("loans.api.approval_logs")),  # seed 001's approval log (staff)
]
