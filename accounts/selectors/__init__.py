"""Reads of the accounts app: customers (customers.py), bank accounts (banking.py), step-ups
(step_up.py)."""

from .banking import (
    FixedDepositMaturity,
    Statement,
    bank_account_fd_maturity,
    bank_account_get,
    bank_account_get_by_id,
    bank_account_ledger_balance,
    bank_account_list,
    bank_account_statement,
    fixed_deposit_maturity,
    fixed_deposit_rate_for,
    fixed_deposit_rate_list,
    user_may_decide_accounts,
)
from .customers import customer_is_onboarded, registration_get, registration_kyc_case
from .step_up import step_up_face_locked_until, step_up_face_state, step_up_get

__all__ = ["customer_is_onboarded", "registration_get", "registration_kyc_case"]
__all__ += [
    "FixedDepositMaturity",
    "Statement",
    "bank_account_fd_maturity",
    "bank_account_get",
    "bank_account_get_by_id",
    "bank_account_ledger_balance",
    "bank_account_list",
    "bank_account_statement",
    "fixed_deposit_maturity",
    "fixed_deposit_rate_for",
    "fixed_deposit_rate_list",
    "user_may_decide_accounts",
]
__all__ += ["step_up_face_locked_until", "step_up_face_state", "step_up_get"]
