"""Reads of the accounts app: customers (customers.py), bank accounts (banking.py)."""

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
