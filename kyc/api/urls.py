from django.urls import path

from .views import OcrFlowCreateApi, OcrFlowDetailApi

urlpatterns = [
    path("kyc/ocr/", OcrFlowCreateApi.as_view(), name="api-kyc-ocr"),
    path("kyc/flows/<uuid:flow_id>/", OcrFlowDetailApi.as_view(), name="api-kyc-flow"),
]
