"""CSV exports for compliance reporting: the approval log (seed 001's audit trail of manual
decisions), streamed row by row so a year of decisions never sits in memory."""

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from .models import ApprovalLogEntry

#: The approval log's columns, in order (the first row of the file).
APPROVAL_LOG_COLUMNS = (
    "time",
    "application_id",
    "action",
    "step",
    "officer",
    "officer_name",
    "maker",
    "reason",
    "event_id",
)
#: Rows fetched from the database at a time.
CHUNK_SIZE = 2000
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def approval_log_csv_rows(entries: QuerySet[ApprovalLogEntry]) -> Iterator[list[str]]:
    """The header, then one row per entry of :func:`loans.selectors.approval_log`, in its
    order: ``time`` local ISO 8601 to the second with its UTC offset
    (``2026-12-01T14:05:09+05:30``), the action and step codes, the officer's and the maker's
    emails (maker empty unless the step is CHECKER), the reason, the audit event's id. A cell
    a spreadsheet would run as a formula gets a leading ``'``."""
    yield list(APPROVAL_LOG_COLUMNS)
    for entry in entries.iterator(chunk_size=CHUNK_SIZE):
        yield [
            _cell(value)
            for value in (
                timezone.localtime(entry.created_at).isoformat(timespec="seconds"),
                entry.application.application_id,
                entry.log_action,
                entry.log_step,
                entry.actor.email,
                entry.actor.full_name,
                entry.log_maker_email,
                entry.log_reason,
                entry.pk,
            )
        ]


class _Echo:
    """The file-like object ``csv.writer`` writes to: each row comes back as its text."""

    def write(self, value: str) -> str:
        return value


def csv_streaming_response(*, rows: Iterable[list[str]], filename: str) -> StreamingHttpResponse:
    """A ``text/csv`` UTF-8 download of ``rows`` named ``filename``, written as they come.
    Starts with a byte order mark so that spreadsheet programs read names in any script."""
    writer = csv.writer(_Echo())
    chunks = (writer.writerow(row) for row in rows)
    response = StreamingHttpResponse(_with_bom(chunks), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _with_bom(chunks: Iterator[str]) -> Iterator[str]:
    yield "\ufeff"
    yield from chunks
