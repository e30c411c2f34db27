"""Models of the accounts app: customers and OTP devices (customers.py, otp.py), bank accounts
and their ledger (banking.py)."""

from .banking import *  # noqa: F403
from .customers import CustomerEvent, CustomerProfile, User, UserManager
from .otp import *  # noqa: F403

__all__ = ["CustomerEvent", "CustomerProfile", "User", "UserManager"]
