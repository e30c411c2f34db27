"""Integrator API of ``kyc``: one KYC case (``GET /api/v1/kyc/cases/{kyc_case_id}/``) and
the OCR flow (``POST /api/v1/kyc/ocr/``, ``GET /api/v1/kyc/flows/{flow_id}/``).

A case or flow that is not the caller's (staff: any) answers 404 ``{"detail", "code"}``.
"""

from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from smartbank.api import ERROR_SCHEMA, NOT_FOUND_RESPONSE
from smartbank.forms import read_upload

from ..flows import OCR_FLOW_ID_TYPES, OCR_FLOW_MAX_BYTES, ocr_flow_start
from ..models import OcrFlow
from ..selectors import kyc_case_get
from .examples import CASE_EXAMPLES, OCR_FLOW_CREATE_EXAMPLES, OCR_FLOW_DETAIL_EXAMPLES
from .serializers import KycCaseOutputSerializer


class KycCaseDetailApi(APIView):
    """One KYC case, for ever: its status, attempt, reasons and checks.

    The id is the ``kyc_case_id`` that ``POST /api/v1/registrations/`` answered (or that
    ``GET /api/v1/registrations/{id}/`` reports); a resubmission opens a new case with a new
    id, so this URL keeps describing the submission it names. The owner's JWT or staff; any
    other caller gets 404.
    """

    OutputSerializer = KycCaseOutputSerializer

    @extend_schema(
        examples=CASE_EXAMPLES, responses={200: OutputSerializer, 404: NOT_FOUND_RESPONSE}
    )
    def get(self, request: Request, kyc_case_id: Any) -> Response:
        case = kyc_case_get(kyc_case_id=kyc_case_id, viewer=request.user)
        if case is None:
            raise Http404
        return Response(self.OutputSerializer(case).data)


class OcrFlowOutputSerializer(serializers.Serializer):
    class TaskSerializer(serializers.Serializer):
        name = serializers.CharField()
        status = serializers.CharField()
        error = serializers.CharField()
        finished_at = serializers.DateTimeField(allow_null=True)

    flow_id = serializers.UUIDField(source="id")
    status = serializers.CharField()
    id_type = serializers.CharField()
    tasks = TaskSerializer(many=True, source="tasks.all")
    record = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_record(self, flow: OcrFlow) -> dict | None:
        if flow.status != OcrFlow.Status.COMPLETED:
            return None
        return {
            "name": flow.extracted_name,
            "date_of_birth": flow.extracted_date_of_birth,
            "ocr_confidence": flow.ocr_confidence,
        }


class OcrFlowCreateApi(APIView):
    """Upload one ID image; OCR, extraction of name and DOB, and saving run as a flow."""

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "OcrFlowCreateInput"

        document = serializers.FileField()
        id_type = serializers.ChoiceField(
            choices=[(t.value, t.label) for t in OCR_FLOW_ID_TYPES],
            required=False,
            allow_blank=True,
        )

    @extend_schema(
        request=InputSerializer,
        examples=OCR_FLOW_CREATE_EXAMPLES,
        responses={
            202: OcrFlowOutputSerializer,
            400: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="OcrFlowRejected",
                    serializers=[ERROR_SCHEMA, OcrFlowOutputSerializer],
                    resource_type_field_name=None,
                ),
                description="Invalid fields, or the file refused: the flow, FAILED at upload.",
            ),
        },
    )
    def post(self, request):  # noqa: ANN001, ANN201
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        flow = ocr_flow_start(
            user=request.user,
            data=read_upload(data["document"], field="document", max_bytes=OCR_FLOW_MAX_BYTES),
            id_type=data.get("id_type", ""),
        )
        code = status.HTTP_202_ACCEPTED if flow.status != OcrFlow.Status.FAILED else 400
        return Response(OcrFlowOutputSerializer(flow).data, status=code)


class OcrFlowDetailApi(APIView):
    """A flow with each task's status and error (the owner, or staff)."""

    @extend_schema(
        examples=OCR_FLOW_DETAIL_EXAMPLES,
        responses={200: OcrFlowOutputSerializer, 404: NOT_FOUND_RESPONSE},
    )
    def get(self, request, flow_id):  # noqa: ANN001, ANN201
        qs = (
            OcrFlow.objects.all()
            if request.user.is_staff
            else OcrFlow.objects.filter(user=request.user)
        )
        return Response(OcrFlowOutputSerializer(get_object_or_404(qs, pk=flow_id)).data)
