"""Loans API (issue #4, the original loan workflow's endpoints under ``/api/v1/``).

Any authenticated API user may submit an application (an integrator; a registered customer's
submission is theirs and uses their verified KYC). Customers and integrators see only the
applications they are the customer or the submitter of (others answer 404); loan and
compliance officers see all; loan officers approve, reject and reprocess (others 403).
Errors are ``{"detail", "code", "errors": {field: [message]}}``; 404 ``{"detail", "code":
"not_found"}``. Lists are pages ``{"count", "next", "previous", "applications": [...]}``.
"""

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from smartbank.api import ERROR_SCHEMA, NOT_FOUND_RESPONSE
from smartbank.celery import app as celery_app
from smartbank.idempotency import IDEMPOTENCY_KEY_PARAMETER, IDEMPOTENCY_RESPONSES, idempotent
from smartbank.pagination import LimitOffsetQuerySerializer, PageSerializer, paginated_response

from .. import rules
from ..models import LoanApplication, Region, StageStatus
from ..pipeline import product_rules
from ..selectors import (
    customer_profile_for,
    loan_application_events,
    loan_application_get,
    loan_application_list,
    loan_application_pending,
    loan_product_default,
    loan_product_get,
    user_sees_all_applications,
)
from ..services import (
    loan_application_approve,
    loan_application_reject,
    loan_application_reprocess,
    loan_application_submit,
)
from .examples import (
    APPROVE_EXAMPLES,
    DETAIL_EXAMPLES,
    ELIGIBILITY_EXAMPLES,
    REJECT_EXAMPLES,
    SUBMIT_EXAMPLES,
)
from .serializers import (
    FieldsBuiltOnce,
    LoanApplicationEventSerializer,
    LoanApplicationEventStaffSerializer,
    LoanApplicationResponseSerializer,
    LoanApplicationSerializer,
    LoanApplicationStaffSerializer,
    money_field,
)

DECIDED_MESSAGE = "Loan application submitted and processed successfully"
QUEUED_MESSAGE = "Loan application submitted; verification is in progress"


def _application_serializer(request: Request) -> type[LoanApplicationSerializer]:
    return (
        LoanApplicationStaffSerializer
        if user_sees_all_applications(user=request.user)
        else LoanApplicationSerializer
    )


def _application_body(request: Request, application: LoanApplication) -> dict:
    return _application_serializer(request)(application).data


def _application_page(request: Request, applications: QuerySet[LoanApplication]) -> Response:
    """A page of applications, ``{"count", "next", "previous", "applications": [...]}``."""
    serializer = _application_serializer(request)
    return paginated_response(
        request=request,
        queryset=applications,
        results_key="applications",
        serialize=lambda page: serializer(page, many=True).data,
    )


APPLICATION_RESPONSE = LoanApplicationResponseSerializer


class LoanApplicationListCreateApi(APIView):
    """``POST``: submit an application; 201 ``{"message", "application"}``,
    400 with field errors, 409 ``DUPLICATE_APPLICATION``. ``GET``: a page of the applications
    the caller may see, newest first, ``?status=PENDING|APPROVED|REJECTED&region=APAC``,
    ``&limit=`` (1-1000, default 100) ``&offset=``; ``count`` is the total."""

    class InputSerializer(FieldsBuiltOnce, serializers.Serializer):
        class Meta:
            ref_name = "LoanApplicationSubmit"

        name = serializers.CharField(max_length=150)
        email = serializers.CharField(max_length=254)
        phone = serializers.CharField(max_length=32)
        region = serializers.ChoiceField(
            choices=Region.choices,
            required=False,
            help_text="Optional: the stored region is the country's (APAC, EMEA or AMERICAS)",
        )
        country = serializers.CharField(max_length=100, help_text="Name or ISO 3166 code")
        income = money_field(min_value=0, help_text="Annual income, INR")
        debt = money_field(min_value=0)
        credit_score = serializers.IntegerField(min_value=300, max_value=900)
        loan_amount = money_field(min_value=1)
        loan_purpose = serializers.CharField(max_length=200)
        documents_uploaded = serializers.BooleanField(default=False)
        documents = serializers.ListField(
            child=serializers.CharField(max_length=100), default=list, max_length=20
        )
        product = serializers.SlugField(required=False, help_text="Loan product code")
        tenure_months = serializers.IntegerField(required=False, min_value=1)
        date_of_birth = serializers.DateField(required=False, allow_null=True)

    class ListFilterSerializer(LimitOffsetQuerySerializer):
        status = serializers.ChoiceField(choices=StageStatus.choices, required=False)
        region = serializers.ChoiceField(choices=Region.choices, required=False)

    class ListOutputSerializer(PageSerializer):
        class Meta:
            ref_name = "LoanApplicationList"

        applications = LoanApplicationSerializer(many=True)

    @extend_schema(
        operation_id="loan_applications_list",
        parameters=[ListFilterSerializer],
        responses={200: ListOutputSerializer, 400: OpenApiResponse(ERROR_SCHEMA)},
    )
    def get(self, request: Request) -> Response:
        filters = self.ListFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        applications = loan_application_list(
            viewer=request.user,
            status=filters.validated_data.get("status"),
            region=filters.validated_data.get("region"),
        )
        return _application_page(request, applications)

    @extend_schema(
        request=InputSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        examples=SUBMIT_EXAMPLES,
        responses={
            201: APPLICATION_RESPONSE,
            400: OpenApiResponse(ERROR_SCHEMA, description="Missing or invalid fields."),
            409: OpenApiResponse(ERROR_SCHEMA, description="Duplicate open application."),
            **IDEMPOTENCY_RESPONSES,
        },
    )
    @idempotent
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        product = None
        if "product" in data:
            product = loan_product_get(code=data.pop("product"))
            if product is None:
                raise serializers.ValidationError({"product": ["Unknown loan product."]})
        is_customer = not request.user.is_staff and customer_profile_for(user=request.user)
        application = loan_application_submit(
            submitted_by=request.user,
            customer=request.user if is_customer else None,
            product=product,
            **data,
        )
        if celery_app.conf.task_always_eager:
            # The checks ran inside this request (tests, make dev without a worker); otherwise
            # they start after the commit, and the answer is the submitted application as it
            # is, without a query to read it back (issue 13).
            application.refresh_from_db()
        message = DECIDED_MESSAGE if not application.is_open else QUEUED_MESSAGE
        return Response(
            {"message": message, "application": _application_body(request, application)},
            status=status.HTTP_201_CREATED,
        )


class LoanApplicationPendingApi(APIView):
    """A page of the applications awaiting a staff decision (status REVIEW), oldest first,
    ``?limit=&offset=`` as the list."""

    @extend_schema(
        parameters=[LimitOffsetQuerySerializer],
        responses={
            200: LoanApplicationListCreateApi.ListOutputSerializer,
            400: OpenApiResponse(ERROR_SCHEMA),
        },
    )
    def get(self, request: Request) -> Response:
        return _application_page(request, loan_application_pending(viewer=request.user))


class LoanApplicationDetailApi(APIView):
    """One application and the status of each verification stage; 404 when the caller may not
    see it."""

    @extend_schema(
        operation_id="loan_applications_retrieve",
        examples=DETAIL_EXAMPLES,
        responses={200: LoanApplicationSerializer, 404: NOT_FOUND_RESPONSE},
    )
    def get(self, request: Request, application_id: str) -> Response:
        application = loan_application_get(application_id=application_id, viewer=request.user)
        if application is None:
            raise Http404
        return Response(_application_body(request, application))


INVALID_INPUT = OpenApiResponse(ERROR_SCHEMA, description="Invalid fields or Idempotency-Key.")
_DECISION_RESPONSES = {
    200: APPLICATION_RESPONSE,
    403: OpenApiResponse(ERROR_SCHEMA, description="Not a loan officer, or own application."),
    404: NOT_FOUND_RESPONSE,
    409: OpenApiResponse(
        ERROR_SCHEMA,
        description="Not awaiting review (e.g. decided a moment ago by another officer), or "
        "the maker of a four-eyes approval approving again (SAME_APPROVER).",
    ),
}


class LoanApplicationApproveApi(APIView):
    """Approve an application in review. Above the product's four-eyes amount the first call
    records the maker and a second officer's call approves; body ``{"note": "..."}``
    optional."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "LoanApplicationApprove"

        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        request=InputSerializer,
        examples=APPROVE_EXAMPLES,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={**_DECISION_RESPONSES, 400: INVALID_INPUT, **IDEMPOTENCY_RESPONSES},
    )
    @idempotent
    def post(self, request: Request, application_id: str) -> Response:
        application = loan_application_get(application_id=application_id, viewer=request.user)
        if application is None:
            raise Http404
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = loan_application_approve(
            loan_application_id=application.pk,
            actor=request.user,
            reason=serializer.validated_data["note"],
        )
        message = (
            "Application approved"
            if application.status == LoanApplication.Status.APPROVED
            else "First approval recorded; a second loan officer must approve"
        )
        return Response(
            {"message": message, "application": _application_body(request, application)}
        )


class LoanApplicationRejectApi(APIView):
    """Reject an application in review with ``{"reason": "..."}`` (sent to the applicant)."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "LoanApplicationReject"

        reason = serializers.CharField(max_length=1000)

    @extend_schema(
        request=InputSerializer,
        examples=REJECT_EXAMPLES,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={**_DECISION_RESPONSES, 400: INVALID_INPUT, **IDEMPOTENCY_RESPONSES},
    )
    @idempotent
    def post(self, request: Request, application_id: str) -> Response:
        application = loan_application_get(application_id=application_id, viewer=request.user)
        if application is None:
            raise Http404
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = loan_application_reject(
            loan_application_id=application.pk,
            actor=request.user,
            reason=serializer.validated_data["reason"],
        )
        return Response(
            {
                "message": "Application rejected",
                "application": _application_body(request, application),
            }
        )


class LoanApplicationReprocessApi(APIView):
    """Run the verification stages again (an application in review, or rejected by the
    automatic checks)."""

    @extend_schema(request=None, responses=_DECISION_RESPONSES)
    def post(self, request: Request, application_id: str) -> Response:
        application = loan_application_get(application_id=application_id, viewer=request.user)
        if application is None:
            raise Http404
        application = loan_application_reprocess(
            loan_application_id=application.pk, actor=request.user
        )
        application.refresh_from_db()
        message = "Application reprocessed" if not application.is_open else "Reprocessing started"
        return Response(
            {"message": message, "application": _application_body(request, application)}
        )


class LoanApplicationEventsApi(APIView):
    """The audit trail, most recent first. Staff also see who acted and the event data."""

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "LoanApplicationEvents"

        application_id = serializers.CharField()
        events = LoanApplicationEventStaffSerializer(many=True)

    @extend_schema(responses={200: OutputSerializer, 404: NOT_FOUND_RESPONSE})
    def get(self, request: Request, application_id: str) -> Response:
        application = loan_application_get(application_id=application_id, viewer=request.user)
        if application is None:
            raise Http404
        serializer = (
            LoanApplicationEventStaffSerializer
            if user_sees_all_applications(user=request.user)
            else LoanApplicationEventSerializer
        )
        events = serializer(loan_application_events(application=application), many=True).data
        return Response({"application_id": application.application_id, "events": events})


class LoanEligibilityCheckApi(APIView):
    """A quick eligibility check of income, debt and credit score: nothing is stored.

    Applies the product's DTI, credit score and minimum income rules (and, with
    ``loan_amount``, the income multiple and maximum loan rules); answers ``{"name", "email",
    "eligible", "status", "dti_ratio", "reasons", "checks"}``.
    """

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "LoanEligibilityCheck"

        name = serializers.CharField(max_length=150)
        email = serializers.EmailField()
        income = money_field(min_value=0)
        debt = money_field(min_value=0)
        credit_score = serializers.IntegerField(min_value=300, max_value=900)
        loan_amount = money_field(min_value=1, required=False)
        product = serializers.SlugField(required=False)

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "LoanEligibilityVerdict"

        class CheckSerializer(serializers.Serializer):
            class Meta:
                ref_name = "LoanEligibilityRuleCheck"

            code = serializers.CharField()
            outcome = serializers.CharField()
            detail = serializers.CharField()

        name = serializers.CharField()
        email = serializers.EmailField()
        eligible = serializers.BooleanField()
        status = serializers.CharField()
        dti_ratio = serializers.DecimalField(
            max_digits=18, decimal_places=3, coerce_to_string=False, allow_null=True
        )
        reasons = serializers.ListField(child=serializers.CharField())
        checks = CheckSerializer(many=True)

    @extend_schema(
        request=InputSerializer,
        examples=ELIGIBILITY_EXAMPLES,
        responses={200: OutputSerializer, 400: OpenApiResponse(ERROR_SCHEMA)},
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "product" in data:
            product = loan_product_get(code=data["product"])
        else:
            product = loan_product_default()
        if product is None:
            raise serializers.ValidationError({"product": ["Unknown loan product."]})
        result = rules.eligibility(
            income=data["income"],
            debt=data["debt"],
            credit_score=data["credit_score"],
            loan_amount=data.get("loan_amount"),
            rules=product_rules(product),
        )
        body = {
            "name": data["name"],
            "email": data["email"],
            "eligible": result.status == rules.APPROVED,
            "status": result.status,
            "dti_ratio": result.data["dti_ratio"],
            "reasons": [c.detail for c in result.checks if c.outcome != rules.PASS],
            "checks": [c.as_dict() for c in result.checks],
        }
        return Response(self.OutputSerializer(body).data)
