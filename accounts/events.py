"""Writers of the append-only audit trails of customers, logins, bank accounts and step-ups.
Call them inside the service's transaction."""

from typing import Any

from smartbank.transitions import event_writer

from .models import (
    AccountEvent,
    BankAccount,
    CustomerEvent,
    CustomerProfile,
    StepUp,
    StepUpEvent,
    UserEvent,
)


@event_writer(BankAccount, target="account")
def account_event_record(
    *,
    account: BankAccount,
    type: str,  # noqa: A002 - the event's field name
    actor: Any = None,
    data: dict[str, Any] | None = None,
) -> AccountEvent:
    """Append one event to ``account``'s history.

    ``actor`` is the customer or staff user who acted, ``None`` for the system. ``data`` is
    JSON: ``{"from": old status, "to": new status, "reason": text}`` for status changes, and the
    request's terms (type, FD amount as a string in INR, tenure, rate) when requested.
    """
    return AccountEvent.objects.create(account=account, type=type, actor=actor, data=data or {})


def customer_event_record(
    *,
    profile: CustomerProfile,
    type: str,  # noqa: A002 - the event's field name
    actor: Any = None,
    data: dict[str, Any] | None = None,
) -> CustomerEvent:
    """Append one event to a customer's history (registration, contact verification)."""
    return CustomerEvent.objects.create(profile=profile, type=type, actor=actor, data=data or {})


def user_event_record(
    *,
    user: Any,
    type: str,  # noqa: A002 - the event's field name
    actor: Any = None,
    data: dict[str, Any] | None = None,
) -> UserEvent:
    """Append one event to a login's history (customer or staff, issue 12): second factors
    enrolled or reset by ``actor`` (staff), a password reset by email (``actor`` the user)."""
    return UserEvent.objects.create(user=user, type=type, actor=actor, data=data or {})


@event_writer(StepUp, target="step_up")
def step_up_event_record(
    *,
    step_up: StepUp,
    type: str,  # noqa: A002 - the event's field name
    actor: Any = None,
    data: dict[str, Any] | None = None,
) -> StepUpEvent:
    """Append one event to ``step_up``'s history.

    ``actor`` is the customer who acted, ``None`` for the system (the check). ``data`` is JSON:
    ``{"from", "to"}`` for status changes, the failure ``code``, ``face_distance``, the frames'
    eye aspect ratios, ``locked_until``; never frames or codes.
    """
    return StepUpEvent.objects.create(step_up=step_up, type=type, actor=actor, data=data or {})
