"""``/api/v1/`` routes of the KYC API (included from ``smartbank/urls.py``)."""

from django.urls import path

from .views import KycCaseDetailApi, OcrFlowCreateApi, OcrFlowDetailApi

urlpatterns = [
    path("kyc/cases/<uuid:kyc_case_id>/", KycCaseDetailApi.as_view(), name="api-kyc-case-detail"),
    path("kyc/ocr/", OcrFlowCreateApi.as_view(), name="api-kyc-ocr"),
    path("kyc/flows/<uuid:flow_id>/", OcrFlowDetailApi.as_view(), name="api-kyc-flow"),
]
