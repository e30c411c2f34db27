from django.urls import path

from . import views

app_name = "waivers"
urlpatterns = [
    path("", views.waiver_request_list_view, name="list"),
    path("new/", views.waiver_request_create_view, name="create"),
    path("<uuid:waiver_request_id>/", views.waiver_request_detail_view, name="detail"),
    path(
        "<uuid:waiver_request_id>/status/",
        views.waiver_request_status_fragment_view,
        name="status-fragment",
    ),
    path(
        "<uuid:waiver_request_id>/certificate/", views.waiver_certificate_view, name="certificate"
    ),
]
