"""Loan products, loan applications and their audit events, and the data compliance screens
against: imported watchlists (sanctions, PEP), the register of senior employees' relatives and the
FATF country lists (issue #4; field names of the application follow seed 001).

Money is ``Decimal`` in INR with 2 decimal places, stored as ``numeric(14, 2)``; ratios are
``Decimal`` fractions (``max_dti`` 0.400 means 40 %).
"""

from .applications import (
    DECISION_EVENT_TYPES,
    FINAL_STATUS_TRANSITIONS,
    MONEY_DECIMAL_PLACES,
    MONEY_MAX_DIGITS,
    STAGE_TRANSITIONS,
    ApprovalAction,
    ApprovalLogEntry,
    ApprovalStep,
    LoanApplication,
    LoanApplicationEvent,
    LoanProduct,
    LoanType,
    Region,
    StageStatus,
)
from .repayments import LoanRepayment
from .rollups import ROLLUP_SHARDS, LoanDailyRollup, LoanStatusRollup
from .screening import (
    FatfCountry,
    FatfCountryList,
    SeniorRelative,
    WatchlistEntry,
    WatchlistImport,
    WatchlistKind,
)

__all__ = [
    "DECISION_EVENT_TYPES",
    "FINAL_STATUS_TRANSITIONS",
    "MONEY_DECIMAL_PLACES",
    "MONEY_MAX_DIGITS",
    "ROLLUP_SHARDS",
    "STAGE_TRANSITIONS",
    "ApprovalAction",
    "ApprovalLogEntry",
    "ApprovalStep",
    "FatfCountry",
    "FatfCountryList",
    "LoanApplication",
    "LoanApplicationEvent",
    "LoanDailyRollup",
    "LoanProduct",
    "LoanRepayment",
    "LoanStatusRollup",
    "LoanType",
    "Region",
    "SeniorRelative",
    "StageStatus",
    "WatchlistEntry",
    "WatchlistImport",
    "WatchlistKind",
]
