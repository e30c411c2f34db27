"""Users for the tests of every app, made through ``settings.AUTH_USER_MODEL``.

The bottom layer's factory: ``kyc`` tests build their customers and staff here without importing
``accounts`` (which owns the user model). ``accounts.tests.factories`` adds customer profiles.
The user model is the project's: an ``email`` login and a ``full_name`` (what KYC compares).
"""

import factory
from django.conf import settings

TEST_PASSWORD = "Correct-Horse-Battery-42"  # noqa: S105 - test credential


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a unique email, named Neil Armstrong unless told, password
    :data:`TEST_PASSWORD`. ``is_staff=True, is_superuser=True`` makes a member of staff."""

    class Meta:
        model = settings.AUTH_USER_MODEL
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    full_name = "Neil Armstrong"
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):  # noqa: ANN001, ANN201, N805
        if create:
            obj.save()
