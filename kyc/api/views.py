"""Integrator API for seed 004's OCR flow."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from smartbank.forms import read_upload

from ..flows import OCR_FLOW_MAX_BYTES, ocr_flow_start
from ..models import IdType, OcrFlow


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
        id_type = serializers.ChoiceField(choices=IdType.choices, required=False, allow_blank=True)

    @extend_schema(request=InputSerializer, responses={202: OcrFlowOutputSerializer})
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

    @extend_schema(responses={200: OcrFlowOutputSerializer, 404: OpenApiResponse()})
    def get(self, request, flow_id):  # noqa: ANN001, ANN201
        qs = (
            OcrFlow.objects.all()
            if request.user.is_staff
            else OcrFlow.objects.filter(user=request.user)
        )
        flow = qs.filter(pk=flow_id).first()
        if flow is None:
            return Response({"detail": "Not found.", "code": "not_found"}, status=404)
        return Response(OcrFlowOutputSerializer(flow).data)
