"""Factories for step-ups and for customers whose VERIFIED KYC case holds a real face
encoding (the astronaut's or Grace Hopper's selfie, encoded by dlib once per process)."""

import functools

import factory
from django.utils import timezone

from accounts.models import StepUp
from accounts.tests.factories import CustomerProfileFactory
from kyc.tests.factories import KycCaseFactory
from smartbank.engines import faces
from smartbank.tests import cards
from smartbank.tests.factories import UserFactory


class StepUpFactory(factory.django.DjangoModelFactory):
    """A face step-up for a loan application, PENDING, with no burst."""

    class Meta:
        model = StepUp

    user = factory.SubFactory(UserFactory)
    action = StepUp.Action.LOAN_APPLICATION
    method = StepUp.Method.FACE
    status = StepUp.Status.PENDING


def passed_step_up(user, *, action=StepUp.Action.LOAN_APPLICATION, **fields) -> StepUp:  # noqa: ANN001
    """A face step-up of ``user`` for ``action`` that PASSED just now."""
    return StepUpFactory(
        user=user,
        action=action,
        status=StepUp.Status.PASSED,
        decided_at=timezone.now(),
        face_distance=0.2,
        **fields,
    )


@functools.cache
def selfie_encoding(name: str) -> tuple[float, ...]:
    """The dlib encoding of ``cards.selfie_of(name)``, as the KYC pipeline stores it."""
    analysis = faces.analyse_selfie(cards.selfie_of(name))
    assert analysis.encoding is not None, name
    return analysis.encoding


def customer_with_kyc_face(*, face: str | None = "astronaut", email: str | None = None, **user):  # noqa: ANN003, ANN201
    """A customer with both contacts confirmed and a VERIFIED KYC case whose selfie was
    ``face`` (``None``: a VERIFIED case without a face encoding, as an old staff approval)."""
    now = timezone.now()
    if email:
        user["email"] = email
    customer = UserFactory(**user)
    CustomerProfileFactory(user=customer, email_verified_at=now, phone_verified_at=now)
    KycCaseFactory(
        user=customer,
        status="VERIFIED",
        reasons=[],
        face_encoding=list(selfie_encoding(face)) if face else None,
    )
    return customer


def step_up_id_for(client, *, action=StepUp.Action.LOAN_APPLICATION) -> str:  # noqa: ANN001
    """The id of a step-up that PASSED just now for the customer logged into the test
    ``client``, to post with a critical action's form (as the page does after the camera)."""
    from django.contrib.auth import SESSION_KEY, get_user_model

    user = get_user_model().objects.get(pk=client.session[SESSION_KEY])
    return str(passed_step_up(user, action=action).pk)
