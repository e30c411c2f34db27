from django.urls import path

from . import views

app_name = "kyc"
urlpatterns = [
    path("", views.kyc_status_view, name="status"),
    path("submit/", views.kyc_submit_view, name="submit"),
    path(
        "cases/<uuid:kyc_case_id>/status/",
        views.kyc_status_fragment_view,
        name="status-fragment",
    ),
    path("documents/<uuid:kyc_document_id>/", views.kyc_document_view, name="document"),
]
