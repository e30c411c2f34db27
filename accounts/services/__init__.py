"""Writes of the accounts app: customers and registration (customers.py), OTP (otp.py),
bank accounts and the ledger (banking.py, ledger.py)."""

from .banking import (
    CustomerNotOnboarded,
    account_number_generate,
    account_number_is_valid,
    bank_account_approve,
    bank_account_close,
    bank_account_freeze,
    bank_account_reject,
    bank_account_request,
    bank_account_unfreeze,
    loan_account_open,
)
from .customers import customer_register, demo_staff_ensure
from .ledger import ledger_post, money_validate

__all__ = ["customer_register", "demo_staff_ensure"]
__all__ += [
    "CustomerNotOnboarded",
    "account_number_generate",
    "account_number_is_valid",
    "bank_account_approve",
    "bank_account_close",
    "bank_account_freeze",
    "bank_account_reject",
    "bank_account_request",
    "bank_account_unfreeze",
    "ledger_post",
    "loan_account_open",
    "money_validate",
]
