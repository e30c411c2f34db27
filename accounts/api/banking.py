"""Integrator API for bank accounts (issue #3).

``GET/POST /api/v1/accounts/``, ``GET /api/v1/accounts/{number}/`` and
``GET /api/v1/accounts/{number}/statement/?from=YYYY-MM-DD&to=YYYY-MM-DD``. Amounts are INR
strings with 2 decimal places (``"1000.00"``). An account that is not the caller's answers 404
``{"detail": "Not found.", "code": "not_found"}``.
"""

from typing import Any

from django.http import Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from smartbank.api import ERROR_SCHEMA, NOT_FOUND_RESPONSE
from smartbank.idempotency import IDEMPOTENCY_KEY_PARAMETER, IDEMPOTENCY_RESPONSES, idempotent
from smartbank.pagination import LimitOffsetQuerySerializer, PageSerializer, paginated_response

from ..models import REQUESTABLE_TYPES, AccountType, BankAccount
from ..selectors import (
    bank_account_fd_maturity,
    bank_account_get,
    bank_account_list,
    bank_account_statement,
)
from ..services import bank_account_request


def _money_field(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


class BankAccountSerializer(serializers.Serializer):
    """An account as the API shows it to its owner."""

    class Meta:
        ref_name = "BankAccount"

    class FixedDepositSerializer(serializers.Serializer):
        class Meta:
            ref_name = "BankAccountFixedDeposit"

        principal = _money_field()
        tenure_months = serializers.IntegerField()
        annual_rate_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
        maturity_date = serializers.DateField()
        maturity_amount = _money_field()

    number = serializers.CharField()
    account_type = serializers.ChoiceField(choices=AccountType.choices)
    status = serializers.ChoiceField(choices=BankAccount.Status.choices)
    balance = _money_field()
    currency = serializers.CharField()
    requested_at = serializers.DateTimeField()
    opened_at = serializers.DateTimeField(allow_null=True)
    rejection_reason = serializers.CharField(allow_blank=True)
    fixed_deposit = FixedDepositSerializer(allow_null=True)


def _account_body(account: BankAccount) -> dict[str, Any]:
    maturity = bank_account_fd_maturity(account=account)
    return {
        "number": account.number,
        "account_type": account.account_type,
        "status": account.status,
        "balance": account.balance,
        "currency": "INR",
        "requested_at": account.created_at,
        "opened_at": account.opened_at,
        "rejection_reason": account.rejection_reason,
        "fixed_deposit": None
        if maturity is None
        else {
            "principal": account.fd_principal,
            "tenure_months": account.fd_tenure_months,
            "annual_rate_percent": account.fd_rate_percent,
            "maturity_date": maturity.date,
            "maturity_amount": maturity.amount,
        },
    }


class BankAccountListCreateApi(APIView):
    """The caller's accounts (GET), or a request for a new one (POST, onboarded customers).

    GET answers a page, newest first: ``{"count", "next", "previous", "accounts": [...]}``
    (``?limit=`` 1-1000, default 100, ``?offset=``); 400 for a bad limit or offset.

    POST answers 201 with the REQUESTED account; staff open it; 409 ``DUPLICATE_REQUEST`` while
    an identical request awaits staff. An ``Idempotency-Key`` header replays the first answer
    (:mod:`smartbank.idempotency`). 403 ``{"detail", "code"}`` with
    code ``NOT_A_CUSTOMER``, ``CONTACT_NOT_VERIFIED`` or ``KYC_NOT_VERIFIED`` for a caller who
    is not onboarded; 400 with field errors for bad terms (``BELOW_MINIMUM``, ``NO_FD_RATE``...).
    """

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "BankAccountOpen"  # the schema appends "Request"

        account_type = serializers.ChoiceField(
            choices=[(t.value, t.label) for t in REQUESTABLE_TYPES]
        )
        fd_amount = _money_field(required=False, allow_null=True, min_value=0)
        fd_tenure_months = serializers.IntegerField(required=False, allow_null=True, min_value=1)

    OutputSerializer = BankAccountSerializer

    class ListOutputSerializer(PageSerializer):
        class Meta:
            ref_name = "BankAccountList"

        accounts = BankAccountSerializer(many=True)

    @extend_schema(
        operation_id="v1_accounts_list",
        parameters=[LimitOffsetQuerySerializer],
        responses={200: ListOutputSerializer, 400: OpenApiResponse(ERROR_SCHEMA)},
    )
    def get(self, request: Request) -> Response:
        return paginated_response(
            request=request,
            queryset=bank_account_list(user=request.user),
            results_key="accounts",
            serialize=lambda page: (
                self.OutputSerializer([_account_body(a) for a in page], many=True).data
            ),
        )

    @extend_schema(
        request=InputSerializer,
        parameters=[IDEMPOTENCY_KEY_PARAMETER],
        responses={
            201: OutputSerializer,
            400: OpenApiResponse(ERROR_SCHEMA, description="Invalid type, amount or tenure."),
            403: OpenApiResponse(ERROR_SCHEMA, description="The caller is not onboarded."),
            409: OpenApiResponse(
                ERROR_SCHEMA,
                description="DUPLICATE_REQUEST: the same request is already awaiting staff.",
            ),
            **IDEMPOTENCY_RESPONSES,
        },
    )
    @idempotent
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        account = bank_account_request(
            user=request.user,
            account_type=data["account_type"],
            fd_amount=data.get("fd_amount"),
            fd_tenure_months=data.get("fd_tenure_months"),
        )
        return Response(
            self.OutputSerializer(_account_body(account)).data, status=status.HTTP_201_CREATED
        )


class BankAccountDetailApi(APIView):
    """One of the caller's accounts; 404 for any other number."""

    OutputSerializer = BankAccountSerializer

    @extend_schema(responses={200: OutputSerializer, 404: NOT_FOUND_RESPONSE})
    def get(self, request: Request, number: str) -> Response:
        account = bank_account_get(user=request.user, number=number)
        if account is None:
            raise Http404
        return Response(self.OutputSerializer(_account_body(account)).data)


class BankAccountStatementApi(APIView):
    """Ledger entries of one of the caller's accounts between two local dates (inclusive).

    ``opening_balance`` is the balance before ``from``; ``closing_balance`` after the last
    entry shown. 404 for an account that is not the caller's; 400 for malformed dates or
    ``from`` after ``to``.
    """

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "BankAccountStatementQuery"

        def get_fields(self) -> dict[str, serializers.Field]:
            # "from" is a Python keyword, so the fields cannot be class attributes.
            return {
                "from": serializers.DateField(required=False, input_formats=["%Y-%m-%d"]),
                "to": serializers.DateField(required=False, input_formats=["%Y-%m-%d"]),
            }

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if attrs.get("from") and attrs.get("to") and attrs["from"] > attrs["to"]:
                raise serializers.ValidationError({"to": ["The end date is before the start."]})
            return attrs

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "BankAccountStatement"

        class EntrySerializer(serializers.Serializer):
            class Meta:
                ref_name = "LedgerEntry"

            created_at = serializers.DateTimeField()
            entry_type = serializers.ChoiceField(choices=["CREDIT", "DEBIT"])
            amount = _money_field()
            balance_after = _money_field()
            narration = serializers.CharField()
            reference = serializers.CharField(allow_blank=True)

        account_number = serializers.CharField()
        currency = serializers.CharField()
        date_from = serializers.DateField(allow_null=True)
        date_to = serializers.DateField(allow_null=True)
        opening_balance = _money_field()
        closing_balance = _money_field()
        entries = EntrySerializer(many=True)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="YYYY-MM-DD, inclusive"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="YYYY-MM-DD, inclusive"),
        ],
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(ERROR_SCHEMA, description="Malformed dates."),
            404: NOT_FOUND_RESPONSE,
        },
    )
    def get(self, request: Request, number: str) -> Response:
        account = bank_account_get(user=request.user, number=number)
        if account is None:
            raise Http404
        query = self.InputSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        statement = bank_account_statement(
            account=account,
            date_from=query.validated_data.get("from"),
            date_to=query.validated_data.get("to"),
        )
        body = {
            "account_number": account.number,
            "currency": "INR",
            "date_from": statement.date_from,
            "date_to": statement.date_to,
            "opening_balance": statement.opening_balance,
            "closing_balance": statement.closing_balance,
            "entries": statement.entries,
        }
        return Response(self.OutputSerializer(body).data)


urlpatterns = [
    path("accounts/", BankAccountListCreateApi.as_view(), name="api-bank-account-list"),
    path("accounts/<str:number>/", BankAccountDetailApi.as_view(), name="api-bank-account-detail"),
    path(
        "accounts/<str:number>/statement/",
        BankAccountStatementApi.as_view(),
        name="api-bank-account-statement",
    ),
]
