"""Loan products, loan applications and their audit events, and the data compliance screens
against: imported watchlists (sanctions, PEP), the register of senior employees' relatives and the
FATF country lists (issue #4; field names of the application follow seed 001).

Money is ``Decimal`` in INR with 2 decimal places, stored as ``numeric(14, 2)``; ratios are
``Decimal`` fractions (``max_dti`` 0.400 means 40 %).
"""

from .applications import (
    FINAL_STATUS_TRANSITIONS,
    MONEY_DECIMAL_PLACES,
    MONEY_MAX_DIGITS,
    STAGE_TRANSITIONS,
    LoanApplication,
    LoanApplicationEvent,
    LoanProduct,
    LoanType,
    Region,
    StageStatus,
)
from .screening import (
    FatfCountry,
    FatfCountryList,
    SeniorRelative,
    WatchlistEntry,
    WatchlistImport,
    WatchlistKind,
)

__all__ = [
    "FINAL_STATUS_TRANSITIONS",
    "MONEY_DECIMAL_PLACES",
    "MONEY_MAX_DIGITS",
    "STAGE_TRANSITIONS",
    "FatfCountry",
    "FatfCountryList",
    "LoanApplication",
    "LoanApplicationEvent",
    "LoanProduct",
    "LoanType",
    "Region",
    "SeniorRelative",
    "StageStatus",
    "WatchlistEntry",
    "WatchlistImport",
    "WatchlistKind",
]
