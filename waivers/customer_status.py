"""A waiver request as its customer sees it (issue 12): one plain state, the stages done so
far, the checks and reasons in plain words.

Pure: a waiver and its check rows in, a :class:`WaiverCustomerStatus` out. A certificate that
passed its checks is not a granted waiver: VERIFIED reads "Certificate checked - waiting for
the loans team's decision", never "Verified". Fraud and screening signals (a scan like another
request's, the virus scan) are never named: such checks are left out of the list and their
reasons read as :data:`NEUTRAL_REVIEW`; a certificate already used reads as the rule it
breaks (one certificate backs one request).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kyc.customer_status import CheckLine, Stage

from .models import WaiverCheck, WaiverRequest
from .pipeline import REASON_MESSAGES

__all__ = [
    "CHECK_LABELS",
    "NEUTRAL_REVIEW",
    "SCREENING_CHECKS",
    "WaiverCustomerStatus",
    "waiver_request_badge",
    "waiver_request_customer_status",
]

PASSED, FAILED = WaiverCheck.Status.PASSED, WaiverCheck.Status.FAILED
Status = WaiverRequest.Status

NEUTRAL_REVIEW = "Our team is checking your certificate, usually within two working days."
USED_ONCE = (
    "This certificate has already been used for a waiver request: each certificate can back "
    "one request only."
)
#: Checks customers never see listed: screening for reuse (issue 12) and the virus scan.
SCREENING_CHECKS = frozenset({"MALWARE_SCAN", "DOCUMENT_REUSE", "CERTIFICATE_REUSE"})
_CUSTOMER_REASONS = {
    "DOCUMENT_SIMILAR": NEUTRAL_REVIEW,
    "DOCUMENT_REUSED": USED_ONCE,
    "CERTIFICATE_ALREADY_USED": USED_ONCE,
}
STAFF_CODES = frozenset({"STAFF_APPROVED", "STAFF_REJECTED"})

#: Each check of :mod:`waivers.pipeline` as the customer reads it: ``(what was checked, words
#: when it passed, words when it failed)``.
CHECK_LABELS: dict[str, tuple[str, str, str]] = {
    "FILE": ("Your scan", "Opened", "Could not be opened"),
    "OCR": ("Reading the certificate", "Read", "Could not be read"),
    "NUMBER_MATCH": ("Certificate number on the scan", "Matches what you entered", "Not found"),
}

#: The short status of each state (the list's column, the detail page's badge).
_BADGES = {
    "checking": "Checking your certificate",
    "waiting": "Certificate checked – waiting for the loans team's decision",
    "review": "With our loans team",
    "second": "Approved once – waiting for a second approval",
    "approved": "Approved",
    "rejected": "Not granted",
}
_BADGE_CLASSES = {
    "checking": "PENDING",
    "waiting": "MANUAL_REVIEW",
    "review": "MANUAL_REVIEW",
    "second": "MANUAL_REVIEW",
    "approved": "APPROVED",
    "rejected": "REJECTED",
}


@dataclass(frozen=True)
class WaiverCustomerStatus:
    """What the waiver's page shows: ``state`` one of ``checking`` (PENDING, PROCESSING),
    ``waiting`` (VERIFIED: certificate checked, no decision yet), ``review`` (MANUAL_REVIEW),
    ``second`` (one approval of two), ``approved``, ``rejected``; ``badge`` its short words,
    ``headline`` one sentence; ``final`` once decided."""

    state: str
    badge: str
    headline: str
    stages: list[Stage]
    checks: list[CheckLine] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    final: bool = False
    progress_percent: int = 0

    @property
    def badge_class(self) -> str:
        """The ``status-<...>`` colour class of the badge (``static/css/site.css``)."""
        return _BADGE_CLASSES[self.state]


def _state(waiver: WaiverRequest) -> str:
    if waiver.status in (Status.PENDING, Status.PROCESSING):
        return "checking"
    if waiver.awaiting_second_approval:
        return "second"
    return {
        Status.VERIFIED: "waiting",
        Status.MANUAL_REVIEW: "review",
        Status.APPROVED: "approved",
        Status.REJECTED: "rejected",
    }[waiver.status]


def waiver_request_badge(waiver: WaiverRequest) -> str:
    """The short status words of ``waiver`` (the customer's list of requests)."""
    return _BADGES[_state(waiver)]


def _check_line(check: Any) -> CheckLine:
    label, passed, failed = CHECK_LABELS.get(check.name, ("A check of your certificate", "", ""))
    if check.status == PASSED:
        return CheckLine(label, passed or "Done", "done")
    if check.status == FAILED:
        return CheckLine(label, failed or "Did not pass", "problem")
    return CheckLine(label, "Our team will check this", "review")


def _reason_words(reason: dict[str, Any]) -> str:
    code = reason.get("code", "")
    if code in STAFF_CODES:
        return str(reason.get("message") or REASON_MESSAGES[code])
    return _CUSTOMER_REASONS.get(code) or REASON_MESSAGES.get(code, NEUTRAL_REVIEW)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


def waiver_request_customer_status(
    *, waiver: WaiverRequest, checks: Sequence[Any]
) -> WaiverCustomerStatus:
    """``waiver`` as its customer sees it; ``checks`` its check rows in order
    (``waiver.checks.all()``)."""
    state = _state(waiver)
    checks = list(checks)
    checked = state != "checking"
    failed = any(c.status == FAILED for c in checks)
    certificate = "todo"
    if checked:
        certificate = "problem" if failed else "review" if state == "review" else "done"
    decision = {
        "approved": Stage("Loans team's decision", "done", "Approved"),
        "rejected": Stage("Loans team's decision", "problem", "Not granted"),
        "second": Stage("Loans team's decision", "current", "One approval of two"),
    }.get(state, Stage("Loans team's decision", "current" if checked else "todo"))
    stages = [
        Stage("Request received", "done"),
        Stage(
            "Certificate checked",
            "current" if not checked else certificate,
            "Reading it now" if waiver.status == Status.PROCESSING else "",
        ),
        decision,
    ]
    finished = sum(stage.state in ("done", "problem") for stage in stages)
    headlines = {
        "checking": "We are checking your certificate. This usually takes about a minute; this "
        "page updates by itself.",
        "waiting": "Your certificate passed our checks. This does not grant the waiver yet: "
        "our loans team decides, usually within two working days.",
        "review": "A member of our loans team will check your certificate and decide, usually "
        "within two working days. You do not need to do anything now.",
        "second": "One member of our loans team has approved it; a second must confirm.",
        # The page adds the amounts (waivers/_status.html).
        "approved": "Approved: the waiver was taken off what you owe.",
        "rejected": "We could not grant this waiver.",
    }
    return WaiverCustomerStatus(
        state=state,
        badge=_BADGES[state],
        headline=headlines[state],
        stages=stages,
        checks=[_check_line(c) for c in checks if c.name not in SCREENING_CHECKS],
        reasons=_unique(_reason_words(r) for r in waiver.reasons),
        final=state in ("approved", "rejected"),
        progress_percent=round(100 * finished / len(stages)),
    )
