"""Seed 001's approval log under ``/api/v1/approval-logs/``: every staff approval, rejection
and reprocess request across all applications, most recent first.

Only staff who see every application and its audit trail (the loan and compliance officer
groups, :func:`loans.selectors.user_may_read_approval_log`) may read it; customers,
integrators and other staff get 403. A page is ``{"count", "next", "previous",
"approval_logs": [...]}`` (:mod:`smartbank.pagination`).
"""

from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from smartbank.api import ERROR_SCHEMA
from smartbank.pagination import LimitOffsetQuerySerializer, PageSerializer, paginated_response

from ..models import ApprovalAction, ApprovalLogEntry, ApprovalStep
from ..selectors import approval_log, user_may_read_approval_log


class MayReadApprovalLog(permissions.BasePermission):
    message = "Only loan and compliance staff can read the approval log."

    def has_permission(self, request: Request, view: Any) -> bool:
        return user_may_read_approval_log(user=request.user)


class ApprovalLogEntrySerializer(serializers.Serializer):
    """One decision of :func:`loans.selectors.approval_log`."""

    class Meta:
        ref_name = "ApprovalLogEntry"

    id = serializers.IntegerField(help_text="The audit event's id")
    application_id = serializers.CharField(source="application.application_id")
    action = serializers.ChoiceField(choices=ApprovalAction.choices, source="log_action")
    step = serializers.ChoiceField(
        choices=ApprovalStep.choices,
        source="log_step",
        help_text="MAKER: first of two approvals above the product's four-eyes amount; "
        "CHECKER: the approval or rejection that followed one; SINGLE: a decision of one "
        "officer.",
    )
    officer = serializers.EmailField(source="actor.email")
    officer_name = serializers.CharField(source="actor.full_name")
    maker = serializers.EmailField(
        source="log_maker_email",
        allow_null=True,
        help_text="The maker whose first approval a CHECKER entry followed, else null",
    )
    reason = serializers.CharField(
        source="log_reason", help_text="The approval's note or the rejection's reason"
    )
    created_at = serializers.DateTimeField()


class ApprovalLogListApi(APIView):
    """``GET``: a page of the approval log, most recent first; ``?application_id=LOAN-...``,
    ``&action=APPROVE|REJECT|REPROCESS``, ``&step=MAKER|CHECKER|SINGLE``,
    ``&officer=<email>``, ``&date_from=&date_to=`` (inclusive dates, local time),
    ``&limit=`` (1-1000, default 100) ``&offset=``."""

    permission_classes = [permissions.IsAuthenticated, MayReadApprovalLog]

    class FilterSerializer(LimitOffsetQuerySerializer):
        application_id = serializers.CharField(required=False, max_length=22)
        action = serializers.ChoiceField(choices=ApprovalAction.choices, required=False)
        step = serializers.ChoiceField(choices=ApprovalStep.choices, required=False)
        officer = serializers.EmailField(required=False, help_text="The acting officer's email")
        date_from = serializers.DateField(required=False, help_text="From this date (local)")
        date_to = serializers.DateField(required=False, help_text="To this date, inclusive")

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            start, end = attrs.get("date_from"), attrs.get("date_to")
            if start and end and start > end:
                raise serializers.ValidationError({"date_to": ["Must not be before date_from."]})
            return attrs

    class OutputSerializer(PageSerializer):
        class Meta:
            ref_name = "ApprovalLogPage"

        approval_logs = ApprovalLogEntrySerializer(many=True)

    @extend_schema(
        operation_id="approval_logs_list",
        parameters=[FilterSerializer],
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(ERROR_SCHEMA, description="Invalid filter, limit or offset."),
            401: OpenApiResponse(ERROR_SCHEMA),
            403: OpenApiResponse(ERROR_SCHEMA, description="Not loan or compliance staff."),
        },
    )
    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        entries = approval_log(
            application_id=data.get("application_id"),
            action=data.get("action"),
            step=data.get("step"),
            officer_email=data.get("officer"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

        def serialize(page: list[ApprovalLogEntry]) -> Any:
            return ApprovalLogEntrySerializer(page, many=True).data

        return paginated_response(
            request=request, queryset=entries, results_key="approval_logs", serialize=serialize
        )


urlpatterns = [
    path("approval-logs/", ApprovalLogListApi.as_view(), name="api-approval-log-list"),
]
