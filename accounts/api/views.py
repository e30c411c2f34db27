"""Integrator API for registrations (issue #2 §4).

A registration is the customer's profile; each submission of ID documents is a KYC case of its
own (``GET /api/v1/kyc/cases/{kyc_case_id}/``). Errors are ``{"detail", "code", "errors"}``.
"""

from django.conf import settings
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from kyc.api.serializers import KycCheckSerializer, KycReasonSerializer
from kyc.models import IdType, KycCase
from kyc.services import (
    UploadedDocument,
    validate_country_of_residence,
    validate_passport_fields,
)
from smartbank.api import ERROR_SCHEMA, NOT_FOUND_RESPONSE
from smartbank.countries import HOME_COUNTRY
from smartbank.errors import ApplicationError
from smartbank.forms import read_upload
from smartbank.throttles import THROTTLES

from ..selectors import registration_get, registration_kyc_case
from ..services import customer_register
from .examples import REGISTRATION_DETAIL_EXAMPLES, REGISTRATION_EXAMPLES


class RegistrationCreateApi(APIView):
    """Register a customer with their ID card and selfie; KYC runs in the background.

    202 ``{"registration_id", "kyc_case_id", "status"}``: follow the registration at
    ``/api/v1/registrations/{registration_id}/`` and this submission at
    ``/api/v1/kyc/cases/{kyc_case_id}/``.
    """

    permission_classes = [AllowAny]
    authentication_classes: list = []
    parser_classes = [MultiPartParser, FormParser]
    # Per address and per email (smartbank/throttles.py).
    throttle_classes = THROTTLES
    throttle_scope = "registration"

    def throttle_account(self, request) -> str | None:  # noqa: ANN001
        email = request.data.get("email")
        return email.strip().lower() if isinstance(email, str) and email.strip() else None

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "RegistrationCreateInput"

        email = serializers.EmailField()
        password = serializers.CharField(write_only=True, style={"input_type": "password"})
        full_name = serializers.CharField(min_length=3, max_length=150)
        date_of_birth = serializers.DateField(input_formats=["%Y-%m-%d"])
        phone = PhoneNumberField(region="IN")
        country_of_residence = serializers.CharField(
            max_length=3,
            required=False,
            default=HOME_COUNTRY,
            help_text="ISO 3166-1 alpha-2 (alpha-3 accepted), e.g. IN (the default) or US. It"
            " decides the ID types accepted: an id_type the country does not accept is a 400"
            " ID_TYPE_NOT_ACCEPTED on id_type",
        )
        id_type = serializers.ChoiceField(choices=IdType.choices)
        id_number = serializers.CharField(max_length=20)
        nationality = serializers.CharField(
            max_length=3,
            required=False,
            allow_blank=True,
            help_text="Passports: ISO 3166-1 alpha-3 as in the MRZ, e.g. IND (alpha-2 accepted)",
        )
        document_expiry = serializers.DateField(
            input_formats=["%Y-%m-%d"],
            required=False,
            allow_null=True,
            help_text="Passports: the date of expiry, YYYY-MM-DD; an expired passport is a 400",
        )
        id_document = serializers.FileField()
        selfie = serializers.FileField()

        def validate_country_of_residence(self, value: str) -> str:
            try:
                return validate_country_of_residence(country=value)
            except ApplicationError as exc:
                raise serializers.ValidationError(exc.message) from exc

        def validate(self, attrs: dict) -> dict:
            # A passport's nationality and expiry as field errors before anything is created.
            try:
                attrs["nationality"], attrs["document_expiry"] = validate_passport_fields(
                    id_type=attrs["id_type"],
                    nationality=attrs.get("nationality", ""),
                    document_expiry=attrs.get("document_expiry"),
                )
            except ApplicationError as exc:
                raise serializers.ValidationError({exc.field: [exc.message]}) from exc
            return attrs

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "RegistrationCreateOutput"

        registration_id = serializers.UUIDField()
        kyc_case_id = serializers.UUIDField(help_text="The KYC case this submission opened")
        status = serializers.CharField()

    @extend_schema(
        request=InputSerializer,
        examples=REGISTRATION_EXAMPLES,
        responses={
            202: OutputSerializer,
            400: OpenApiResponse(ERROR_SCHEMA, description="Invalid fields or files."),
            409: OpenApiResponse(
                ERROR_SCHEMA, description="Email or ID number already registered."
            ),
        },
        auth=[],
    )
    def post(self, request):  # noqa: ANN001, ANN201
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        limit = settings.KYC_MAX_UPLOAD_BYTES
        profile, case = customer_register(
            email=data["email"],
            password=data["password"],
            full_name=data["full_name"],
            phone=data["phone"],
            date_of_birth=data["date_of_birth"],
            id_type=data["id_type"],
            id_number=data["id_number"],
            id_document=UploadedDocument(
                read_upload(data["id_document"], field="id_document", max_bytes=limit)
            ),
            selfie=UploadedDocument(read_upload(data["selfie"], field="selfie", max_bytes=limit)),
            nationality=data["nationality"],
            document_expiry=data["document_expiry"],
            country_of_residence=data["country_of_residence"],
        )
        # Every ID field is required above, so customer_register always opens a case.
        body = {"registration_id": profile.id, "kyc_case_id": case.id, "status": case.status}
        return Response(self.OutputSerializer(body).data, status=status.HTTP_202_ACCEPTED)


class RegistrationDetailApi(APIView):
    """A registration's KYC status, reasons and checks (the owner's JWT, or staff).

    They are those of the customer's latest KYC case, named by ``kyc_case_id`` (null, status
    PENDING, before any submission): after a resubmission the same URL reports the new case,
    while ``/api/v1/kyc/cases/{kyc_case_id}/`` keeps describing each case. 404 for another
    customer's registration.
    """

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "RegistrationDetailOutput"

        registration_id = serializers.UUIDField()
        kyc_case_id = serializers.UUIDField(
            allow_null=True, help_text="The KYC case reported: the customer's latest"
        )
        status = serializers.ChoiceField(choices=KycCase.Status.values)
        reasons = KycReasonSerializer(many=True)
        checks = KycCheckSerializer(many=True)
        submitted_at = serializers.DateTimeField(allow_null=True)
        decided_at = serializers.DateTimeField(allow_null=True)

    @extend_schema(
        examples=REGISTRATION_DETAIL_EXAMPLES,
        responses={200: OutputSerializer, 404: NOT_FOUND_RESPONSE},
    )
    def get(self, request, registration_id):  # noqa: ANN001, ANN201
        profile = registration_get(registration_id=registration_id, viewer=request.user)
        if profile is None:
            raise Http404
        case = registration_kyc_case(profile=profile)
        body = {
            "registration_id": profile.id,
            "kyc_case_id": case.id if case else None,
            "status": case.status if case else "PENDING",
            "reasons": case.reasons if case else [],
            # the check rows themselves: customers read each one's customer_detail
            "checks": list(case.checks.all()) if case else [],
            "submitted_at": case.created_at if case else None,
            "decided_at": case.decided_at if case else None,
        }
        return Response(self.OutputSerializer(body).data)
