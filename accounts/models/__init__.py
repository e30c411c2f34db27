"""Models of the accounts app: customers and OTP devices (customers.py, otp.py), bank accounts
and their ledger (banking.py), step-ups before critical actions (step_up.py)."""

from .banking import *  # noqa: F403
from .customers import CustomerEvent, CustomerProfile, User, UserEvent, UserManager
from .otp import *  # noqa: F403
from .step_up import StepUp, StepUpEvent

__all__ = [
    "CustomerEvent",
    "CustomerProfile",
    "StepUp",
    "StepUpEvent",
    "User",
    "UserEvent",
    "UserManager",
]
