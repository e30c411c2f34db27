"""The result of one automated check and seed 003's decision rule over a list of them.

Shared by every pipeline that stores :class:`~smartbank.models.CheckRecord` rows (the KYC
pipeline, the waiver certificate verification). Each app's ``pipeline.py`` keeps its own
outcome type and reason messages and decides with :func:`decide`. Writes nothing.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .models import CheckRecord

PASSED = CheckRecord.Status.PASSED
REVIEW = CheckRecord.Status.REVIEW
FAILED = CheckRecord.Status.FAILED
ERROR = CheckRecord.Status.ERROR

#: The three decisions of seed 003, spelt as the statuses of the records they decide.
VERIFIED, MANUAL_REVIEW, REJECTED = "VERIFIED", "MANUAL_REVIEW", "REJECTED"


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one pipeline step, before it is stored as a ``CheckRecord``.

    ``status`` is a ``CheckRecord.Status`` value; ``code`` a stable reason code such as
    ``FACE_MISMATCH`` (empty when the check passed); ``detail`` plain words for staff, never
    an ID number or OCR text beyond what the check compared.
    """

    name: str
    status: str
    code: str = ""
    detail: str = ""


def reason(code: str, messages: Mapping[str, str], message: str | None = None) -> dict[str, str]:
    """A reason as stored on the record and shown by the API: ``{"code", "message"}``.

    The message is ``message`` when given, else ``messages[code]``, else the code itself.
    """
    return {"code": code, "message": message or messages.get(code, code)}


def decide(
    checks: Iterable[CheckResult], messages: Mapping[str, str]
) -> tuple[str, list[dict[str, str]]]:
    """Seed 003's decision rule over the checks.

    Any FAILED check -> REJECTED; otherwise any REVIEW or ERROR -> MANUAL_REVIEW; otherwise
    VERIFIED. Returns ``(status, reasons)`` where reasons are those of the checks that decided
    it, in pipeline order, their messages taken from ``messages`` (see :func:`reason`).
    """
    checks = list(checks)
    failed = [c for c in checks if c.status == FAILED]
    review = [c for c in checks if c.status in (REVIEW, ERROR)]
    if failed:
        return REJECTED, [reason(c.code, messages) for c in failed]
    if review:
        return MANUAL_REVIEW, [reason(c.code, messages) for c in review]
    return VERIFIED, []
