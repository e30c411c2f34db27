"""Staff dashboard API (issue #4, seed 001's response shapes) under ``/api/v1/dashboard/``.

``overview/``, ``by-region/``, ``by-country/``, ``verification-stats/``,
``financial-metrics/``, ``timeline/?days=30`` and ``funnel/`` (the stage funnel of the dashboard
page). Only loan and compliance staff (``loans.view_loanapplication``) may read them: anyone else
gets 403. Each answer is one aggregate query of :mod:`loans.dashboards`; amounts are JSON
numbers in INR, rates percentages.
"""

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from smartbank.api import ERROR_SCHEMA

from .. import dashboards
from ..selectors import user_sees_all_applications

TAG = "dashboard"


class IsLoanStaff(permissions.BasePermission):
    """Staff who see every application: the loan and compliance officer groups, superusers."""

    message = "Only loan and compliance staff can see the dashboards."

    def has_permission(self, request: Request, view: Any) -> bool:
        return user_sees_all_applications(user=request.user)


def _money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=False, **kwargs
    )


class _DashboardApi(APIView):
    permission_classes = [permissions.IsAuthenticated, IsLoanStaff]


_ERRORS = {401: ERROR_SCHEMA, 403: ERROR_SCHEMA}


class DashboardOverviewApi(_DashboardApi):
    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "DashboardOverview"

        total_applications = serializers.IntegerField()
        approved = serializers.IntegerField()
        rejected = serializers.IntegerField()
        pending = serializers.IntegerField()
        approval_rate = serializers.FloatField(help_text="approved / total, % (2 places)")

    @extend_schema(tags=[TAG], responses={200: OutputSerializer, **_ERRORS})
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(dashboards.dashboard_overview()).data)


class DashboardByRegionApi(_DashboardApi):
    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "DashboardByRegion"

        class RegionSerializer(serializers.Serializer):
            class Meta:
                ref_name = "DashboardRegion"

            region = serializers.CharField()
            total = serializers.IntegerField()
            approved = serializers.IntegerField()
            rejected = serializers.IntegerField()
            pending = serializers.IntegerField()

        regions = RegionSerializer(many=True)

    @extend_schema(tags=[TAG], responses={200: OutputSerializer, **_ERRORS})
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(dashboards.dashboard_by_region()).data)


class DashboardByCountryApi(_DashboardApi):
    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "DashboardByCountry"

        class CountrySerializer(serializers.Serializer):
            class Meta:
                ref_name = "DashboardCountry"

            country = serializers.CharField()
            region = serializers.CharField()
            total = serializers.IntegerField()
            approved = serializers.IntegerField()
            rejected = serializers.IntegerField()

        countries = CountrySerializer(many=True)

    @extend_schema(tags=[TAG], responses={200: OutputSerializer, **_ERRORS})
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(dashboards.dashboard_by_country()).data)


class DashboardVerificationStatsApi(_DashboardApi):
    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "DashboardVerificationStats"

        class StageSerializer(serializers.Serializer):
            class Meta:
                ref_name = "DashboardStage"

            approved = serializers.IntegerField()
            rejected = serializers.IntegerField()
            pass_rate = serializers.FloatField(help_text="approved / (approved + rejected), %")

        class ComplianceSerializer(StageSerializer):
            class Meta:
                ref_name = "DashboardComplianceStage"

            political_connections = serializers.IntegerField()
            senior_relatives = serializers.IntegerField()

        kyc = StageSerializer()
        compliance = ComplianceSerializer()
        eligibility = StageSerializer()

    @extend_schema(tags=[TAG], responses={200: OutputSerializer, **_ERRORS})
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(dashboards.dashboard_verification_stats()).data)


class DashboardFinancialMetricsApi(_DashboardApi):
    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "DashboardFinancialMetrics"

        average_credit_score = serializers.DecimalField(
            max_digits=6, decimal_places=2, coerce_to_string=False, allow_null=True
        )
        average_dti_ratio = serializers.DecimalField(
            max_digits=18, decimal_places=3, coerce_to_string=False, allow_null=True
        )
        average_loan_amount = _money(allow_null=True)
        total_loan_amount = _money()
        average_income = _money(allow_null=True)

    @extend_schema(
        tags=[TAG],
        description="Over APPROVED applications; amounts in INR; averages null when none.",
        responses={200: OutputSerializer, **_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(dashboards.dashboard_financial_metrics()).data)


class DashboardTimelineApi(_DashboardApi):
    class InputSerializer(serializers.Serializer):
        days = serializers.IntegerField(
            min_value=1,
            max_value=dashboards.TIMELINE_MAX_DAYS,
            default=dashboards.TIMELINE_DEFAULT_DAYS,
            help_text=f"Days up to today (1-{dashboards.TIMELINE_MAX_DAYS}, default 30)",
        )

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "DashboardTimeline"

        class DaySerializer(serializers.Serializer):
            class Meta:
                ref_name = "DashboardTimelineDay"

            date = serializers.CharField(help_text="YYYY-MM-DD, the bank's local date")
            total = serializers.IntegerField()
            approved = serializers.IntegerField()
            rejected = serializers.IntegerField()

        timeline = DaySerializer(many=True)

    @extend_schema(
        tags=[TAG],
        parameters=[InputSerializer],  # the bounds it checks, in the schema
        responses={200: OutputSerializer, 400: ERROR_SCHEMA, **_ERRORS},
    )
    def get(self, request: Request) -> Response:
        params = self.InputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = dashboards.dashboard_timeline(days=params.validated_data["days"])
        return Response(self.OutputSerializer(data).data)


class DashboardFunnelApi(_DashboardApi):
    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "DashboardFunnel"

        class StepSerializer(serializers.Serializer):
            class Meta:
                ref_name = "DashboardFunnelStep"

            stage = serializers.CharField()
            label = serializers.CharField()
            count = serializers.IntegerField()

        stages = StepSerializer(many=True)

    @extend_schema(
        tags=[TAG],
        description="Applications that passed each stage and all before it, then APPROVED.",
        responses={200: OutputSerializer, **_ERRORS},
    )
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(dashboards.dashboard_funnel()).data)


urlpatterns = [
    path("dashboard/overview/", DashboardOverviewApi.as_view(), name="api-dashboard-overview"),
    path("dashboard/by-region/", DashboardByRegionApi.as_view(), name="api-dashboard-by-region"),
    path("dashboard/by-country/", DashboardByCountryApi.as_view(), name="api-dashboard-by-country"),
    path(
        "dashboard/verification-stats/",
        DashboardVerificationStatsApi.as_view(),
        name="api-dashboard-verification-stats",
    ),
    path(
        "dashboard/financial-metrics/",
        DashboardFinancialMetricsApi.as_view(),
        name="api-dashboard-financial-metrics",
    ),
    path("dashboard/timeline/", DashboardTimelineApi.as_view(), name="api-dashboard-timeline"),
    path("dashboard/funnel/", DashboardFunnelApi.as_view(), name="api-dashboard-funnel"),
]
