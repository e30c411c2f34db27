"""``/api/v1/`` routes of the waivers API (included from ``smartbank/urls.py``)."""

from django.urls import path

from .views import (
    WaiverRequestApproveApi,
    WaiverRequestDetailApi,
    WaiverRequestListCreateApi,
    WaiverRequestRejectApi,
)

WAIVER = "waivers/<uuid:waiver_id>/"

urlpatterns = [
    path("waivers/", WaiverRequestListCreateApi.as_view(), name="api-waiver-list"),
    path(WAIVER, WaiverRequestDetailApi.as_view(), name="api-waiver-detail"),
    path(WAIVER + "approve/", WaiverRequestApproveApi.as_view(), name="api-waiver-approve"),
    path(WAIVER + "reject/", WaiverRequestRejectApi.as_view(), name="api-waiver-reject"),
]
