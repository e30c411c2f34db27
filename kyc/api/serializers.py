"""Output shapes of the KYC API, shared with the registration API of ``accounts``."""

from rest_framework import serializers

from ..models import KycCase


class KycReasonSerializer(serializers.Serializer):
    """Why a case was decided as it was: a stable code and plain words for the customer."""

    class Meta:
        ref_name = "Reason"

    code = serializers.CharField()
    message = serializers.CharField()


class KycCheckSerializer(serializers.Serializer):
    """One pipeline step of a case: ``status`` PASSED / REVIEW / FAILED."""

    class Meta:
        ref_name = "Check"

    name = serializers.CharField()
    status = serializers.CharField()
    detail = serializers.CharField(source="customer_detail")


class KycCaseOutputSerializer(serializers.Serializer):
    """One KYC case: one submission of an ID document and a selfie, and its decision.

    ``reasons`` and ``checks`` are empty until the pipeline has run; ``decided_at`` is null
    until the case is VERIFIED or REJECTED (a case in MANUAL_REVIEW awaits staff).
    """

    class Meta:
        ref_name = "KycCase"

    kyc_case_id = serializers.UUIDField(source="id")
    status = serializers.ChoiceField(choices=KycCase.Status.choices)
    attempt = serializers.IntegerField(help_text="1 for the first submission, then 2, 3...")
    reasons = KycReasonSerializer(many=True)
    checks = KycCheckSerializer(many=True, source="checks.all")
    submitted_at = serializers.DateTimeField(source="created_at")
    decided_at = serializers.DateTimeField(allow_null=True)
