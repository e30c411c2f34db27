"""Waivers API (issue #5) under ``/api/v1/waivers/``.

A customer asks for a waiver on one of their approved loans with a multipart ``POST`` and
follows it with ``GET``; another customer's waiver answers 404. Waiver officers (staff with
``waivers.decide_waiverrequest``) approve and reject; anybody else gets 403. Amounts are INR
strings with 2 decimal places (``"25000.00"``). Errors are
``{"detail", "code", "errors": {field: [message]}}``; 404 ``{"detail", "code": "not_found"}``.
"""

from typing import Any

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from smartbank.api import ERROR_SCHEMA, NOT_FOUND_RESPONSE
from smartbank.errors import NotAllowed
from smartbank.forms import read_upload
from smartbank.idempotency import IDEMPOTENCY_KEY_PARAMETER, IDEMPOTENCY_RESPONSES, idempotent
from smartbank.pagination import LimitOffsetQuerySerializer, PageSerializer, paginated_response

from ..models import WaiverRequest
from ..selectors import (
    certificate_type_get,
    loan_waivable_get,
    user_may_decide_waivers,
    waiver_request_get,
    waiver_request_list_for_customer,
    waiver_type_get,
)
from ..services import (
    waiver_request_approve,
    waiver_request_reject,
    waiver_request_submit,
)
from .examples import APPROVE_EXAMPLES, DETAIL_EXAMPLES, REJECT_EXAMPLES, SUBMIT_EXAMPLES


def _money_field(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


class WaiverRequestOutputSerializer(serializers.Serializer):
    """A waiver request with its checks and reasons, as its owner (or staff) sees it."""

    class Meta:
        ref_name = "WaiverRequest"

    class TypeSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WaiverRequestType"

        code = serializers.CharField()
        name = serializers.CharField()

    class CheckSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WaiverRequestCheck"

        name = serializers.CharField()
        status = serializers.CharField()
        code = serializers.CharField()
        detail = serializers.CharField(source="customer_detail")

    class ReasonSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WaiverRequestReason"

        code = serializers.CharField()
        message = serializers.CharField()

    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=WaiverRequest.Status.choices)
    loan = serializers.CharField(source="loan.application_id")
    waiver_type = TypeSerializer()
    certificate_type = TypeSerializer()
    certificate_number = serializers.CharField()
    requested_amount = _money_field(allow_null=True)
    requested_percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    amount = _money_field()
    currency = serializers.SerializerMethodField()
    outstanding_at_request = _money_field()
    checks = CheckSerializer(many=True, source="checks.all")
    reasons = ReasonSerializer(many=True)
    awaiting_second_approval = serializers.BooleanField()
    submitted_at = serializers.DateTimeField(source="created_at")
    decided_at = serializers.DateTimeField(allow_null=True)

    def get_currency(self, waiver: WaiverRequest) -> str:
        return "INR"


class WaiverRequestListCreateApi(APIView):
    """``GET``: a page of the caller's own waiver requests, newest first, ``{"count", "next",
    "previous", "waivers": [...]}`` (``?limit=`` 1-1000, default 100, ``?offset=``); 400 for a
    bad limit or offset. ``POST`` (multipart): ask for a
    waiver; 201 with the PENDING request (verification runs in the background), 400 with field
    errors (``LOAN_NOT_ELIGIBLE``, ``CERTIFICATE_NOT_ALLOWED``, ``CERTIFICATE_NUMBER_FORMAT``,
    ``WAIVER_EXCEEDS_OUTSTANDING``, ``ABOVE_WAIVER_TYPE_LIMIT``, upload codes...)."""

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WaiverRequestSubmit"

        loan = serializers.CharField(
            max_length=30, help_text="Application ID of an approved loan, LOAN-YYYYMMDD-XXXXXXXX"
        )
        waiver_type = serializers.SlugField(help_text="Waiver type code, e.g. interest")
        certificate_type = serializers.SlugField(help_text="Certificate type code")
        certificate_number = serializers.CharField(max_length=64)
        amount = _money_field(required=False, allow_null=True, help_text="INR; or percent")
        percent = serializers.DecimalField(
            max_digits=5,
            decimal_places=2,
            required=False,
            allow_null=True,
            help_text="Share of what is owed; or amount",
        )
        document = serializers.FileField(help_text="The scanned certificate: JPG, PNG or PDF")

    OutputSerializer = WaiverRequestOutputSerializer

    class ListOutputSerializer(PageSerializer):
        class Meta:
            ref_name = "WaiverRequestList"

        waivers = WaiverRequestOutputSerializer(many=True)

    @extend_schema(
        operation_id="v1_waivers_list",
        parameters=[LimitOffsetQuerySerializer],
        responses={200: ListOutputSerializer, 400: OpenApiResponse(ERROR_SCHEMA)},
    )
    def get(self, request: Request) -> Response:
        return paginated_response(
            request=request,
            queryset=waiver_request_list_for_customer(customer=request.user).prefetch_related(
                "checks"
            ),
            results_key="waivers",
            serialize=lambda page: self.OutputSerializer(page, many=True).data,
        )

    @extend_schema(
        request=InputSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        examples=SUBMIT_EXAMPLES,
        responses={
            201: OutputSerializer,
            400: OpenApiResponse(ERROR_SCHEMA, description="Invalid fields or file."),
            **IDEMPOTENCY_RESPONSES,
        },
    )
    @idempotent
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        waiver = waiver_request_submit(
            customer=request.user,
            loan=loan_waivable_get(customer=request.user, application_id=data["loan"]),
            waiver_type=waiver_type_get(code=data["waiver_type"]),
            certificate_type=certificate_type_get(code=data["certificate_type"]),
            certificate_number=data["certificate_number"],
            amount=data.get("amount"),
            percent=data.get("percent"),
            document=read_upload(
                data["document"], field="document", max_bytes=settings.WAIVER_MAX_UPLOAD_BYTES
            ),
        )
        return Response(self.OutputSerializer(waiver).data, status=status.HTTP_201_CREATED)


class WaiverRequestDetailApi(APIView):
    """One waiver request with its status, checks and reasons: the caller's own (waiver
    officers and staff who see all waivers: any); 404 otherwise."""

    OutputSerializer = WaiverRequestOutputSerializer

    @extend_schema(
        examples=DETAIL_EXAMPLES, responses={200: OutputSerializer, 404: NOT_FOUND_RESPONSE}
    )
    def get(self, request: Request, waiver_id: Any) -> Response:
        waiver = waiver_request_get(waiver_request_id=waiver_id, viewer=request.user)
        if waiver is None:
            raise Http404
        return Response(self.OutputSerializer(waiver).data)


def _decidable(request: Request, waiver_id: Any) -> WaiverRequest:
    """The waiver a waiver officer is about to decide. Raises :class:`NotAllowed` (403
    ``FORBIDDEN``) for anyone else, before the id is looked at, and ``Http404``."""
    if not user_may_decide_waivers(user=request.user):
        raise NotAllowed("Only waiver officers decide waiver requests.", code="FORBIDDEN")
    waiver = waiver_request_get(waiver_request_id=waiver_id, viewer=request.user)
    if waiver is None:
        raise Http404
    return waiver


_DECISION_RESPONSES = {
    200: WaiverRequestOutputSerializer,
    400: OpenApiResponse(ERROR_SCHEMA, description="WAIVER_EXCEEDS_OUTSTANDING, no reason."),
    403: OpenApiResponse(ERROR_SCHEMA, description="Not a waiver officer, or their own."),
    404: NOT_FOUND_RESPONSE,
    409: OpenApiResponse(
        ERROR_SCHEMA, description="Already decided, SAME_APPROVER, certificate used."
    ),
}


class WaiverRequestApproveApi(APIView):
    """A waiver officer approves: the amount is debited from the loan's outstanding. Above
    ``WAIVER_FOUR_EYES_AMOUNT`` the first approval is recorded and a second officer completes
    it (the answer then has ``"awaiting_second_approval": true``)."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WaiverRequestApprove"

        note = serializers.CharField(required=False, allow_blank=True, max_length=1000)

    @extend_schema(
        request=InputSerializer,
        examples=APPROVE_EXAMPLES,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={**_DECISION_RESPONSES, **IDEMPOTENCY_RESPONSES},
    )
    @idempotent
    def post(self, request: Request, waiver_id: Any) -> Response:
        waiver = _decidable(request, waiver_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        waiver = waiver_request_approve(
            waiver_request_id=waiver.pk,
            actor=request.user,
            reason=serializer.validated_data.get("note", ""),
        )
        return Response(WaiverRequestOutputSerializer(waiver).data)


class WaiverRequestRejectApi(APIView):
    """A waiver officer rejects with a reason the customer reads."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WaiverRequestReject"

        reason = serializers.CharField(max_length=1000)

    @extend_schema(
        request=InputSerializer,
        examples=REJECT_EXAMPLES,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={**_DECISION_RESPONSES, **IDEMPOTENCY_RESPONSES},
    )
    @idempotent
    def post(self, request: Request, waiver_id: Any) -> Response:
        waiver = _decidable(request, waiver_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        waiver = waiver_request_reject(
            waiver_request_id=waiver.pk,
            actor=request.user,
            reason=serializer.validated_data["reason"],
        )
        return Response(WaiverRequestOutputSerializer(waiver).data)
