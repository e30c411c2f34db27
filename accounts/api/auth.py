"""Integrator API authentication: a JWT in two steps, password then OTP (issue #3); refresh
tokens good for one refresh, and revoked at logout (issue #10)."""

from django.contrib.auth import authenticate
from django.core import signing
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import RefreshToken, UntypedToken

from smartbank.api import ERROR_SCHEMA, NOT_FOUND_RESPONSE
from smartbank.errors import ApplicationError
from smartbank.throttles import THROTTLES

from ..lockout import LOCKED_DETAIL
from ..models import CustomerProfile, OtpDevice, User
from ..services.otp import (
    contact_verify,
    login_channels,
    otp_device_ensure,
    otp_send,
    otp_verify,
)
from ..services.tokens import jwt_refresh_revoke, jwt_refresh_rotate

MFA_SALT = "smartbank.api.mfa"
MFA_MAX_AGE_SECONDS = 600
BAD_CREDENTIALS = {"detail": "Invalid email or password.", "code": "invalid_credentials"}
LOCKED = {"detail": LOCKED_DETAIL, "code": "locked"}


def _request_email(request) -> str | None:  # noqa: ANN001
    """The email a request is about, for the per-account rate limit (lower-cased)."""
    email = request.data.get("email") if hasattr(request.data, "get") else None
    return email.strip().lower() if isinstance(email, str) and email.strip() else None


class TokenObtainApi(APIView):
    """Step 1: email and password. Sends a one-time code and answers an ``mfa_token``.

    Wrong credentials and unknown emails get the same 401; after repeated failures the email
    is locked (django-axes) and the answer is 429 whether or not the email exists. Rate limited
    per address and per email with the OTP step (``token``).
    """

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = THROTTLES
    throttle_scope = "token"

    def throttle_account(self, request) -> str | None:  # noqa: ANN001
        return _request_email(request)

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TokenObtainInput"

        email = serializers.EmailField()
        password = serializers.CharField(style={"input_type": "password"})
        channel = serializers.ChoiceField(choices=OtpDevice.Channel.choices, default="EMAIL")

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TokenObtainOutput"

        mfa_token = serializers.CharField(
            help_text="Pass to /api/v1/auth/token/otp/ with the code."
        )
        channel = serializers.CharField()
        detail = serializers.CharField()
        expires_in = serializers.IntegerField(help_text="Seconds the mfa_token stays valid.")

    @extend_schema(
        request=InputSerializer,
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(ERROR_SCHEMA, description="Invalid fields, or channel."),
            401: OpenApiResponse(description="Bad credentials"),
            429: OpenApiResponse(description="Locked after repeated failures"),
        },
        auth=[],
    )
    def post(self, request):  # noqa: ANN001, ANN201
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # django-axes reads the lockout state from the Django request, not DRF's wrapper.
        django_request = request._request
        user = authenticate(
            django_request, username=data["email"].lower(), password=data["password"]
        )
        if getattr(django_request, "axes_locked_out", False):
            return Response(LOCKED, status=status.HTTP_429_TOO_MANY_REQUESTS)
        if user is None:
            return Response(BAD_CREDENTIALS, status=status.HTTP_401_UNAUTHORIZED)
        channel = data["channel"]
        if channel not in login_channels(user=user):
            raise ApplicationError(
                "This channel is not verified for this account.",
                code="CHANNEL_NOT_VERIFIED",
                field="channel",
            )
        device = otp_device_ensure(user=user, channel=channel)
        detail = otp_send(otp_device_id=device.pk, purpose="login")
        token = signing.dumps({"u": str(user.pk), "c": channel}, salt=MFA_SALT)
        return Response(
            self.OutputSerializer(
                {
                    "mfa_token": token,
                    "channel": channel,
                    "detail": detail,
                    "expires_in": MFA_MAX_AGE_SECONDS,
                }
            ).data
        )


class TokenOtpApi(APIView):
    """Step 2: the ``mfa_token`` and the code received → ``{access, refresh}`` (simplejwt)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = THROTTLES
    throttle_scope = "token"

    def throttle_account(self, request) -> str | None:  # noqa: ANN001
        token = request.data.get("mfa_token") if hasattr(request.data, "get") else None
        try:
            claims = signing.loads(str(token), salt=MFA_SALT, max_age=MFA_MAX_AGE_SECONDS)
        except signing.BadSignature:
            return None  # only a token we signed names an account
        # The user id, as the password step counts the user's email.
        user = User.objects.filter(pk=claims.get("u")).only("email").first()
        return user.email.lower() if user else None

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TokenOtpInput"

        mfa_token = serializers.CharField()
        otp = serializers.CharField(min_length=6, max_length=7)

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TokenOtpOutput"

        access = serializers.CharField()
        refresh = serializers.CharField()

    @extend_schema(
        request=InputSerializer,
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(ERROR_SCHEMA, description="Invalid fields, token or code."),
            401: OpenApiResponse(ERROR_SCHEMA, description="The account is gone or inactive."),
        },
        auth=[],
    )
    def post(self, request):  # noqa: ANN001, ANN201
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            claims = signing.loads(
                serializer.validated_data["mfa_token"], salt=MFA_SALT, max_age=MFA_MAX_AGE_SECONDS
            )
        except signing.BadSignature as exc:
            raise ApplicationError(
                "The login step has expired; start again.",
                code="MFA_TOKEN_INVALID",
                field="mfa_token",
            ) from exc
        user = User.objects.filter(pk=claims["u"], is_active=True).first()
        if user is None:
            return Response(BAD_CREDENTIALS, status=status.HTTP_401_UNAUTHORIZED)
        otp_verify(user=user, channel=claims["c"], token=serializer.validated_data["otp"])
        refresh = RefreshToken.for_user(user)
        return Response({"access": str(refresh.access_token), "refresh": str(refresh)})


INVALID_INPUT = OpenApiResponse(ERROR_SCHEMA, description="Missing or invalid fields.")
TOKEN_NOT_VALID_RESPONSE = OpenApiResponse(
    ERROR_SCHEMA,
    description='Bad, expired, already used or revoked: `{"detail", "code": "token_not_valid"}`.',
)


class _RefreshTokenApi(APIView):
    """Anyone holding a refresh token may use it: the token is the credential."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get_authenticate_header(self, request):  # noqa: ANN001, ANN201
        # Without a WWW-Authenticate header DRF turns a 401 into a 403.
        return 'Bearer realm="api"'


class TokenRefreshApi(_RefreshTokenApi):
    """A refresh token → ``{access, refresh}``. The refresh token presented is spent: using it
    again answers 401, so a stolen copy stops working once either holder refreshes. Rate
    limited per address and per user (``refresh``)."""

    throttle_classes = THROTTLES
    throttle_scope = "refresh"

    def throttle_account(self, request) -> str | None:  # noqa: ANN001
        raw = request.data.get("refresh") if hasattr(request.data, "get") else None
        try:
            # Signature and expiry checked: a forged token cannot spend someone else's limit.
            return f"user:{UntypedToken(str(raw))[jwt_settings.USER_ID_CLAIM]}"
        except (TokenError, KeyError):
            return None

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TokenRefreshInput"

        refresh = serializers.CharField()

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TokenRefreshOutput"

        access = serializers.CharField()
        refresh = serializers.CharField(help_text="Use this one next time; the old one is spent.")

    @extend_schema(
        request=InputSerializer,
        responses={200: OutputSerializer, 400: INVALID_INPUT, 401: TOKEN_NOT_VALID_RESPONSE},
        auth=[],
    )
    def post(self, request):  # noqa: ANN001, ANN201
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            tokens = jwt_refresh_rotate(refresh=serializer.validated_data["refresh"])
        except TokenError as exc:
            raise InvalidToken(str(exc)) from exc
        return Response(self.OutputSerializer(tokens).data)


class TokenLogoutApi(_RefreshTokenApi):
    """Revoke a refresh token (log out): 204, and the token answers 401 from then on. Access
    tokens already issued stay valid until they expire (``JWT_ACCESS_MINUTES``)."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "TokenLogoutInput"

        refresh = serializers.CharField()

    @extend_schema(
        request=InputSerializer,
        responses={
            204: OpenApiResponse(description="Revoked"),
            400: INVALID_INPUT,
            401: TOKEN_NOT_VALID_RESPONSE,
        },
        auth=[],
    )
    def post(self, request):  # noqa: ANN001, ANN201
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            jwt_refresh_revoke(refresh=serializer.validated_data["refresh"])
        except TokenError as exc:
            raise InvalidToken(str(exc)) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class RegistrationContactVerifyApi(APIView):
    """Confirm a registration's email (EMAIL) or phone (SMS) with the code sent to it.

    Keyed by the registration id that only the registrant received; wrong codes count towards
    the lock like any OTP. Rate limited per address and per registration (``contact``).
    """

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = THROTTLES
    throttle_scope = "contact"

    def throttle_account(self, request) -> str | None:  # noqa: ANN001
        return f"registration:{self.kwargs['registration_id']}"

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "RegistrationContactVerifyInput"

        channel = serializers.ChoiceField(choices=OtpDevice.Channel.choices)
        otp = serializers.CharField(min_length=6, max_length=7)

    @extend_schema(
        request=InputSerializer,
        responses={200: OpenApiResponse(), 400: INVALID_INPUT, 404: NOT_FOUND_RESPONSE},
        auth=[],
    )
    def post(self, request, registration_id):  # noqa: ANN001, ANN201
        profile = get_object_or_404(
            CustomerProfile.objects.select_related("user"), pk=registration_id
        )
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = contact_verify(
            user=profile.user,
            channel=serializer.validated_data["channel"],
            token=serializer.validated_data["otp"],
        )
        return Response(
            {
                "email_verified": profile.email_verified_at is not None,
                "phone_verified": profile.phone_verified_at is not None,
            }
        )


class RegistrationOtpResendApi(APIView):
    """Send a new contact-verification code (rate limited: the OTP service's cooldown and
    hourly cap, and per address and per registration like verify-contact, ``contact``)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = THROTTLES
    throttle_scope = "contact"

    def throttle_account(self, request) -> str | None:  # noqa: ANN001
        return f"registration:{self.kwargs['registration_id']}"

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "RegistrationOtpResendInput"

        channel = serializers.ChoiceField(choices=OtpDevice.Channel.choices)

    @extend_schema(
        request=InputSerializer,
        responses={202: OpenApiResponse(), 400: INVALID_INPUT, 404: NOT_FOUND_RESPONSE},
        auth=[],
    )
    def post(self, request, registration_id):  # noqa: ANN001, ANN201
        profile = get_object_or_404(
            CustomerProfile.objects.select_related("user"), pk=registration_id
        )
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        device = otp_device_ensure(user=profile.user, channel=serializer.validated_data["channel"])
        return Response({"detail": otp_send(otp_device_id=device.pk, purpose="verify")}, status=202)


class WhoAmIApi(APIView):
    """The caller's own identity: ``{"user_id", "email", "is_staff"}``. For an integrator to
    check that a token works (and which account it speaks for) before sending work; also the
    trivial authenticated view ``bench/loan_submit.py`` measures the loan submission against
    (issue 13)."""

    class OutputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "WhoAmI"

        user_id = serializers.UUIDField()
        email = serializers.EmailField()
        is_staff = serializers.BooleanField()

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request):  # noqa: ANN001, ANN201
        user = request.user
        return Response({"user_id": user.pk, "email": user.email, "is_staff": user.is_staff})
