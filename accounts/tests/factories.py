"""Factories for users and customer profiles."""

import datetime

import factory

from accounts.models import CustomerProfile, User

TEST_PASSWORD = "Correct-Horse-Battery-42"  # noqa: S105 - test credential


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    full_name = "Neil Armstrong"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):  # noqa: ANN001, ANN201, N805
        if create:
            obj.save()


class CustomerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerProfile

    user = factory.SubFactory(UserFactory)
    phone = "+919876543210"
    date_of_birth = datetime.date(1990, 8, 5)
