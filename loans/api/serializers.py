"""Output shapes of the loans API (the original loan workflow's field names). Money is INR as
strings with 2 decimal places (``"250000.00"``); ``dti_ratio`` a number with 3 places
(``0.294``), as in the original workflow's answers."""

import copy
from typing import Any

from django.utils.functional import cached_property
from rest_framework import serializers
from rest_framework.utils.serializer_helpers import BindingDict

from ..models import LoanApplication, LoanApplicationEvent, Region, StageStatus
from ..selectors import (
    applicant_compliance_remarks,
    applicant_final_remarks,
    loan_application_emi,
)


def money_field(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


class FieldsBuiltOnce:
    """A ModelSerializer that builds its fields once per class, not once per instance.

    DRF builds a ModelSerializer's fields from the model for every instance: 2.1 ms of the
    2.2 ms an application's answer took, the largest cost of a loan submission after the
    database (issue 13). Here the unbound fields are built the first time and every instance
    gets shallow copies bound to itself (its own ``parent`` and ``context``). The
    fields, and so the body, are exactly those DRF would build.

    Also for an input serializer whose fields keep nothing of a request (DRF's own do not: a
    field's lazily built ``_validators`` lands on each instance's copy, and a list's shared
    ``child`` only reads its settings): a plain ``Serializer`` deep-copies its declared
    fields per instance (~0.5 ms for the loan submission's 16).
    """

    @cached_property
    def fields(self) -> BindingDict:
        cls = type(self)
        built = cls.__dict__.get("_fields_built")
        if built is None:
            built = dict(self.get_fields())  # type: ignore[attr-defined]
            cls._fields_built = built  # type: ignore[attr-defined]
        fields = BindingDict(self)
        for name, field in built.items():
            fields[name] = _shallow_copy(field)
        return fields


#: Whether a copy of a field class's instance ``__dict__`` is the instance's copy, by class.
_PLAIN: dict[type, bool] = {}


def _shallow_copy(field: serializers.Field) -> serializers.Field:
    """What ``copy.copy(field)`` gives (a new instance sharing the attribute values) without
    its ``__reduce_ex__`` round for a field with no ``__copy__`` or slots (DRF's): a tenth of
    the time (issue 13: copying an answer's 40 fields was 15 % of a submission's Python)."""
    cls = type(field)
    plain = _PLAIN.get(cls)
    if plain is None:
        plain = _PLAIN[cls] = not (hasattr(cls, "__copy__") or hasattr(cls, "__slots__"))
    if not plain:
        return copy.copy(field)
    clone = object.__new__(cls)
    clone.__dict__.update(field.__dict__)
    return clone


class LoanApplicationSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """An application as its customer or integrator sees it."""

    product = serializers.SlugRelatedField(slug_field="code", read_only=True)
    income = money_field()
    debt = money_field()
    loan_amount = money_field()
    dti_ratio = serializers.DecimalField(
        max_digits=18, decimal_places=3, coerce_to_string=False, allow_null=True
    )
    emi = serializers.SerializerMethodField()
    compliance_remarks = serializers.SerializerMethodField()
    final_remarks = serializers.SerializerMethodField()
    awaiting_second_approval = serializers.BooleanField()
    region = serializers.ChoiceField(
        choices=Region.choices, help_text="The country's region: APAC, EMEA or AMERICAS"
    )
    final_status = serializers.ChoiceField(choices=StageStatus.choices)

    class Meta:
        model = LoanApplication
        ref_name = "LoanApplication"
        fields = [
            "application_id",
            "status",
            "name",
            "email",
            "phone",
            "region",
            "country",
            "country_code",
            "product",
            "income",
            "debt",
            "credit_score",
            "loan_amount",
            "loan_purpose",
            "tenure_months",
            "emi",
            "documents_uploaded",
            "documents",
            "dti_ratio",
            "kyc_status",
            "kyc_verified_at",
            "kyc_remarks",
            "compliance_status",
            "compliance_verified_at",
            "compliance_remarks",
            "political_connection",
            "senior_relative",
            "eligibility_status",
            "eligibility_verified_at",
            "eligibility_remarks",
            "final_status",
            "final_decision_at",
            "final_remarks",
            "awaiting_second_approval",
            "alert_sent",
            "email_sent",
            "disbursed_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_emi(self, application: LoanApplication) -> str:
        """EMI in INR at the product's rate over the tenure, ``"8678.23"``."""
        return str(loan_application_emi(application=application))

    def get_compliance_remarks(self, application: LoanApplication) -> str:
        """A general sentence: screening remarks are for staff only (AML tipping-off)."""
        return applicant_compliance_remarks(application=application)

    def get_final_remarks(self, application: LoanApplication) -> str:
        return applicant_final_remarks(application=application)


class LoanApplicationStaffSerializer(LoanApplicationSerializer):
    """What loan and compliance staff see in addition: the KYC remarks for staff, the
    screening evidence and who acted."""

    compliance_remarks = serializers.CharField()
    final_remarks = serializers.CharField()
    first_approved_by = serializers.EmailField(source="first_approved_by.email", default=None)
    decided_by = serializers.EmailField(source="decided_by.email", default=None)

    class Meta(LoanApplicationSerializer.Meta):
        ref_name = "LoanApplicationStaff"
        fields = [
            *LoanApplicationSerializer.Meta.fields,
            "kyc_staff_remarks",
            "date_of_birth",
            "compliance_evidence",
            "first_approved_by",
            "first_approved_at",
            "decided_by",
            "last_error",
        ]
        read_only_fields = fields


class LoanApplicationEventSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_type_display")

    class Meta:
        model = LoanApplicationEvent
        ref_name = "LoanApplicationEvent"
        fields = ["type", "label", "created_at"]
        read_only_fields = fields


class LoanApplicationEventStaffSerializer(LoanApplicationEventSerializer):
    actor = serializers.EmailField(source="actor.email", default=None)

    class Meta(LoanApplicationEventSerializer.Meta):
        ref_name = "LoanApplicationEventStaff"
        fields = [*LoanApplicationEventSerializer.Meta.fields, "actor", "data"]
        read_only_fields = fields


class LoanApplicationResponseSerializer(serializers.Serializer):
    """The ``{"message", "application"}`` answer to a submission or a decision."""

    class Meta:
        ref_name = "LoanApplicationResponse"

    message = serializers.CharField()
    application = LoanApplicationSerializer()
