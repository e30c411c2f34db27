"""A KYC case as its customer sees it (issue 12): one plain state, the stages done so far,
the checks and reasons in plain words, and what to do next.

Pure: a case and its check rows in, a :class:`KycCustomerStatus` out; no query of its own
(the views pass ``case.checks.all()``). Staff see the codes, engine details and fraud signals
in the console; customers never do: no reason code, no engine or library name, no distance or
score, and a fraud or screening signal (a face or a document like another customer's, an ID
number verified for someone else, the virus scan) is never named. Such a check is left out of
the customer's list of checks and its reason reads as :data:`NEUTRAL_REVIEW`.

States (``KycCustomerStatus.state``): ``checking`` (PENDING, PROCESSING), ``review``
(MANUAL_REVIEW), ``verified``, ``resubmit`` (REJECTED after staff asked for the documents
again: reason ``RESUBMISSION_REQUESTED``) and ``rejected``.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .models import KycCase, KycCheck
from .pipeline import REASON_MESSAGES

__all__ = [
    "CHECK_LABELS",
    "NEUTRAL_REVIEW",
    "SCREENING_CHECKS",
    "SCREENING_CODES",
    "KycCustomerStatus",
    "kyc_case_customer_status",
]

PASSED, REVIEW, FAILED = KycCheck.Status.PASSED, KycCheck.Status.REVIEW, KycCheck.Status.FAILED

#: What a customer reads for a fraud or screening signal, and for a reason without words.
NEUTRAL_REVIEW = "Our team is checking your documents, usually within one working day."

#: Checks customers never see listed: screening for fraud (issue 12) and the virus scan.
SCREENING_CHECKS = frozenset({"DUPLICATE_ID", "DUPLICATE_FACE", "DOCUMENT_REUSE", "MALWARE_SCAN"})
#: Reasons that name a fraud signal: they read as :data:`NEUTRAL_REVIEW`.
SCREENING_CODES = frozenset({"DUPLICATE_FACE", "DOCUMENT_REUSED"})
#: Reasons whose message is the words a member of staff typed (or the default).
STAFF_CODES = frozenset({"STAFF_APPROVED", "STAFF_REJECTED", "RESUBMISSION_REQUESTED"})

#: Each check the pipeline runs (:mod:`kyc.pipeline`, :mod:`kyc.passport_checks`), as the
#: customer reads it: ``(what was checked, words when it passed, words when it failed)``.
#: A check under review reads "Our team will check this".
CHECK_LABELS: dict[str, tuple[str, str, str]] = {
    "FILES": ("Your photos", "Opened", "Could not be opened"),
    "OCR": ("Reading your document", "Read", "Could not be read"),
    "ID_NUMBER": ("The ID number you entered", "Valid", "Not valid"),
    "ID_NUMBER_MATCH": ("ID number on the document", "Matches what you entered", "Differs"),
    "NAME_MATCH": ("Name on the document", "Matches your name", "Differs"),
    "MRZ_NAME_MATCH": (
        "Name in the lines at the bottom of the photo page",
        "Matches your name",
        "Differs",
    ),
    "DOB_MATCH": ("Date of birth on the document", "Matches what you entered", "Differs"),
    "MRZ": ("The lines at the bottom of the photo page", "Add up", "Do not add up"),
    "DOCUMENT_EXPIRY": ("Passport still valid", "Yes", "Expired"),
    "EXPIRY_MATCH": ("Passport expiry date", "Matches what you entered", "Differs"),
    "NATIONALITY_MATCH": ("Nationality in the passport", "Matches what you chose", "Differs"),
    "SELFIE_FACE": ("Your face in the selfie", "Found", "Not found"),
    "ID_FACE": ("The photo on your document", "Found", "Not found"),
    "FACE_MATCH": ("Selfie and document photo", "Same person", "Do not match"),
}
_REVIEW_WORDS = "Our team will check this"
#: A stage's state in words (shared with :mod:`waivers.customer_status`).
STAGE_WORDS = {
    "done": "Done",
    "current": "Under way",
    "problem": "Needs attention",
    "review": "With our team",
    "todo": "Not yet",
}
#: Which document a check is about, to say what to send again.
_SELFIE_CHECKS = frozenset({"SELFIE_FACE", "FACE_MATCH"})
_DOCUMENT_STAGE = frozenset(
    {"OCR", "ID_NUMBER", "ID_NUMBER_MATCH", "NAME_MATCH", "MRZ_NAME_MATCH", "DOB_MATCH", "MRZ",
     "DOCUMENT_EXPIRY", "EXPIRY_MATCH", "NATIONALITY_MATCH", "FILES"}
)  # fmt: skip
_FACE_STAGE = frozenset({"SELFIE_FACE", "ID_FACE", "FACE_MATCH"})
_ID_DOCUMENT_AGAIN = "A new, sharp photo of your ID document (the whole card or photo page)"
_SELFIE_AGAIN = "A new selfie: your face only, in good light, looking at the camera"


@dataclass(frozen=True)
class Stage:
    """One step of the progress indicator: ``state`` is ``done``, ``current`` (under way),
    ``problem`` (finished with something to fix), ``review`` (with our team) or ``todo``."""

    label: str
    state: str
    note: str = ""

    @property
    def state_words(self) -> str:
        """The state in words, for the page and screen readers."""
        return STAGE_WORDS[self.state]


@dataclass(frozen=True)
class CheckLine:
    """One check in plain words; ``state`` as :class:`Stage`'s (``done`` / ``review`` /
    ``problem``)."""

    label: str
    result: str
    state: str


@dataclass(frozen=True)
class KycCustomerStatus:
    """What the customer's status page shows (see the module docstring for ``state``).

    ``badge`` is the short status word (``#kyc-status``); ``headline`` one sentence;
    ``reasons`` plain sentences, no duplicates; ``staff_note`` the words a member of staff
    typed with a resubmission request or a rejection ("" otherwise); ``redo`` the documents
    to send again; ``final`` whether nothing will change without the customer (decided);
    ``progress_percent`` the share of stages finished, 0-100.
    """

    state: str
    badge: str
    headline: str
    stages: list[Stage]
    checks: list[CheckLine] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    staff_note: str = ""
    redo: list[str] = field(default_factory=list)
    final: bool = False
    progress_percent: int = 0

    @property
    def badge_class(self) -> str:
        """The ``status-<...>`` colour class of the badge (``static/css/site.css``)."""
        return _BADGE_CLASSES[self.state]


_BADGE_CLASSES = {
    "checking": "PENDING",
    "review": "MANUAL_REVIEW",
    "verified": "VERIFIED",
    "rejected": "REJECTED",
    "resubmit": "MANUAL_REVIEW",
}


def _reason_words(reason: dict[str, Any]) -> str:
    code = reason.get("code", "")
    if code in SCREENING_CODES:
        return NEUTRAL_REVIEW
    if code in STAFF_CODES:
        return str(reason.get("message") or REASON_MESSAGES[code])
    return REASON_MESSAGES.get(code, NEUTRAL_REVIEW)


def _check_state(check: Any) -> str:
    if check.status == PASSED:
        return "done"
    if check.status == FAILED:
        return "problem"
    return "review"


def _check_line(check: Any) -> CheckLine:
    label, passed, failed = CHECK_LABELS.get(check.name, ("A check of your documents", "", ""))
    state = _check_state(check)
    result = {"done": passed or "Done", "problem": failed or "Did not pass"}.get(
        state, _REVIEW_WORDS
    )
    return CheckLine(label=label, result=result, state=state)


def _stage_from(checks: Sequence[Any], names: frozenset[str], *, decided: bool) -> str:
    """The state of a stage from its checks: a failed one → problem, one under review →
    review, all passed → done; none stored yet → ``todo`` (``review`` once decided: the
    automatic checks did not get that far, staff looked instead)."""
    mine = [c for c in checks if c.name in names]
    if not mine:
        return "review" if decided else "todo"
    states = {_check_state(c) for c in mine}
    for state in ("problem", "review"):
        if state in states:
            return state
    return "done"


def _redo(checks: Iterable[Any]) -> list[str]:
    """The documents to send again: those the checks that did not pass are about (both when
    no check points at one)."""
    off = [c for c in checks if c.status != PASSED and c.name not in SCREENING_CHECKS]
    selfie = any(c.name in _SELFIE_CHECKS for c in off)
    document = any(c.name not in _SELFIE_CHECKS for c in off)
    if selfie == document:
        return [_ID_DOCUMENT_AGAIN, _SELFIE_AGAIN]
    return [_SELFIE_AGAIN] if selfie else [_ID_DOCUMENT_AGAIN]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(item for item in items if item))


def kyc_case_customer_status(*, case: KycCase, checks: Sequence[Any]) -> KycCustomerStatus:
    """``case`` as its customer sees it; ``checks`` are its check rows in order
    (``case.checks.all()``). See the module docstring for the rules."""
    status = case.status
    checks = list(checks)
    codes = {r.get("code") for r in case.reasons}
    decided = status in (KycCase.Status.VERIFIED, KycCase.Status.REJECTED)
    after_pipeline = decided or status == KycCase.Status.MANUAL_REVIEW
    shown = [_check_line(c) for c in checks if c.name not in SCREENING_CHECKS]
    scan_failed = any(c.name == "MALWARE_SCAN" and c.status == FAILED for c in checks)

    received = Stage("Documents received", "done")
    if not after_pipeline:
        reading = "Reading it now" if status == KycCase.Status.PROCESSING else ""
        stages = [
            received,
            Stage("Document read", "current", reading),
            Stage("Face matched", "todo"),
            Stage("Decision", "todo"),
        ]
    else:
        read = "problem" if scan_failed else _stage_from(checks, _DOCUMENT_STAGE, decided=decided)
        face = "todo" if scan_failed else _stage_from(checks, _FACE_STAGE, decided=decided)
        if status == KycCase.Status.VERIFIED:
            read, face = ("done" if s == "review" else s for s in (read, face))
        decision = {
            KycCase.Status.VERIFIED: Stage("Decision", "done", "Verified"),
            KycCase.Status.REJECTED: Stage("Decision", "problem", "Not verified"),
        }.get(status, Stage("Decision", "review"))
        stages = [received, Stage("Document read", read), Stage("Face matched", face), decision]
    finished = sum(stage.state in ("done", "problem") for stage in stages)
    progress = round(100 * finished / len(stages))
    reasons = _unique(_reason_words(r) for r in case.reasons if r.get("code") not in STAFF_CODES)

    if status in (KycCase.Status.PENDING, KycCase.Status.PROCESSING):
        return KycCustomerStatus(
            state="checking",
            badge="Checking",
            headline="We are checking your documents. This usually takes about a minute; "
            "this page updates by itself.",
            stages=stages,
            progress_percent=progress,
        )
    if status == KycCase.Status.MANUAL_REVIEW:
        return KycCustomerStatus(
            state="review",
            badge="With our team",
            headline="A member of our verification team will look at your documents, usually "
            "within one working day. You do not need to do anything now.",
            stages=stages,
            checks=shown,
            reasons=reasons,
            progress_percent=progress,
        )
    if status == KycCase.Status.VERIFIED:
        return KycCustomerStatus(
            state="verified",
            badge="Verified",
            headline="Your identity is verified. Welcome to SmartBank!",
            stages=stages,
            checks=shown,
            final=True,
            progress_percent=100,
        )
    staff = next((r for r in case.reasons if r.get("code") in STAFF_CODES), None)
    note = str(staff.get("message") or "") if staff else ""
    if "RESUBMISSION_REQUESTED" in codes:
        return KycCustomerStatus(
            state="resubmit",
            badge="Please send again",
            headline="Please send your documents again. Our team looked at them and needs "
            "new ones to finish the check.",
            stages=[*stages[:-1], Stage("Decision", "problem", "Send again")],
            checks=shown,
            staff_note=note,
            redo=_redo(checks),
            final=True,
            progress_percent=progress,
        )
    return KycCustomerStatus(
        state="rejected",
        badge="Rejected",
        headline="We could not verify your identity with these documents.",
        stages=stages,
        checks=shown,
        reasons=reasons,
        staff_note=note if staff and staff.get("code") == "STAFF_REJECTED" else "",
        final=True,
        progress_percent=progress,
    )
