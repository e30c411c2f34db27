"""Factories for KYC cases in a given status, without running the pipeline."""

import datetime

import factory

from kyc.models import KycCase
from kyc.selectors import id_number_hash
from smartbank.crypto import encrypt_text
from smartbank.engines.documents import mask_id_number
from smartbank.tests.factories import UserFactory


class KycCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KycCase
        exclude = ("id_number",)

    user = factory.SubFactory(UserFactory)
    id_type = "AADHAAR"
    id_number = "234567890124"
    id_number_encrypted = factory.LazyAttribute(lambda o: encrypt_text(o.id_number))
    id_number_hash = factory.LazyAttribute(
        lambda o: id_number_hash(id_type=o.id_type, id_number=o.id_number)
    )
    id_number_masked = factory.LazyAttribute(lambda o: mask_id_number(o.id_type, o.id_number))
    full_name = factory.LazyAttribute(lambda o: o.user.full_name)
    date_of_birth = datetime.date(1990, 8, 5)
    status = KycCase.Status.MANUAL_REVIEW
    reasons = factory.LazyFunction(lambda: [{"code": "FACE_UNCERTAIN", "message": "similar"}])
